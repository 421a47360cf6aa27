"""World regions for any entity, from Freedom in the World's region column.

FIW assigns every country and territory one of six regions (Africa, Americas, Asia-Pacific
(written "Asia" in the files), Eurasia, Europe, Middle East). Freedom House moved North Africa
from the Middle East to Africa in the 2022 edition, but its data files apply the current
grouping to every edition (Egypt is in Africa in 2006 too), and so does this module. FOTN has no
regions of its own, so its countries take FIW's by ISO3.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["fiw_regions"]


def fiw_regions(edition: int) -> tuple[pd.Series, int]:
    """Region by ISO3 from the bundled FIW table, and the FIW edition it was taken from.

    The FIW edition is ``edition`` itself when bundled, else the latest bundled one before it,
    else the earliest bundled one (the files use today's grouping in every edition).
    """
    from .load import load_dataset

    fiw = load_dataset("fiw")
    eds = sorted(int(e) for e in fiw["edition"].dropna().unique())
    earlier = [e for e in eds if e <= edition]
    chosen = earlier[-1] if earlier else eds[0]
    rows = fiw[fiw["edition"] == chosen]
    return rows.set_index("iso3")["region"], chosen
