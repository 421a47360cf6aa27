"""Which way a file's scale runs: from the user, a label in the source, or status consistency.

The same FOTN edition circulates on both scales (Freedom House's site shows old editions
converted; the original PDFs and many mirrors do not), so an edition year never decides the
scale. Evidence, in order of strength:

1. what the user states (``orientation=``);
2. a label in the source ("0=most free, 100=least free", "100 representing the most free");
3. status consistency: under the band rule, each row whose status fits the bands of exactly one
   orientation is a vote for it.

Whatever evidence exists must agree; when none decides, or two pieces disagree, the reader stops
with an :class:`~scoring.errors.OrientationError` that lists what it found.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import OrientationError
from ..methodology import HIGHER_IS_FREER, LOWER_IS_FREER, Methodology

__all__ = ["label_orientation", "status_votes", "settle"]

_LABELS = [
    (LOWER_IS_FREER, r"(?<![\d.])0\s*=\s*most\s+free"),
    (LOWER_IS_FREER, r"100\s*=\s*least\s+free"),
    (LOWER_IS_FREER, r"(?<![\d.])0\s+(?:represent\w*|being)\s+the\s+most\s+free"),
    (HIGHER_IS_FREER, r"100\s*=\s*most\s+free"),
    (HIGHER_IS_FREER, r"(?<![\d.])0\s*=\s*least\s+free"),
    (HIGHER_IS_FREER, r"100\s+(?:represent\w*|being)\s+the\s+most\s+free"),
]
# A vote share this large carries the decision; the outvoted rows are left to validation,
# which reports their status as inconsistent.
_MAJORITY = 0.9
_MIN_VOTES = 3


def label_orientation(texts) -> tuple[str | None, str]:
    """Orientation named by a label in free text, with the label; (None, "") if none."""
    found = {}
    for text in texts:
        for orient, pattern in _LABELS:
            hit = re.search(pattern, str(text), flags=re.IGNORECASE)
            if hit:
                found.setdefault(orient, hit.group(0))
    if len(found) == 1:
        (o, label), = found.items()
        return o, label
    if len(found) > 1:
        raise OrientationError("the file's labels name both scale directions: "
                               + "; ".join(f"{v!r} ({k})" for k, v in found.items()))
    return None, ""


def _fits(frame: pd.DataFrame, m: Methodology) -> dict[str, np.ndarray]:
    """Per row and orientation: does the published status fit the total's band?"""
    n = len(frame)
    fits = {HIGHER_IS_FREER: np.zeros(n, bool), LOWER_IS_FREER: np.zeros(n, bool)}
    if m.status.rule != "bands" or "status" not in frame or m.status.component not in frame:
        return fits
    comp = m.component(m.status.component)
    total = frame[comp.key].to_numpy(dtype=float)
    status = frame["status"].to_numpy(dtype=object)
    for o in fits:
        canon = total if o == HIGHER_IS_FREER else comp.min + comp.max - total
        band = np.full(n, None, dtype=object)
        for b in m.status.bands:
            band[(canon >= b.low) & (canon <= b.high)] = b.value
        fits[o] = pd.notna(status) & (band == status)
    return fits


def status_votes(group: pd.DataFrame, m: Methodology) -> dict[str, int]:
    """Rows whose published status fits the total's band under one orientation only."""
    fits = _fits(group, m)
    return {HIGHER_IS_FREER: int((fits[HIGHER_IS_FREER] & ~fits[LOWER_IS_FREER]).sum()),
            LOWER_IS_FREER: int((fits[LOWER_IS_FREER] & ~fits[HIGHER_IS_FREER]).sum())}


def _decide_from_votes(votes: dict[str, int]) -> str | None:
    n = sum(votes.values())
    if n < _MIN_VOTES:
        return None
    best = max(votes, key=votes.get)
    return best if votes[best] / n >= _MAJORITY else "contradictory"


def _minority(frame: pd.DataFrame, fits: pd.DataFrame, ed: int, votes: dict) -> str:
    """The rows of the smaller side of a split vote (both sides when even), as "lower-is-freer
    only at row 3 (Estonia), ..." (five rows a side at most)."""
    low = min(votes.values())
    said = []
    for side in [s for s, n in votes.items() if n == low]:
        rows = frame[(fits["edition"] == ed).to_numpy() & fits[side].to_numpy()]
        named = [f"row {r} ({c})" for r, c in zip(rows.get("source_row", rows.index),
                                                  rows.get("country", [""] * len(rows)))]
        said.append(f"{side} only at " + ", ".join(named[:5])
                    + (", ..." if len(named) > 5 else ""))
    return "; ".join(said)


def _declared(frame: pd.DataFrame, where: str) -> dict[int, str]:
    """Edition -> the scale a file's own orientation column gives its rows (one per edition,
    or OrientationError naming the rows that disagree)."""
    if "_declared" not in frame.columns:
        return {}
    out = {}
    given = frame[frame["_declared"].notna() & frame["edition"].notna()]
    for ed, rows in given.groupby("edition"):
        scales = sorted(set(rows["_declared"]))
        if len(scales) > 1:
            first = {s: int(rows.loc[rows["_declared"] == s, "source_row"].iloc[0])
                     for s in scales}
            raise OrientationError(
                f"{where}: edition {int(ed)}: the orientation column gives both scales ("
                + ", ".join(f"{s} from row {r}" for s, r in sorted(first.items(),
                                                                    key=lambda x: x[1]))
                + "); one edition is published on one scale: split the file or correct it")
        out[int(ed)] = scales[0]
    return out


def _single(frame, m: Methodology, stated, declared: dict, where: str) -> pd.DataFrame:
    """An index published on one scale in every edition: that scale, unless contradicted."""
    single = m.single_orientation
    wrong = sorted(ed for ed, o in declared.items() if o != single)
    if wrong:
        raise OrientationError(f"{where}: {m.name} is published {single} in every "
                               f"edition; the file's orientation column says "
                               f"{declared[wrong[0]]!r} for edition {wrong[0]}")
    if stated is not None and stated != single:
        raise OrientationError(f"{where}: {m.name} is published {single} in every "
                               f"edition; orientation={stated!r} contradicts that")
    frame["orientation"] = single
    return frame


def settle(frame: pd.DataFrame, m: Methodology, *, stated: str | None, texts, where: str,
           notes: list[str]) -> pd.DataFrame:
    """Set column ``orientation`` edition by edition, or raise OrientationError."""
    declared = _declared(frame, where)
    frame = frame.drop(columns=["_declared"], errors="ignore")
    if m.single_orientation is not None:
        return _single(frame, m, stated, declared, where)
    label, label_text = label_orientation(texts)
    result = frame.copy()
    chosen_by_edition = {}
    fits = _fits(frame, m)
    tally_fits = pd.DataFrame({
        "edition": frame["edition"].to_numpy(dtype=float, na_value=np.nan),
        HIGHER_IS_FREER: fits[HIGHER_IS_FREER] & ~fits[LOWER_IS_FREER],
        LOWER_IS_FREER: fits[LOWER_IS_FREER] & ~fits[HIGHER_IS_FREER],
    })
    tally = tally_fits.groupby("edition").sum()
    for ed_float, counts in zip(tally.index, tally.itertuples(index=False)):
        ed = int(ed_float)
        votes = {HIGHER_IS_FREER: int(counts[0]), LOWER_IS_FREER: int(counts[1])}
        by_status = _decide_from_votes(votes)
        evidence = {}
        if stated is not None:
            evidence["you said"] = stated
        if label is not None:
            evidence[f"the file says {label_text!r}"] = label
        if ed in declared:
            evidence[f"its orientation column says {declared[ed]!r}"] = declared[ed]
        if by_status == "contradictory":
            if not evidence:
                raise OrientationError(
                    f"{where}: edition {ed}: statuses fit the bands of both scales "
                    f"({votes[HIGHER_IS_FREER]} rows higher-is-freer, {votes[LOWER_IS_FREER]} "
                    f"lower-is-freer: {_minority(frame, tally_fits, ed, votes)}); the file may "
                    "mix scales. Split it, or check the statuses")
            # The statuses settle nothing; what the file or the user says does, and
            # validation names each row whose status does not fit its score.
            by_status = None
        if by_status is not None:
            evidence[f"{votes[by_status]} of {sum(votes.values())} statuses fit only its "
                     "bands"] = by_status
        chosen = set(evidence.values())
        if not chosen:
            raise OrientationError(
                f"{where}: edition {ed}: cannot tell which way the scale runs: no label in the "
                "file, and too few statuses that fit only one scale's bands "
                f"({sum(votes.values())}). Say it: orientation='higher-is-freer' (100 = most "
                "free) or 'lower-is-freer' (0 = most free); on the command line --orientation "
                "(validate) or --data-orientation (compare)")
        if len(chosen) > 1:
            raise OrientationError(f"{where}: edition {ed}: the evidence disagrees on the "
                                   "scale: " + "; ".join(f"{k}: {v}" for k, v in
                                                         evidence.items()))
        orient = chosen.pop()
        chosen_by_edition[ed] = orient
        published = m.published_orientation(int(ed)) if not pd.isna(ed) else None
        why = "; ".join(evidence)
        line = f"{where}: edition {ed} read as {orient} ({why})"
        if published is not None and published.orientation != orient:
            line += (f"; the edition was first published {published.orientation}, so this "
                     "file carries values converted by its publisher")
        notes.append(line)
    if len(chosen_by_edition) > 20:
        notes[:] = [n for n in notes if " read as " not in n] + [
            f"{where}: {len(chosen_by_edition)} editions read as "
            + ", ".join(sorted(set(chosen_by_edition.values())))]
    result["orientation"] = pd.array(
        pd.Series(frame["edition"].to_numpy(dtype=float, na_value=np.nan)).map(
            {float(k): v for k, v in chosen_by_edition.items()}).tolist(), dtype="str")
    # Rows whose edition is not a year (already a validation failure) take the file's scale
    # when every edition agrees on one; they are no evidence either way.
    no_edition = frame["edition"].isna()
    if no_edition.any():
        decided = set(result.loc[~no_edition, "orientation"].dropna())
        if len(decided) == 1:
            result.loc[no_edition, "orientation"] = decided.pop()
        elif stated is not None or label is not None:
            result.loc[no_edition, "orientation"] = stated or label
        else:
            raise OrientationError(
                f"{where}: {int(no_edition.sum())} rows have no valid edition and the file's "
                "editions do not settle one scale for them; fix the edition cells or say "
                "orientation=")
    return result
