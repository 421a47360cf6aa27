r"""Mann-Kendall S, Kendall's tau-b, Sen's slope and OLS, row-wise for series of one length.

The arithmetic behind :func:`scoring.inference.trends.trend_tests`, for a 2-D block of
time-sorted series that all have :math:`n` valid points. Every statistic is an array operation
over the :math:`n(n-1)/2` pairs of points of all series at once.

Formulas. For a series :math:`(t_k, y_k)` with distinct times:

- Mann-Kendall :math:`S = \sum_{i<j} \operatorname{sgn}(y_j - y_i)`, with the variance under
  H0 corrected for ties in the values (group sizes :math:`t_g`):
  :math:`\operatorname{Var}(S) = (n(n-1)(2n+5) - \sum_g t_g(t_g-1)(2t_g+5))/18`; the
  continuity-corrected :math:`z = (S - \operatorname{sgn} S)/\sqrt{\operatorname{Var}(S)}`
  and :math:`p = 2\Phi(-|z|)` (as ``pymannkendall.original_test``).
- Kendall's :math:`\tau_b = S / \sqrt{n_0 (n_0 - n_1)}`, :math:`n_0 = n(n-1)/2`,
  :math:`n_1 = \sum_g t_g(t_g-1)/2` (no ties in time).
- Sen's slope: the median of the pairwise slopes :math:`(y_j - y_i)/(t_j - t_i)` on the real,
  possibly gapped times; its rank-based interval (Sen 1968, eq. 2.6) and Conover's intercept
  ``median(y) - slope * median(t)``, by the steps of ``scipy.stats.theilslopes``.
- OLS slope and the two-sided t-test of it, by the steps of ``scipy.stats.linregress``.

The exact p-value of S for short series is in :mod:`.mann_kendall_exact`.

scipy is imported inside the functions that need it, so importing this module stays light.
"""

from __future__ import annotations

import numpy as np

__all__ = ["block_statistics", "mk_statistic", "normal_p", "ols_p"]

# scipy.stats.linregress's guard against r = +-1 in the t statistic.
_LINREGRESS_TINY = 1.0e-20


def _pair_differences(values: np.ndarray) -> np.ndarray:
    """``values[j] - values[i]`` for all pairs i < j of each row, as a (pairs, series) array.

    Pairs run lag by lag, one pair per row: contiguous writes and reductions. Pair order is
    irrelevant (S is a sum, slopes get sorted)."""
    g, n = values.shape
    vt = np.ascontiguousarray(values.T)
    diff = np.empty((n * (n - 1) // 2, g))
    at = 0
    for lag in range(1, n):
        np.subtract(vt[lag:], vt[:-lag], out=diff[at:at + n - lag])
        at += n - lag
    return diff


def _ties(values: np.ndarray, tol=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tie-group sizes of each row (zero-padded to n), ``18 Var(S)`` and the tied pairs;
    with ``tol`` (one per row), values closer than it are tied."""
    g, n = values.shape
    ys = np.sort(values, axis=1)
    new = np.ones((g, n), dtype=bool)
    new[:, 1:] = (ys[:, 1:] != ys[:, :-1] if tol is None
                  else ys[:, 1:] - ys[:, :-1] > tol[:, None])
    run = np.cumsum(new, axis=1) - 1 + (np.arange(g) * n)[:, None]
    sizes = np.bincount(run.ravel(), minlength=g * n).reshape(g, n)
    tie_term = (sizes * (sizes - 1) * (2 * sizes + 5)).sum(axis=1)
    numerator = n * (n - 1) * (2 * n + 5) - tie_term
    return sizes, numerator, (sizes * (sizes - 1) // 2).sum(axis=1)


def _s(diff: np.ndarray, tol=0.0) -> np.ndarray:
    return (np.count_nonzero(diff > tol, axis=0).astype(np.int64)
            - np.count_nonzero(diff < -tol, axis=0))


def mk_statistic(values: np.ndarray, tol: np.ndarray) -> dict:
    """S, its tie-corrected variance, the untied pairs (the largest attainable |S|) and the
    tie-group sizes of each row of a (series, n) block in time order: the Mann-Kendall test
    of an already transformed series (pre-whitened residuals).

    Values closer than ``tol`` (one per row) count as tied: a whitened series of integer
    scores has exact ties (where ``r_1`` is a simple fraction) that floating-point rounding
    would otherwise break at random."""
    sizes, numerator, tied_pairs = _ties(values, tol)
    n = values.shape[1]
    return dict(s=_s(_pair_differences(values), tol), var_s=numerator / 18, sizes=sizes,
                max_s=n * (n - 1) // 2 - tied_pairs)


def block_statistics(times: np.ndarray, values: np.ndarray, z_ci: float,
                     variance_factor=None) -> dict:
    """All statistics for a (series, n) block of time-sorted rows, n >= 2.

    ``z_ci`` is the lower normal quantile ``norm.ppf((1 - confidence) / 2)`` of Sen's
    interval. ``variance_factor``, if given, is called as ``variance_factor(sen_slope)`` and
    returns the factor (one per row) that multiplies Var(S) in Sen's interval and in the test
    (a persistence correction); where it is NaN or not positive the interval is NaN.
    Returns arrays, one entry per series: ``s``, ``var_s`` (corrected), ``factor``,
    ``tau_b``, ``sen_slope``, ``sen_lo``, ``sen_hi``, ``full_range`` (the interval is the
    smallest and largest pairwise slope), ``sen_intercept``, ``ols_slope``, ``r`` (Pearson
    correlation, NaN for a constant series), ``max_s`` (untied pairs, the largest attainable
    |S|) and ``sizes`` (tie-group sizes, zero-padded).
    """
    g, n = values.shape
    n_pairs = n * (n - 1) // 2
    diff = _pair_differences(values)
    dt = _pair_differences(times)
    s = _s(diff)
    sizes, numerator, tied_pairs = _ties(values)

    untied = n_pairs - tied_pairs
    tau_b = np.full(g, np.nan)
    ok = untied > 0
    tau_b[ok] = s[ok] / np.sqrt(n_pairs) / np.sqrt(untied[ok])

    # Sen's slope and the rank-based interval, by scipy.stats.theilslopes's steps
    np.divide(diff, dt, out=diff)
    del dt
    diff.sort(axis=0)
    sen = (diff[(n_pairs - 1) // 2] + diff[n_pairs // 2]) / 2
    # a constant series has nothing to correct: it stays "constant", not "undefined"
    factor = np.ones(g) if variance_factor is None else np.where(
        untied == 0, 1.0, variance_factor(sen))
    defined = factor > 0  # False for NaN too
    sigma = np.sqrt((1 / 18.) * numerator * np.where(defined, factor, 1.0))
    upper = np.minimum(np.round((n_pairs - z_ci * sigma) / 2.).astype(np.int64), n_pairs - 1)
    lower = np.maximum(np.round((n_pairs + z_ci * sigma) / 2.).astype(np.int64) - 1, 0)
    rows = np.arange(g)
    sen_lo = np.where(defined, diff[lower, rows], np.nan)
    sen_hi = np.where(defined, diff[upper, rows], np.nan)
    # Conover's intercept, as scipy.stats.theilslopes: median(y) - slope * median(t).
    sen_intercept = np.median(values, axis=1) - sen * np.median(times, axis=1)

    # OLS by scipy.stats.linregress's steps (population moments)
    tc = times - times.mean(axis=1, keepdims=True)
    yc = values - values.mean(axis=1, keepdims=True)
    ssxm = (tc * tc).sum(axis=1) / n
    ssym = (yc * yc).sum(axis=1) / n
    ssxym = (tc * yc).sum(axis=1) / n
    ols_slope = ssxym / ssxm  # times are distinct, so ssxm > 0
    r = np.full(g, np.nan)
    varies = ssym > 0
    r[varies] = np.clip(ssxym[varies] / np.sqrt(ssxm[varies] * ssym[varies]), -1.0, 1.0)
    return dict(s=s, var_s=numerator / 18 * factor, factor=factor, tau_b=tau_b,
                sen_slope=sen, sen_lo=sen_lo, sen_hi=sen_hi,
                full_range=defined & (lower == 0) & (upper == n_pairs - 1),
                sen_intercept=sen_intercept, ols_slope=ols_slope, r=r, max_s=untied,
                sizes=sizes)


def normal_p(s: np.ndarray, var_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Continuity-corrected z of S and its two-sided normal p (``var_s`` > 0)."""
    from scipy.special import ndtr

    z = np.zeros(s.shape)
    sd = np.sqrt(var_s)
    up, down = s > 0, s < 0
    z[up] = (s[up] - 1) / sd[up]
    z[down] = (s[down] + 1) / sd[down]
    return z, 2 * ndtr(-np.abs(z))


def ols_p(r: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Two-sided p of the OLS slope from the correlation ``r`` of ``n`` points (n > 2)."""
    from scipy.special import stdtr

    df = (n - 2).astype(float)
    t = r * np.sqrt(df / ((1.0 - r + _LINREGRESS_TINY) * (1.0 + r + _LINREGRESS_TINY)))
    return 2 * stdtr(df, -np.abs(t))
