"""``read_report`` and ``parse_report``: text to lines (the layout), lines to one answer (the
solver), the answer to the frame.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..._progress import Progress
from ...errors import OrientationError, ReportError
from ...methodology import HIGHER_IS_FREER, LOWER_IS_FREER, Methodology, load_methodology
from . import fotn_country as layout
from ..limits import MAX_LINE, MAX_TEXT_BYTES, read_bounded, split_lines
from .frame import build_frame
from .record import Header, Record
from .solver import Constraints, Observation, World, assignments, decide, solve

__all__ = ["read_report", "parse_report"]


def read_report(path: str | Path, *, on_error: str = "raise",
                progress: Progress | None = None) -> pd.DataFrame:
    """Read a Freedom on the Net country report (text) into a validated score frame.

    Parameters
    ----------
    path : str or Path
        The report as text (UTF-8), e.g. extracted from the PDF with ``pdftotext -layout``.
        A PDF (by its name or its ``%PDF-`` signature) is read as a Freedom on the Net booklet
        by :func:`scoring.read_booklet`, whose frame and attrs it returns.
    on_error : {"raise", "flag"}
        As in :func:`scoring.read_scores`: ``"raise"`` a :class:`ValidationError` when the
        numbers read break a rule; ``"flag"`` keep the rows, name the rules in ``flags`` and
        put the failure table in ``attrs["failures"]``.
    progress : callable, optional
        For a booklet, as for :func:`scoring.read_booklet` (per page); a text report is read
        at once and never calls it.

    Returns
    -------
    pandas.DataFrame
        One row per year of the report's score table (FOTN 2015: 2014 and 2015), in the form of
        :func:`scoring.read_scores`: ``index`` ("fotn"), ``edition`` (the year of the column),
        ``iso3``, ``country``, ``status`` (F/PF/NF), ``orientation``, ``total``, ``access``,
        ``content``, ``rights`` (floats, as published), ``source`` (file name), ``source_row``
        (the first line of the score table: the line of the header years, or the first table
        line read when that line is lost) and ``flags``. ``attrs``:

        - ``report_edition``: the edition of the report (from its title and header years);
        - ``provenance``: field -> line numbers it was read from; per-year fields map year ->
          lines (a recomputed value lists the lines it was computed from);
        - ``repairs``: list of dicts ``{field, year, line, read, inferred, why}``, one per
          damaged or duplicated piece the reader had to decide on;
        - ``facts``: the header facts found, as numbers, booleans and status codes:
          ``population`` (persons), ``internet_penetration`` (percent) and
          ``internet_penetration_year``, ``social_media_ict_apps_blocked``,
          ``political_social_content_blocked``, ``bloggers_ict_users_arrested`` (bool),
          ``press_freedom_status`` (F/PF/NF) and ``press_freedom_year``; a value that cannot be
          read is kept as text, a label not listed here is kept under its own name;
        - ``notes``, ``failures``, ``columns``, ``row_kind`` (``"line"``).

    Raises
    ------
    ReportError
        The file is not a regular file, is past a limit of :mod:`scoring.ingest.limits`
        (:data:`~scoring.ingest.limits.MAX_TEXT_BYTES`, a line longer than
        :data:`~scoring.ingest.limits.MAX_LINE`), is not text, or the country, the edition or the score table cannot be read
        unambiguously; the message names the lines and what is missing or ambiguous.
    OrientationError
        The scale note and the statuses disagree on which way the scale runs.
    ValidationError
        ``on_error="raise"`` and the numbers as published break a rule (e.g. a sum).

    Notes
    -----
    Repairs pick among readings; they never override a clean one. Each row's numbers for a
    year must satisfy ``access + content + rights = total`` with each in ``[0, max]`` and the
    status in the band of the total on the report's scale (old scale: 0-30 F, 31-60 PF,
    61-100 NF). A lost number is recomputed from that sum only when every other number of the
    year is certain (a lost total also needs a read status to check it). The sum is an
    assumption about the published table: Freedom House's tables almost always add up, but not
    always (FOTN 2015 South Africa: 8 + 7 + 11 = 26, total 27), which is why a recomputed number
    is recorded as a repair.

    Examples
    --------
    >>> frame = read_report("datasets/raw/FOTN2015_Kazakhstan.txt")
    >>> frame[["edition", "status", "total"]].values.tolist()
    [[2014, 'PF', 60.0], [2015, 'NF', 61.0]]
    """
    path = Path(path)
    if on_error not in ("raise", "flag"):
        raise ValueError(f"on_error must be 'raise' or 'flag'; got {on_error!r}")
    head = read_bounded(path, error=ReportError, head=1024)
    if path.suffix.lower() == ".pdf" or head.find(b"%PDF-") >= 0:
        from .booklet_read import read_booklet

        return read_booklet(path, on_error=on_error, progress=progress)
    data = read_bounded(path, MAX_TEXT_BYTES, error=ReportError)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportError(f"{path.name}: not UTF-8 text (byte {exc.start})") from exc
    return parse_report(text, source=path.name, on_error=on_error)


def parse_report(text: str, *, source: str = "<text>", on_error: str = "raise") -> pd.DataFrame:
    """Read a FOTN country report from its text; see :func:`read_report` (same result).

    ``source`` names the text in messages and in the ``source`` column.

    Examples
    --------
    >>> text = ("# FREEDOM ON THE NET 2015\\n# Kazakhstan\\n\\t2014\\t2015\\n"
    ...         "Internet Freedom Status\\tPartly Free\\tNot Free\\n"
    ...         "Obstacles to Access (0-25)\\t15\\t14\\nLimits on Content (0-35)\\t23\\t23\\n"
    ...         "Violations of User Rights (0-40)\\t22\\t24\\nTOTAL* (0-100)\\t60\\t6l\\n"
    ...         "* 0=most free, 100=least free\\n")
    >>> parse_report(text)[["edition", "status", "total"]].values.tolist()
    [[2014, 'PF', 60.0], [2015, 'NF', 61.0]]
    """
    if on_error not in ("raise", "flag"):
        raise ValueError(f"on_error must be 'raise' or 'flag'; got {on_error!r}")
    m = load_methodology("fotn")
    record = Record(source)
    _check_lines(text, source)
    lines = layout.read_lines(text)
    header = layout.read_header(lines, m, record)
    obs, status = layout.observations(lines, header, record)
    if not obs:
        record.fail(f"no score rows found after line {header.country_line}")
    cons = Constraints.of(m, layout.ROWS, header.years, header.orientation)
    world = _choose(header, cons, obs, status, m, record)
    return build_frame(header, cons, world, obs, status, m=m, record=record, on_error=on_error)


def _check_lines(text: str, source: str) -> None:
    """Refuse a text with a line longer than :data:`~scoring.ingest.limits.MAX_LINE`, naming
    the first such line, before any line is tokenised."""
    longest = MAX_LINE.value()
    if len(text) <= longest:
        return
    for no, line in enumerate(split_lines(text), 1):
        if len(line) > longest:
            MAX_LINE.check(len(line), f"{source} line {no}", error=ReportError)


def _choose(header: Header, cons: Constraints, obs: list[Observation],
            status: list[Observation], m: Methodology, record: Record) -> World:
    """The solver's answer; when nothing fits, the numbers as published (for validation to
    judge) if exactly one clean reading gives them."""
    outcome = decide(cons, obs, status)
    if outcome.kind == "unique":
        return outcome.world
    if outcome.kind != "none":
        record.fail(outcome.reason)
    if header.assumed_orientation:
        orient = header.orientation
        other = LOWER_IS_FREER if orient == HIGHER_IS_FREER else HIGHER_IS_FREER
        if solve(Constraints.of(m, cons.rows, cons.years, other), obs, status)[0]:
            raise OrientationError(
                f"{record.source}: no scale note; the statuses fit only the {other} bands, "
                f"but FOTN {header.edition} was published {orient}: say which scale "
                "the text is on")
    published = _as_published(cons, obs, status)
    if len(published) != 1:
        record.fail(outcome.reason + (f", and {len(published)} clean readings compete"
                                      if published else
                                      ", and the damaged numbers cannot be taken as published"))
    record.note("the numbers as printed break the table's rules; kept as published for "
                "validation to report")
    return published[0]


def _as_published(cons: Constraints, obs: list[Observation],
                  status: list[Observation]) -> list[World]:
    """The clean, complete readings with no constraint applied (for validation to judge): one
    world (cost 0, no solutions) per answer, from the first way of assigning lines to give it."""
    answers: dict = {}
    rows, n = cons.rows, len(cons.years)
    for assign in assignments(rows, obs):
        if any(assign[r] is None for r in rows):
            continue
        cells = [assign[r].cells[k] for r in rows for k in range(n)]
        if any(c is None or c.values is None or not c.clean for c in cells):
            continue
        for sob in status or [None]:
            if sob is not None and any(s is not None and not s.exact for s in sob.status):
                continue
            answer = tuple(
                (tuple(assign[r].cells[k].values[0] for r in rows),
                 next(iter(sob.status[k].codes)) if sob is not None and sob.status[k] else None)
                for k in range(n))
            answers.setdefault(answer, World(answer, 0, assign, sob, None))
    return list(answers.values())
