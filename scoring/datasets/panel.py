"""The loaded panel: one validated score table on the canonical scale, built once.

Every analysis takes a :class:`Panel`. It is built by :func:`load_panel` (a bundled dataset,
optionally with a user's own files added) or by :meth:`Panel.from_frame` (any score frame, e.g.
from :func:`scoring.read_scores`), and from then on nothing reloads, re-validates or
re-converts the data: analyses select rows of ``panel.scores`` and pass results on.

The public analysis functions still accept a plain frame, or nothing (the bundled dataset), as
they always have: :func:`as_panel` turns what they were given into a panel at the door.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import pandas as pd

from .._progress import Progress
from ..errors import ScoringError
from ..ingest.harmonize import to_canonical
from ..methodology import Methodology, load_methodology

__all__ = ["Panel", "load_panel", "as_panel", "edition_ranges"]


@dataclass(frozen=True, eq=False)
class Panel:
    """A validated score table of one index, on the canonical higher-is-freer scale.

    Attributes
    ----------
    scores : DataFrame
        One row per entity and edition: the columns of :func:`scoring.read_scores`
        (``index, edition, iso3, country, status, orientation``, FIW ``region`` and ``ct``, one
        column per component, ``source``, ``source_row``, ``flags``) with every component
        converted to higher-is-freer (``orientation`` is ``"higher-is-freer"`` everywhere; the
        scale each row was published on is in ``published_orientation``). Flagged rows are
        kept as published and named in ``flags``.
    methodology : Methodology
        The index's methodology.
    notes : tuple of str
        What building the panel did that an analysis must carry on: user files that replaced
        bundled rows, flagged rows kept.
    regions : DataFrame or None
        FIW's regions (``iso3``, ``edition``, ``region``) for an index whose rows carry none
        (FOTN takes FIW's regions by ISO3); None when ``scores`` has a ``region`` column.

    Examples
    --------
    >>> panel = load_panel("fotn")
    >>> panel.index, panel.editions[0], panel.editions[-1]
    ('fotn', 2011, 2024)
    """

    scores: pd.DataFrame
    methodology: Methodology
    notes: tuple[str, ...] = ()
    regions: pd.DataFrame | None = None

    # -- building ------------------------------------------------------------------------------
    @classmethod
    def from_frame(cls, frame: pd.DataFrame, index: str | Methodology | None = None, *,
                   notes=()) -> Panel:
        """A panel from score rows on any mix of published scales.

        Parameters
        ----------
        frame : DataFrame
            Score rows (:func:`scoring.read_scores`, :func:`scoring.load_dataset`, or several
            concatenated): ``iso3``, ``edition``, ``orientation`` and the components at least.
        index : str or Methodology, optional
            Default: the frame's ``index`` column, which must then name one index.
        notes : iterable of str
            Notes to carry (see :attr:`notes`).

        Raises
        ------
        ScoringError
            Rows that share an entity and edition (the first is named with its source row).
        ValueError
            No index given and the frame names none or several; missing columns.
        """
        m = _methodology(index, frame)
        missing = [c for c in ("iso3", "edition", "orientation") if c not in frame.columns]
        if missing:
            raise ValueError(f"data must have the columns iso3, edition and orientation of a "
                             f"score frame; missing: {', '.join(missing)}")
        _refuse_duplicates(frame)
        scores = to_canonical(frame, m).reset_index(drop=True)
        scores.attrs = {}
        regions = None
        if "region" not in scores.columns:
            from .regions import region_table

            regions = region_table()
        return cls(scores, m, tuple(notes), regions)

    # -- what it holds --------------------------------------------------------------------------
    @property
    def index(self) -> str:
        """The index key (``"fotn"``, ``"fiw"``)."""
        return self.methodology.key

    @cached_property
    def editions(self) -> tuple[int, ...]:
        """The editions in the panel, oldest first."""
        return tuple(sorted(int(e) for e in self.scores["edition"].dropna().unique()))

    @property
    def has_territories(self) -> bool:
        """Whether the rows tell countries from territories (FIW's ``ct`` column)."""
        return "ct" in self.scores.columns

    def territory_mask(self, frame: pd.DataFrame | None = None) -> pd.Series:
        """True for the rows of territories (``ct == "t"``); all False without a ``ct``."""
        frame = self.scores if frame is None else frame
        if "ct" not in frame.columns:
            return pd.Series(False, index=frame.index)
        return frame["ct"].str.lower().eq("t").fillna(False).astype(bool)

    def edition(self, edition: int) -> pd.DataFrame:
        """The rows of one edition, indexed by ``iso3``."""
        return self.scores[self.scores["edition"] == edition].set_index("iso3")

    def region_of(self, edition: int) -> tuple[pd.Series, int]:
        """FIW regions by ISO3 for ``edition`` and the FIW edition they come from
        (:func:`scoring.datasets.regions.regions_for`); only for a panel with
        :attr:`regions`."""
        from .regions import regions_for

        if self.regions is None:
            raise ValueError("this panel's rows carry their own region column")
        return regions_for(self.regions, edition)

    # -- narrowing ---------------------------------------------------------------------------------
    def check_countries(self, countries, rows: pd.DataFrame | None = None) -> list[str]:
        """ISO3 codes as asked (stripped, upper case), each checked to be in the panel (or in
        ``rows`` of it)."""
        wanted = [str(c).strip().upper() for c in countries]
        known = set((self.scores if rows is None else rows)["iso3"].dropna())
        unknown = [c for c in wanted if c not in known]
        if unknown:
            from ..ingest.countries import name_for

            named = [f"{c} ({name_for(c)})" if name_for(c) else c for c in unknown]
            raise ValueError(f"not in the {self.methodology.name} data (any edition): "
                             f"{', '.join(named)}; `scoring countries --index {self.index}` "
                             "lists who is covered")
        return wanted

    def region_members(self, regions, *, include_territories: bool = True) -> list[str]:
        """ISO3 codes, sorted, of the panel's entities whose region is one of ``regions``:
        FIW's, each entity's latest (:func:`scoring.datasets.regions.latest_regions`; FOTN
        countries take FIW's by ISO3). Countries only unless ``include_territories``."""
        from .regions import latest_regions

        region = latest_regions(self.scores if self.regions is None else self.regions)
        rows = self.scores if include_territories else self.scores[~self.territory_mask()]
        wanted = set(regions)
        return sorted(c for c in set(rows["iso3"].dropna()) if region.get(c) in wanted)

    def select(self, *, countries=None, include_territories: bool = True,
               from_edition: int | None = None, to_edition: int | None = None,
               editions=None) -> Panel:
        """A panel of some of the rows: these countries, countries only, an edition range or
        a list of editions. Rows are selected, never changed."""
        rows = self.scores
        keep = pd.Series(True, index=rows.index)
        if not include_territories:
            keep &= ~self.territory_mask()
        if countries:
            keep &= rows["iso3"].isin(self.check_countries(countries, rows[keep]))
        if from_edition is not None:
            keep &= rows["edition"] >= from_edition
        if to_edition is not None:
            keep &= rows["edition"] <= to_edition
        if editions is not None:
            keep &= rows["edition"].isin(list(editions))
        if keep.all():
            return self
        chosen = rows[keep.to_numpy()].reset_index(drop=True)
        return replace(self, scores=chosen)


def _methodology(index, frame: pd.DataFrame) -> Methodology:
    if isinstance(index, Methodology):
        return index
    if index is not None:
        return load_methodology(index)
    keys = frame["index"].dropna().unique() if "index" in frame.columns else []
    if len(keys) != 1:
        raise ValueError(f"index must be given when the data name "
                         f"{'no index' if len(keys) == 0 else 'several: ' + ', '.join(keys)}")
    return load_methodology(str(keys[0]))


def _refuse_duplicates(frame: pd.DataFrame) -> None:
    dup = frame[frame.duplicated(["iso3", "edition"], keep=False)]
    if len(dup):
        first = dup.iloc[0]
        where = (f", from {first['source']} row {first['source_row']}"
                 if "source" in dup.columns and "source_row" in dup.columns else "")
        raise ScoringError(
            f"{len(dup)} rows share an entity and edition (first: {first['iso3']} "
            f"{first['edition']}{where}); one row per entity and edition is needed to compare")


def load_panel(
    index: str = "fotn",
    *,
    files=(),
    edition: int | None = None,
    orientation: str | None = None,
    on_error: str = "raise",
    progress: Progress | None = None,
) -> Panel:
    """The bundled dataset of ``index`` as a panel, with the user's own files added.

    Parameters
    ----------
    index : {"fotn", "fiw"}
        A dataset of the registry (``scoring datasets`` lists them).
    files : iterable of path
        Score files or FOTN country reports to add (:func:`scoring.add_user_files`: each is
        read and validated; its rows replace bundled rows of the same entity and edition).
    edition, orientation, on_error
        For the files, as in :func:`scoring.read_scores`.
    progress : callable, optional
        ``progress(done, total, label)`` (:mod:`scoring._progress`): the pages of each booklet
        among the files, one file after another. None: silent.

    Returns
    -------
    Panel
        ``notes`` say what the files changed.
    """
    from .load import add_user_files, load_dataset

    data = load_dataset(index)
    notes: list[str] = []
    files = list(files)
    if files:
        data, notes = add_user_files(data, files, index=index, edition=edition,
                                     orientation=orientation, on_error=on_error,
                                     progress=progress)
    return Panel.from_frame(data, index, notes=notes)


def as_panel(data=None, index: str | Methodology | None = None) -> Panel:
    """What a public analysis function was given, as a panel.

    A :class:`Panel` is returned as it is (``index``, when given, must name its index); a
    frame becomes :meth:`Panel.from_frame`; ``None`` is the bundled dataset of ``index``
    (default ``"fotn"``).
    """
    if isinstance(data, Panel):
        if index is not None:
            key = index.key if isinstance(index, Methodology) else str(index)
            if key != data.index:
                raise ValueError(f"index must be the panel's ({data.index!r}) or None; "
                                 f"got {key!r}")
        return data
    if data is None:
        key = index.key if isinstance(index, Methodology) else (index or "fotn")
        return load_panel(key)
    if isinstance(data, pd.DataFrame):
        return Panel.from_frame(data, index if index is not None else _frame_index(data))
    raise ValueError(f"data must be a Panel, a score DataFrame or None; got "
                     f"{type(data).__name__}")


def _frame_index(frame: pd.DataFrame) -> str:
    # The documented default of every analysis was "fotn"; a frame that names its index says
    # better.
    keys = frame["index"].dropna().unique() if "index" in frame.columns else []
    return str(keys[0]) if len(keys) == 1 else "fotn"


def edition_ranges(covered, editions) -> str:
    """``covered`` as runs of consecutive ``editions`` (the panel's, so a year no edition was
    published in is no gap): ``"2011-2016, 2018-2024"``; a run of one is the year alone."""
    place = {int(e): i for i, e in enumerate(sorted(editions))}
    runs: list[list[int]] = []
    for e in sorted(int(x) for x in covered):
        if runs and place[e] == place[runs[-1][1]] + 1:
            runs[-1][1] = e
        else:
            runs.append([e, e])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
