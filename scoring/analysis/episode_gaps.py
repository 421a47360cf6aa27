"""Missing editions in series that episodes are found in: listed, and said in notes.

ERT ends a sequence at a missing step (V-Dem's coding gaps). Here a missing edition is a row
with a NaN value or an edition inside a series with no row; :func:`scoring.find_episodes`
lists each one in ``attrs["gaps"]`` and these notes say it in words, so that no row is dropped
without a word.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..datasets.panel import edition_ranges

__all__ = ["series_gaps", "gap_notes", "entities_spanning", "by_country", "plain_number"]


def series_gaps(key, grid, v, rows: set) -> list[dict]:
    """Missing editions inside the series (no row or NaN) and NaN rows anywhere."""
    valid = np.flatnonzero(~np.isnan(v))
    lo, hi = (valid[0], valid[-1]) if len(valid) else (len(v), -1)
    out = []
    for k, e in enumerate(grid):
        if np.isnan(v[k]) and (e in rows or lo < k < hi):
            out.append(dict(entity=key, edition=plain_number(e),
                            kind="NaN" if e in rows else "no row"))
    return out


def gap_notes(gaps: pd.DataFrame, editions, spanning: dict, describe=None) -> list[str]:
    """One note per kind of gap and set of entities sharing it, naming the entities
    (``describe(list)``; default: comma-separated) and the editions. ``spanning[edition]``
    is the set of entities whose rows span the edition: "every series" (or "every series
    but ...") when all (or most) of them share it."""
    notes: list[str] = []
    if gaps.empty:
        return notes
    describe = describe or (lambda names: ", ".join(map(str, names)))
    rows = []
    for (kind, edition), names in gaps.groupby(["kind", "edition"])["entity"]:
        names = sorted(set(names))
        others = sorted(set(spanning.get(edition, ())) - set(names))
        if len(names) > 1 and len(others) < len(names) / 4:
            whom = "every series" + (f" but {describe(others)}" if others else "")
        else:
            whom = describe(names)
        rows.append((kind, whom, len(names) > 1, edition))
    table = pd.DataFrame(rows, columns=["kind", "whom", "several", "edition"])
    for (kind, whom, several), eds in table.groupby(["kind", "whom", "several"], sort=False):
        what = "a NaN value" if kind == "NaN" else "no row"
        verb = "have" if several and not whom.startswith("every") else "has"
        notes.append(f"episodes: {whom} {verb} {what} at "
                     f"{edition_ranges(eds['edition'], editions)}; a missing edition ends a "
                     f"sequence there (ERT's gap rule)")
    return notes


def entities_spanning(rows: pd.DataFrame, entity: str, time: str, editions) -> dict:
    """The set of entities whose rows (any value) span each edition."""
    span = rows.groupby(entity)[time].agg(["min", "max"])
    return {plain_number(e): set(span.index[(span["min"] <= e) & (e <= span["max"])])
            for e in editions}


def by_country(keys):
    """A ``describe`` for :func:`gap_notes`: "AUS (access, content), GBR" from entities
    "AUS|access", "AUS|content" and every series of GBR."""
    def describe(entities: list[str]) -> str:
        per: dict[str, list[str]] = {}
        for e in entities:
            iso3, key = e.split("|", 1)
            per.setdefault(iso3, []).append(key)
        return ", ".join(c if sorted(ks) == sorted(keys) else f"{c} ({', '.join(ks)})"
                         for c, ks in per.items())
    return describe


def plain_number(x):
    """An int when ``x`` is whole (editions, integer points), else a float: what tables show."""
    return int(x) if float(x).is_integer() else float(x)
