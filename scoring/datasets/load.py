"""Load the bundled tidy tables (see ``datasets/registry.toml``), on one scale by default.

The tables hold canonical higher-is-freer scores in every score column, so a pivot or a plot of
them is right without reading a column first; ``as_published=True`` gives back the values as
Freedom House published them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._progress import Progress
from ..errors import DatasetError, ScoringError
from ..ingest.harmonize import to_canonical, to_published
from ..methodology import load_methodology
from ..ingest.readers import ID_COLUMNS
from .registry import dataset_entry, datasets_dir

__all__ = ["load_dataset", "add_user_files"]

_TEXT = ID_COLUMNS + ["published_orientation", "region", "ct", "source", "source_kind",
                      "flags"]


def load_dataset(name: str = "fotn", *, canonical: bool | None = None,
                 as_published: bool = False) -> pd.DataFrame:
    """A bundled tidy table: one row per entity and edition, on one scale.

    Parameters
    ----------
    name : {"fotn", "fiw"}
        A dataset of the registry (``scoring datasets`` lists them).
    canonical : bool, optional
        Kept for code written when the default was as published: ``True`` is now the
        default and changes nothing; ``False`` means ``as_published=True``.
    as_published : bool
        Every row on the scale it was published on instead (FOTN 2015, 2018 and Kazakhstan
        2014 lower-is-freer, the rest higher-is-freer), with that scale in ``orientation``:
        the numbers as Freedom House printed them, for checking against a publication.

    Returns
    -------
    DataFrame
        The columns of :func:`scoring.read_scores` (``index, edition, iso3, country, status,
        orientation``, FIW ``region`` and ``ct``, one column per component, ``source``,
        ``source_row``, ``flags``), plus ``source_kind`` (what the source is:
        ``fh-sheet``, ``fh-publication``, ``transcription`` or ``third-party`` — the DA2I
        series, to be credited where used; see ``datasets/sources.toml``) and, unless
        ``as_published``, ``published_orientation``. By default every score is higher = freer
        (``orientation`` is ``higher-is-freer`` on every row) and a row published
        lower-is-freer gives back its published value as ``max - value``, which is what
        ``as_published=True`` does. A blank component means the source of that row did not
        publish it (FOTN 2011-2014, 2016 and 2017 have totals only); a blank status likewise.
        ``attrs["citation"]`` holds the registry's citation.

    Raises
    ------
    ValueError
        ``canonical=True`` together with ``as_published=True``.
    DatasetError
        The table is missing.

    Examples
    --------
    >>> fotn = load_dataset("fotn")
    >>> kaz = fotn.query("iso3 == 'KAZ' and edition == 2015")
    >>> kaz[["access", "content", "rights", "total"]].iloc[0].tolist()
    [11.0, 12.0, 16.0, 39.0]
    >>> published = load_dataset("fotn", as_published=True)
    >>> kaz = published.query("iso3 == 'KAZ' and edition == 2015")
    >>> float(kaz["total"].iloc[0]), kaz["orientation"].iloc[0]
    (61.0, 'lower-is-freer')
    """
    as_published = _wants_published(canonical, as_published)
    entry = dataset_entry(name)
    path = datasets_dir() / entry["file"]
    if not path.exists():
        raise DatasetError(f"{path}: missing; rebuild it with `scoring datasets build`")
    m = load_methodology(entry["index"])
    head = pd.read_csv(path, nrows=0).columns
    dtypes = {c: "str" for c in head if c in _TEXT}
    dtypes.update({c: "float64" for c in head if c in m.keys})
    frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False,
                        na_values={c: [""] for c in head})
    frame["edition"] = frame["edition"].astype("Int64")
    frame["flags"] = frame["flags"].fillna("")
    # A table built before the tables were canonical (a $SCORING_DATASETS folder of an older
    # build) holds published values without published_orientation: convert it here too.
    frame = to_canonical(frame, m)
    if as_published:
        frame = to_published(frame, m)
    frame.attrs["citation"] = entry["citation"]
    frame.attrs["dataset"] = name
    return frame


def _wants_published(canonical: bool | None, as_published: bool) -> bool:
    """Whether the caller asked for published values; ``canonical=False`` (the old way of
    asking) still means so, and asking for both scales at once is refused, not resolved."""
    if canonical is None:
        return bool(as_published)
    if canonical and as_published:
        raise ValueError("canonical and as_published must not both be True: choose one scale "
                         "(canonical, the default, or as_published=True); got canonical=True, "
                         "as_published=True")
    return not canonical


def add_user_files(
    data: pd.DataFrame,
    paths,
    *,
    index: str,
    edition: int | None = None,
    orientation: str | None = None,
    on_error: str = "raise",
    progress: Progress | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Add a user's own score files to a dataset for one analysis.

    Each file is read and validated by :func:`scoring.read_scores` (``on_error`` as there);
    for FOTN, a PDF (by its ``%PDF-`` signature, whatever its name) is read as a booklet by
    :func:`scoring.read_booklet`, and a text file that is a country report (title "FREEDOM ON
    THE NET <year>") by :func:`scoring.read_report`.
    Its rows replace rows of ``data`` with the same entity and edition; the notes say how many.
    They keep the scale they were read on (``orientation``; :class:`scoring.Panel` converts)
    and, when ``data`` has a ``source_kind`` column, carry ``source_kind = "user-file"``.
    ``progress(done, total, label)`` (:mod:`scoring._progress`), when given, follows the pages
    of each booklet read, one file after another (each file's count starts from 0).

    Returns
    -------
    (DataFrame, list of str)
        The combined rows and a note per file that replaced rows or kept flagged rows.
    """
    notes = []
    for path in paths:
        mine, said = read_user_file(path, index, edition=edition, orientation=orientation,
                                    on_error=on_error, progress=progress)
        notes += said
        n_bad = len(mine.attrs["failures"])
        if n_bad:
            notes.append(f"{path}: {n_bad} validation failure{'s' if n_bad != 1 else ''} kept "
                         "(flagged rows used as published); `scoring validate` lists them")
        mine.attrs = {}
        if "source_kind" in data.columns:
            mine["source_kind"] = "user-file"
        key = set(zip(mine["iso3"], mine["edition"]))
        replaced = data[[k in key for k in zip(data["iso3"], data["edition"])]]
        if len(replaced):
            notes.append(f"{path}: {len(replaced)} rows replace bundled rows of the same "
                         "country and edition")
        data = pd.concat([data.drop(index=replaced.index), mine], ignore_index=True)
    return data, notes


def read_user_file(path, index: str, *, edition: int | None = None,
                   orientation: str | None = None, sheet: str | None = None,
                   on_error: str = "raise",
                   progress: Progress | None = None) -> tuple[pd.DataFrame, list[str]]:
    """One user file, read as what it is: for FOTN, a PDF (by its ``%PDF-`` signature) as a
    booklet and a text file titled "FREEDOM ON THE NET <year>" as a country report; anything
    else as a score table by :func:`scoring.read_scores`. Returns the frame (its ``attrs``
    as the reader left them) and a note saying how a booklet or report was read.
    ``progress`` follows a booklet's pages (:func:`scoring.read_booklet`)."""
    from ..ingest.limits import regular_file
    from ..ingest.readers import read_scores

    regular_file(path)  # a FIFO, device or directory is refused before anything opens it
    if str(path).lower().endswith(".pdf") and not _is_pdf(path):
        raise ScoringError(f"{Path(path).name}: named .pdf but not a PDF (a PDF starts with "
                           "'%PDF-'): a damaged download or another file renamed; nothing read")
    if index == "fotn" and _is_pdf(path):
        from ..ingest.reports import read_booklet

        mine = read_booklet(path, on_error=on_error, progress=progress)
        return mine, [f"{path}: read as the Freedom on the Net "
                      f"{mine.attrs['booklet_edition']} booklet's score table "
                      f"({len(mine.attrs['repairs'])} inferences, listed by "
                      "`scoring ingest-report`)"]
    if index == "fotn" and _looks_like_report(path):
        from ..ingest.reports import read_report

        mine = read_report(path, on_error=on_error)
        return mine, [f"{path}: read as a Freedom on the Net country report "
                      f"({len(mine.attrs['repairs'])} OCR repairs, listed by "
                      "`scoring ingest-report`)"]
    return read_scores(path, index, edition=edition, orientation=orientation, sheet=sheet,
                       on_error=on_error), []


def _is_pdf(path) -> bool:
    """A file whose first kilobyte carries the PDF signature."""
    from ..ingest.limits import read_bounded

    try:
        return b"%PDF-" in read_bounded(path, head=1024)
    except ScoringError:
        return False


def _looks_like_report(path) -> bool:
    """A text file whose first lines carry a FOTN report title."""
    import re

    from ..ingest.limits import read_bounded, split_lines

    try:
        head = read_bounded(path, head=2000)
    except ScoringError:
        return False
    if head.startswith(b"PK") or b"\x00" in head:
        return False
    text = head.decode("utf-8", "replace")
    return bool(re.search(r"FREEDOM\s+ON\s+THE\s+NET\s+\d{4}", text, re.IGNORECASE)) and \
        "," not in split_lines(text)[0]
