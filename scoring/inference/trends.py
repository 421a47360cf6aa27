"""Monotonic trend tests for many series at once: Mann-Kendall, tau-b, Sen's slope, OLS.

:func:`trend_tests` takes a long table (one row per entity and time) and returns one row per
series. All series are tested together, without a Python loop over series: the series are
grouped by their number of valid points, stacked into 2-D arrays, and every statistic is a
row-wise array operation over the ``n (n - 1) / 2`` pairs of points, in chunks of series so
that memory stays bounded. Gaps in time are kept: Sen's and the OLS slope use the real time
values, while the Mann-Kendall statistic only needs their order.

This module is the engine: it checks the table (:mod:`.trend_input`), sorts it into series
of valid points, hands each block of equal-length series to :mod:`.trend_stats` (the
formulas: S and its tie-corrected variance, tau-b, Sen's slope and interval, OLS), takes exact
p-values for short series from :mod:`.mann_kendall_exact` (the permutation distribution of S
given the tie pattern of the values, a q-multinomial coefficient, computed once per distinct
pattern), and assembles the table with Benjamini-Hochberg q-values (:mod:`.multitest`).

scipy is imported inside the functions that need it, so importing this module stays light.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .mann_kendall_exact import exact_p as _exact_p
from .multitest import bh_qvalues
from .trend_input import check_arguments, check_duplicates, numeric_column
from .trend_stats import block_statistics, normal_p, ols_p

__all__ = ["EXACT_LIMIT", "MIN_N", "TREND_COLUMNS", "trend_tests"]

#: Fewest valid points for which a series is tested (p, z and Sen's interval reported).
MIN_N = 4

#: Largest allowed ``exact_max_n``. The exact distribution costs about 0.1 ms per tie pattern
#: at n = 10, 20 ms at 40 and 0.4 s at 80 (exact integers grow with n); beyond 50 the normal
#: approximation is accurate to far better than any decision needs.
EXACT_LIMIT = 50

#: Output columns after the entity column(s), in order.
TREND_COLUMNS = ("n", "first", "last", "s", "var_s", "z", "p", "p_method", "tau_b",
                 "sen_slope", "sen_lo", "sen_hi", "sen_intercept", "ols_slope", "ols_p", "q",
                 "note")

# Bytes of pairwise work arrays allowed per chunk of series (about 40 bytes per pair and
# series are alive at once: differences, slopes, sign masks and fancy-indexing temporaries).
_CHUNK_BYTES = 200 * 2**20
_BYTES_PER_PAIR = 40

# What block_statistics returns per series and trend_tests keeps.
_BLOCK_NAMES = ("s", "var_s", "tau_b", "sen_slope", "sen_lo", "sen_hi", "sen_intercept",
                "ols_slope", "r")


# ---------------------------------------------------------------------------------------------
# the steps of trend_tests


class _Points(NamedTuple):
    """The valid points (time and value present), sorted by series then time."""

    series: np.ndarray  # series number of each point
    times: np.ndarray
    values: np.ndarray
    n: np.ndarray  # valid points per series
    missing_time: np.ndarray  # rows per series ignored for a missing time
    missing_value: np.ndarray  # ... and for a missing value (time present)


def _series_index(data: pd.DataFrame, entities: list, t_all: np.ndarray, time: str):
    """Series number of each row, the series' keys (sorted), and the rows in (series, time)
    order; raises if a time repeats within a series."""
    grouped = data.groupby(entities, sort=True, dropna=False, observed=True)
    gid = grouped.ngroup().to_numpy(dtype=np.int64)
    keys = grouped.size().index.to_frame(index=False)
    order = np.lexsort((t_all, gid))
    check_duplicates(gid, t_all, order, keys, time)
    return gid, keys, order


def _valid_points(gid, t_all, y_all, order, n_series: int) -> _Points:
    no_time = np.isnan(t_all)
    no_value = np.isnan(y_all) & ~no_time
    missing_time = np.bincount(gid[no_time], minlength=n_series)
    missing_value = np.bincount(gid[no_value], minlength=n_series)
    valid = order[~(no_time | no_value)[order]]
    g_v = gid[valid]
    return _Points(g_v, t_all[valid], y_all[valid], np.bincount(g_v, minlength=n_series),
                   missing_time, missing_value)


def _first_last(points: _Points) -> tuple[np.ndarray, np.ndarray]:
    """First and last valid time of each series (NaN for a series without one)."""
    n = points.n
    start = np.cumsum(n) - n
    has = n > 0
    first = np.full(n.size, np.nan)
    last = np.full(n.size, np.nan)
    first[has] = points.times[start[has]]
    last[has] = points.times[start[has] + n[has] - 1]
    return first, last


def _statistics(points: _Points, *, confidence: float, exact_max_n: int,
                chunk_size: int | None) -> tuple[dict, np.ndarray, np.ndarray]:
    """Every statistic of every series with n >= 2, one block of equal-length series (and
    one chunk of it) at a time; which series get the exact p, and that p."""
    n = points.n
    out = {name: np.full(n.size, np.nan) for name in
           ("var_s", "z", "p", "tau_b", "sen_slope", "sen_lo", "sen_hi", "sen_intercept",
            "ols_slope", "r", "ols_p")}
    out["s"] = np.zeros(n.size, dtype=np.int64)
    out["var_s"][:] = 0.0
    exact = np.zeros(n.size, dtype=bool)
    exact_p = np.full(n.size, np.nan)

    from scipy.stats import norm

    z_ci = float(norm.ppf((1 - confidence) / 2))

    n_of_row = n[points.series]
    for length in np.unique(n[n >= 2]):
        length = int(length)
        members = np.flatnonzero(n == length)
        in_block = n_of_row == length
        times = points.times[in_block].reshape(-1, length)
        values = points.values[in_block].reshape(-1, length)
        n_pairs = length * (length - 1) // 2
        step = chunk_size or max(1, _CHUNK_BYTES // (_BYTES_PER_PAIR * n_pairs))
        for lo in range(0, len(members), step):
            rows = members[lo:lo + step]
            block = block_statistics(times[lo:lo + step], values[lo:lo + step], z_ci)
            for name in _BLOCK_NAMES:
                out[name][rows] = block[name]
            if MIN_N <= length <= exact_max_n:
                exact[rows] = True
                exact_p[rows] = _exact_p(np.abs(block["s"]), block["sizes"])
    return out, exact, exact_p


def _p_values(out: dict, n: np.ndarray, exact: np.ndarray,
              exact_p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fill ``z``, ``p`` and ``ols_p`` of the tested series in ``out``; blank Sen's interval
    of the short ones. Returns which series are constant, and each series' ``p_method``."""
    tested = (n >= MIN_N) & (out["var_s"] > 0)
    constant = (n >= MIN_N) & (out["var_s"] == 0)
    z, p_normal = normal_p(out["s"][tested], out["var_s"][tested])
    out["z"][tested] = z
    out["p"][tested] = np.where(exact[tested], exact_p[tested], p_normal)
    out["ols_p"][tested] = ols_p(out["r"][tested], n[tested])
    untested = ~tested & ~constant
    out["sen_lo"][untested] = np.nan
    out["sen_hi"][untested] = np.nan
    p_method = np.where(tested, np.where(exact, "exact", "normal"), "none").astype(object)
    return constant, p_method


def _plural_note(counts: np.ndarray, one: str, many: str) -> np.ndarray:
    text = np.where(counts == 1, one, many)
    return np.where(counts > 0, np.char.add(counts.astype(str), text).astype(object), "")


def _join_notes(*parts: np.ndarray) -> np.ndarray:
    out = parts[0]
    for part in parts[1:]:
        sep = np.where((out != "") & (part != ""), "; ", "")
        out = out + sep + part
    return out


def _notes(points: _Points, constant: np.ndarray) -> np.ndarray:
    n = points.n
    small = np.where(n < MIN_N, np.char.add(np.char.add("n = ", n.astype(str)),
                                            f" < {MIN_N}: not tested").astype(object), "")
    flat = np.where(constant, "constant series: no trend can be tested", "").astype(object)
    return _join_notes(small, flat,
                       _plural_note(points.missing_value, " missing value ignored",
                                    " missing values ignored"),
                       _plural_note(points.missing_time, " row with missing time ignored",
                                    " rows with missing time ignored"))


def _result(keys: pd.DataFrame, points: _Points, out: dict, p_method: np.ndarray,
            note: np.ndarray, *, integer_time: bool) -> pd.DataFrame:
    """The table: the keys, then :data:`TREND_COLUMNS` in order."""
    result = keys.copy()
    result["n"] = points.n
    first, last = _first_last(points)
    for name, arr in {"first": first, "last": last}.items():
        result[name] = pd.array(arr, dtype="Float64").astype("Int64") if integer_time else arr
    result["s"] = out["s"]
    for name in ("var_s", "z", "p"):
        result[name] = out[name]
    result["p_method"] = p_method
    for name in ("tau_b", "sen_slope", "sen_lo", "sen_hi", "sen_intercept", "ols_slope",
                 "ols_p"):
        result[name] = out[name]
    result["q"] = bh_qvalues(out["p"])
    result["note"] = note
    return result


# ---------------------------------------------------------------------------------------------
# public API


def trend_tests(
    data: pd.DataFrame,
    *,
    entity: str | list[str] = "entity",
    time: str = "year",
    value: str = "value",
    confidence: float = 0.95,
    exact_max_n: int = 10,
    chunk_size: int | None = None,
) -> pd.DataFrame:
    r"""Mann-Kendall trend test, Kendall's tau-b, Sen's slope and OLS for every series.

    Parameters
    ----------
    data : DataFrame
        Long table: one row per entity and time point.
    entity : str or list of str
        Column(s) naming a series, e.g. ``"iso3"`` or ``["iso3", "category"]``. Missing keys
        form their own series (sorted last); they are never dropped.
    time : str
        Numeric time column (edition year). Within a series a time may occur only once: a
        repeated time raises ``ValueError`` naming every repeated (entity, time). Rows with a
        missing time are ignored and counted in ``note``.
    value : str
        Numeric value column. Missing values are ignored and counted in ``note``; infinite
        values raise ``ValueError``.
    confidence : float
        Confidence level of Sen's slope interval, strictly between 0 and 1 (0.95: the 95 %
        interval, ``alpha = 1 - confidence``).
    exact_max_n : int
        Series with ``MIN_N <= n <= exact_max_n`` valid points get the exact permutation
        p-value; longer ones the normal approximation. 0 means never exact; at most
        :data:`EXACT_LIMIT`.
    chunk_size : int, optional
        Series per chunk of the pairwise computation. Default: as many as fit in about
        200 MB of work arrays (about 12,000 series of 30 points).

    Returns
    -------
    DataFrame
        One row per series, sorted by the entity column(s), with these columns after them
        (:data:`TREND_COLUMNS`):

        - ``n``: valid points (value and time both present).
        - ``first``, ``last``: first and last time with a valid point (NA when ``n`` is 0);
          integer if the time column is.
        - ``s``: Mann-Kendall S, :math:`\sum_{i<j} \operatorname{sgn}(y_j - y_i)` in time order.
        - ``var_s``: its variance under H0, corrected for ties in the values.
        - ``z``: continuity-corrected standard score (reported also when ``p`` is exact);
          NaN when not tested.
        - ``p``: two-sided p-value of S; NaN when not tested (see ``note``).
        - ``p_method``: ``"exact"`` (permutation distribution), ``"normal"``, or ``"none"``
          when ``p`` is NaN.
        - ``tau_b``: Kendall's tau-b between time and value (NaN for a constant series).
        - ``sen_slope``: Sen's slope, the median of the pairwise slopes, in value units per
          time unit (gaps count). NaN when ``n < 2``.
        - ``sen_lo``, ``sen_hi``: Sen's rank-based interval at ``confidence``, exactly as
          ``scipy.stats.theilslopes(y, t, confidence)``; NaN when not tested.
        - ``sen_intercept``: Conover's intercept ``median(y) - sen_slope * median(t)``, as
          ``theilslopes``: the Sen line is ``sen_intercept + sen_slope * t``.
        - ``ols_slope``: least-squares slope; ``ols_p``: two-sided t-test of it, as
          ``scipy.stats.linregress``; NaN when not tested.
        - ``q``: Benjamini-Hochberg q-value of ``p`` across the tested series of this call
          (:func:`scoring.inference.multitest.bh_qvalues`); NaN when not tested.
        - ``note``: ``""``, or why the row is not (fully) tested: ``"n = 3 < 4: not tested"``,
          ``"constant series: no trend can be tested"``, ``"2 missing values ignored"``,
          ``"1 row with missing time ignored"``, joined by ``"; "``.

        ``attrs["confidence"]`` and ``attrs["exact_max_n"]`` record the options.

    Notes
    -----
    For a series :math:`(t_k, y_k)`, :math:`k = 1..n`, sorted by time:

    .. math::

        S = \sum_{i<j} \operatorname{sgn}(y_j - y_i), \qquad
        \operatorname{Var}(S) = \frac{n(n-1)(2n+5) - \sum_g t_g(t_g-1)(2t_g+5)}{18},

    with :math:`t_g` the sizes of the groups of tied values, and
    :math:`z = (S - \operatorname{sgn} S) / \sqrt{\operatorname{Var}(S)}`,
    :math:`p = 2\,\Phi(-|z|)` (as ``pymannkendall.original_test``).
    :math:`\tau_b = S / \sqrt{n_0 (n_0 - n_1)}` with :math:`n_0 = n(n-1)/2` and
    :math:`n_1 = \sum_g t_g(t_g-1)/2` (times are distinct).

    *Exact p.* Under H0 every ordering of the observed values is equally likely. With
    :math:`N' = n_0 - n_1` untied pairs and :math:`k` discordant pairs, :math:`S = N' - 2k`,
    and the number of distinct orderings with :math:`k` inversions is the coefficient of
    :math:`q^k` in the q-multinomial :math:`[n; t_1, \dots, t_G]_q =
    \prod_{i=1}^{n}(1 - q^i) / \prod_g \prod_{i=1}^{t_g} (1 - q^i)`. It is built from
    q-binomials in exact integer arithmetic, once per distinct tie pattern (multiset of
    :math:`t_g`) and cached for the session: about 0.1 ms per pattern at n = 10, 1 ms at 20,
    20 ms at 40. Then :math:`p = P(|S| \ge |S_{obs}|)` is looked up for all series at once.
    Series whose values are all distinct share one pattern per n.

    *Sen's interval* (Sen 1968, eq. 2.6): with the :math:`N` pairwise slopes sorted and
    :math:`C = z_{1-\alpha/2} \sqrt{\operatorname{Var}(S)}`, the bounds are the slopes of
    0-based rank ``round((N - C)/2) - 1`` and ``round((N + C)/2)`` (rounding half to even,
    clipped to ``[0, N-1]``), exactly as ``scipy.stats.theilslopes``; it uses the normal
    approximation whatever ``p_method`` is.

    *Not tested.* With ``n < MIN_N`` there is too little to test (the smallest exact p at
    n = 3 is 1/3): ``s``, ``var_s``, ``tau_b``, ``sen_slope`` and ``ols_slope`` are reported,
    ``z``, ``p``, ``sen_lo``, ``sen_hi``, ``ols_p``, ``q`` are NaN. A constant series has
    ``Var(S) = 0``: S is 0 by construction and carries no information, so ``p``, ``z``,
    ``tau_b`` and ``ols_p`` are NaN (not 1), and ``sen_slope = sen_lo = sen_hi =
    ols_slope = 0``.

    Examples
    --------
    >>> import pandas as pd
    >>> long = pd.DataFrame({"iso3": ["KAZ"] * 6 + ["EST"] * 6,
    ...                      "year": [2014, 2015, 2016, 2017, 2018, 2019] * 2,
    ...                      "total": [40, 39, 37, 38, 38, 32, 93, 94, 94, 94, 94, 94]})
    >>> out = trend_tests(long, entity="iso3", time="year", value="total")
    >>> out[["iso3", "n", "s", "p_method", "sen_slope"]].values.tolist()
    [['EST', 6, 5, 'exact', 0.0], ['KAZ', 6, -10, 'exact', -1.0]]
    >>> round(float(out.loc[1, "p"]), 4)
    0.0833
    """
    entities = check_arguments(data, entity, time, value, confidence, exact_max_n, chunk_size,
                               reserved=TREND_COLUMNS, exact_limit=EXACT_LIMIT)
    t_all = numeric_column(data, time, "time")
    y_all = numeric_column(data, value, "value")
    gid, keys, order = _series_index(data, entities, t_all, time)
    points = _valid_points(gid, t_all, y_all, order, len(keys))
    out, exact, exact_p = _statistics(points, confidence=confidence, exact_max_n=exact_max_n,
                                      chunk_size=chunk_size)
    constant, p_method = _p_values(out, points.n, exact, exact_p)
    result = _result(keys, points, out, p_method, _notes(points, constant),
                     integer_time=pd.api.types.is_integer_dtype(data[time]))
    result.attrs["confidence"] = confidence
    result.attrs["exact_max_n"] = int(exact_max_n)
    return result
