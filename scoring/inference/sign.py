r"""The sign test, and the exact two-sided binomial p-value it rests on.

Formula. Under H0 each non-zero change is a decline with probability :math:`p_0` (1/2 for the
sign test). With :math:`k` declines among :math:`n` non-zero changes and
:math:`P(j) = \binom{n}{j} p_0^j (1 - p_0)^{n-j}`, the two-sided p-value is the probability of
every outcome no more likely than the observed one,

.. math::

    p = \min\Big(1, \sum_{j:\ P(j) \le P(k)\,(1 + 10^{-7})} P(j)\Big),

the rule of ``scipy.stats.binomtest(k, n, p0)`` (the default, two-sided), computed by the same
steps (one tail's cdf plus the other tail's sf, the cut found by binary search), so that both
agree to the last bit. The relative slack of :math:`10^{-7}` counts outcomes exactly as likely
as the observed one, up to rounding, as no more likely.

Ties. Unchanged units (delta == 0) carry no direction: they are counted and left out, as in
every sign test. No correction is needed: the test is exact.

scipy is imported inside the functions that need it, so importing this module stays light.
"""

from __future__ import annotations

import math
import numbers

from .checks import is_integer, plural, sample

__all__ = ["binomial_two_sided_p", "sign_test"]

# scipy.stats.binomtest's relative tolerance when comparing outcome probabilities, so that
# outcomes exactly as likely as the observed one (up to rounding) count as "no more likely".
_BINOM_RERR = 1 + 1e-7


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


def binomial_two_sided_p(k: int, n: int, p0: float = 0.5) -> float:
    """Exact two-sided binomial p-value: ``scipy.stats.binomtest(k, n, p0).pvalue``.

    Parameters
    ----------
    k : int
        Successes (for the sign test: declines), ``0 <= k <= n``.
    n : int
        Trials, at least 1.
    p0 : float
        Probability of a success under H0, in [0, 1] (default 1/2).

    Returns
    -------
    float
        The probability under H0 of every outcome no more likely than ``k`` (module
        docstring), capped at 1.

    Examples
    --------
    >>> round(binomial_two_sided_p(27, 45), 6)
    0.232693
    >>> binomial_two_sided_p(5, 10)
    1.0
    """
    if not is_integer(k) or not is_integer(n) or n < 1 or not 0 <= k <= n:
        raise ValueError(f"k and n must be integers with 0 <= k <= n and n >= 1; "
                         f"got k={k!r}, n={n!r}")
    if isinstance(p0, bool) or not isinstance(p0, numbers.Real) or not 0 <= p0 <= 1:
        raise ValueError(f"p0 must be a number in [0, 1]; got {p0!r}")
    from scipy.stats import binom

    k, n, p = int(k), int(n), float(p0)
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
    likely outcomes is kept so that both agree to rounding (:func:`binomial_two_sided_p`).
    Unchanged countries carry no direction and are left out, as in every sign test.

    Examples
    --------
    >>> res = sign_test([-2, -1, -1, -3, 0, 1, -1, 0])
    >>> res["declined"], res["improved"], res["unchanged"], round(res["p"], 4)
    (5, 1, 2, 0.2188)
    """
    d = sample(deltas, "deltas")
    declined = int((d < 0).sum())
    improved = int((d > 0).sum())
    unchanged = int((d == 0).sum())
    n_used = declined + improved
    if n_used == 0:
        p = math.nan
        rule = ("sign test not computed: no declines or improvements among "
                f"{plural(d.size, 'delta')}{' (all unchanged)' if d.size else ''}, so there "
                "is no direction to test")
    else:
        p = binomial_two_sided_p(declined, n_used)
        rule = (f"exact two-sided binomial test of {plural(declined, 'decline')} vs "
                f"{plural(improved, 'improvement')} (H0: p = 0.5); {unchanged} unchanged "
                "excluded")
    return {"n": int(d.size), "declined": declined, "improved": improved,
            "unchanged": unchanged, "n_used": n_used, "p": p, "rule": rule}
