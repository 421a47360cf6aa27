"""Episodes by V-Dem's ERT rules, in points.

Expected values are literal: the worked cases of ERT's rules (the get_eps/find_seqs code of
the ERT package, v15, applied by hand with its thresholds x 100), and cases worked by hand from
the same rules. Columns compared: direction, pre-episode edition, first edition, last edition,
last move, total change, extent, termination, censored, censored_by.
"""

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.analysis.episodes import EPISODE_COLUMNS, EpisodeRules, episodes, find_episodes

NAN = math.nan
COLS = ["direction", "pre_episode_edition", "first_edition", "last_edition",
        "last_move_edition", "total_change", "extent", "termination", "censored", "censored_by"]


def series(values, start=2006, entity="X"):
    return pd.DataFrame({"iso3": entity, "edition": range(start, start + len(values)),
                         "total": values})


def found(values, **kw):
    return find_episodes(series(values), **kw)[COLS].values.tolist()


# -- the worked cases of ERT's rules ---------------------------------------------------------

def test_central_african_republic_is_one_censored_decline_and_no_improvement():
    # FIW 2006-2024. The old engine ended it in 2014 at a "one-step reversal" (the +3 of
    # 2017, which is stasis for ERT); the later rises span 2 and 5 points: not manifest.
    caf = [44, 43, 40, 40, 39, 37, 39, 35, 6, 6, 7, 10, 9, 9, 10, 9, 7, 7, 5]
    e = find_episodes(series(caf))
    assert e[COLS].values.tolist() == [
        ["decline", 2006, 2007, 2024, 2024, -39, 39, 0, True, "the data end at 2024"]]
    assert e["ended_by"].tolist() == ["unknown (censored)"]


def test_a_turn_of_exactly_the_threshold_is_stasis():
    e = find_episodes(series([50, 49, 46, 43, 41, 40, 43, 43, 43, 43, 43, 43]))
    assert e[COLS].values.tolist() == [
        ["decline", 2006, 2007, 2011, 2011, -10, 10, 1, False, ""]]
    assert e["ended_by"].tolist() == ["stasis"]


def test_a_step_past_the_threshold_is_a_one_year_turn():
    e = find_episodes(series([50, 49, 46, 43, 41, 40, 44, 44]))
    assert e[COLS].values.tolist() == [
        ["decline", 2006, 2007, 2011, 2011, -10, 10, 2, False, ""]]
    assert e["ended_by"].tolist() == ["one-year turn"]


def test_a_fall_of_nine_points_is_no_episode():
    assert find_episodes(series([60, 58, 56, 54, 52, 51])).empty
    assert find_episodes(series([60, 58, 56, 54, 52, 51]), rules=EpisodeRules(cumulative=9)
                         )["total_change"].tolist() == [-9]


@pytest.mark.parametrize("missing", ["nan", "no row"])
def test_a_missing_edition_censors_the_episode(missing):
    data = series([60, 58, 55, 52, 50, 49, NAN, 47])
    if missing == "no row":
        data = data.dropna()
    assert find_episodes(data, published_editions=range(2006, 2014))[COLS].values.tolist() == [
        ["decline", 2006, 2007, 2011, 2011, -11, 11, 0, True, "no value at 2012"]]


def test_a_turn_right_after_a_gap_is_not_censored():
    # ERT's window of 5 editions after the last move (2010) reads past the gap: the +5 of
    # 2013 is a one-year turn.
    assert found([60, 57, 54, 51, 48, NAN, 50, 55]) == [
        ["decline", 2006, 2007, 2010, 2010, -12, 12, 2, False, ""]]


# -- cases worked by hand from the rules -----------------------------------------------------

def test_a_series_that_starts_mid_episode():
    # The first edition is the pre-episode edition; five flat editions are stasis.
    assert found([50, 47, 44, 41, 38, 38, 38, 38, 38, 38]) == [
        ["decline", 2006, 2007, 2010, 2010, -12, 12, 1, False, ""]]


def test_censored_end_after_the_last_move():
    # Falls to 50 by 2008, then flat to the end: no termination in the window, so the
    # episode runs to the data's last edition, past its last move.
    assert found([60, 55, 50, 50, 50]) == [
        ["decline", 2006, 2007, 2010, 2008, -10, 10, 0, True, "the data end at 2010"]]


def test_a_recovery_of_exactly_the_cumulative_turn():
    # +3 +3 +3 +1 = 10 back: not past 10, so the fifth stasis step (2013) closes the
    # sequence, but ERT codes the termination a cumulative turn (>= 10 back in the window).
    # The rise is an improvement of its own (+1 is a move for it), censored at the end.
    assert found([60, 55, 50, 53, 56, 59, 60, 60, 60]) == [
        ["decline", 2006, 2007, 2008, 2008, -10, 10, 3, False, ""],
        ["improvement", 2008, 2009, 2014, 2012, 10, 10, 0, True, "the data end at 2014"]]


def test_manifest_counts_the_whole_sequence_max_minus_min():
    # An 8-point fall then a 10-point recovery in stasis: the sequence 2006-2011 spans
    # 50..60, 10 points, so it is an episode of decline of 8 points.
    assert found([58, 50, 53, 56, 59, 60, 60, 60]) == [
        ["decline", 2006, 2007, 2007, 2007, -8, 10, 3, False, ""],
        ["improvement", 2007, 2008, 2013, 2011, 10, 10, 0, True, "the data end at 2013"]]


def test_stasis_sum_past_the_cumulative_turn_closes_and_resets_at_a_move():
    # 70 -> 60, then +3 +3 +3 +2 = 11 back (no single step over 3): a cumulative turn.
    assert found([70, 65, 60, 63, 66, 69, 71, 71]) == [
        ["decline", 2006, 2007, 2008, 2008, -10, 10, 3, False, ""],
        ["improvement", 2008, 2009, 2013, 2012, 11, 11, 0, True, "the data end at 2013"]]
    # +3 +3, a fall (a move: the sum restarts), +3 +3 and flat: the sum never passes 10
    # (without the restart it would reach 12 in 2013), so stasis ends the decline at 2011.
    assert found([70, 65, 60, 63, 66, 58, 61, 64, 64, 64, 64, 64]) == [
        ["decline", 2006, 2007, 2011, 2011, -12, 12, 1, False, ""]]


def test_tolerance_counts_editions_of_stasis():
    values = [50, 45, 40, 40, 40, 40, 41, 36, 36]
    # Default tolerance 5: the fall to 36 in 2013 continues the episode, censored at the end.
    assert found(values) == [
        ["decline", 2006, 2007, 2014, 2013, -14, 14, 0, True, "the data end at 2014"]]
    # Tolerance 3: stasis 2009-2011 ends it at 2008; the later fall of 5 points is no episode.
    assert found(values, rules=EpisodeRules(tolerance=3)) == [
        ["decline", 2006, 2007, 2008, 2008, -10, 10, 1, False, ""]]


def test_improvements_mirror_declines():
    assert found([50, 51, 54, 57, 59, 60, 56, 56]) == [
        ["improvement", 2006, 2007, 2011, 2011, 10, 10, 2, False, ""]]
    assert found([50, 51, 54, 57, 59, 60, 57, 57, 57, 57, 57, 57]) == [
        ["improvement", 2006, 2007, 2011, 2011, 10, 10, 1, False, ""]]


def test_a_series_that_ends_before_the_data_do():
    data = pd.concat([series([60, 55, 50, 50]), series([70, 69, 69, 69, 69, 69], entity="Y")])
    assert find_episodes(data).set_index("entity").loc["X", "censored_by"] == \
        "its series ends at 2009"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 100), st.just(NAN)), min_size=2, max_size=15))
def test_mirroring_swaps_directions(values):
    def key(e):
        return sorted(zip(e["first_edition"], e["last_edition"], e["termination"],
                          e["censored"], e["extent"]))

    down = find_episodes(series(values))
    up = find_episodes(series([100 - v for v in values]))
    assert key(down[down.direction == "decline"]) == key(up[up.direction == "improvement"])
    assert key(down[down.direction == "improvement"]) == key(up[up.direction == "decline"])
    for e in (down, up):
        assert list(e.columns) == EPISODE_COLUMNS
        assert (e["extent"] >= 10).all()
        assert (e["censored"] == (e["termination"] == 0)).all()


# -- missing values are said, never dropped --------------------------------------------------

def test_nan_rows_and_missing_editions_are_named_in_notes():
    data = pd.concat([series([60, 57, NAN, 50, 48]),
                      series([40, 41, 42, 43, 44], entity="Y").drop(index=3)])
    e = find_episodes(data)
    assert e.attrs["gaps"].values.tolist() == [["X", 2008, "NaN"], ["Y", 2009, "no row"]]
    assert e.attrs["notes"] == [
        "episodes: X has a NaN value at 2008; a missing edition ends a sequence there "
        "(ERT's gap rule)",
        "episodes: Y has no row at 2009; a missing edition ends a sequence there "
        "(ERT's gap rule)"]


def test_episodes_never_drop_a_nan_row_quietly():
    import scoring

    rows = scoring.load_dataset("fiw")
    rows = rows[rows["iso3"].isin(["CAF", "HUN"])].copy()
    # Hungary, FIW: 93 (2006) ... 72 (2018), 70 (2019), ... 65 (2025); its 2019 row emptied.
    rows.loc[(rows["iso3"] == "HUN") & (rows["edition"] == 2019), ["pr", "cl", "total"]] = NAN
    e = episodes(rows, index="fiw")
    assert e.attrs["notes"] == [
        "episodes: HUN has a NaN value at 2019; a missing edition ends a sequence there "
        "(ERT's gap rule)"]
    # The decline stops at the gap, censored; after it, 70 -> 65 is no episode.
    hun = e[e["iso3"] == "HUN"]
    assert hun[["first_edition", "last_edition", "total_change", "censored_by"]
               ].values.tolist() == [[2007, 2018, -21, "no value at 2019"]]


def test_bad_rules_and_input():
    with pytest.raises(ValueError, match="cumulative must be a positive number"):
        EpisodeRules(cumulative=0)
    with pytest.raises(ValueError, match="tolerance must be a whole number of editions"):
        EpisodeRules(tolerance=0)
    with pytest.raises(ValueError, match="several rows for iso3 'X'"):
        find_episodes(pd.concat([series([1, 2]), series([1])]))
    with pytest.raises(ValueError, match="column 'total' must hold numbers"):
        find_episodes(series(["a", "b"]))


# -- the bundled data ------------------------------------------------------------------------

def test_real_data():
    fiw = episodes(index="fiw").set_index(["iso3", "direction"])
    caf = fiw.loc[("CAF", "decline")]
    # FIW 2006-2025 (44 ... 5, 5): the ERT case above, one edition longer.
    assert (caf["first_edition"], caf["last_edition"], caf["last_move_edition"],
            caf["total_change"], caf["termination"]) == (2007, 2025, 2024, -39, 0)
    assert ("CAF", "improvement") not in fiw.index
    tun = fiw.loc[("TUN", "improvement")]
    assert (tun["first_edition"], tun["last_edition"], tun["total_change"],
            tun["ended_by"]) == (2012, 2015, 56, "one-year turn")
    fotn = episodes(index="fotn").set_index(["iso3", "direction"])
    rus = fotn.loc[("RUS", "decline")]
    # FOTN 2012 48 (DA2I, converted) to 2024 20, still falling: censored.
    assert (rus["pre_episode_edition"], rus["last_edition"], rus["total_change"],
            rus["censored_by"]) == (2012, 2024, -28, "the data end at 2024")
    hun = fotn.loc[("HUN", "decline")]
    assert (hun["first_edition"], hun["last_move_edition"], hun["last_edition"],
            bool(hun["censored"])) == (2013, 2022, 2024, True)
    assert (len(fiw), len(fotn)) == (129, 36)
