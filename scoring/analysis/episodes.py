"""Episodes of sustained decline or improvement: V-Dem's ERT rules, in score points.

V-Dem's Episodes of Regime Transformation (ERT; Maerz, Edgell, Wilson, Hellmeier and Lindberg
2023; the rules as the ERT package's code applies them, v15) find episodes on the 0-1 Electoral
Democracy Index. Here the same rules run on Freedom House's integer scores, with ERT's thresholds
multiplied by 100 and compared with integer points (dividing the scores by 100 would put ties
such as a 3-point step against a 0.03 threshold at the mercy of floating point). Declines follow
ERT's autocratisation scan, improvements its democratisation scan (the same rules, mirrored).
ERT's Regimes-of-the-World parts (regime transitions, closed autocracy, termination 4 and the
outcome types) have no Freedom House counterpart and are left out.

For direction d (-1 decline, +1 improvement), a step is d * (v_t - v_{t-1}) between successive
editions:

- **The panel.** Each series is padded to every edition from the first to the last in the data
  (and, given ``published_editions``, every edition published in that range). A missing edition
  -- no row, or a NaN value -- is a missing step, and a missing step ends a sequence (ERT's
  gaps). The output names every such edition in ``attrs["notes"]``; no row is dropped quietly.
- **Opening.** A step >= ``start`` opens a potential episode; the edition before it is the
  pre-episode edition, where the sequence starts. Every step >= ``start`` is a qualifying move.
- **Turn.** A step < -``one_step_reversal`` (strictly: a step of exactly 3 points against the
  direction is no turn but stasis) closes the sequence before the turn.
- **Stasis.** Steps that are neither moves nor turns. Their changes are summed from the last
  qualifying move on; the count and the sum restart at every move. The sequence closes when the
  sum goes strictly past -``gradual_reversal``, at the ``tolerance``-th stasis step in a row, at
  a missing step, or at the end of the series.
- **Manifest.** Only sequences with max - min >= ``cumulative`` over all their editions (the
  pre-episode edition and trailing stasis included) are episodes.
- **End and termination.** In the ``tolerance`` editions after the last qualifying move, ERT
  looks for a one-year turn (any step there < -``one_step_reversal``: code 2), else a
  cumulative turn (the score there at least ``gradual_reversal`` back from its value at the last
  move: code 3), else stasis (all ``tolerance`` steps there present and neither moves nor turns:
  code 1). If one is found the episode ends at the last qualifying move. If none is found and
  the series ends or a gap starts fewer than ``tolerance`` editions after the sequence's last
  edition, the outcome is unknown (code 0, censored) and the episode ends at the sequence's last
  edition, which can be after its last move.

Where Freedom House data need a choice ERT does not make: steps and ``tolerance`` count
editions, not years (both indices publish one edition a year in the bundled range, so 5
editions are ERT's 5 years); scores are canonical (higher-is-freer), so FOTN's pre-2019 scale
is converted before any step is taken; category and question series use the same point
thresholds unless the caller scales them (ERT's shares of a 0-1 index have no exact integer
counterpart on a 25-point category).

Two consequences of ERT's code worth knowing. The window looks past a gap: a turn in the
editions after a missing one, within the window, ends the episode as a turn instead of
censoring it. And a recovery of exactly ``gradual_reversal`` does not close the sequence (the
sum must go past it) but is coded as a cumulative turn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..datasets.panel import as_panel
from .episode_gaps import by_country, entities_spanning, gap_notes, plain_number, series_gaps
from .series import long_series

__all__ = ["EpisodeRules", "find_episodes", "episodes", "EPISODE_COLUMNS", "TERMINATIONS"]

EPISODE_COLUMNS = ["entity", "direction", "pre_episode_edition", "first_edition",
                   "last_edition", "last_move_edition", "start_value", "end_value",
                   "total_change", "extent", "n_steps", "termination", "ended_by", "censored",
                   "censored_by"]

#: ERT's termination codes (4, a regime transition, has no Freedom House counterpart).
TERMINATIONS = {0: "unknown (censored)", 1: "stasis", 2: "one-year turn", 3: "cumulative turn"}


@dataclass(frozen=True)
class EpisodeRules:
    """ERT's thresholds, in score points and editions.

    Each default is ERT's threshold on the 0-1 EDI times 100, compared with integer points.

    Attributes
    ----------
    start : float
        A step of at least this many points in the direction opens a potential episode and
        counts as a qualifying move. Default 1, the smallest move of an integer score
        (ERT ``start_incl`` 0.01).
    cumulative : float
        The sequence is an episode only if its highest and lowest scores are at least this far
        apart. Default 10 (ERT ``cum_incl`` 0.10), well beyond the one-to-three-point moves a
        re-scoring could flip (:func:`scoring.rescoring_robustness`).
    one_step_reversal : float
        A step of *more* than this many points against the direction is a one-year turn.
        Default 3 (ERT ``year_turn`` 0.03).
    gradual_reversal : float
        Stasis changes summing to *more* than this many points against the direction close the
        sequence (a cumulative turn). Default 10 (ERT ``cum_turn`` 0.10).
    tolerance : int
        Editions of stasis that close a sequence, and the editions after the last move that
        are searched for its termination. Default 5 (ERT: 5 years; Freedom House publishes one
        edition a year).

    Notes
    -----
    The field names predate the port to ERT and are kept so that callers and the CLI options
    keep working; ERT's names are given above.
    """

    start: float = 1
    cumulative: float = 10
    one_step_reversal: float = 3
    gradual_reversal: float = 10
    tolerance: int = 5

    def __post_init__(self):
        for name in ("start", "cumulative", "one_step_reversal", "gradual_reversal"):
            v = getattr(self, name)
            if isinstance(v, bool) or not (isinstance(v, (int, float)) and v > 0):
                raise ValueError(f"{name} must be a positive number of points; got {v!r}")
        if isinstance(self.tolerance, bool) or not (isinstance(self.tolerance, int)
                                                    and self.tolerance >= 1):
            raise ValueError(f"tolerance must be a whole number of editions >= 1; "
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
    """Episodes of sustained decline and improvement in each entity's series, by ERT's rules.

    Parameters
    ----------
    data : DataFrame
        Long: one row per entity and time, values on a higher-is-freer scale (use
        :func:`scoring.to_canonical` first). Rows with a NaN value are missing editions.
    entity, time, value : str
        Column names.
    rules : EpisodeRules
        Thresholds (defaults justified in :class:`EpisodeRules`).
    published_editions : sequence of int, optional
        Every edition the index published: one inside the data's range that an entity lacks
        is a missing edition too.

    Returns
    -------
    DataFrame
        One row per episode, columns :data:`EPISODE_COLUMNS`: ``entity``, ``direction``
        ("decline" or "improvement"), ``pre_episode_edition`` (where the sequence starts),
        ``first_edition`` (the next edition: the episode's start), ``last_edition`` (its end:
        the last qualifying move, or the sequence's last edition when censored),
        ``last_move_edition``, ``start_value`` (at the pre-episode edition), ``end_value`` (at
        ``last_edition``), ``total_change`` (end - start), ``extent`` (max - min over the
        sequence: the manifest test), ``n_steps`` (editions from pre-episode to end),
        ``termination`` (ERT's code, :data:`TERMINATIONS`), ``ended_by`` (the code in words),
        ``censored`` (outcome unknown), ``censored_by`` ("the data end at 2024", "its series
        ends at 2016", "no value at 2012", or ""). Sorted by entity, then first edition.
        ``attrs["gaps"]`` lists every missing edition inside a series and every NaN row
        (``entity``, ``edition``, ``kind``: "NaN" or "no row"); ``attrs["notes"]`` says it
        in words.

    Notes
    -----
    The rules are in the module docstring (:mod:`scoring.analysis.episodes`). Writing
    x_t = d * v_t and s_t = x_t - x_{t-1}: a move is s_t >= start, a turn
    s_t < -one_step_reversal, stasis anything else; the sequence closes when
    sum(stasis s since the last move) < -gradual_reversal or at the tolerance-th stasis step.
    It is an episode when max(v) - min(v) >= cumulative over the sequence.

    Examples
    --------
    >>> s = pd.DataFrame({"iso3": "X", "edition": range(2006, 2014),
    ...                   "total": [50, 49, 46, 43, 41, 40, 44, 44]})
    >>> find_episodes(s)[["direction", "first_edition", "last_edition", "total_change",
    ...                   "ended_by", "censored"]].values.tolist()
    [['decline', 2007, 2011, -10, 'one-year turn', False]]
    """
    for col in (entity, time, value):
        if col not in data.columns:
            raise ValueError(f"{col!r} must be a column of data; columns are "
                             f"{', '.join(map(str, data.columns))}")
    rows = data[[entity, time, value]]
    if not pd.api.types.is_numeric_dtype(rows[value]):
        raise ValueError(f"column {value!r} must hold numbers (score points); got "
                         f"{rows[value].dtype} values")
    dup = rows.duplicated([entity, time])
    if dup.any():
        first = rows[dup].iloc[0]
        raise ValueError(f"data has several rows for {entity} {first[entity]!r} at {time} "
                         f"{first[time]!r}: one value per entity and time is needed")
    grid = _grid(rows[time], published_editions)
    found, gaps = [], []
    for key, part in rows.sort_values([entity, time]).groupby(entity, sort=True):
        v = np.full(len(grid), np.nan)
        v[np.searchsorted(grid, part[time].to_numpy())] = part[value].to_numpy(dtype=float)
        gaps += series_gaps(key, grid, v, set(part[time]))
        for direction, d in (("decline", -1), ("improvement", 1)):
            for head, tail in _scan(d * v, rules):
                ep = _episode(grid, v, d, head, tail, rules)
                if ep is not None:
                    found.append(dict(entity=key, direction=direction, **ep))
    out = pd.DataFrame(found, columns=EPISODE_COLUMNS)
    out = out.sort_values(["entity", "first_edition", "direction"], kind="stable").reset_index(
        drop=True)
    out.attrs["gaps"] = pd.DataFrame(gaps, columns=["entity", "edition", "kind"])
    out.attrs["notes"] = gap_notes(out.attrs["gaps"], grid,
                                   entities_spanning(rows, entity, time, grid))
    return out


def _grid(times: pd.Series, published) -> np.ndarray:
    eds = set(times.dropna())
    if eds and published is not None:
        lo, hi = min(eds), max(eds)
        eds |= {e for e in published if lo <= e <= hi}
    return np.array(sorted(eds))


def _scan(x: np.ndarray, rules: EpisodeRules) -> list[tuple[int, int]]:
    """ERT's potential episodes of a rise in ``x`` (NaN: missing), as (head, tail) indices
    of x: the pre-episode edition and the sequence's last edition."""
    seqs, moves = [], []
    count, change = 0, 0.0
    n = len(x) - 1
    for i in range(n):
        step = x[i + 1] - x[i]  # NaN when either edition is missing: every test below is False
        if step >= rules.start:
            moves.append(i)
            count, change = 0, 0.0
        if not moves:
            continue
        if -rules.one_step_reversal <= step < rules.start:
            count += 1
            change += step
        if (i == n - 1 or count == rules.tolerance or np.isnan(step)
                or step < -rules.one_step_reversal or change < -rules.gradual_reversal):
            if count > 0:
                tail = i + 1 if i == n - 1 and step >= -rules.one_step_reversal else i
            else:
                tail = moves[-1] + 1
            seqs.append((moves[0], tail))
            moves, count, change = [], 0, 0.0
    return seqs


def _termination(x: np.ndarray, last: int, rules: EpisodeRules) -> int | None:
    """ERT's search of the ``tolerance`` editions after the last move (x rises in the
    episode's direction); None when it finds no termination."""
    after = x[last:last + rules.tolerance + 1]
    after = np.concatenate([after, np.full(rules.tolerance + 1 - len(after), np.nan)])
    steps, back = np.diff(after), after[1:] - after[0]
    if (steps[~np.isnan(steps)] < -rules.one_step_reversal).any():
        return 2
    if (back[~np.isnan(back)] <= -rules.gradual_reversal).any():
        return 3
    if not np.isnan(steps).any() and ((steps < rules.start)
                                      & (steps >= -rules.one_step_reversal)).all():
        return 1
    return None


def _episode(grid, v, d, head, tail, rules: EpisodeRules) -> dict | None:
    """The episode of sequence ``head..tail`` of ``v`` in direction ``d``, or None when the
    sequence is not manifest."""
    seq = v[head:tail + 1]
    extent = seq.max() - seq.min()
    if extent < rules.cumulative:
        return None
    x = d * v
    last = max(k for k in range(head + 1, tail + 1) if x[k] - x[k - 1] >= rules.start)
    code = _termination(x, last, rules)
    if code is None:
        # Nothing found in the window: the series ends or a gap starts within it (a sequence
        # closed any other way leaves its turn, cumulative turn or stasis there), which is
        # ERT's uncertain outcome.
        code = 0
    end = tail if code == 0 else last
    ed = [plain_number(e) for e in grid]
    run_end = tail
    while run_end + 1 < len(v) and not np.isnan(v[run_end + 1]):
        run_end += 1
    by = ""
    if code == 0:
        by = (f"the data end at {ed[-1]}" if run_end == len(v) - 1
              else f"its series ends at {ed[run_end]}" if np.isnan(v[run_end + 1:]).all()
              else f"no value at {ed[run_end + 1]}")
    return dict(pre_episode_edition=ed[head], first_edition=ed[head + 1], last_edition=ed[end],
                last_move_edition=ed[last], start_value=plain_number(v[head]),
                end_value=plain_number(v[end]), total_change=plain_number(v[end] - v[head]),
                extent=plain_number(extent), n_steps=end - head, termination=code,
                ended_by=TERMINATIONS[code], censored=code == 0, censored_by=by)


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
        A country's row with no value for a series (FOTN 2017 publishes totals only) is a
        missing edition of that series; ``attrs["notes"]`` names each one.

    Examples
    --------
    >>> caf = episodes(index="fiw", countries=["CAF"])
    >>> caf[["direction", "first_edition", "last_edition", "ended_by"]].values.tolist()
    [['decline', 2007, 2025, 'unknown (censored)']]
    """
    panel = as_panel(data, index)
    m = panel.methodology
    long = long_series(panel, series=series, countries=countries,
                       include_territories=include_territories)
    rows = panel.select(countries=countries, include_territories=include_territories).scores
    # long_series leaves out a row's unpublished components; put them back as NaN so that
    # they are reported as missing editions, not skipped.
    cells = rows[["iso3", "edition"]].merge(long[["series"]].drop_duplicates(), how="cross")
    long = cells.merge(long[["iso3", "series", "edition", "value"]], how="left",
                       on=["iso3", "series", "edition"])
    long["entity"] = long["iso3"] + "|" + long["series"]
    found = find_episodes(long, entity="entity", time="edition", value="value", rules=rules,
                          published_editions=m.editions)
    gaps = found.attrs["gaps"]
    parts = found["entity"].str.split("|", n=1, expand=True) if len(found) else None
    found.insert(0, "iso3", parts[0] if parts is not None else pd.Series(dtype="str"))
    found.insert(1, "series", parts[1] if parts is not None else pd.Series(dtype="str"))
    names = rows.sort_values("edition").groupby("iso3")["country"].last()
    found.insert(1, "country", found["iso3"].map(names))
    found = found.drop(columns="entity")
    found.attrs = {"gaps": gaps, "notes": gap_notes(
        gaps, panel.editions, entities_spanning(long, "entity", "edition", panel.editions),
        by_country(long["series"].unique()))}
    return found
