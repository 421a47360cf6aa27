"""A booklet row as printed to its numbers: glyph readings, the table's constraints, the cid map.

Every number cell is read as the integers its glyphs allow: a digit is itself; a glyph the
font left without a Unicode map (``(cid:25)``) is any digit, or the one digit the map learned
from other rows says. A row's reading must satisfy every rule the table carries: each
category within its range (A 0-25, B 0-35, C 0-40), A + B + C = total, the printed status in
the band of the total on the booklet's scale, and the trajectory arrow agreeing with the change
from the previous edition's total (on the old scale a higher score is a decline; no arrow, no
change). The categories' sum and status are checked by the report parser's solver
(:func:`~.solver.year_solutions`); the previous total and the arrow here.

A row is read when exactly one reading survives. When its cells are all plain digits and none
survives, the numbers are kept as printed and the broken rules are reported (a published table
can break its own rule); when a glyph is unknown and none or several survive, the row is
refused with its page and line. :func:`learn_cids` learns the map of unknown glyphs from the
rows whose constraints fix every digit, keeps only codes that every such row reads the same
way and that no other code claims, and applies it to the rest, where the result must pass the
rules again.

May import: errors, methodology, ingest.reports.fotn_booklet, solver, tokens.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from ...errors import ReportError
from .fotn_booklet import DECLINE, IMPROVEMENT, Cell, Layout, RawRow
from .solver import Constraints, Observation, StatusCell, year_solutions
from .tokens import Cell as NumCell

__all__ = ["Answer", "CidMap", "solve_row", "learn_cids", "readings", "ROWS"]

ROWS = ("access", "content", "rights", "total")
_DIGITS = tuple(range(10))


@dataclass
class CidMap:
    """Unknown glyph (font, code) -> digit, with where each was learned."""

    digits: dict = field(default_factory=dict)
    learned_at: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


@dataclass
class Answer:
    """One row's reading: values by field (``prev`` None for a new country), the status and
    how it was had, trajectories by field, inferences and broken rules (column, rule, found,
    expected)."""

    row: RawRow
    values: dict
    status: str | None
    trends: dict
    inferences: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    cid_digits: dict = field(default_factory=dict)


def readings(cell: Cell, cids: CidMap) -> tuple[list[int], bool]:
    """The integers a number cell can be and whether it was plain digits."""
    options = []
    for g in cell.glyphs:
        if g.isdigit():
            options.append((int(g),))
        else:
            known = cids.digits.get((cell.font, g))
            options.append((known,) if known is not None else _DIGITS)
    values = sorted({int("".join(map(str, p))) for p in itertools.product(*options)})
    return values, all(g.isdigit() for g in cell.glyphs)


def _trend(row: RawRow, name: str) -> str | None:
    cell = row.cells.get(f"{name}_trend")
    return cell.value if cell is not None else None


def _arrow_fits(total: int, prev: int | None, trend: str | None, orientation: str) -> bool:
    """Whether the arrow (None: none printed) says what the change from ``prev`` says."""
    if prev is None:
        return True
    change = total - prev if orientation == "higher-is-freer" else prev - total
    return trend == (DECLINE if change < 0 else IMPROVEMENT if change > 0 else None)


def _status_obs(row: RawRow, where: str):
    """The printed status as the solver's status observation (None: not printed)."""
    cell = row.cells.get("status")
    if cell is None:
        return None
    if cell.value is None:
        raise ReportError(f"{where}: status {cell.raw!r} is not Free, Partly Free or Not Free")
    codes, exact = cell.value
    return Observation((row.line,), cell.raw, "status", frozenset(), 0, "position", (),
                       status=(StatusCell(codes, exact, cell.raw),))


def _printed(row: RawRow, cons: Constraints, orientation: str, layout: Layout,
             trends: dict) -> Answer:
    """A row of plain digits that breaks a rule, kept as printed with the arrow checked (the
    frame's validation reports the sum, the ranges and the status)."""
    values = {r: int(row.cells[r].raw) for r in ROWS}
    prev = row.cells.get("prev")
    values["prev"] = int(prev.raw) if prev is not None and prev.kind == "num" else None
    status = row.cells["status"].value[0] if "status" in row.cells else None
    answer = Answer(row, values, next(iter(status)) if status and len(status) == 1 else None,
                    trends)
    if not _arrow_fits(values["total"], values["prev"], trends.get("total"), orientation):
        answer.failures.append(("total", "trajectory", trends.get("total") or "no arrow",
                                f"the change {values['prev']} -> {values['total']}"))
    return answer


def _candidates(row: RawRow, cids: CidMap, cons: Constraints):
    """Per number field its readings within the field's range, and whether plain digits."""
    out = {}
    for r in ROWS + ("prev",):
        cell = row.cells.get(r)
        if cell is None or cell.kind != "num":
            continue
        vals, clean = readings(cell, cids)
        top = cons.maxima.get(r, 100)
        out[r] = ([v for v in vals if 0 <= v <= top], clean)
    return out


def solve_row(row: RawRow, layout: Layout, cons: Constraints, orientation: str,
              cids: CidMap, source: str) -> Answer:
    """The one reading of ``row`` that satisfies every rule (see the module docstring)."""
    where = f"{source}: {row.where}"
    trends = {f: _trend(row, f) for f in ROWS if f"{f}_trend" in row.cells or any(
        x.name == f"{f}_trend" for x in layout.fields)}
    cand = _candidates(row, cids, cons)
    clean = all(c for _, c in cand.values())
    assign = {r: Observation((row.line,), row.cells[r].raw, r, frozenset({r}), 0, "position",
                             (NumCell(row.cells[r].raw, tuple(cand[r][0]) or None,
                                      cand[r][1]),)) for r in ROWS}
    if any(not cand[r][0] for r in ROWS):
        bad = next(r for r in ROWS if not cand[r][0])
        if clean:
            return _printed(row, cons, orientation, layout, trends)
        raise ReportError(f"{where}: {bad} {row.cells[bad].raw!r} has no reading within "
                          f"0-{cons.maxima[bad]}")
    sols = year_solutions(cons, assign, _status_obs(row, where), 0)
    prevs = cand["prev"][0] if "prev" in cand else [None]
    answers = {}
    if not isinstance(sols, tuple):
        for s in sols:
            for p in prevs:
                if _arrow_fits(s.values["total"], p, trends.get("total"), orientation):
                    key = tuple(s.values[r] for r in ROWS) + (p, s.status)
                    answers.setdefault(key, s)
    if len(answers) == 1:
        (key, _), = answers.items()
        values = dict(zip(ROWS + ("prev",), key[:-1]))
        answer = Answer(row, values, key[-1], trends)
        _record_glyphs(answer, cand)
        return answer
    if clean and not answers:
        return _printed(row, cons, orientation, layout, trends)
    if not answers:
        why = sols[1] if isinstance(sols, tuple) else (
            "no reading satisfies access + content + rights = total, the status band and the "
            "trajectory arrow")
        raise ReportError(f"{where}: an unknown glyph has no reading that passes the table's "
                          f"rules ({why}); the row is not read")
    shown = " | ".join("/".join(map(str, k[:3])) + f" = {k[3]} (previous {k[4]})"
                       for k in list(answers)[:6])
    raise ReportError(f"{where}: the row can be read in {len(answers)} ways that all pass "
                      f"the table's rules ({shown}); nothing decides between them, so it is "
                      "not read")


def _record_glyphs(answer: Answer, cand: dict) -> None:
    """The digit each unknown glyph of ``answer`` stands for (evidence for the cid map)."""
    for r, (vals, clean) in cand.items():
        cell = answer.row.cells[r]
        value = answer.values[r]
        if clean or value is None:
            continue
        digits = str(value).zfill(len(cell.glyphs))
        for g, d in zip(cell.glyphs, digits):
            if not g.isdigit():
                answer.cid_digits.setdefault((cell.font, g), set()).add(int(d))


def learn_cids(rows: list[RawRow], solve) -> CidMap:
    """The map of unknown glyphs that the rows' constraints fix: each code read as one digit
    by every row that fixes it, and no two codes of a font as one digit."""
    cids = CidMap()
    evidence: dict = {}
    for row in rows:
        if all(c.kind != "num" or all(g.isdigit() for g in c.glyphs)
               for c in row.cells.values()):
            continue
        try:
            answer = solve(row, CidMap())
        except ReportError:
            continue  # not fixed by its own row: the map may fix it later
        for key, digits in answer.cid_digits.items():
            evidence.setdefault(key, []).append((digits, row))
    claimed: dict = {}
    for key, seen in evidence.items():
        digits = set().union(*(d for d, _ in seen))
        if len(digits) > 1:
            cids.notes.append(f"glyph {key[1]} of font {key[0]} reads as {sorted(digits)} in "
                              "different rows: not learned")
            continue
        claimed.setdefault((key[0], next(iter(digits))), []).append(key)
        cids.learned_at[key] = seen[0][1]
    for (font, digit), keys in claimed.items():
        if len(keys) > 1:
            cids.notes.append(f"glyphs {', '.join(k[1] for k in keys)} of font {font} all read "
                              f"as {digit}: none learned")
            continue
        cids.digits[keys[0]] = digit
    return cids
