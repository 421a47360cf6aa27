"""Values as JSON has them: one conversion for every result that is written out."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["plain", "records"]


def plain(v):
    """NaN and NA as None, whole floats as int, numpy scalars as Python, containers deeply."""
    if v is None or v is pd.NA:
        return None
    if isinstance(v, (float, np.floating)):
        if math.isnan(v):
            return None
        return int(v) if float(v).is_integer() else float(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    return v


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows of a frame as JSON-ready dicts."""
    return [{k: plain(v) for k, v in r.items()} for r in frame.to_dict("records")]
