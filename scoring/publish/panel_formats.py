"""The panel table written out: CSV, xlsx, JSON, parquet and Stata files that read back equal.

Each writer takes a table made by :func:`scoring.panel_table` (its ``attrs`` hold the labels
and the metadata) and returns the file's text or bytes; writing it to disk is the caller's
(the CLI's atomic, checked write). What each format holds:

- **csv**: the table, UTF-8, a blank for a missing value. Text a spreadsheet would run as a
  formula (starting with ``= + - @``, a tab or a carriage return) gets a leading ``'``, as in
  every CSV the package writes, because a CSV is opened by double-click in a spreadsheet more
  often than not. Numbers are never touched (a negative score is a number, not text), so an
  analyst's numbers round-trip; no text of the bundled data starts with those characters, and
  :func:`formula_cells` lists every cell that was changed so that the caller can say so.
- **xlsx**: sheet ``panel`` (the table; numbers as numbers, missing cells empty), ``variables``
  (name, label) and ``metadata``. Text is stored as text cells, which a spreadsheet shows and
  never runs, so it is written exactly and not neutralised; only the control characters an
  xlsx cell cannot hold are shown as escapes (``\\x07``).
- **json**: ``{"metadata": {...}, "variables": [{"name", "label"}], "records": [...]}``, one
  record per line, null for a missing value; exact.
- **parquet** (pyarrow, the optional extra ``parquet``): the table with each column's label in
  its field metadata (``label``) and the metadata block as JSON under the schema key
  ``scoring``; exact.
- **dta** (Stata 14+, format 118, UTF-8): variable names that are valid Stata names
  (:func:`stata_names`), every variable labelled, a dataset label, statuses as numbers with
  the value labels 1 Free, 2 Partly Free, 3 Not Free; missing numbers are ``.``, missing text
  is empty (Stata has no missing text).
"""

from __future__ import annotations

import io
import json
import re

import pandas as pd

from .._json import plain, records
from .._output import neutralise_cell, xlsx_text
from .tables import to_csv

__all__ = ["FORMATS", "BINARY_FORMATS", "STATUS_CODES", "export_panel", "formula_cells",
           "panel_csv", "panel_json", "panel_xlsx", "panel_parquet", "panel_dta",
           "stata_names"]

FORMATS = ("csv", "xlsx", "json", "parquet", "dta")
BINARY_FORMATS = ("xlsx", "parquet", "dta")

#: Stata codes of the statuses, freest first as FIW's ratings run (1 = most free).
STATUS_CODES = {"F": 1, "PF": 2, "NF": 3}
_STATUS_NAMES = {1: "Free", 2: "Partly Free", 3: "Not Free"}
_STATUS_COLUMN = re.compile(r"^status(_\d+)?$")

_STATA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")
#: Words Stata keeps for itself (its manual's list of reserved names), and str1..str2045.
_STATA_RESERVED = frozenset(
    "_all _b byte _coef _cons double float if in int long _n _N _pi _pred _rc _skip strL "
    "using with".split())
_STATA_LIMIT = 32
_LABEL_LIMIT = 80
#: Longest text Stata stores as a fixed-width string; longer text needs a strL.
_STATA_STR_MAX = 2045


def export_panel(table: pd.DataFrame, fmt: str) -> str | bytes:
    """The table as the text (csv, json) or bytes (xlsx, parquet, dta) of a file.

    Raises
    ------
    ValueError
        An unknown format; text an xlsx cell cannot hold.
    ImportError
        parquet without pyarrow (the message names the extra to install).
    """
    writers = {"csv": panel_csv, "xlsx": panel_xlsx, "json": panel_json,
               "parquet": panel_parquet, "dta": panel_dta}
    if fmt not in writers:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}; got {fmt!r}")
    return writers[fmt](table)


# -- csv ---------------------------------------------------------------------------------------
def panel_csv(table: pd.DataFrame) -> str:
    """CSV with formula-like text neutralised (see :func:`formula_cells`)."""
    return to_csv(_bare(table))


def formula_cells(table: pd.DataFrame) -> list[dict]:
    """Every text cell the CSV writer changes: ``column``, ``line`` (the CSV line: the header
    is line 1) and the ``value`` as it is in the table."""
    found = []
    for column in table.columns:
        values = table[column]
        if values.dtype.kind in "biufc":
            continue
        for position, value in enumerate(values.tolist()):
            if isinstance(value, str) and neutralise_cell(value) != value:
                found.append({"column": str(column), "line": position + 2, "value": value})
    return found


# -- json --------------------------------------------------------------------------------------
def panel_json(table: pd.DataFrame) -> str:
    """The metadata, the variables and one record per line (a missing value is null)."""
    head = json.dumps({"metadata": plain(_metadata(table)), "variables": _variables(table)},
                      indent=2, ensure_ascii=False)
    rows = ",\n".join("    " + json.dumps(r, ensure_ascii=False) for r in records(_bare(table)))
    return head[:-2] + ',\n  "records": [\n' + rows + "\n  ]\n}\n"


# -- xlsx --------------------------------------------------------------------------------------
def panel_xlsx(table: pd.DataFrame) -> bytes:
    """Sheets ``panel``, ``variables`` and ``metadata``; text stored as text, never a formula."""
    import openpyxl

    labelled, metadata, table = _variables(table), _metadata(table), _bare(table)
    columns = [_xlsx_column(table[c]) for c in table.columns]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(title="panel")
    ws.freeze_panes = "A2"
    ws.append([_text_cell(ws, str(c)) for c in table.columns])
    for row in zip(*columns):
        ws.append([_text_cell(ws, v) for v in row])
    variables = wb.create_sheet(title="variables")
    variables.append(["name", "label"])
    for v in labelled:
        variables.append([_text_cell(variables, v["name"]), _text_cell(variables, v["label"])])
    meta = wb.create_sheet(title="metadata")
    meta.append(["key", "value"])
    for key, value in plain(metadata).items():
        shown = value if isinstance(value, (int, float, str)) or value is None else (
            json.dumps(value, ensure_ascii=False))
        meta.append([key, _text_cell(meta, shown)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_column(values: pd.Series) -> list:
    """A column's values: numbers as numbers, missing as empty (text is escaped cell by cell
    in :func:`_text_cell`). Column by column, because a cell at a time is slow on FIW's
    180,000 question cells."""
    if values.dtype.kind in "biuf":
        return [None if v != v else v for v in values.astype(object).tolist()]
    return [None if v is None or v is pd.NA or v != v else v
            for v in values.astype(object).tolist()]


def _text_cell(ws, value):
    """Text starting with ``=`` as a text cell: openpyxl would otherwise store a formula; the
    control characters a cell cannot hold shown as escapes (``\\x07``), as in every workbook
    the package writes."""
    value = xlsx_text(value)
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


# -- parquet -----------------------------------------------------------------------------------
def panel_parquet(table: pd.DataFrame) -> bytes:
    """Parquet with each column's label in its field metadata and the metadata block under
    the schema key ``scoring``."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError("writing parquet needs pyarrow, an optional dependency of scoring: "
                          "pip install 'scoring[parquet]'") from None
    labels, metadata = _labels(table), _metadata(table)
    arrow = pa.Table.from_pandas(_bare(table), preserve_index=False)
    fields = [f.with_metadata({b"label": labels[f.name].encode("utf-8")})
              for f in arrow.schema]
    meta = dict(arrow.schema.metadata or {})
    meta[b"scoring"] = json.dumps(plain(metadata), ensure_ascii=False).encode("utf-8")
    arrow = pa.Table.from_arrays(arrow.columns, schema=pa.schema(fields, metadata=meta))
    sink = pa.BufferOutputStream()
    pq.write_table(arrow, sink)
    return sink.getvalue().to_pybytes()


# -- dta ---------------------------------------------------------------------------------------
def panel_dta(table: pd.DataFrame) -> bytes:
    """A Stata 118 file: valid names, variable labels, a dataset label, labelled statuses."""
    names = stata_names(table.columns)
    labels, data_label, table = _labels(table), _dataset_label(table), _bare(table)
    columns, value_labels = {}, {}
    for column in table.columns:
        name = names[column]
        values = table[column]
        if _STATUS_COLUMN.match(str(column)):
            columns[name] = _status_codes(values, column)
            value_labels[name] = dict(_STATUS_NAMES)
        else:
            columns[name] = _stata_values(values)
    frame = pd.DataFrame(columns, index=table.index)
    strl = [n for n in frame.columns if frame[n].dtype == object
            and frame[n].map(lambda s: len(s.encode("utf-8"))).max() > _STATA_STR_MAX]
    buf = io.BytesIO()
    frame.to_stata(buf, write_index=False, version=118, convert_strl=strl,
                   data_label=data_label,
                   variable_labels={names[c]: _clip(labels[c]) for c in table.columns},
                   value_labels=value_labels)
    return buf.getvalue()


def _stata_values(values: pd.Series) -> pd.Series:
    """Whole numbers stay whole unless missing ones need Stata's ``.``; text missing is empty."""
    if pd.api.types.is_integer_dtype(values):
        return values.astype("float64") if values.isna().any() else values.astype("int64")
    if pd.api.types.is_float_dtype(values) or pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    return values.astype(object).where(values.notna(), "").astype(str).astype(object)


def _status_codes(values: pd.Series, column) -> pd.Series:
    known = values.isna() | values.isin(list(STATUS_CODES))
    if not known.all():
        position = int((~known).to_numpy().nonzero()[0][0])
        raise ValueError(f"column {column}, row {position + 1}: status {values.iloc[position]!r} "
                         f"has no Stata code; expected one of {', '.join(STATUS_CODES)}")
    return values.map(STATUS_CODES).astype("float64")


def stata_names(columns) -> dict[str, str]:
    """Each column's Stata variable name: itself when valid (letters, digits and ``_``, not
    starting with a digit, at most 32 characters, not a reserved word), otherwise made valid
    and unique; the variable label keeps what the column is.

    >>> stata_names(["total_2023", "1st", "a-b"])
    {'total_2023': 'total_2023', '1st': '_1st', 'a-b': 'a_b'}
    """
    names: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        name = str(column)
        if not _valid_stata(name) or name in taken:
            name = re.sub(r"[^A-Za-z0-9_]", "_", name) or "_"
            if not _valid_stata(name[:_STATA_LIMIT]):  # a leading digit, a reserved word
                name = "_" + name
            name = name[:_STATA_LIMIT]
            base, n = name, 1
            while name in taken or not _valid_stata(name):
                suffix = f"_{n}"
                name = base[:_STATA_LIMIT - len(suffix)] + suffix
                n += 1
        names[column] = name
        taken.add(name)
    return names


def _valid_stata(name: str) -> bool:
    return (bool(_STATA_NAME.match(name)) and name not in _STATA_RESERVED
            and not re.fullmatch(r"str([1-9]\d{0,3})", name))


def _dataset_label(table: pd.DataFrame) -> str:
    """``"Freedom on the Net 2011-2024, categories, long; higher = freer; scoring 0.1.0"``,
    dropping the trailing parts that do not fit Stata's 80 characters."""
    meta = _metadata(table)
    eds = meta.get("editions") or []
    span = f" {eds[0]}-{eds[-1]}" if eds else ""
    parts = [f"{meta.get('name', 'panel')}{span}, {meta.get('level', '')}, "
             f"{meta.get('form', '')}", "higher = freer", f"scoring {meta.get('version', '')}"]
    while len(parts) > 1 and len("; ".join(parts)) > _LABEL_LIMIT:
        parts.pop()
    return _clip("; ".join(parts))


def _clip(label: str) -> str:
    return label if len(label) <= _LABEL_LIMIT else label[:_LABEL_LIMIT - 3] + "..."


# -- what the table carries --------------------------------------------------------------------
def _labels(table: pd.DataFrame) -> dict[str, str]:
    """The table's labels; a column without one (a frame not made by panel_table) is labelled
    with its name rather than refused."""
    given = table.attrs.get("labels", {})
    return {c: str(given.get(c, c)) for c in table.columns}


def _metadata(table: pd.DataFrame) -> dict:
    return dict(table.attrs.get("metadata", {}))


def _bare(table: pd.DataFrame) -> pd.DataFrame:
    """The table without its attrs: pandas deep-copies attrs into every column it hands out,
    which for 600 wide columns costs more than writing the file."""
    bare = table.copy(deep=False)  # attrs copied once here, not once per column
    bare.attrs = {}
    return bare


def _variables(table: pd.DataFrame) -> list[dict]:
    labels = _labels(table)
    return [{"name": str(c), "label": labels[c]} for c in table.columns]
