"""Would a country's change survive re-scoring? A measurement-error model for published scores.

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
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd

from ..errors import MethodologyError, ScoringError
from ..ingest.harmonize import to_canonical
from ..methodology import Component, Methodology, load_methodology
from ..inference.multitest import bh_qvalues

__all__ = [
    "METHODS",
    "ChangeDistribution",
    "perturbed_change_distribution",
    "rescoring_robustness",
    "question_consistency",
]

#: Ways to get the distribution of the perturbed change.
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
    p = _check_probability("p", p, closed=True)
    method = _check_choice("method", method, METHODS)
    draws = _check_positive_int("draws", draws)
    if chunk_size is not None:
        chunk_size = _check_positive_int("chunk_size", chunk_size)
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
        pmf = _exact_pmf(n, width, p,
                         minus=[can_up_f.T, can_down_t.T], plus=[can_down_f.T, can_up_t.T])
        return ChangeDistribution(model_delta, offsets, pmf, method, None, p)
    rng = np.random.default_rng(seed)
    counts = _monte_carlo_counts(rng, n, width, p, draws, chunk_size,
                                 [(-1, can_down_f.T, can_up_f.T), (1, can_down_t.T, can_up_t.T)])
    return ChangeDistribution(model_delta, offsets, counts / draws, method, draws, p, counts)


def _exact_pmf(n, width, p, minus, plus) -> np.ndarray:
    """Convolve the per-item three-point distributions of the change, item by item."""
    pmf = np.zeros((n, 2 * width + 1))
    pmf[:, width] = 1.0
    half = p / 2
    for minus_side, plus_side in zip(minus, plus):
        for can_minus, can_plus in zip(minus_side, plus_side):
            qm = np.where(can_minus, half, 0.0)[:, None]
            qp = np.where(can_plus, half, 0.0)[:, None]
            stay = 1.0 - qm - qp
            moved = np.zeros_like(pmf)
            moved[:, :-1] = qm * pmf[:, 1:]
            # Added in one commutative step, so the mirror image of a problem gives the
            # mirror image of its answer bit for bit.
            moved[:, 1:] = moved[:, 1:] + qp * pmf[:, :-1]
            pmf = stay * pmf + moved
    return pmf


def _monte_carlo_counts(rng, n, width, p, draws, chunk_size, sides) -> np.ndarray:
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


# -- parameter checks ------------------------------------------------------------------------
def _check_probability(name, value, *, closed):
    ok = isinstance(value, Real) and not isinstance(value, bool) and not math.isnan(value)
    ok = ok and ((0 <= value <= 1) if closed else (0 < value < 1))
    if not ok:
        allowed = "a number in [0, 1]" if closed else "a number strictly between 0 and 1"
        raise ValueError(f"{name} must be {allowed}; got {value!r}")
    return float(value)


def _check_positive_int(name, value):
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1; got {value!r}")
    return int(value)


def _check_choice(name, value, allowed):
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


# -- from score frames to item arrays ---------------------------------------------------------
@dataclass(frozen=True)
class _Plan:
    """How one edition's total splits into perturbed items and fixed adjustments."""

    kind: str
    items: tuple[tuple[int, Component], ...]
    fixed: tuple[tuple[int, Component], ...]


def _plans(m: Methodology, edition: int) -> list[_Plan]:
    """Item plans for ``edition``, finest first: questions, their parents, the total."""
    questions = [c for c in m.questions if c.applies_to(edition)]
    parents = list(dict.fromkeys(c.parent for c in questions if c.parent is not None))
    plans = []
    for kind, keys in (("questions", [c.key for c in questions]), ("categories", parents)):
        if keys:
            items, fixed = _expand(m, m.total.key, set(keys), edition)
            plans.append(_Plan(kind, tuple(items), tuple(fixed)))
    plans.append(_Plan("total", ((1, m.total),), ()))
    return plans


def _expand(m: Methodology, key: str, item_keys: set, edition: int, sign: int = 1):
    """Signed items and adjustments that ``key`` sums to in ``edition``."""
    c = m.component(key)
    if c.key in item_keys:
        return [(sign, c)], []
    if not c.applies_to(edition):
        return [], []
    if c.level == "adjustment":
        return [], [(sign, c)]
    if not c.terms:
        raise MethodologyError(f"{m.key}: component {c.key!r} is neither an item nor a sum of "
                               f"items in {edition}; cannot split the total")
    items, fixed = [], []
    for s, term in c.terms:
        i, f = _expand(m, term, item_keys, edition, sign * s)
        items += i
        fixed += f
    return items, fixed


_UNBOUNDED = 1e9


def _questions_under(m: Methodology, c: Component, edition: int) -> int:
    """How many questions a category (or the total) aggregates in ``edition``."""
    if c.level == "question":
        return 1
    return sum(_questions_under(m, m.component(t), edition) for s, t in c.terms
               if m.component(t).applies_to(edition) and m.component(t).level != "adjustment")


def _edition_arrays(side: pd.DataFrame, m: Methodology, edition: int, coarse: str = "split"):
    """Items, ranges, fixed offsets, item kind and notes for one edition's rows.

    An item that enters the total with a minus sign is passed negated on the mirrored range,
    so every item adds; clipping is symmetric, so the model is unchanged.

    With ``coarse="split"``, a category or total that stands in for unpublished questions is
    perturbed as the sum of its k questions' errors: k items, the first holding the published
    score and the others 0, on an unbounded range (the question scores, hence the bounds they
    would clip at, are unknown).
    """
    n = len(side)
    plans = _plans(m, edition)
    sizes = {id(pl): (sum(_questions_under(m, c, edition) for _, c in pl.items)
                      if coarse == "split" and pl.kind != "questions" else len(pl.items))
             for pl in plans}
    width = max(sizes.values())
    x = np.full((n, width), np.nan)
    lo = np.zeros((n, width))
    hi = np.zeros((n, width))
    fixed = np.zeros(n)
    kind = np.full(n, None, dtype=object)
    names = np.full((n, width), "", dtype=object)
    notes = [[] for _ in range(n)]
    todo = np.ones(n, dtype=bool)
    out_of_range: list[str] = []
    for plan in plans:
        cols = [c.key for _, c in plan.items]
        if not all(k in side.columns for k in cols):
            continue
        values = side[cols].to_numpy(dtype=float)
        rows = todo & ~np.isnan(values).any(axis=1)
        if not rows.any():
            continue
        signs = np.array([s for s, _ in plan.items], dtype=float)
        mins = np.array([c.min for _, c in plan.items], dtype=float)
        maxs = np.array([c.max for _, c in plan.items], dtype=float)
        k = len(cols)
        bad_range = rows[:, None] & ((values < mins) | (values > maxs) |
                                     (values != np.round(values)))
        out_of_range += [f"{side.index[i]} {edition} {cols[j]} = {values[i, j]:g}"
                         for i, j in np.argwhere(bad_range)]
        if coarse == "split" and plan.kind != "questions":
            # Each coarse score becomes k unbounded virtual items: the score plus k-1 zeros.
            col = 0
            for j, (sgn, c) in enumerate(plan.items):
                kq = _questions_under(m, c, edition)
                x[rows, col] = values[rows, j] * sgn
                x[rows, col + 1:col + kq] = 0.0
                lo[rows, col:col + kq] = -_UNBOUNDED
                hi[rows, col:col + kq] = _UNBOUNDED
                names[rows, col:col + kq] = c.key
                col += kq
            for i in np.flatnonzero(rows):
                notes[i].append(f"{edition}: {plan.kind} only; each perturbed as the sum of "
                                f"its questions' errors ({sizes[id(plan)]} in all, unclipped)")
        else:
            x[rows, :k] = values[rows] * signs
            lo[rows, :k] = np.where(signs > 0, mins, -maxs)
            hi[rows, :k] = np.where(signs > 0, maxs, -mins)
            names[rows, :k] = cols
        kind[rows] = plan.kind
        for s, c in plan.fixed:
            v = side[c.key].to_numpy(dtype=float) if c.key in side.columns else np.full(n, np.nan)
            for i in np.flatnonzero(rows & np.isnan(v)):
                notes[i].append(f"{edition}: {c.key} not published, held at 0")
            fixed[rows] += s * np.nan_to_num(v[rows])
        if plan.kind == "total" and coarse != "split":
            for i in np.flatnonzero(rows):
                notes[i].append(f"{edition}: total only, perturbed as one item on "
                                f"[{m.total.min}, {m.total.max}]")
        todo &= ~rows
    if out_of_range:
        # Every offending score in one message, as validation reports them.
        found = out_of_range
        raise ScoringError(
            f"{len(found)} item score{'s' if len(found) > 1 else ''} not a whole number within "
            f"the methodology's range, so the error model cannot perturb "
            f"{'them' if len(found) > 1 else 'it'}: {'; '.join(found[:10])}"
            + (f"; and {len(found) - 10} more" if len(found) > 10 else ""))
    return x, lo, hi, fixed, kind, notes


def _selection(data, index, from_edition, to_edition, countries, include_territories):
    """compare()'s rows and notes, and the canonical score rows of both editions by iso3."""
    from .comparison import compare

    m = index if isinstance(index, Methodology) else load_methodology(index)
    if data is None:
        from ..datasets.load import load_dataset

        data = load_dataset(m.key)
    comparison = compare(data, index=m, from_edition=from_edition, to_edition=to_edition,
                         countries=countries, include_territories=include_territories)
    rows = comparison.rows[["iso3", "country", "delta"]].reset_index(drop=True)
    a, b = int(from_edition), int(to_edition)
    wanted = set(rows["iso3"])
    canon = to_canonical(data[data["edition"].isin([a, b]) & data["iso3"].isin(wanted)], m)
    return m, rows, comparison.notes, canon


# -- the public API -------------------------------------------------------------------------
def rescoring_robustness(
    data: pd.DataFrame | None = None,
    *,
    index: str | Methodology = "fotn",
    from_edition: int,
    to_edition: int,
    countries: list[str] | None = None,
    include_territories: bool = False,
    p: float = 0.1,
    alpha: float = 0.05,
    draws: int = 20000,
    seed=0,
    interval: float = 0.95,
    method: str = "monte-carlo",
    coarse: str = "split",
) -> pd.DataFrame:
    """Would each country's change between two editions survive re-scoring?

    Every item score of both editions is perturbed under an explicit measurement-error model
    (see Notes); the result gives, per country, the probability that the observed direction
    of change holds.

    Parameters
    ----------
    data : DataFrame, optional
        Score rows, as for :func:`scoring.compare`. Default: the bundled dataset of ``index``.
    index : str or Methodology
        ``"fotn"`` or ``"fiw"``.
    from_edition, to_edition : int
        The two editions (either order; change is to - from).
    countries : list of str, optional
        ISO3 codes to restrict to.
    include_territories : bool
        FIW only: include territories (by default countries only, as in :func:`compare`).
    p : float
        Probability that an item score moves one point (half down, half up), in [0, 1].
    alpha : float
        A change is ``robust`` when its sign holds with probability at least ``1 - alpha``;
        in (0, 1).
    draws : int
        Monte Carlo draws (an integer >= 1, checked always); unused by the exact method.
    seed : int, numpy.random.Generator or None
        Monte Carlo seed.
    interval : float
        Probability of the central interval ``change_low .. change_high``, in (0, 1).
    method : {"monte-carlo", "exact"}
        Simulate, or compute the distribution exactly by convolution.
    coarse : {"split", "as-published"}
        Where an edition publishes only category scores or only the total: ``"split"``
        (default) perturbs each as the sum of the errors of the questions it aggregates
        (unclipped, since their scores are unknown), so that a totals-only edition is as
        uncertain as a question-level one; ``"as-published"`` perturbs each coarse score as
        one item, which makes totals-only changes look far more robust than they are.

    Returns
    -------
    DataFrame
        One row per country in both editions (same selection as :func:`scoring.compare`),
        sorted by ``delta`` (largest decline first), then country. Columns:

        - ``iso3``, ``country`` (name in ``to_edition``)
        - ``delta``: observed change of the published total, canonical (higher = freer)
        - ``model_delta``: change of the item sums the model perturbs (differs from ``delta``
          only where a row's items do not add up to its published total; see ``note``)
        - ``items_from``, ``items_to``: what was perturbed in each edition: ``"questions"``,
          ``"categories"`` (FOTN categories; FIW subcategories A-G) or ``"total"``
        - ``n_items_from``, ``n_items_to``: how many items were perturbed
        - ``p_decline``, ``p_improve``, ``p_unchanged``: P(perturbed change < 0, > 0, = 0)
        - ``change_low``, ``change_high``: central ``interval`` interval of the perturbed
          change, the ``(1 - interval)/2`` and ``(1 + interval)/2`` quantiles by the
          inverted-CDF rule (smallest change whose CDF reaches the level; attainable integers)
        - ``p_sign``: probability that the observed sign holds (``p_decline`` for a decline,
          ``p_improve`` for an improvement, ``p_unchanged`` when ``delta`` is 0)
        - ``p_flip``: ``1 - p_sign``
        - ``q_flip``: Benjamini-Hochberg adjustment of ``p_flip`` over the countries of this
          result whose ``delta`` is not 0 (NaN for unchanged countries)
        - ``robust``: ``delta != 0`` and ``p_sign >= 1 - alpha`` (an unchanged country is never
          robust: robust means a robust change)
        - ``mc_se``: Monte Carlo standard error of ``p_sign``, the plug-in
          ``sqrt(p_sign (1 - p_sign) / draws)``; 0 for the exact method, and also 0 when every
          draw agreed (then the true ``p_flip`` is below ``3 / draws`` with 95% confidence,
          the rule of three)
        - ``note``: what the numbers carry: totals-only editions, items that do not add up to
          the published total, adjustments not published, a model sign that differs from the
          observed one

        ``attrs["model"]`` holds the parameters (``p``, ``alpha``, ``draws``, ``seed``,
        ``interval``, ``method``), the quantile rule, a plain-words ``statement`` of the model
        and its ``limits``; ``attrs["notes"]`` the comparability notes of :func:`compare`.

    Raises
    ------
    ValueError
        A parameter out of its range (naming it, the allowed values and what was passed), or
        an edition or country not in the data (from :func:`compare`).
    ScoringError
        Item scores that are not whole numbers within the methodology's range (all of them
        listed), or rows that repeat an entity and edition (from :func:`compare`).

    Notes
    -----
    Each item score ``x`` (range ``[lo, hi]``) of each edition is re-scored independently as
    ``clip(x + e, lo, hi)`` with ``P(e = -1) = P(e = +1) = p/2`` and ``P(e = 0) = 1 - p``.
    Items are the question scores where a row has all of them, else the category scores
    (FIW: subcategories), else the total alone on its full range. FIW's adjustments enter at
    their published values: ``PR = A + B + C - AddQ + AddA``. The perturbed change is

    .. math:: \\Delta^* = \\sum_{to} y + f_{to} - \\sum_{from} y - f_{from},

    and ``p_sign = P(sign(Delta*) = sign(delta))``. Clipping makes ``Delta*`` centred near, not
    exactly at, ``model_delta``. Everything is on the canonical scale (:func:`to_canonical`).
    The Monte Carlo estimate of a probability ``P`` has standard error
    ``sqrt(P (1 - P) / draws)``; the exact method is exact up to rounding.

    To make swapping the editions give the mirror image exactly, the model always runs from
    the earlier edition to the later one and the result is mirrored when ``from_edition`` is
    later. The countries enter the simulation sorted by ISO3 code, so the input's row order
    does not change the draws.

    Examples
    --------
    >>> r = rescoring_robustness(index="fotn", from_edition=2023, to_edition=2024,
    ...                          draws=2000, seed=1)
    >>> row = r.set_index("iso3").loc["KGZ"]
    >>> float(row["delta"]), row["items_from"], bool(row["p_decline"] > 0.9)
    (-4.0, 'questions', True)
    """
    p = _check_probability("p", p, closed=True)
    alpha = _check_probability("alpha", alpha, closed=False)
    interval = _check_probability("interval", interval, closed=False)
    method = _check_choice("method", method, METHODS)
    coarse = _check_choice("coarse", coarse, ("split", "as-published"))
    draws = _check_positive_int("draws", draws)
    m, rows, compare_notes, canon = _selection(data, index, from_edition, to_edition,
                                               countries, include_territories)
    a, b = int(from_edition), int(to_edition)
    early, late = min(a, b), max(a, b)
    n = len(rows)
    out = rows.copy()
    notes = [[] for _ in range(n)]

    # The simulation sees countries sorted by ISO3, earlier edition first.
    order = np.argsort(out["iso3"].to_numpy(dtype=str), kind="stable")
    iso_sorted = out["iso3"].to_numpy()[order]
    sides = {}
    for ed in (early, late):
        side = canon[canon["edition"] == ed].set_index("iso3").reindex(iso_sorted)
        sides[ed] = (side, *_edition_arrays(side, m, ed, coarse))
    total_key = m.total.key
    kinds, counts_items, sums = {}, {}, {}
    for ed, (side, x, lo, hi, fixed, kind, ed_notes) in sides.items():
        kinds[ed], counts_items[ed] = kind, np.sum(~np.isnan(x), axis=1)
        sums[ed] = np.nansum(x, axis=1) + fixed
        published = side[total_key].to_numpy(dtype=float)
        for j, i in enumerate(order):
            notes[i] += ed_notes[j]
            if kind[j] is None:
                notes[i].append(f"{ed}: no total published; not modelled")
            elif np.isnan(published[j]):
                notes[i].append(f"{ed}: no total published (delta is blank); the model uses "
                                f"the {kind[j]}")
            elif kind[j] != "total" and sums[ed][j] != published[j]:
                notes[i].append(f"{ed}: {kind[j]} sum to {sums[ed][j]:g} but the published "
                                f"total is {published[j]:g}; the model uses the sum")
    modelled = np.array([kinds[early][j] is not None and kinds[late][j] is not None
                         for j in range(n)], dtype=bool)
    keep = np.flatnonzero(modelled)
    cols = ("p_decline", "p_improve", "p_unchanged", "change_low", "change_high")
    res = {c: np.full(n, np.nan) for c in cols}
    model_delta = np.full(n, np.nan)
    if keep.size:
        _, xf, lof, hif, ff, _, _ = sides[early]
        _, xt, lot, hit, ft, _, _ = sides[late]
        dist = perturbed_change_distribution(
            xf[keep], xt[keep], min_from=lof[keep], max_from=hif[keep], min_to=lot[keep],
            max_to=hit[keep], fixed_from=ff[keep], fixed_to=ft[keep], p=p, method=method,
            draws=draws, seed=seed)
        lower, upper = dist.p_decline, dist.p_improve
        if a > b:
            # Mirror: a decline from early to late is an improvement from late to early.
            lower, upper = upper, lower
            dist = dist.reversed()
        at = order[keep]
        model_delta[at] = dist.model_delta
        res["p_decline"][at] = lower
        res["p_improve"][at] = upper
        res["p_unchanged"][at] = dist.p_unchanged
        res["change_low"][at], res["change_high"][at] = dist.central_interval(interval)

    delta = out["delta"].to_numpy(dtype=float)
    side_kind = {ed: np.empty(n, dtype=object) for ed in (a, b)}
    side_n = {ed: np.zeros(n) for ed in (a, b)}
    for ed in (a, b):
        side_kind[ed][order] = kinds[ed]
        side_n[ed][order] = counts_items[ed]
        side_n[ed][order[~modelled]] = np.nan
    out["delta"] = delta
    out["model_delta"] = model_delta
    out["items_from"] = side_kind[a]
    out["items_to"] = side_kind[b]
    out["n_items_from"] = pd.array(side_n[a], dtype="Float64").astype("Int64")
    out["n_items_to"] = pd.array(side_n[b], dtype="Float64").astype("Int64")
    for c in cols:
        out[c] = res[c]
    for c in ("p_decline", "p_improve", "p_unchanged"):
        # Sums of probabilities can overshoot 1 by rounding.
        out[c] = np.clip(out[c], 0.0, 1.0)
    p_sign = np.select([delta < 0, delta > 0, delta == 0],
                       [out["p_decline"], out["p_improve"], out["p_unchanged"]], np.nan)
    out["p_sign"] = p_sign
    out["p_flip"] = 1.0 - p_sign
    out["q_flip"] = bh_qvalues(np.where(delta != 0, out["p_flip"], np.nan))
    out["robust"] = (delta != 0) & (p_sign >= 1 - alpha)
    if method == "monte-carlo":
        out["mc_se"] = np.sqrt(p_sign * (1 - p_sign) / draws)
    else:
        out["mc_se"] = np.where(np.isnan(p_sign), np.nan, 0.0)
    mismatch = modelled & (np.sign(model_delta) != np.sign(delta)) & ~np.isnan(delta)
    for i in np.flatnonzero(mismatch):
        notes[i].append(f"the item sums change by {model_delta[i]:g}, the published totals by "
                        f"{delta[i]:g}: p_sign is for the published direction")
    out["note"] = ["; ".join(x) for x in notes]
    out.attrs["model"] = _model_attrs(p, alpha, draws, seed, interval, method)
    out.attrs["model"]["coarse"] = coarse
    out.attrs["notes"] = list(compare_notes)
    out.attrs["index"], out.attrs["from"], out.attrs["to"] = m.key, a, b
    return out


_STATEMENT = (
    "Each item score of each of the two editions is re-scored independently: it moves one "
    "point down with probability p/2, one point up with probability p/2, and stays with "
    "probability 1 - p; a move beyond the item's range is clipped to the bound, so an item at "
    "a bound moves only inward. Items are the question scores where a row has them all; where "
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
    "sampling distribution: p_sign, p_flip and q_flip are probabilities under the model, not "
    "p-values in the frequentist sense, and robust is not a significance test. q_flip applies "
    "the Benjamini-Hochberg step-up to p_flip to rank countries by how many flips one would "
    "expect among those called robust; it carries no false-discovery-rate guarantee.",
    "Monte Carlo draws are made for all countries of a run at once: a country's result depends "
    "(within Monte Carlo error) on which other countries are in the run. To reproduce a row, "
    "run the same selection with the same seed, or use method='exact'.",
)


def _model_attrs(p, alpha, draws, seed, interval, method) -> dict:
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


def question_consistency(
    data: pd.DataFrame | None = None,
    *,
    index: str | Methodology = "fotn",
    from_edition: int,
    to_edition: int,
    countries: list[str] | None = None,
    include_territories: bool = False,
) -> pd.DataFrame:
    """Did a country's questions move one way? An exact sign test on question-level change.

    Parameters
    ----------
    data : DataFrame, optional
        Score rows, as for :func:`scoring.compare`. Default: the bundled dataset of ``index``.
    index : str or Methodology
        ``"fotn"`` or ``"fiw"``.
    from_edition, to_edition : int
        The two editions (either order; change is to - from).
    countries : list of str, optional
        ISO3 codes to restrict to.
    include_territories : bool
        FIW only: include territories.

    Returns
    -------
    DataFrame
        One row per country in both editions (selection and order of :func:`compare`):
        ``iso3``, ``country``, ``delta`` (change of the published total, canonical),
        ``n_questions`` (questions scored in both editions), ``down``, ``up``, ``unchanged``
        (questions whose canonical score fell, rose, stayed), ``p`` (exact two-sided binomial
        test of ``down`` against ``up`` under H0: each changed question is equally likely to
        fall or rise), ``q`` (Benjamini-Hochberg over the countries of this result with a
        ``p``) and ``note``. Countries without every question in both editions keep their row
        with NaN and a note; so do countries whose questions did not change at all.

    Notes
    -----
    With ``k = down`` and ``n = down + up`` (unchanged questions excluded), the two-sided
    p-value sums the Binomial(n, 1/2) probabilities no larger than that of ``k``:

    .. math:: p = \\sum_{x:\\, f(x) \\le f(k)(1 + 10^{-7})} f(x), \\quad
              f(x) = \\binom{n}{x} 2^{-n},

    the rule of :func:`scipy.stats.binomtest` (two-sided). Questions of one country are not
    independent evidence (one event moves several), so ``p`` measures how one-sided the
    movement was, not the probability that the country "really" changed.

    Examples
    --------
    >>> qc = question_consistency(index="fotn", from_edition=2023, to_edition=2024)
    >>> row = qc.set_index("iso3").loc["KGZ"]
    >>> int(row["down"]), int(row["up"]), round(float(row["p"]), 4)
    (4, 0, 0.125)
    """
    m, rows, compare_notes, canon = _selection(data, index, from_edition, to_edition,
                                               countries, include_territories)
    a, b = int(from_edition), int(to_edition)
    n = len(rows)
    out = rows.copy()
    iso = out["iso3"].to_numpy()
    q_keys = {ed: [c.key for c in m.questions if c.applies_to(ed)] for ed in (a, b)}
    keys = [k for k in q_keys[a] if k in q_keys[b]]
    values = {}
    for ed in (a, b):
        side = canon[canon["edition"] == ed].set_index("iso3").reindex(iso)
        values[ed] = np.column_stack([side[k].to_numpy(dtype=float) if k in side.columns
                                      else np.full(n, np.nan) for k in keys]) \
            if keys else np.empty((n, 0))
    complete = {ed: ~np.isnan(values[ed]).any(axis=1) & (values[ed].shape[1] > 0)
                for ed in (a, b)}
    both = complete[a] & complete[b]
    diff = values[b] - values[a]
    down = np.where(both, (diff < 0).sum(axis=1), -1)
    up = np.where(both, (diff > 0).sum(axis=1), -1)
    same = np.where(both, (diff == 0).sum(axis=1), -1)
    pvals = np.full(n, np.nan)
    notes = [""] * n
    for i in range(n):
        if not both[i]:
            missing = [str(ed) for ed in (a, b) if not complete[ed][i]]
            notes[i] = (f"no question scores in {' and '.join(missing)}: nothing to test")
        elif down[i] + up[i] == 0:
            notes[i] = "no question changed: nothing to test"
        else:
            pvals[i] = _binom_two_sided_p(int(down[i]), int(down[i] + up[i]))
    n_q = np.full(n, len(keys))
    for name, v in (("n_questions", n_q), ("down", down), ("up", up), ("unchanged", same)):
        out[name] = pd.array([int(x) if ok else pd.NA for x, ok in zip(v, both)], dtype="Int64")
    out["p"] = pvals
    out["q"] = bh_qvalues(pvals)
    out["note"] = notes
    out.attrs["notes"] = list(compare_notes)
    out.attrs["index"], out.attrs["from"], out.attrs["to"] = m.key, a, b
    return out


def _binom_two_sided_p(k: int, n: int, p0: float = 0.5) -> float:
    """Exact two-sided binomial p-value by the rule of scipy.stats.binomtest.

    Sums the pmf over every outcome no more likely than ``k`` (with scipy's relative slack of
    1e-7), capped at 1.
    """
    from scipy.stats import binom  # here, so importing the module stays light

    if n < 1 or not 0 <= k <= n:
        raise ValueError(f"k and n must satisfy 0 <= k <= n and n >= 1; got k={k}, n={n}")
    pmf = binom.pmf(np.arange(n + 1), n, p0)
    d = binom.pmf(k, n, p0)
    if k == p0 * n:
        return 1.0
    return float(min(1.0, pmf[pmf <= d * (1 + 1e-7)].sum()))
