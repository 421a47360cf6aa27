"""The panel as an analyst's table: canonical scores, one row per country-edition or country.

:func:`panel_table` turns a :class:`~scoring.datasets.panel.Panel` into the table an analyst
loads into R, Stata or pandas, with a label for every column and a metadata block (index,
level, scale, sources, citation, package version) carried in ``attrs``; the writers of
:mod:`scoring.publish.panel_formats` turn it into CSV, xlsx, JSON, parquet or Stata files.

Why here: the stage table puts "results out" in publish. Nothing is computed (no question is
asked of the data, so it is not analysis), and the table is a view made for writing out, not
a way of loading data (so it is not datasets): it selects the panel's rows and columns,
reshapes them and says what every column holds. It reads the methodology for the labels and
the registry for the provenance of the bundled sources, both of which publish may import.

Values are the panel's, untouched: canonical (higher = freer) scores, a blank wherever the
source published nothing (never 0), statuses, sources and flags as the panel holds them.
"""

from __future__ import annotations

import re

import pandas as pd

from ..datasets.panel import Panel, as_panel
from ..errors import DatasetError
from ..methodology import LOWER_IS_FREER, STATUS_LABELS, Component, Methodology

__all__ = ["panel_table", "LEVELS", "LABEL_LIMIT"]

#: What ``level=`` may name. Each level holds the one above it: an analyst who asks for the
#: categories wants the total beside them, and one who asks for questions wants both.
LEVELS = ("total", "categories", "questions")

#: The methodology levels of each export level, in column order.
_COMPONENT_LEVELS = {
    "total": ("total",),
    "categories": ("total", "category", "subcategory", "adjustment", "rating"),
    "questions": ("total", "category", "subcategory", "adjustment", "rating", "question"),
}

#: Stata's limit for a variable label and a dataset label; every label is kept within it so
#: that every format carries the same words.
LABEL_LIMIT = 80

#: Columns that say who and when (long form), in order; those of them the panel has are kept.
_ID_COLUMNS = ("iso3", "country", "edition", "ct", "region")
#: Columns that say where a row came from (long form), after the scores.
_TRAIL_COLUMNS = ("published_orientation", "source", "source_row", "flags")
#: The per-edition columns of the wide form besides the scores.
_WIDE_TEXT = ("source", "flags")

_FIXED_LABELS = {
    "iso3": "ISO 3166 alpha-3 code (X.. codes: territories without one)",
    "country": "Country or territory name as published in this edition",
    "edition": "Edition (year of publication)",
    "ct": "c = country, t = territory",
    "region": "Freedom House region",
    "status": "Status as published: Free, Partly Free or Not Free",
    "published_orientation": "Scale of the row in its source (lower-is-freer values converted)",
    "source": "Source file of the row",
    "source_row": "Row of the source file, as seen in the file",
    "flags": "Validation rules the row breaks (kept as published); empty = none",
}


def panel_table(
    data=None,
    *,
    index: str | Methodology | None = None,
    level: str = "total",
    wide: bool = False,
    countries=None,
    include_territories: bool = False,
    from_edition: int | None = None,
    to_edition: int | None = None,
) -> pd.DataFrame:
    """The canonical scores of a panel as one table: long (country-edition) or wide (country).

    Parameters
    ----------
    data : Panel or DataFrame, optional
        A panel, or score rows as for :func:`scoring.compare` (default: the bundled dataset of
        ``index``).
    index : str or Methodology, optional
    level : {"total", "categories", "questions"}
        Which scores: the total; the total and every aggregate below it (FOTN: the three
        categories; FIW: PR, CL, the adjustments Add Q and Add A, the PR and CL ratings and the
        subcategories A-G); or all of those and every question.
    wide : bool
        One row per country with one column per component and edition (``total_2023``),
        instead of one row per country and edition.
    countries : list of str, optional
        ISO3 codes to keep (each must be in the data).
    include_territories : bool
        FIW: keep territories (default: countries only, as Freedom House counts).
    from_edition, to_edition : int, optional
        Inclusive edition range.

    Returns
    -------
    DataFrame
        Long form, sorted by ``iso3`` and ``edition``: ``iso3, country, edition`` (FIW also
        ``ct, region``), ``status``, one float column per component of the level (canonical:
        higher = freer, except the ratings, published 1 = most free, and FIW's Add Q, a
        penalty: see the labels), ``published_orientation``, ``source``, ``source_row``,
        ``flags``. A score the source did not publish is NaN, never 0.

        Wide form, sorted by ``iso3``: ``iso3, country`` (the latest edition's name; FIW also
        ``ct`` and the latest ``region``), then ``status_<edition>`` for every edition, then
        ``<component>_<edition>`` for every component, then ``source_<edition>`` and
        ``flags_<edition>``. A status or score column that no row has a value for (FOTN's
        ``access_2011``: that edition published totals only) is left out, and the metadata
        says which; a country absent from an edition has NaN in that edition's columns.
        ``source_row`` and ``published_orientation`` are in the long form only.

        ``attrs["labels"]`` maps every column to its label (at most 80 characters, e.g.
        ``"Obstacles to Access (0-25, higher = freer)"``); ``attrs["metadata"]`` holds
        ``index, name, level, form, entities, editions, rows, scale, missing, status_codes,
        sources, citation, package, version, notes``.

    Raises
    ------
    ValueError
        An unknown level, an unknown country, an edition range with no rows.

    Examples
    --------
    >>> table = panel_table(index="fotn", level="categories", from_edition=2023)
    >>> table.attrs["labels"]["access"]
    'Obstacles to Access (0-25, higher = freer)'
    >>> list(panel_table(index="fotn", wide=True, from_edition=2023).columns)[:4]
    ['iso3', 'country', 'status_2023', 'status_2024']
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    panel = as_panel(data, index)
    chosen = _select(panel, countries, include_territories, from_edition, to_edition)
    components = _components(panel.methodology, level, chosen.scores)
    long = _long(chosen, components)
    labels = _long_labels(panel.methodology, long, components)
    left_out: list[str] = []
    table = long
    if wide:
        table, labels, left_out = _wide(long, labels, components, panel.methodology)
    metadata = _metadata(chosen, long, level, wide, components, left_out, include_territories)
    metadata["rows"] = len(table)
    table.attrs = {"labels": labels, "metadata": metadata}
    return table


# -- steps -----------------------------------------------------------------------------------
def _select(panel: Panel, countries, include_territories, from_edition, to_edition) -> Panel:
    """The rows asked for; an empty choice is refused rather than written as an empty file."""
    if from_edition is not None and to_edition is not None and from_edition > to_edition:
        raise ValueError(f"from_edition must not be after to_edition; got {from_edition} > "
                         f"{to_edition}")
    chosen = panel.select(countries=countries, include_territories=include_territories,
                          from_edition=from_edition, to_edition=to_edition)
    if chosen.scores.empty:
        span = f"{from_edition or 'first'}-{to_edition or 'last'}"
        raise ValueError(f"editions {span} hold no rows of {panel.index}; its editions are "
                         f"{', '.join(str(e) for e in panel.editions)}")
    return chosen


def _components(m: Methodology, level: str, scores: pd.DataFrame) -> list[Component]:
    """The components of a level that the panel has columns for, total first."""
    wanted = _COMPONENT_LEVELS[level]
    return [c for lvl in wanted for c in m.level(lvl) if c.key in scores.columns]


def _long(panel: Panel, components: list[Component]) -> pd.DataFrame:
    """One row per entity and edition: ids, status, scores, provenance; nothing converted
    beyond what the panel already did."""
    scores = panel.scores
    cols = ([c for c in _ID_COLUMNS if c in scores.columns] + ["status"]
            + [c.key for c in components]
            + [c for c in _TRAIL_COLUMNS if c in scores.columns])
    long = scores[cols].copy()
    long["edition"] = long["edition"].astype("int64")
    for c in components:
        long[c.key] = long[c.key].astype("float64")
    return long.sort_values(["iso3", "edition"], kind="stable").reset_index(drop=True)


def _wide(long: pd.DataFrame, labels: dict, components: list[Component], m: Methodology):
    """One row per entity; per-edition columns named ``<variable>_<edition>``.

    Returns the table, its labels and the per-edition columns left out because no row has a
    value in them.
    """
    latest = long.groupby("iso3", sort=True).last()
    ids = [c for c in ("country", "ct", "region") if c in long.columns]
    out = latest[ids].reset_index()
    wide_labels = {"iso3": labels["iso3"]}
    for c in ids:
        wide_labels[c] = (f"{labels[c]} (latest edition)" if c != "country"
                          else "Country or territory name (latest edition)")
    editions = sorted(long["edition"].unique())
    by_entity = long.set_index(["iso3", "edition"])
    variables = ["status"] + [c.key for c in components] + list(_WIDE_TEXT)
    blocks, left_out = [], []
    for var in variables:
        grid = by_entity[var].unstack("edition").reindex(index=out["iso3"], columns=editions)
        for ed in editions:
            name = f"{var}_{ed}"
            column = grid[ed]
            if var not in _WIDE_TEXT and column.isna().all():
                left_out.append(name)
                continue
            blocks.append(column.rename(name).reset_index(drop=True))
            wide_labels[name] = _edition_label(var, ed, m, components)
    table = pd.concat([out] + blocks, axis=1)
    return table, wide_labels, left_out


# -- labels ----------------------------------------------------------------------------------
def _long_labels(m: Methodology, long: pd.DataFrame, components) -> dict[str, str]:
    scored = {c.key: component_label(m, c) for c in components}
    return {c: scored[c] if c in scored else _FIXED_LABELS[c] for c in long.columns}


def component_label(m: Methodology, c: Component, prefix: str = "") -> str:
    """``"Obstacles to Access (0-25, higher = freer)"``: what the score is, its range and the
    way it runs, within :data:`LABEL_LIMIT` characters (a long name is shortened at a word).

    The direction is read from the methodology, not assumed: ratings are published
    1 = most free and never converted; a component subtracted from its aggregate (FIW's
    Add Q) is a penalty, higher = less free; every other score is on the canonical scale.
    """
    text = re.sub(r"\s*\([^)]*\)$", "", c.label)  # "(1 = most free)": said by the direction
    if c.level == "question":
        parent = _parent_label(m, c)
        text = f"{c.key}, {parent}" if text == c.key and parent else (
            text if text == c.key else f"{c.key} {text}")
    span = f"{c.min}-{c.max}" if c.min >= 0 else f"{c.min} to {c.max}"
    return _fit(prefix, text, f"({span}, {_direction(m, c)})")


def _direction(m: Methodology, c: Component) -> str:
    if c.level == "rating":
        return "lower = freer"
    if any(key == c.key and sign < 0 for agg in m.components for sign, key in agg.terms):
        return "higher = less free"
    return "higher = freer"


def _parent_label(m: Methodology, c: Component) -> str | None:
    if not c.parent:
        return None
    try:
        return m.component(c.parent).label
    except KeyError:
        return None


def _edition_label(var: str, edition: int, m: Methodology, components) -> str:
    prefix = f"{edition}: "
    for c in components:
        if c.key == var:
            return component_label(m, c, prefix)
    words = {"status": "Status as published (Free, Partly Free, Not Free)",
             "source": "Source file",
             "flags": "Validation rules broken; empty = none"}
    return _fit(prefix, words[var], "")


def _fit(prefix: str, text: str, suffix: str) -> str:
    full = f"{prefix}{text} {suffix}".rstrip()
    if len(full) <= LABEL_LIMIT:
        return full
    room = LABEL_LIMIT - len(prefix) - len(suffix) - len("... ")
    cut = text[:room].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{prefix}{cut}... {suffix}".rstrip()


# -- metadata --------------------------------------------------------------------------------
def _metadata(panel: Panel, long: pd.DataFrame, level: str, wide: bool, components,
              left_out: list[str], include_territories: bool) -> dict:
    """What a reader of the file needs to use it right, carried into every format that can
    hold it (JSON, xlsx, parquet; the Stata file gets its dataset label)."""
    m = panel.methodology
    editions = [int(e) for e in sorted(long["edition"].unique())]
    entities = ("countries and territories" if include_territories and panel.has_territories
                else "countries" if panel.has_territories else f"{m.entity.split()[0]} entities")
    notes = list(panel.notes)
    if left_out:
        notes.append(f"left out of the wide form because no row has a value (the sources "
                     f"published none): {_left_out_summary(left_out)}")
    if panel.has_territories and not include_territories:
        notes.append("territories left out (include_territories=True / --include-territories "
                     "keeps them)")
    return {
        "index": m.key, "name": m.name, "level": level, "form": "wide" if wide else "long",
        "entities": entities, "editions": editions, "rows": None,
        "scale": _scale_statement(m, long, components),
        "missing": ("a blank cell (CSV, xlsx), null (JSON, parquet) or . (Stata) is a value "
                    "the source did not publish: never 0; Stata has no missing text, so "
                    "missing text is empty there"),
        "status_codes": dict(STATUS_LABELS),
        "sources": _sources(long),
        "citation": m.cite(editions),
        "package": "scoring", "version": _version(),
        "left_out_columns": list(left_out),
        "notes": notes,
    }


def _left_out_summary(left_out: list[str]) -> str:
    """``"status, access in 2011, 2012; A1, A2 in 2011"``: variables that lack the same
    editions said once, so that the note stays readable for 500 left-out question columns."""
    editions: dict[str, list[str]] = {}
    for name in left_out:
        var, ed = name.rsplit("_", 1)
        editions.setdefault(var, []).append(ed)
    groups: dict[tuple[str, ...], list[str]] = {}
    for var, eds in editions.items():
        groups.setdefault(tuple(eds), []).append(var)
    return "; ".join(f"{', '.join(vs)} in {', '.join(eds)}" for eds, vs in groups.items())


def _scale_statement(m: Methodology, long: pd.DataFrame, components) -> str:
    converted = []
    if "published_orientation" in long.columns:
        mask = long["published_orientation"].eq(LOWER_IS_FREER).fillna(False).astype(bool)
        converted = sorted(int(e) for e in long.loc[mask, "edition"].unique())
    text = "Scores are on one scale: higher = freer."
    if converted:
        text += (f" Rows whose source gives them lower-is-freer (editions "
                 f"{_span_list(converted)}) were converted per component as min + max - "
                 f"value; published_orientation says which scale each row's source uses.")
    others = [f"{c.key} ({_direction(m, c)})" for c in components
              if _direction(m, c) != "higher = freer"]
    if others:
        text += (f" Except: {', '.join(others)}, as published (ratings run 1 = most free; a "
                 f"penalty is subtracted from its aggregate).")
    return text


def _span_list(editions: list[int]) -> str:
    return ", ".join(str(e) for e in editions)


def _sources(long: pd.DataFrame) -> list[dict]:
    """Each source of the table's rows: how many rows and editions it gives, and where the
    bundled ones come from (``datasets/sources.toml``); a user's own file is named as given."""
    if "source" not in long.columns:
        return []
    known = _registry_sources()
    out = []
    for name, rows in long.groupby("source", sort=True):
        entry = {"source": str(name), "rows": int(len(rows)),
                 "editions": [int(e) for e in sorted(rows["edition"].unique())]}
        found = known.get(str(name).split(" [")[0])
        if found:
            entry.update({k: found[k] for k in ("content", "repository", "commit", "path")
                          if k in found})
        out.append(entry)
    return out


def _registry_sources() -> dict[str, dict]:
    from ..datasets.registry import load_sources

    try:
        return {str(s["file"]).rsplit("/", 1)[-1]: s for s in load_sources()}
    except (DatasetError, OSError):  # provenance is a courtesy: a panel built from the
        return {}                    # user's own frame is exported without the registry


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("scoring")
    except PackageNotFoundError:
        return "unknown"
