"""Put score frames on one footing: the canonical orientation, higher = freer.

Freedom on the Net was published with 0 = most free until the 2018 edition and with
100 = most free from 2019 on. Freedom House converts old editions per category
(A' = 25 - A, B' = 35 - B, C' = 40 - C) and the total as 100 - total; this module does the
same for every component of a row published lower-is-freer, and :func:`to_published` undoes it
exactly (the mirror ``min + max - value`` is its own inverse).
"""

from __future__ import annotations

import pandas as pd

from ..methodology import HIGHER_IS_FREER, LOWER_IS_FREER, Methodology, load_methodology

__all__ = ["to_canonical", "to_published"]


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
        mirror each other). A frame that is already canonical (every ``orientation``
        higher-is-freer, as :func:`scoring.load_dataset` returns) comes back unchanged, its
        ``published_orientation`` kept.

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
    m = _methodology(frame, index)
    out = _with_published_orientation(frame)
    low = (out["orientation"] == LOWER_IS_FREER).to_numpy()
    if low.any():
        for c in m.components:
            if c.key in out.columns:
                converted = c.to_canonical(out.loc[low, c.key], LOWER_IS_FREER)
                out.loc[low, c.key] = converted
    out["orientation"] = HIGHER_IS_FREER
    return out


def to_published(frame: pd.DataFrame, index: str | Methodology | None = None) -> pd.DataFrame:
    """Return a copy with every row back on the scale it was published on.

    The inverse of :func:`to_canonical`: a row whose ``published_orientation`` is
    lower-is-freer and whose values are canonical gets ``min + max - value`` in every
    component (``max - value`` for 0-based ones), which gives back the published number
    exactly; ``orientation`` then says the published scale and ``published_orientation`` is
    dropped. Rows published higher-is-freer are unchanged.

    Parameters
    ----------
    frame : DataFrame
        A score frame with ``orientation`` (and, for canonical rows, ``published_orientation``;
        without it every row is taken as already published).
    index : str or Methodology, optional
        Defaults to the frame's ``index`` column.

    Examples
    --------
    >>> import pandas as pd
    >>> row = pd.DataFrame({"index": ["fotn"], "orientation": ["higher-is-freer"],
    ...                     "published_orientation": ["lower-is-freer"], "total": [39.0]})
    >>> back = to_published(row).iloc[0]
    >>> back["orientation"], float(back["total"])
    ('lower-is-freer', 61.0)
    """
    if frame.empty:
        return frame.drop(columns=["published_orientation"], errors="ignore").copy()
    m = _methodology(frame, index)
    out = _with_published_orientation(frame)
    back = ((out["orientation"] == HIGHER_IS_FREER)
            & (out["published_orientation"] == LOWER_IS_FREER)).to_numpy()
    if back.any():
        for c in m.components:
            if c.key in out.columns:
                # The mirror is its own inverse: converting again restores the published value.
                out.loc[back, c.key] = c.to_canonical(out.loc[back, c.key], LOWER_IS_FREER)
    out["orientation"] = out["published_orientation"]
    return out.drop(columns=["published_orientation"])


def _methodology(frame: pd.DataFrame, index) -> Methodology:
    if index is None:
        keys = frame["index"].dropna().unique()
        if len(keys) != 1:
            raise ValueError(f"index must be given when the frame mixes indices ({list(keys)})")
        index = str(keys[0])
    return index if isinstance(index, Methodology) else load_methodology(index)


def _with_published_orientation(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose ``published_orientation`` is filled on every row, checked against
    ``orientation``.

    Rows without one (a user's file concatenated to canonical bundled rows) were read as
    published, so their orientation is their published one. A row on the lower-is-freer
    scale that claims to have been published higher-is-freer cannot exist (nothing converts
    that way) and is refused rather than converted on a guess.
    """
    scales = {HIGHER_IS_FREER, LOWER_IS_FREER}
    unknown = set(frame["orientation"].dropna()) - scales
    if unknown or frame["orientation"].isna().any():
        raise ValueError("every row needs an orientation of 'higher-is-freer' or "
                         f"'lower-is-freer'; found {sorted(map(str, unknown)) or 'blanks'}")
    out = frame.copy()
    if "published_orientation" in out:
        given = out["published_orientation"]
        out["published_orientation"] = given.where(given.notna(), out["orientation"])
    else:
        out["published_orientation"] = out["orientation"]
    bad = sorted(set(map(str, out["published_orientation"])) - scales)
    if bad:
        raise ValueError("published_orientation must be 'higher-is-freer' or 'lower-is-freer' "
                         f"on every row; found {bad}")
    impossible = ((out["orientation"] == LOWER_IS_FREER)
                  & (out["published_orientation"] == HIGHER_IS_FREER))
    if impossible.any():
        first = out[impossible].iloc[0]
        raise ValueError(
            f"{int(impossible.sum())} rows are on the lower-is-freer scale but say they were "
            f"published higher-is-freer (first: {first.get('iso3')} {first.get('edition')}); "
            "nothing converts that way, so orientation or published_orientation is wrong")
    return out
