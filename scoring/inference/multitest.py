"""Multiple-testing corrections for families of p-values."""

from __future__ import annotations

import numpy as np

__all__ = ["bh_qvalues"]


def bh_qvalues(p) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values), NaN-aware.

    Parameters
    ----------
    p : array-like of float
        p-values in [0, 1]; NaN marks a unit that was not tested (it stays NaN and does not
        count in the family size m).

    Returns
    -------
    numpy.ndarray
        ``q[i] = min over j with p[j] >= p[i] of min(1, m * p[j] / rank(j))``, in the input
        order; rejecting ``q <= alpha`` controls the false discovery rate at ``alpha`` for
        independent or positively dependent tests (Benjamini & Hochberg 1995).

    Notes
    -----
    Ties share the larger rank's adjustment through the running minimum, as in
    ``scipy.stats.false_discovery_control(method="bh")`` and R's ``p.adjust(method="BH")``.

    Examples
    --------
    >>> bh_qvalues([0.01, 0.04, 0.03, float("nan")]).round(3).tolist()
    [0.03, 0.04, 0.04, nan]
    """
    p = np.asarray(p, dtype=float)
    if p.ndim != 1:
        raise ValueError(f"p must be one-dimensional; got shape {p.shape}")
    finite = ~np.isnan(p)
    if np.any((p[finite] < 0) | (p[finite] > 1)):
        raise ValueError("p must lie in [0, 1]")
    q = np.full(p.shape, np.nan)
    m = int(finite.sum())
    if m == 0:
        return q
    vals = p[finite]
    order = np.argsort(vals, kind="stable")
    ranked = vals[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(ranked, 1.0)
    q[finite] = adjusted
    return q
