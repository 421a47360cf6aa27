"""Episodes of sustained decline or improvement, in score points.

In the spirit of V-Dem's Episodes of Regime Transformation (ERT; Maerz, Edgell, Wilson,
Hellmeier and Lindberg 2023), but on Freedom House's integer 0-100 totals instead of the 0-1
Electoral Democracy Index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..datasets.panel import as_panel
from .series import long_series

__all__ = ["EpisodeRules", "find_episodes", "episodes", "EPISODE_COLUMNS"]

EPISODE_COLUMNS = ["entity", "direction", "baseline_edition", "first_edition", "last_edition",
                   "start_value", "end_value", "total_change", "n_steps", "ongoing", "ended_by",
                   "spans_gap"]


@dataclass(frozen=True)
class EpisodeRules:
    """Thresholds of an episode, in score points and editions.

    Attributes
    ----------
    start : float
        A step of at least this many points in the direction opens a candidate episode.
        Default 1: the smallest move an integer score can make (ERT: 0.01 on the 0-1 EDI).
    cumulative : float
        The candidate counts as an episode only if the score moved at least this far from the
        last value before it (its baseline) to its extreme. Default 10 points (ERT: 0.10),
        well beyond the one-to-three-point moves that a re-scoring could flip
        (:func:`scoring.rescoring_robustness`).
    one_step_reversal : float
        A single step of at least this many points against the direction ends the episode.
        Default 3 (ERT: 0.03 in one year).
    gradual_reversal : float
        The episode ends once the score has recovered this many points from its extreme.
        Default 10 (ERT: a cumulative turn of 0.10).
    tolerance : int
        The episode ends when this many steps pass without a further move of at least
        ``start`` in its direction (stasis). Default 5 (ERT: 5 years).

    Notes
    -----
    A step is the change between two successive editions in the data. Where the data skip
    editions the index published (a panel built without some years), one step spans several
    years: the episode is then marked ``spans_gap``.
    """

    start: float = 1
    cumulative: float = 10
    one_step_reversal: float = 3
    gradual_reversal: float = 10
    tolerance: int = 5

    def __post_init__(self):
        for name in ("start", "cumulative", "one_step_reversal", "gradual_reversal"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and v > 0):
                raise ValueError(f"{name} must be a positive number of points; got {v!r}")
        if not (isinstance(self.tolerance, int) and self.tolerance >= 1):
            raise ValueError(f"tolerance must be a whole number of steps >= 1; "
                             f"got {self.tolerance!r}")


def find_episodes(
    data: pd.DataFrame,
    *,
    entity: str = "iso3",
    time: str = "edition",
    value: str = "total",
    rules: EpisodeRules = EpisodeRules(),
    published_editions=None,
) -> pd.DataFrame:
    """Episodes of sustained decline and improvement in each entity's series.

    Parameters
    ----------
    data : DataFrame
        Long: one row per entity and time, values on a higher-is-freer scale (use
        :func:`scoring.to_canonical` first).
    entity, time, value : str
        Column names.
    rules : EpisodeRules
        Thresholds (defaults justified in :class:`EpisodeRules`).
    published_editions : sequence of int, optional
        Every edition the index published; steps that skip one are marked ``spans_gap``.

    Returns
    -------
    DataFrame
        One row per episode, columns :data:`EPISODE_COLUMNS`: ``entity``, ``direction``
        ("decline" or "improvement"), ``baseline_edition`` (the last edition before the
        episode), ``first_edition`` (first edition that moved), ``last_edition`` (the edition
        of the extreme value, where the episode ends), ``start_value`` (at baseline),
        ``end_value`` (at the extreme), ``total_change`` (end - start), ``n_steps``,
        ``ongoing`` (not ended by a reversal or stasis by the last edition in the data),
        ``ended_by`` ("one-step reversal", "gradual reversal", "stasis", "series ends at
        <edition>" when the entity is not in the data's last edition, or "" when ongoing),
        ``spans_gap``. Sorted by entity, then first edition.

    Notes
    -----
    For direction d (-1 decline, +1 improvement), scanning steps delta_i in time order: a step
    with d * delta_i >= start opens a candidate with baseline v_{i-1}. While open, the extreme
    is the value furthest in direction d. It closes at the first step j where
    -d * delta_j >= one_step_reversal, or d * (extreme - v_j) >= gradual_reversal, or more than
    ``tolerance`` steps have passed since the last step with d * delta >= start. It counts when
    d * (extreme - baseline) >= cumulative. Scanning resumes after the extreme.

    Examples
    --------
    >>> s = pd.DataFrame({"iso3": "X", "edition": range(2011, 2019),
    ...                   "total": [60, 58, 55, 52, 50, 49, 49, 55]})
    >>> find_episodes(s)[["direction", "first_edition", "last_edition", "total_change",
    ...                   "ended_by"]].values.tolist()
    [['decline', 2012, 2016, -11, 'one-step reversal']]
    """
    for col in (entity, time, value):
        if col not in data.columns:
            raise ValueError(f"{col!r} must be a column of data; columns are "
                             f"{', '.join(map(str, data.columns))}")
    published = sorted(set(int(e) for e in published_editions)) if published_editions else []
    found = []
    clean = data[[entity, time, value]].dropna()
    dup = clean.duplicated([entity, time])
    if dup.any():
        first = clean[dup].iloc[0]
        raise ValueError(f"data has several rows for {entity} {first[entity]!r} at {time} "
                         f"{first[time]!r}: one value per entity and time is needed")
    last_time = clean[time].max() if len(clean) else None
    for key, series in clean.sort_values([entity, time]).groupby(entity, sort=True):
        t = series[time].to_numpy()
        v = series[value].to_numpy(dtype=float)
        for direction, d in (("decline", -1), ("improvement", 1)):
            for ep in _scan(t, v, d, rules):
                if ep["ended_by"] == "" and t[-1] != last_time:
                    ep["ended_by"] = f"series ends at {_plain(t[-1])}"
                b, e = ep["baseline"], ep["extreme"]
                gap = any(any(t[k] < p < t[k + 1] for p in published) for k in range(b, e))
                found.append(dict(entity=key, direction=direction,
                                  baseline_edition=_plain(t[b]), first_edition=_plain(t[b + 1]),
                                  last_edition=_plain(t[e]), start_value=_num(v[b]),
                                  end_value=_num(v[e]), total_change=_num(v[e] - v[b]),
                                  n_steps=e - b, ongoing=ep["ended_by"] == "",
                                  ended_by=ep["ended_by"], spans_gap=gap))
    out = pd.DataFrame(found, columns=EPISODE_COLUMNS)
    return out.sort_values(["entity", "first_edition", "direction"], kind="stable").reset_index(
        drop=True)


def _scan(t, v, d, rules: EpisodeRules):
    episodes = []
    i = 1
    n = len(v)
    while i < n:
        if d * (v[i] - v[i - 1]) < rules.start:
            i += 1
            continue
        baseline, extreme, last_move = i - 1, i, i
        ended_by = ""
        j = i + 1
        while j < n:
            step = v[j] - v[j - 1]
            if -d * step >= rules.one_step_reversal:
                ended_by = "one-step reversal"
                break
            if d * step >= rules.start:
                last_move = j
            if d * (v[j] - v[extreme]) > 0:
                extreme = j
            if d * (v[extreme] - v[j]) >= rules.gradual_reversal:
                ended_by = "gradual reversal"
                break
            if j - last_move >= rules.tolerance:
                ended_by = "stasis"
                break
            j += 1
        if d * (v[extreme] - v[baseline]) >= rules.cumulative:
            episodes.append(dict(baseline=baseline, extreme=extreme, ended_by=ended_by))
        i = extreme + 1 if ended_by else n
    return episodes


def _plain(x):
    return int(x) if isinstance(x, (np.integer, int)) or float(x).is_integer() else x


def _num(x):
    return int(x) if float(x).is_integer() else float(x)


def episodes(
    data=None,
    *,
    index=None,
    series: str = "total",
    countries=None,
    include_territories: bool = False,
    rules: EpisodeRules = EpisodeRules(),
) -> pd.DataFrame:
    """Episodes in the bundled (or given) data of an index: :func:`find_episodes` per series.

    Parameters
    ----------
    data : Panel or DataFrame, optional
        A panel, or score rows on any published scale (default: the bundled dataset of
        ``index``), as for :func:`scoring.compare`.
    index : str or Methodology, optional
    series : str
        "total", "categories", "questions" or a component key (see
        :func:`scoring.long_series`).
    countries, include_territories
        As in :func:`scoring.compare`.
    rules : EpisodeRules

    Returns
    -------
    DataFrame
        ``iso3``, ``country``, ``series``, then :data:`EPISODE_COLUMNS` without ``entity``.
    """
    panel = as_panel(data, index)
    m = panel.methodology
    long = long_series(panel, series=series, countries=countries,
                       include_territories=include_territories)
    long["entity"] = long["iso3"] + "|" + long["series"]
    found = find_episodes(long, entity="entity", time="edition", value="value", rules=rules,
                          published_editions=m.editions)
    parts = found["entity"].str.split("|", n=1, expand=True) if len(found) else None
    found.insert(0, "iso3", parts[0] if parts is not None else pd.Series(dtype="str"))
    found.insert(1, "series", parts[1] if parts is not None else pd.Series(dtype="str"))
    names = long.drop_duplicates("iso3").set_index("iso3")["country"]
    found.insert(1, "country", found["iso3"].map(names))
    return found.drop(columns="entity")
