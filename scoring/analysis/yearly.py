"""The global picture: how many countries declined or improved in each pair of consecutive
editions, and how long the current run of net declines is ("declined for the Nth consecutive
year")."""

from __future__ import annotations

import pandas as pd

from .comparison import compare
from ..methodology import Methodology, load_methodology
from ..inference.sign import sign_test

__all__ = ["yearly_counts", "decline_run", "country_changes"]


def yearly_counts(
    data: pd.DataFrame | None = None,
    *,
    index: str | Methodology = "fotn",
    include_territories: bool = False,
) -> pd.DataFrame:
    """Declines, improvements and no change per pair of successive editions in the data.

    Parameters
    ----------
    data : DataFrame, optional
        Score rows (default: the bundled dataset of ``index``).
    index : str or Methodology
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
    >>> counts = yearly_counts(index="fiw")  # doctest: +SKIP
    """
    m = index if isinstance(index, Methodology) else load_methodology(index)
    if data is None:
        from ..datasets.load import load_dataset

        data = load_dataset(m.key)
    eds = sorted(int(e) for e in data["edition"].dropna().unique())
    rows = []
    for a, b in zip(eds, eds[1:]):
        r = compare(data, index=m, from_edition=a, to_edition=b,
                    include_territories=include_territories)
        between = [e for e in m.editions if a < e < b]
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
    data: pd.DataFrame | None = None,
    *,
    index: str | Methodology = "fotn",
    include_territories: bool = False,
    countries=None,
    error_p: float = 0.1,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Every country's change between each pair of successive editions, with its robustness.

    Parameters
    ----------
    data, index, include_territories, countries
        As in :func:`scoring.compare`.
    error_p, alpha : float
        The re-scoring error model of :func:`scoring.rescoring_robustness` (exact method),
        applied to each pair.

    Returns
    -------
    DataFrame
        One row per country and pair: ``iso3``, ``country``, ``from_edition``,
        ``to_edition``, ``consecutive`` (no published edition in between), ``delta``,
        ``p_sign`` (probability the sign of the change survives re-scoring), ``robust``.
    """
    from .robustness import rescoring_robustness

    m = index if isinstance(index, Methodology) else load_methodology(index)
    if data is None:
        from ..datasets.load import load_dataset

        data = load_dataset(m.key)
    eds = sorted(int(e) for e in data["edition"].dropna().unique())
    parts = []
    for a, b in zip(eds, eds[1:]):
        both = set(data.loc[data["edition"] == a, "iso3"]) & set(
            data.loc[data["edition"] == b, "iso3"])
        wanted = [c for c in countries if c in both] if countries else None
        if countries and not wanted:
            continue
        r = rescoring_robustness(data, index=m, from_edition=a, to_edition=b, countries=wanted,
                                 include_territories=include_territories, p=error_p,
                                 alpha=alpha, method="exact")
        part = r[["iso3", "country", "delta", "p_sign", "robust"]].copy()
        part.insert(2, "from_edition", a)
        part.insert(3, "to_edition", b)
        part.insert(4, "consecutive", not any(a < e < b for e in m.editions))
        parts.append(part)
    cols = ["iso3", "country", "from_edition", "to_edition", "consecutive", "delta", "p_sign",
            "robust"]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)[cols]
