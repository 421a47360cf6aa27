"""The table :func:`scoring.inference.trends.trend_tests` returns: notes, q-value families.

The engine (:mod:`.trends`) computes arrays, one entry per series; this module turns them
into the result frame: the plain-words ``note`` of every row that is not (fully) tested or
whose numbers cannot say what they seem to (a Sen interval that is only the range of the
slopes, a p-value that can never be significant, autocorrelated years), and the
Benjamini-Hochberg q-values computed within each family of series with a ``q_family``
column saying which.

May import: what :mod:`scoring.inference` may (here numpy, pandas, scipy and
:mod:`.multitest`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .multitest import bh_qvalues

__all__ = ["q_by_family", "row_notes", "join_notes"]


def join_notes(*parts: np.ndarray) -> np.ndarray:
    """Element-wise ``"; "``-join of arrays of strings, skipping empty ones."""
    out = parts[0]
    for part in parts[1:]:
        sep = np.where((out != "") & (part != ""), "; ", "")
        out = out + sep + part
    return out


def _plural_note(counts: np.ndarray, one: str, many: str) -> np.ndarray:
    text = np.where(counts == 1, one, many)
    return np.where(counts > 0, np.char.add(counts.astype(str), text).astype(object), "")


def _where(mask: np.ndarray, make) -> np.ndarray:
    """``make(i)`` at the rows of ``mask``, "" elsewhere (the few rows that need a number in
    their note)."""
    out = np.full(mask.size, "", dtype=object)
    for i in np.flatnonzero(mask):
        out[i] = make(i)
    return out


def row_notes(*, n, missing_value, missing_time, constant, tested, full_range, p_min, acf1,
              too_short, undefined, method: str, alpha: float, confidence: float,
              min_n: int, correction_min_n: int) -> np.ndarray:
    """The ``note`` column (see :func:`scoring.inference.trends.trend_tests`)."""
    from scipy.special import ndtri

    level = f"{confidence * 100:g} %"
    small = np.where(n < min_n, np.char.add(np.char.add("n = ", n.astype(str)),
                                            f" < {min_n}: not tested").astype(object), "")
    flat = np.where(constant, "constant series: no trend can be tested", "").astype(object)
    short = _where(too_short, lambda i: (
        f"n = {n[i]} < {correction_min_n}: too short to estimate persistence, so p is from "
        "the original test, which assumes independent years"))
    failed = np.where(undefined & ~constant, (
        f"{method} correction undefined (detrended series without variation, no pair of "
        "points one step apart, or a variance factor <= 0 from strong negative "
        "autocorrelation): not tested"), "").astype(object)
    ranged = np.where(full_range & tested, (
        f"too few points for a {level} interval: sen_lo and sen_hi are the smallest and "
        "largest pairwise slopes"), "").astype(object)
    hopeless = _where(tested & (p_min > alpha), lambda i: (
        f"smallest attainable p is {p_min[i]:.2g} > {alpha:g}: no trend in a series like "
        "this can be significant at that level"))
    band = float(ndtri(1 - alpha / 2)) / np.sqrt(np.maximum(n, 1))
    uncorrected = tested & ((method == "original") | too_short)
    persistent = _where(uncorrected & (np.abs(acf1) > band), lambda i: (
        f"lag-1 autocorrelation {acf1[i]:.2f} is beyond +-{band[i]:.2f} "
        f"(z / sqrt(n) at {alpha:g}): independence is doubtful and p may be too small"
        + (f"; a persistence correction (method) needs n >= {correction_min_n}"
           if n[i] < correction_min_n else "; consider method='hamed-rao'")))
    return join_notes(small, flat, failed, short, ranged, hopeless, persistent,
                      _plural_note(missing_value, " missing value ignored",
                                   " missing values ignored"),
                      _plural_note(missing_time, " row with missing time ignored",
                                   " rows with missing time ignored"))


def q_by_family(p: np.ndarray, family: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Benjamini-Hochberg q-values within each family, and the ``q_family`` text.

    ``family`` holds each series' family (None: one family, the whole call). The text is "all 73 tested series of this call", or with
    families "all 70 tested access series of this call" (the family's value as a word);
    "" where the series is not tested.
    """
    tested = ~np.isnan(p)
    q = np.full(p.size, np.nan)
    text = np.full(p.size, "", dtype=object)
    if family is None:
        q[:] = bh_qvalues(p)
        text[tested] = f"all {int(tested.sum())} tested series of this call"
        return q, text
    codes, names = pd.factorize(pd.Series(family, dtype=object), sort=True)
    for code, name in enumerate(names):
        members = codes == code
        q[members] = bh_qvalues(p[members])
        m = int((members & tested).sum())
        text[members & tested] = f"all {m} tested {name} series of this call"
    return q, text
