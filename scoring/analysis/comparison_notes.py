"""The comparability notes of a comparison, in words: what was counted, converted, credited,
derived or cannot be compared, and Freedom House's citation for the editions it published.

Why apart from :mod:`scoring.analysis.comparison`: the notes read the rows chosen for a pair
and the methodology and append sentences; they compute no change. Keeping them here keeps the
comparison's steps readable in one screen.

May import: methodology, datasets.panel.
"""

from __future__ import annotations

import pandas as pd

from ..datasets.panel import Panel
from ..methodology import LOWER_IS_FREER, Methodology

__all__ = ["citation", "converted_editions", "notes_after", "territory_rule",
           "third_party_editions", "unclassified_note"]


def territory_rule(panel: Panel, chosen: pd.DataFrame, include: bool, notes: list[str], *,
                   asked: bool = False):
    """What is counted, how many territories the count leaves out (with the note saying so),
    and the rows counted; a selection (``asked``) of territories alone is refused."""
    if include:
        return "countries and territories", 0, chosen
    terr = panel.territory_mask(chosen)
    if asked and terr.all():
        raise ValueError(f"{', '.join(sorted(set(chosen['iso3'])))}: territories only, and "
                         "counts are of countries unless territories are asked for "
                         "(--include-territories; include_territories=True)")
    excluded = chosen.loc[terr, "iso3"].nunique()
    notes.append(f"Counts are of countries only, as Freedom House counts them; "
                 f"{excluded} territor{'y' if excluded == 1 else 'ies'} left out "
                 "(include_territories=True, "
                 "--include-territories, to count them).")
    return "countries", excluded, chosen[~terr]


def converted_editions(chosen: pd.DataFrame, notes: list[str]) -> list[int]:
    converted = sorted({int(e) for e, o in zip(chosen["edition"], chosen["published_orientation"])
                        if o == LOWER_IS_FREER})
    if converted:
        notes.append(f"Scales converted: edition{'s' if len(converted) > 1 else ''} "
                     f"{', '.join(map(str, converted))} published lower-is-freer "
                     "(0 = most free) converted per component to higher-is-freer "
                     "(value' = max - value) before subtracting.")
    return converted


def third_party_editions(chosen: pd.DataFrame, notes: list[str]) -> list[int]:
    """Editions with rows from a third party's series (``source_kind``), and the note that
    credits it: the numbers are Freedom House's, the compilation and conversion are not."""
    if "source_kind" not in chosen.columns:
        return []
    third = chosen[chosen["source_kind"] == "third-party"]
    editions = sorted({int(e) for e in third["edition"]})
    if editions:
        sources = ", ".join(sorted(set(third["source"].astype(str))))
        notes.append(f"Third-party data: {len(third)} rows of edition"
                     f"{'s' if len(editions) > 1 else ''} {', '.join(map(str, editions))} "
                     f"come from a third party's series compiled from Freedom House's "
                     f"scores ({sources}); credit it alongside Freedom House.")
    return editions


def citation(m: Methodology, chosen: pd.DataFrame, editions) -> str | None:
    """Freedom House's citation for the editions it published: an edition whose rows all come
    from users' files is not Freedom House's (None when neither is)."""
    if "source_kind" in chosen.columns:
        theirs = chosen.loc[chosen["source_kind"] != "user-file", "edition"]
        editions = sorted({int(e) for e in theirs})
    return m.cite(editions) if len(editions) else None


def notes_after(notes, m: Methodology, editions, sides, flagged, n_only_a, n_only_b) -> None:
    """The notes on what the table holds: blank categories, flagged rows, panel change,
    editions between, coverage periods, order."""
    a, b = editions
    cats = [c.key for c in m.categories]
    missing_cats = [ed for ed, side in zip(editions, sides) if len(side)
                    and not all(k in side.columns and side[k].notna().any() for k in cats)]
    if missing_cats:
        notes.append(f"No category scores for edition{'s' if len(missing_cats) > 1 else ''} "
                     f"{', '.join(map(str, missing_cats))} in the data: category changes are "
                     "blank.")
    if flagged:
        notes.append(f"{len(flagged)} compared {'rows break' if len(flagged) > 1 else 'row breaks'}"
                     f" a validation rule and {'are' if len(flagged) > 1 else 'is'} used as "
                     f"published: {', '.join(flagged)} (see the flags column).")
    if n_only_a or n_only_b:
        notes.append(f"Panel change: {n_only_a} in {a} only, {n_only_b} in {b} only; "
                     "they are not compared.")
    gap = [e for e in m.editions if min(a, b) < e < max(a, b)]
    missing_years = [y for y in range(min(a, b) + 1, max(a, b)) if y not in m.editions]
    if gap or missing_years:
        notes.append(f"Editions {min(a, b)} and {max(a, b)} are not consecutive"
                     + (f" ({len(gap)} editions between)" if gap else "")
                     + (f"; there was no {', '.join(map(str, missing_years))} edition"
                        if missing_years else "") + ".")
    periods = {ed: m.coverage_of(ed) for ed in (a, b)}
    unknown = [ed for ed, p in periods.items() if p is None]
    lengths = {p[1] for p in periods.values() if p is not None}
    if unknown or len(lengths) > 1:
        said = "; ".join(f"{ed}: {p[0]} ({p[1]} months)" if p else
                         f"{ed}: period not recorded in the methodology"
                         for ed, p in periods.items())
        notes.append(f"Coverage periods differ or are unknown ({said}): a change may span "
                     "more or less than a year of events.")
    if a > b:
        notes.append(f"from_edition {a} is later than to_edition {b}: change is {b} - {a}.")


def unclassified_note(out: pd.DataFrame, notes: list[str]) -> list[str]:
    """The ISO3 of compared rows with no change of the total (a total missing in one edition),
    and the note saying so: no sign to count, and never counted as unchanged."""
    unclassified = out.loc[out["delta"].isna(), "iso3"].tolist()
    if unclassified:
        who = "entities have" if len(unclassified) > 1 else "entity has"
        notes.append(f"{len(unclassified)} compared {who} no change of the total to count (a "
                     f"total is missing in one edition): {', '.join(unclassified)}; counted in "
                     "none of declined, improved and unchanged (summary unclassified).")
    return unclassified
