"""Put score frames on one footing: the canonical orientation, higher = freer.

Freedom on the Net was published with 0 = most free until the 2018 edition and with
100 = most free from 2019 on. Freedom House converts old editions per category
(A' = 25 - A, B' = 35 - B, C' = 40 - C) and the total as 100 - total; this module does the
same for every component of a row published lower-is-freer.
"""

from __future__ import annotations

import pandas as pd

from ..methodology import HIGHER_IS_FREER, LOWER_IS_FREER, Methodology, load_methodology

__all__ = ["to_canonical"]


def to_canonical(frame: pd.DataFrame, index: str | Methodology | None = None) -> pd.DataFrame:
    """Return a copy with every component on the higher-is-freer scale.

    Parameters
    ----------
    frame : DataFrame
        A score frame (:func:`scoring.read_scores`, :func:`scoring.load_dataset`) with an
        ``orientation`` column.
    index : str or Methodology, optional
        Defaults to the frame's ``index`` column.

    Returns
    -------
    DataFrame
        The same rows; component columns converted where ``orientation`` was
        lower-is-freer; ``orientation`` set to higher-is-freer and the scale each row was
        published on kept in ``published_orientation``. Statuses never change (the bands
        mirror each other).

    Notes
    -----
    Each component converts on its own range: ``canonical = min + max - published``
    (``max - published`` for 0-based components). Where a row's categories add up to its
    total, this equals converting the categories and summing them, as Freedom House does.
    Where they do not (FOTN 2015 South Africa: 8 + 7 + 11 = 26, total 27), the published total
    converts on its own (100 - 27 = 73, the value Freedom House's later series shows) and the
    row keeps its ``sum`` flag; nothing is recomputed.

    Examples
    --------
    >>> import pandas as pd
    >>> row = pd.DataFrame({"index": ["fotn"], "orientation": ["lower-is-freer"],
    ...                     "total": [61.0], "access": [14.0], "content": [23.0],
    ...                     "rights": [24.0]})
    >>> to_canonical(row)[["total", "access", "content", "rights"]].iloc[0].tolist()
    [39.0, 11.0, 12.0, 16.0]
    """
    if frame.empty:
        out = frame.copy()
        out["published_orientation"] = pd.Series(dtype="str")
        return out
    if index is None:
        keys = frame["index"].dropna().unique()
        if len(keys) != 1:
            raise ValueError(f"index must be given when the frame mixes indices ({list(keys)})")
        index = str(keys[0])
    m = index if isinstance(index, Methodology) else load_methodology(index)
    unknown = set(frame["orientation"].dropna()) - {HIGHER_IS_FREER, LOWER_IS_FREER}
    if unknown or frame["orientation"].isna().any():
        raise ValueError("every row needs an orientation of 'higher-is-freer' or "
                         f"'lower-is-freer'; found {sorted(map(str, unknown)) or 'blanks'}")
    out = frame.copy()
    if "published_orientation" not in out:
        out["published_orientation"] = out["orientation"]
    low = (out["orientation"] == LOWER_IS_FREER).to_numpy()
    if low.any():
        for c in m.components:
            if c.key in out.columns:
                converted = c.to_canonical(out.loc[low, c.key], LOWER_IS_FREER)
                out.loc[low, c.key] = converted
    out["orientation"] = HIGHER_IS_FREER
    return out
