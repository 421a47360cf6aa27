"""Monotonic trend tests for many series at once: Mann-Kendall, tau-b, Sen's slope, OLS.

:func:`trend_tests` takes a long table (one row per entity and time) and returns one row per
series. All series are tested together, without a Python loop over series: the series are
grouped by their number of valid points, stacked into 2-D arrays, and every statistic is a
row-wise array operation over the ``n (n - 1) / 2`` pairs of points, in chunks of series so
that memory stays bounded. Gaps in time are kept: Sen's and the OLS slope use the real time
values, while the Mann-Kendall statistic only needs their order.

This module is the engine: it checks the table and sorts it into series of valid points
(:mod:`.trend_input`), hands each block of equal-length series to :mod:`.trend_stats` (S
and its tie-corrected variance, tau-b, Sen's slope and interval, OLS) and, for a
persistence correction, to :mod:`.trend_persistence` (autocorrelations, Hamed-Rao and
Yue-Wang factors, pre-whitening), takes exact p-values for short series from
:mod:`.mann_kendall_exact`, and has :mod:`.trend_table` assemble the notes and the
Benjamini-Hochberg q-values of each family.

scipy is imported inside the functions that need it, so importing this module stays light.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .mann_kendall_exact import exact_p as _exact_p
from .trend_input import (Points, check_arguments, check_options, family_column,
                          first_last, numeric_column, series_index, valid_points)
from .trend_persistence import (CORRECTION_MIN_N, CORRECTIONS, METHODS, autocorrelations,
                                detrend, hamed_rao_factor, prewhitened, time_steps,
                                yue_wang_factor)
from .trend_stats import block_statistics, mk_statistic, normal_p, ols_p
from .trend_table import q_by_family, row_notes

__all__ = ["CORRECTION_MIN_N", "EXACT_LIMIT", "METHODS", "MIN_N", "TREND_COLUMNS",
           "trend_tests"]

#: Fewest valid points for which a series is tested (p, z and Sen's interval reported).
MIN_N = 4

#: Largest allowed ``exact_max_n``. The exact distribution costs about 0.1 ms per tie pattern
#: at n = 10, 20 ms at 40 and 0.4 s at 80 (exact integers grow with n); beyond 50 the normal
#: approximation is accurate to far better than any decision needs.
EXACT_LIMIT = 50

#: Output columns after the entity column(s), in order.
TREND_COLUMNS = ("n", "first", "last", "method", "s", "var_s", "z", "p", "p_method", "acf1",
                 "tau_b", "sen_slope", "sen_lo", "sen_hi", "sen_intercept", "ols_slope",
                 "ols_p", "q", "q_family", "note")

# Bytes of pairwise work arrays allowed per chunk of series (about 40 bytes per pair and
# series are alive at once: differences, slopes, sign masks and fancy-indexing temporaries).
_CHUNK_BYTES = 200 * 2**20
_BYTES_PER_PAIR = 40

# What _chunk returns per series and trend_tests keeps: numbers, then flags.
_BLOCK_NAMES = ("s", "var_s", "tau_b", "sen_slope", "sen_lo", "sen_hi", "sen_intercept",
                "ols_slope", "r", "acf1", "max_s", "exact_p", "p_min")
_FLAG_NAMES = ("undefined", "applied", "exact", "full_range")

# Whitened values closer than this, relative to the series' largest |value|, are tied:
# far above floating-point noise (1e-16), far below any real difference of scores.
_TIE_TOLERANCE = 1e-9


# ---------------------------------------------------------------------------------------------
# the steps of trend_tests


def _chunk(times: np.ndarray, values: np.ndarray, *, method: str, z_ci: float,
           alpha: float, exact_max_n: int) -> dict:
    """Every statistic of a chunk of series of one length n >= 2, under ``method``.

    ``s``, ``var_s``, ``max_s`` and ``sizes`` are those of the tested series (the
    pre-whitened one for the pre-whitening methods, with the corrected variance for the
    corrections); every other statistic describes the series as observed.
    """
    n = values.shape[1]
    apply = n >= CORRECTION_MIN_N and method != "original"
    corrected = apply and method in CORRECTIONS

    def factor(sen):
        if method == "hamed-rao":
            return hamed_rao_factor(times, values, sen, alpha)
        return yue_wang_factor(times, values, sen)

    block = block_statistics(times, values, z_ci, factor if corrected else None)
    g = values.shape[0]
    block["acf1"] = np.full(g, np.nan)
    block["undefined"] = np.zeros(g, dtype=bool)
    if n >= MIN_N:
        step = time_steps(times)
        block["acf1"] = autocorrelations(
            times, detrend(times, values, block["sen_slope"], step), step, 1)[:, 1]
    tested_n = n
    if corrected:
        block["undefined"] = np.isnan(block["factor"])
    elif apply:  # pre-whitening
        whitened, r1 = prewhitened(times, values, block["sen_slope"],
                                   trend_free=method == "trend-free-prewhiten")
        test = mk_statistic(whitened, _TIE_TOLERANCE * np.abs(values).max(axis=1))
        test["sizes"] = np.pad(test["sizes"], ((0, 0), (0, 1)))
        varies = block["max_s"] > 0  # a constant series stays "constant"
        block["undefined"] = varies & (np.isnan(r1) | (test["var_s"] == 0))
        whiten = varies & ~block["undefined"]
        for name in ("s", "var_s", "max_s"):
            block[name] = np.where(whiten, test[name], block[name])
        block["sizes"] = np.where(whiten[:, None], test["sizes"], block["sizes"])
        tested_n = n - 1
    block["applied"] = np.full(g, apply)
    block["exact"] = np.full(g, (not corrected) and MIN_N <= tested_n <= exact_max_n)
    if block["exact"].any():
        block["exact_p"] = _exact_p(np.abs(block["s"]), block["sizes"])
        block["p_min"] = _exact_p(block["max_s"], block["sizes"])
    else:
        block["exact_p"] = np.full(g, np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            block["p_min"] = normal_p(block["max_s"], block["var_s"])[1]
    return block


def _statistics(points: Points, *, method: str, confidence: float, exact_max_n: int,
                chunk_size: int | None) -> dict:
    """Every statistic of every series with n >= 2 (see :func:`_chunk`), one block of
    equal-length series (and one chunk of it) at a time."""
    n = points.n
    out = {name: np.full(n.size, np.nan) for name in _BLOCK_NAMES + ("z", "p", "ols_p")}
    out["s"] = np.zeros(n.size, dtype=np.int64)
    out["var_s"][:] = 0.0
    for name in _FLAG_NAMES:
        out[name] = np.zeros(n.size, dtype=bool)

    from scipy.special import ndtri

    alpha = 1 - confidence
    z_ci = float(ndtri(alpha / 2))

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
            block = _chunk(times[lo:lo + step], values[lo:lo + step], method=method,
                           z_ci=z_ci, alpha=alpha, exact_max_n=exact_max_n)
            for name in _BLOCK_NAMES + _FLAG_NAMES:
                out[name][rows] = block[name]
    return out


def _p_values(out: dict, n: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fill ``z``, ``p`` and ``ols_p`` of the tested series in ``out``; blank Sen's interval
    of the untested ones. Returns which series are constant, which are tested, and each
    series' ``p_method``."""
    constant = (n >= MIN_N) & (out["max_s"] == 0) & ~out["undefined"]
    tested = (n >= MIN_N) & ~constant & ~out["undefined"]
    exact = out["exact"]
    z, p_normal = normal_p(out["s"][tested], out["var_s"][tested])
    out["z"][tested] = z
    out["p"][tested] = np.where(exact[tested], out["exact_p"][tested], p_normal)
    out["ols_p"][tested] = ols_p(out["r"][tested], n[tested])
    untested = ~tested & ~constant
    out["sen_lo"][untested] = np.nan
    out["sen_hi"][untested] = np.nan
    out["acf1"][~tested] = np.nan
    p_method = np.where(tested, np.where(exact, "exact", "normal"), "none").astype(object)
    return constant, tested, p_method


def _result(keys: pd.DataFrame, points: Points, out: dict, columns: dict, *,
            integer_time: bool) -> pd.DataFrame:
    """The table: the keys, then :data:`TREND_COLUMNS` in order."""
    result = keys.copy()
    result["n"] = points.n
    first, last = first_last(points)
    for name, arr in {"first": first, "last": last}.items():
        result[name] = pd.array(arr, dtype="Float64").astype("Int64") if integer_time else arr
    for name in TREND_COLUMNS[3:]:
        result[name] = columns[name] if name in columns else out[name]
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
    method: str = "original",
    fdr_by: str | None = None,
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
        :data:`EXACT_LIMIT`. Applies to ``"original"`` and to the whitened series of the
        pre-whitening methods; a corrected variance has no exact distribution, so
        ``"hamed-rao"`` and ``"yue-wang"`` always use the normal p.
    method : str
        The test (:data:`METHODS`); see *Persistence* under Notes. ``"original"`` assumes
        independent points; ``"hamed-rao"`` and ``"yue-wang"`` inflate Var(S) for
        autocorrelation; ``"prewhiten"`` and ``"trend-free-prewhiten"`` remove the lag-1
        autocorrelation and test what is left. Applied to series with at least
        :data:`CORRECTION_MIN_N` points; shorter ones get the original test and a note.
    fdr_by : str, optional
        A column of ``data``, constant within each series, whose values are the families
        within which q-values are computed (e.g. a column saying "total" or "access");
        None: one family, every series of the call. The value is used as a word in
        ``q_family``.
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
        - ``method``: the test that gave ``p``: ``method``, or ``"original"`` where the
          series is too short for it, or ``"none"`` when ``n < MIN_N``.
        - ``s``: Mann-Kendall S, :math:`\sum_{i<j} \operatorname{sgn}(y_j - y_i)` in time
          order (of the whitened series for the pre-whitening methods).
        - ``var_s``: its variance under H0, corrected for ties in the values (and multiplied
          by the Hamed-Rao or Yue-Wang factor, as pymannkendall reports it).
        - ``z``: continuity-corrected standard score (reported also when ``p`` is exact);
          NaN when not tested.
        - ``p``: two-sided p-value of S; NaN when not tested (see ``note``).
        - ``p_method``: ``"exact"`` (permutation distribution), ``"normal"``, or ``"none"``
          when ``p`` is NaN.
        - ``acf1``: lag-1 autocorrelation of the detrended series (pairs one time step
          apart; the :math:`r_1` of Yue-Wang and trend-free pre-whitening), whatever the
          method; NaN when not tested or when no two points are one step apart.
        - ``tau_b``: Kendall's tau-b between time and value (NaN for a constant series).
        - ``sen_slope``: Sen's slope, the median of the pairwise slopes, in value units per
          time unit (gaps count). NaN when ``n < 2``.
        - ``sen_lo``, ``sen_hi``: Sen's rank-based interval at ``confidence``, exactly as
          ``scipy.stats.theilslopes(y, t, confidence)`` (with the corrected Var(S) under
          ``"hamed-rao"`` and ``"yue-wang"``, so it widens with persistence); NaN when not
          tested. Slopes, intercept, tau-b and OLS always describe the observed series.
        - ``sen_intercept``: Conover's intercept ``median(y) - sen_slope * median(t)``, as
          ``theilslopes``: the Sen line is ``sen_intercept + sen_slope * t``.
        - ``ols_slope``: least-squares slope; ``ols_p``: two-sided t-test of it, as
          ``scipy.stats.linregress``; NaN when not tested.
        - ``q``: Benjamini-Hochberg q-value of ``p`` within the series' family
          (:func:`scoring.inference.multitest.bh_qvalues`); NaN when not tested.
        - ``q_family``: what that q-value controls, e.g. ``"all 73 tested series of this
          call"`` or ``"all 70 tested access series of this call"``; ``""`` when not tested.
        - ``note``: ``""``, or, joined by ``"; "``, why the row is not (fully) tested
          (``"n = 3 < 4: not tested"``, ``"constant series: no trend can be tested"``, a
          correction that is undefined, a series too short for ``method``), what its numbers
          cannot do (a Sen interval that is only the range of the pairwise slopes; a
          smallest attainable p above ``alpha``), doubtful independence (``|acf1|`` beyond
          :math:`z_{1-\alpha/2}/\sqrt n` while p assumes independence), and points ignored
          (``"2 missing values ignored"``, ``"1 row with missing time ignored"``).

        ``attrs`` records ``confidence``, ``exact_max_n``, ``method`` and ``fdr_by``.

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

    *Exact p.* Under H0 every ordering of the observed values is equally likely;
    :math:`P(|S| \ge |S_{obs}|)` comes from the q-multinomial coefficient of the tie pattern
    in exact integer arithmetic, once per pattern (:mod:`.mann_kendall_exact`).

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

    *Short series.* At n = 4 the smallest exact two-sided p is 1/12 and at n = 5 it is 1/60,
    so at n = 4 no series can reach p < 0.05; the note says so whenever the smallest p the
    series' tie pattern allows (:math:`|S| = N'`, by the row's own p method) exceeds
    ``alpha``. At n = 4 and 5 the 95 % Sen interval is clipped to the smallest and
    largest pairwise slope; the note says so.

    *Persistence* (formulas in :mod:`scoring.inference.trend_persistence`). Each method
    matches the pymannkendall test of the same name (``hamed_rao_modification_test``,
    ``yue_wang_modification_test``, ``pre_whitening_modification_test``,
    ``trend_free_pre_whitening_modification_test``, default ``lag=None``) on equally
    spaced series, to rounding: Hamed-Rao counts the lags 1..n-1 of the ranks of the
    detrended series whose autocorrelation lies outside :math:`\pm z_{1-\alpha/2}/\sqrt n`
    (``alpha = 1 - confidence``; pymannkendall's ``alpha``); Yue-Wang sums all lags 1..n-1
    of the detrended series (the sample autocorrelations of a detrended series sum to
    about -1/2, so this can shrink Var(S): Hamed-Rao is the conservative choice); both
    give a normal p with the corrected variance. The
    pre-whitening methods test the n - 1 whitened points (exact p when n - 1 is at most
    ``exact_max_n``: they are taken as independent). Where this engine differs:

    - gaps: pymannkendall works on positions, so a missing edition makes the points on
      either side neighbours. Here the detrending slope is Sen's slope on the real times,
      an autocorrelation at lag :math:`\ell` uses only pairs :math:`\ell` time steps
      apart (the step is the smallest gap between consecutive times), and pre-whitening
      across a gap of :math:`g` steps subtracts :math:`r_1^g y_{k-1}`;
    - a correction that is undefined (a detrended series without variation) or whose
      variance factor is <= 0 gives p = NaN with a note, where pymannkendall returns NaN
      or a p of 1 without a word;
    - whitened values closer than 1e-9 of the series' largest value are tied, where
      pymannkendall's floating-point rounding breaks such exact ties at random;
    - below :data:`CORRECTION_MIN_N` points (10) the autocorrelations rest on a handful of
      pairs (the white-noise band of :math:`r_1` is :math:`\pm 0.65` at n = 9), so the row
      gets the original test and a note saying so.

    *q-values* control the false discovery rate within each family (``q_family``): pooled
    (totals with categories, 25 indicators at once), or per kind of series (``fdr_by``).

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
    check_options(data, method, fdr_by, methods=METHODS, entities=entities, time=time,
                  value=value)
    t_all = numeric_column(data, time, "time")
    y_all = numeric_column(data, value, "value")
    gid, keys, order = series_index(data, entities, t_all, time)
    family = None if fdr_by is None else family_column(data, fdr_by, gid, keys)
    points = valid_points(gid, t_all, y_all, order, len(keys))
    out = _statistics(points, method=method, confidence=confidence, exact_max_n=exact_max_n,
                      chunk_size=chunk_size)
    constant, tested, p_method = _p_values(out, points.n)
    n = points.n
    too_short = (n >= MIN_N) & ~out["applied"] & (method != "original")
    q, q_family = q_by_family(out["p"], family)
    note = row_notes(n=n, missing_value=points.missing_value,
                     missing_time=points.missing_time, constant=constant, tested=tested,
                     full_range=out["full_range"], p_min=out["p_min"], acf1=out["acf1"],
                     too_short=too_short, undefined=out["undefined"], method=method,
                     alpha=1 - confidence, confidence=confidence, min_n=MIN_N,
                     correction_min_n=CORRECTION_MIN_N)
    applied = np.where(out["applied"], method, "original")
    columns = {"method": np.where(n >= MIN_N, applied, "none").astype(object),
               "p_method": p_method, "q": q, "q_family": q_family, "note": note}
    result = _result(keys, points, out, columns,
                     integer_time=pd.api.types.is_integer_dtype(data[time]))
    result.attrs.update(confidence=confidence, exact_max_n=int(exact_max_n), method=method,
                        fdr_by=fdr_by)
    return result
