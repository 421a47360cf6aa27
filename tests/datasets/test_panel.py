"""The loaded panel: built once, validated and canonical, taken by every analysis."""

import pandas as pd
import pytest

import scoring
import scoring.datasets.load as load_module
import scoring.ingest.harmonize as harmonize_module
from scoring import Panel, compare, load_dataset, load_panel
from scoring.errors import ScoringError


@pytest.fixture(scope="module")
def panel():
    return load_panel("fotn")


@pytest.fixture
def no_reloading(monkeypatch):
    """Fail on any read of a bundled table or any scale conversion."""
    def refuse(*args, **kwargs):
        raise AssertionError("the data were loaded or converted again")

    monkeypatch.setattr(load_module, "load_dataset", refuse)
    monkeypatch.setattr(harmonize_module, "to_canonical", refuse)
    import scoring.datasets.panel as panel_module

    monkeypatch.setattr(panel_module, "to_canonical", refuse)


def test_canonical_and_one_row_per_entity_and_edition(panel):
    s = panel.scores
    assert (s["orientation"] == "higher-is-freer").all()
    assert not s.duplicated(["iso3", "edition"]).any()
    kaz = s[(s["iso3"] == "KAZ") & (s["edition"] == 2015)].iloc[0]
    # Published 2015: 14/23/24 = 61 on 0 = most free; canonical 11/12/16 = 39.
    assert (kaz["access"], kaz["content"], kaz["rights"], kaz["total"]) == (11, 12, 16, 39)
    assert kaz["published_orientation"] == "lower-is-freer"
    assert panel.editions == tuple(range(2011, 2025))
    assert panel.index == "fotn" and panel.regions is not None


def test_every_analysis_takes_the_panel_without_reloading(panel, no_reloading):
    r = compare(panel, 2023, 2024)
    assert (r.summary["declined"], r.summary["improved"]) == (27, 18)
    robust = scoring.rescoring_robustness(r, method="exact")
    assert robust.set_index("iso3").loc["KGZ", "delta"] == -4
    qc = scoring.question_consistency(r)
    assert (qc.set_index("iso3").loc["KGZ", ["down", "up"]] == [4, 0]).all()
    counts = scoring.yearly_counts(panel)
    assert counts.iloc[-1][["declined", "improved"]].tolist() == [27, 18]
    scoring.country_changes(panel, countries=["KGZ"])
    scoring.largest_changes(panel, edition=2024, years=1, n=3)
    scoring.country_trends(panel, countries=["KAZ"])
    scoring.episodes(panel, countries=["KAZ"])
    scoring.long_series(panel, countries=["KAZ"])


def test_keyword_forms_still_work_and_agree(panel):
    old = compare(index="fotn", from_edition=2023, to_edition=2024)
    new = compare(panel, 2023, 2024)
    pd.testing.assert_frame_equal(old.rows, new.rows)
    assert old.summary == new.summary and old.notes == new.notes


def test_a_frame_becomes_a_panel_and_names_its_index():
    fiw = load_dataset("fiw")
    r = compare(fiw, 2021, 2022)      # the frame's index column says fiw
    assert (r.summary["declined"], r.summary["improved"]) == (60, 25)
    p = Panel.from_frame(fiw)
    assert p.index == "fiw" and p.regions is None   # FIW rows carry their own region


def test_the_same_panel_from_either_scale():
    # The table is canonical by default; the as-published one (2014, 2015, 2018 lower-is-freer)
    # converts to exactly the same scores, so every analysis gives the same numbers.
    canon = Panel.from_frame(load_dataset("fotn")).scores
    published = Panel.from_frame(load_dataset("fotn", as_published=True)).scores
    pd.testing.assert_frame_equal(published[canon.columns], canon)
    a = compare(load_dataset("fotn"), 2015, 2024, index="fotn")
    b = compare(load_dataset("fotn", as_published=True), 2015, 2024, index="fotn")
    pd.testing.assert_frame_equal(a.rows, b.rows)
    assert a.summary == b.summary and a.notes == b.notes
    assert any("Scales converted: edition 2015 published lower-is-freer" in n for n in a.notes)


def test_duplicates_are_refused_when_the_panel_is_built():
    fotn = load_dataset("fotn")
    doubled = pd.concat([fotn, fotn[fotn["edition"] == 2016].head(1)], ignore_index=True)
    with pytest.raises(ScoringError, match="share an entity and edition"):
        Panel.from_frame(doubled)


def test_bad_arguments(panel):
    with pytest.raises(ValueError, match="index must be the panel's"):
        compare(panel, 2023, 2024, index="fiw")
    with pytest.raises(ValueError, match="to_edition is required"):
        compare(panel, 2023)
    with pytest.raises(ValueError, match="must be a Panel, a score DataFrame or None"):
        compare([1, 2, 3], 2023, 2024)
    with pytest.raises(ValueError, match="missing: orientation"):
        Panel.from_frame(pd.DataFrame({"iso3": ["KAZ"], "edition": [2024]}), "fotn")
    r = compare(panel, 2023, 2024)
    with pytest.raises(ValueError, match="must not be given with a Comparison"):
        scoring.rescoring_robustness(r, from_edition=2023)


def test_select_keeps_rows_as_they_are(panel):
    small = panel.select(countries=["kaz", "RUS"], from_edition=2015)
    assert set(small.scores["iso3"]) == {"KAZ", "RUS"} and small.editions[0] == 2015
    assert small.scores.set_index(["iso3", "edition"]).equals(
        panel.scores.set_index(["iso3", "edition"]).loc[small.scores.set_index(
            ["iso3", "edition"]).index])
    assert panel.select() is panel
    with pytest.raises(ValueError, match=r"\(any edition\): XXX"):
        panel.select(countries=["XXX"])


def test_a_users_file_joins_the_panel(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("Country,Status,A,B,C,Total\nKazakhstan,Not Free,14,23,24,61\n")
    p = load_panel("fotn", files=[path], edition=2016, orientation="lower-is-freer")
    row = p.scores[(p.scores["iso3"] == "KAZ") & (p.scores["edition"] == 2016)].iloc[0]
    assert row["total"] == 39 and row["source"].endswith("mine.csv")
    assert any("replace bundled rows" in n for n in p.notes)
