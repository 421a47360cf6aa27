"""Lazy validation: every rule broken by every row of a score frame, in one table.

The rules come from the methodology: ranges per component, aggregates equal to the signed sum
of their terms, status consistent with the score (band rule) or with the ratings (rating rule),
ratings consistent with their scores, one row per entity and edition, known editions, no blank
where a component applies. Nothing is fixed or dropped here: the caller decides.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .methodology import HIGHER_IS_FREER, STATUS_LABELS, Methodology

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
    eds = rows["edition"]
    present = [c for c in m.components if c.key in rows.columns]

    def add(mask, column_key, rule, found, expected):
        for i in np.flatnonzero(np.asarray(mask, dtype=bool)):
            r = rows.iloc[i]
            out.append(failure(r["source"], r["source_row"], r["country"], r["iso3"],
                               r["edition"], headers.get(column_key, column_key), rule,
                               found[i] if hasattr(found, "__len__") else found,
                               expected[i] if isinstance(expected, (list, np.ndarray,
                                                                     pd.Series)) else expected))

    applies = {c.key: np.array([_applies(c, e) for e in eds], dtype=bool) for c in present}
    skip = {c.key: np.array([(int(n), c.key) in unparsed for n in rows["source_row"]],
                            dtype=bool) for c in present}
    # Editions: known and plausible. A year after the last one listed may be a new edition.
    last = max(m.editions)
    bad_ed = np.array([e is not pd.NA and e == e and int(e) not in m.editions and int(e) <= last
                       for e in eds], dtype=bool)
    add(bad_ed, "edition", "edition", eds.to_numpy(), f"an edition of {m.name} "
        f"({m.editions[0]}-{last}, not {', '.join(str(e) for e in range(m.editions[0], last) if e not in m.editions)})")

    for c in present:
        v = rows[c.key].to_numpy(dtype=float)
        blank = np.isnan(v) & ~skip[c.key]
        add(blank & applies[c.key], c.key, "missing_value", v, f"a score {c.min}-{c.max}")
        add(~np.isnan(v) & ~applies[c.key], c.key, "not_applicable", v,
            f"blank or N/A: {c.key} is not used in this edition ({c.note or 'see methodology'})")
        frac = ~np.isnan(v) & (v != np.floor(np.where(np.isnan(v), 0, v)))
        add(frac, c.key, "not_integer", v, f"a whole number {c.min}-{c.max}")
        add(~np.isnan(v) & ((v < c.min) | (v > c.max)), c.key, "range", v,
            f"{c.min}-{c.max}")

    # Aggregates equal the signed sum of their terms (only where every used term is present).
    keys = set(rows.columns)
    for c in present:
        if not c.terms or not all(t in keys or not _ever_applies(m, t, eds)
                                  for _, t in c.terms):
            continue
        total = np.zeros(len(rows))
        usable = ~np.isnan(rows[c.key].to_numpy(dtype=float))
        for sign, t in c.terms:
            tc = m.component(t)
            if t not in keys:
                continue
            tv = rows[t].to_numpy(dtype=float)
            app = np.array([_applies(tc, e) for e in eds], dtype=bool)
            usable &= ~(np.isnan(tv) & app)
            total += sign * np.where(app & ~np.isnan(tv), tv, 0.0)
        v = rows[c.key].to_numpy(dtype=float)
        terms = " ".join(f"{'+' if s > 0 else '-'} {headers.get(t, t)}" for s, t in c.terms
                         if t in keys).lstrip("+ ")
        expected = [f"{_show(x)} = {terms}" for x in total]
        add(usable & (v != total), c.key, "sum", v, expected)

    # Status.
    if "status" in rows.columns and rows["status"].notna().any():
        st = rows["status"]
        if m.status.rule == "bands" and m.status.component in keys:
            comp = m.status.component
            want = [m.status_for(t, o) if t == t and o in (HIGHER_IS_FREER, "lower-is-freer")
                    else None for t, o in zip(rows[comp].to_numpy(dtype=float),
                                              rows["orientation"].fillna(HIGHER_IS_FREER))]
            bad = [s is not None and s == s and w is not None and s != w
                   for s, w in zip(st, want)]
            expected = [_band_text(m, w, o) for w, o in zip(want, rows["orientation"])]
            add(bad, "status", "status", st.to_numpy(), expected)
        elif m.status.rule == "ratings":
            for table in m.status.ratings:
                if table.component in keys and table.score in keys:
                    sc = rows[table.score].to_numpy(dtype=float)
                    rt = rows[table.component].to_numpy(dtype=float)
                    want = np.array([m.rating_for(table.component, x) if x == x else np.nan
                                     for x in sc], dtype=float)
                    bad = ~np.isnan(rt) & ~np.isnan(want) & (rt != want)
                    add(bad, table.component, "rating", rt,
                        [f"{_show(w)} (for {headers.get(table.score, table.score)} "
                         f"{_show(x)})" for w, x in zip(want, sc)])
            rk = [t.component for t in m.status.ratings]
            if all(k in keys for k in rk):
                r = rows[rk].to_numpy(dtype=float)
                want = [m.status_for_ratings(*x) if not np.isnan(x).any() else None for x in r]
                bad = [s is not None and s == s and w is not None and s != w
                       for s, w in zip(st, want)]
                add(bad, "status", "status", st.to_numpy(),
                    [f"{w} (mean rating {np.mean(x):g})" if w else "" for w, x in zip(want, r)])

    # One row per entity and edition.
    key = pd.Series([f"{i}|{e}" for i, e in zip(rows["iso3"], rows["edition"])],
                    index=rows.index)  # iso3 may be missing (unknown country)
    known = rows["iso3"].notna().to_numpy()
    dup = key.duplicated(keep=False).to_numpy() & known
    first_rows = rows.groupby(key)["source_row"].apply(list)
    # Name the entity column the file has (a long file may hold ISO3 codes only).
    entity = "iso3" if "country" not in headers and "iso3" in headers else "country"
    add(dup, entity, "duplicate", rows["country"].to_numpy(),
        [f"one row per {m.entity} and edition (also on row"
         f"{'s' if len(first_rows[k]) > 2 else ''} "
         f"{', '.join(str(x) for x in first_rows[k] if x != n)})"
         for k, n in zip(key, rows["source_row"])])
    return pd.DataFrame(out, columns=FAILURE_COLUMNS)


def _ever_applies(m: Methodology, key: str, eds) -> bool:
    c = m.component(key)
    return any(_applies(c, e) for e in eds)


def _applies(c, e) -> bool:
    """Whether component ``c`` is used in edition ``e``. An edition that is not a year (already
    reported under rule "edition") counts as using it, so that one bad cell does not turn into
    not_applicable and sum failures for the whole row."""
    return e is pd.NA or e != e or c.applies_to(int(e))


def _band_text(m: Methodology, status, orientation) -> str:
    if status is None:
        return ""
    band = next(b for b in m.status.bands if b.value == status)
    c = m.component(m.status.component)
    lo, hi = int(band.low), int(band.high)
    if orientation == "lower-is-freer":
        lo, hi = c.min + c.max - hi, c.min + c.max - lo
    return f"{status} ({STATUS_LABELS[status]}: {lo}-{hi} on the {orientation} scale)"
