"""Raw cells to numbers: what counts as a number, a blank, or a failure in a score cell.

A file's cells arrive as whatever its format holds: numbers, text with stray spaces or a
decimal comma, markers such as "N/A", booleans. One rule set reads them all, for editions and
scores alike, so that a cell means the same thing in every file format.

Imports nothing of the package.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["to_numbers"]

_NOT_APPLICABLE = {"n/a", "na", "n.a.", "not applicable"}
_MISSING = {"", "-", "--", "\u2013", "..", "nan", "none", "null"}
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


def to_numbers(series: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A column of raw cells as floats, the cells that are text but not numbers, and blanks.

    Numbers pass; text is stripped and parsed ("14 " is 14; "1,5", a decimal comma, is 1.5);
    blanks and "N/A"-like markers are NaN and not failures (validation decides whether the
    component applies); booleans and other text are failures. Vectorised: a clean numeric
    column never goes through Python.
    """
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        bad = np.isinf(values)
        return np.where(bad, np.nan, values), bad, np.isnan(values) & ~bad
    obj = series.astype(object)
    is_bool = obj.map(lambda v: isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool)
    is_num = obj.map(lambda v: isinstance(v, (int, float, np.integer, np.floating))
                     and not isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool)
    values = np.full(len(obj), np.nan)
    if is_num.any():
        values[is_num] = obj[is_num].astype(float).to_numpy()
    is_text = ~is_num & ~is_bool & obj.notna().to_numpy()
    text = obj[is_text].astype(str).str.strip()
    lowered = text.str.lower()
    marker = lowered.isin(_MISSING | _NOT_APPLICABLE)
    text = text.where(~text.str.match(_DECIMAL_COMMA), text.str.replace(",", ".", regex=False))
    parsed = pd.to_numeric(text.where(~marker), errors="coerce").to_numpy(dtype=float)
    finite = np.isfinite(parsed)
    idx = np.flatnonzero(is_text)
    values[idx[finite]] = parsed[finite]
    bad = is_bool.copy()
    bad[idx[~finite & ~marker.to_numpy()]] = True
    empty = np.isnan(values) & ~bad
    return values, bad, empty
