"""The layout of a Freedom on the Net country report: where its score table is and what it says.

The report opens with its title ("FREEDOM ON THE NET 2015"), the country's name, then a small
table: a header line of one or two years (the previous edition and this one), the status row
("Internet Freedom Status"), the three categories with their maxima ("Obstacles to Access
(0-25)") and the total, then a note giving the scale ("* 0=most free, 100=least free").
Header facts (population, penetration, ...) share the table's lines, to the right.

:func:`read_header` finds the title, the country, the table's region, its years and edition
and its scale; :func:`observations` says which lines may be which rows, for the solver. A
line is a row by its label or its maximum only: a line with neither only checks the rows
around it (by order alone the categories' numbers could be swapped, which keeps every sum).
"""

from __future__ import annotations

import itertools
import re

from ...errors import OrientationError
from ...methodology import Methodology
from ..countries import to_iso3
from ..limits import split_lines
from ..orientation import label_orientation
from .record import Header, Record
from .solver import Observation, StatusCell
from .tokens import (LOOKALIKES, MISSING, Cell, Line, cell, digit_readings, edit_distance,
                     parse_line, read_status, row_names, words)

__all__ = ["ROWS", "ROW_NAMES", "BY_MAXIMUM", "read_lines", "header_years", "identify",
           "read_header", "observations"]

#: The score rows of a FOTN report table, in the order the table prints them.
ROWS = ("access", "content", "rights", "total")
#: Each row's label (lowercase words), and the status row's.
ROW_NAMES = {
    "access": ("obstacles to access",),
    "content": ("limits on content",),
    "rights": ("violations of user rights",),
    "total": ("total", "total score"),
    "status": ("internet freedom status",),
}
#: The row a label's maximum ("(0-40)") names.
BY_MAXIMUM = {25: "access", 35: "content", 40: "rights", 100: "total"}
_MAXIMA = frozenset(BY_MAXIMUM)
# Form feed and vertical tab: whitespace within a line, never a line end.
_PAGE_MARKS = {0x0C: " ", 0x0B: " "}
# The first and last years a FOTN edition can have.
_YEARS = (2009, 2099)


def read_lines(text: str) -> list[Line]:
    """The text's lines, numbered from 1, cut into label and cells.

    Lines end at ``\\r\\n``, ``\\r`` or ``\\n`` (:func:`~scoring.ingest.limits.split_lines`,
    as for a CSV file); a form feed (``pdftotext``'s page mark) or vertical tab is a space in
    its line, so line numbers are those an editor shows.
    """
    return [parse_line(i, t.translate(_PAGE_MARKS), _MAXIMA)
            for i, t in enumerate(split_lines(text), 1)]


def _years_in(token: str) -> list[int]:
    read = digit_readings(token, (4, 4))
    return [y for y in read[0] if _YEARS[0] <= y <= _YEARS[1]] if read else []


def header_years(line: Line) -> list[tuple[str, list[int]]]:
    """The year tokens that open a line (within its first three cells), each with its
    readings; a token with fewer than two real digits is not a year."""
    out = []
    for tok in " ".join(line.cells[:3]).split():
        years = _years_in(tok)
        if not years or sum(c.isdigit() for c in tok) < 2:
            break
        out.append((tok, years))
    return out


def identify(line: Line) -> tuple[frozenset, int, str]:
    """Rows a line can be, from its label and its maximum, with a cost and the reason."""
    named, dist = row_names(line.name, ROW_NAMES)
    named = named - {"status"}
    by_max = BY_MAXIMUM.get(line.maximum)
    shown = f"{line.label!r}"
    if by_max and named == {by_max}:
        if dist == 0:
            return named, 0, f"label {shown}"
        return named, 1, (f"label {shown} is {dist} edit(s) from {ROW_NAMES[by_max][0]!r} and "
                          f"its maximum (0-{line.maximum}) is the {by_max} row's")
    if by_max and not named:
        return frozenset({by_max}), 1, (f"label {shown} is unreadable but its maximum "
                                        f"(0-{line.maximum}) is the {by_max} row's")
    if by_max:
        return named | {by_max}, 2, (f"label {shown} names {'/'.join(sorted(named))} but its "
                                     f"maximum (0-{line.maximum}) is the {by_max} row's")
    if named:
        return named, 0 if dist == 0 and len(named) == 1 else 1, (
            f"label {shown}" + (f" is {dist} edit(s) from the {'/'.join(sorted(named))} label"
                                if dist else ""))
    return frozenset(), 0, "no readable label or maximum"


# -- the header ---------------------------------------------------------------------------------
def _title(lines: list[Line]) -> tuple[Line | None, list[int], str]:
    """The title line, the years its last token can be, and that token."""
    for ln in lines[:12]:
        toks = ln.label.split()
        if toks and edit_distance(words(" ".join(toks[:-1])), "freedom on the net") <= 4:
            return ln, _years_in(toks[-1]), toks[-1]
    return None, [], ""


def _country(lines: list[Line], start: int, record: Record) -> tuple[Line, str, str]:
    """The first line after ``start`` that names a country, before the table begins."""
    tried = []
    for ln in lines[start:start + 12]:
        if not ln.label or header_years(ln) or ln.run:
            if header_years(ln) or ln.run:
                break
            continue
        name = ln.label.strip("*# ").strip()
        code = to_iso3(name)
        if code:
            record.provenance["country"] = [ln.no]
            return ln, code, name
        tried.append(f"line {ln.no} {name!r}")
        if row_names(ln.name, ROW_NAMES)[0]:
            break
    record.fail("no country name before the score table" + (
        f" ({'; '.join(tried)}: not a country name the alias table or ISO 3166 knows)"
        if tried else ""))


def _table(lines: list[Line], after: int, record: Record):
    """The table's region (up to the next heading), its header line with its year tokens (or
    None), and how many value columns it has."""
    region = []
    for ln in lines[after:after + 40]:
        if ln.text.lstrip().startswith("#") and region:
            break
        region.append(ln)
    headers = [(ln, ys) for ln, ys in ((ln, header_years(ln)) for ln in region) if ys]
    header = headers[0] if headers else None
    for ln, ys in headers[1:]:
        if [t for t, _ in ys] != [t for t, _ in header[1]]:
            record.fail(f"two header lines disagree on the years: line {header[0].no} "
                        f"{header[0].text.strip()!r}, line {ln.no} {ln.text.strip()!r}")
        record.repair("years", None, ln.no, ln.text.strip(), f"duplicate of line "
                      f"{header[0].no}", "the same header years; one header")
    if header:
        n = len(header[1])
    else:
        counts = [len([t for t in ln.run if t]) for ln in region]
        n = min(max(counts, default=0), 2)
    if n not in (1, 2):
        record.fail(f"line {header[0].no}: the header names {n} years; a report's table "
                    "has one or two" if header else f"no score table found after line "
                    f"{after} (no header years and no row of numbers)")
    return tuple(region), header, n


def _header_line_years(header, title_line, title_years, title_raw, previous, record):
    """The one reading of the header's years as consecutive editions ending in the title's."""
    hl, ys = header
    title = set(title_years)
    combos = []
    for pick in itertools.product(*(y for _, y in ys)):
        last = pick[-1]
        if (len(pick) == 2 and pick[0] != previous(last)) or (title and last not in title):
            continue
        combos.append(pick)
    if len(combos) != 1:
        record.fail(f"line {hl.no}: header years {' '.join(t for t, _ in ys)!r} "
                    + ("do not match the title's edition" if not combos else
                       "can be read in several ways") + (f" ({title_raw!r}, line "
                                                        f"{title_line.no})" if title else ""))
    raw = [t for t, _ in ys]
    if any(not t.isdigit() for t in raw):
        record.repair("years", None, hl.no, " ".join(raw), " ".join(map(str, combos[0])),
                      "the only reading of the header as consecutive editions"
                      + (" ending in the title's edition" if title else ""))
    record.provenance["years"] = [hl.no]
    return combos[0]


def _years(title, header, n: int, m: Methodology, record: Record):
    """The table's years and the report's edition, from the header line and the title."""
    title_line, title_years, title_raw = title
    editions = sorted(m.editions)

    def previous(y):
        known = [e for e in editions if e < y]
        return known[-1] if y in editions and known else y - 1

    if header:
        years = _header_line_years(header, title_line, title_years, title_raw, previous, record)
    else:
        if len(set(title_years)) != 1:
            record.fail("the header years are lost and the title gives no single edition: the "
                        "years of the table are unknown")
        last = title_years[0]
        years = (previous(last), last) if n == 2 else (last,)
        record.repair("years", None, None, "", " ".join(map(str, years)),
                      f"header line lost: the title's edition {last} and {n} value "
                      "column(s) fix the years")
        record.provenance["years"] = [title_line.no]
    edition = years[-1]
    if title_line is not None:
        if title_years and len(title_years) == 1 and not title_raw.isdigit():
            record.repair("edition", None, title_line.no, title_raw, edition,
                          "the title's year read through OCR look-alikes")
        elif len(title_years) > 1:
            record.repair("edition", None, title_line.no, title_raw, edition,
                          "the only reading of the title's year that matches the header years")
    record.provenance["edition"] = ([title_line.no] if title_line is not None and title_years
                                    else []) + record.provenance["years"]
    return tuple(years), edition


def _scale(region, edition: int, m: Methodology, record: Record):
    """The orientation, why, the scale note's line and whether the edition's was assumed."""
    found = []
    for ln in region:
        text = re.sub(r"(?<![A-Za-z0-9])([0-9OoIl|]{1,3})(?=\s*=)",
                      lambda mo: "".join(LOOKALIKES.get(c, c)[0] for c in mo.group(1)),
                      ln.text)
        o, label = label_orientation([text])
        if o is not None:
            found.append((ln, o, label, text != ln.text))
    if len({o for _, o, _, _ in found}) > 1:
        raise OrientationError(f"{record.source}: scale notes disagree: " + "; ".join(
            f"line {ln.no} {label!r} ({o})" for ln, o, label, _ in found))
    if found:
        ln, o, label, fixed = found[0]
        record.provenance["orientation"] = [ln.no]
        if fixed:
            record.repair("orientation", None, ln.no, ln.text.strip(), label,
                          "digits of the scale note read through OCR look-alikes")
        return o, f"the scale note {label!r} (line {ln.no})", ln.no, False
    published = m.published_orientation(edition)
    if published is None:
        record.fail("no scale note ('0=most free' / '100=most free') and the methodology "
                    f"records no published scale for edition {edition}")
    said = (f"no scale note found: the scale FOTN {edition} was published on "
            f"({published.note})")
    record.provenance["orientation"] = []
    record.note(f"{said}; statuses are checked against it")
    return published.orientation, said, None, True


def read_header(lines: list[Line], m: Methodology, record: Record) -> Header:
    """Title, country, the table's region and years, the edition and the scale.

    Raises :class:`ReportError` (through ``record``) when the country, the years or the scale
    cannot be read, :class:`OrientationError` when two scale notes disagree.
    """
    title = _title(lines)
    country_line, iso3, country = _country(lines, title[0].no if title[0] else 0, record)
    region, header, n = _table(lines, country_line.no, record)
    years, edition = _years(title, header, n, m, record)
    orientation, said, note_line, assumed = _scale(region, edition, m, record)
    labels = {r: f"{m.component(r).label if r != 'total' else 'TOTAL'} (0-{m.component(r).max})"
              for r in ROWS} | {"status": "Internet Freedom Status"}
    return Header(iso3, country, country_line.no, header[0].no if header else None, region, n,
                  years, edition, orientation, said, note_line, assumed, labels)


# -- the observations ---------------------------------------------------------------------------
def _status_row(ln: Line, names: frozenset, cells: list[str], reads: list, n: int,
                record: Record) -> Observation | None:
    """The status observation of a line, or None for a bare line of "Free" words."""
    # The status cells are read here; what follows them is left to the header facts.
    ln.rest = ln.cells[1 + n:]
    if not ln.name and all(edit_distance(words(c), "free") <= 1 for c in cells):
        # Every status ends in "Free": a bare line of them is the wrapped tail of the status
        # cells (or their OCR ghost) and says nothing.
        record.repair("status", None, ln.no, "\t".join(cells),
                      "OCR ghost of the status row: not read",
                      "an unlabelled line of bare 'Free' words carries no status "
                      "(all three statuses end in 'Free')")
        return None
    return Observation((ln.no,), ln.text.strip(), ln.label, frozenset({"status"}),
                       0 if names and ln.name == ROW_NAMES["status"][0] else 1,
                       "label" if names else "status words with no label", (),
                       tuple(None if r is None else StatusCell(r[0], r[1], c)
                             for r, c in zip(reads, cells)))


def _score_row(ln: Line, n: int, record: Record) -> Observation | None:
    """The observation of a line that may be a score row, or None when it cannot be one."""
    values = [t for t in ln.run[n:] if t and t.lower() not in MISSING]
    slots = (ln.run + [""] * n)[:n]
    cells = tuple(cell(t) for t in slots)
    has_values = any(c.values is not None for c in cells)
    if values:
        # More numbers than years: a cell moved and the columns cannot be trusted.
        record.note(f"line {ln.no}: more numbers than years ({' '.join(ln.run)}); its numbers "
                    "are not used")
        cells = tuple(Cell(t, None, False) for t in slots)
        has_values = False
    ids, cost, why = identify(ln)
    if not ids and not has_values:
        if any(t.lower() in MISSING for t in ln.run):
            stray = " ".join(t for t in ln.run if t)
            record.note(f"line {ln.no}: a stray {stray!r} with no label: ignored")
        return None
    return Observation((ln.no,), ln.text.strip(), ln.label, ids, cost, why, cells,
                       bare=not any(t and t.lower() not in MISSING for t in ln.run))


def _next_text_line(lines: list[Line], no: int) -> int | None:
    for ln in lines[no:]:
        if ln.text.strip():
            return ln.no
    return None


def observations(lines: list[Line], header: Header,
                 record: Record) -> tuple[list[Observation], list[Observation]]:
    """The lines of the table that may be score rows, and those that may be the status row.

    A label with no numbers followed by numbers with no label is a split row, or a row that
    lost its numbers next to one that lost its label: both readings are given (the label's
    observation carries the joined one as ``split``) and the constraints choose.
    """
    n, obs, status = header.columns, [], []
    for ln in header.region:
        if ln.no == header.header_line or ln.no == header.note_line or not ln.text.strip():
            continue
        cells = ln.cells[1:1 + n] + [""] * (n - len(ln.cells[1:1 + n]))
        names, _ = row_names(ln.name, ROW_NAMES)
        reads = [read_status(c) for c in cells]
        if "status" in names and ln.maximum is None or (
                not ln.name and not ln.run and all(reads)):
            found = _status_row(ln, names, cells, reads, n, record)
            if found is not None:
                status.append(found)
            continue
        found = _score_row(ln, n, record)
        if found is not None:
            obs.append(found)
    for a, b in zip(obs, obs[1:]):
        if (a.ids and a.bare and not b.ids and not b.label
                and _next_text_line(lines, a.lines[0]) == b.lines[0]):
            a.split = Observation(a.lines + b.lines, f"{a.text} / {b.text}", a.label, a.ids,
                                  a.cost + 1, a.evidence + f"; its numbers are on the next "
                                  f"line ({b.lines[0]})", b.cells)
            obs.append(a.split)
    obs.sort(key=lambda o: o.lines)
    return obs, status
