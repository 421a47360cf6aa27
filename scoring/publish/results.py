"""The results a figure set is drawn from: computed once, or read back from a saved set.

:func:`figure_results` asks the analyses every question the figure set needs, each exactly
once: one comparison per pair of editions (the successive pairs of the history, plus the pair
asked for when it is not one of them), one re-scoring model per pair, one set of long series
and their trends. :class:`FigureResults` holds the answers; :mod:`scoring.publish.figures`
draws from them and nothing else, so a set can be redrawn from its own ``data/`` folder and
``manifest.json`` (:meth:`FigureResults.from_folder`) without computing anything again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..analysis.comparison import compare
from ..analysis.robustness import rescoring_robustness
from ..analysis.series import long_series, series_trends
from ..analysis.yearly import changes_table, decline_run, yearly_counts
from ..datasets.panel import as_panel
from ..errors import ScoringError
from ..methodology import Methodology, load_methodology
from .sources import others, source_credits

__all__ = ["FigureResults", "figure_results", "DATA_FILES"]

#: Which table of :class:`FigureResults` each figure's ``data/<name>.csv`` holds.
DATA_FILES = {"dumbbell": "rows", "forest": "robustness", "transitions": "transitions",
              "volcano": "trends", "trajectories": "series", "change_heatmap": "changes",
              "global_counts": "counts"}

# Text columns in which an empty cell means "nothing to say", not "missing": a CSV cannot tell
# the two apart, so they are restored as "" when a saved set is read back.
_TEXT_COLUMNS = ("status_change", "flags", "note", "missing_editions", "q_family")


@dataclass
class FigureResults:
    """Every table the figure set is drawn from, for one comparison and the history up to it.

    Attributes
    ----------
    index : str
    from_edition, to_edition : int
        The comparison of the change bars, dumbbell, forest plot and transition matrix.
    rows : DataFrame
        The comparison's rows (:attr:`scoring.Comparison.rows`).
    transitions : DataFrame
        The status transition matrix (:attr:`scoring.Comparison.transitions`).
    robustness : DataFrame
        :func:`scoring.rescoring_robustness` of the comparison (exact method).
    series : DataFrame
        :func:`scoring.long_series` of the totals of every edition up to ``to_edition``.
    trends : DataFrame
        :func:`scoring.analysis.series.series_trends` of :attr:`series`.
    changes : DataFrame
        :func:`scoring.country_changes` of the same editions (exact method).
    counts : DataFrame
        :func:`scoring.yearly_counts` of the same editions.
    error_model : dict
        ``p``, ``alpha``, ``interval`` and ``method`` of the re-scoring model.
    credits : list of dict
        Rows of the history that are not Freedom House's own statement of its scores, to be
        credited wherever they are shown: one entry per source, ``kind`` ("third-party" or
        "user-file"), ``source`` (its file), ``credit`` (the name to print) and ``editions``.
    """

    index: str
    from_edition: int
    to_edition: int
    rows: pd.DataFrame
    transitions: pd.DataFrame
    robustness: pd.DataFrame
    series: pd.DataFrame
    trends: pd.DataFrame
    changes: pd.DataFrame
    counts: pd.DataFrame
    error_model: dict = field(default_factory=dict)
    credits: list = field(default_factory=list)

    @property
    def methodology(self) -> Methodology:
        return load_methodology(self.index)

    @property
    def first_edition(self) -> int:
        """The first edition of the history figures."""
        return int(self.series["edition"].min())

    @property
    def run(self) -> dict:
        """:func:`scoring.decline_run` of :attr:`counts` (a reading of the table, not a new
        result)."""
        return decline_run(self.counts)

    @classmethod
    def from_folder(cls, folder: str | Path) -> FigureResults:
        """The results behind a figure set written by :func:`scoring.build_figures`, read from
        its ``manifest.json`` and ``data/*.csv``.

        Raises
        ------
        ScoringError
            The folder is not a figure set (no manifest, or a data file missing), naming the
            file.
        """
        folder = Path(folder)
        manifest_path = folder / "manifest.json"
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            meta = (manifest["index"], int(manifest["from"]), int(manifest["to"]),
                    dict(manifest["error_model"]))
        except FileNotFoundError:
            raise ScoringError(f"{manifest_path}: missing; give the folder of a figure set "
                               "written by `scoring figures`") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise ScoringError(f"{manifest_path}: not a figure-set manifest ({exc})") from None
        tables = {attr: _read(folder / "data" / f"{name}.csv")
                  for name, attr in DATA_FILES.items()}
        index, a, b, model = meta
        # Sets written before the interval was recorded used the default, 0.95.
        model.setdefault("interval", 0.95)
        tables["transitions"] = tables["transitions"].set_index("status_from")
        tables["transitions"].columns.name = "status_to"
        tables["robustness"].attrs["model"] = dict(model)
        return cls(index, a, b, error_model=model,
                   credits=list(manifest.get("credits", [])), **tables)


def _read(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise ScoringError(f"{path}: missing from the figure set") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise ScoringError(f"{path}: not a readable table ({exc})") from None
    for c in _TEXT_COLUMNS:
        if c in frame.columns:
            frame[c] = frame[c].astype(object).where(frame[c].notna(), "").astype(str)
    return frame


def figure_results(
    data=None,
    *,
    index: str | None = None,
    from_edition: int,
    to_edition: int,
    error_p: float = 0.1,
    alpha: float = 0.05,
) -> FigureResults:
    """Compute every result the figure set needs, each once.

    Parameters
    ----------
    data : Panel or DataFrame, optional
        As for :func:`scoring.compare` (default: the bundled dataset of ``index``).
    index, from_edition, to_edition
        The comparison; the history figures use every edition up to ``to_edition``.
    error_p, alpha : float
        The re-scoring model (exact method) behind the robustness marks.

    Notes
    -----
    :func:`scoring.compare` runs once per pair of editions: once for each successive pair of
    the history (shared by the yearly counts and the year-over-year changes) and once more
    only when the pair asked for is not one of them. Each comparison is modelled once.
    """
    panel = as_panel(data, index)
    a, b = int(from_edition), int(to_edition)
    history = panel.select(to_edition=b)
    eds = history.editions
    pairs = {(x, y): compare(history, x, y) for x, y in zip(eds, eds[1:])}
    comparison = pairs[(a, b)] if (a, b) in pairs else compare(panel, a, b)

    def model(c):
        # The interval leaves alpha in each tail, so a change is robust exactly when its
        # interval does not cross into the opposite sign: the forest plot's bars and its
        # filled points follow one rule.
        return rescoring_robustness(c, p=error_p, alpha=alpha, method="exact",
                                    interval=1 - 2 * alpha)

    robust_pairs = {pair: model(c) for pair, c in pairs.items()}
    robust = robust_pairs[(a, b)] if (a, b) in robust_pairs else model(comparison)
    series = long_series(history)
    return FigureResults(
        index=panel.index, from_edition=a, to_edition=b, rows=comparison.rows,
        transitions=comparison.transitions, robustness=robust, series=series,
        trends=series_trends(series), changes=changes_table(list(robust_pairs.values())),
        counts=yearly_counts(list(pairs.values())),
        error_model={"p": error_p, "alpha": alpha, "interval": robust.attrs["model"]["interval"],
                     "method": "exact"},
        credits=others(source_credits(history.scores)))
