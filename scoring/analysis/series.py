"""Score frames as long series (entity x series x edition), for trends and episodes."""

from __future__ import annotations

import pandas as pd

from ..ingest.harmonize import to_canonical
from ..methodology import Methodology, load_methodology

__all__ = ["long_series", "country_trends", "SERIES_CHOICES"]

#: What ``series=`` may name besides a single component key.
SERIES_CHOICES = ("total", "categories", "questions")


def long_series(
    data: pd.DataFrame | None = None,
    *,
    index: str | Methodology = "fotn",
    series: str = "total",
    countries=None,
    from_edition: int | None = None,
    to_edition: int | None = None,
    include_territories: bool = False,
) -> pd.DataFrame:
    """Canonical (higher-is-freer) scores as a long frame, one row per entity, series, edition.

    Parameters
    ----------
    data : DataFrame, optional
        Score rows (default: the bundled dataset of ``index``).
    series : str
        "total", "categories" (each category), "questions" (each question), or one
        component key ("access", "pr", "A1"...).
    countries : list of str, optional
        ISO3 codes to keep.
    from_edition, to_edition : int, optional
        Inclusive edition range.
    include_territories : bool
        FIW: keep territories (default: countries only).

    Returns
    -------
    DataFrame
        ``iso3``, ``country`` (latest name), ``series`` (component key), ``edition``,
        ``value``. Editions where a component was not published are absent (not NaN).
    """
    m = index if isinstance(index, Methodology) else load_methodology(index)
    if data is None:
        from ..datasets.load import load_dataset

        data = load_dataset(m.key)
    if series == "total":
        keys = [m.total.key]
    elif series == "categories":
        keys = [c.key for c in m.categories]
    elif series == "questions":
        keys = [q.key for q in m.questions]
    elif series in m.keys:
        keys = [series]
    else:
        raise ValueError(f"series must be one of {', '.join(SERIES_CHOICES)} or a component "
                         f"of {m.key} ({', '.join(m.keys)}); got {series!r}")
    rows = data
    if "ct" in rows.columns and not include_territories:
        rows = rows[~rows["ct"].str.lower().eq("t")]
    if countries:
        wanted = [c.strip().upper() for c in countries]
        unknown = sorted(set(wanted) - set(rows["iso3"].dropna()))
        if unknown:
            raise ValueError(f"countries must be ISO3 codes in the data; not found: "
                             f"{', '.join(unknown)}")
        rows = rows[rows["iso3"].isin(wanted)]
    if from_edition is not None:
        rows = rows[rows["edition"] >= from_edition]
    if to_edition is not None:
        rows = rows[rows["edition"] <= to_edition]
    canon = to_canonical(rows, m) if len(rows) else rows
    keys = [k for k in keys if k in canon.columns]
    names = (canon.sort_values("edition").groupby("iso3")["country"].last()
             if len(canon) else pd.Series(dtype="str"))
    long = canon.melt(id_vars=["iso3", "edition"], value_vars=keys, var_name="series",
                      value_name="value").dropna(subset=["value"])
    long["country"] = long["iso3"].map(names)
    long["edition"] = long["edition"].astype(int)
    return long[["iso3", "country", "series", "edition", "value"]].sort_values(
        ["iso3", "series", "edition"], kind="stable").reset_index(drop=True)


def country_trends(
    data: pd.DataFrame | None = None,
    *,
    index: str | Methodology = "fotn",
    series: str = "total",
    countries=None,
    from_edition: int | None = None,
    to_edition: int | None = None,
    include_territories: bool = False,
    confidence: float = 0.95,
    exact_max_n: int = 10,
) -> pd.DataFrame:
    """Mann-Kendall trend, Sen's slope and OLS for each country's series (and each series).

    :func:`long_series` then :func:`scoring.trends.trend_tests` with entity
    ``["iso3", "series"]`` and time ``edition``; slopes are points per year (edition gaps
    count). Returns the trend table with ``country`` inserted after ``iso3``; its q-values
    control the false discovery rate across all series of the call.
    """
    from ..inference.trends import trend_tests

    long = long_series(data, index=index, series=series, countries=countries,
                       from_edition=from_edition, to_edition=to_edition,
                       include_territories=include_territories)
    out = trend_tests(long, entity=["iso3", "series"], time="edition", value="value",
                      confidence=confidence, exact_max_n=exact_max_n)
    names = long.drop_duplicates("iso3").set_index("iso3")["country"]
    out.insert(1, "country", out["iso3"].map(names))
    return out
