"""Which items the re-scoring model perturbs, edition by edition.

An edition's total splits into items: the question scores where a row has them all, else the
category scores (FIW: subcategories), else the total alone; FIW's adjustments are held fixed.
:func:`edition_arrays` turns one edition's canonical rows into the item arrays, ranges and
offsets that :func:`scoring.inference.rescoring.perturbed_change_distribution` takes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import MethodologyError, ScoringError
from ..methodology import Component, Methodology

__all__ = ["edition_arrays"]


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


def edition_arrays(side: pd.DataFrame, m: Methodology, edition: int, coarse: str = "split"):
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


