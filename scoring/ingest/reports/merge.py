"""A report's rows added to a score frame, each checked against the row already there.

A report row for a country and edition the frame lacks is added (on the frame's scale for that
edition when its rows share one); one the frame has is compared number by number, its blanks
filled, and a disagreement kept, replaced or raised as the caller chooses.
"""

from __future__ import annotations

import pandas as pd

from ...errors import ReportError
from ...methodology import load_methodology
from .fotn_country import ROWS as REPORT_ROWS

__all__ = ["merge_report"]


def merge_report(frame: pd.DataFrame, report: pd.DataFrame, *,
                 on_conflict: str = "keep") -> tuple[pd.DataFrame, list[str]]:
    """Add a report's rows to a score frame, checking them against rows already there.

    Parameters
    ----------
    frame : DataFrame
        A FOTN score frame (:func:`scoring.read_scores`, :func:`scoring.load_dataset`).
    report : DataFrame
        From :func:`read_report`.
    on_conflict : {"keep", "replace", "raise"}
        For a report row whose country and edition the frame already has and whose status,
        total or categories differ: keep the frame's row, replace its status, total and
        categories (and source) with the report's, or raise :class:`ReportError`. Blank cells
        of the frame's row (a status a totals-only file lacks) are filled from the report
        whatever the choice, and said so in ``notes``.

    Returns
    -------
    merged : DataFrame
        The frame's rows, then the report's new rows. A new row is put on the orientation of
        the frame's rows of its edition when they share one (each component converts as
        ``max - value``; statuses never change); otherwise it keeps the report's.
    notes : list of str
        One line per report row: added, agreeing, or each disagreement with both values.

    Examples
    --------
    >>> from scoring import load_dataset, read_report
    >>> frame = load_dataset("fotn")
    >>> frame = frame[frame["iso3"] != "KAZ"]
    >>> merged, notes = merge_report(frame, read_report("datasets/raw/FOTN2015_Kazakhstan.txt"))
    >>> len(merged) - len(frame), notes
    (2, ['KAZ 2014: added from FOTN2015_Kazakhstan.txt line 7', 'KAZ 2015: added from FOTN2015_Kazakhstan.txt line 7'])
    """
    if on_conflict not in ("keep", "replace", "raise"):
        raise ValueError(f"on_conflict must be 'keep', 'replace' or 'raise'; got {on_conflict!r}")
    keys = set(frame["index"].dropna()) | set(report["index"].dropna()) if len(frame) else set(
        report["index"].dropna())
    if len(keys) > 1:
        raise ValueError(f"frame and report hold different indices: {', '.join(sorted(keys))}")
    m = load_methodology(next(iter(keys)) if keys else "fotn")
    base = frame.copy()
    base.attrs = {}
    comps = [r for r in REPORT_ROWS if r in report.columns]
    notes, new = [], []
    for _, row in report.iterrows():
        where = f"{row['source']} line {row['source_row']}"
        same = base.index[(base["iso3"] == row["iso3"]) & (base["edition"] == row["edition"])]
        target = (base.loc[same[0], "orientation"] if len(same) else
                  _shared(base.loc[base["edition"] == row["edition"], "orientation"]))
        row = row.copy()
        if target is not None and target != row["orientation"]:
            for r in comps:
                row[r] = m.component(r).min + m.component(r).max - row[r]
            row["orientation"] = target
        label = f"{row['iso3']} {row['edition']}"
        if not len(same):
            new.append(row)
            notes.append(f"{label}: added from {where}")
            continue
        notes.extend(_check(base, same[0], row, comps, where, target, on_conflict))
    if new:
        base = _append(base, new)
    base.attrs = {"notes": list(frame.attrs.get("notes", [])) + notes}
    return base, notes


def _check(base: pd.DataFrame, i, row, comps: list[str], where: str, target,
           on_conflict: str) -> list[str]:
    """Compare report ``row`` with the frame's row ``i``: fill its blanks, then keep, replace
    or raise on a disagreement; the notes that say so."""
    label = f"{row['iso3']} {row['edition']}"
    notes = []
    shared = [r for r in comps + ["status"] if r in base.columns]
    blank = [r for r in shared if _blank(base.at[i, r]) and not _blank(row[r])]
    for r in blank:
        base.at[i, r] = row[r]
    if blank:
        notes.append(f"{label}: blank {', '.join(blank)} filled from the report ({where})")
    diffs = [f"{r}: frame {_fmt(base.at[i, r])}, report {_fmt(row[r])}"
             for r in shared if not _equal(base.at[i, r], row[r])]
    if not diffs:
        notes.append(f"{label}: the report ({where}) agrees with the frame "
                     f"({base.at[i, 'source']} row {base.at[i, 'source_row']})")
        return notes
    text = (f"{label}: the report ({where}) disagrees with the frame "
            f"({base.at[i, 'source']} row {base.at[i, 'source_row']}) on "
            f"{target or row['orientation']} values: " + "; ".join(diffs))
    if on_conflict == "raise":
        raise ReportError(text)
    if on_conflict == "replace":
        for c in comps + ["status", "source", "source_row"]:
            base.at[i, c] = row[c]
        text += "; replaced by the report's"
    else:
        text += "; the frame's kept"
    return notes + [text]


def _append(base: pd.DataFrame, new: list) -> pd.DataFrame:
    """``base`` with the report rows ``new`` after it, in its columns and dtypes."""
    add = pd.DataFrame(new).reindex(columns=base.columns)
    if "flags" in add:
        add["flags"] = ""
    base = pd.concat([base, add], ignore_index=True) if len(base) else add.reset_index(
        drop=True)
    for c in ("iso3", "country", "status", "orientation", "source", "flags", "index"):
        if c in base:
            base[c] = pd.array([None if v is None or v != v else str(v) for v in base[c]],
                               dtype="str")
    base["edition"] = base["edition"].astype("Int64")
    return base


def _shared(values):
    found = set(values.dropna())
    return found.pop() if len(found) == 1 else None


def _blank(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def _equal(a, b) -> bool:
    if _blank(a) or _blank(b):
        return _blank(a) and _blank(b)
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a) == str(b)


def _fmt(v) -> str:
    if v is None or v != v:
        return "blank"
    if isinstance(v, float) and v == int(v):
        return str(int(v))
    return str(v)
