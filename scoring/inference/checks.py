"""Argument checks shared by the inference modules, and the wording their messages share.

Every check raises ``ValueError`` naming the parameter, what is allowed and what was passed
(STYLE: practice 5). They are written once here so that ``sign_test``, ``wilcoxon_test``,
``bootstrap_ci``, ``direction_tests`` and ``trend_tests`` refuse a bad argument in the same
words. Nothing here knows a statistic.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
import pandas as pd


def plural(k: int, one: str, many: str | None = None) -> str:
    """``"1 delta"``, ``"2 deltas"``: a count with its noun."""
    return f"{k} {one if k == 1 else (many or one + 's')}"


def check_choice(name: str, value, allowed):
    """``value`` must be one of ``allowed`` (compared with ``in``); returns it."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; "
                         f"got {value!r}")
    return value


def check_probability(name: str, value, *, closed: bool) -> float:
    """A probability: in [0, 1] (``closed``) or strictly between 0 and 1; returns a float."""
    ok = isinstance(value, Real) and not isinstance(value, bool) and not math.isnan(value)
    ok = ok and ((0 <= value <= 1) if closed else (0 < value < 1))
    if not ok:
        allowed = "a number in [0, 1]" if closed else "a number strictly between 0 and 1"
        raise ValueError(f"{name} must be {allowed}; got {value!r}")
    return float(value)


def check_positive_int(name: str, value) -> int:
    """A whole number >= 1 (a count of draws, a chunk size); returns an int."""
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1; got {value!r}")
    return int(value)


def is_integer(value) -> bool:
    """A Python or numpy integer, and not a bool (``True`` is no count of anything)."""
    return not isinstance(value, bool) and isinstance(value, (int, np.integer))


def check_confidence(confidence, *, numpy_floats: bool = True) -> None:
    """A confidence level: a number strictly between 0 and 1.

    ``numpy_floats=False`` refuses numpy floats other than ``float64`` (a subclass of
    ``float``), as :func:`scoring.inference.trends.trend_tests` always has.
    """
    kinds = (int, float, np.floating) if numpy_floats else (int, float)
    if isinstance(confidence, bool) or not isinstance(confidence, kinds) \
            or not 0 < confidence < 1:
        raise ValueError(f"confidence must be a number strictly between 0 and 1; "
                         f"got {confidence!r}")


def columns_text(frame: pd.DataFrame) -> str:
    """The frame's column names, for a message that says which columns there are."""
    return ", ".join(map(str, frame.columns))


def check_frame(name: str, value) -> None:
    if not isinstance(value, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame; got {type(value).__name__}")


def sample(values, name: str) -> np.ndarray:
    """Finite floats, one-dimensional, sorted (so no result depends on input order).

    A missing or infinite value raises, naming how many: nothing is dropped silently.
    """
    if isinstance(values, (pd.Series, pd.Index)):
        try:
            arr = values.to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be numbers; got dtype {values.dtype}") from None
    else:
        try:
            arr = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be numbers; got {type(values).__name__} that "
                             "cannot be read as floats") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {arr.shape}")
    n_nan = int(np.isnan(arr).sum())
    if n_nan:
        raise ValueError(f"{name} has {plural(n_nan, 'missing value')} (NaN) of {arr.size}; "
                         "drop or fill them explicitly first (nothing is dropped silently)")
    n_inf = int(np.isinf(arr).sum())
    if n_inf:
        raise ValueError(f"{name} must be finite; got {plural(n_inf, 'infinite value')}")
    return np.sort(arr)
