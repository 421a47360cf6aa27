"""Episodes of sustained decline or improvement."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.analysis.episodes import EPISODE_COLUMNS, EpisodeRules, episodes, find_episodes


def series(values, start=2011, entity="X"):
    return pd.DataFrame({"iso3": entity, "edition": range(start, start + len(values)),
                         "total": values})


def test_decline_ended_by_one_step_reversal():
    e = find_episodes(series([60, 58, 55, 52, 50, 49, 49, 55]))
    assert e[["direction", "baseline_edition", "first_edition", "last_edition",
              "total_change", "ended_by", "ongoing"]].values.tolist() == [
        ["decline", 2011, 2012, 2016, -11, "one-step reversal", False]]


def test_too_small_a_move_is_no_episode():
    assert find_episodes(series([60, 58, 56, 54, 52, 51])).empty  # 9 points < 10


def test_gradual_reversal_and_stasis():
    # Falls 12 points, then climbs back 10 in steps of 2 (never 3 at once): gradual reversal.
    e = find_episodes(series([70, 66, 62, 58, 60, 62, 64, 66, 68]))
    assert e.iloc[0]["ended_by"] == "gradual reversal" and e.iloc[0]["last_edition"] == 2014
    # Falls 10 then stays flat for 5 steps: stasis.
    e = find_episodes(series([70, 65, 60, 60, 60, 60, 60, 60, 60]))
    assert e.iloc[0]["ended_by"] == "stasis" and e.iloc[0]["total_change"] == -10


def test_ongoing_at_the_last_edition_and_series_that_end_early():
    data = pd.concat([series([50, 45, 40, 38]), series([50, 45, 40], entity="Y")])
    e = find_episodes(data).set_index("entity")
    assert bool(e.loc["X", "ongoing"]) and e.loc["X", "ended_by"] == ""
    assert not e.loc["Y", "ongoing"] and e.loc["Y", "ended_by"] == "series ends at 2013"


def test_gap_is_marked():
    data = pd.DataFrame({"iso3": "X", "edition": [2017, 2018, 2019, 2023, 2024],
                         "total": [60, 57, 54, 50, 48]})
    e = find_episodes(data, published_editions=range(2011, 2025))
    assert bool(e.iloc[0]["spans_gap"])


def test_improvement_is_symmetric():
    down = find_episodes(series([60, 55, 50, 45]))
    up = find_episodes(series([40, 45, 50, 55]))
    assert down.iloc[0]["direction"] == "decline" and up.iloc[0]["direction"] == "improvement"
    assert down.iloc[0]["total_change"] == -up.iloc[0]["total_change"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 100), min_size=2, max_size=15))
def test_mirroring_swaps_directions(values):
    down = find_episodes(series(values))
    up = find_episodes(series([100 - v for v in values]))
    assert sorted(zip(down["first_edition"], down["last_edition"], -down["total_change"])) == \
        sorted(zip(up["first_edition"], up["last_edition"], up["total_change"]))
    for e in (down, up):
        assert list(e.columns) == EPISODE_COLUMNS
        assert (e["total_change"].abs() >= 10).all()


def test_bad_rules_and_input():
    with pytest.raises(ValueError, match="cumulative must be a positive number"):
        EpisodeRules(cumulative=0)
    with pytest.raises(ValueError, match="tolerance must be a whole number"):
        EpisodeRules(tolerance=0)
    with pytest.raises(ValueError, match="several rows for iso3 'X'"):
        find_episodes(pd.concat([series([1, 2]), series([1])]))


def test_real_data():
    fotn = episodes(index="fotn").set_index(["iso3", "direction"])
    # Russia: FOTN 2012 48 (DA2I, converted) to 2024 20.
    rus = fotn.loc[("RUS", "decline")]
    assert (rus["baseline_edition"], rus["last_edition"], rus["total_change"]) == (2012, 2024, -28)
    # Ongoing; with every edition 2011-2024 bundled, no step of it skips an edition.
    assert bool(rus["ongoing"]) and not bool(rus["spans_gap"])
    assert not fotn["spans_gap"].any()
    fiw = episodes(index="fiw")
    assert fiw["iso3"].notna().all() and len(fiw) > 50
    assert not fiw["spans_gap"].any()  # FIW 2006-2025 has no missing edition
