"""World regions for any entity, from Freedom in the World's region column.

FIW assigns every country and territory one of six regions (Africa, Americas, Asia-Pacific
(written "Asia" in the files), Eurasia, Europe, Middle East). Freedom House moved North Africa
from the Middle East to Africa in the 2022 edition, but its data files apply the current
grouping to every edition (Egypt is in Africa in 2006 too), and so does this module. FOTN has no
regions of its own, so its countries take FIW's by ISO3.

An entity's region, where one is asked for without an edition (``--region``, ``scoring
countries``), is its latest (:func:`latest_regions`): the files' grouping is today's, and the
one entity whose region changed (Kosovo, Eurasia in the 2006-2007 rows, Europe since) is in
today's. :func:`resolve_regions` reads region names as people type them.
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

__all__ = ["fiw_regions", "latest_regions", "region_names", "region_table", "regions_for",
           "resolve_regions", "REGION_ALIASES"]

#: Other names of FIW's regions (lower case, hyphens as spaces): Freedom House calls the region
#: its files write "Asia" Asia-Pacific.
REGION_ALIASES = {"asia pacific": "Asia", "mideast": "Middle East"}


def region_table() -> pd.DataFrame:
    """FIW's region of every entity in every bundled edition: ``iso3``, ``edition``, ``region``.

    Read once per process from the bundled FIW table (three columns only) and shared; a copy
    is returned, so a caller's change never reaches the next caller.
    """
    return _region_table().copy()


@cache
def _region_table() -> pd.DataFrame:
    from .registry import dataset_entry, datasets_dir

    path = datasets_dir() / dataset_entry("fiw")["file"]
    table = pd.read_csv(path, usecols=["iso3", "edition", "region"], dtype={"iso3": "str",
                                                                            "region": "str"},
                        keep_default_na=False, na_values={"region": [""]})
    table["edition"] = table["edition"].astype("Int64")
    return table


def regions_for(table: pd.DataFrame, edition: int) -> tuple[pd.Series, int]:
    """Region by ISO3 for ``edition`` from a region table, and the FIW edition it came from.

    The FIW edition is ``edition`` itself when the table has it, else the latest one before
    it, else the earliest one (the files use today's grouping in every edition).
    """
    eds = sorted(int(e) for e in table["edition"].dropna().unique())
    earlier = [e for e in eds if e <= edition]
    chosen = earlier[-1] if earlier else eds[0]
    rows = table[table["edition"] == chosen]
    return rows.set_index("iso3")["region"], chosen


def fiw_regions(edition: int) -> tuple[pd.Series, int]:
    """Region by ISO3 from the bundled FIW table, and the FIW edition it was taken from
    (:func:`regions_for` on :func:`region_table`)."""
    return regions_for(_region_table(), edition)


def latest_regions(table: pd.DataFrame) -> pd.Series:
    """Each entity's region in the latest edition that gives one: region by ISO3, from any
    frame with ``iso3``, ``edition`` and ``region`` (a region table, FIW score rows)."""
    rows = table.dropna(subset=["region"]).sort_values("edition", kind="stable")
    return rows.groupby("iso3")["region"].last()


def region_names() -> list[str]:
    """The regions of the bundled FIW table, sorted."""
    return sorted(_region_table()["region"].dropna().unique())


def resolve_regions(values, known=None) -> list[str]:
    """Region names as the data write them, for the names a person typed, each once.

    A value may hold several, comma-separated. Case, hyphens and a leading "the" do not
    matter; besides the names themselves, :data:`REGION_ALIASES` (Asia-Pacific), the
    initials of a name of several words ("ME") and the start of one name ("Afr", "Am",
    "Mid") are read, when they fit exactly one region.

    Raises
    ------
    ValueError
        Naming every value that fits no region or several, with the regions there are.

    Examples
    --------
    >>> resolve_regions(["eurasia", "Asia-Pacific, Afr"])
    ['Eurasia', 'Asia', 'Africa']
    """
    known = list(known) if known is not None else region_names()
    found, bad = [], []
    for value in values:
        for piece in str(value).split(","):
            if not piece.strip() and "," in str(value):
                continue
            fits = _fitting(piece, known)
            if len(fits) == 1:
                found.append(fits[0])
            elif fits:
                bad.append(f"ambiguous region {piece.strip()!r} ({' or '.join(fits)})")
            else:
                bad.append(f"unknown region {piece.strip()!r}")
    if bad:
        shown = ", ".join(f"{k} (Asia-Pacific)" if k == "Asia" else k for k in known)
        raise ValueError(f"{'; '.join(bad)}: the regions are {shown}")
    return list(dict.fromkeys(found))


def _fitting(typed: str, known: list[str]) -> list[str]:
    def key(text):
        text = re.sub(r"[\s_-]+", " ", text).strip().casefold()
        return text[4:] if text.startswith("the ") else text

    wanted = key(typed)
    by_key = {key(k): k for k in known}
    alias = REGION_ALIASES.get(wanted)
    if wanted in by_key or alias in known:
        return [by_key.get(wanted, alias)]
    initials = [k for k in known if len(k.split()) > 1
                and "".join(w[0] for w in k.split()).casefold() == wanted]
    if initials or len(wanted) < 2:
        return initials
    return [k for k in known if key(k).startswith(wanted)]
