"""Change between two editions of an index, country by country, on one footing."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import ScoringError
from .decompose import question_changes, ranks, status_distances, transition_matrix
from ..ingest.harmonize import to_canonical
from ..methodology import LOWER_IS_FREER, Methodology, load_methodology
from ..datasets.regions import fiw_regions

__all__ = ["Comparison", "compare"]


@dataclass
class Comparison:
    """The result of :func:`compare`.

    Attributes
    ----------
    rows : DataFrame
        One row per entity in both editions (see :func:`compare`, Returns).
    summary : dict
        ``index``, ``from``, ``to``, ``n`` (entities compared), ``declined``, ``improved``,
        ``unchanged``, ``status_changes``, ``only_in_from`` / ``only_in_to`` (lists of
        ``{"iso3", "country"}``), ``entities`` (what was counted), ``territories_excluded``,
        ``scale_converted`` (editions converted from lower-is-freer), ``status_derived``
        (editions whose status was computed from the total because the source has none),
        ``flagged`` (entities whose rows break a rule), ``citation``.
    notes : list of str
        Comparability notes, in words, for every caveat the numbers carry.
    """

    rows: pd.DataFrame
    summary: dict
    notes: list[str] = field(default_factory=list)
    questions: pd.DataFrame = field(default_factory=pd.DataFrame)
    transitions: pd.DataFrame = field(default_factory=pd.DataFrame)

    def to_dict(self) -> dict:
        """JSON-ready: ``{"summary": ..., "notes": [...], "rows": [...]}``, NaN as None."""
        from .._json import records

        return {"summary": self.summary, "notes": self.notes, "rows": records(self.rows)}


def compare(
    data: pd.DataFrame | None = None,
    *,
    index: str | Methodology = "fotn",
    from_edition: int,
    to_edition: int,
    countries: list[str] | None = None,
    include_territories: bool = False,
) -> Comparison:
    """Compare two editions: change of the total and of each category, status changes.

    Parameters
    ----------
    data : DataFrame, optional
        Score rows (:func:`scoring.read_scores`, :func:`scoring.load_dataset`, or several
        concatenated), on any mix of published scales. Default: the bundled dataset of
        ``index``.
    index : str or Methodology
        ``"fotn"`` or ``"fiw"``.
    from_edition, to_edition : int
        The earlier and later editions (either order is accepted; change is to - from).
    countries : list of str, optional
        ISO3 codes to restrict the comparison to.
    include_territories : bool
        FIW only: count territories too. By default FIW summaries count countries, not
        territories, as Freedom House does.

    Returns
    -------
    Comparison
        ``rows`` columns: ``iso3``, ``country`` (name in the later edition),
        ``status_from``, ``status_to``, ``total_from``, ``total_to``, ``delta`` (change of the
        total), ``delta_<category>`` for each category of the methodology (NaN where an
        edition did not publish categories), ``<category>_from``, ``<category>_to``,
        ``share_<category>`` (category change as a share of the category's maximum),
        ``delta_questions`` (sum of the question changes, where both editions have every
        question), ``residual`` (change of the total minus the sum of category changes: 0
        unless a published total differs from its categories), ``rank_from``, ``rank_to``
        (1 = freest among all units of that edition; ties share the lowest rank),
        ``rank_change`` (rank_from - rank_to: positive = moved up), ``points_to_freer_status``
        and ``points_to_less_free_status`` (in the later edition; NaN at the top or bottom
        status), ``region`` (FIW's; FOTN countries take FIW's by ISO3), ``status_change``
        (``"PF -> NF"``, or ``""``), ``flags`` (rules either row breaks).
        Sorted by ``delta``, largest decline first. All scores on the canonical
        higher-is-freer scale, so a negative delta is a decline.

        ``questions``: question-level changes (:func:`scoring.decompose.question_changes`);
        ``transitions``: status transition matrix, earlier status by row, later by column.

    Notes
    -----
    Every row is converted to higher-is-freer per component before subtracting
    (:func:`scoring.to_canonical`). Only entities present in both editions are compared; the
    others are listed in the summary. Flagged rows are compared as published and counted in
    ``summary["flagged"]``; nothing is dropped or corrected.

    Examples
    --------
    >>> result = compare(index="fotn", from_edition=2023, to_edition=2024)
    >>> result.summary["declined"], result.summary["improved"]
    (27, 18)
    """
    m = index if isinstance(index, Methodology) else load_methodology(index)
    if data is None:
        from ..datasets.load import load_dataset

        data = load_dataset(m.key)
    a, b = int(from_edition), int(to_edition)
    if a == b:
        raise ValueError(f"from_edition and to_edition must differ; got {a} twice")
    available = sorted(int(e) for e in data["edition"].dropna().unique())
    for name, ed in (("from_edition", a), ("to_edition", b)):
        if ed not in available:
            raise ValueError(f"{name} must be an edition in the data "
                             f"({', '.join(map(str, available))}); got {ed}")
    notes: list[str] = []
    rows = data[data["edition"].isin([a, b])]
    dup = rows[rows.duplicated(["iso3", "edition"], keep=False)]
    if len(dup):
        first = dup.iloc[0]
        raise ScoringError(
            f"{len(dup)} rows share an entity and edition (first: {first['iso3']} "
            f"{first['edition']}, from {first['source']} row {first['source_row']}); "
            "one row per entity and edition is needed to compare")
    if "ct" in rows.columns and not include_territories:
        panel_rows = rows[~rows["ct"].str.lower().eq("t")]
    else:
        panel_rows = rows
    if countries:
        wanted = [c.strip().upper() for c in countries]
        known = set(data["iso3"].dropna())
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise ValueError(f"countries must be ISO3 codes in the data; not found: "
                             f"{', '.join(unknown)}")
        rows = rows[rows["iso3"].isin(wanted)]
    excluded = 0
    entities = "countries"
    if "ct" in rows.columns:
        if include_territories:
            entities = "countries and territories"
        else:
            terr = rows["ct"].str.lower().eq("t")
            excluded = rows.loc[terr, "iso3"].nunique()
            rows = rows[~terr]
            notes.append(f"Counts are of countries only, as Freedom House counts them; "
                         f"{excluded} territories left out (include_territories=True, "
                         "--include-territories, to count them).")
    canon = to_canonical(rows, m)
    converted = sorted({int(e) for e, o in zip(canon["edition"], canon["published_orientation"])
                        if o == LOWER_IS_FREER})
    if converted:
        notes.append(f"Scales converted: edition{'s' if len(converted) > 1 else ''} "
                     f"{', '.join(map(str, converted))} published lower-is-freer "
                     "(0 = most free) converted per component to higher-is-freer "
                     "(value' = max - value) before subtracting.")
    derived = []
    if m.status.rule == "bands":
        total = m.status.component
        for ed in (a, b):
            mask = (canon["edition"] == ed) & canon["status"].isna() & canon[total].notna()
            if mask.any():
                canon.loc[mask, "status"] = [m.status_for(t) for t in canon.loc[mask, total]]
                derived.append(ed)
        if derived:
            notes.append(f"Status derived from the total for edition"
                         f"{'s' if len(derived) > 1 else ''} {', '.join(map(str, derived))}: "
                         "the source publishes totals only.")
    before = canon[canon["edition"] == a].set_index("iso3")
    after = canon[canon["edition"] == b].set_index("iso3")
    # Ranks are among every unit of each edition (after the territory rule), before the
    # country selection: a country's rank does not depend on which others were asked for.
    panel = to_canonical(panel_rows, m)
    rank_of = {ed: ranks(panel.loc[panel["edition"] == ed].set_index("iso3")[m.total.key])
               for ed in (a, b)}
    both = before.index.intersection(after.index)
    only_a = before.index.difference(after.index)
    only_b = after.index.difference(before.index)
    total_key = m.total.key
    cats = [c.key for c in m.categories]
    out = pd.DataFrame(index=both)
    out["country"] = after.loc[both, "country"]
    out["status_from"] = before.loc[both, "status"]
    out["status_to"] = after.loc[both, "status"]
    out["total_from"] = before.loc[both, total_key]
    out["total_to"] = after.loc[both, total_key]
    out["delta"] = out["total_to"] - out["total_from"]
    for k in cats:
        f = before.loc[both, k] if k in before.columns else np.nan
        t = after.loc[both, k] if k in after.columns else np.nan
        out[f"delta_{k}"] = t - f if not (np.isscalar(f) or np.isscalar(t)) else np.nan
    for k in cats:
        out[f"{k}_from"] = before.loc[both, k] if k in before.columns else np.nan
        out[f"{k}_to"] = after.loc[both, k] if k in after.columns else np.nan
    for k in cats:
        out[f"share_{k}"] = out[f"delta_{k}"] / m.component(k).max
    questions = question_changes(before, after, m)
    out["delta_questions"] = questions.groupby("iso3")["delta"].sum().reindex(out.index)
    if cats:
        cat_sum = out[[f"delta_{k}" for k in cats]].sum(axis=1, min_count=len(cats))
        out["residual"] = out["delta"] - cat_sum
    out["rank_from"] = rank_of[a].reindex(out.index)
    out["rank_to"] = rank_of[b].reindex(out.index)
    out["rank_change"] = out["rank_from"] - out["rank_to"]
    out = out.join(status_distances(after.loc[both], m))
    if "region" in after.columns:
        out["region"] = after.loc[both, "region"]
    else:
        regions, region_edition = fiw_regions(b)
        out["region"] = regions.reindex(out.index)
        notes.append(f"Regions are Freedom in the World {region_edition}'s, by ISO3.")
    change = out["status_from"].fillna("?") + " -> " + out["status_to"].fillna("?")
    out["status_change"] = change.where(out["status_from"] != out["status_to"], "")
    fl = [";".join(x for x in dict.fromkeys(f"{before.at[i, 'flags']};{after.at[i, 'flags']}"
                                            .split(";")) if x) for i in both]
    out["flags"] = fl
    out = out.reset_index(names="iso3")
    out = out.sort_values(["delta", "country"], kind="stable", na_position="last")
    out = out.reset_index(drop=True)
    missing_cats = [ed for ed, side in ((a, before), (b, after))
                    if not all(k in side.columns and side[k].notna().any() for k in cats)]
    if missing_cats:
        notes.append(f"No category scores for edition{'s' if len(missing_cats) > 1 else ''} "
                     f"{', '.join(map(str, missing_cats))} in the data: category changes are "
                     "blank.")
    d = out["delta"]
    flagged = out.loc[out["flags"] != "", "iso3"].tolist()
    if flagged:
        notes.append(f"{len(flagged)} compared {'rows break' if len(flagged) > 1 else 'row breaks'}"
                     f" a validation rule and {'are' if len(flagged) > 1 else 'is'} used as "
                     f"published: {', '.join(flagged)} (see the flags column).")
    if only_a.size or only_b.size:
        notes.append(f"Panel change: {only_a.size} in {a} only, {only_b.size} in {b} only; "
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
    summary = {
        "index": m.key,
        "name": m.name,
        "from": a,
        "to": b,
        "entities": entities,
        "n": int(len(out)),
        "declined": int((d < 0).sum()),
        "improved": int((d > 0).sum()),
        "unchanged": int((d == 0).sum()),
        "status_changes": int((out["status_change"] != "").sum()),
        "only_in_from": [{"iso3": i, "country": before.at[i, "country"]} for i in only_a],
        "only_in_to": [{"iso3": i, "country": after.at[i, "country"]} for i in only_b],
        "territories_excluded": int(excluded),
        "scale_converted": converted,
        "status_derived": derived,
        "flagged": flagged,
        "citation": m.cite([a, b]),
    }
    nonzero = out["residual"].fillna(0).ne(0) if "residual" in out else pd.Series(False)
    if nonzero.any():
        notes.append("Category changes do not add up to the change of the total for "
                     f"{', '.join(out.loc[nonzero, 'iso3'])}: a published total differs from "
                     "the sum of its categories (see flags; column residual).")
    transitions = transition_matrix(out["status_from"], out["status_to"])
    questions = questions[questions["iso3"].isin(out["iso3"])].reset_index(drop=True)
    return Comparison(out, summary, notes, questions=questions, transitions=transitions)
