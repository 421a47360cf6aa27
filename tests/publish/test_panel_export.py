"""The panel table: the panel's canonical values, reshaped and labelled, nothing invented.

Every expected count and value is derived from the Panel itself, so that the tests hold when
the bundled datasets grow (more editions, more sources).
"""

from importlib.metadata import version

import numpy as np
import pandas as pd
import pytest

from scoring import Panel, load_dataset, load_panel, panel_table
from scoring.publish.panel_export import LABEL_LIMIT, LEVELS

#: The component columns of each level, written out here rather than read from the code under
#: test: what an analyst is promised.
FIW_AGGREGATES = ["total", "pr", "cl", "A", "B", "C", "D", "E", "F", "G", "addq", "adda",
                  "pr_rating", "cl_rating"]
EXPECTED = {
    ("fotn", "total"): ["total"],
    ("fotn", "categories"): ["total", "access", "content", "rights"],
    ("fotn", "questions"): ["total", "access", "content", "rights"]
    + [f"{c}{i}" for c, n in (("A", 5), ("B", 8), ("C", 8)) for i in range(1, n + 1)],
    ("fiw", "total"): ["total"],
    ("fiw", "categories"): FIW_AGGREGATES,
    ("fiw", "questions"): FIW_AGGREGATES
    + [f"{c}{i}" for c, n in (("A", 3), ("B", 4), ("C", 3), ("D", 4), ("E", 3), ("F", 4),
                              ("G", 4)) for i in range(1, n + 1)],
}


@pytest.fixture(scope="module")
def panels():
    return {"fotn": load_panel("fotn"), "fiw": load_panel("fiw")}


def _expected_rows(panel, include_territories=False):
    return panel.select(include_territories=include_territories).scores


def _same(a: pd.Series, b: pd.Series) -> bool:
    """Equal values, NaN where the other has NaN (a missing score must not become 0)."""
    a, b = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
    return bool(np.array_equal(np.isnan(a), np.isnan(b))
                and np.allclose(a[~np.isnan(a)], b[~np.isnan(b)], rtol=0, atol=1e-9))


@pytest.mark.parametrize("index", ["fotn", "fiw"])
@pytest.mark.parametrize("level", LEVELS)
def test_long_form_is_the_panel_row_for_row(panels, index, level):
    panel = panels[index]
    expected = _expected_rows(panel)
    table = panel_table(panel, level=level)
    assert len(table) == len(expected)
    assert not table.duplicated(["iso3", "edition"]).any()
    components = [c for c in table.columns if c in panel.methodology.keys]
    assert components == EXPECTED[(index, level)]
    assert list(table.columns[:3]) == ["iso3", "country", "edition"]
    assert {"status", "source", "source_row", "flags"} <= set(table.columns)
    joined = table.merge(expected, on=["iso3", "edition"], suffixes=("", "_panel"),
                         validate="one_to_one")
    assert len(joined) == len(table)
    for key in components:
        assert _same(joined[key], joined[f"{key}_panel"]), key
    for text in ("status", "source", "flags", "country"):
        assert joined[text].fillna("").equals(joined[f"{text}_panel"].fillna("")), text


def test_totals_only_editions_keep_their_categories_missing(panels):
    panel = panels["fotn"]
    table = panel_table(panel, level="categories")
    expected = _expected_rows(panel)
    totals_only = expected.groupby("edition")["access"].count().loc[lambda n: n == 0].index
    assert len(totals_only), "the bundled FOTN data have editions with totals only"
    rows = table[table["edition"].isin(totals_only)]
    assert rows["total"].notna().all()
    assert rows[["access", "content", "rights"]].isna().all().all()  # missing, never 0


@pytest.mark.parametrize("index", ["fotn", "fiw"])
@pytest.mark.parametrize("level", LEVELS)
def test_wide_form_holds_every_value_of_the_panel_once(panels, index, level):
    panel = panels[index]
    expected = _expected_rows(panel)
    table = panel_table(panel, level=level, wide=True)
    assert table["iso3"].tolist() == sorted(expected["iso3"].unique())
    assert not table["iso3"].duplicated().any()
    by_iso = table.set_index("iso3")
    by_iso.attrs = {}  # else pandas deep-copies the metadata into every column looked at
    left_out = set(table.attrs["metadata"]["left_out_columns"])
    for key in EXPECTED[(index, level)] + ["status"]:
        for edition, rows in expected.groupby("edition"):
            name = f"{key}_{edition}"
            if rows[key].isna().all():
                assert name not in by_iso.columns and name in left_out
                continue
            got = by_iso.loc[rows["iso3"], name]
            if key == "status":
                assert got.fillna("").tolist() == rows["status"].fillna("").tolist()
            else:
                assert _same(got, rows[key]), name
            absent = by_iso.index.difference(rows["iso3"])
            assert by_iso.loc[absent, name].isna().all(), name  # not in that edition
    for edition in panel.editions:
        assert f"source_{edition}" in by_iso.columns and f"flags_{edition}" in by_iso.columns


def test_wide_form_names_each_country_by_its_latest_name(panels):
    panel = panels["fotn"]
    table = panel_table(panel, wide=True).set_index("iso3")
    latest = panel.scores.sort_values("edition").groupby("iso3")["country"].last()
    assert table["country"].equals(latest.reindex(table.index))


def test_labels_say_range_and_direction(panels):
    fotn = panel_table(panels["fotn"], level="questions")
    labels = fotn.attrs["labels"]
    assert labels["access"] == "Obstacles to Access (0-25, higher = freer)"
    assert labels["total"] == "Total score (0-100, higher = freer)"
    assert labels["C6"].startswith("C6 Data collection") and labels["C6"].endswith(
        "... (0-6, higher = freer)")
    fiw = panel_table(panels["fiw"], level="questions", wide=True).attrs["labels"]
    assert fiw["pr_rating_2024"] == "2024: Political Rights rating (1-7, lower = freer)"
    assert fiw["addq_2024"].endswith("(0-4, higher = less free)")  # subtracted from PR
    assert fiw["total_2024"] == "2024: Total score (-4 to 100, higher = freer)"
    assert fiw["A1_2024"] == "2024: A1, Electoral Process (0-4, higher = freer)"


@pytest.mark.parametrize("index", ["fotn", "fiw"])
@pytest.mark.parametrize("wide", [False, True])
def test_every_column_has_a_label_stata_can_hold(panels, index, wide):
    table = panel_table(panels[index], level="questions", wide=wide)
    labels = table.attrs["labels"]
    assert list(labels) == list(table.columns)
    assert all(0 < len(v) <= LABEL_LIMIT for v in labels.values())


def test_metadata_says_what_the_table_is(panels):
    panel = panels["fotn"]
    table = panel_table(panel, level="categories")
    meta = table.attrs["metadata"]
    assert meta["index"] == "fotn" and meta["level"] == "categories" and meta["form"] == "long"
    assert meta["rows"] == len(table)
    assert meta["editions"] == list(panel.editions)
    assert meta["citation"] == panel.methodology.cite(panel.editions)
    assert meta["version"] == version("scoring") and meta["package"] == "scoring"
    assert sum(s["rows"] for s in meta["sources"]) == len(table)
    converted = sorted(panel.scores.loc[panel.scores["published_orientation"]
                                        == "lower-is-freer", "edition"].unique())
    assert "higher = freer" in meta["scale"]
    assert all(str(e) in meta["scale"] for e in converted)
    assert "never 0" in meta["missing"]
    bundled = {s["source"]: s for s in meta["sources"]}
    assert all("repository" in s for s in bundled.values())  # provenance of bundled files


def test_fiw_leaves_territories_out_unless_asked(panels):
    panel = panels["fiw"]
    territories = panel.scores[panel.territory_mask()]
    assert len(territories)
    default = panel_table(panel)
    assert (default["ct"] == "c").all()
    assert "territories left out" in " ".join(default.attrs["metadata"]["notes"])
    everything = panel_table(panel, include_territories=True)
    assert len(everything) == len(panel.scores)
    assert (everything["ct"] == "t").sum() == len(territories)
    assert everything.attrs["metadata"]["entities"] == "countries and territories"


def test_selection_by_country_and_edition(panels):
    panel = panels["fotn"]
    table = panel_table(panel, countries=["kaz", "RUS"], from_edition=2015, to_edition=2023)
    expected = panel.scores[panel.scores["iso3"].isin(["KAZ", "RUS"])
                            & panel.scores["edition"].between(2015, 2023)]
    assert len(table) == len(expected)
    assert set(table["iso3"]) == {"KAZ", "RUS"}
    assert table["edition"].between(2015, 2023).all()
    kaz = table[(table["iso3"] == "KAZ") & (table["edition"] == 2015)].iloc[0]
    assert not hasattr(kaz, "access")  # level total: no categories asked for
    cats = panel_table(panel, level="categories", countries=["KAZ"], from_edition=2015,
                       to_edition=2015).iloc[0]
    # Published 2015: 14/23/24 = 61 on 0 = most free; canonical 11/12/16 = 39.
    assert (cats["access"], cats["content"], cats["rights"], cats["total"]) == (11, 12, 16, 39)


@pytest.mark.parametrize("kwargs, message", [
    ({"level": "items"}, "level must be one of total, categories, questions; got 'items'"),
    ({"from_edition": 2030}, "editions 2030-last hold no rows of fotn"),
    ({"from_edition": 2024, "to_edition": 2019},
     "from_edition must not be after to_edition; got 2024 > 2019"),
    ({"countries": ["XXX"]}, "any edition.: XXX"),
])
def test_bad_requests_are_refused_with_what_was_asked(panels, kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        panel_table(panels["fotn"], **kwargs)


def test_a_frame_of_the_users_rows_works_too():
    rows = load_dataset("fiw")
    rows = rows[rows["iso3"].isin(["CIV", "TUR"])].copy()
    rows.loc[rows["iso3"] == "CIV", "country"] = "Côte d'Ivoire"
    table = panel_table(Panel.from_frame(rows, "fiw"), level="categories", wide=True)
    assert table["country"].tolist() == ["Côte d'Ivoire", "Turkey"]
    assert table.attrs["metadata"]["index"] == "fiw"
