r"""Bootstrap confidence intervals for the mean or median: BCa and percentile.

Formula. From :math:`B` resamples with statistics :math:`\theta^*_b`, the percentile interval
is their :math:`\alpha = (1-c)/2` and :math:`1-\alpha` quantiles (linear interpolation,
Hyndman-Fan type 7). BCa (Efron & Tibshirani 1993, 14.3) moves those levels to
:math:`\Phi(\hat z_0 + (\hat z_0 \pm z_\alpha)/(1 - \hat a(\hat z_0 \pm z_\alpha)))`, with
the bias correction :math:`\hat z_0` from the share of resamples below the estimate (ties
counted half) and the acceleration :math:`\hat a` from the jackknife.

Ties and degenerate samples. Resamples are drawn exactly as ``scipy.stats.bootstrap`` draws
them for the sorted sample, so intervals agree with scipy for the same seed. Fewer than 2
values give no interval; all values equal give that value as both ends; when BCa is undefined
(all jackknife statistics equal, as for the median of heavily tied data) the percentile
interval of the same resamples is returned with a note, where scipy returns NaN with a
warning. See :func:`bootstrap_ci`, Notes.

scipy is imported inside the functions that need it, so importing this module stays light.
"""

from __future__ import annotations

import math

import numpy as np

from .checks import check_choice, check_confidence, is_integer, sample

__all__ = ["bootstrap_ci"]

#: The statistics :func:`bootstrap_ci` can bootstrap.
STATISTICS = ("mean", "median")
_CI_METHODS = {"bca": "BCa", "percentile": "percentile"}


def check_options(*, n_resamples, method, confidence, seed, method_name) -> str:
    """Validate the bootstrap options; return the interval method's canonical spelling.

    ``method_name`` is the caller's name of the method parameter (``"method"`` here,
    ``"ci_method"`` in :func:`scoring.inference.direction.direction_tests`).
    """
    key = method.lower() if isinstance(method, str) else None
    if key not in _CI_METHODS:
        raise ValueError(f"{method_name} must be one of 'BCa', 'percentile' (any case); "
                         f"got {method!r}")
    if not is_integer(n_resamples) or n_resamples < 1:
        raise ValueError(f"n_resamples must be a positive integer; got {n_resamples!r}")
    check_confidence(confidence)
    if not is_integer(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    return _CI_METHODS[key]


def _stat(a: np.ndarray, statistic: str) -> np.ndarray:
    # The same calls scipy.stats.bootstrap makes with np.mean / np.median (vectorised along
    # the last axis), so the floating-point results agree.
    return np.mean(a, axis=-1) if statistic == "mean" else np.median(a, axis=-1)


def _quantile_linear(sorted_b: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Hyndman-Fan type 7 quantile, written as scipy.stats.quantile(method="linear") does."""
    n = sorted_b.size
    jg = p * n + (1 - p)
    j = jg // 1 - 1
    g = jg % 1
    g = np.where(j < 0, 0.0, g)
    lo = np.clip(j, 0, n - 1).astype(np.int64)
    hi = np.clip(j + 1, 0, n - 1).astype(np.int64)
    return (1 - g) * sorted_b[lo] + g * sorted_b[hi]


def _bca_levels(x: np.ndarray, theta_b: np.ndarray, theta_hat: float, alpha: float,
                statistic: str) -> tuple[np.ndarray, float]:
    """The two BCa quantile levels, by scipy.stats.bootstrap's steps; and the jackknife's
    denominator (0 when all jackknife statistics are equal)."""
    from scipy.special import ndtr, ndtri

    n = x.size
    pct = (np.count_nonzero(theta_b < theta_hat)
           + np.count_nonzero(theta_b <= theta_hat)) / (2 * theta_b.size)
    z0 = float(ndtri(pct))
    keep = ~np.eye(n, dtype=bool)
    jack = _stat(np.broadcast_to(x, (n, n))[keep].reshape(n, n - 1), statistic)
    u = (n - 1.0) * (np.mean(jack, axis=-1, keepdims=True) - jack)
    num = np.sum(u**3) / float(n)**3
    den = np.sum(u**2) / float(n)**2
    with np.errstate(divide="ignore", invalid="ignore"):
        a_hat = 1 / 6 * num / den**1.5
        z_alpha = float(ndtri(alpha))
        n1 = z0 + z_alpha
        n2 = z0 - z_alpha
        bca = np.array([ndtr(z0 + n1 / (1 - a_hat * n1)),
                        ndtr(z0 + n2 / (1 - a_hat * n2))])
    return bca, den


def bootstrap_ci(values, *, statistic: str = "mean", n_resamples: int = 9999,
                 method: str = "BCa", confidence: float = 0.95, seed: int = 0) -> dict:
    """Bootstrap confidence interval for the mean or median, as scipy.stats.bootstrap.

    Parameters
    ----------
    values : array-like of float
        The sample. NaN raises ``ValueError`` naming how many. The values are sorted first,
        so the interval does not depend on their order.
    statistic : {"mean", "median"}
    n_resamples : int
        Bootstrap resamples (default 9999, scipy's default).
    method : {"BCa", "percentile"}
        Interval type (case-insensitive). BCa (default, scipy's default) corrects the
        percentile interval for bias and skewness; it falls back to percentile when it is not
        defined (see Notes).
    confidence : float
        Two-sided confidence level, in (0, 1).
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same interval.

    Returns
    -------
    dict
        ``estimate`` (the statistic of the sample), ``low``, ``high``, ``statistic``,
        ``method_used`` (``"BCa"``, ``"percentile"`` or ``"none"``), ``n`` (sample size),
        ``n_resamples``, ``confidence``, ``seed``, ``note`` (why the method used differs from
        the one asked for, or why there is no interval; ``""`` otherwise).

    Notes
    -----
    Resamples are drawn exactly as ``scipy.stats.bootstrap((x,), np.mean,
    n_resamples=B, method=..., confidence_level=c, rng=np.random.default_rng(seed))`` draws
    them for sorted ``x``: one call ``rng.integers(0, n, (B, n))``. With the bootstrap
    statistics :math:`\\theta^*_b`, the percentile interval is their
    :math:`\\alpha = (1-c)/2` and :math:`1-\\alpha` quantiles (linear interpolation). BCa
    (Efron & Tibshirani 1993, 14.3) uses instead the quantiles

    .. math::

        \\alpha_{1,2} = \\Phi\\Big(\\hat z_0 + \\frac{\\hat z_0 \\pm z_\\alpha}
                         {1 - \\hat a(\\hat z_0 \\pm z_\\alpha)}\\Big),\\quad
        \\hat z_0 = \\Phi^{-1}\\Big(\\frac{\\#\\{\\theta^* < \\hat\\theta\\}
                                   + \\#\\{\\theta^* \\le \\hat\\theta\\}}{2B}\\Big),\\quad
        \\hat a = \\frac{\\sum_i U_i^3}{6 (\\sum_i U_i^2)^{3/2}},

    :math:`U_i = (n-1)(\\bar\\theta_{(\\cdot)} - \\theta_{(i)})` from the jackknife.

    Degenerate cases, decided without a warning: fewer than 2 values give ``low = high =
    NaN`` (``method_used="none"``); all values equal give ``low = high =`` that value (every
    resample has the same statistic); when BCa is undefined (all jackknife statistics equal,
    so :math:`\\hat a = 0/0`, as for the median of data with many ties, or a non-finite
    correction) the percentile interval of the same resamples is returned with
    ``method_used="percentile"`` and a note, where scipy returns NaN with a warning.

    Examples
    --------
    >>> ci = bootstrap_ci([-3, -1, 0, 2, -2, -1, 1, -4], n_resamples=2000, seed=1)
    >>> ci["method_used"], ci["low"] < ci["estimate"] < ci["high"]
    ('BCa', True)
    """
    check_choice("statistic", statistic, STATISTICS)
    method = check_options(n_resamples=n_resamples, method=method, confidence=confidence,
                           seed=seed, method_name="method")
    x = sample(values, "values")
    n = int(x.size)
    out = {"estimate": math.nan, "low": math.nan, "high": math.nan, "statistic": statistic,
           "method_used": "none", "n": n, "n_resamples": int(n_resamples),
           "confidence": float(confidence), "seed": int(seed), "note": ""}
    if n == 0:
        out["note"] = "no values: no estimate and no interval"
        return out
    theta_hat = float(_stat(x, statistic))
    out["estimate"] = theta_hat
    if n < 2:
        out["note"] = "fewer than 2 values: a bootstrap interval needs at least 2"
        return out
    if x[0] == x[-1]:
        out.update(low=float(x[0]), high=float(x[0]), method_used="percentile",
                   note=f"all {n} values equal: every resample has the same {statistic}, "
                        "so the interval is that single value")
        return out

    rng = np.random.default_rng(int(seed))
    idx = rng.integers(0, n, (int(n_resamples), n))
    theta_b = _stat(x[idx], statistic)
    alpha = (1 - float(confidence)) / 2
    levels = np.array([alpha, 1 - alpha])
    note = ""
    if method == "BCa":
        bca, den = _bca_levels(x, theta_b, theta_hat, alpha, statistic)
        if np.all(np.isfinite(bca)):
            levels = bca
        else:
            why = (f"all {n} jackknife {statistic}s are equal, so the acceleration is 0/0"
                   if den == 0 else "the bias correction is not finite")
            note = f"BCa undefined ({why}); percentile interval of the same resamples used"
            method = "percentile"
    low, high = _quantile_linear(np.sort(theta_b), levels)
    out.update(low=float(low), high=float(high), method_used=method, note=note)
    return out
