"""Is the overall direction of change more than noise? Sign test, Wilcoxon, bootstrap.

Three complementary answers for a set of changes (one ``delta`` per country, higher-is-freer,
so negative = decline): the exact sign test counts declines against improvements; the Wilcoxon
signed-rank test also weighs how large the changes are; bootstrap intervals give the size of
the typical change. :func:`direction_tests` runs all three for every country together and,
optionally, per group, in one tidy table.

Every function is deterministic given ``seed`` and does not depend on the order of its input.
scipy is imported inside the functions that need it, so importing this module stays light.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
import pandas as pd

from .multitest import bh_qvalues

__all__ = [
    "AUTO_EXACT_MAX_N",
    "DIRECTION_COLUMNS",
    "EXACT_MAX_N",
    "MISSING_GROUP",
    "sign_test",
    "wilcoxon_test",
    "bootstrap_ci",
    "direction_tests",
]

#: Largest ``n_used`` for which ``wilcoxon_test(method="exact")`` is allowed. The dynamic
#: programme costs about ``n_used**3`` additions (about 0.2 s at 500); beyond that the normal
#: approximation is accurate to far better than any decision needs.
EXACT_MAX_N = 500

#: ``method="auto"`` uses the exact null distribution up to this ``n_used``, the normal
#: approximation above it.
AUTO_EXACT_MAX_N = 25

_ZERO_METHODS = ("wilcox", "pratt", "zsplit")
_WILCOXON_METHODS = ("auto", "exact", "approx")
_STATISTICS = ("mean", "median")
_CI_METHODS = {"bca": "BCa", "percentile": "percentile"}

# scipy.stats.binomtest's relative tolerance when comparing outcome probabilities, so that
# outcomes exactly as likely as the observed one (up to rounding) count as "no more likely".
_BINOM_RERR = 1 + 1e-7


# ---------------------------------------------------------------------------------------------
# input checks


def _check_choice(name: str, value, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; "
                         f"got {value!r}")


def _values(values, name: str) -> np.ndarray:
    """Finite floats, one-dimensional, sorted (so no result depends on input order)."""
    if isinstance(values, (pd.Series, pd.Index)):
        try:
            arr = values.to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be numbers; got dtype {values.dtype}") from None
    else:
        try:
            arr = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be numbers; got {type(values).__name__} that "
                             "cannot be read as floats") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {arr.shape}")
    n_nan = int(np.isnan(arr).sum())
    if n_nan:
        raise ValueError(f"{name} has {n_nan} missing value{'s' if n_nan != 1 else ''} (NaN) "
                         f"of {arr.size}; drop or fill them explicitly first (nothing is "
                         "dropped silently)")
    n_inf = int(np.isinf(arr).sum())
    if n_inf:
        raise ValueError(f"{name} must be finite; got {n_inf} infinite "
                         f"value{'s' if n_inf != 1 else ''}")
    return np.sort(arr)


def _plural(k: int, one: str, many: str | None = None) -> str:
    return f"{k} {one if k == 1 else (many or one + 's')}"


# ---------------------------------------------------------------------------------------------
# sign test


def _binom_two_sided(k: int, n: int) -> float:
    """scipy.stats.binomtest(k, n, 0.5).pvalue, by the same steps (see its source)."""
    from scipy.stats import binom

    p = 0.5
    d = binom.pmf(k, n, p)
    if k == p * n:
        return 1.0
    if k < p * n:
        # first outcome above the mode whose probability is <= d (with tolerance)
        ix = _search(lambda x: -binom.pmf(x, n, p), -d * _BINOM_RERR, math.ceil(p * n), n)
        y = n - ix + int(d * _BINOM_RERR == binom.pmf(ix, n, p))
        pval = binom.cdf(k, n, p) + binom.sf(n - y, n, p)
    else:
        ix = _search(lambda x: binom.pmf(x, n, p), d * _BINOM_RERR, 0, math.floor(p * n))
        y = ix + 1
        pval = binom.cdf(y - 1, n, p) + binom.sf(k - 1, n, p)
    return float(min(1.0, pval))


def _search(a, d, lo, hi) -> int:
    """Index i in [lo, hi] with a(i) <= d < a(i + 1), for a increasing on [lo, hi]."""
    while lo < hi:
        mid = lo + (hi - lo) // 2
        val = a(mid)
        if val < d:
            lo = mid + 1
        elif val > d:
            hi = mid - 1
        else:
            return mid
    return lo if a(lo) <= d else lo - 1


def sign_test(deltas) -> dict:
    """Exact two-sided sign test: are declines and improvements equally likely?

    Parameters
    ----------
    deltas : array-like of float
        Changes on a higher-is-freer scale (negative = decline). NaN raises ``ValueError``
        naming how many: a missing change is never dropped silently.

    Returns
    -------
    dict
        ``n`` (number of deltas), ``declined`` (delta < 0), ``improved`` (delta > 0),
        ``unchanged`` (delta == 0, excluded from the test), ``n_used`` (declined + improved),
        ``p`` (two-sided p-value; NaN when ``n_used == 0``), ``rule`` (the test, in words).

    Notes
    -----
    Under H0 each non-zero change is a decline with probability 1/2, so with
    :math:`k` declines among :math:`m` = ``n_used``,

    .. math::

        p = \\sum_{j:\\ P(j) \\le P(k)\\,(1 + 10^{-7})} P(j), \\qquad
        P(j) = \\binom{m}{j} 2^{-m},

    the probability of every outcome no more likely than the observed one: the default
    two-sided p of ``scipy.stats.binomtest(k, m)``, whose relative tolerance for equally
    likely outcomes is kept so that both agree to rounding. Unchanged countries carry no
    direction and are left out, as in every sign test.

    Examples
    --------
    >>> res = sign_test([-2, -1, -1, -3, 0, 1, -1, 0])
    >>> res["declined"], res["improved"], res["unchanged"], round(res["p"], 4)
    (5, 1, 2, 0.2188)
    """
    d = _values(deltas, "deltas")
    declined = int((d < 0).sum())
    improved = int((d > 0).sum())
    unchanged = int((d == 0).sum())
    n_used = declined + improved
    excluded = f"; {unchanged} unchanged excluded"
    if n_used == 0:
        p = math.nan
        rule = ("sign test not computed: no declines or improvements among "
                f"{_plural(d.size, 'delta')}{' (all unchanged)' if d.size else ''}, so there "
                "is no direction to test")
    else:
        p = _binom_two_sided(declined, n_used)
        rule = (f"exact two-sided binomial test of {_plural(declined, 'decline')} vs "
                f"{_plural(improved, 'improvement')} (H0: p = 0.5){excluded}")
    return {"n": int(d.size), "declined": declined, "improved": improved,
            "unchanged": unchanged, "n_used": n_used, "p": p, "rule": rule}


# ---------------------------------------------------------------------------------------------
# Wilcoxon signed-rank test


def _average_ranks(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Average (mid-)ranks of ``a``, and the size of each tie group from the smallest up."""
    order = np.argsort(a, kind="stable")
    s = a[order]
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]]) if s.size else np.array([], int)
    counts = np.diff(np.r_[starts, s.size])
    mid = starts + 1 + (counts - 1) / 2
    ranks = np.empty(a.size)
    ranks[order] = np.repeat(mid, counts)
    return ranks, counts


def _exact_signed_rank_p(ranks: np.ndarray, r_plus: float) -> float:
    """Two-sided p of R+ = sum of the ranks with a positive sign, over all 2^m sign flips.

    Doubled ranks are integers even for mid-ranks, so the null distribution lives on the
    integers 0..2*sum(ranks); it is built one rank at a time: P_new(s) = (P(s) + P(s - r))/2.
    """
    r2 = np.rint(2 * ranks).astype(np.int64)
    total = int(r2.sum())
    pmf = np.zeros(total + 1)
    pmf[0] = 1.0
    top = 0  # largest sum reachable so far: work only on the support
    for r in r2:
        before = pmf[:top + 1].copy()
        top += int(r)
        pmf[:top + 1] *= 0.5
        pmf[r:top + 1] += 0.5 * before
    s = int(round(2 * r_plus))
    lower = pmf[:s + 1].sum()
    upper = pmf[s:].sum()
    return float(min(1.0, 2 * min(lower, upper)))


def wilcoxon_test(deltas, *, zero_method: str = "wilcox", correction: bool = False,
                  method: str = "auto") -> dict:
    """Wilcoxon signed-rank test, two-sided: are changes centred on zero?

    Parameters
    ----------
    deltas : array-like of float
        Changes on a higher-is-freer scale. NaN raises ``ValueError`` naming how many.
    zero_method : {"wilcox", "pratt", "zsplit"}
        What unchanged countries (delta == 0) do, as in ``scipy.stats.wilcoxon``:
        ``"wilcox"`` (default) drops them before ranking, Wilcoxon's own rule and the one
        that matches the sign test's exclusion; ``"pratt"`` ranks them with the others and
        then drops their ranks (Pratt 1959); ``"zsplit"`` ranks them and gives half of their
        ranks to each sign.
    correction : bool
        Continuity correction of 0.5 towards the mean in the normal approximation (default
        False, as in scipy). Ignored by the exact method.
    method : {"auto", "exact", "approx"}
        ``"exact"``: the exact null distribution of the observed, possibly tied, ranks
        (allowed up to ``n_used`` = :data:`EXACT_MAX_N`); ``"approx"``: normal approximation
        with tie-corrected variance; ``"auto"`` (default): exact when ``n_used`` <=
        :data:`AUTO_EXACT_MAX_N`, else approx. Unlike scipy's ``"auto"``, exact stays exact
        with ties and zeros.

    Returns
    -------
    dict
        ``statistic`` (min of ``r_plus`` and ``r_minus``, scipy's two-sided statistic),
        ``r_plus`` / ``r_minus`` (rank sums of improvements / declines, each including half
        of the zeros' ranks under zsplit), ``z`` (standardised R+ after any continuity
        correction, positive = more improvement than expected; NaN unless approx), ``p``
        (two-sided; NaN when no delta is non-zero), ``method_used`` (``"exact"``,
        ``"approx"`` or ``"none"``), ``n`` (number of deltas), ``n_used`` (deltas ranked:
        the non-zero ones under wilcox, all under pratt and zsplit), ``n_zero``,
        ``zero_method``, ``correction``, ``rule`` (the test, in words).

    Notes
    -----
    With mid-ranks :math:`r_i` of :math:`|d_i|` over the ``n_used`` ranked deltas,
    :math:`R^+ = \\sum_{d_i > 0} r_i` (plus half the zeros' ranks under zsplit). Under H0 the
    signs of the non-zero deltas are independent fair coins.

    Exact: :math:`p = \\min(1, 2 \\min(P(R^+ \\le r^+), P(R^+ \\ge r^+)))` over the
    :math:`2^m` equally likely sign assignments of the observed ranks, ties included,
    computed by a dynamic programme on doubled ranks.

    Approx: with :math:`N` = ``n_used``, :math:`n_0` zeros and tie groups of sizes
    :math:`t_j`,

    .. math::

        E = \\frac{N(N+1)}{4} - [\\text{pratt}]\\,\\frac{n_0(n_0+1)}{4}, \\quad
        V = \\frac{N(N+1)(2N+1) - [\\text{pratt}]\\,n_0(n_0+1)(2n_0+1)
              - \\tfrac12 \\sum_j (t_j^3 - t_j)}{24},

    (under pratt the zeros' tie group is left out of the sum), and
    :math:`z = (R^+ - E - \\tfrac12\\,\\mathrm{sign}(R^+ - E)\\,[\\text{correction}])/\\sqrt V`,
    :math:`p = 2\\,\\Phi(-|z|)`: the same numbers as
    ``scipy.stats.wilcoxon(d, zero_method=..., correction=..., method="asymptotic")``.
    Under zsplit that variance (scipy's) counts the zeros' ranks as if they had random signs,
    while the exact distribution (like scipy's permutation method) keeps their half-ranks
    fixed, so for zsplit with many zeros the two methods differ by more than approximation
    error; wilcox and pratt have no such gap.

    Examples
    --------
    >>> res = wilcoxon_test([-3, -2, -2, -1, 1, 0, -1, -4, 2])
    >>> res["statistic"], res["method_used"], round(res["p"], 4)
    (7.0, 'exact', 0.1641)
    """
    _check_choice("zero_method", zero_method, _ZERO_METHODS)
    _check_choice("method", method, _WILCOXON_METHODS)
    _check_choice("correction", correction, (False, True))
    d = _values(deltas, "deltas")
    zero = d == 0
    n_zero = int(zero.sum())
    ranked = d[~zero] if zero_method == "wilcox" else d
    n_used = int(ranked.size)
    ranks, ties = _average_ranks(np.abs(ranked))
    rz = ranked == 0
    r_plus = float(ranks[ranked > 0].sum())
    r_minus = float(ranks[ranked < 0].sum())
    if zero_method == "zsplit":
        half = float(ranks[rz].sum()) / 2
        r_plus += half
        r_minus += half
    n_nonzero = int(d.size - n_zero)
    z = math.nan

    zeros_said = {
        "wilcox": f"{_plural(n_zero, 'zero delta')} dropped before ranking "
                  "(zero_method='wilcox')",
        "pratt": f"{_plural(n_zero, 'zero delta')} ranked, then their ranks dropped "
                 "(zero_method='pratt')",
        "zsplit": f"{_plural(n_zero, 'zero delta')} ranked, their ranks split equally "
                  "between R+ and R- (zero_method='zsplit')",
    }[zero_method]
    head = (f"Wilcoxon signed-rank test, two-sided, of {_plural(n_used, 'delta')} ranked by "
            f"|delta| (average ranks for ties); {zeros_said}")

    if n_nonzero == 0:
        method_used = "none"
        p = math.nan
        rule = (f"{head}; not computed: no delta is non-zero, so there is no direction to "
                "test")
    else:
        if method == "auto":
            method_used = "exact" if n_used <= AUTO_EXACT_MAX_N else "approx"
            why = (f" (auto: n_used = {n_used} "
                   f"{'<=' if method_used == 'exact' else '>'} {AUTO_EXACT_MAX_N})")
        else:
            method_used = method
            why = ""
        if method_used == "exact":
            if n_used > EXACT_MAX_N:
                raise ValueError(f"method='exact' is allowed for n_used <= {EXACT_MAX_N}; "
                                 f"got n_used = {n_used} (use method='approx')")
            signed = ranks[~rz]
            base = r_plus - (float(ranks[rz].sum()) / 2 if zero_method == "zsplit" else 0.0)
            p = _exact_signed_rank_p(signed, base)
            rule = (f"{head}; exact null distribution of R+ over all 2^{n_nonzero} sign "
                    f"assignments of the observed ranks{why}")
        else:
            from scipy.special import ndtr

            N = float(n_used)
            mean = N * (N + 1.0) * 0.25
            var = N * (N + 1.0) * (2.0 * N + 1.0)
            tie_groups = ties.astype(float)
            if zero_method == "pratt":
                z0 = float(n_zero)
                mean -= z0 * (z0 + 1.0) * 0.25
                var -= z0 * (z0 + 1.0) * (2.0 * z0 + 1.0)
                if n_zero:
                    # zeros sort first: their tie group is the first one
                    tie_groups = tie_groups[1:]
            se = math.sqrt((var - float(np.sum(tie_groups**3 - tie_groups)) / 2) / 24)
            z = (r_plus - mean) / se
            if correction:
                z -= np.sign(z) * 0.5 / se
            z = float(z)
            p = float(2 * ndtr(-abs(z)))
            adjust = ", Cureton's adjustment for the ranked zeros" if (
                zero_method == "pratt" and n_zero) else ""
            rule = (f"{head}; normal approximation with tie-corrected variance{adjust}, "
                    f"{'with' if correction else 'no'} continuity correction{why}")
    return {"statistic": min(r_plus, r_minus), "r_plus": r_plus, "r_minus": r_minus,
            "z": z, "p": p, "method_used": method_used, "n": int(d.size), "n_used": n_used,
            "n_zero": n_zero, "zero_method": zero_method, "correction": bool(correction),
            "rule": rule}


# ---------------------------------------------------------------------------------------------
# bootstrap


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


def _check_bootstrap_options(*, n_resamples, method, confidence, seed, method_name) -> str:
    """Validate the bootstrap options; return the interval method's canonical spelling."""
    key = method.lower() if isinstance(method, str) else None
    if key not in _CI_METHODS:
        raise ValueError(f"{method_name} must be one of 'BCa', 'percentile' (any case); "
                         f"got {method!r}")
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)) \
            or n_resamples < 1:
        raise ValueError(f"n_resamples must be a positive integer; got {n_resamples!r}")
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float, np.floating)) \
            or not 0 < confidence < 1:
        raise ValueError(f"confidence must be a number strictly between 0 and 1; "
                         f"got {confidence!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    return _CI_METHODS[key]


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
    _check_choice("statistic", statistic, _STATISTICS)
    method = _check_bootstrap_options(n_resamples=n_resamples, method=method,
                                      confidence=confidence, seed=seed, method_name="method")
    x = _values(values, "values")
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

    from scipy.special import ndtr, ndtri

    rng = np.random.default_rng(int(seed))
    idx = rng.integers(0, n, (int(n_resamples), n))
    theta_b = _stat(x[idx], statistic)
    alpha = (1 - float(confidence)) / 2
    levels = np.array([alpha, 1 - alpha])
    note = ""
    if method == "BCa":
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


# ---------------------------------------------------------------------------------------------
# everything, per group

#: The columns of :func:`direction_tests`, in order.
DIRECTION_COLUMNS = [
    "group_by", "group", "n", "declined", "improved", "unchanged",
    "sign_test_p", "sign_test_rule",
    "wilcoxon_statistic", "wilcoxon_p", "wilcoxon_method", "wilcoxon_rule",
    "mean_delta", "mean_delta_low", "mean_delta_high",
    "median_delta", "median_delta_low", "median_delta_high",
    "ci_method", "confidence", "n_resamples", "seed", "q", "note",
]
#: The ``group`` label of units whose ``by`` value is missing.
MISSING_GROUP = "(missing)"
_STATUS_ORDER = ["F", "PF", "NF"]


def _group_seed(seed: int, by: str, label: str) -> int:
    # From the group's name, not its position: a group keeps its resamples when other groups
    # come or go (a country subset, a region filtered out), and input order cannot matter.
    key = zlib.crc32(f"{by}\x1f{label}".encode())
    return int(np.random.SeedSequence([int(seed), key]).generate_state(1)[0])


def _row(values: np.ndarray, *, group_by: str, group: str, seed: int, zero_method: str,
         wilcoxon_method: str, n_resamples: int, ci_method: str, confidence: float) -> dict:
    s = sign_test(values)
    w = wilcoxon_test(values, zero_method=zero_method, method=wilcoxon_method)
    ci = {stat: bootstrap_ci(values, statistic=stat, n_resamples=n_resamples,
                             method=ci_method, confidence=confidence, seed=seed)
          for stat in _STATISTICS}
    used = {ci[stat]["method_used"] for stat in _STATISTICS}
    if len(used) == 1:
        ci_used = used.pop()
    else:
        ci_used = ", ".join(f"{ci[stat]['method_used']} ({stat})" for stat in _STATISTICS)
    notes = []
    if s["n_used"] == 0:
        notes.append("no declines or improvements: sign and Wilcoxon tests not computed")
    seen = set()
    for stat in _STATISTICS:
        text = ci[stat]["note"]
        if not text or text in seen:
            continue
        seen.add(text)
        notes.append(f"{stat} interval: {text}")
    return {
        "group_by": group_by, "group": group, "n": s["n"], "declined": s["declined"],
        "improved": s["improved"], "unchanged": s["unchanged"],
        "sign_test_p": s["p"], "sign_test_rule": s["rule"],
        "wilcoxon_statistic": w["statistic"], "wilcoxon_p": w["p"],
        "wilcoxon_method": w["method_used"], "wilcoxon_rule": w["rule"],
        "mean_delta": ci["mean"]["estimate"], "mean_delta_low": ci["mean"]["low"],
        "mean_delta_high": ci["mean"]["high"],
        "median_delta": ci["median"]["estimate"], "median_delta_low": ci["median"]["low"],
        "median_delta_high": ci["median"]["high"],
        "ci_method": ci_used, "confidence": float(confidence), "n_resamples": int(n_resamples),
        "seed": int(seed), "q": math.nan, "note": "; ".join(notes),
    }


def direction_tests(frame: pd.DataFrame, *, value: str = "delta", by: str | None = None,
                    zero_method: str = "wilcox", wilcoxon_method: str = "auto",
                    n_resamples: int = 9999, ci_method: str = "BCa",
                    confidence: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Is the overall direction of change more than noise? All units, and per group.

    Parameters
    ----------
    frame : DataFrame
        One row per unit, e.g. ``compare(...).rows``.
    value : str
        Column of changes (default ``"delta"``: change of the total, higher-is-freer, so
        negative = decline). A NaN raises ``ValueError`` naming how many and which rows.
    by : str, optional
        Column to group by (``"region"``, ``"status_from"``...): one row per value, sorted
        (statuses from most to least free: F, PF, NF), after the row for all units. Missing values form their own group, ``"(missing)"``,
        last; they are never dropped.
    zero_method, wilcoxon_method
        Passed to :func:`wilcoxon_test` (``zero_method``, ``method``).
    n_resamples, ci_method, confidence
        Passed to :func:`bootstrap_ci` (``n_resamples``, ``method``, ``confidence``).
    seed : int
        Seed of the bootstrap for the all-units row. Each group's seed is derived from
        ``seed`` and the group's name (see ``seed`` below), so every row is reproducible on
        its own and independent of the input's row order and of which other groups exist.

    Returns
    -------
    DataFrame
        Columns :data:`DIRECTION_COLUMNS`, one row for all units then one per group:

        - ``group_by``: ``"all"``, or the name of the ``by`` column.
        - ``group``: ``"all"``, or the group's value as text (``"(missing)"`` for NaN).
        - ``n``: units in the row; ``declined`` / ``improved`` / ``unchanged``: value < 0,
          > 0, == 0.
        - ``sign_test_p``, ``sign_test_rule``: :func:`sign_test`'s ``p`` and ``rule``.
        - ``wilcoxon_statistic``, ``wilcoxon_p``, ``wilcoxon_method``, ``wilcoxon_rule``:
          :func:`wilcoxon_test`'s ``statistic``, ``p``, ``method_used`` and ``rule``
          (no continuity correction).
        - ``mean_delta``, ``mean_delta_low``, ``mean_delta_high``: mean of the value and its
          bootstrap interval; ``median_delta``, ``median_delta_low``, ``median_delta_high``:
          the same for the median (named after ``delta`` whatever ``value`` is).
        - ``ci_method``: the interval type used, ``"BCa"`` or ``"percentile"``, or
          ``"BCa (mean), percentile (median)"`` when they differ (BCa fell back, see
          ``note``), ``"none"`` with fewer than 2 units; ``confidence``, ``n_resamples``.
        - ``seed``: the seed this row's intervals used: ``bootstrap_ci(values,
          seed=row.seed, ...)`` reproduces them. The all-units row uses ``seed`` itself.
        - ``q``: Benjamini-Hochberg q-value of ``sign_test_p`` across the group rows of this
          call (:func:`scoring.multitest.bh_qvalues`); NaN for the all-units row and for
          groups without a sign test.
        - ``note``: anything that qualifies the row (no direction to test, interval fallback
          or absence); ``""`` otherwise.

    Notes
    -----
    The sign test asks whether declines outnumber improvements more than coin flips would
    (:math:`H_0: P(\\Delta < 0 \\mid \\Delta \\ne 0) = 1/2`); the Wilcoxon test whether the
    changes are symmetric about zero, weighing larger changes more; the intervals say how
    large the typical change is. All three treat units as independent, which neighbouring
    countries with shared events are not quite: read p-values as a screen, not a verdict.
    q controls the false discovery rate across the groups,
    :math:`q_{(i)} = \\min_{j \\ge i} \\min(1, m\\,p_{(j)}/j)`.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"delta": [-3, -1, 0, 2, -2, -1, 1, -4, 0, -1],
    ...                      "status_from": ["PF", "NF", "F", "F", "PF", None, "NF", "PF",
    ...                                      "F", "NF"]})
    >>> out = direction_tests(rows, by="status_from", n_resamples=2000)
    >>> out[["group", "n", "declined", "improved"]].values.tolist()
    [['all', 10, 6, 2], ['F', 3, 0, 1], ['NF', 3, 2, 1], ['PF', 3, 3, 0], ['(missing)', 1, 1, 0]]
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"frame must be a pandas DataFrame; got {type(frame).__name__}")
    if value not in frame.columns:
        raise ValueError(f"value must be a column of frame ({', '.join(map(str, frame.columns))}"
                         f"); got {value!r}")
    if by is not None and by not in frame.columns:
        raise ValueError(f"by must be None or a column of frame "
                         f"({', '.join(map(str, frame.columns))}); got {by!r}")
    if by is not None and by == value:
        raise ValueError(f"by must differ from value; got {by!r} for both")
    _check_choice("zero_method", zero_method, _ZERO_METHODS)
    _check_choice("wilcoxon_method", wilcoxon_method, _WILCOXON_METHODS)
    ci_method = _check_bootstrap_options(n_resamples=n_resamples, method=ci_method,
                                         confidence=confidence, seed=seed,
                                         method_name="ci_method")
    col = frame[value]
    if not pd.api.types.is_numeric_dtype(col):
        raise ValueError(f"value column {value!r} must be numeric; got dtype {col.dtype}")
    missing = col.isna()
    if missing.any():
        who = frame.loc[missing, "iso3"] if "iso3" in frame.columns else frame.index[missing]
        shown = ", ".join(map(str, list(who)[:10])) + (", ..." if missing.sum() > 10 else "")
        raise ValueError(f"value column {value!r} has {int(missing.sum())} missing "
                         f"value{'s' if missing.sum() != 1 else ''} (NaN): {shown}; drop or "
                         "fill them explicitly first (nothing is dropped silently)")
    values = col.to_numpy(dtype=float)
    options = dict(zero_method=zero_method, wilcoxon_method=wilcoxon_method,
                   n_resamples=n_resamples, ci_method=ci_method, confidence=confidence)
    rows = [_row(values, group_by="all", group="all", seed=int(seed), **options)]
    if by is not None:
        keys = frame[by]
        absent = keys.isna().to_numpy()
        present = pd.unique(keys[~absent])
        try:
            present = sorted(present)
        except TypeError:
            present = sorted(present, key=str)
        if set(present) <= set(_STATUS_ORDER):
            # Statuses read best from most to least free, not alphabetically.
            present = sorted(present, key=_STATUS_ORDER.index)
        groups = [(str(k), (keys == k).to_numpy() & ~absent) for k in present]
        if absent.any():
            groups.append((MISSING_GROUP, absent))
        for label, mask in groups:
            rows.append(_row(values[mask], group_by=str(by), group=label,
                             seed=_group_seed(int(seed), str(by), label), **options))
    out = pd.DataFrame(rows, columns=DIRECTION_COLUMNS)
    if len(out) > 1:
        out.loc[1:, "q"] = bh_qvalues(out.loc[1:, "sign_test_p"].to_numpy(dtype=float))
    return out
