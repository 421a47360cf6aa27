"""Who a panel covers: each entity's editions, latest name, region and (FIW) country or territory.

Why here: it describes the panel itself (which rows it holds), asks no question of the scores
(so it is not analysis) and is a table to read, not a file format (so it is not publish);
``scoring countries`` formats it.
"""

from __future__ import annotations

import pandas as pd

from .panel import Panel, as_panel, edition_ranges

__all__ = ["country_coverage", "edition_ranges"]


def country_coverage(data: Panel | pd.DataFrame | None = None, index: str | None = None, *,
                     edition: int | None = None, regions=None) -> pd.DataFrame:
    """One row per entity of the panel: who is covered, and in which editions.

    Parameters
    ----------
    data, index
        A :class:`~scoring.datasets.panel.Panel`, a score frame, or None for the bundled
        dataset of ``index`` (:func:`~scoring.datasets.panel.as_panel`).
    edition : int, optional
        Only the entities with a row in this edition (their other editions still listed).
    regions : list of str, optional
        Only the entities of these FIW regions, as the data write them
        (:func:`~scoring.datasets.regions.resolve_regions` reads what a person types).

    Returns
    -------
    DataFrame
        Sorted by ``iso3``: ``iso3``, ``country`` (the latest edition's spelling), ``region``
        (FIW's, the entity's latest; FOTN countries take FIW's by ISO3; blank when FIW has
        none), ``ct`` (FIW: c = country, t = territory, the latest), ``first_edition``,
        ``last_edition``, ``n_editions``, ``editions`` (runs of consecutive editions of the
        panel: "2011-2016, 2018-2024"). ``attrs["summary"]`` counts them.

    Raises
    ------
    ValueError
        An ``edition`` the panel does not hold.

    Examples
    --------
    >>> table = country_coverage(index="fotn", edition=2024)
    >>> len(table), table.attrs["summary"]["editions"]
    (72, [2011, 2024])
    """
    from .regions import latest_regions

    panel = as_panel(data, index)
    eds = list(panel.editions)
    if edition is not None and edition not in eds:
        raise ValueError(f"edition must be an edition in the data "
                         f"({edition_ranges(eds, eds)}); got {edition}")
    rows = panel.scores.sort_values(["iso3", "edition"], kind="stable")
    latest = rows.groupby("iso3").last()
    covered = rows.groupby("iso3")["edition"].agg(lambda e: sorted(int(x) for x in e))
    region = latest_regions(panel.scores if panel.regions is None else panel.regions)
    table = pd.DataFrame({"iso3": covered.index, "country": latest["country"].to_numpy(),
                          "region": region.reindex(covered.index).to_numpy()})
    if panel.has_territories:
        table["ct"] = latest["ct"].str.lower().to_numpy()
    table["first_edition"] = [e[0] for e in covered]
    table["last_edition"] = [e[-1] for e in covered]
    table["n_editions"] = [len(e) for e in covered]
    table["editions"] = [edition_ranges(e, eds) for e in covered]
    if edition is not None:
        table = table[[edition in e for e in covered]]
    if regions:
        table = table[table["region"].isin(list(regions))]
    table = table.reset_index(drop=True)
    territories = int((table["ct"] == "t").sum()) if "ct" in table.columns else 0
    table.attrs["summary"] = {
        "index": panel.index, "name": panel.methodology.name, "editions": [eds[0], eds[-1]],
        "edition": edition, "regions": list(regions or []), "n": len(table),
        "countries": len(table) - territories, "territories": territories}
    return table
