"""to_canonical: per-component conversion of the old FOTN scale."""

import pandas as pd
import pytest

from scoring import load_dataset, to_canonical
from scoring.ingest.harmonize import to_published


def test_china_2017_as_freedom_house_converts_it():
    # METHODOLOGY: China FOTN 2017 published 17/30/40 = 87 (0 = most free); Freedom House's
    # site shows 8/5/0 = 13.
    row = pd.DataFrame({"index": ["fotn"], "orientation": ["lower-is-freer"], "total": [87.0],
                        "access": [17.0], "content": [30.0], "rights": [40.0]})
    out = to_canonical(row).iloc[0]
    assert (out["access"], out["content"], out["rights"], out["total"]) == (8, 5, 0, 13)
    assert out["orientation"] == "higher-is-freer"
    assert out["published_orientation"] == "lower-is-freer"


def test_converted_totals_match_the_independent_series():
    # DA2I publishes 2011-2019 totals already converted; the bundled build keeps Freedom
    # House's files and booklets for those editions and lists every disagreement with DA2I
    # (tests/datasets). Here: converted categories sum to the converted total on every row
    # that adds up.
    data = to_canonical(load_dataset("fotn"))
    old = data[data["published_orientation"] == "lower-is-freer"]
    assert set(old["edition"]) == set(range(2011, 2019)) - {2017}
    ok = old[(old["flags"] == "") & old["access"].notna()]
    assert len(ok) == len(old) - 1 - 2  # South Africa 2015 (flagged); AUS, GBR 2013 (totals)
    assert (ok[["access", "content", "rights"]].sum(axis=1) == ok["total"]).all()
    zaf = old[(old["iso3"] == "ZAF") & (old["edition"] == 2015)].iloc[0]
    assert zaf["total"] == 73  # 100 - 27 as published, not 100 - (8 + 7 + 11)


def test_higher_rows_unchanged_and_mixed_index_refused():
    data = load_dataset("fotn", as_published=True)
    new = data[data["edition"] == 2024]
    pd.testing.assert_frame_equal(to_canonical(new).drop(columns="published_orientation"), new)
    mixed = pd.concat([new.head(1), new.head(1).assign(index="fiw")])
    with pytest.raises(ValueError, match="index must be given"):
        to_canonical(mixed)


def test_an_already_canonical_frame_is_left_as_it_is():
    canon = load_dataset("fotn")
    pd.testing.assert_frame_equal(to_canonical(canon), canon)
    pd.testing.assert_frame_equal(to_canonical(to_canonical(canon)), canon)


def test_to_published_undoes_to_canonical_exactly():
    published = load_dataset("fotn", as_published=True)
    back = to_published(to_canonical(published))
    pd.testing.assert_frame_equal(back, published)
    # Kazakhstan 2015, published 14 / 23 / 24 = 61 on 0 = most free.
    kaz = back[(back["iso3"] == "KAZ") & (back["edition"] == 2015)].iloc[0]
    assert (kaz["access"], kaz["content"], kaz["rights"], kaz["total"]) == (14, 23, 24, 61)
    assert kaz["orientation"] == "lower-is-freer"


def test_user_rows_without_a_published_orientation_keep_their_own():
    # A user's file concatenated to the canonical bundled rows has no published_orientation:
    # its rows were read as published, so their orientation is the published one.
    canon = load_dataset("fotn")
    bundled = canon[(canon["iso3"] == "KAZ") & (canon["edition"] == 2015)]
    mine = pd.DataFrame({"index": ["fotn"], "edition": [2016], "iso3": ["KAZ"],
                         "orientation": ["lower-is-freer"], "total": [63.0]})
    out = to_canonical(pd.concat([bundled, mine], ignore_index=True)).set_index("edition")
    assert (out.loc[2016, "total"], out.loc[2016, "published_orientation"]) == (
        37, "lower-is-freer")
    assert (out.loc[2015, "total"], out.loc[2015, "published_orientation"]) == (
        39, "lower-is-freer")


def test_a_row_claiming_an_impossible_history_is_refused():
    row = pd.DataFrame({"index": ["fotn"], "iso3": ["KAZ"], "edition": [2015],
                        "orientation": ["lower-is-freer"],
                        "published_orientation": ["higher-is-freer"], "total": [61.0]})
    for convert in (to_canonical, to_published):
        with pytest.raises(ValueError, match="lower-is-freer scale but say they were published "
                                             "higher-is-freer .first: KAZ 2015"):
            convert(row)
