"""Results computed once, figures drawn from results: a saved set redraws without computing."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

import scoring.analysis.comparison as comparison_module
from scoring import compare, load_panel
from scoring.errors import ScoringError
from scoring.plotting import change_bars, forest
from scoring.publish.figures import _versions, build_figures, redraw_figures
from scoring.publish.results import FigureResults, figure_results

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def compared_pairs(monkeypatch):
    """Every (from, to) that compare() is asked for, wherever the call comes from."""
    seen = []
    real = comparison_module._editions

    def spy(panel, a, b):
        pair = real(panel, a, b)
        seen.append(pair)
        return pair

    monkeypatch.setattr(comparison_module, "_editions", spy)
    return seen


@pytest.fixture(scope="module")
def saved_set(small_data, tmp_path_factory):
    """One small figure set (SVG and PDF at 72 dpi), built once for the tests that only read it
    or redraw it elsewhere; a test that changes it works on a copy."""
    folder = tmp_path_factory.mktemp("saved") / "set"
    manifest = build_figures(folder, index="fotn", from_edition=2023, to_edition=2024,
                             data=small_data, formats=("svg", "pdf"), dpi=72)
    return folder, manifest


def _files(manifest):
    return {f["path"]: f["sha256"] for fig in manifest["figures"] for f in fig["files"]}


@pytest.mark.parametrize("a,b", [(2023, 2024), (2011, 2024), (2024, 2023)])
def test_each_pair_is_compared_once(compared_pairs, small_data, a, b):
    panel = load_panel("fotn")
    figure_results(panel, from_edition=a, to_edition=b)
    eds = panel.select(to_edition=b).editions       # the history figures end at to_edition
    successive = list(zip(eds, eds[1:]))
    assert len(compared_pairs) == len(set(compared_pairs)), "a pair was compared twice"
    assert set(successive) <= set(compared_pairs)
    assert (a, b) in compared_pairs
    assert len(compared_pairs) == len(successive) + ((a, b) not in successive)


def test_build_figures_compares_each_pair_once(compared_pairs, small_data, tmp_path):
    build_figures(tmp_path / "set", index="fotn", from_edition=2023, to_edition=2024,
                  data=small_data, formats=("svg",), dpi=72)
    assert len(compared_pairs) == len(set(compared_pairs))
    # FOTN editions in the bundled data up to 2024: every one 2011-2024 -> 13 pairs.
    assert len(compared_pairs) == len(set(small_data["edition"])) - 1


def test_results_are_the_analyses_answers(small_data):
    r = figure_results(small_data, index="fotn", from_edition=2023, to_edition=2024)
    direct = compare(small_data, 2023, 2024, index="fotn")
    pd.testing.assert_frame_equal(r.rows, direct.rows)
    assert r.run == {"last_edition": 2024, **{k: r.run[k] for k in r.run if k != "last_edition"}}
    assert set(r.changes[["from_edition", "to_edition"]].itertuples(index=False)) == set(
        zip(r.counts["from_edition"], r.counts["to_edition"]))


def test_a_saved_set_redraws_byte_for_byte(tmp_path, saved_set, compared_pairs):
    saved, first = saved_set
    shutil.copytree(saved, tmp_path / "set")
    again = redraw_figures(tmp_path / "set", tmp_path / "again", formats=("svg", "pdf"),
                           dpi=72)
    assert compared_pairs == [], "redrawing must not compare anything"
    assert _files(again) == _files(first)
    for old, new in zip(first["figures"], again["figures"]):
        assert old["data"]["sha256"] == new["data"]["sha256"]
        assert old["alt_text"] == new["alt_text"]
    # In place: the set replaces itself only once every figure is written.
    redraw_figures(tmp_path / "set", tmp_path / "set", formats=("svg",), dpi=72)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again", "set"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["fotn_2023_2024"])
def test_the_committed_sets_redraw_from_their_own_data(tmp_path, name):
    # One committed set is enough to show that a saved set's own CSVs carry everything its
    # figures need; the 2011-2024 set draws the same figures by the same code, and
    # tests/publish/test_figures.py regenerates it from the data.
    committed = json.loads((REPO / "figures" / name / "manifest.json").read_text())
    now = _versions()
    pinned = {k: committed["versions"].get(k) for k in ("matplotlib", "freetype", "numpy",
                                                        "adjustText")}
    if any(now.get(k) != v for k, v in pinned.items()):
        pytest.skip(f"figures/{name} was made with {pinned}; installed differ")
    # The same formats in the same order: each save re-runs the layout on the figure, so an
    # SVG saved after a PDF is not always the SVG saved alone.
    again = redraw_figures(REPO / "figures" / name, tmp_path / name,
                           formats=tuple(committed["formats"]), dpi=committed["dpi"])
    assert _files(again) == _files(committed)


def test_a_figure_draws_from_the_csv_the_cli_wrote(tmp_path, small_data):
    # The CLI's CSV is enough to redraw: read it back and draw, no library call.
    from click.testing import CliRunner

    from scoring.cli import main

    out = tmp_path / "rows.csv"
    result = CliRunner().invoke(main, ["compare", "--from", "2023", "--to", "2024",
                                       "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    saved = pd.read_csv(out, keep_default_na=False, na_values=[""])
    ax = change_bars(saved)
    live = change_bars(compare(index="fotn", from_edition=2023, to_edition=2024).rows)
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        t.get_text() for t in live.get_yticklabels()]
    assert len(ax.patches) == len(live.patches)


def test_saved_robustness_keeps_what_the_forest_needs(saved_set):
    r = FigureResults.from_folder(saved_set[0])
    # alpha 0.05 in each tail (interval 1 - 2 alpha): a robust change's interval never
    # reaches the opposite sign, so the bars and the filled points follow one rule.
    assert r.robustness.attrs["model"]["interval"] == pytest.approx(0.9)
    ax = forest(r.robustness)
    assert "90% interval" in ax.get_legend().get_texts()[0].get_text()
    rb = r.robustness[r.robustness["delta"] != 0]
    crosses = ((rb["delta"] < 0) & (rb["change_high"] > 0)) | (
        (rb["delta"] > 0) & (rb["change_low"] < 0))
    assert not (rb["robust"] & crosses).any()


def test_not_a_figure_set(tmp_path):
    with pytest.raises(ScoringError, match="manifest.json: missing"):
        FigureResults.from_folder(tmp_path)
    (tmp_path / "manifest.json").write_text('{"index": "fotn"}')
    with pytest.raises(ScoringError, match="not a figure-set manifest"):
        FigureResults.from_folder(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps(
        {"index": "fotn", "from": 2023, "to": 2024, "error_model": {"p": 0.1, "alpha": 0.05}}))
    with pytest.raises(ScoringError, match="missing from the figure set"):
        FigureResults.from_folder(tmp_path)


def test_figures_redraw_from_the_command_line(tmp_path, saved_set, compared_pairs):
    from click.testing import CliRunner

    from scoring.cli import main

    saved, first = saved_set
    runner = CliRunner()
    result = runner.invoke(main, ["figures", "--redraw", str(saved), "--out",
                                  str(tmp_path / "again"), "--formats", "svg,pdf", "--dpi",
                                  "72"])
    assert result.exit_code == 0, result.output
    assert compared_pairs == [], "redrawing must not compare anything"
    again = json.loads((tmp_path / "again" / "manifest.json").read_text())
    assert _files(again) == _files(first)
    assert again["command"].startswith("scoring figures --redraw ")
    # What the saved set fixes is refused, not ignored; without --redraw, --from/--to needed.
    for extra in (["--from", "2019"], ["--error-p", "0.2"], ["--index", "fiw"]):
        bad = runner.invoke(main, ["figures", "--redraw", str(saved), "--out",
                                   str(tmp_path / "x"), *extra])
        assert bad.exit_code == 2 and "cannot go with --redraw" in bad.output
    bad = runner.invoke(main, ["figures", "--to", "2024", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "give --from and --to" in bad.output
    assert not (tmp_path / "x").exists()


def test_significance_compares_once(compared_pairs):
    from click.testing import CliRunner

    from scoring.cli import main

    result = CliRunner().invoke(main, ["significance", "--from", "2023", "--to", "2024",
                                       "--draws", "200", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert compared_pairs == [(2023, 2024)]


def test_rows_not_freedom_houses_own_are_credited(small_data, tmp_path):
    # FOTN 2017 is bundled from the DA2I series (source_kind third-party): every figure that
    # shows it names DA2I in its source line and alt text; a pair without it does not.
    from scoring.publish.layout import draw_figures

    def sources(results):
        import matplotlib.pyplot as plt

        figures = draw_figures(results)
        out = {f.name: (f.fig.get_supxlabel().replace("\n", " "), f.alt) for f in figures}
        for f in figures:
            plt.close(f.fig)
        return out

    recent = figure_results(small_data, index="fotn", from_edition=2023, to_edition=2024)
    assert recent.credits == [{"kind": "third-party", "source": "DA2I_FotN_totals_2011-2019.csv",
                               "credit": "DA2I", "editions": [2017]}]
    got = sources(recent)
    sentence = "The scores of 2017 come from a third party's compilation of Freedom House's "
    for name in ("change_bars", "dumbbell", "forest", "transitions"):  # the pair 2023-2024
        line, alt = got[name]
        assert line == "Source: Freedom House, Freedom on the Net 2023\u20132024; analysis: scoring"
        assert sentence not in alt
    for name in ("volcano", "trajectories", "change_heatmap", "global_counts"):  # 2011-2024
        line, alt = got[name]
        assert line == ("Source: Freedom House, Freedom on the Net 2011\u20132024 (2017 via DA2I); "
                        "analysis: scoring")
        assert alt.endswith(sentence + "scores (DA2I).")
    early = sources(figure_results(small_data, index="fotn", from_edition=2016,
                                   to_edition=2017))
    assert "(2017 via DA2I)" in early["dumbbell"][0]
    # A user's file is named as such, never credited to Freedom House alone.
    mine = small_data.copy()
    mine.loc[mine["edition"] == 2024, ["source", "source_kind"]] = ["mine.csv", "user-file"]
    line, alt = sources(figure_results(mine, index="fotn", from_edition=2023,
                                       to_edition=2024))["change_bars"]
    assert line == ("Source: Freedom House, Freedom on the Net 2023\u20132024; 2024 from user "
                    "file mine.csv (not Freedom House's); analysis: scoring")
    assert alt.endswith("The scores of 2024 come from a user file mine.csv, not from Freedom "
                        "House.")
    # A saved set keeps its credits, so a redraw says the same.
    build_figures(tmp_path / "set", index="fotn", from_edition=2023, to_edition=2024,
                  data=small_data, formats=("svg",), dpi=72)
    assert FigureResults.from_folder(tmp_path / "set").credits == recent.credits
