"""The global picture: how many countries declined or improved in each pair of consecutive
editions, and how long the current run of net declines is ("declined for the Nth consecutive
year")."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..datasets.panel import as_panel
from ..inference.sign import sign_test
from ..methodology import load_methodology
from .comparison import Comparison, compare

__all__ = ["successive_comparisons", "yearly_counts", "decline_run", "country_changes",
           "changes_table"]


def successive_comparisons(data=None, *, index=None,
                           include_territories: bool = False) -> list[Comparison]:
    """:func:`scoring.compare` for every pair of successive editions in the data, once each.

    ``data`` and ``index`` as for :func:`scoring.compare`. The result can be passed to
    :func:`yearly_counts` and :func:`country_changes`, so that a caller who needs both
    compares each pair only once.
    """
    panel = as_panel(data, index)
    eds = panel.editions
    return [compare(panel, a, b, include_territories=include_territories)
            for a, b in zip(eds, eds[1:])]


def _comparisons(data, index, include_territories) -> list[Comparison]:
    if isinstance(data, Sequence) and not isinstance(data, str) and \
            all(isinstance(c, Comparison) for c in data):
        if include_territories or index is not None:
            raise ValueError("index and include_territories must not be given with "
                             "comparisons: they were fixed when the comparisons were made")
        return list(data)
    return successive_comparisons(data, index=index, include_territories=include_territories)


def yearly_counts(
    data=None,
    *,
    index=None,
    include_territories: bool = False,
) -> pd.DataFrame:
    """Declines, improvements and no change per pair of successive editions in the data.

    Parameters
    ----------
    data : Panel, DataFrame or list of Comparison, optional
        A panel or score rows as for :func:`scoring.compare` (default: the bundled dataset of
        ``index``), or the comparisons of :func:`successive_comparisons`.
    index : str or Methodology, optional
    include_territories : bool
        FIW: count territories too (default: countries only, as Freedom House).

    Returns
    -------
    DataFrame
        One row per pair of successive editions in the data: ``from_edition``, ``to_edition``,
        ``consecutive`` (False when the index published editions in between that the data
        lack: the pair then spans several years), ``n`` (units in both), ``declined``,
        ``improved``, ``unchanged``, ``net_decline`` (declined > improved), ``sign_test_p``
        (exact two-sided binomial test of declined vs improved, H0 0.5, unchanged excluded:
        :func:`scoring.sign_test`), ``missing_editions`` (the editions between, as text).

    Examples
    --------
    >>> counts = yearly_counts(index="fiw")
    >>> counts[["from_edition", "to_edition", "declined", "improved"]].values[-1].tolist()
    [2024, 2025, 60, 34]
    """
    rows = []
    for r in _comparisons(data, index, include_territories):
        a, b = r.editions
        between = [e for e in r.methodology.editions if a < e < b]
        test = sign_test(r.rows["delta"].to_numpy(dtype=float))
        rows.append(dict(from_edition=a, to_edition=b, consecutive=not between,
                         n=r.summary["n"], declined=r.summary["declined"],
                         improved=r.summary["improved"], unchanged=r.summary["unchanged"],
                         net_decline=r.summary["declined"] > r.summary["improved"],
                         sign_test_p=test["p"],
                         missing_editions=", ".join(map(str, between))))
    cols = ["from_edition", "to_edition", "consecutive", "n", "declined", "improved",
            "unchanged", "net_decline", "sign_test_p", "missing_editions"]
    return pd.DataFrame(rows, columns=cols)


def decline_run(counts: pd.DataFrame) -> dict:
    """Length of the current run of edition pairs in which declines outnumbered improvements.

    Counting back from the latest pair, the run stops at the first pair where declines did not
    outnumber improvements, or at a pair that spans editions the data lack (the run may go on
    through them, but the data cannot say).

    Parameters
    ----------
    counts : DataFrame
        As returned by :func:`yearly_counts`.

    Returns
    -------
    dict
        ``last_edition``; ``run`` (number of consecutive pairs with net declines, ending at
        the last edition; 0 if the last pair had none); ``first_edition_of_run`` (the later
        edition of the run's first pair); ``at_least`` (True when a gap in the data stopped the
        count, so the true run may be longer); ``stopped_by`` (a sentence).

    Examples
    --------
    >>> counts = pd.DataFrame({"from_edition": [2022, 2023], "to_edition": [2023, 2024],
    ...                        "consecutive": [True, True], "net_decline": [True, True],
    ...                        "declined": [5, 6], "improved": [2, 1],
    ...                        "missing_editions": ["", ""]})
    >>> decline_run(counts)["run"]
    2
    """
    if counts.empty:
        return dict(last_edition=None, run=0, first_edition_of_run=None, at_least=False,
                    stopped_by="no pairs of editions in the data")
    ordered = counts.sort_values("to_edition")
    run, first, at_least, stopped = 0, None, False, ""
    for r in ordered.iloc[::-1].itertuples(index=False):
        if not r.consecutive:
            at_least = run > 0 or bool(r.net_decline)
            stopped = (f"the data lack editions {r.missing_editions} between {r.from_edition} "
                       f"and {r.to_edition}, so the run cannot be followed further back")
            break
        if not r.net_decline:
            stopped = (f"{r.from_edition} -> {r.to_edition}: {r.declined} declined, "
                       f"{r.improved} improved")
            break
        run += 1
        first = int(r.to_edition)
    else:
        stopped = (f"the data start at edition {int(ordered['from_edition'].iloc[0])}, so the "
                   "run may be longer")
        at_least = run > 0
    return dict(last_edition=int(ordered["to_edition"].iloc[-1]), run=run,
                first_edition_of_run=first, at_least=at_least, stopped_by=stopped)


def country_changes(
    data=None,
    *,
    index=None,
    include_territories: bool = False,
    countries=None,
    error_p: float = 0.1,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Every country's change between each pair of successive editions, with its robustness.

    Parameters
    ----------
    data, index, include_territories
        As in :func:`yearly_counts` (``data`` may be the comparisons of
        :func:`successive_comparisons`).
    countries : list of str, optional
        ISO3 codes to keep (codes not in a pair are passed over).
    error_p, alpha : float
        The re-scoring error model of :func:`scoring.rescoring_robustness` (exact method),
        applied to each pair.

    Returns
    -------
    DataFrame
        One row per country and pair: ``iso3``, ``country``, ``from_edition``,
        ``to_edition``, ``consecutive`` (no published edition in between), ``delta``,
        ``p_sign`` (probability the sign of the change survives re-scoring), ``robust``.

    Notes
    -----
    The exact method models each country on its own, so keeping some countries after the
    model gives the same rows as modelling those countries alone.
    """
    from .robustness import rescoring_robustness

    tables = [rescoring_robustness(c, p=error_p, alpha=alpha, method="exact")
              for c in _comparisons(data, index, include_territories)]
    out = changes_table(tables)
    if countries:
        out = out[out["iso3"].isin(list(countries))].reset_index(drop=True)
    return out


def changes_table(robustness: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The rows of :func:`country_changes` from robustness tables already computed
    (:func:`scoring.rescoring_robustness`, one per pair of successive editions)."""
    parts = []
    for r in robustness:
        a, b = r.attrs["from"], r.attrs["to"]
        editions = load_methodology(r.attrs["index"]).editions
        part = r[["iso3", "country", "delta", "p_sign", "robust"]].copy()
        part.insert(2, "from_edition", a)
        part.insert(3, "to_edition", b)
        part.insert(4, "consecutive", not any(a < e < b for e in editions))
        parts.append(part)
    cols = ["iso3", "country", "from_edition", "to_edition", "consecutive", "delta", "p_sign",
            "robust"]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)[cols]
