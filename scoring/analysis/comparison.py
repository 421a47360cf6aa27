"""Change between two editions of an index, country by country, on one footing.

:func:`compare` is a sequence of named steps on a :class:`~scoring.datasets.panel.Panel`:
choose the rows of the two editions, derive statuses a source did not publish, build the
change table (totals, categories, questions, ranks, status boundaries, regions, flags), then
write the comparability notes and the summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..datasets.panel import Panel, as_panel, edition_ranges
from ..methodology import Methodology
from .comparison_notes import (citation, converted_editions, notes_after, territory_rule,
                               third_party_editions, unclassified_note)
from .decompose import question_changes, rank_table, status_distances, transition_matrix

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
        ``unchanged``, ``unclassified`` (ISO3 of those with no change of the total to count:
        ``n`` = declined + improved + unchanged + len(unclassified)), ``status_changes``,
        ``only_in_from`` / ``only_in_to`` (lists of
        ``{"iso3", "country"}``), ``entities`` (what was counted), ``territories_excluded``,
        ``scale_converted`` (editions converted from lower-is-freer), ``third_party``
        (editions with rows from a third party's series, to be credited), ``status_derived``
        (editions whose status was computed from the total because the source has none),
        ``flagged`` (entities whose rows break a rule), ``citation`` (Freedom House's, for the
        editions it published: not those only users' files supply; None if neither).
    notes : list of str
        Comparability notes, in words, for every caveat the numbers carry.
    questions : DataFrame
        Question-level changes (:func:`scoring.analysis.decompose.question_changes`).
    transitions : DataFrame
        Status transition matrix, earlier status by row, later by column.
    scores : DataFrame
        The canonical score rows behind the comparison: both editions of every entity
        compared or listed as in one edition only (statuses derived where the source had
        none). Analyses of the same comparison (:func:`scoring.rescoring_robustness`,
        :func:`scoring.question_consistency`) start from these instead of the data again.
    methodology : Methodology or None
        The index's methodology.
    """

    rows: pd.DataFrame
    summary: dict
    notes: list[str] = field(default_factory=list)
    questions: pd.DataFrame = field(default_factory=pd.DataFrame)
    transitions: pd.DataFrame = field(default_factory=pd.DataFrame)
    scores: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    methodology: Methodology | None = field(default=None, repr=False)

    @property
    def editions(self) -> tuple[int, int]:
        """``(from, to)`` as compared."""
        return self.summary["from"], self.summary["to"]

    def to_dict(self) -> dict:
        """JSON-ready: ``{"summary": ..., "notes": [...], "rows": [...]}``, NaN as None."""
        from .._json import records

        return {"summary": self.summary, "notes": self.notes, "rows": records(self.rows)}


def compare(
    data: Panel | pd.DataFrame | None = None,
    from_edition: int | None = None,
    to_edition: int | None = None,
    *,
    index: str | Methodology | None = None,
    countries: list[str] | None = None,
    include_territories: bool = False,
) -> Comparison:
    """Compare two editions: change of the total and of each category, status changes.

    Parameters
    ----------
    data : Panel or DataFrame, optional
        A loaded panel (:func:`scoring.load_panel`), or score rows (:func:`scoring.read_scores`,
        :func:`scoring.load_dataset`, or several concatenated) on any mix of published scales.
        Default: the bundled dataset of ``index``.
    index : str or Methodology, optional
        ``"fotn"`` or ``"fiw"``; default: the panel's (or the frame's ``index`` column), else
        ``"fotn"``.
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
        ``rank_change`` (rank_from - rank_to: positive = moved up), ``rank_change_common``
        (the same among the entities in both editions only: entries and exits do not move
        it), ``points_to_freer_status`` and ``points_to_less_free_status`` (in the later edition; NaN at the top or bottom
        status), ``region`` (FIW's; FOTN countries take FIW's by ISO3), ``status_change``
        (``"PF -> NF"``, or ``""``), ``flags`` (rules either row breaks), ``source_from`` and
        ``source_to`` (the file each edition's row came from, where the data say).
        Sorted by ``delta``, largest decline first. All scores on the canonical
        higher-is-freer scale, so a negative delta is a decline.

        ``questions``: question-level changes (:func:`scoring.analysis.decompose.question_changes`);
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
    >>> from scoring import load_panel
    >>> panel = load_panel("fotn")       # once, then as many comparisons as needed
    >>> result = compare(panel, 2023, 2024)
    >>> result.summary["declined"], result.summary["improved"]
    (27, 18)
    """
    panel = as_panel(data, index)
    m = panel.methodology
    a, b = _editions(panel, from_edition, to_edition)
    notes: list[str] = []
    pair = panel.scores[panel.scores["edition"].isin([a, b])]
    # Ranks are among every unit of each edition (after the territory rule), before the
    # country selection: a country's rank does not depend on which others were asked for.
    counted = pair if include_territories else pair[~panel.territory_mask(pair)]
    chosen = pair[pair["iso3"].isin(panel.check_countries(countries))] if countries else pair
    if countries:
        _absent(panel, countries, chosen, (a, b), notes)
    entities, excluded = "countries", 0
    if panel.has_territories:
        entities, excluded, chosen = territory_rule(panel, chosen, include_territories, notes,
                                                    asked=bool(countries))
    converted = converted_editions(chosen, notes)
    third_party = third_party_editions(chosen, notes)
    chosen, derived = _derive_status(chosen, m, (a, b), notes)
    before = chosen[chosen["edition"] == a].set_index("iso3")
    after = chosen[chosen["edition"] == b].set_index("iso3")
    out, questions = _change_table(before, after, m)
    ranked, rank_note = rank_table(counted, m.total.key, a, b)
    out = out.join(ranked)
    out = out.join(status_distances(after.loc[out.index], m))
    out["region"] = _regions(panel, after.loc[out.index], b, notes)
    change = out["status_from"].fillna("?") + " -> " + out["status_to"].fillna("?")
    out["status_change"] = change.where(out["status_from"] != out["status_to"], "")
    out["flags"] = [_joined_flags(before.at[i, "flags"], after.at[i, "flags"])
                    for i in out.index]
    if "source" in chosen.columns:  # which file each side's row came from
        out["source_from"] = before.loc[out.index, "source"]
        out["source_to"] = after.loc[out.index, "source"]
    out = out.reset_index(names="iso3").sort_values(["delta", "country"], kind="stable",
                                                    na_position="last").reset_index(drop=True)
    only_a = before.index.difference(after.index)
    only_b = after.index.difference(before.index)
    flagged = out.loc[out["flags"] != "", "iso3"].tolist()
    notes_after(notes, m, (a, b), (before, after), flagged, only_a.size, only_b.size)
    if rank_note:
        notes.append(rank_note)
    d = out["delta"]
    unclassified = unclassified_note(out, notes)
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
        "unclassified": unclassified,
        "status_changes": int((out["status_change"] != "").sum()),
        "only_in_from": [{"iso3": i, "country": before.at[i, "country"]} for i in only_a],
        "only_in_to": [{"iso3": i, "country": after.at[i, "country"]} for i in only_b],
        "territories_excluded": int(excluded),
        "scale_converted": converted,
        "third_party": third_party,
        "status_derived": derived,
        "flagged": flagged,
        "citation": citation(m, chosen, (a, b)),
    }
    nonzero = out["residual"].fillna(0).ne(0) if "residual" in out else pd.Series(False)
    if nonzero.any():
        notes.append("Category changes do not add up to the change of the total for "
                     f"{', '.join(out.loc[nonzero, 'iso3'])}: a published total differs from "
                     "the sum of its categories (see flags; column residual).")
    transitions = transition_matrix(out["status_from"], out["status_to"])
    questions = questions[questions["iso3"].isin(out["iso3"])].reset_index(drop=True)
    return Comparison(out, summary, notes, questions=questions, transitions=transitions,
                      scores=chosen.reset_index(drop=True), methodology=m)


def _editions(panel: Panel, from_edition, to_edition) -> tuple[int, int]:
    for name, ed in (("from_edition", from_edition), ("to_edition", to_edition)):
        if ed is None:
            raise ValueError(f"{name} is required: an edition in the data "
                             f"({', '.join(map(str, panel.editions))})")
    a, b = int(from_edition), int(to_edition)
    if a == b:
        raise ValueError(f"from_edition and to_edition must differ; got {a} twice")
    for name, ed in (("from_edition", a), ("to_edition", b)):
        if ed not in panel.editions:
            raise ValueError(f"{name} must be an edition in the data "
                             f"({', '.join(map(str, panel.editions))}); got {ed}")
    return a, b


def _absent(panel, countries, chosen: pd.DataFrame, pair, notes: list[str]) -> None:
    """Say which countries asked for are in neither edition, with the editions each is in;
    refuse when none of them is (nothing to compare)."""
    rows, there = panel.scores, set(chosen["iso3"])
    said = [f"{iso} is in editions "
            f"{edition_ranges(rows.loc[rows['iso3'] == iso, 'edition'], panel.editions)}"
            for iso in panel.check_countries(countries) if iso not in there]
    if chosen.empty:
        raise ValueError(f"countries must be in edition {pair[0]} or {pair[1]} to be "
                         f"compared; none is: {'; '.join(said)}")
    if said:
        notes.append(f"Not compared, in neither {pair[0]} nor {pair[1]}: {'; '.join(said)}.")


def _derive_status(chosen: pd.DataFrame, m: Methodology, editions, notes: list[str]):
    """Statuses computed from the total where a band-rule source published totals only."""
    derived: list[int] = []
    if m.status.rule != "bands":
        return chosen, derived
    total = m.status.component
    chosen = chosen.copy()
    said = []
    for ed in editions:
        mask = (chosen["edition"] == ed) & chosen["status"].isna() & chosen[total].notna()
        if mask.any():
            chosen.loc[mask, "status"] = [m.status_for(t) for t in chosen.loc[mask, total]]
            derived.append(ed)
            whole = mask.sum() == (chosen["edition"] == ed).sum()
            said.append(f"edition {ed}" if whole else
                        f"{mask.sum()} rows of edition {ed} "
                        f"({', '.join(sorted(chosen.loc[mask, 'iso3'].astype(str)))})")
    if derived:
        notes.append(f"Status derived from the total for {'; '.join(said)}: the source of "
                     "those rows gives the total only.")
    return chosen, derived


def _change_table(before: pd.DataFrame, after: pd.DataFrame, m: Methodology):
    """Scores of both editions and their changes, per entity in both; and the question
    changes."""
    both = before.index.intersection(after.index)
    cats = [c.key for c in m.categories]
    out = pd.DataFrame(index=both)
    out["country"] = after.loc[both, "country"]
    out["status_from"] = before.loc[both, "status"]
    out["status_to"] = after.loc[both, "status"]
    out["total_from"] = before.loc[both, m.total.key]
    out["total_to"] = after.loc[both, m.total.key]
    out["delta"] = out["total_to"] - out["total_from"]

    def side(frame, k):
        return frame.loc[both, k] if k in frame.columns else np.nan

    for k in cats:
        f, t = side(before, k), side(after, k)
        out[f"delta_{k}"] = t - f if not (np.isscalar(f) or np.isscalar(t)) else np.nan
    for k in cats:
        out[f"{k}_from"] = side(before, k)
        out[f"{k}_to"] = side(after, k)
    for k in cats:
        out[f"share_{k}"] = out[f"delta_{k}"] / m.component(k).max
    questions = question_changes(before, after, m)
    out["delta_questions"] = questions.groupby("iso3")["delta"].sum().reindex(out.index)
    if cats:
        cat_sum = out[[f"delta_{k}" for k in cats]].sum(axis=1, min_count=len(cats))
        out["residual"] = out["delta"] - cat_sum
    return out, questions


def _regions(panel: Panel, after: pd.DataFrame, edition: int, notes: list[str]) -> pd.Series:
    if "region" in after.columns:
        return after["region"]
    regions, region_edition = panel.region_of(edition)
    notes.append(f"Regions are Freedom in the World {region_edition}'s, by ISO3.")
    return regions.reindex(after.index)


def _joined_flags(a: str, b: str) -> str:
    """The rules either row breaks, each once, in order."""
    return ";".join(x for x in dict.fromkeys(f"{a};{b}".split(";")) if x)
