"""World regions for any entity, from Freedom in the World's region column.

FIW assigns every country and territory one of six regions (Africa, Americas, Asia-Pacific
(written "Asia" in the files), Eurasia, Europe, Middle East). Freedom House moved North Africa
from the Middle East to Africa in the 2022 edition, but its data files apply the current
grouping to every edition (Egypt is in Africa in 2006 too), and so does this module. FOTN has no
regions of its own, so its countries take FIW's by ISO3.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

__all__ = ["fiw_regions", "region_table", "regions_for"]


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
