r"""The exact null distribution of the Mann-Kendall S, for short series with tied values.

Formula. For a series of :math:`n` values with distinct times, :math:`S = \sum_{i<j}
\operatorname{sgn}(y_j - y_i)` in time order. Under H0 every ordering of the observed values
is equally likely. With :math:`N' = n(n-1)/2 - \sum_g t_g(t_g-1)/2` untied pairs and
:math:`k` discordant pairs (inversions), :math:`S = N' - 2k`, and the number of distinct
orderings with :math:`k` inversions is the coefficient of :math:`q^k` in the q-multinomial
coefficient (MacMahon)

.. math::

    [n; t_1, \dots, t_G]_q = \frac{\prod_{i=1}^{n}(1 - q^i)}
                                  {\prod_g \prod_{i=1}^{t_g} (1 - q^i)},

built as a product of q-binomials. The two-sided p-value is :math:`P(|S| \ge |S_{obs}|)`.

Ties. The distribution depends on the values only through their tie pattern, the multiset
of group sizes :math:`t_g` (all ones when the values are distinct); it is computed once per
pattern in exact integer arithmetic and cached for the session (about 0.1 ms per pattern at
n = 10, 1 ms at 20, 20 ms at 40). No continuity correction: the p-value is exact, and the
only rounding is the final division of two exact integers.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["exact_p"]


def _gaussian_binomial(m: int, k: int) -> list[int]:
    """Coefficients of the q-binomial [m choose k]_q (index = power of q), as exact ints."""
    poly = [1]
    for i in range(1, k + 1):
        a = m - k + i
        # poly * (1 - q^a) / (1 - q^i): the quotient is [m-k+i choose i]_q, a polynomial
        new = poly + [0] * a
        for d, c in enumerate(poly):
            new[d + a] -= c
        for d in range(i, len(new)):
            new[d] += new[d - i]
        poly = new[:len(new) - i]
    return poly


def _poly_mul(a: list[int], b: list[int]) -> list[int]:
    out = [0] * (len(a) + len(b) - 1)
    for i, ca in enumerate(a):
        if ca:
            for j, cb in enumerate(b):
                out[i + j] += ca * cb
    return out


def _inversion_counts(groups: tuple[int, ...]) -> list[int]:
    """How many distinct orderings of a multiset with these tie-group sizes have k inversions.

    The generating function is the q-multinomial coefficient (MacMahon), built as a product
    of q-binomials; the coefficients sum to the multinomial coefficient.
    """
    poly, m = [1], 0
    for t in groups:
        m += t
        poly = _poly_mul(poly, _gaussian_binomial(m, t))
    return poly


@functools.lru_cache(maxsize=None)
def _exact_tail(groups: tuple[int, ...]) -> np.ndarray:
    """``P(|S| >= s)`` for s = 0..N' under H0, for values with these tie-group sizes.

    With N' untied pairs and k discordant pairs (inversions), S = N' - 2k.
    """
    counts = _inversion_counts(groups)
    n_untied = len(counts) - 1
    by_abs = [0] * (n_untied + 1)
    for k, c in enumerate(counts):
        by_abs[abs(n_untied - 2 * k)] += c
    total = sum(counts)
    tail, running = [0.0] * (n_untied + 1), 0
    for s in range(n_untied, -1, -1):
        running += by_abs[s]
        tail[s] = running / total  # int / int: correctly rounded
    return np.array(tail)


def exact_p(abs_s: np.ndarray, tie_sizes: np.ndarray) -> np.ndarray:
    """Exact two-sided p, :math:`P(|S| \\ge |s|)`, for rows of series of one length.

    Parameters
    ----------
    abs_s : numpy.ndarray of int
        :math:`|S|` of each series.
    tie_sizes : numpy.ndarray of int, shape (series, n)
        Each series' tie-group sizes, in any order, zero-padded to ``n``.

    Examples
    --------
    >>> import numpy as np
    >>> exact_p(np.array([6, 0]), np.array([[1, 1, 1, 1], [1, 1, 1, 1]])).tolist()
    [0.08333333333333333, 1.0]
    """
    patterns, inverse = np.unique(-np.sort(-tie_sizes, axis=1), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    width = int(abs_s.max(initial=0)) + 1
    table = np.ones((len(patterns), width))
    for k, row in enumerate(patterns):
        tail = _exact_tail(tuple(int(x) for x in row if x > 0))
        m = min(width, tail.size)
        table[k, :m] = tail[:m]
    return table[inverse, abs_s]
