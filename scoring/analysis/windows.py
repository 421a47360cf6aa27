"""Largest changes over a window of editions: Freedom House's "largest one-year declines"
and "largest five-year declines" tables, for any edition."""

from __future__ import annotations

import pandas as pd

from ..datasets.panel import as_panel
from .comparison import compare

__all__ = ["largest_changes"]


def largest_changes(
    data=None,
    *,
    index=None,
    edition: int,
    years: int = 1,
    n: int = 10,
    include_territories: bool = False,
    countries=None,
) -> pd.DataFrame:
    """The ``n`` largest declines and improvements from edition ``edition - years`` to ``edition``.

    Parameters
    ----------
    data : Panel or DataFrame, optional
        A panel or score rows as for :func:`scoring.compare` (default: the bundled dataset).
    index : str or Methodology, optional
    edition : int
        The later edition.
    years : int
        Window length in editions-years (1 and 5 are Freedom House's tables): the earlier
        edition is ``edition - years``, which must be in the data.
    n : int
        How many of each. Units tied with the n-th are all listed (``tied`` is True for every
        unit whose change equals the n-th's when more than one unit has it), so a table may
        hold more than n rows.
    include_territories : bool
        FIW: include territories (default: countries only).
    countries : list of str, optional
        ISO3 codes: the largest changes among these only.

    Returns
    -------
    DataFrame
        ``direction`` ("decline" or "improvement"), ``position`` (1 = largest; tied changes
        share the position), ``iso3``, ``country``, ``from_edition``, ``to_edition``,
        ``total_from``, ``total_to``, ``delta``, ``status_from``, ``status_to``, ``tied``
        (and ``source_from``, ``source_to``: each row's file, where the data say).
        Declines first, largest first; then improvements. Units with no change are never
        listed. ``attrs["notes"]`` carries the comparison's notes.

    Examples
    --------
    >>> top = largest_changes(index="fotn", edition=2024, years=5, n=3)
    >>> top[["direction", "country", "delta"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['decline', 'Myanmar', -27.0], ['decline', 'Belarus', -13.0],
     ['decline', 'Kyrgyzstan', -13.0], ['improvement', 'The Gambia', 8.0],
     ['improvement', 'Zimbabwe', 6.0], ['improvement', 'Japan', 5.0]]
    """
    if not isinstance(years, int) or years < 1:
        raise ValueError(f"years must be a positive whole number; got {years!r}")
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive whole number; got {n!r}")
    start = edition - years
    panel = as_panel(data, index)
    m = panel.methodology
    available = panel.editions
    if start not in available:
        why = (f"{m.name} published no {start} edition" if start not in m.editions
               else f"edition {start} is not in the data")
        raise ValueError(f"a {years}-year window to {edition} needs edition {start}: {why} "
                         f"(editions in the data: {', '.join(map(str, available))})")
    result = compare(panel, start, edition, include_territories=include_territories,
                     countries=countries)
    rows = result.rows
    parts = []
    for direction, sign in (("decline", -1), ("improvement", 1)):
        moved = rows[rows["delta"] * sign > 0].copy()
        moved["size"] = moved["delta"].abs()
        moved = moved.sort_values(["size", "country"], ascending=[False, True], kind="stable")
        if moved.empty:
            continue
        cutoff = moved["size"].iloc[min(n, len(moved)) - 1]
        keep = moved[moved["size"] >= cutoff].copy()
        keep["position"] = keep["size"].rank(method="min", ascending=False).astype(int)
        keep["tied"] = keep["size"].eq(cutoff) & (int(keep["size"].eq(cutoff).sum()) > 1)
        keep["direction"] = direction
        parts.append(keep)
    cols = ["direction", "position", "iso3", "country", "from_edition", "to_edition",
            "total_from", "total_to", "delta", "status_from", "status_to", "tied"]
    cols += [c for c in ("source_from", "source_to") if c in rows.columns]
    if not parts:
        out = pd.DataFrame(columns=cols)
    else:
        out = pd.concat(parts, ignore_index=True)
        out["from_edition"], out["to_edition"] = start, edition
        out = out[cols]
    out.attrs["notes"] = result.notes
    out.attrs["summary"] = result.summary
    return out
