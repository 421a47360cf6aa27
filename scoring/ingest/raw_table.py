"""A raw table: the cells of one table in a file with the row numbers a user sees.

What every file-format reader (:mod:`.table` for CSV and JSON, :mod:`.xlsx` for workbooks)
builds, and the two steps they share: unequal rows to a frame of cells, empty rows left out.
Apart from the readers so that they depend on it, not on each other.

May import: ingest.limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from .limits import MAX_CELLS

__all__ = ["HEAD_ROWS", "RawTable", "grid_frame", "drop_empty"]

#: How many rows from the top are searched for the header.
HEAD_ROWS = 30


@dataclass
class RawTable:
    """One table found in a file.

    ``head[i]`` is the list of cells of the file's row ``head_numbers[i]`` (the first
    :data:`HEAD_ROWS` rows). :meth:`body` gives every row below the header. ``where`` names
    the file (and sheet); ``row_kind`` says what a row number counts ("line", "row",
    "record"); ``texts`` holds free text beside the table (other sheets, metadata) where a
    scale label may stand; ``formulas`` maps (xlsx) row number to {column index: formula}.
    """

    where: str
    row_kind: str
    head: list[list]
    head_numbers: list[int]
    loader: Callable[[int], tuple[pd.DataFrame, np.ndarray]]
    texts: Sequence[str] = field(default_factory=list)
    header_known: bool = False  # JSON: the first row is the header by construction
    notes: list[str] = field(default_factory=list)
    formulas: dict[int, dict[int, str]] = field(default_factory=dict)

    def body(self, at: int) -> tuple[pd.DataFrame, np.ndarray]:
        """Cells below header row ``head[at]`` (columns 0..k-1) and their row numbers; rows
        with no cell at all are left out (they hold nothing to read)."""
        return self.loader(at)



def grid_frame(rows: list[list], where: str) -> pd.DataFrame:
    """Rows of unequal length as a frame of object cells, short rows padded with None; the
    padded size is checked against :data:`~.limits.MAX_CELLS` first."""
    if not rows:
        return pd.DataFrame()
    width = max(len(r) for r in rows)
    MAX_CELLS.check(len(rows) * width, where)
    return pd.DataFrame([list(r) + [None] * (width - len(r)) for r in rows], dtype=object)


def drop_empty(frame: pd.DataFrame, numbers: np.ndarray):
    """Leave out the rows with no cell at all, with their row numbers."""
    if frame.empty:
        return frame, numbers
    filled = frame.notna()
    for col in frame.columns:
        if frame[col].dtype == object:
            filled[col] &= frame[col].map(lambda v: not (isinstance(v, str) and not v.strip()))
    keep = filled.any(axis=1).to_numpy()
    frame = frame.loc[keep].reset_index(drop=True)
    frame.columns = range(frame.shape[1])
    return frame, numbers[keep]
