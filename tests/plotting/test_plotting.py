"""Plot functions: each returns Axes with one mark per data row, labelled; the style rules."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from scoring import compare, country_trends, load_methodology, rescoring_robustness  # noqa: E402
from scoring.plotting import (change_bars, change_heatmap, dumbbell, forest,  # noqa: E402
                              global_counts, publication_style, trajectories,
                              transition_heatmap, volcano)
from scoring.plotting.style import (CATEGORY_COLORS, DECLINE, IMPROVE, RC,  # noqa: E402
                                    STATUS_COLORS, luminance, short_name)
from scoring.analysis.series import long_series  # noqa: E402
from scoring.analysis.yearly import country_changes, decline_run, yearly_counts  # noqa: E402

FOTN = load_methodology("fotn")
BANDS = [(b.value, b.low, b.high) for b in FOTN.status.bands]


@pytest.fixture(scope="module")
def result():
    return compare(index="fotn", from_edition=2023, to_edition=2024)


@pytest.fixture(scope="module")
def robust():
    return rescoring_robustness(index="fotn", from_edition=2023, to_edition=2024,
                                method="exact")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _ticklabels(ax):
    return [t.get_text() for t in ax.get_yticklabels()]


def test_change_bars(result, robust):
    with publication_style():
        ax = change_bars(result.rows, robust=robust.set_index("iso3")["robust"])
    changed = result.rows[result.rows["delta"] != 0]
    assert len(ax.get_yticks()) == len(changed) == 45
    labels = _ticklabels(ax)
    assert labels[-1] == "Kyrgyzstan" and labels[0] == "Zambia"  # largest decline at the bottom
    dots = ax.collections[0].get_offsets()
    assert len(dots) == 45
    assert ax.get_xlabel().startswith("Change in score")
    assert any("not shown" in t.get_text() for t in ax.texts)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Robust to re-scoring" in legend and "Obstacles to Access" in legend


def test_change_bars_totals_only_say_so():
    # FOTN 2017 is bundled as totals only (DA2I).
    r = compare(index="fotn", from_edition=2016, to_edition=2017)
    with publication_style():
        ax = change_bars(r.rows)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Total (no category scores)" in legend and "Obstacles to Access" not in legend


def test_dumbbell(result, robust):
    with publication_style():
        ax = dumbbell(result.rows, bands=BANDS, highlight=robust.set_index("iso3")["robust"],
                      from_label="2023", to_label="2024")
    assert len(ax.lines) == 70  # one segment per country
    assert [len(c.get_offsets()) for c in ax.collections] == [70, 70]
    assert _ticklabels(ax)[0] == "Iceland"  # freest in 2024 on top
    assert {t.get_text() for t in ax.texts} >= {"Free", "Partly Free", "Not Free"}


def test_forest(robust):
    with publication_style():
        ax = forest(robust)
    segments = ax.collections[0].get_segments()
    assert len(segments) == int((robust["delta"] != 0).sum())
    filled = ax.collections[1].get_offsets()
    assert len(filled) == int(robust["robust"].sum()) == 6  # KGZ, AZE, BLR, IRQ, ZWE, ZMB


def test_transition_heatmap(result):
    with publication_style():
        ax = transition_heatmap(result.transitions)
    numbers = sorted(int(t.get_text()) for t in ax.texts)
    assert numbers == sorted(result.transitions.to_numpy().ravel().tolist())
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Free", "Partly Free", "Not Free"]


def test_volcano_and_trajectories():
    trends = country_trends(index="fotn")
    with publication_style():
        ax = volcano(trends)
        assert len(ax.collections[0].get_offsets()) == int(trends["q"].notna().sum())
        assert ax.get_ylabel().startswith("-log10 q")
        labelled = {t.get_text() for t in ax.texts}
        assert "Russia" in labelled and "Cuba" in labelled  # steepest decline; an improvement
        axes = trajectories(long_series(index="fotn"), trends, bands=BANDS, inversion=2018.5)
    titled = [a for a in axes.ravel() if a.get_visible() and a.get_title(loc="left")]
    assert len(titled) == trends["iso3"].nunique()
    kaz = next(a for a in titled if a.get_title(loc="left") == "Kazakhstan")
    assert len(kaz.lines) == 3  # inversion mark, scores, Sen line


def test_heatmap_and_global_counts():
    changes = country_changes(index="fotn")
    counts = yearly_counts(index="fotn")
    with publication_style():
        ax = change_heatmap(changes)
        assert ax.images[0].get_array().shape == (changes["iso3"].nunique(), len(counts))
        assert [t.get_text() for t in ax.get_xticklabels()][-2:] == ["2023", "2024"]
        ax = global_counts(counts, run=decline_run(counts))
    bars = [p for p in ax.patches if p.get_fill()]
    assert len(bars) == 2 * len(counts)
    assert any("at least 13 in a row" in t.get_text() for t in ax.texts)


def test_heatmap_labels_a_pair_that_skips_editions():
    from scoring import load_dataset

    gapped = load_dataset("fotn").query("edition < 2020 or edition > 2022")
    with publication_style():
        ax = change_heatmap(country_changes(gapped, index="fotn"))
    assert [t.get_text() for t in ax.get_xticklabels()][-2:] == ["2019\u20132023", "2024"]


def test_palette_survives_greyscale():
    # The status colours, category colours and directions differ in luminance by >= 0.15.
    for group in (list(STATUS_COLORS.values()), list(CATEGORY_COLORS), [DECLINE, IMPROVE]):
        lum = sorted(luminance(c) for c in group)
        assert min(np.diff(lum)) >= 0.15, group


def test_print_conventions():
    assert RC["pdf.fonttype"] == 42 and RC["ps.fonttype"] == 42  # TrueType embedded
    assert RC["svg.hashsalt"]  # fixed SVG ids
    assert short_name("United Arab Emirates") == "UAE"
    assert short_name("Kazakhstan") == "Kazakhstan"
    assert len(short_name("A very long country name indeed")) == 14


@pytest.mark.parametrize("width", [3.5, 7.2])
def test_a_long_source_line_stays_inside_the_figure(width):
    # A credit makes the history figures' source line longer than a single column is wide:
    # it wraps, and no line runs past the figure's right edge.
    from scoring.plotting.style import add_source

    text = ("Source: Freedom House, Freedom on the Net 2011\u20132024 (2017 via DA2I; 2024 from "
            "user file my_own_scores_2024.csv); analysis: scoring")
    with publication_style():
        fig = plt.figure(figsize=(width, 2), layout="constrained")
        fig.add_subplot().plot([0, 1])
        add_source(fig, text)
        fig.canvas.draw()
        label = next(t for t in fig.findobj(matplotlib.text.Text)
                     if t.get_text() == fig.get_supxlabel())
        box = label.get_window_extent()
        assert box.x1 <= fig.bbox.x1 and box.x0 >= 0
        assert label.get_text().replace("\n", " ") == text
        assert ("\n" in label.get_text()) == (width < 7)
        plt.close(fig)
