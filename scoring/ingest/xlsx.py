"""xlsx workbooks to raw tables (one per sheet), within the limits of :mod:`.limits`.

An xlsx file is a zip of XML parts; a part of a few kilobytes can inflate to gigabytes. Before
openpyxl sees the workbook, every part's declared size is checked against
:data:`~.limits.MAX_XLSX_MEMBER` and their sum against :data:`~.limits.MAX_XLSX_TOTAL`, and
then every part is decompressed once as a stream, counting, since a declared size can lie.
Sheets are read row by row (openpyxl's read-only mode), counting cells
(:data:`~.limits.MAX_CELLS`) and columns (:data:`~.limits.MAX_COLUMNS`) as they come; a
sheet whose XML is damaged, truncated or trips the XML parser's own limits is a
:class:`~scoring.errors.ReadError` naming the sheet. Formulas are looked for only in the rows
read, in a stream of the sheet's XML.

May import: errors, ingest.raw_table, ingest.limits.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import ReadError
from .limits import MAX_CELLS, MAX_COLUMNS, MAX_XLSX_MEMBER, MAX_XLSX_TOTAL
from .raw_table import HEAD_ROWS, RawTable, drop_empty, grid_frame

__all__ = ["xlsx_tables", "check_parts"]

_CHUNK = 2 ** 20


def xlsx_tables(path: Path, sheet: str | None) -> list[RawTable]:
    """Every sheet of the workbook as a raw table (only ``sheet`` when given)."""
    import openpyxl

    check_parts(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise ReadError(f"{path.name}: not a readable xlsx workbook: {exc}") from None
    try:
        names = wb.sheetnames
        if sheet is not None and sheet not in names:
            raise ValueError(f"sheet must be one of {', '.join(map(repr, names))}; "
                             f"got {sheet!r}")
        grids, counted = {}, [0]
        hidden = {name: wb[name].sheet_state for name in names
                  if getattr(wb[name], "sheet_state", "visible") != "visible"}
        for name in names:
            grids[name] = _grid_of(path, wb[name], name, counted)
    finally:
        wb.close()
    formulas, hidden_rows = _formulas(path, {name: len(g) for name, g in grids.items()})
    strings = {name: [str(v) for row in g for v in row if isinstance(v, str)]
               for name, g in grids.items()}
    tables = []
    for name, grid in grids.items():
        if sheet is not None and name != sheet:
            continue
        notes = [f"{path.name}: xlsx, sheet {name!r}"] + _hidden_notes(
            f"{path.name} [sheet {name}]", hidden.get(name), hidden_rows.get(name, []))
        found = formulas.get(name, {})
        if found:
            n = sum(len(v) for v in found.values())
            first_row = min(found)
            col, text = next(iter(found[first_row].items()))
            notes.append(f"{path.name} [sheet {name}]: {n} cells hold formulas (first: "
                         f"{_col_letter(col)}{first_row} ={text}); the values read are the ones "
                         "the workbook cached when it was last saved")

        def loader(at: int, grid=grid):
            rows = grid[at + 1:]
            return drop_empty(grid_frame(rows, path.name),
                              np.arange(at + 2, at + 2 + len(rows)))

        tables.append(RawTable(f"{path.name} [sheet {name}]", "row", grid[:HEAD_ROWS],
                               list(range(1, min(len(grid), HEAD_ROWS) + 1)), loader,
                               texts=_OtherSheets(strings, name), notes=notes, formulas=found))
    return tables


def _hidden_notes(where: str, state: str | None, rows: list[int]) -> list[str]:
    """What the workbook hides but the reader reads: said, never chosen silently."""
    notes = []
    if state:
        notes.append(f"{where}: the sheet is {state.replace('veryH', 'very h')} in the workbook "
                     "and was read (give --sheet to read another)")
    if rows:
        shown = ", ".join(map(str, rows[:5])) + (", ..." if len(rows) > 5 else "")
        notes.append(f"{where}: {len(rows)} row{'s' if len(rows) != 1 else ''} hidden in the "
                     f"workbook {'were' if len(rows) != 1 else 'was'} read as data (row "
                     f"{shown}); a hidden row is still a row of the file")
    return notes


def check_parts(path: Path) -> None:
    """Refuse a workbook whose parts inflate past the limits: declared sizes first, then
    counted while decompressing each part as a stream (bounded memory)."""
    where = path.name
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            for info in infos:
                MAX_XLSX_MEMBER.check(info.file_size, f"{where} [part {info.filename}]")
            MAX_XLSX_TOTAL.check(sum(i.file_size for i in infos), where)
            member, total = MAX_XLSX_MEMBER.value(), MAX_XLSX_TOTAL.value()
            seen = 0
            for info in infos:
                size = 0
                with zf.open(info) as fh:
                    while chunk := fh.read(_CHUNK):
                        size += len(chunk)
                        seen += len(chunk)
                        if size > member:
                            MAX_XLSX_MEMBER.check(size, f"{where} [part {info.filename}]",
                                                  more=True)
                        if seen > total:
                            MAX_XLSX_TOTAL.check(seen, where, more=True)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
            EOFError) as exc:
        raise ReadError(f"{where}: not a readable xlsx workbook: {exc}") from None


def _grid_of(path: Path, ws, name: str, counted: list[int]) -> list[list]:
    """A sheet's rows as lists of cells (blank text as None, trailing blanks cut), counting
    columns and cells (``counted[0]``: the workbook's so far) against the limits."""
    where = f"{path.name} [sheet {name}]"
    cells_max, columns_max = MAX_CELLS.value(), MAX_COLUMNS.value()
    grid = []
    try:
        for row in ws.iter_rows(values_only=True):
            if len(row) > columns_max:
                MAX_COLUMNS.check(len(row), f"{where} row {len(grid) + 1}")
            counted[0] += max(len(row), 1)
            if counted[0] > cells_max:
                MAX_CELLS.check(counted[0], path.name, more=True)
            cells = [None if (isinstance(v, str) and not v.strip()) else v for v in row]
            while cells and cells[-1] is None:
                cells.pop()
            grid.append(cells)
    except ReadError:
        raise
    except Exception as exc:  # the sheet's XML is parsed lazily, here: damage surfaces here
        raise ReadError(f"{where}: damaged sheet, not read past row {len(grid)}: "
                        f"{type(exc).__name__}: {exc}") from None
    return grid


class _OtherSheets(Sequence):
    """The text cells of every sheet but one (where a scale label may stand), made when asked
    for: a workbook of many sheets does not copy every sheet's text once per sheet."""

    def __init__(self, strings: dict[str, list[str]], own: str):
        self._strings, self._own = strings, own

    def _all(self) -> list[str]:
        return [s for name, got in self._strings.items() if name != self._own for s in got]

    def __getitem__(self, i):
        return self._all()[i]

    def __len__(self) -> int:
        return sum(len(got) for name, got in self._strings.items() if name != self._own)

    def __iter__(self):
        return iter(self._all())

    def __add__(self, other) -> list[str]:
        return self._all() + list(other)


_CELL_FORMULA = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?<!/)>\s*<f(?:\s[^>]*)?>([^<]*)</f>')
_ROW_START = re.compile(rb'<row [^>]*?r="(\d+)"')
_HIDDEN_ROW = re.compile(rb'<row\s(?=[^>]*\shidden="(?:1|true)")[^>]*?\br="(\d+)"')


def _formulas(path: Path, rows_read: dict[str, int]) -> tuple[dict, dict[str, list[int]]]:
    """Cells holding formulas, per sheet name: {row: {column index: formula}}, in the rows read
    (``rows_read``: sheet name -> rows); and the rows the workbook hides, per sheet name.

    openpyxl gives either cached values or formulas per load; reading the sheet XML once for
    ``<f>`` elements tells which values were computed, at a fraction of a second load's cost.
    The XML is scanned as a stream, a cell at a time, and no further than the last row read.
    """
    out: dict[str, dict[int, dict[int, str]]] = {}
    hidden: dict[str, list[int]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            book = zf.read("xl/workbook.xml")
            rels = zf.read("xl/_rels/workbook.xml.rels")
            targets = dict(re.findall(rb'<Relationship[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"',
                                      rels))
            targets.update({k: v for v, k in re.findall(
                rb'<Relationship[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
            members = set(zf.namelist())
            for name, rid in re.findall(rb'<sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"',
                                        book):
                target = targets.get(rid, b"").decode().lstrip("/")
                member = target if target.startswith("xl/") else f"xl/{target}"
                sheet = html.unescape(name.decode())
                if member not in members:
                    continue
                with zf.open(member) as fh:
                    cells, rows = _scan(fh, rows_read.get(sheet, 0))
                if cells:
                    out[sheet] = cells
                if rows:
                    hidden[sheet] = rows
    except (KeyError, zipfile.BadZipFile):
        return {}, {}
    return out, hidden


def _scan(fh, last_row: int) -> tuple[dict[int, dict[int, str]], list[int]]:
    """The formulas and the hidden rows of a sheet's XML stream up to row ``last_row``: each
    chunk is searched up to its last complete cell, the rest carried to the next (so each byte
    is searched once)."""
    cells: dict[int, dict[int, str]] = {}
    hidden: list[int] = []
    pending: list[bytes] = []
    while True:
        chunk = fh.read(_CHUNK)
        end = chunk.rfind(b"</c>") if chunk else -1
        if chunk and end < 0:  # no cell ends in this chunk: carry it whole
            pending.append(chunk)
            continue
        cut = end + 4 if chunk else 0
        part = b"".join(pending) + chunk[:cut] if chunk else b"".join(pending)
        pending = [chunk[cut:]]
        for col, row, formula in _CELL_FORMULA.findall(part):
            if int(row) <= last_row:
                cells.setdefault(int(row), {})[_col_index(col.decode())] = html.unescape(
                    formula.decode("utf-8", "replace"))
        hidden += [int(r) for r in _HIDDEN_ROW.findall(part) if int(r) <= last_row]
        rows = _ROW_START.findall(part)
        if not chunk or (rows and int(rows[-1]) > last_row):
            return cells, hidden


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _col_letter(index: int) -> str:
    out, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out
