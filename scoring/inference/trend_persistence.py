r"""Persistence in trend tests: autocorrelation, variance corrections, pre-whitening.

The Mann-Kendall variance assumes independent points. Scores that persist from one year to
the next make S vary more than that, so the uncorrected p-value is too small. This module
holds the row-wise arithmetic of the four remedies that
:func:`scoring.inference.trends.trend_tests` offers, for a 2-D block of time-sorted series of
one length :math:`n`, with Sen's slope :math:`b` of each row already known:

- the detrended series :math:`d_k = y_k - b\,(t_k - t_1 + h)`, :math:`h` the series' time
  step (the smallest gap between consecutive times; 1 for yearly editions). For equally
  spaced times this is pymannkendall's ``x - arange(1, n + 1) * slope`` exactly;
- the autocorrelation at lag :math:`\ell` steps,
  :math:`r_\ell = \frac{\sum_{t_j - t_i = \ell h} (x_i - \bar x)(x_j - \bar x) / n}
  {\sum_k (x_k - \bar x)^2 / n}`: only pairs exactly :math:`\ell` steps apart count, so a
  gap in the editions leaves its pairs out rather than treating them as neighbours. For
  equally spaced times this is pymannkendall's ``__acf``;
- Hamed & Rao (1998): :math:`\operatorname{Var}^*(S) = \operatorname{Var}(S)\,[1 +
  \frac{2}{n(n-1)(n-2)} \sum_{\ell=1}^{n-1} (n-\ell)(n-\ell-1)(n-\ell-2)\,\rho_\ell]`, with
  :math:`\rho_\ell` the autocorrelation of the ranks of :math:`d` (average ranks for ties),
  counted only where significant: outside :math:`\pm z_{1-\alpha/2}/\sqrt n`;
- Yue & Wang (2004): :math:`\operatorname{Var}^*(S) = \operatorname{Var}(S)\,[1 + 2
  \sum_{\ell=1}^{n-1} (1 - \ell/n)\, r_\ell]`, :math:`r_\ell` of :math:`d`, all lags (as
  pymannkendall's default ``lag=None``);
- pre-whitening (von Storch 1995; Yue & Wang 2002's PW): :math:`w_k = y_k - r_1^{g_k}
  y_{k-1}`, :math:`k = 2..n`, with :math:`r_1` of the raw series and :math:`g_k = (t_k -
  t_{k-1})/h` the steps since the previous point (1 without gaps: pymannkendall's
  ``x[1:] - x[:-1] * r1``; over a gap an AR(1) process decays by :math:`r_1^{g}`);
- trend-free pre-whitening (Yue et al. 2002, TFPW): the same on :math:`d` with :math:`r_1`
  of :math:`d`, then the trend put back, :math:`w_k + b\,(t_k - t_2 + h)` (pymannkendall's
  ``+ arange(1, n) * slope``).

A factor that is not positive (strong negative autocorrelation) or undefined (a detrended
series without variation, or without a pair one step apart) is returned as NaN; the caller
reports such a row as not tested, with a note.

May import: what :mod:`scoring.inference` may (here numpy and scipy).
"""

from __future__ import annotations

import numpy as np

__all__ = ["METHODS", "CORRECTIONS", "PREWHITENING", "CORRECTION_MIN_N", "time_steps",
           "detrend", "autocorrelations", "hamed_rao_factor", "yue_wang_factor",
           "prewhitened"]

#: The tests ``trend_tests(method=...)`` knows.
METHODS = ("original", "hamed-rao", "yue-wang", "prewhiten", "trend-free-prewhiten")
#: The methods that multiply Var(S) by a factor, and those that test a whitened series.
CORRECTIONS = ("hamed-rao", "yue-wang")
PREWHITENING = ("prewhiten", "trend-free-prewhiten")

#: Fewest valid points for which a method other than "original" is applied. Below it the
#: autocorrelations rest on too few pairs to estimate (at n = 9 the white-noise band of r_1
#: is +-0.65), and the row gets the original test with a note.
CORRECTION_MIN_N = 10


def time_steps(times: np.ndarray) -> np.ndarray:
    """Each row's time step: the smallest gap between consecutive times (n >= 2)."""
    return np.diff(times, axis=1).min(axis=1)


def detrend(times: np.ndarray, values: np.ndarray, slope: np.ndarray,
            step: np.ndarray) -> np.ndarray:
    """:math:`y_k - b (t_k - t_1 + h)` row by row."""
    return values - (times - times[:, :1] + step[:, None]) * slope[:, None]


def autocorrelations(times: np.ndarray, x: np.ndarray, step: np.ndarray,
                     max_lag: int) -> np.ndarray:
    """``r[:, l]`` for l = 0..max_lag steps, from the pairs exactly l steps apart.

    NaN for every lag of a row without variation, and at a lag with no pair in the row.
    """
    g, n = x.shape
    xc = x - x.mean(axis=1, keepdims=True)
    acov0 = (xc * xc).sum(axis=1) / n
    width = max_lag + 1
    sums = np.zeros(g * width)
    pairs = np.zeros(g * width)
    base = (np.arange(g) * width)[:, None]
    # points m positions apart are at least m steps apart: no need to look further
    for m in range(1, min(n, max_lag + 1)):
        lag = (times[:, m:] - times[:, :-m]) / step[:, None]
        use = (lag <= max_lag) & (lag == np.rint(lag))
        at = (base + np.where(use, lag, 0).astype(np.int64))[use]
        sums += np.bincount(at, weights=(xc[:, m:] * xc[:, :-m])[use], minlength=g * width)
        pairs += np.bincount(at, minlength=g * width)
    sums, pairs = sums.reshape(g, width), pairs.reshape(g, width)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (sums / n) / acov0[:, None]
    r[:, 0] = np.where(acov0 > 0, 1.0, np.nan)
    r[:, 1:][pairs[:, 1:] == 0] = np.nan
    r[acov0 == 0] = np.nan
    return r


def _lags(times, x, n):
    """Autocorrelations at lags 1..n-1 with the lags that have no pair set to 0, and
    which rows have no variation (their factor is undefined)."""
    r = autocorrelations(times, x, time_steps(times), n - 1)
    flat = np.isnan(r[:, 0])
    return np.where(np.isnan(r[:, 1:]), 0.0, r[:, 1:]), flat


def _factor(flat: np.ndarray, factor: np.ndarray) -> np.ndarray:
    return np.where(flat | ~(factor > 0), np.nan, factor)


def hamed_rao_factor(times: np.ndarray, values: np.ndarray, slope: np.ndarray,
                     alpha: float) -> np.ndarray:
    """Hamed-Rao's :math:`n/n^*_s`: significant lags (at ``alpha``) of the detrended ranks.

    A lag with no pair (a gap) adds nothing; ranks without variation make the factor NaN.
    """
    from scipy.special import ndtri
    from scipy.stats import rankdata

    n = values.shape[1]
    detrended = detrend(times, values, slope, time_steps(times))
    r, flat = _lags(times, rankdata(detrended, axis=1), n)
    bound = ndtri(1 - alpha / 2) / np.sqrt(n)
    lag = np.arange(1, n)
    weight = (n - lag) * (n - lag - 1) * (n - lag - 2)
    significant = (r > bound) | (r < -bound)
    total = (weight * np.where(significant, r, 0.0)).sum(axis=1)
    return _factor(flat, 1 + (2 / (n * (n - 1) * (n - 2))) * total)


def yue_wang_factor(times: np.ndarray, values: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """Yue-Wang's effective-sample-size factor from all lags of the detrended series."""
    n = values.shape[1]
    r, flat = _lags(times, detrend(times, values, slope, time_steps(times)), n)
    lag = np.arange(1, n)
    return _factor(flat, 1 + 2 * ((1 - lag / n) * r).sum(axis=1))


def prewhitened(times: np.ndarray, values: np.ndarray, slope: np.ndarray,
                trend_free: bool) -> tuple[np.ndarray, np.ndarray]:
    """The whitened series (rows of n - 1 points, at ``times[:, 1:]``) and the :math:`r_1`
    used; rows whose :math:`r_1` is undefined are NaN."""
    step = time_steps(times)
    x = detrend(times, values, slope, step) if trend_free else values
    r1 = autocorrelations(times, x, step, 1)[:, 1]
    gap = np.rint((times[:, 1:] - times[:, :-1]) / step[:, None])
    decay = np.where(gap == 1, r1[:, None], np.power(r1[:, None], gap))
    w = x[:, 1:] - x[:, :-1] * decay
    if trend_free:
        w = w + (times[:, 1:] - times[:, 1:2] + step[:, None]) * slope[:, None]
    return w, r1
