"""Decomposition of change between two editions: ranks, status boundaries, transitions,
question-level changes.

Pure functions on canonical (higher-is-freer) score frames; :func:`scoring.compare` assembles
them into its result.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..methodology import Methodology

__all__ = ["STATUS_ORDER", "ranks", "status_distances", "transition_matrix",
           "question_changes"]

#: Statuses from least to most free.
STATUS_ORDER = ["NF", "PF", "F"]


def ranks(totals: pd.Series) -> pd.Series:
    """Rank 1 = freest (highest canonical total); ties share the lowest rank ("min").

    Examples
    --------
    >>> ranks(pd.Series([90.0, 75.0, 90.0, 20.0])).tolist()
    [1, 3, 1, 4]
    """
    return totals.rank(method="min", ascending=False).astype("Int64")


def rank_table(counted: pd.DataFrame, total: str, a: int, b: int) -> tuple[pd.DataFrame, str]:
    """Ranks of every unit of editions ``a`` and ``b`` and their change, and a note.

    ``rank_from``/``rank_to`` rank every unit of its own edition, so a unit's ``rank_change``
    moves when units enter or leave the panel even though its score did not;
    ``rank_change_common`` ranks only the units in both editions, so entries and exits do not
    move it.
    The note (empty when the panel did not change) says how many rank changes are panel change.
    """
    side = {ed: counted[counted["edition"] == ed].set_index("iso3")[total] for ed in (a, b)}
    both = side[a].index.intersection(side[b].index)
    out = pd.DataFrame({"rank_from": ranks(side[a]).reindex(both),
                        "rank_to": ranks(side[b]).reindex(both)})
    out["rank_change"] = out["rank_from"] - out["rank_to"]
    out["rank_change_common"] = (ranks(side[a].loc[both]) - ranks(side[b].loc[both]))
    entered, left = side[b].index.difference(both), side[a].index.difference(both)
    moved = int((out["rank_change"] != out["rank_change_common"]).sum())
    if not moved:
        return out, ""
    return out, (f"Rank changes include panel change: {len(entered)} "
                 f"unit{'s' if len(entered) != 1 else ''} entered and "
                 f"{len(left)} left between {a} and {b}, which rank_change counts; it differs "
                 f"for {moved} of {len(both)} from rank_change_common, which ranks only the "
                 "units in both editions.")


def status_distances(frame: pd.DataFrame, m: Methodology) -> pd.DataFrame:
    """Points to the nearest status boundary, up (to a freer status) and down.

    Parameters
    ----------
    frame : DataFrame
        Canonical scores of one edition: the total (band rule) or ``pr`` and ``cl`` (rating
        rule).
    m : Methodology

    Returns
    -------
    DataFrame
        Same index; ``points_to_freer_status``: the fewest points the country must gain to
        reach a freer status (NaN when already in the freest); ``points_to_less_free_status``:
        the fewest points it must lose to fall to a less free one (NaN when already in the
        least free).

    Notes
    -----
    Band rule (FOTN): with the total in band [low, high], up = high + 1 - total and
    down = total - low + 1. Rating rule (FIW): status follows from the mean of the PR and CL
    ratings, so the distance is the smallest |dPR| + |dCL| (both moving the same way, within
    their ranges) that changes the status, found by searching every reachable (PR, CL) pair.
    """
    out = pd.DataFrame(index=frame.index, dtype=float,
                       columns=["points_to_freer_status", "points_to_less_free_status"])
    if m.status.rule == "bands":
        total = frame[m.status.component].to_numpy(dtype=float)
        bands = sorted(m.status.bands, key=lambda b: b.low)
        up = np.full(len(total), np.nan)
        down = np.full(len(total), np.nan)
        for i, b in enumerate(bands):
            inside = (total >= b.low) & (total <= b.high)
            if i + 1 < len(bands):
                up[inside] = b.high + 1 - total[inside]
            if i > 0:
                down[inside] = total[inside] - b.low + 1
        out["points_to_freer_status"] = up
        out["points_to_less_free_status"] = down
        return out
    pr_t, cl_t = (t for t in m.status.ratings)
    pr_c, cl_c = m.component(pr_t.score), m.component(cl_t.score)
    prs = np.arange(pr_c.min, pr_c.max + 1)
    cls = np.arange(cl_c.min, cl_c.max + 1)
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    grid = np.array([[rank[m.status_for_ratings(pr_t.rating_for(p), cl_t.rating_for(c))]
                      for c in cls] for p in prs])
    pr = frame[pr_t.score].to_numpy(dtype=float)
    cl = frame[cl_t.score].to_numpy(dtype=float)
    ok = ~(np.isnan(pr) | np.isnan(cl))
    pi = np.clip(np.nan_to_num(pr - pr_c.min).astype(int), 0, len(prs) - 1)
    ci = np.clip(np.nan_to_num(cl - cl_c.min).astype(int), 0, len(cls) - 1)
    here = grid[pi, ci]
    dp = prs[None, :, None] - np.nan_to_num(pr)[:, None, None]
    dc = cls[None, None, :] - np.nan_to_num(cl)[:, None, None]
    cost = np.abs(dp) + np.abs(dc)
    for col, sign, better in (("points_to_freer_status", 1, True),
                              ("points_to_less_free_status", -1, False)):
        same_way = (sign * dp >= 0) & (sign * dc >= 0)
        changed = grid[None] > here[:, None, None] if better else grid[None] < here[:, None, None]
        c = np.where(same_way & changed, cost, np.inf).min(axis=(1, 2))
        out[col] = np.where(ok & np.isfinite(c), c, np.nan)
    return out


def transition_matrix(status_from: pd.Series, status_to: pd.Series) -> pd.DataFrame:
    """Counts of units by status in the earlier (rows) and later (columns) edition.

    Rows and columns run Free, Partly Free, Not Free; a unit with no status in an edition is
    counted under "(none)" so that the matrix always adds up to the units compared.
    """
    order = list(reversed(STATUS_ORDER))
    f = status_from.fillna("(none)")
    t = status_to.fillna("(none)")
    labels = order + (["(none)"] if (f == "(none)").any() or (t == "(none)").any() else [])
    table = pd.crosstab(pd.Categorical(f, categories=labels),
                        pd.Categorical(t, categories=labels), dropna=False)
    table.index.name, table.columns.name = "status_from", "status_to"
    return table.astype(int)


def question_changes(before: pd.DataFrame, after: pd.DataFrame, m: Methodology) -> pd.DataFrame:
    """Long table of question-level changes for units with every question in both editions.

    Parameters
    ----------
    before, after : DataFrame
        Canonical scores of the two editions, indexed by ``iso3``.

    Returns
    -------
    DataFrame
        One row per unit and question: ``iso3``, ``category`` (the question's parent),
        ``question``, ``score_from``, ``score_to``, ``delta``. Units missing a question in
        either edition are absent (their category changes still stand in the country table).
    """
    keys = [q.key for q in m.questions]
    cols = ["iso3", "category", "question", "score_from", "score_to", "delta"]
    if not all(k in before.columns and k in after.columns for k in keys):
        return pd.DataFrame(columns=cols)
    both = before.index.intersection(after.index)
    a = before.loc[both, keys]
    b = after.loc[both, keys]
    full = a.notna().all(axis=1) & b.notna().all(axis=1)
    a, b = a[full], b[full]
    parent = {q.key: q.parent for q in m.questions}
    long = pd.DataFrame({
        "iso3": np.repeat(a.index.to_numpy(), len(keys)),
        "question": np.tile(keys, len(a)),
        "score_from": a.to_numpy(dtype=float).ravel(),
        "score_to": b.to_numpy(dtype=float).ravel(),
    })
    long["category"] = long["question"].map(parent)
    long["delta"] = long["score_to"] - long["score_from"]
    return long[cols]
