"""The constraint solver: which lines are which rows, and which readings of their cells hold.

Input: :class:`Observation` s (a line or two that may be a table row: the rows its label or
maximum allows, and its cells' readings), status observations, and the :class:`Constraints`
that OCR cannot damage all at once: the rows' order, their maxima, the last row (the total)
equal to the sum of the others, and the status in the band of the total.

An *assignment* gives each row one line naming it, or none (lost), in line order, and must
explain every line it leaves out (:func:`assignments`). A *world* is an assignment, a status
line and a reading of every cell that satisfies the constraints. :func:`decide` keeps the
cheapest world per answer and returns the answer only when it is the only one; otherwise the
:class:`Outcome` says why there is none.

Knows no layout and no file: rows are names, lines are numbers.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Callable, NamedTuple

from .tokens import Cell

__all__ = ["Observation", "StatusCell", "Constraints", "Solution", "World", "Outcome",
           "year_solutions", "assignments", "slot", "agrees", "solve", "decide", "show"]

# More value combinations than this cannot be decided by one sum per year: refuse.
_MAX_COMBINATIONS = 20000


class StatusCell(NamedTuple):
    """One year's status cell: the codes it can be, whether it was exact, and its text."""

    codes: frozenset
    exact: bool
    raw: str


@dataclass
class Observation:
    """One way to read a table row from the text: its lines, possible rows and cells."""

    lines: tuple[int, ...]
    text: str
    label: str
    ids: frozenset  # the rows it may be
    cost: int  # 0: its label says so exactly; more: the evidence is weaker
    evidence: str
    cells: tuple[Cell | None, ...]
    status: tuple = ()  # status rows: per year a StatusCell, or None (unreadable)
    split: "Observation | None" = None  # a label-only line joined with the next line's numbers
    bare: bool = False  # no number-like token at all (a label-only line, not unreadable numbers)


@dataclass(frozen=True)
class Constraints:
    """What every reading must satisfy.

    ``rows`` in printed order, the last the sum of the others; ``maxima`` row -> the top of its
    range (the bottom is 0); ``years`` the value columns; ``band(total)`` the status code of a
    total on the report's scale.
    """

    rows: tuple[str, ...]
    maxima: dict
    years: tuple[int, ...]
    band: Callable[[int], str]

    @classmethod
    def of(cls, m, rows: tuple[str, ...], years: tuple[int, ...],
           orientation: str) -> Constraints:
        """The constraints for ``rows`` of the methodology ``m`` on ``orientation``'s scale."""
        return cls(rows, {r: m.component(r).max for r in rows}, years,
                   lambda total: m.status_for(total, orientation))


@dataclass
class Solution:
    """One year's numbers under one assignment, with the status band of its total."""

    values: dict
    status: str
    recomputed: str | None  # the row computed from the sum, if any
    cost: int


class World(NamedTuple):
    """A consistent reading: per year (row values in row order, status); its cost; the lines
    chosen; the status line (or None); per year the :class:`Solution` (None: as published)."""

    answer: tuple
    cost: int
    assign: dict
    status_obs: Observation | None
    per_year: tuple | None


@dataclass(frozen=True)
class Outcome:
    """What :func:`decide` concluded.

    ``kind``: ``"unique"`` (``world`` holds the answer), ``"undecided"`` (some assignment
    cannot be checked: two numbers of a year lost, too many readings), ``"several"`` (different answers satisfy every constraint),
    ``"contested"`` (lines compete and nothing decides) or ``"none"`` (nothing fits);
    ``reason`` says why there is no answer ("" when there is one).
    """

    kind: str
    world: World | None
    reason: str


def show(cons: Constraints, answer) -> str:
    """An answer as "2014: 15/23/22 = 60 PF, ...", for messages."""
    return ", ".join(f"{y}: {'/'.join(map(str, v[:-1]))} = {v[-1]} {s}"
                     for y, (v, s) in zip(cons.years, answer))


def _lost_row(cons: Constraints, cands: dict, lost: str, year: int, st):
    """The one value the sum gives a lost row, or ("invalid"|"ambiguous", reason)."""
    total, categories = cons.rows[-1], cons.rows[:-1]
    needed = [r for r in cons.rows if r != lost]
    if any(len(cands[r]) > 1 for r in needed):
        return "ambiguous", (f"{year}: {lost} is lost and another number of {year} is "
                             "uncertain: nothing to recompute it from")
    if lost == total and st is None:
        return "ambiguous", (f"{year}: the total is lost and the status is unreadable: a "
                             "recomputed total could not be checked")
    fixed = {r: cands[r][0] for r in needed}
    if lost == total:
        value = sum(fixed[c] for c in categories)
    else:
        value = fixed[total] - sum(fixed[c] for c in categories if c != lost)
    if not 0 <= value <= cons.maxima[lost]:
        return "invalid", f"{year}: recomputed {lost} {value} is outside 0-{cons.maxima[lost]}"
    return value


def year_solutions(cons: Constraints, assign: dict, status_obs: Observation | None, k: int):
    """Solutions for year ``k`` under one assignment, or ("invalid"|"ambiguous", reason)."""
    year = cons.years[k]
    total, categories = cons.rows[-1], cons.rows[:-1]
    cands, unknown, cost = {}, [], 0
    for r in cons.rows:
        ob = assign[r]
        cell = ob.cells[k] if ob is not None else None
        if cell is None or cell.values is None:
            unknown.append(r)
            continue
        vals = [v for v in cell.values if 0 <= v <= cons.maxima[r]]
        if not vals:
            return "invalid", f"{r} {year} {cell.raw!r} is outside 0-{cons.maxima[r]}"
        cands[r] = vals
        cost += 0 if cell.clean else 1
    st = status_obs.status[k] if status_obs is not None else None
    if len(unknown) > 1:
        return "ambiguous", (f"{year}: {' and '.join(unknown)} are lost or unreadable; one sum "
                             "cannot give two numbers")
    if unknown:
        value = _lost_row(cons, cands, unknown[0], year, st)
        if isinstance(value, tuple):
            return value
        cands[unknown[0]] = [value]
        cost += 3
    n = math.prod(len(cands[r]) for r in cons.rows)
    if n > _MAX_COMBINATIONS:
        return "ambiguous", f"{year}: {n} possible readings of the row numbers"
    out = []
    recomputed = unknown[0] if unknown else None
    for combo in itertools.product(*(cands[r] for r in cons.rows)):
        values = dict(zip(cons.rows, combo))
        if sum(values[c] for c in categories) != values[total]:
            continue
        band = cons.band(values[total])
        if st is None:
            out.append(Solution(values, band, recomputed, cost + 2))
        elif band in st.codes:
            out.append(Solution(values, band, recomputed, cost + (0 if st.exact else 1)))
    if not out:
        return "invalid", f"{year}: no reading satisfies the sum and the status band"
    return out


def slot(rows: tuple[str, ...], assign: dict, i: int) -> tuple[int, int]:
    """Lines between which row ``i`` must sit, given the rows read around it."""
    before = [assign[q].lines[-1] for q in rows[:i] if assign.get(q) is not None]
    after = [assign[q].lines[0] for q in rows[i + 1:] if assign.get(q) is not None]
    return max(before, default=0), min(after, default=10 ** 9)


def _admissible(rows: tuple[str, ...], assign: dict, obs: list[Observation]) -> bool:
    """The rules that tie an assignment to every line that names a row.

    1. A line left out must be able to be a duplicate of a row that is read.
    2. A row is lost (no line, or no number in a year) only if no line left out that names it
       could stand in its place and give the number, and a label-only line is not read alone
       while the numbers split from it are left out.
    """
    used = {n for ob in assign.values() if ob is not None for n in ob.lines}
    present = {r for r, ob in assign.items() if ob is not None}
    free = [ob for ob in obs if ob.ids and not used & set(ob.lines)]
    if any(not ob.ids & present for ob in free):
        return False
    for i, r in enumerate(rows):
        low, high = slot(rows, assign, i)
        fits = [ob for ob in free if r in ob.ids and low < ob.lines[0] and ob.lines[-1] < high]
        chosen = assign[r]
        if chosen is None and fits:
            return False
        if chosen is not None:
            # A label with no numbers is not read as a lost row while the numbers right under
            # it are left out: that is a split row.
            if chosen.split is not None and not used & set(chosen.split.lines[1:]):
                return False
            for k, cell in enumerate(chosen.cells):
                if cell.values is None and any(ob.cells[k].values is not None for ob in fits):
                    return False
    return True


def assignments(rows: tuple[str, ...], obs: list[Observation]):
    """Row -> a line naming it (or None: lost), in line order, under the rules of
    :func:`_admissible`; dicts keyed in row order."""
    def rec(i, prev, used, assign):
        if i == len(rows):
            if _admissible(rows, assign, obs):
                yield dict(assign)
            return
        r = rows[i]
        for ob in obs:
            if r in ob.ids and ob.lines[0] > prev and not used & set(ob.lines):
                assign[r] = ob
                yield from rec(i + 1, ob.lines[-1], used | set(ob.lines), assign)
        assign[r] = None
        yield from rec(i + 1, prev, used, assign)
        del assign[r]

    yield from rec(0, 0, set(), {})


def _key(assign: dict) -> tuple:
    return tuple(None if ob is None else id(ob) for ob in assign.values())


def agrees(cells, answer, i) -> bool:
    """Whether ``cells`` can be read as row ``i`` of ``answer`` in every year they have."""
    return all(c is None or c.values is None or answer[k][0][i] in c.values
               for k, c in enumerate(cells))


class _Search:
    """The worlds of one table: every assignment, evaluated once per status line."""

    def __init__(self, cons: Constraints, obs: list[Observation], status: list[Observation]):
        self.cons, self.obs, self.status = cons, obs, status
        self.assigns = {_key(a): a for a in assignments(cons.rows, obs)}
        self.cache: dict = {}
        sobs = status or [None]
        # (line, row) pairs some reading that is not invalid uses: a left-out line that could
        # have been that row competes with the one read.
        self.usable = {(id(a[r]), r) for a in self.assigns.values() for r in cons.rows
                       if a[r] is not None
                       and any(self.evaluate(a, sob)[0] != "invalid" for sob in sobs)}

    def evaluate(self, assign: dict, sob: Observation | None):
        """("valid", per year solutions) | ("ambiguous", reasons) | ("invalid", reason)."""
        key = (_key(assign), id(sob))
        if key not in self.cache:
            self.cache[key] = self._evaluate(assign, sob)
        return self.cache[key]

    def _evaluate(self, assign, sob):
        per_year, unsure = [], []
        joined = [ob for ob in assign.values() if ob is not None and len(ob.lines) > 1]
        lost = [r for r in self.cons.rows if assign[r] is None]
        if joined and lost:
            # The numbers under a label-only line may be its row's (a split row) or those of
            # the lost row whose label vanished: the two readings swap numbers between rows
            # and keep every sum, so nothing can decide.
            return ("ambiguous", [
                f"the numbers on line {joined[0].lines[-1]} may belong to the label on line "
                f"{joined[0].lines[0]} or to the lost {lost[0]} row"])
        for k in range(len(self.cons.years)):
            res = year_solutions(self.cons, assign, sob, k)
            if isinstance(res, tuple) and res[0] == "invalid":
                return ("invalid", res[1])
            (unsure.append(res[1]) if isinstance(res, tuple) else per_year.append(res))
        return ("ambiguous", unsure) if unsure else ("valid", per_year)

    def unexplained(self, assign: dict, sob: Observation | None, answer) -> str:
        """Why a world cannot stand (a line it leaves out that it cannot explain), or ""."""
        rows = self.cons.rows
        used = {n for ob in assign.values() if ob is not None for n in ob.lines}
        for ob in self.obs:
            if used & set(ob.lines):
                continue
            if not ob.ids:
                if all(c.values is None for c in ob.cells):
                    continue
                if not any(lo < ob.lines[0] and ob.lines[-1] < hi and agrees(ob.cells, answer, i)
                           for i in range(len(rows))
                           for lo, hi in [slot(rows, assign, i)]):
                    return (f"line {ob.lines[0]} has numbers but no readable label, and they "
                            "match none of the rows around it")
                continue
            for i, r in enumerate(rows):
                if (r in ob.ids and assign[r] is not None and not agrees(ob.cells, answer, i)
                        and (id(ob), r) in self.usable):
                    pair = sorted((assign[r].lines[-1], ob.lines[-1]))
                    return (f"lines {pair[0]} and {pair[1]} give {r} different numbers and "
                            "nothing decides between them")
        return self._other_status(assign, sob, answer)

    def _other_status(self, assign, sob, answer) -> str:
        for alt in self.status:
            if alt is sob:
                continue
            differs = any(c is not None and answer[k][1] not in c.codes
                          for k, c in enumerate(alt.status))
            if differs and self.evaluate(assign, alt)[0] != "invalid":
                pair = sorted((sob.lines[0], alt.lines[0]))
                return (f"lines {pair[0]} and {pair[1]} give different statuses and nothing "
                        "decides between them")
        return ""

    def worlds(self):
        """See :func:`solve`."""
        worlds, ambiguous, contested = [], [], []
        rows = self.cons.rows
        for assign in self.assigns.values():
            for sob in self.status or [None]:
                kind, res = self.evaluate(assign, sob)
                if kind == "invalid":
                    continue
                if kind == "ambiguous":
                    ambiguous.extend(res)
                    continue
                # Label evidence weighs more than a look-alike digit: the sum checks the digits.
                base = 2 * sum(ob.cost for ob in assign.values() if ob is not None) + (
                    sob.cost if sob is not None else 0)
                for combo in itertools.product(*res):
                    answer = tuple((tuple(s.values[r] for r in rows), s.status) for s in combo)
                    why = self.unexplained(assign, sob, answer)
                    if why:
                        contested.append((answer, why))
                        continue
                    worlds.append(World(answer, base + sum(s.cost for s in combo), assign, sob,
                                        combo))
        return worlds, ambiguous, contested


def solve(cons: Constraints, obs: list[Observation], status: list[Observation]):
    """Every consistent :class:`World`; the reasons of worlds that could not be decided; and
    the worlds set aside as contested, as (answer, reason).

    A world is contested, and set aside, when it leaves out a line it cannot explain: a line
    naming a row whose numbers differ from the world's while some consistent reading uses that
    line for that row (the two lines compete and nothing decides), or a line with no readable
    label whose numbers match none of the rows it stands between.
    """
    return _Search(cons, obs, status).worlds()


def decide(cons: Constraints, obs: list[Observation], status: list[Observation]) -> Outcome:
    """The one answer every consistent world gives (its cheapest world), or why there is none.

    Examples
    --------
    >>> from scoring.ingest.reports.tokens import cell
    >>> rows = ("a", "b", "total")
    >>> cons = Constraints(rows, {"a": 5, "b": 5, "total": 10}, (2020,), lambda t: "F")
    >>> obs = [Observation((i,), "", r, frozenset({r}), 0, "label", (cell(v),))
    ...        for i, (r, v) in enumerate(zip(rows, ["2", "B", "5"]), 1)]
    >>> outcome = decide(cons, obs, [])
    >>> outcome.kind, outcome.world.answer
    ('unique', (((2, 3, 5), 'F'),))
    """
    worlds, unsure, contested = solve(cons, obs, status)
    if unsure:
        return Outcome("undecided", None, "the score table cannot be read unambiguously: "
                       + "; ".join(dict.fromkeys(unsure)))
    best: dict = {}
    for w in worlds:
        if w.answer not in best or w.cost < best[w.answer].cost:
            best[w.answer] = w
    if len(best) > 1:
        return Outcome("several", None, "the score table can be read in several ways that all "
                       "satisfy the sums and status bands: "
                       + " | ".join(show(cons, a) for a in best))
    if not best and contested:
        return Outcome("contested", None, "the score table can be read in several ways: "
                       + "; ".join(dict.fromkeys(why for _, why in contested)) + " ("
                       + " | ".join(dict.fromkeys(show(cons, a) for a, _ in contested)) + ")")
    if not best:
        return Outcome("none", None, "no reading of the score table satisfies "
                       + " + ".join(cons.rows[:-1]) + f" = {cons.rows[-1]} and the status bands")
    return Outcome("unique", next(iter(best.values())), "")

