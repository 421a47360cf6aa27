"""The input checks of :func:`scoring.inference.trends.trend_tests`, apart from the engine.

Every rule a long table must meet before its series are tested, and the checked table
sorted into series of valid points (:class:`Points`). The rules: the column arguments name
distinct columns of the frame and do not shadow an output column, confidence and
``exact_max_n`` are in range, the time and value columns are numeric and finite, and no
(entity, time) occurs twice. Each failure is a ``ValueError`` naming the argument and what was
found.

May import: what :mod:`scoring.inference` may (here numpy, pandas and :mod:`.checks`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .checks import check_choice, check_confidence, check_frame, columns_text, is_integer

__all__ = ["check_arguments", "check_options", "numeric_column", "check_duplicates",
           "family_column", "Points", "series_index", "valid_points", "first_last"]


def check_arguments(data, entity, time, value, confidence, exact_max_n, chunk_size, *,
                    reserved: tuple, exact_limit: int) -> list:
    """The entity columns, once every argument of :func:`trend_tests` is checked (``reserved``:
    the output columns an entity column must not shadow; ``exact_limit``: the largest
    ``exact_max_n``)."""
    check_frame("data", data)
    if isinstance(entity, str):
        entities = [entity]
    elif isinstance(entity, (list, tuple)) and entity and all(isinstance(e, str)
                                                               for e in entity):
        entities = list(entity)
    else:
        raise ValueError("entity must be a column name or a non-empty list of column names; "
                         f"got {entity!r}")
    if len(set(entities)) != len(entities):
        raise ValueError(f"entity must name each column once; got {entity!r}")
    for name, col in [("time", time), ("value", value)]:
        if not isinstance(col, str):
            raise ValueError(f"{name} must be a column name; got {col!r}")
    for name, cols in [("entity", entities), ("time", [time]), ("value", [value])]:
        absent = [c for c in cols if c not in data.columns]
        if absent:
            raise ValueError(f"{name} must name columns of data ({columns_text(data)}); "
                             f"got {', '.join(map(repr, absent))}")
    if time == value or time in entities or value in entities:
        raise ValueError(f"entity, time and value must be different columns; got "
                         f"entity={entity!r}, time={time!r}, value={value!r}")
    clash = [c for c in entities if c in reserved]
    if clash:
        raise ValueError(f"entity columns must not be named like output columns "
                         f"({', '.join(reserved)}); got {', '.join(map(repr, clash))}: "
                         "rename them first")
    check_confidence(confidence, numpy_floats=False)
    if not is_integer(exact_max_n) or not 0 <= exact_max_n <= exact_limit:
        raise ValueError(f"exact_max_n must be an integer from 0 (never exact) to "
                         f"{exact_limit}; got {exact_max_n!r}")
    if chunk_size is not None and (not is_integer(chunk_size) or chunk_size < 1):
        raise ValueError(f"chunk_size must be None (automatic) or an integer >= 1; "
                         f"got {chunk_size!r}")
    return entities


def numeric_column(data: pd.DataFrame, column: str, role: str) -> np.ndarray:
    """A numeric column as floats (missing as NaN); refuses text, booleans and infinities."""
    col = data[column]
    if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
        raise ValueError(f"{role} column {column!r} must be numeric; got dtype {col.dtype}")
    arr = col.to_numpy(dtype=float, na_value=np.nan)
    n_inf = int(np.isinf(arr).sum())
    if n_inf:
        raise ValueError(f"{role} column {column!r} must be finite or missing; got {n_inf} "
                         f"infinite value{'s' if n_inf != 1 else ''}")
    return arr


def check_duplicates(gid, t, order, keys: pd.DataFrame, time: str) -> None:
    """Raise once, naming every (entity, time) that occurs more than once (up to 10)."""
    gs, ts = gid[order], t[order]
    dup = (gs[1:] == gs[:-1]) & (ts[1:] == ts[:-1])  # NaN times never compare equal
    if not dup.any():
        return
    at = np.flatnonzero(dup) + 1
    pairs = pd.DataFrame({"g": gs[at], "t": ts[at]}).drop_duplicates()
    shown = []
    for g, tv in pairs.head(10).itertuples(index=False):
        who = ", ".join(f"{c}={v!r}" if isinstance(v, str) else f"{c}={v}"
                        for c, v in keys.iloc[int(g)].items())
        shown.append(f"({who}, {time}={tv:g})")
    more = ", ..." if len(pairs) > 10 else ""
    raise ValueError(f"time column {time!r} must not repeat within a series; "
                     f"{len(pairs)} duplicated (entity, time) pair"
                     f"{'s' if len(pairs) != 1 else ''}: {', '.join(shown)}{more}")


def check_options(data, method, fdr_by, *, methods: tuple, entities: list, time: str,
                  value: str) -> None:
    """``method`` is one of ``methods``; ``fdr_by`` is None or a column of data other than
    the time and value columns."""
    check_choice("method", method, methods)
    if fdr_by is None:
        return
    if not isinstance(fdr_by, str) or fdr_by not in data.columns:
        raise ValueError(f"fdr_by must be None (one family: every series of the call) or a "
                         f"column of data ({columns_text(data)}); got {fdr_by!r}")
    if fdr_by in (time, value):
        raise ValueError(f"fdr_by must name a column that is constant within each series, "
                         f"not the {'time' if fdr_by == time else 'value'} column; "
                         f"got {fdr_by!r}")


def family_column(data: pd.DataFrame, fdr_by: str, gid: np.ndarray, keys: pd.DataFrame,
                  ) -> np.ndarray:
    """Each series' value of ``fdr_by`` (its FDR family); raises naming the series where it
    is missing or not constant (up to 10)."""
    col = data[fdr_by]
    if col.isna().any():
        raise ValueError(f"fdr_by column {fdr_by!r} must not be missing; got "
                         f"{int(col.isna().sum())} missing value(s)")
    per = pd.DataFrame({"g": gid, "f": col.to_numpy()}).groupby("g")["f"]
    mixed = np.flatnonzero(per.nunique().to_numpy() > 1)
    if mixed.size:
        shown = ["(" + ", ".join(f"{c}={v!r}" for c, v in keys.iloc[int(g)].items()) + ")"
                 for g in mixed[:10]]
        raise ValueError(f"fdr_by column {fdr_by!r} must be constant within each series; "
                         f"{mixed.size} series have several values: {', '.join(shown)}"
                         f"{', ...' if mixed.size > 10 else ''}")
    family = np.empty(len(keys), dtype=object)
    first = per.first()
    family[first.index.to_numpy()] = first.to_numpy()
    return family


# ---------------------------------------------------------------------------------------------
# the checked table, sorted into series of valid points


class Points(NamedTuple):
    """The valid points (time and value present), sorted by series then time."""

    series: np.ndarray  # series number of each point
    times: np.ndarray
    values: np.ndarray
    n: np.ndarray  # valid points per series
    missing_time: np.ndarray  # rows per series ignored for a missing time
    missing_value: np.ndarray  # ... and for a missing value (time present)


def series_index(data: pd.DataFrame, entities: list, t_all: np.ndarray, time: str):
    """Series number of each row, the series' keys (sorted), and the rows in (series, time)
    order; raises if a time repeats within a series."""
    grouped = data.groupby(entities, sort=True, dropna=False, observed=True)
    gid = grouped.ngroup().to_numpy(dtype=np.int64)
    keys = grouped.size().index.to_frame(index=False)
    order = np.lexsort((t_all, gid))
    check_duplicates(gid, t_all, order, keys, time)
    return gid, keys, order


def valid_points(gid, t_all, y_all, order, n_series: int) -> Points:
    no_time = np.isnan(t_all)
    no_value = np.isnan(y_all) & ~no_time
    missing_time = np.bincount(gid[no_time], minlength=n_series)
    missing_value = np.bincount(gid[no_value], minlength=n_series)
    valid = order[~(no_time | no_value)[order]]
    g_v = gid[valid]
    return Points(g_v, t_all[valid], y_all[valid], np.bincount(g_v, minlength=n_series),
                   missing_time, missing_value)


def first_last(points: Points) -> tuple[np.ndarray, np.ndarray]:
    """First and last valid time of each series (NaN for a series without one)."""
    n = points.n
    start = np.cumsum(n) - n
    has = n > 0
    first = np.full(n.size, np.nan)
    last = np.full(n.size, np.nan)
    first[has] = points.times[start[has]]
    last[has] = points.times[start[has] + n[has] - 1]
    return first, last
