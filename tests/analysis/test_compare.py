"""compare(): changes between editions on the bundled real data, against published figures."""

import math

import pandas as pd
import pytest

from scoring import compare, load_dataset, read_scores
from scoring.errors import ScoringError


@pytest.fixture(scope="module")
def fotn():
    return load_dataset("fotn")


@pytest.fixture(scope="module")
def fiw():
    return load_dataset("fiw")


def test_fotn_2024_counts_match_freedom_house(fotn):
    # Freedom House, Freedom on the Net 2024 ("The Struggle for Trust Online", Oct 2024):
    # "Protections for human rights online diminished in 27 of the 72 countries covered by
    # Freedom on the Net (FOTN), with 18 earning improvements."
    # https://freedomhouse.org/report/freedom-net/2024/struggle-trust-online
    r = compare(fotn, index="fotn", from_edition=2023, to_edition=2024)
    s = r.summary
    assert (s["declined"], s["improved"]) == (27, 18)
    assert s["n"] == 70 and s["unchanged"] == 25
    assert [x["iso3"] for x in s["only_in_to"]] == ["CHL", "NLD"]  # new in 2024
    assert s["only_in_from"] == [] and s["scale_converted"] == []


def test_fiw_2022_counts_match_freedom_house(fiw):
    # Freedom House, Freedom in the World 2022 ("The Global Expansion of Authoritarian Rule",
    # Feb 2022): "A total of 60 countries suffered declines over the past year, while only 25
    # improved." https://freedomhouse.org/report/freedom-world/2022/global-expansion-authoritarian-rule
    r = compare(fiw, index="fiw", from_edition=2021, to_edition=2022)
    assert (r.summary["declined"], r.summary["improved"]) == (60, 25)
    assert r.summary["entities"] == "countries"
    assert r.summary["territories_excluded"] == 15
    assert any("countries only" in n for n in r.notes)


def test_fiw_2024_counts_match_freedom_house(fiw):
    # Freedom House, Freedom in the World 2024 press release (29 Feb 2024): "only 21 countries
    # recorded improvements in 2023, while 52 suffered declines."
    r = compare(fiw, index="fiw", from_edition=2023, to_edition=2024)
    assert (r.summary["declined"], r.summary["improved"]) == (52, 21)


def test_fiw_territories_on_request(fiw):
    r = compare(fiw, index="fiw", from_edition=2021, to_edition=2022, include_territories=True)
    assert r.summary["n"] == 210 and r.summary["territories_excluded"] == 0
    assert r.summary["entities"] == "countries and territories"


def test_deltas_add_up_and_sort(fotn):
    r = compare(fotn, index="fotn", from_edition=2023, to_edition=2024)
    rows = r.rows
    cats = rows[["delta_access", "delta_content", "delta_rights"]].sum(axis=1)
    assert (cats == rows["delta"]).all()
    assert (rows["delta"] == rows["total_to"] - rows["total_from"]).all()
    assert rows["delta"].is_monotonic_increasing
    kgz = rows.set_index("iso3").loc["KGZ"]
    # FOTN 2023: Kyrgyzstan 52; FOTN 2024: 48 (the files in datasets/raw).
    assert (kgz["total_from"], kgz["total_to"], kgz["delta"]) == (52, 48, -4)


def test_across_the_scale_inversion_converts(fotn):
    r = compare(fotn, index="fotn", from_edition=2015, to_edition=2024, countries=["KAZ"])
    row = r.rows.iloc[0]
    # Published 2015: 14/23/24 = 61 Not Free on 0 = most free; canonical 11/12/16 = 39.
    assert (row["access_from"], row["content_from"], row["rights_from"],
            row["total_from"]) == (11, 12, 16, 39)
    # FOTN 2024 Kazakhstan: 12/12/10 = 34.
    assert row["delta"] == -5 and row["delta_access"] == 1 and row["delta_rights"] == -6
    assert r.summary["scale_converted"] == [2015]
    assert any("converted" in n for n in r.notes)


def test_kazakhstan_2014_from_the_report(fotn):
    r = compare(fotn, index="fotn", from_edition=2014, to_edition=2015, countries=["KAZ"])
    row = r.rows.iloc[0]
    # Report score table: 2014 = 15/23/22 = 60 PF; 2015 = 14/23/24 = 61 NF (0 = most free).
    assert (row["total_from"], row["total_to"], row["delta"]) == (40, 39, -1)
    assert (row["delta_access"], row["delta_content"], row["delta_rights"]) == (1, 0, -2)
    assert row["status_change"] == "PF -> NF"


def test_totals_only_editions_derive_status_and_say_so(fotn):
    # FOTN 2017 is bundled as DA2I's totals only: status follows from the total's band.
    r = compare(fotn, index="fotn", from_edition=2016, to_edition=2017)
    assert r.summary["status_derived"] == [2017]
    assert r.rows["delta_access"].isna().all()
    assert any("gives the total only" in n for n in r.notes)
    assert any("category changes are blank" in n for n in r.notes)
    assert r.summary["n"] == 65
    # 2011 and 2012 come from the booklets, with categories and status as printed.
    early = compare(fotn, index="fotn", from_edition=2011, to_edition=2012)
    assert early.summary["status_derived"] == [] and early.rows["delta_access"].notna().all()
    assert early.summary["n"] == 37  # 37 countries in 2011, all assessed again in 2012


def test_flagged_rows_are_compared_as_published_and_named(fotn):
    r = compare(fotn, index="fotn", from_edition=2015, to_edition=2018)
    assert "ZAF" in r.summary["flagged"]
    assert r.rows.set_index("iso3").loc["ZAF", "flags"] == "sum"


def test_to_dict_is_json_ready(fotn):
    d = compare(fotn, index="fotn", from_edition=2017, to_edition=2024).to_dict()
    assert {"n", "declined", "improved", "unchanged"} <= set(d["summary"])
    row = d["rows"][0]
    assert {"iso3", "country", "delta", "delta_access", "delta_content", "delta_rights"} <= set(row)
    assert row["delta_access"] is None  # 2017 has totals only: null, not NaN
    assert all(not (isinstance(v, float) and math.isnan(v)) for r in d["rows"] for v in r.values())


def test_bad_arguments(fotn):
    with pytest.raises(ValueError, match="from_edition must be an edition in the data"):
        compare(fotn, index="fotn", from_edition=2010, to_edition=2024)
    with pytest.raises(ValueError, match="must differ"):
        compare(fotn, index="fotn", from_edition=2024, to_edition=2024)
    with pytest.raises(ValueError, match=r"\(any edition\): XXX"):
        compare(fotn, index="fotn", from_edition=2023, to_edition=2024, countries=["XXX"])


def test_duplicates_refused(fotn):
    doubled = pd.concat([fotn, fotn[fotn["edition"] == 2024].head(1)], ignore_index=True)
    with pytest.raises(ScoringError, match="share an entity and edition"):
        compare(doubled, index="fotn", from_edition=2023, to_edition=2024)


def test_user_file_on_the_old_scale(tmp_path, fotn):
    # A user's file on the published 2015 scale compares with 2024 after conversion.
    path = tmp_path / "mine.csv"
    path.write_text("Country,Status,A,B,C,Total\nKazakhstan,Not Free,14,23,24,61\n"
                    "Russia,Not Free,17,23,22,62\nChina,Not Free,19,30,39,88\n")
    mine = read_scores(path, "fotn", edition=2016, orientation="lower-is-freer")
    mine.attrs = {}
    data = pd.concat([fotn[fotn["edition"] == 2024], mine], ignore_index=True)
    r = compare(data, index="fotn", from_edition=2016, to_edition=2024)
    chn = r.rows.set_index("iso3").loc["CHN"]
    assert (chn["total_from"], chn["access_from"]) == (12, 6)


def test_third_party_rows_are_credited(fotn):
    # FOTN 2017 totals are the DA2I series (source_kind third-party): the comparison says so,
    # so that whoever shows it can credit DA2I; 2023 -> 2024 is Freedom House's own.
    r = compare(fotn, index="fotn", from_edition=2016, to_edition=2017)
    assert r.summary["third_party"] == [2017]
    note = next(n for n in r.notes if n.startswith("Third-party data"))
    assert "65 rows of edition 2017" in note and "DA2I_FotN_totals_2011-2019.csv" in note
    mixed = compare(fotn, index="fotn", from_edition=2017, to_edition=2018)
    assert mixed.summary["third_party"] == [2017]
    assert compare(fotn, index="fotn", from_edition=2015, to_edition=2016).summary[
        "third_party"] == []
    own = compare(fotn, index="fotn", from_edition=2023, to_edition=2024)
    assert own.summary["third_party"] == []
    assert not any(n.startswith("Third-party") for n in own.notes)


def test_a_missing_total_is_counted_as_unclassified_never_dropped_quietly():
    # Before: n = 70 but 26 + 18 + 25 = 69, and nothing said which country was left out.
    from scoring.publish.tables import format_comparison

    rows = load_dataset("fotn")
    kenya = (rows["edition"] == 2024) & (rows["iso3"] == "KEN")
    rows.loc[kenya, ["total", "access", "content", "rights"]] = float("nan")
    result = compare(rows, 2023, 2024)
    s = result.summary
    assert (s["n"], s["declined"], s["improved"], s["unchanged"]) == (70, 26, 18, 25)
    assert s["unclassified"] == ["KEN"]
    assert s["declined"] + s["improved"] + s["unchanged"] + len(s["unclassified"]) == s["n"]
    assert any("no change of the total to count" in n and "KEN" in n for n in result.notes)
    text = format_comparison(result, "table")
    assert "25 unchanged, 1 without a change of the total" in text
    assert compare(index="fotn", from_edition=2023, to_edition=2024).summary["unclassified"] == []
