"""Raw tables out of files: bytes to cells, with the row numbers a user sees.

Knows file formats (CSV with any common delimiter, JSON records, xlsx) and encodings, nothing
of scores. A table offers its first rows as lists (to find the header) and, once the header is
known, everything below it as a DataFrame of raw cells with the row numbers a user sees (CSV
line, spreadsheet row, JSON record). Large CSV files are parsed by pandas' C reader, so a
million-row file needs neither a Python loop per cell nor a Python string per number.
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
from typing import Callable

import numpy as np
import pandas as pd

from ..errors import ReadError

__all__ = ["RawTable", "load_tables", "HEAD_ROWS"]

#: How many rows from the top are searched for the header.
HEAD_ROWS = 30
_DELIMITERS = ",;\t|"
# File signatures of things that are not tables, with what to say about them.
_NOT_TABLES = [
    (b"%PDF", "a PDF document, not a table of scores (a Freedom on the Net booklet is read by "
              "`scoring ingest-report` or `--data`; for a country report, extract its text "
              "and use `scoring ingest-report`)"),
    (b"\x89PNG", "a PNG image, not a table of scores"),
    (b"\xff\xd8\xff", "a JPEG image, not a table of scores"),
    (b"GIF8", "a GIF image, not a table of scores"),
    (b"\xd0\xcf\x11\xe0", "a legacy Excel (.xls) or other OLE2 file; save it as .xlsx or CSV"),
    (b"\x1f\x8b", "a gzip-compressed file; decompress it first"),
]


@dataclass
class RawTable:
    """One table found in a file.

    ``head[i]`` is the list of cells of the file's row ``head_numbers[i]`` (the first
    :data:`HEAD_ROWS` rows). :meth:`body` gives every row below the header. ``where`` names
    the file (and sheet); ``row_kind`` says what a row number counts ("line", "row",
    "record"); ``texts`` holds free text beside the table (other sheets, metadata) where a
    scale label may stand; ``formulas`` maps (xlsx) row number to {column index: formula}.
    """

    where: str
    row_kind: str
    head: list[list]
    head_numbers: list[int]
    loader: Callable[[int], tuple[pd.DataFrame, np.ndarray]]
    texts: list[str] = field(default_factory=list)
    header_known: bool = False  # JSON: the first row is the header by construction
    notes: list[str] = field(default_factory=list)
    formulas: dict[int, dict[int, str]] = field(default_factory=dict)

    def body(self, at: int) -> tuple[pd.DataFrame, np.ndarray]:
        """Cells below header row ``head[at]`` (columns 0..k-1) and their row numbers; rows
        with no cell at all are left out (they hold nothing to read)."""
        return self.loader(at)


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
    for magic, what in _NOT_TABLES:
        if data.startswith(magic):
            raise ReadError(f"{path.name}: this is {what}")
    if data.startswith(b"PK\x03\x04"):
        return _xlsx(path, sheet)
    if sheet is not None:
        raise ValueError(f"sheet applies to xlsx workbooks only; {path.name} is not one")
    text, notes = _decode(path, data)
    if text.lstrip()[:1] in "[{":
        return [_json(path, text, notes)]
    return [_csv(path, text, notes)]


def _decode(path: Path, data: bytes) -> tuple[str, list[str]]:
    """Text of a file: UTF-8 (BOM or not), UTF-16 (BOM, or NULs that show it), else
    Windows-1252, which is said in a note because it is a guess."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16"), [f"{path.name}: read as UTF-16 (byte-order mark)"]
    sample = data[:4096]
    if len(sample) >= 4 and sample.count(0) >= len(sample) // 4:
        # UTF-16 without a byte-order mark: ASCII text puts NULs on every other byte.
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        codec = "utf-16-le" if odd > even else "utf-16-be"
        try:
            return data.decode(codec), [f"{path.name}: read as {codec.upper()} (no byte-order "
                                        "mark; NUL bytes showed the encoding)"]
        except UnicodeDecodeError:
            raise ReadError(f"{path.name}: binary data, not a text table (NUL bytes, and not "
                            "UTF-16 either)") from None
    if b"\x00" in sample:
        raise ReadError(f"{path.name}: binary data, not a text table (NUL byte at offset "
                        f"{data.index(0)})")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        bad = data[exc.start]
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ReadError(f"{path.name}: not UTF-8 text (invalid byte 0x{bad:02x}) and not "
                        f"Windows-1252 either (byte 0x{data[exc.start]:02x} at offset "
                        f"{exc.start}); save it as UTF-8 or xlsx") from None
    return text, [f"{path.name}: not valid UTF-8 (byte 0x{bad:02x}); read as Windows-1252 "
                  "(Latin-1): check accented names, or save the file as UTF-8"]


# -- CSV ----------------------------------------------------------------------------------------
def _sniff(path: Path, text: str) -> str:
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=_DELIMITERS).delimiter
    except csv.Error:
        # One column, or a delimiter the sniffer cannot settle: take the most frequent one
        # on the first line that has any.
        first = lines[0] if lines else ""
        counts = {d: first.count(d) for d in _DELIMITERS}
        return max(counts, key=counts.get) if max(counts.values()) else ","


def _csv_records(path: Path, text: str, delimiter: str, limit: int | None = None):
    """Records, the line each starts on and the line each ends on (csv module: handles
    quoted line breaks)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, numbers, ends = [], [], []
    start = 1
    try:
        for cells in reader:
            rows.append([c if c.strip() != "" else None for c in cells])
            numbers.append(start)
            ends.append(reader.line_num)
            start = reader.line_num + 1
            if limit is not None and len(rows) >= limit:
                break
    except csv.Error as exc:
        raise ReadError(f"{path.name}: line {reader.line_num}: malformed CSV: {exc}") from None
    return rows, numbers, ends


def _csv(path: Path, text: str, notes: list[str]) -> RawTable:
    delimiter = _sniff(path, text)
    head, head_numbers, head_ends = _csv_records(path, text, delimiter, HEAD_ROWS)
    name = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}[delimiter]

    def loader(at: int):
        # Physical lines up to the end of the header record (a quoted header may span lines).
        header_end = head_ends[at]
        parts = text.split("\n", header_end)
        rest_lines = parts[header_end] if len(parts) > header_end else ""
        n_lines = rest_lines.count("\n") + (0 if rest_lines.endswith("\n") or not rest_lines
                                           else 1)
        try:
            frame = pd.read_csv(io.StringIO(rest_lines), sep=delimiter, header=None,
                                keep_default_na=False, na_values=[""], skip_blank_lines=False,
                                engine="c", quotechar='"')
        except pd.errors.EmptyDataError:
            return pd.DataFrame(), np.array([], dtype=int)
        except (pd.errors.ParserError, ValueError):
            frame = None
        if frame is None or len(frame) != n_lines:
            # Ragged rows or quoted line breaks: the csv module knows each record's line.
            rows, numbers, _ = _csv_records(path, text, delimiter)
            rows, numbers = rows[at + 1:], numbers[at + 1:]
            frame = _grid(rows).infer_objects()
            lines = np.asarray(numbers, dtype=int)
        else:
            lines = np.arange(header_end + 1, header_end + 1 + len(frame))
        return _drop_empty(frame, lines)

    return RawTable(path.name, "line", head, head_numbers, loader,
                    notes=notes + [f"{path.name}: CSV, {name}-delimited"])


def _grid(rows: list[list]) -> pd.DataFrame:
    """Rows of unequal length as a frame of object cells, short rows padded with None."""
    if not rows:
        return pd.DataFrame()
    width = max(len(r) for r in rows)
    return pd.DataFrame([list(r) + [None] * (width - len(r)) for r in rows], dtype=object)


def _drop_empty(frame: pd.DataFrame, numbers: np.ndarray):
    if frame.empty:
        return frame, numbers
    filled = frame.notna()
    for col in frame.columns:
        if frame[col].dtype == object:
            filled[col] &= frame[col].map(lambda v: not (isinstance(v, str) and not v.strip()))
    keep = filled.any(axis=1).to_numpy()
    frame = frame.loc[keep].reset_index(drop=True)
    frame.columns = range(frame.shape[1])
    return frame, numbers[keep]


# -- JSON ---------------------------------------------------------------------------------------
def _json(path: Path, text: str, notes: list[str]) -> RawTable:
    try:
        doc = json.loads(text, parse_int=_json_int)
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
    rows = [[r.get(k) for k in header] for r in records]

    def loader(at: int):
        return _drop_empty(_grid(rows), np.arange(1, len(rows) + 1))

    return RawTable(path.name, "record", [header], [0], loader, texts=texts, header_known=True,
                    notes=notes + [f"{path.name}: JSON records"])


def _json_int(digits: str):
    """A JSON integer; kept as its text when Python would refuse to convert it (over 4300
    digits), so that it is reported as not a number instead of stopping the read."""
    return int(digits) if len(digits) <= 4000 else digits


# -- xlsx ---------------------------------------------------------------------------------------
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

        def loader(at: int, grid=grid):
            rows = grid[at + 1:]
            return _drop_empty(_grid(rows), np.arange(at + 2, at + 2 + len(rows)))

        tables.append(RawTable(f"{path.name} [sheet {name}]", "row", grid[:HEAD_ROWS],
                               list(range(1, min(len(grid), HEAD_ROWS) + 1)), loader,
                               texts=texts, notes=notes, formulas=found))
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
