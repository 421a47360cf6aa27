"""Lazy validation: every rule broken by every row of a score frame, in one table.

The rules come from the methodology: ranges per component, aggregates equal to the signed sum
of their terms, status consistent with the score (band rule) or with the ratings (rating rule),
ratings consistent with their scores, one row per entity and edition, known editions, no blank
where a component applies. Nothing is fixed or dropped here: the caller decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..methodology import HIGHER_IS_FREER, STATUS_LABELS, Component, Methodology

__all__ = ["FAILURE_COLUMNS", "RULES", "NEW_EDITIONS", "failure", "validate"]

#: Editions after the last one the methodology lists that are accepted as a user's new data
#: (rule "edition" beyond them). Freedom House publishes one edition a year and the
#: methodology files are updated with each; three years cover a file made before the package
#: caught up, while 2999 or 20240 is a typo. Further out, add the edition to the methodology
#: file first: the scale, components and bands of an edition are facts to check, not guess.
NEW_EDITIONS = 3

#: Longest found value shown in a failure: a 400-digit cell is shown by its ends and length.
_SHOWN_CHARS = 60

#: Columns of every failure table.
FAILURE_COLUMNS = ["source", "row", "country", "iso3", "edition", "column", "rule", "found",
                   "expected"]

#: Every rule a failure can name, with what it checks.
RULES = {
    "missing_value": "a component the file has, and the edition uses, is blank or N/A",
    "not_a_number": "a score cell does not hold a number",
    "not_integer": "a score is not a whole number",
    "range": "a score lies outside the component's minimum and maximum",
    "sum": "an aggregate differs from the signed sum of its terms",
    "status": "the status differs from the one the score (or the ratings) give",
    "rating": "a rating differs from the one its score gives",
    "unknown_status": "the status is not a spelling of Free / Partly Free / Not Free",
    "unknown_country": "the name or code is not a known country or territory",
    "duplicate": "the same entity appears more than once in one edition",
    "edition": "the edition is not a year, the index published no such edition, or it is "
               "more than NEW_EDITIONS after the last edition the methodology lists",
    "not_applicable": "a component has a value in an edition that does not use it",
}


def failure(source, row, country, iso3, edition, column, rule, found, expected) -> dict:
    """One failure record (a row of the failure table)."""
    return dict(source=source, row=row, country=country, iso3=iso3,
                edition=None if edition is None or pd.isna(edition) else int(edition),
                column=column, rule=rule, found=_show(found), expected=str(expected))


def _show(v) -> str:
    """A found value as text: whole floats without ".0", inf as inf, a long value by its
    ends and length; never an exception."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "blank"
    if isinstance(v, float) and np.isfinite(v) and v.is_integer():
        return str(int(v))
    try:
        text = str(v)
    except ValueError:  # Python does not write integers of more than 4300 digits
        return "an integer of more than 4300 digits"
    if len(text) > _SHOWN_CHARS:
        half = _SHOWN_CHARS // 2 - 2
        return f"{text[:half]}...{text[-half:]} ({len(text)} characters)"
    return text


def validate(frame: pd.DataFrame, m: Methodology) -> pd.DataFrame:
    """Check a score frame against methodology ``m``; return every failure (maybe none).

    Parameters
    ----------
    frame : DataFrame
        As built by :func:`scoring.read_scores`: values as published, ``orientation`` per row.
    m : Methodology

    Returns
    -------
    DataFrame
        Columns :data:`FAILURE_COLUMNS`, one row per (row, column, rule). ``column`` is the
        header as written in the file where known (``frame.attrs["columns"]``).

    Notes
    -----
    Sums are checked on published values: since every component converts as
    ``min + max - value`` and the maxima add up, a sum holds on one scale iff it holds on the
    other. FIW's PR = A + B + C - AddQ + AddA, with AddA counted as 0 in editions without it.
    """
    v = _rows(frame, m)
    present = [c for c in m.components if c.key in v.rows.columns]
    _check_editions(v, m)
    _check_values(v, present, _skipped(frame, v, present), _published(frame, v, present))
    _check_sums(v, present)
    _check_status(v, m)
    _check_duplicates(v, m)
    return pd.DataFrame(v.out, columns=FAILURE_COLUMNS)


@dataclass
class _Rows:
    """A frame under validation, read once into arrays, and the failures found in it so far."""

    rows: pd.DataFrame
    headers: dict[str, str]
    eds: np.ndarray
    source_row: np.ndarray
    cols: dict[str, np.ndarray]
    app: dict[str, np.ndarray]
    values: dict[str, np.ndarray]
    out: list[dict] = field(default_factory=list)

    def add(self, mask, column_key, rule, found, expected):
        """Failures where ``mask``; ``expected`` is text, or a function of the row position
        (computed only for failing rows: a clean million-row file builds no strings)."""
        cols = self.cols
        for i in np.flatnonzero(np.asarray(mask, dtype=bool)):
            self.out.append(failure(cols["source"][i], self.source_row[i], cols["country"][i],
                                    cols["iso3"][i], cols["edition"][i],
                                    self.headers.get(column_key, column_key), rule,
                                    found[i] if hasattr(found, "__len__") else found,
                                    expected(i) if callable(expected) else expected))


def _rows(frame: pd.DataFrame, m: Methodology) -> _Rows:
    """The frame's columns as arrays and where each component applies, shared by every rule."""
    rows = frame.reset_index(drop=True)
    rows.attrs = {}  # a read frame's attrs hold DataFrames, which pandas cannot compare
    eds = rows["edition"].to_numpy(dtype=float, na_value=np.nan)
    cols = {name: rows[name].to_numpy(dtype=object) for name in
            ("source", "country", "iso3", "edition") if name in rows.columns}
    return _Rows(rows=rows, headers=frame.attrs.get("columns", {}), eds=eds,
                 source_row=rows["source_row"].to_numpy(), cols=cols,
                 app={c.key: _applies(c, eds) for c in m.components},
                 values={c.key: rows[c.key].to_numpy(dtype=float) for c in m.components
                         if c.key in rows.columns})


def _applies(c: Component, eds: np.ndarray) -> np.ndarray:
    """The rows whose edition uses component ``c``.

    An edition that is not a year (already reported under rule "edition") counts as using
    every component, so one bad cell does not turn into a row of failures.
    """
    ok = np.ones(len(eds), dtype=bool)
    if c.first is not None:
        ok &= ~(eds < c.first)
    if c.last is not None:
        ok &= ~(eds > c.last)
    return ok


def _skipped(frame: pd.DataFrame, v: _Rows, present) -> dict[str, np.ndarray]:
    """Cells the reader reported as not a number, so that they are not also called blank."""
    unparsed = frame.attrs.get("unparsed", set())
    skip = {c.key: np.zeros(len(v.rows), dtype=bool) for c in present}
    if unparsed:
        position = {int(r): i for i, r in enumerate(v.source_row)}
        for r, key in unparsed:
            if key in skip and r in position:
                skip[key][position[r]] = True
    return skip


def _published(frame: pd.DataFrame, v: _Rows, present) -> dict[str, np.ndarray] | None:
    """Which components each row's source published; None when every source has them all.

    A read file says (attrs "present"); a merged table (load_dataset) holds rows from sources
    with different columns, and a component no row of a source has a value for, in that
    edition, was not published by that source for it (a booklet prints categories for its own
    edition and only totals for the previous one).
    """
    rows = v.rows
    if "present" in frame.attrs:
        return _published_by_edition(frame, v, present)
    if "source" not in rows.columns:
        return None
    keys = [c.key for c in present]
    by = ["source", "edition"] if "edition" in rows.columns else ["source"]
    published = rows[keys].notna().groupby([rows[b] for b in by], dropna=False).transform("any")
    return {k: published[k].to_numpy(dtype=bool) for k in keys}


def _published_by_edition(frame: pd.DataFrame, v: _Rows, present):
    """A read file holding several editions where one edition has no value at all of a
    component another edition has (the previous edition reprinted as totals only, as the
    booklets and the CSV of ``ingest-report`` hold): that edition did not publish it. Named in
    ``frame.attrs["not_published"]`` ({edition: [keys]}), so that the reader can say so; a
    file of one edition keeps every blank a ``missing_value``."""
    keys = [c.key for c in present]
    eds = pd.Series(v.eds)
    if eds.nunique() < 2:
        return None
    has = v.rows[keys].notna().groupby(eds.to_numpy()).any()
    lacking = {int(ed): [k for k in keys if not row[k] and has[k].any()]
               for ed, row in has.iterrows() if not pd.isna(ed)}
    lacking = {ed: ks for ed, ks in lacking.items() if ks}
    if not lacking:
        return None
    frame.attrs["not_published"] = lacking
    published = has.reindex(eds.to_numpy()).fillna(True).to_numpy(dtype=bool)
    return {k: published[:, j] for j, k in enumerate(keys)}


def _check_editions(v: _Rows, m: Methodology) -> None:
    """Editions known and plausible: one the methodology lists, or one of the
    :data:`NEW_EDITIONS` after its last (a user's new data)."""
    eds = v.eds
    last = max(m.editions)
    valid = ~np.isnan(eds)
    bad_ed = valid & ~np.isin(np.nan_to_num(eds), m.editions) & (eds <= last)
    gaps = ", ".join(str(e) for e in range(m.editions[0], last) if e not in m.editions)
    v.add(bad_ed, "edition", "edition", eds,
          f"an edition of {m.name} ({m.editions[0]}-{last}, not {gaps})")
    horizon = last + NEW_EDITIONS
    v.add(valid & (eds > horizon), "edition", "edition", eds,
          f"an edition of {m.name} up to {horizon} (the methodology knows "
          f"{m.editions[0]}-{last}; the next {NEW_EDITIONS} are read as new data)")


def _check_values(v: _Rows, present, skip, from_source) -> None:
    """Each score: given where its edition uses it and only there, whole, within its range."""
    for c in present:
        val = v.values[c.key]
        app = v.app[c.key]
        nan = np.isnan(val)
        in_source = from_source[c.key] if from_source is not None else True
        v.add(nan & ~skip[c.key] & app & in_source, c.key, "missing_value", val,
              f"a score {c.min}-{c.max}")
        v.add(~nan & ~app, c.key, "not_applicable", val,
              f"blank or N/A: {c.key} is not used in this edition ({c.note or 'see methodology'})")
        frac = ~nan & (val != np.floor(np.where(nan, 0, val)))
        v.add(frac, c.key, "not_integer", val, f"a whole number {c.min}-{c.max}")
        v.add(~nan & ((val < c.min) | (val > c.max)), c.key, "range", val, f"{c.min}-{c.max}")


def _check_sums(v: _Rows, present) -> None:
    """Aggregates equal the signed sum of their terms (only where every used term is present)."""
    rows, app, values = v.rows, v.app, v.values
    keys = set(rows.columns)
    for c in present:
        if not c.terms or not all(t in keys or not app[t].any() for _, t in c.terms):
            continue
        total = np.zeros(len(rows))
        usable = ~np.isnan(values[c.key])
        for sign, t in c.terms:
            if t not in keys:
                continue
            tv = values[t] if t in values else rows[t].to_numpy(dtype=float)
            usable &= ~(np.isnan(tv) & app[t])
            total += sign * np.where(app[t] & ~np.isnan(tv), tv, 0.0)
        terms = " ".join(f"{'+' if s > 0 else '-'} {v.headers.get(t, t)}" for s, t in c.terms
                         if t in keys).lstrip("+ ")
        v.add(usable & (values[c.key] != total), c.key, "sum", values[c.key],
              lambda i, total=total, terms=terms: f"{_show(total[i])} = {terms}")


def _check_status(v: _Rows, m: Methodology) -> None:
    """A status given agrees with the band of the total (band rule) or of the mean rating."""
    rows = v.rows
    if "status" not in rows.columns or not rows["status"].notna().any():
        return
    st = rows["status"].to_numpy(dtype=object)
    has = pd.notna(st)
    if m.status.rule == "bands" and m.status.component in rows.columns:
        comp = m.component(m.status.component)
        orient = rows["orientation"].fillna(HIGHER_IS_FREER).to_numpy(dtype=object)
        t = rows[comp.key].to_numpy(dtype=float)
        canon = np.where(orient == "lower-is-freer", comp.min + comp.max - t, t)
        want = _band_of(canon, m.status.bands)
        bad = has & (want != None) & (st != want)  # noqa: E711 (elementwise)
        v.add(bad, "status", "status", st,
              lambda i: _band_text(m, want[i], orient[i]))
    elif m.status.rule == "ratings":
        _check_ratings(v, m, st, has)


def _check_ratings(v: _Rows, m: Methodology, st: np.ndarray, has: np.ndarray) -> None:
    """Rating rule: each rating agrees with its score, and the status with the mean rating."""
    rows = v.rows
    keys = set(rows.columns)
    for table in m.status.ratings:
        if table.component in keys and table.score in keys:
            sc = rows[table.score].to_numpy(dtype=float)
            rt = rows[table.component].to_numpy(dtype=float)
            want = _band_of(sc, table.bands).astype(float)
            bad = ~np.isnan(rt) & ~np.isnan(want) & (rt != want)
            label = v.headers.get(table.score, table.score)
            v.add(bad, table.component, "rating", rt,
                  lambda i, want=want, sc=sc, label=label:
                  f"{_show(want[i])} (for {label} {_show(sc[i])})")
    rk = [t.component for t in m.status.ratings]
    if all(k in keys for k in rk):
        r = rows[rk].to_numpy(dtype=float)
        mean = r.mean(axis=1)
        want = _band_of(mean, m.status.bands)
        bad = has & (want != None) & (st != want)  # noqa: E711 (elementwise)
        v.add(bad, "status", "status", st,
              lambda i: f"{want[i]} (mean rating {mean[i]:g})")


def _check_duplicates(v: _Rows, m: Methodology) -> None:
    """One row per entity and edition; each duplicate names the rows it repeats."""
    rows, source_row = v.rows, v.source_row
    # A row whose edition is not a year (rule "edition") has no edition to repeat.
    known = (rows["iso3"].notna() & rows["edition"].notna()).to_numpy()
    dup = rows.duplicated(["iso3", "edition"], keep=False).to_numpy() & known
    if not dup.any():
        return
    groups = rows[dup].groupby(["iso3", "edition"])["source_row"].agg(list)
    others = {}
    for (iso, ed), members in groups.items():
        for r in members:
            others[r] = [x for x in members if x != r]
    # Name the entity column the file has (a long file may hold ISO3 codes only).
    entity = "iso3" if "country" not in v.headers and "iso3" in v.headers else "country"
    v.add(dup, entity, "duplicate", v.cols["country"],
          lambda i: (f"one row per {m.entity} and edition (also on row"
                     f"{'s' if len(others[source_row[i]]) > 1 else ''} "
                     f"{', '.join(str(x) for x in others[source_row[i]])})"))




def _band_of(x: np.ndarray, bands) -> np.ndarray:
    """The value of the band each number falls in (None outside every band and for NaN)."""
    out = np.full(len(x), None, dtype=object)
    for b in bands:
        inside = (x >= b.low) & (x <= b.high)
        out[inside] = b.value
    return out


def _band_text(m: Methodology, status, orientation) -> str:
    if status is None:
        return ""
    band = next(b for b in m.status.bands if b.value == status)
    c = m.component(m.status.component)
    lo, hi = int(band.low), int(band.high)
    if orientation == "lower-is-freer":
        lo, hi = c.min + c.max - hi, c.min + c.max - lo
    return f"{status} ({STATUS_LABELS[status]}: {lo}-{hi} on the {orientation} scale)"
