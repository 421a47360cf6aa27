"""Raw tables out of files: bytes to rows of cells, with the row numbers a user sees.

Knows file formats (CSV with any common delimiter, JSON records, xlsx) and encodings, nothing
of scores. Every cell comes back as it was written (a str, a number or None); interpretation is
the reader's job.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ReadError

__all__ = ["RawTable", "load_tables"]

_XLSX_MAGIC = b"PK\x03\x04"
_DELIMITERS = ",;\t|"


@dataclass
class RawTable:
    """One table found in a file.

    ``rows[i]`` is the list of cells of the file's row ``numbers[i]`` (1-based, as a user sees
    it: CSV line, spreadsheet row, JSON record). ``where`` names the file (and sheet).
    ``row_kind`` says what a number counts: "line", "row" or "record". ``texts`` holds the
    free text found beside the table (other sheets, metadata), where a scale label may stand.
    """

    where: str
    row_kind: str
    rows: list[list]
    numbers: list[int]
    texts: list[str] = field(default_factory=list)
    header_known: bool = False  # JSON: the first row is the header by construction
    notes: list[str] = field(default_factory=list)
    #: xlsx: row number -> {column index (0-based): formula text} for cells holding formulas
    formulas: dict[int, dict[int, str]] = field(default_factory=dict)


def load_tables(path: str | Path, sheet: str | None = None) -> list[RawTable]:
    """Read every candidate table of a file; the caller picks the one with a score header."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ReadError(f"{path}: is a directory, not a score file") from None
    except OSError as exc:
        raise ReadError(f"{path}: cannot read: {exc.strerror}") from None
    if not data.strip():
        raise ReadError(f"{path.name}: the file is empty")
    if data.startswith(_XLSX_MAGIC):
        return _xlsx(path, sheet)
    if sheet is not None:
        raise ValueError(f"sheet applies to xlsx workbooks only; {path.name} is not one")
    text, notes = _decode(path, data)
    stripped = text.lstrip()
    if stripped[:1] in "[{":
        return [_json(path, text, notes)]
    return [_csv(path, text, notes)]


def _decode(path: Path, data: bytes) -> tuple[str, list[str]]:
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16"), [f"{path.name}: read as UTF-16 (byte-order mark)"]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        if b"\x00" in data[:4096]:
            raise ReadError(f"{path.name}: binary data, not a text table (NUL byte at "
                            f"offset {data.index(0)})") from None
        raise ReadError(
            f"{path.name}: not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); save it as UTF-8 or xlsx"
        ) from None


def _csv(path: Path, text: str, notes: list[str]) -> RawTable:
    sample = "\n".join(text.splitlines()[:50])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        # One column, or a delimiter the sniffer cannot settle: take the most frequent one
        # on the first line that has any.
        first = next((ln for ln in text.splitlines() if ln.strip()), "")
        counts = {d: first.count(d) for d in _DELIMITERS}
        delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, numbers = [], []
    start = 1
    try:
        for cells in reader:
            rows.append([c if c.strip() != "" else None for c in cells])
            numbers.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ReadError(f"{path.name}: line {reader.line_num}: malformed CSV: {exc}") from None
    name = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}[delimiter]
    return RawTable(path.name, "line", rows, numbers,
                    notes=notes + [f"{path.name}: CSV, {name}-delimited"])


def _json(path: Path, text: str, notes: list[str]) -> RawTable:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(f"{path.name}: line {exc.lineno}: not valid JSON: {exc.msg}") from None
    texts: list[str] = []
    records = doc
    if isinstance(doc, dict):
        lists = [k for k, v in doc.items() if isinstance(v, list)]
        if len(lists) != 1:
            raise ReadError(f"{path.name}: a JSON file must hold a list of records, or an "
                            f"object with exactly one list of records (found {len(lists)})")
        records = doc[lists[0]]
        texts = [f"{k}: {v}" for k, v in doc.items() if isinstance(v, str)]
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ReadError(f"{path.name}: JSON records must be objects ({{\"Country\": ...}})")
    header: list[str] = []
    for r in records:
        header.extend(k for k in r if k not in header)
    rows = [header] + [[r.get(k) for k in header] for r in records]
    return RawTable(path.name, "record", rows, [0] + list(range(1, len(records) + 1)),
                    texts=texts, header_known=True, notes=notes + [f"{path.name}: JSON records"])


def _xlsx(path: Path, sheet: str | None) -> list[RawTable]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise ReadError(f"{path.name}: not a readable xlsx workbook: {exc}") from None
    try:
        names = wb.sheetnames
        if sheet is not None and sheet not in names:
            raise ValueError(f"sheet must be one of {', '.join(map(repr, names))}; "
                             f"got {sheet!r}")
        grids = {}
        for name in names:
            grid = []
            for row in wb[name].iter_rows(values_only=True):
                cells = [None if (isinstance(v, str) and not v.strip()) else v for v in row]
                while cells and cells[-1] is None:
                    cells.pop()
                grid.append(cells)
            grids[name] = grid
    finally:
        wb.close()
    formulas = _formulas(path)
    tables = []
    for name, grid in grids.items():
        if sheet is not None and name != sheet:
            continue
        texts = [str(v) for other, g in grids.items() if other != name
                 for row in g for v in row if isinstance(v, str)]
        notes = [f"{path.name}: xlsx, sheet {name!r}"]
        found = formulas.get(name, {})
        if found:
            n = sum(len(v) for v in found.values())
            first_row = min(found)
            col, text = next(iter(found[first_row].items()))
            notes.append(f"{path.name} [sheet {name}]: {n} cells hold formulas (first: "
                         f"{_col_letter(col)}{first_row} ={text}); the values read are the ones "
                         "the workbook cached when it was last saved")
        tables.append(RawTable(f"{path.name} [sheet {name}]", "row", grid,
                               list(range(1, len(grid) + 1)), texts=texts, notes=notes,
                               formulas=found))
    return tables


_CELL_FORMULA = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?<!/)>\s*<f(?:\s[^>]*)?>([^<]*)</f>')


def _formulas(path: Path) -> dict[str, dict[int, dict[int, str]]]:
    """Cells holding formulas, per sheet name: {row: {column index: formula}}.

    openpyxl gives either cached values or formulas per load; reading the sheet XML once for
    ``<f>`` elements tells which values were computed, at a fraction of a second load's cost.
    """
    out: dict[str, dict[int, dict[int, str]]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            book = zf.read("xl/workbook.xml")
            rels = zf.read("xl/_rels/workbook.xml.rels")
            targets = dict(re.findall(rb'<Relationship[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"',
                                      rels))
            targets.update({k: v for v, k in re.findall(
                rb'<Relationship[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
            for name, rid in re.findall(rb'<sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"',
                                        book):
                target = targets.get(rid, b"").decode().lstrip("/")
                member = target if target.startswith("xl/") else f"xl/{target}"
                if member not in zf.namelist():
                    continue
                cells: dict[int, dict[int, str]] = {}
                for col, row, formula in _CELL_FORMULA.findall(zf.read(member)):
                    cells.setdefault(int(row), {})[_col_index(col.decode())] = html.unescape(
                        formula.decode("utf-8", "replace"))
                if cells:
                    out[html.unescape(name.decode())] = cells
    except (KeyError, zipfile.BadZipFile):
        return {}
    return out


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
