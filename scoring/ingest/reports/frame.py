"""The chosen reading to the score frame, with a repair recorded for every decision it rests on.

Given the header, the solver's :class:`~.solver.World` and the observations it chose among,
this writes the repairs (a label read by its maximum, a look-alike digit, a number recomputed
from the sum, a damaged status word, every line left out and why), the provenance of each
number, the header facts, and the frame in the form of :func:`scoring.read_scores`, validated.
"""

from __future__ import annotations

import pandas as pd

from ...errors import ValidationError
from ...methodology import STATUS_LABELS, Methodology
from ..validation import FAILURE_COLUMNS, validate
from .facts import read_facts
from .record import Header, Record
from .solver import Constraints, Observation, World, agrees, slot
from .tokens import STATUS_WORDS, edit_distance, words

__all__ = ["build_frame"]


def _equation(rows, vals: dict) -> str:
    return " + ".join(str(vals[c]) for c in rows[:-1]) + f" = {vals[rows[-1]]}"


def _recomputed(cons: Constraints, world: World, k: int, r: str, vals: dict, record: Record):
    year, assign, st = cons.years[k], world.assign, world.answer[k][1]
    ob = assign[r]
    cell = ob.cells[k] if ob is not None else None
    lines = sorted({n for q in cons.rows if q != r for n in assign[q].lines})
    record.provenance.setdefault(r, {})[year] = lines
    lost = ("no line gives it (lost, or its label unreadable)" if ob is None else
            f"its cell on line {ob.lines[-1]} is {cell.raw or 'blank'!r}")
    check = (f"; the status read ({st}) agrees with its band" if r == cons.rows[-1]
             else "; the total is read, not recomputed")
    record.repair(r, year, ob.lines[-1] if ob else None, cell.raw if cell else "", vals[r],
                  f"{lost}: recomputed from {_equation(cons.rows, vals)} (every other number "
                  f"of {year} is certain{check})")


def _cells(cons: Constraints, world: World, k: int, record: Record) -> dict:
    """Provenance and repairs of year ``k``'s numbers; returns them by row."""
    year = cons.years[k]
    vals = dict(zip(cons.rows, world.answer[k][0]))
    sol = world.per_year[k] if world.per_year else None
    eq = _equation(cons.rows, vals)
    for r in cons.rows:
        if sol is not None and sol.recomputed == r:
            _recomputed(cons, world, k, r, vals, record)
            continue
        ob = world.assign[r]
        cell = ob.cells[k]
        record.provenance.setdefault(r, {})[year] = list(ob.lines[-1:])
        if not cell.clean:
            readings = [v for v in cell.values if 0 <= v <= cons.maxima[r]]
            why = (f"OCR look-alikes give only {vals[r]}" if len(readings) == 1 else
                   f"it reads as any of {readings}; only {vals[r]} satisfies {eq} and "
                   "the status band")
            record.repair(r, year, ob.lines[-1], cell.raw, vals[r],
                          why + ("" if len(readings) > 1 else f"; {eq} holds"))
    return vals


def _status(header: Header, cons: Constraints, world: World, k: int, vals: dict,
            record: Record) -> None:
    """Provenance and repairs of year ``k``'s status."""
    year, st, sob = cons.years[k], world.answer[k][1], world.status_obs
    total = vals[cons.rows[-1]]
    cell = sob.status[k] if sob is not None else None
    band = cons.band(total)
    said = f"the {header.orientation} scale ({header.orientation_from})"
    if cell is None:
        record.provenance.setdefault("status", {})[year] = record.provenance[cons.rows[-1]][
            year] + ([header.note_line] if header.note_line else [])
        if st is not None:
            record.repair("status", year, sob.lines[0] if sob else None,
                          "" if sob is None else "unreadable", st,
                          f"status {'row lost' if sob is None else 'cell unreadable'}: the "
                          f"band of total {total} on {said}")
        return
    record.provenance.setdefault("status", {})[year] = [sob.lines[0]]
    if not cell.exact:
        word = STATUS_WORDS[st]
        how = (f"closest to {word!r} ({edit_distance(words(cell.raw), word)} edit(s))"
               if len(cell.codes) == 1
               else f"as close to {' / '.join(STATUS_WORDS[c] for c in sorted(cell.codes))}")
        record.repair("status", year, sob.lines[0], cell.raw, st,
                      f"{how}; the band of total {total} on the {header.orientation} scale "
                      f"is {STATUS_LABELS[band]}")


def _unlabelled(cons: Constraints, world: World, ob: Observation, record: Record) -> None:
    """A line with numbers but no label: a check on the row it stands in, or nothing."""
    rows, assign = cons.rows, world.assign
    shown = " / ".join(c.raw or "blank" for c in ob.cells)
    match = [r for i, r in enumerate(rows)
             if slot(rows, assign, i)[0] < ob.lines[0] < slot(rows, assign, i)[1]
             and agrees(ob.cells, world.answer, i)]
    if match:
        record.repair(match[0], None, ob.lines[0], ob.text,
                      f"the {match[0]} row's numbers: used only as a check",
                      "no readable label or maximum, so the line is not read as a "
                      f"row; its numbers ({shown}) equal those of the {match[0]} "
                      "row, where it stands")
    else:
        record.repair("table", None, ob.lines[0], ob.text, "not used",
                      "no readable label or maximum; its numbers match no row around it")


def _duplicate(cons: Constraints, world: World, ob: Observation, chosen: dict,
               record: Record) -> None:
    """A line naming a row that another line gives: its duplicate, or its OCR ghost."""
    rows = [r for r in cons.rows if r in ob.ids and r in chosen]
    if not rows:
        return
    same = [r for r in rows if all(
        c is None or c.values is None or v in c.values
        for c, v in zip(ob.cells, (a[0][cons.rows.index(r)] for a in world.answer)))]
    r = (same or rows)[0]
    read = " / ".join(c.raw or "blank" for c in ob.cells)
    if all(c.values is None for c in ob.cells):
        why = f"{ob.evidence}; it has no numbers: a repeated label, not a second row"
    elif same:
        why = (f"{ob.evidence}; its numbers ({read}) are those of line "
               f"{chosen[r].lines[-1]}: one row, not two")
    else:
        why = (f"{ob.evidence}; its numbers ({read}) differ from line "
               f"{chosen[r].lines[-1]}'s and no reading with them satisfies "
               f"{' + '.join(cons.rows[:-1])} = {cons.rows[-1]} and the status bands")
    record.repair(r, None, ob.lines[0], ob.text,
                  f"OCR duplicate of the {r} row (line {chosen[r].lines[-1]}): not used", why)


def _unused(cons: Constraints, world: World, obs: list[Observation],
            status: list[Observation], record: Record) -> None:
    """A repair for every line the world leaves out, saying why it is not a row."""
    assign, sob = world.assign, world.status_obs
    used = {n for ob in assign.values() if ob is not None for n in ob.lines}
    chosen = {r: ob for r, ob in assign.items() if ob is not None}
    for ob in obs:
        if used & set(ob.lines):
            continue
        if not ob.ids:
            if any(c.values is not None for c in ob.cells):
                _unlabelled(cons, world, ob, record)
            continue
        _duplicate(cons, world, ob, chosen, record)
    for s in status:
        if s is not sob:
            record.repair("status", None, s.lines[0], s.text,
                          f"duplicate of the status row (line {sob.lines[0]}): not used"
                          if sob else "not used",
                          "its statuses agree" if sob and all(
                              a is None or b is None or a.codes & b.codes
                              for a, b in zip(s.status, sob.status))
                          else "its statuses do not fit the bands of the totals")


def _table(header: Header, cons: Constraints, world: World, start: int, m: Methodology,
           source: str) -> pd.DataFrame:
    rows = []
    for year, (values, st) in zip(cons.years, world.answer):
        rows.append(dict(index=m.key, edition=year, iso3=header.iso3, country=header.country,
                         status=st, orientation=header.orientation,
                         **{r: float(v) for r, v in zip(cons.rows, values)},
                         source=source, source_row=start))
    frame = pd.DataFrame(rows)
    frame["edition"] = frame["edition"].astype("Int64")
    for c in ("iso3", "country", "status", "orientation", "source"):
        frame[c] = pd.array(frame[c].tolist(), dtype="str")
    return frame[["index", "edition", "iso3", "country", "status", "orientation",
                  cons.rows[-1], *cons.rows[:-1], "source", "source_row"]]


def build_frame(header: Header, cons: Constraints, world: World, obs: list[Observation],
                status: list[Observation], *, m: Methodology, record: Record,
                on_error: str) -> pd.DataFrame:
    """The frame of :func:`scoring.read_report` for ``world``, its repairs and attrs."""
    for r in cons.rows:
        ob = world.assign[r]
        if ob is not None and ob.cost > 0:
            record.repair(r, None, ob.lines[0], ob.label, m.component(r).label, ob.evidence)
    for k in range(len(cons.years)):
        vals = _cells(cons, world, k, record)
        _status(header, cons, world, k, vals, record)
    _unused(cons, world, obs, status, record)
    facts = read_facts(header, record)
    start = header.header_line or min(n for ob in obs + status for n in ob.lines)
    frame = _table(header, cons, world, start, m, record.source)
    frame.attrs["columns"] = header.labels
    failures = validate(frame, m)
    if not len(failures):
        failures = pd.DataFrame(columns=FAILURE_COLUMNS)
    record.note(f"{m.key.upper()} {header.edition} report, score table for "
                f"{', '.join(map(str, cons.years))}, read as {header.orientation} "
                f"({header.orientation_from})")
    frame.attrs.update(report_edition=header.edition, provenance=record.provenance,
                       repairs=record.repairs, facts=facts, notes=record.notes,
                       failures=failures, row_kind="line")
    if len(failures) and on_error == "raise":
        raise ValidationError(failures, record.source)
    flags = [";".join(dict.fromkeys(failures.loc[(failures["row"] == start)
                                                 & (failures["edition"] == y), "rule"]))
             for y in cons.years]
    frame["flags"] = pd.array(flags, dtype="str")
    return frame
