"""The input checks of :func:`scoring.inference.trends.trend_tests`, apart from the engine.

Every rule a long table must meet before its series are tested: the column arguments name
distinct columns of the frame and do not shadow an output column, confidence and
``exact_max_n`` are in range, the time and value columns are numeric and finite, and no
(entity, time) occurs twice. Each failure is a ``ValueError`` naming the argument and what was
found.

May import: what :mod:`scoring.inference` may (here numpy, pandas and :mod:`.checks`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .checks import check_confidence, check_frame, columns_text, is_integer

__all__ = ["check_arguments", "numeric_column", "check_duplicates"]



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
