r"""The Wilcoxon signed-rank test, two-sided, with its exact null distribution under ties.

Formula. With mid-ranks :math:`r_i` of :math:`|d_i|` over the ranked deltas,
:math:`R^+ = \sum_{d_i > 0} r_i`. Under H0 the signs of the non-zero deltas are independent
fair coins.

Ties and zeros. Tied :math:`|d_i|` share the average of their ranks. Zero deltas follow
``zero_method`` as in ``scipy.stats.wilcoxon``: ``"wilcox"`` drops them before ranking,
``"pratt"`` ranks them and then drops their ranks, ``"zsplit"`` ranks them and gives half of
their ranks to each sign.

Exact p. :math:`p = \min(1, 2\min(P(R^+ \le r^+), P(R^+ \ge r^+)))` over the :math:`2^m` sign
assignments of the observed (possibly tied) ranks, by a dynamic programme on doubled ranks
(integers even for mid-ranks).

Normal approximation and its corrections. With :math:`N` ranked deltas, :math:`n_0` zeros and
tie groups of sizes :math:`t_j`, :math:`E = N(N+1)/4` and
:math:`V = (N(N+1)(2N+1) - \tfrac12\sum_j (t_j^3 - t_j))/24` (tie correction); under pratt
the zeros' share is taken out of both (Cureton's adjustment); an optional continuity
correction of 1/2 moves :math:`R^+` towards :math:`E`. See :func:`wilcoxon_test`, Notes.

scipy is imported inside the functions that need it, so importing this module stays light.
"""

from __future__ import annotations

import math

import numpy as np

from .checks import check_choice, plural, sample

__all__ = ["AUTO_EXACT_MAX_N", "EXACT_MAX_N", "wilcoxon_test"]

#: Largest ``n_used`` for which ``wilcoxon_test(method="exact")`` is allowed. The dynamic
#: programme costs about ``n_used**3`` additions (about 0.2 s at 500); beyond that the normal
#: approximation is accurate to far better than any decision needs.
EXACT_MAX_N = 500

#: ``method="auto"`` uses the exact null distribution up to this ``n_used``, the normal
#: approximation above it.
AUTO_EXACT_MAX_N = 25

#: The allowed ``zero_method`` values, as in ``scipy.stats.wilcoxon``.
ZERO_METHODS = ("wilcox", "pratt", "zsplit")
#: The allowed ``method`` values.
METHODS = ("auto", "exact", "approx")


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


def _normal_approximation(r_plus: float, ties: np.ndarray, *, n_used: int, n_zero: int,
                          zero_method: str, correction: bool) -> tuple[float, float]:
    """z and two-sided p of R+ with tie-corrected variance, as scipy's asymptotic method."""
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
    return z, float(2 * ndtr(-abs(z)))


def _rule_head(n_used: int, n_zero: int, zero_method: str) -> str:
    zeros = plural(n_zero, "zero delta")
    zeros_said = {
        "wilcox": f"{zeros} dropped before ranking (zero_method='wilcox')",
        "pratt": f"{zeros} ranked, then their ranks dropped (zero_method='pratt')",
        "zsplit": f"{zeros} ranked, their ranks split equally between R+ and R- "
                  "(zero_method='zsplit')",
    }[zero_method]
    return (f"Wilcoxon signed-rank test, two-sided, of {plural(n_used, 'delta')} ranked by "
            f"|delta| (average ranks for ties); {zeros_said}")


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
    check_choice("zero_method", zero_method, ZERO_METHODS)
    check_choice("method", method, METHODS)
    check_choice("correction", correction, (False, True))
    d = sample(deltas, "deltas")
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
    head = _rule_head(n_used, n_zero, zero_method)

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
            z, p = _normal_approximation(r_plus, ties, n_used=n_used, n_zero=n_zero,
                                         zero_method=zero_method, correction=correction)
            adjust = ", Cureton's adjustment for the ranked zeros" if (
                zero_method == "pratt" and n_zero) else ""
            rule = (f"{head}; normal approximation with tie-corrected variance{adjust}, "
                    f"{'with' if correction else 'no'} continuity correction{why}")
    return {"statistic": min(r_plus, r_minus), "r_plus": r_plus, "r_minus": r_minus,
            "z": z, "p": p, "method_used": method_used, "n": int(d.size), "n_used": n_used,
            "n_zero": n_zero, "zero_method": zero_method, "correction": bool(correction),
            "rule": rule}
