"""Raw tables out of files: bytes to cells, with the row numbers a user sees.

Knows file formats (CSV with any common delimiter, JSON records, xlsx) and encodings, nothing
of scores. A table offers its first rows as lists (to find the header) and, once the header is
known, everything below it as a DataFrame of raw cells with the row numbers a user sees (CSV
line, spreadsheet row, JSON record). Large CSV files are parsed by pandas' C reader, so a
million-row file needs neither a Python loop per cell nor a Python string per number.

Every size that depends on the file is checked before the work it would cost, against the
limits of :mod:`.limits` (bytes of the file, cells, columns, JSON depth); a CSV's line ends are
made ``\n`` once, so that the csv module, pandas and the line numbers shown split the same
lines. xlsx workbooks are read by :mod:`.xlsx`.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import reprlib
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ReadError
from .limits import MAX_CELLS, MAX_COLUMNS, MAX_DEPTH, normalise_line_ends, read_bounded
from .raw_table import HEAD_ROWS, RawTable, drop_empty, grid_frame

__all__ = ["RawTable", "load_tables", "HEAD_ROWS"]

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


def load_tables(path: str | Path, sheet: str | None = None) -> list[RawTable]:
    """Read every candidate table of a file; the caller picks the one with a score header."""
    path = Path(path)
    data = read_bounded(path)
    if not data.strip():
        raise ReadError(f"{path.name}: the file is empty")
    for magic, what in _NOT_TABLES:
        if data.startswith(magic):
            raise ReadError(f"{path.name}: this is {what}")
    if data.startswith(b"PK\x03\x04"):
        from .xlsx import xlsx_tables

        return xlsx_tables(path, sheet)
    if sheet is not None:
        raise ValueError(f"sheet applies to xlsx workbooks only; {path.name} is not one")
    text, notes = _decode(path, data)
    del data  # the text is what is read from here on; keep one copy of a large file
    text = normalise_line_ends(text)
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
# The text has "\n" line ends only (normalise_line_ends): the csv module, pandas and the line
# numbers shown all split it there, and nowhere else.
def _sniff(path: Path, text: str) -> str:
    lines = [ln for ln in text[:2 ** 20].split("\n", 50)[:50] if ln.strip()]
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
    quoted line breaks); cells and columns counted against the limits as they come."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, numbers, ends = [], [], []
    start, n_cells = 1, 0
    cells_max, columns_max = MAX_CELLS.value(), MAX_COLUMNS.value()
    try:
        for cells in reader:
            if len(cells) > columns_max:
                MAX_COLUMNS.check(len(cells), f"{path.name} line {start}")
            n_cells += max(len(cells), 1)
            if n_cells > cells_max:
                MAX_CELLS.check(n_cells, path.name, more=True)
            rows.append([c if c.strip() != "" else None for c in cells])
            numbers.append(start)
            ends.append(reader.line_num)
            start = reader.line_num + 1
            if limit is not None and len(rows) >= limit:
                break
    except csv.Error as exc:
        raise ReadError(f"{path.name}: line {reader.line_num}: malformed CSV: {exc}") from None
    return rows, numbers, ends


def _check_shape(path: Path, lines: str, delimiter: str, first: int) -> int:
    """The number of lines of ``lines`` (the text below the header, its first line being
    ``first``), after checking its widest line and lines x width against the limits, before
    pandas allocates a column per field."""
    split = lines.split("\n")
    if split and split[-1] == "":
        split.pop()
    columns_max = MAX_COLUMNS.value()
    counts = [line.count(delimiter) for line in split]
    width = max(counts, default=0) + 1
    if width > columns_max:
        for i, n in enumerate(counts):
            if n >= columns_max:  # fields by delimiters, unless quotes join some
                fields = max((len(r) for r in csv.reader([split[i]], delimiter=delimiter)),
                             default=0)
                MAX_COLUMNS.check(fields, f"{path.name} line {first + i}")
    MAX_CELLS.check(len(split) * width, path.name)
    return len(split)


def _csv(path: Path, text: str, notes: list[str]) -> RawTable:
    delimiter = _sniff(path, text)
    head, head_numbers, head_ends = _csv_records(path, text, delimiter, HEAD_ROWS)
    name = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}[delimiter]

    def loader(at: int):
        # Physical lines up to the end of the header record (a quoted header may span lines).
        header_end = head_ends[at]
        parts = text.split("\n", header_end)
        rest_lines = parts[header_end] if len(parts) > header_end else ""
        del parts
        n_lines = _check_shape(path, rest_lines, delimiter, header_end + 1)
        try:
            frame = pd.read_csv(io.StringIO(rest_lines), sep=delimiter, header=None,
                                keep_default_na=False, na_values=[""], skip_blank_lines=False,
                                engine="c", quotechar='"', lineterminator="\n")
        except pd.errors.EmptyDataError:
            return pd.DataFrame(), np.array([], dtype=int)
        except (pd.errors.ParserError, ValueError):
            frame = None
        if frame is None or len(frame) != n_lines:
            # Ragged rows or quoted line breaks: the csv module knows each record's line.
            rows, numbers, _ = _csv_records(path, text, delimiter)
            rows, numbers = rows[at + 1:], numbers[at + 1:]
            frame = grid_frame(rows, path.name).infer_objects()
            lines = np.asarray(numbers, dtype=int)
        else:
            lines = np.arange(header_end + 1, header_end + 1 + len(frame))
        return drop_empty(frame, lines)

    return RawTable(path.name, "line", head, head_numbers, loader,
                    notes=notes + [f"{path.name}: CSV, {name}-delimited"])


# -- JSON ---------------------------------------------------------------------------------------
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKETS = np.frombuffer(b"[]{}", dtype=np.uint8)


def _check_json(path: Path, text: str) -> None:
    """Nesting depth and number of values of a JSON text, from its brackets and commas outside
    strings (one pass, vectorised), against the limits before it is parsed: a deep document
    would exhaust the parser's recursion, a huge one memory."""
    bare = _JSON_STRING.sub("", text).encode("utf-8", "replace")
    codes = np.frombuffer(bare, dtype=np.uint8)
    found = codes[np.isin(codes, _BRACKETS)]
    opens = (found == ord("[")) | (found == ord("{"))
    depth = int(np.cumsum(np.where(opens, 1, -1)).max()) if len(found) else 0
    MAX_DEPTH.check(depth, path.name)
    MAX_CELLS.check(bare.count(b",") + int(opens.sum()), f"{path.name} (JSON values)")


def _json(path: Path, text: str, notes: list[str]) -> RawTable:
    _check_json(path, text)
    try:
        doc = json.loads(text, parse_int=_json_int, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise ReadError(f"{path.name}: line {exc.lineno}: not valid JSON: {exc.msg}") from None
    except _DuplicateKey as exc:
        first, second = (reprlib.repr(v) for v in exc.args[1:])
        raise ReadError(f"{path.name}: key {exc.args[0]!r} appears twice in one JSON object "
                        f"(values {first} and {second}): which one is meant "
                        "cannot be told; keep one") from None
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
    keys: dict[str, None] = {}  # the header in order of first use; a dict keeps it linear
    columns_max = MAX_COLUMNS.value()
    for i, r in enumerate(records, 1):
        keys.update(dict.fromkeys(r))
        if len(keys) > columns_max:
            MAX_COLUMNS.check(len(keys), f"{path.name} (distinct keys by record {i})")
    header = list(keys)
    MAX_CELLS.check(len(records) * len(header), path.name)
    rows = [[r.get(k) for k in header] for r in records]

    def loader(at: int):
        return drop_empty(grid_frame(rows, path.name), np.arange(1, len(rows) + 1))

    return RawTable(path.name, "record", [header], [0], loader, texts=texts, header_known=True,
                    notes=notes + [f"{path.name}: JSON records"])


class _DuplicateKey(Exception):
    """A JSON object with one key twice (json keeps the last silently)."""


def _unique_keys(pairs: list) -> dict:
    out: dict = {}
    for k, v in pairs:
        if k in out:
            raise _DuplicateKey(k, out[k], v)
        out[k] = v
    return out


def _json_int(digits: str):
    """A JSON integer; kept as its text when Python would refuse to convert it (over 4300
    digits), so that it is reported as not a number instead of stopping the read."""
    return int(digits) if len(digits) <= 4000 else digits
