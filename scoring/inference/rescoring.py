"""Would a country's change survive re-scoring? The measurement-error model for published scores, on arrays.

Freedom House publishes no standard errors. This module makes one explicit, simple
assumption about how much a score could move if the same evidence were scored again, and
asks, country by country, how often the sign of the change between two editions would hold.

The model: every item score (a question, else a category, else the total) of both editions
independently moves one point down with probability ``p/2``, one point up with probability
``p/2``, and stays with probability ``1 - p``; a move beyond the item's range is clipped to the
bound. Adjustments (FIW's AddQ and AddA) are held at their published values. The distribution
of the perturbed change is simulated (seeded Monte Carlo, vectorised over draws and countries)
or computed exactly (convolution of the per-item three-point distributions).

This is a sensitivity analysis under an assumed error model, not a sampling distribution: its
probabilities are not p-values.

This module holds the model on arrays: :func:`perturbed_change_distribution` takes item scores
and their ranges, country by country, and returns the distribution of the perturbed change
(:class:`ChangeDistribution`). :mod:`scoring.analysis.robustness` applies it to the countries of
a comparison.

Size: a little over 400 lines, because the model's statement and limits in words (about 60
lines, :func:`model_description`) stay beside the arithmetic they describe: a change to the
model and a change to what every result says about it are reviewed in one file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._progress import Progress, report
from .checks import check_choice, check_positive_int, check_probability

__all__ = [
    "METHODS",
    "CHUNK_BYTES",
    "ChangeDistribution",
    "perturbed_change_distribution",
    "model_description",
]

METHODS = ("monte-carlo", "exact")

#: Most working memory the Monte Carlo may use per chunk of draws, in bytes.
CHUNK_BYTES = 100_000_000
# Per draw and country a chunk holds one uniform (8 bytes), the running offset (4), a boolean
# (1) and a histogram index (8); 24 rounds that up.
_BYTES_PER_CELL = 24
_CHUNK_CELLS = 2**18

#: Slack when comparing a cumulative probability with a quantile level, so that
#: q = (1 - 0.95) / 2 = 0.025000000000000022 still selects a value whose CDF is exactly 0.025.
_QUANTILE_TOL = 1e-10


# -- the array API --------------------------------------------------------------------------
@dataclass(frozen=True)
class ChangeDistribution:
    """Distribution of the perturbed change, one row per country, on an integer grid.

    Attributes
    ----------
    model_delta : numpy.ndarray, shape (n,)
        Change of the unperturbed item sums plus fixed offsets (to - from).
    offsets : numpy.ndarray, shape (m,)
        The grid ``-w .. w`` of integer departures from ``model_delta``, ``w`` the largest
        number of items a country has in the two editions together.
    pmf : numpy.ndarray, shape (n, m)
        ``pmf[i, j]`` = P(perturbed change of country i = model_delta[i] + offsets[j]):
        exact probabilities, or shares of the draws for the Monte Carlo.
    method : str
        ``"monte-carlo"`` or ``"exact"``.
    draws : int or None
        Number of Monte Carlo draws (None for the exact method).
    p : float
        The probability that an item moves.
    counts : numpy.ndarray or None, shape (n, m)
        Monte Carlo only: how many draws landed on each grid value. Probabilities are then
        computed from integer counts, so they are exact fractions of ``draws``.
    """

    model_delta: np.ndarray
    offsets: np.ndarray
    pmf: np.ndarray
    method: str
    draws: int | None
    p: float
    counts: np.ndarray | None = None

    def _mass(self, where: np.ndarray) -> np.ndarray:
        if self.counts is not None:
            return np.where(where, self.counts, 0).sum(axis=1) / self.draws
        return np.where(where, self.pmf, 0.0).sum(axis=1)

    def _cdf(self) -> np.ndarray:
        if self.counts is not None:
            return np.cumsum(self.counts, axis=1) / self.draws
        return np.cumsum(self.pmf, axis=1)

    @property
    def values(self) -> np.ndarray:
        """Change values of the grid, shape (n, m): ``model_delta[:, None] + offsets``."""
        return self.model_delta[:, None] + self.offsets[None, :]

    @property
    def p_decline(self) -> np.ndarray:
        """P(perturbed change < 0), per country."""
        return self._mass(self.values < 0)

    @property
    def p_improve(self) -> np.ndarray:
        """P(perturbed change > 0), per country."""
        return self._mass(self.values > 0)

    @property
    def p_unchanged(self) -> np.ndarray:
        """P(perturbed change = 0), per country."""
        return self._mass(self.values == 0)

    def quantile(self, q: float) -> np.ndarray:
        """The smallest attainable value ``v`` with P(change <= v) >= q, per country.

        This is numpy's ``method="inverted_cdf"`` applied to the distribution (for the Monte
        Carlo, to the draws), so every quantile is a change that can occur. A slack of 1e-10
        keeps floating-point rounding of ``q`` or of the cumulative sum from stepping past a
        value whose CDF equals ``q`` exactly.
        """
        if not 0 <= q <= 1:
            raise ValueError(f"q must lie in [0, 1]; got {q!r}")
        cdf = self._cdf()
        first = np.argmax((cdf >= q - _QUANTILE_TOL) & (cdf > 0), axis=1)
        return self.values[np.arange(len(first)), first]

    def central_interval(self, level: float) -> tuple[np.ndarray, np.ndarray]:
        """Equal-tailed interval holding at least ``level`` of the probability, per country.

        The low end is the smallest value ``v`` with P(change <= v) >= (1 - level) / 2
        (:meth:`quantile`); the high end is the largest ``v`` with
        P(change >= v) >= (1 - level) / 2, i.e. minus the low end of the mirrored
        distribution. Both tails are treated alike, so a symmetric distribution gets a
        symmetric interval and swapping the editions mirrors the interval exactly.
        """
        if not 0 < level < 1:
            raise ValueError(f"level must lie strictly between 0 and 1; got {level!r}")
        tail = (1 - level) / 2
        return self.quantile(tail), -self.reversed().quantile(tail)

    def reversed(self) -> ChangeDistribution:
        """The distribution of the change from ``to`` back to ``from`` (the mirror image)."""
        counts = None if self.counts is None else self.counts[:, ::-1].copy()
        return ChangeDistribution(-self.model_delta, self.offsets.copy(),
                                  self.pmf[:, ::-1].copy(), self.method, self.draws, self.p,
                                  counts)


def perturbed_change_distribution(
    items_from,
    items_to,
    *,
    min_from,
    max_from,
    min_to,
    max_to,
    fixed_from=0.0,
    fixed_to=0.0,
    p: float = 0.1,
    method: str = "monte-carlo",
    draws: int = 20000,
    seed=0,
    chunk_size: int | None = None,
    progress: Progress | None = None,
) -> ChangeDistribution:
    """Distribution of the change of a sum of item scores when every item may be mis-scored.

    Parameters
    ----------
    items_from, items_to : array-like, shape (n, k_from) and (n, k_to)
        Item scores of each country (rows) in the two editions, NaN-padded to a common item
        count per edition: NaN marks "no item here" and contributes nothing. Values must be
        integers within their ``[min, max]``.
    min_from, max_from, min_to, max_to : array-like
        Each item's range, broadcastable to the shape of the items (shape (k,) for ranges
        shared by every country, (n, k) when items differ by country).
    fixed_from, fixed_to : array-like, optional
        Offsets added to each country's sum and never perturbed (FIW's adjustments),
        broadcastable to (n,).
    p : float
        Probability that an item moves one point (``p/2`` down, ``p/2`` up), in [0, 1].
    method : {"monte-carlo", "exact"}
        Simulate ``draws`` re-scorings, or convolve the per-item distributions exactly.
    draws : int
        Monte Carlo draws (an integer >= 1, checked always); unused by the exact method.
    seed : int, numpy.random.Generator or None
        Seed of the Monte Carlo (passed to :func:`numpy.random.default_rng`).
    chunk_size : int, optional
        Draws simulated at once. By default about 2**18 / n (a few MB of working arrays,
        which stay in cache); never more than :data:`CHUNK_BYTES` (100 MB) worth.
    progress : callable, optional
        ``progress(done, total, label)`` (:mod:`scoring._progress`): draws simulated of
        ``draws``, once per chunk; for the exact method, items convolved. None: silent.

    Returns
    -------
    ChangeDistribution
        ``model_delta``, the integer ``offsets`` grid, the ``pmf`` over it per country, and
        summaries (``p_decline``, ``p_improve``, ``p_unchanged``, ``quantile``).

    Notes
    -----
    Item ``j`` of a country scores ``x_j`` in ``[lo_j, hi_j]``. Its re-scored value is

    .. math:: y_j = \\operatorname{clip}(x_j + e_j, lo_j, hi_j), \\quad
              P(e_j = -1) = P(e_j = +1) = p/2, \\; P(e_j = 0) = 1 - p,

    independently over items, countries and editions. With fixed offsets ``f``, the perturbed
    change is

    .. math:: \\Delta^* = \\Big(\\sum_{j \\in to} y_j + f_{to}\\Big)
                         - \\Big(\\sum_{j \\in from} y_j + f_{from}\\Big)
              = \\Delta_{model} + \\sum_{j \\in to} (y_j - x_j) - \\sum_{j \\in from} (y_j - x_j).

    For integer ``x_j`` inside its range each departure ``y_j - x_j`` is -1, 0 or +1: -1 with
    probability ``p/2`` when ``x_j > lo_j`` (else 0), +1 with probability ``p/2`` when
    ``x_j < hi_j``. The exact method convolves these three-point distributions one item at a
    time, vectorised over countries. The Monte Carlo draws one uniform ``u`` per item, country
    and draw and sets ``e = -1`` if ``u < p/2``, ``e = +1`` if ``u >= 1 - p/2``, then clips:
    the literal model, vectorised over draws and countries, looping over items and over chunks
    of draws; it keeps only a histogram of the change, so memory does not grow with ``draws``.

    Examples
    --------
    One country, one item at 3 of [0, 4] in each edition:

    >>> d = perturbed_change_distribution([[3.0]], [[3.0]], min_from=[0], max_from=[4],
    ...                                   min_to=[0], max_to=[4], p=0.2, method="exact")
    >>> d.values[0].tolist(), d.pmf[0].round(4).tolist()
    ([-2.0, -1.0, 0.0, 1.0, 2.0], [0.01, 0.16, 0.66, 0.16, 0.01])
    """
    p = check_probability("p", p, closed=True)
    method = check_choice("method", method, METHODS)
    draws = check_positive_int("draws", draws)
    if chunk_size is not None:
        chunk_size = check_positive_int("chunk_size", chunk_size)
    xf, lof, hif = _items("from", items_from, min_from, max_from)
    xt, lot, hit = _items("to", items_to, min_to, max_to)
    if xf.shape[0] != xt.shape[0]:
        raise ValueError(f"items_from and items_to must have one row per country each; got "
                         f"{xf.shape[0]} and {xt.shape[0]} rows")
    n = xf.shape[0]
    ff = _fixed("fixed_from", fixed_from, n)
    ft = _fixed("fixed_to", fixed_to, n)
    model_delta = (np.nansum(xt, axis=1) + ft) - (np.nansum(xf, axis=1) + ff)

    # Each item as the probabilities that it moves the *change* down / up by one point. An
    # item of the earlier edition moving up lowers the change, so its roles swap.
    can_down_f, can_up_f = xf > lof, xf < hif          # NaN compares False: padding never moves
    can_down_t, can_up_t = xt > lot, xt < hit
    width = xf.shape[1] + xt.shape[1]
    offsets = np.arange(-width, width + 1)
    if method == "exact":
        pmf = _exact_pmf(n, width, p, minus=[can_up_f.T, can_down_t.T],
                         plus=[can_down_f.T, can_up_t.T], progress=progress)
        return ChangeDistribution(model_delta, offsets, pmf, method, None, p)
    rng = np.random.default_rng(seed)
    counts = _monte_carlo_counts(rng, n, width, p, draws, chunk_size,
                                 [(-1, can_down_f.T, can_up_f.T), (1, can_down_t.T, can_up_t.T)],
                                 progress)
    return ChangeDistribution(model_delta, offsets, counts / draws, method, draws, p, counts)


def _exact_pmf(n, width, p, minus, plus, progress=None) -> np.ndarray:
    """Convolve the per-item three-point distributions of the change, item by item."""
    pmf = np.zeros((n, 2 * width + 1))
    pmf[:, width] = 1.0
    half = p / 2
    done = 0
    for minus_side, plus_side in zip(minus, plus):
        for can_minus, can_plus in zip(minus_side, plus_side):
            report(progress, done, width, "convolving item distributions")
            done += 1
            qm = np.where(can_minus, half, 0.0)[:, None]
            qp = np.where(can_plus, half, 0.0)[:, None]
            stay = 1.0 - qm - qp
            moved = np.zeros_like(pmf)
            moved[:, :-1] = qm * pmf[:, 1:]
            # Added in one commutative step, so the mirror image of a problem gives the
            # mirror image of its answer bit for bit.
            moved[:, 1:] = moved[:, 1:] + qp * pmf[:, :-1]
            pmf = stay * pmf + moved
    report(progress, width, width, "convolved item distributions")
    return pmf


def _monte_carlo_counts(rng, n, width, p, draws, chunk_size, sides, progress=None) -> np.ndarray:
    """Histogram of the simulated change offsets, shape (n, 2 * width + 1)."""
    bins = 2 * width + 1
    if chunk_size is None:
        # Chunks of ~2**18 cells keep the working arrays in cache (faster than one big chunk);
        # CHUNK_BYTES caps them for any size.
        cells = min(_CHUNK_CELLS, CHUNK_BYTES // _BYTES_PER_CELL)
        chunk_size = max(1, cells // max(n, 1))
    counts = np.zeros(n * bins, dtype=np.int64)
    base = np.arange(n, dtype=np.int64) * bins + width
    half = p / 2
    # u < down_at: the item moves down; u >= up_at: it moves up (never when at a bound:
    # clipping turns the move into no move).
    thresholds = [(sign, np.where(can_down, half, 0.0), np.where(can_up, 1.0 - half, 2.0))
                  for sign, can_down_items, can_up_items in sides
                  for can_down, can_up in zip(can_down_items, can_up_items)]
    size = min(chunk_size, draws)
    u = np.empty((size, n))
    moved = np.empty((size, n), dtype=bool)
    change = np.empty((size, n), dtype=np.int32)
    done = 0
    while done < draws:
        # Once per chunk, never inside it: the vectorised work stays as it is.
        report(progress, done, draws, "re-scoring draws")
        size = min(size, draws - done)
        u, moved, change = u[:size], moved[:size], change[:size]
        change[...] = 0
        for sign, down_at, up_at in thresholds:
            rng.random(out=u)
            if sign > 0:
                change += np.greater_equal(u, up_at, out=moved)
                change -= np.less(u, down_at, out=moved)
            else:
                change -= np.greater_equal(u, up_at, out=moved)
                change += np.less(u, down_at, out=moved)
        counts += np.bincount((change + base).ravel(), minlength=n * bins)
        done += size
    report(progress, draws, draws, f"{draws} re-scoring draws")
    return counts.reshape(n, bins)


def _items(side, x, lo, hi):
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"items_{side} must be two-dimensional (countries x items); got shape "
                         f"{x.shape}")
    try:
        lo = np.broadcast_to(np.asarray(lo, dtype=float), x.shape)
        hi = np.broadcast_to(np.asarray(hi, dtype=float), x.shape)
    except ValueError:
        raise ValueError(f"min_{side} and max_{side} must broadcast to the shape of "
                         f"items_{side} {x.shape}; got {np.shape(lo)} and {np.shape(hi)}") from None
    present = ~np.isnan(x)
    if np.isinf(x).any():
        raise ValueError(f"items_{side} must be finite or NaN (no item); got an infinite value")
    bad_range = present & ~((lo <= hi) & np.isfinite(lo) & np.isfinite(hi)
                            & (lo == np.round(lo)) & (hi == np.round(hi)))
    if bad_range.any():
        i, j = np.argwhere(bad_range)[0]
        raise ValueError(f"min_{side} and max_{side} must be integers with min <= max for every "
                         f"item; got [{lo[i, j]:g}, {hi[i, j]:g}] at row {i}, item {j}")
    bad = present & ((x != np.round(x)) | (x < lo) | (x > hi))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(f"items_{side} must be integers within [min_{side}, max_{side}]; got "
                         f"{x[i, j]:g} outside [{lo[i, j]:g}, {hi[i, j]:g}] or not whole at row "
                         f"{i}, item {j} ({int(bad.sum())} such values)")
    return x, lo, hi


def _fixed(name, value, n):
    try:
        f = np.broadcast_to(np.asarray(value, dtype=float), (n,))
    except ValueError:
        raise ValueError(f"{name} must be a number or one per country ({n}); got shape "
                         f"{np.shape(value)}") from None
    if not np.isfinite(f).all():
        raise ValueError(f"{name} must be finite; got {f[~np.isfinite(f)][0]!r}")
    return f


_STATEMENT = (
    "Each item score of each of the two editions is re-scored independently: it moves one "
    "point down with probability p/2, one point up with probability p/2, and stays with "
    "probability 1 - p; a move beyond the item's range is clipped to the bound, so an item at "
    "a bound moves only inward and is off with probability p/2 (error_rate: the mean over a "
    "country's items). Items are the question scores where a row has them all; where "
    "an edition publishes only category scores (FIW: subcategories A-G) or only the total, "
    "each is perturbed as the sum of the errors of the questions it aggregates, unclipped "
    "(coarse='split', the default) or as one item (coarse='as-published'). FIW's "
    "discretionary adjustments (AddQ, AddA) are held at "
    "their published values. The perturbed change is to_edition's perturbed total minus "
    "from_edition's; p_decline, p_improve and p_unchanged are its probabilities, exact "
    "(convolution) or shares of seeded Monte Carlo draws, all on the higher-is-freer scale."
)

_LIMITS = (
    "p is an assumption, not an estimate: Freedom House publishes no reliability figures.",
    "Errors are independent across items, countries and editions: no correlated rater effects "
    "(one analyst scoring a whole country harsher), no shared shifts from revised guidance, no "
    "error carried from one edition to the next.",
    "Errors are symmetric, at most one point, and equally likely on every item whatever its "
    "range.",
    "Clipping at the bounds centres the perturbed change near, not exactly at, the change of "
    "the item sums; rows whose items do not add up to the published total use the item sums.",
    "Where an edition publishes only categories or only the total, the default "
    "(coarse='split') perturbs each as the sum of its questions' errors without clipping, "
    "because the question scores are unknown; this slightly overstates the noise near the "
    "bounds. Editions before 2019 numbered FOTN's questions differently; their count is "
    "taken from the current methodology. coarse='as-published' perturbs a coarse score as "
    "one item instead, which makes totals-only changes look far more robust than they are.",
    "This is a sensitivity analysis of the published numbers under the assumed model, not a "
    "sampling distribution: p_sign, p_flip, p_reversal and their q-values are probabilities "
    "under the model, not p-values in the frequentist sense, and robust (p_reversal <= alpha) "
    "is not a significance test. q_reversal and q_flip apply the Benjamini-Hochberg step-up to "
    "rank countries by how many reversals (or flips) one would expect among those called "
    "robust; they carry no false-discovery-rate guarantee.",
    "Monte Carlo draws are made for all countries of a run at once: a country's result depends "
    "(within Monte Carlo error) on which other countries are in the run. To reproduce a row, "
    "run the same selection with the same seed, or use method='exact'.",
)


def model_description(p, alpha, draws, seed, interval, method) -> dict:
    """The parameters of a run with the model in words: its ``statement`` and its ``limits``
    (what every robustness result carries in ``attrs["model"]``)."""
    return {
        "p": p,
        "alpha": alpha,
        "draws": draws,
        "seed": seed,
        "interval": interval,
        "method": method,
        "quantile_rule": "equal tails: change_low is the smallest change with "
                         "P(change <= v) >= (1 - interval)/2, change_high the largest with "
                         "P(change >= v) >= (1 - interval)/2 (numpy's inverted_cdf on each "
                         "tail)",
        "statement": _STATEMENT,
        "limits": list(_LIMITS),
    }
