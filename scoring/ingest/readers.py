"""Score files to one tidy, validated frame: ``read_scores`` is the single public entry point.

A reader finds the header row, maps the many spellings of a column to the methodology's
component keys, normalises statuses, maps names to ISO3, takes the scale direction from the
user, a label in the file or status consistency, and hands the result to validation. It never
changes a published value: the frame holds what the file says, on the scale the file says it
on (column ``orientation``); :func:`scoring.harmonize.to_canonical` converts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import orientation as _orientation
from .table import RawTable, load_tables
from .countries import name_for, to_iso3
from .header import norm, pick_table
from .numeric import to_numbers
from ..errors import ReadError, ValidationError
from ..methodology import ORIENTATIONS, Methodology, load_methodology
from .validation import FAILURE_COLUMNS, failure, validate

__all__ = ["read_scores", "ID_COLUMNS", "STATUS_SPELLINGS"]

#: Columns every score frame carries before the component columns.
ID_COLUMNS = ["index", "edition", "iso3", "country", "status", "orientation"]
#: What a cell must hold to be read as an edition (a four-digit year): 1e20 is not one, and
#: would not even fit the integer column. Validation then asks for an edition of the index.
YEARS = (1000, 9999)
#: Columns every score frame carries after them.
TRAILING_COLUMNS = ["source", "source_row", "flags"]

#: Status spellings, normalised (lowercase, words only), to the status code.
STATUS_SPELLINGS = {
    "f": "F", "free": "F",
    "pf": "PF", "partly free": "PF", "partially free": "PF", "partlyfree": "PF",
    "nf": "NF", "not free": "NF", "notfree": "NF",
}


def read_scores(
    path: str | Path,
    index: str | Methodology = "fotn",
    *,
    edition: int | None = None,
    orientation: str | None = None,
    sheet: str | None = None,
    on_error: str = "raise",
) -> pd.DataFrame:
    """Read a score file (CSV, JSON or xlsx) into a validated frame, one row per entity-edition.

    Parameters
    ----------
    path : str or Path
        The file. CSV with a comma, semicolon, tab or pipe delimiter; JSON (a list of records,
        or an object holding one); xlsx (the sheet whose header is recognised, or ``sheet``).
        UTF-8 with or without a byte-order mark.
    index : str or Methodology
        ``"fotn"``, ``"fiw"`` or a loaded methodology.
    edition : int, optional
        The edition, required when the file has no edition column and no header names one.
        When the file has an edition column, only rows of this edition are kept (and a note
        says how many others were left out).
    orientation : {"higher-is-freer", "lower-is-freer"}, optional
        The scale the file is on. When omitted it comes from a label in the file or from the
        consistency of statuses with totals; when given, that evidence must not contradict it.
    sheet : str, optional
        xlsx only: the sheet to read.
    on_error : {"raise", "flag"}
        What to do with rows that fail validation: ``"raise"`` a :class:`ValidationError`
        holding every failure; ``"flag"`` keep them, name their rules in column ``flags`` and
        put the failure table in ``frame.attrs["failures"]``. Nothing is ever dropped or fixed.

    Returns
    -------
    pandas.DataFrame
        Columns ``index, edition, iso3, country, status, orientation``, then one float column
        per component found in the file (methodology key: ``total``, ``access``, ``A1``...;
        FIW also ``region``, ``ct``), then ``source`` (file name), ``source_row`` (row number
        as a user sees it in the file: CSV line, spreadsheet row, JSON record) and ``flags``.
        Values are as published; ``orientation`` says on which scale.
        ``attrs``: ``failures`` (DataFrame), ``notes`` (list of str), ``columns`` (component
        key to the file's header), ``row_kind``.

    Raises
    ------
    ReadError
        The file cannot be read as a score table (named, with what was expected).
    OrientationError
        The scale cannot be decided or the evidence contradicts ``orientation``.
    ValidationError
        ``on_error="raise"`` and any row breaks a rule; ``.failures`` lists all of them.

    Examples
    --------
    >>> frame = read_scores("datasets/raw/FOTN_2023_Country_Score_Data.csv")
    >>> len(frame), frame["edition"].unique().tolist(), frame.attrs["failures"].empty
    (70, [2023], True)
    """
    m = index if isinstance(index, Methodology) else load_methodology(index)
    if orientation is not None and orientation not in ORIENTATIONS:
        raise ValueError(f"orientation must be one of {', '.join(ORIENTATIONS)}; "
                         f"got {orientation!r}")
    if on_error not in ("raise", "flag"):
        raise ValueError(f"on_error must be 'raise' or 'flag'; got {on_error!r}")
    path = Path(path)
    table, header_at, mapping, hint = pick_table(load_tables(path, sheet), m, path)
    frame, failures, notes = _frame(table, header_at, mapping, m, edition, hint)
    frame = _orientation.settle(frame, m, stated=orientation, texts=table.texts + [
        " ".join(str(c) for c in row if c is not None) for row in table.head[:header_at]],
        where=table.where, notes=notes)
    frame.attrs["columns"] = {role: str(table.head[header_at][j]) for j, role in mapping.items()}
    failures = pd.concat([f for f in (failures, validate(frame, m)) if len(f)] or
                         [pd.DataFrame(columns=FAILURE_COLUMNS)], ignore_index=True)
    failures = failures.sort_values("row", kind="stable").reset_index(drop=True)
    if table.formulas and len(failures):
        # Say when a failing value was computed by a spreadsheet formula: the formula is
        # usually the mistake.
        column_of = {str(table.head[header_at][j]): j for j in mapping}
        failures["found"] = [
            f"{found} (cached value of ={formula})" if formula else found
            for found, formula in zip(failures["found"], (
                table.formulas.get(row, {}).get(column_of.get(col))
                for row, col in zip(failures["row"], failures["column"])))]
    for ed, keys in frame.attrs.pop("not_published", {}).items():
        notes.append(f"{table.where}: edition {ed}: no row has {', '.join(keys)}, which other "
                     "editions of the file have: read as not published for it (a reprint of "
                     "totals only), not as blanks")
    frame.attrs.update(failures=failures, notes=notes, row_kind=table.row_kind)
    if len(failures) and on_error == "raise":
        raise ValidationError(failures, table.where, table.row_kind)
    flags = failures.groupby("row")["rule"].agg(lambda s: ";".join(dict.fromkeys(s))).to_dict()
    frame["flags"] = pd.array([flags.get(r, "") for r in frame["source_row"].tolist()],
                              dtype="str")
    return frame


def _declared_orientations(cells: _Cells) -> pd.array:
    """A file's own ``orientation`` column, per row: a scale name, or None where blank; any
    other text is a failure (and None)."""
    raw = cells.columns["orientation"]
    out = []
    for i, v in enumerate(raw):
        text = "" if v is None or v != v else str(v).strip().lower()
        if text in ORIENTATIONS:
            out.append(text)
            continue
        if text:
            cells.fail([i], "orientation", "orientation", np.array(raw, dtype=object),
                       " or ".join(ORIENTATIONS))
        out.append(None)
    return pd.array(out, dtype="str")


# -- cells to a frame ---------------------------------------------------------------------------
@dataclass
class _Cells:
    """The cells below the header by role, the row numbers a user sees, and the failures so far.

    The steps of :func:`_frame` read it one role at a time; the step that leaves out rows of
    other editions leaves out their failures with them.
    """

    where: str
    columns: dict[str, pd.Series]
    headers: dict[str, str]
    numbers: np.ndarray
    n_rows: int
    notes: list[str]
    fails: list[dict] = field(default_factory=list)

    def fail(self, rows, role, rule, found, expected, country=None, ed=None):
        """Failures at positions ``rows`` (found/country/ed: arrays over all rows or None)."""
        for i in np.flatnonzero(rows) if isinstance(rows, np.ndarray) else rows:
            self.fails.append(failure(self.where, int(self.numbers[i]),
                                      None if country is None else country[i], None,
                                      None if ed is None else ed[i],
                                      self.headers.get(role, role), rule,
                                      found[i] if found is not None else None, expected))

    def keep(self, keep: np.ndarray) -> None:
        """Narrow the cells, row numbers and failures to the rows where ``keep``."""
        kept_rows = set(self.numbers[keep].tolist())
        self.fails = [f for f in self.fails if f["row"] in kept_rows]
        self.columns = {k: v[keep].reset_index(drop=True) for k, v in self.columns.items()}
        self.numbers = self.numbers[keep]
        self.n_rows = int(keep.sum())


def _frame(table: RawTable, at: int, mapping: dict[int, str], m: Methodology,
           edition: int | None, hint: int | None):
    """Cells under header row ``at`` to a frame of published values, its failures and notes.

    The failures are those found on the way (unknown names and statuses, cells that are not
    numbers); the rules of the methodology are validation's.
    """
    cells = _cells(table, at, mapping)
    _take_indicator_column(cells, mapping, m)
    eds = _editions(cells, edition, hint)
    ed_list = [None if e != e else int(e) for e in eds]
    out = pd.DataFrame({"index": m.key, "edition": pd.array(ed_list, dtype="Int64")})
    iso, names_out = _entities(cells, ed_list)
    out["iso3"] = pd.array(list(iso), dtype="str")
    out["country"] = pd.array(names_out, dtype="str")
    out["status"] = pd.array(list(_statuses(cells, names_out, ed_list)), dtype="str")
    out["orientation"] = pd.array([None] * cells.n_rows, dtype="str")
    if "orientation" in cells.columns:
        out["_declared"] = _declared_orientations(cells)
    values, unparsed = _components(cells, m, names_out, ed_list)
    for key, v in values.items():
        out[key] = v
    for role in ("region", "ct"):
        if role in cells.columns:
            out[role] = pd.array([None if v is None or v != v else str(v).strip()
                                  for v in cells.columns[role]], dtype="str")
    out["source"] = table.where
    out["source_row"] = np.asarray(cells.numbers, dtype=int)
    out.attrs["present"] = [c.key for c in m.components if c.key in cells.columns]
    out.attrs["unparsed"] = unparsed
    failures = pd.DataFrame(cells.fails, columns=FAILURE_COLUMNS)
    if len(failures):
        failures["iso3"] = failures["row"].map(dict(zip(out["source_row"], out["iso3"])))
    return out, failures, cells.notes


def _cells(table: RawTable, at: int, mapping: dict[int, str]) -> _Cells:
    """The body below header row ``at``, each mapped column under its role."""
    header = table.head[at]
    headers = {role: str(header[j]) for j, role in mapping.items()}
    notes = list(table.notes)
    body, numbers = table.body(at)
    if body.empty:
        raise ReadError(f"{table.where}: the header is on {table.row_kind} "
                        f"{table.head_numbers[at]} but no data rows follow it")
    n_rows = len(body)
    blank = pd.Series([None] * n_rows, dtype=object)
    columns = {role: (body[j] if j in body.columns else blank) for j, role in mapping.items()}
    return _Cells(table.where, columns, headers, numbers, n_rows, notes)


def _take_indicator_column(cells: _Cells, mapping: dict[int, str], m: Methodology) -> None:
    """Set aside a long file's indicator column, refusing indicators of anything but ``m``.

    Long indicator files (ISO3, Year, value, Name) carry the index's name where a country
    name might stand: a "name" column holding only indicator names is the indicator column
    (and is renamed so in ``mapping``, which names the file's headers).
    """
    columns, headers = cells.columns, cells.headers
    known_ind = {norm(n) for n in m.indicator_names}
    if "country" in columns and "iso3" in columns and "indicator" not in columns:
        values = {norm(v) for v in columns["country"].dropna().unique()}
        if values and values <= known_ind:
            columns["indicator"] = columns.pop("country")
            headers["indicator"] = headers.pop("country")
            mapping.update({j: "indicator" for j, r in mapping.items() if r == "country"})
    if "indicator" in columns:
        names = {str(v) for v in columns.pop("indicator").dropna().unique()}
        unknown = sorted(n for n in names if norm(n) not in known_ind)
        if unknown:
            raise ReadError(f"{cells.where}: column {headers['indicator']!r} holds indicators "
                            f"other than {m.name}: {', '.join(unknown[:5])}")


def _editions(cells: _Cells, edition: int | None, hint: int | None) -> np.ndarray:
    """Each row's edition (NaN where it is not a year); only rows of ``edition`` if given."""
    if "edition" not in cells.columns:
        return _edition_without_column(cells, edition, hint)
    raw_ed = cells.columns["edition"].to_numpy(dtype=object)
    values, bad, empty = to_numbers(cells.columns["edition"])
    not_year = bad | empty | (~np.isnan(values) & ((values != np.floor(np.nan_to_num(values)))
                                                   | (values < YEARS[0]) | (values > YEARS[1])))
    cells.fail(not_year, "edition", "edition", raw_ed, "a year such as 2024")
    eds = np.where(not_year, np.nan, values)
    if edition is not None:
        keep = eds == edition
        if not keep.any():
            found = sorted({int(e) for e in eds if e == e})
            raise ReadError(f"{cells.where}: no rows of edition {edition}; the file has "
                            f"{', '.join(map(str, found))}")
        if not keep.all():
            cells.notes.append(f"{cells.where}: {int((~keep).sum())} rows of other editions "
                               f"left out (edition={edition} asked for)")
        cells.keep(keep)
        eds = eds[keep]
    return eds


def _edition_without_column(cells: _Cells, edition: int | None, hint: int | None) -> np.ndarray:
    """The one edition of a file with no edition column: as given, else as the header names."""
    chosen = edition if edition is not None else hint
    if edition is not None and not YEARS[0] <= edition <= YEARS[1]:
        raise ValueError(f"edition must be a year such as 2024 ({YEARS[0]}-{YEARS[1]}); "
                         f"got {edition}")
    if chosen is None:
        raise ReadError(f"{cells.where}: no edition column and none named in the header; "
                        "say which edition the file holds (edition=..., --edition)")
    if edition is not None and hint is not None and edition != hint:
        raise ReadError(f"{cells.where}: edition {edition} was asked for but the header "
                        f"says {hint}")
    cells.notes.append(f"{cells.where}: edition {chosen} "
                       f"{'as given' if edition is not None else 'from the header'}")
    return np.full(cells.n_rows, float(chosen))


def _entities(cells: _Cells, ed_list: list) -> tuple[np.ndarray, list]:
    """Each row's ISO3 code (from its code, else its name) and the name to show.

    Each distinct name or code is looked up once.
    """
    columns, n_rows = cells.columns, cells.n_rows
    names_raw = columns.get("country")
    codes_raw = columns.get("iso3")
    iso = np.full(n_rows, None, dtype=object)
    shown = np.full(n_rows, None, dtype=object)
    if names_raw is not None:
        text = names_raw.map(lambda v: None if v is None or v != v else str(v).strip())
        shown = text.to_numpy(dtype=object)
    if codes_raw is not None:
        code_text = codes_raw.map(lambda v: None if v is None or v != v else str(v).strip())
        lookup = {c: (to_iso3(c) if re.fullmatch(r"[A-Za-z]{3}", c) else None)
                  for c in code_text.dropna().unique()}
        iso = code_text.map(lookup).to_numpy(dtype=object)
        has = code_text.notna().to_numpy()
        unknown = has & pd.isna(iso)
        cells.fail(unknown, "iso3", "unknown_country", code_text.to_numpy(dtype=object),
                   "an ISO 3166-1 alpha-3 code", ed=ed_list)
        missing_code = ~has
    else:
        missing_code = np.ones(n_rows, dtype=bool)
    if names_raw is not None:
        lookup = {n: to_iso3(n) for n in pd.unique(shown[missing_code & pd.notna(shown)])}
        by_name = np.array([lookup.get(n) if n is not None else None for n in shown],
                           dtype=object)
        use = missing_code & pd.notna(shown)
        iso[use] = by_name[use]
        unknown = use & pd.isna(by_name)
        for i in np.flatnonzero(unknown):
            cells.fails.append(failure(cells.where, int(cells.numbers[i]), shown[i], None,
                                       ed_list[i], cells.headers["country"], "unknown_country",
                                       shown[i], _country_expected(shown[i])))
    nobody = missing_code & pd.isna(shown)
    role = "country" if "country" in columns else "iso3"
    cells.fail(nobody, role, "missing_value", None, "a country name or code", ed=ed_list)
    iso = np.array([c if isinstance(c, str) else None for c in iso], dtype=object)
    names_out = [s if s is not None else (name_for(c) if c is not None else None)
                 for s, c in zip(shown, iso)]
    return iso, names_out


def _statuses(cells: _Cells, names_out: list, ed_list: list) -> np.ndarray:
    """Each row's status code (F/PF/NF) from any of its spellings; None where blank or unknown."""
    statuses = np.full(cells.n_rows, None, dtype=object)
    if "status" in cells.columns:
        raw = cells.columns["status"].to_numpy(dtype=object)
        lookup = {v: STATUS_SPELLINGS.get(norm(v)) for v in pd.unique(raw)
                  if v is not None and v == v}
        statuses = np.array([lookup.get(v) if v is not None and v == v else None for v in raw],
                            dtype=object)
        bad = np.array([v is not None and v == v for v in raw]) & pd.isna(statuses)
        cells.fail(bad, "status", "unknown_status", raw,
                   "Free / Partly Free / Not Free (F/PF/NF)", country=names_out, ed=ed_list)
    return statuses


def _components(cells: _Cells, m: Methodology, names_out: list, ed_list: list):
    """Each component column as floats by key, and the (row, key) cells that are not numbers.

    Validation is told of those cells, so that it does not also call them blank.
    """
    values: dict[str, np.ndarray] = {}
    unparsed: set[tuple[int, str]] = set()
    for c in m.components:
        if c.key not in cells.columns:
            continue
        parsed, bad, _ = to_numbers(cells.columns[c.key])
        if bad.any():
            raw = cells.columns[c.key].to_numpy(dtype=object)
            cells.fail(bad, c.key, "not_a_number", [_strip(v) for v in raw],
                       f"a whole number {c.min}-{c.max}", country=names_out, ed=ed_list)
            unparsed.update((int(cells.numbers[i]), c.key) for i in np.flatnonzero(bad))
        values[c.key] = parsed
    return values, unparsed


def _strip(v):
    return v.strip() if isinstance(v, str) else v


def _country_expected(name: str) -> str:
    from .countries import suggest

    hint = suggest(name)
    base = "a country or territory name the alias table or ISO 3166 knows"
    return f"{base}; did you mean {', '.join(map(repr, hint))}?" if hint else base
