"""Lazy validation: every rule broken by every row of a score frame, in one table.

The rules come from the methodology: ranges per component, aggregates equal to the signed sum
of their terms, status consistent with the score (band rule) or with the ratings (rating rule),
ratings consistent with their scores, one row per entity and edition, known editions, no blank
where a component applies. Nothing is fixed or dropped here: the caller decides.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..methodology import HIGHER_IS_FREER, STATUS_LABELS, Methodology

__all__ = ["FAILURE_COLUMNS", "RULES", "failure", "validate"]

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
    "edition": "the edition is not a year, or the index published no such edition",
    "not_applicable": "a component has a value in an edition that does not use it",
}


def failure(source, row, country, iso3, edition, column, rule, found, expected) -> dict:
    """One failure record (a row of the failure table)."""
    return dict(source=source, row=row, country=country, iso3=iso3,
                edition=None if edition is None or pd.isna(edition) else int(edition),
                column=column, rule=rule, found=_show(found), expected=str(expected))


def _show(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "blank"
    if isinstance(v, float) and v == int(v):
        return str(int(v))
    return str(v)


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
    headers = frame.attrs.get("columns", {})
    unparsed = frame.attrs.get("unparsed", set())
    out: list[dict] = []
    rows = frame.reset_index(drop=True)
    rows.attrs = {}  # a read frame's attrs hold DataFrames, which pandas cannot compare
    n = len(rows)
    eds = rows["edition"].to_numpy(dtype=float, na_value=np.nan)
    source_row = rows["source_row"].to_numpy()
    present = [c for c in m.components if c.key in rows.columns]
    # Which components each row's source published: a read file says (attrs "present");
    # a merged table (load_dataset) holds rows from sources with different columns, and a
    # component no row of a source has a value for was not published by that source.
    from_source = None
    if "present" not in frame.attrs and "source" in rows.columns:
        published = rows.groupby("source")[[c.key for c in present]].agg(
            lambda s: s.notna().any())
        from_source = {c.key: rows["source"].map(published[c.key]).fillna(False).to_numpy(
            dtype=bool) for c in present}
    cols = {name: rows[name].to_numpy(dtype=object) for name in
            ("source", "country", "iso3", "edition") if name in rows.columns}

    def add(mask, column_key, rule, found, expected):
        """Failures where ``mask``; ``expected`` is text, or a function of the row position
        (computed only for failing rows: a clean million-row file builds no strings)."""
        for i in np.flatnonzero(np.asarray(mask, dtype=bool)):
            out.append(failure(cols["source"][i], source_row[i], cols["country"][i],
                               cols["iso3"][i], cols["edition"][i],
                               headers.get(column_key, column_key), rule,
                               found[i] if hasattr(found, "__len__") else found,
                               expected(i) if callable(expected) else expected))

    def applies(c) -> np.ndarray:
        # An edition that is not a year (already reported under rule "edition") counts as
        # using every component, so one bad cell does not turn into a row of failures.
        ok = np.ones(n, dtype=bool)
        if c.first is not None:
            ok &= ~(eds < c.first)
        if c.last is not None:
            ok &= ~(eds > c.last)
        return ok

    app = {c.key: applies(c) for c in m.components}
    skip = {c.key: np.zeros(n, dtype=bool) for c in present}
    if unparsed:
        position = {int(r): i for i, r in enumerate(source_row)}
        for r, key in unparsed:
            if key in skip and r in position:
                skip[key][position[r]] = True
    # Editions: known and plausible. A year after the last one listed may be a new edition.
    last = max(m.editions)
    valid = ~np.isnan(eds)
    bad_ed = valid & ~np.isin(np.nan_to_num(eds), m.editions) & (eds <= last)
    add(bad_ed, "edition", "edition", eds, f"an edition of {m.name} "
        f"({m.editions[0]}-{last}, not {', '.join(str(e) for e in range(m.editions[0], last) if e not in m.editions)})")

    values = {c.key: rows[c.key].to_numpy(dtype=float) for c in present}
    for c in present:
        v = values[c.key]
        nan = np.isnan(v)
        in_source = from_source[c.key] if from_source is not None else True
        add(nan & ~skip[c.key] & app[c.key] & in_source, c.key, "missing_value", v,
            f"a score {c.min}-{c.max}")
        add(~nan & ~app[c.key], c.key, "not_applicable", v,
            f"blank or N/A: {c.key} is not used in this edition ({c.note or 'see methodology'})")
        frac = ~nan & (v != np.floor(np.where(nan, 0, v)))
        add(frac, c.key, "not_integer", v, f"a whole number {c.min}-{c.max}")
        add(~nan & ((v < c.min) | (v > c.max)), c.key, "range", v, f"{c.min}-{c.max}")

    # Aggregates equal the signed sum of their terms (only where every used term is present).
    keys = set(rows.columns)
    for c in present:
        if not c.terms or not all(t in keys or not app[t].any() for _, t in c.terms):
            continue
        total = np.zeros(n)
        usable = ~np.isnan(values[c.key])
        for sign, t in c.terms:
            if t not in keys:
                continue
            tv = values[t] if t in values else rows[t].to_numpy(dtype=float)
            usable &= ~(np.isnan(tv) & app[t])
            total += sign * np.where(app[t] & ~np.isnan(tv), tv, 0.0)
        terms = " ".join(f"{'+' if s > 0 else '-'} {headers.get(t, t)}" for s, t in c.terms
                         if t in keys).lstrip("+ ")
        add(usable & (values[c.key] != total), c.key, "sum", values[c.key],
            lambda i, total=total, terms=terms: f"{_show(total[i])} = {terms}")

    # Status.
    if "status" in rows.columns and rows["status"].notna().any():
        st = rows["status"].to_numpy(dtype=object)
        has = pd.notna(st)
        if m.status.rule == "bands" and m.status.component in keys:
            comp = m.component(m.status.component)
            orient = rows["orientation"].fillna(HIGHER_IS_FREER).to_numpy(dtype=object)
            t = rows[comp.key].to_numpy(dtype=float)
            canon = np.where(orient == "lower-is-freer", comp.min + comp.max - t, t)
            want = _band_of(canon, m.status.bands)
            bad = has & (want != None) & (st != want)  # noqa: E711 (elementwise)
            add(bad, "status", "status", st,
                lambda i: _band_text(m, want[i], orient[i]))
        elif m.status.rule == "ratings":
            for table in m.status.ratings:
                if table.component in keys and table.score in keys:
                    sc = rows[table.score].to_numpy(dtype=float)
                    rt = rows[table.component].to_numpy(dtype=float)
                    want = _band_of(sc, table.bands).astype(float)
                    bad = ~np.isnan(rt) & ~np.isnan(want) & (rt != want)
                    label = headers.get(table.score, table.score)
                    add(bad, table.component, "rating", rt,
                        lambda i, want=want, sc=sc, label=label:
                        f"{_show(want[i])} (for {label} {_show(sc[i])})")
            rk = [t.component for t in m.status.ratings]
            if all(k in keys for k in rk):
                r = rows[rk].to_numpy(dtype=float)
                mean = r.mean(axis=1)
                want = _band_of(mean, m.status.bands)
                bad = has & (want != None) & (st != want)  # noqa: E711 (elementwise)
                add(bad, "status", "status", st,
                    lambda i: f"{want[i]} (mean rating {mean[i]:g})")

    # One row per entity and edition.
    known = rows["iso3"].notna().to_numpy()
    dup = rows.duplicated(["iso3", "edition"], keep=False).to_numpy() & known
    if dup.any():
        groups = rows[dup].groupby(["iso3", "edition"])["source_row"].agg(list)
        others = {}
        for (iso, ed), members in groups.items():
            for r in members:
                others[r] = [x for x in members if x != r]
        # Name the entity column the file has (a long file may hold ISO3 codes only).
        entity = "iso3" if "country" not in headers and "iso3" in headers else "country"
        add(dup, entity, "duplicate", cols["country"],
            lambda i: (f"one row per {m.entity} and edition (also on row"
                       f"{'s' if len(others[source_row[i]]) > 1 else ''} "
                       f"{', '.join(str(x) for x in others[source_row[i]])})"))
    return pd.DataFrame(out, columns=FAILURE_COLUMNS)


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
