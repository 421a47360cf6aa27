"""Score frames as long series (entity x series x edition), for trends and episodes."""

from __future__ import annotations

import pandas as pd

from ..datasets.panel import as_panel

__all__ = ["long_series", "country_trends", "series_trends", "SERIES_CHOICES", "FDR_CHOICES"]

#: What ``series=`` may name besides a single component key.
SERIES_CHOICES = ("total", "categories", "questions")


def long_series(
    data=None,
    *,
    index=None,
    series: str = "total",
    countries=None,
    from_edition: int | None = None,
    to_edition: int | None = None,
    include_territories: bool = False,
) -> pd.DataFrame:
    """Canonical (higher-is-freer) scores as a long frame, one row per entity, series, edition.

    Parameters
    ----------
    data : Panel or DataFrame, optional
        A panel or score rows as for :func:`scoring.compare` (default: the bundled dataset of
        ``index``).
    index : str or Methodology, optional
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
    panel = as_panel(data, index)
    m = panel.methodology
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
    canon = panel.select(countries=countries, include_territories=include_territories,
                         from_edition=from_edition, to_edition=to_edition).scores
    keys = [k for k in keys if k in canon.columns]
    names = (canon.sort_values("edition").groupby("iso3")["country"].last()
             if len(canon) else pd.Series(dtype="str"))
    long = canon.melt(id_vars=["iso3", "edition"], value_vars=keys, var_name="series",
                      value_name="value").dropna(subset=["value"])
    long["country"] = long["iso3"].map(names)
    long["edition"] = long["edition"].astype(int)
    return long[["iso3", "country", "series", "edition", "value"]].sort_values(
        ["iso3", "series", "edition"], kind="stable").reset_index(drop=True)


#: What ``fdr_by=`` may be: one family for the call, or one per kind of series.
FDR_CHOICES = ("all", "series")


def country_trends(
    data=None,
    *,
    index=None,
    series: str = "total",
    countries=None,
    from_edition: int | None = None,
    to_edition: int | None = None,
    include_territories: bool = False,
    confidence: float = 0.95,
    exact_max_n: int = 10,
    method: str = "original",
    fdr_by: str = "all",
) -> pd.DataFrame:
    """Mann-Kendall trend, Sen's slope and OLS for each country's series (and each series).

    :func:`long_series` then :func:`scoring.trend_tests` with entity
    ``["iso3", "series"]`` and time ``edition``; slopes are points per year (edition gaps
    count). ``method`` is the trend test (``"original"``, or a correction for persistence:
    ``"hamed-rao"``, ``"yue-wang"``, ``"prewhiten"``, ``"trend-free-prewhiten"``; applied
    to series of at least 10 editions). ``fdr_by="all"`` computes q-values across every
    series of the call; ``"series"`` within each kind of series: the total, each category
    (or other component) on its own, all questions together. Returns the trend table with
    ``country`` inserted after ``iso3``; ``q_family`` says which family each q-value
    controls.
    """
    from ..inference.checks import check_choice

    check_choice("fdr_by", fdr_by, FDR_CHOICES)
    panel = as_panel(data, index)
    long = long_series(panel, series=series, countries=countries,
                       from_edition=from_edition, to_edition=to_edition,
                       include_territories=include_territories)
    families = None
    if fdr_by == "series":
        m = panel.methodology
        families = {c.key: _family(c.key, c.level) for c in m.components}
    return series_trends(long, confidence=confidence, exact_max_n=exact_max_n,
                         method=method, families=families)


def _family(key: str, level: str) -> str:
    """The words naming a kind of series in ``q_family``: "total", "access category",
    "question" (all questions are one family)."""
    return level if level in ("total", "question") else f"{key} {level}"


def series_trends(long: pd.DataFrame, *, confidence: float = 0.95, exact_max_n: int = 10,
                  method: str = "original", families: dict | None = None) -> pd.DataFrame:
    """The trend table of :func:`country_trends` from a long frame already made by
    :func:`long_series` (so a caller who also needs the series makes them once).
    ``families`` maps each series key to the name of its q-value family (None: one family)."""
    from ..inference.trends import trend_tests

    fdr_by = None
    if families is not None:
        long = long.assign(fdr_family=long["series"].map(families))
        fdr_by = "fdr_family"
    out = trend_tests(long, entity=["iso3", "series"], time="edition", value="value",
                      confidence=confidence, exact_max_n=exact_max_n, method=method,
                      fdr_by=fdr_by)
    names = long.drop_duplicates("iso3").set_index("iso3")["country"]
    out.insert(1, "country", out["iso3"].map(names))
    return out
