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
_DIGITS = re.compile(r"^[+-]?\d+$")


def to_numbers(series: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A column of raw cells as floats, the cells that are text but not numbers, and blanks.

    Numbers pass; text is stripped and parsed ("14 " is 14; "1,5", a decimal comma, is 1.5);
    blanks and "N/A"-like markers are NaN and not failures (validation decides whether the
    component applies); booleans, other text and numbers a float cannot hold (``inf``,
    ``-inf``, ``1e400``, an integer of 400 digits, as text or as a number the file format
    parsed) are failures. Vectorised: a clean numeric column never goes through Python.
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
        # One by one: a Python integer beyond float range (JSON's or CSV's 400 digits) would
        # make a vectorised cast raise; it becomes inf, a failure below.
        values[is_num] = [_as_float(v) for v in obj[is_num]]
    is_text = ~is_num & ~is_bool & obj.notna().to_numpy()
    text = obj[is_text].astype(str).str.strip()
    lowered = text.str.lower()
    marker = lowered.isin(_MISSING | _NOT_APPLICABLE)
    text = text.where(~text.str.match(_DECIMAL_COMMA), text.str.replace(",", ".", regex=False))
    parsed = _parse(text.where(~marker))
    finite = np.isfinite(parsed)
    idx = np.flatnonzero(is_text)
    values[idx[finite]] = parsed[finite]
    bad = is_bool.copy()
    bad[idx[~finite & ~marker.to_numpy()]] = True
    bad[is_num] |= ~np.isfinite(values[is_num]) & ~np.isnan(values[is_num])
    values[bad] = np.nan
    empty = np.isnan(values) & ~bad
    return values, bad, empty


def _parse(text: pd.Series) -> np.ndarray:
    """Text cells as floats (NaN where not a number, inf beyond float range), vectorised; cell
    by cell only if pandas refuses the column (a cast of an integer beyond float range)."""
    try:
        return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    except (OverflowError, ValueError, TypeError):
        return np.array([_as_float(v) for v in text], dtype=float)


def _as_float(v) -> float:
    """A number or a text cell as a float: inf when it is beyond float range (``1e400``, an
    integer of 400 digits), NaN when it is not a number; never an exception."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return np.nan
    if isinstance(v, str) and len(v) > 4000:  # Python refuses to parse longer digit strings
        return np.inf if _DIGITS.match(v) else np.nan
    try:
        return float(v)
    except OverflowError:  # an integer beyond float range
        return np.inf
    except ValueError:
        return np.nan
