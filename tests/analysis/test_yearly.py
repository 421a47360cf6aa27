"""The global picture: counts per edition pair and the consecutive-decline run."""

import pandas as pd
import pytest
from scipy.stats import binomtest

from scoring import load_dataset
from scoring.analysis.yearly import decline_run, yearly_counts


@pytest.fixture(scope="module")
def fiw_counts():
    return yearly_counts(load_dataset("fiw"), index="fiw")


@pytest.fixture(scope="module")
def fotn_counts():
    return yearly_counts(load_dataset("fotn"), index="fotn")


def test_fiw_19th_consecutive_year(fiw_counts):
    # Freedom House, Freedom in the World 2025 ("The Uphill Battle to Safeguard Rights", key
    # findings): "Global freedom declined for the 19th consecutive year in 2024." The bundled
    # data start at the 2006 edition, so the run can only be confirmed back to 2007 and is
    # marked "at least".
    run = decline_run(fiw_counts)
    assert run["run"] == 19 and run["first_edition_of_run"] == 2007
    assert run["at_least"] and "data start at edition 2006" in run["stopped_by"]
    # FIW 2024: "the 18th consecutive year": the same run one edition earlier.
    assert decline_run(fiw_counts[fiw_counts["to_edition"] <= 2024])["run"] == 18


def test_fiw_published_counts(fiw_counts):
    c = fiw_counts.set_index("to_edition")
    # FIW 2022: 60 declined, 25 improved; FIW 2024: 52 declined, 21 improved (Freedom House).
    assert (c.loc[2022, "declined"], c.loc[2022, "improved"]) == (60, 25)
    assert (c.loc[2024, "declined"], c.loc[2024, "improved"]) == (52, 21)
    # FIW 2025, key findings: "Sixty countries experienced deterioration in their political
    # rights and civil liberties, and only 34 secured improvements." 195 countries in both
    # editions; the merged Russian-occupied territories of Ukraine are a territory, outside
    # the count.
    assert (c.loc[2025, "n"], c.loc[2025, "declined"], c.loc[2025, "improved"]) == (195, 60, 34)
    # scipy.stats.binomtest(60, 85).pvalue
    assert abs(c.loc[2022, "sign_test_p"] - binomtest(60, 85).pvalue) < 1e-12
    assert c["consecutive"].all()


#: Freedom House's declined / improved counts for each FOTN edition, from its own key findings
#: or press release (quoted in the coverage of each launch):
#: 2019 "Of the 65 countries assessed, 33 have been on an overall decline since June 2018,
#:   compared with 16 that registered net improvements";
#: 2020 "Of the 65 countries covered ... 26 worsened and 22 registered gains";
#: 2021 "The environment for human rights online deteriorated in 30 countries, while only 18
#:   countries registered net gains";
#: 2022 (press release) free speech online was restricted "in 28 countries, but 26 countries
#:   enhanced" it; key findings: "A record 26 countries experienced internet freedom
#:   improvements";
#: 2023 "conditions deteriorated in 29 countries and improved in 20 others";
#: 2024 "diminished in 27 of the 72 countries ... with 18 earning improvements".
FOTN_PUBLISHED = {2019: (33, 16), 2020: (26, 22), 2021: (30, 18), 2022: (28, 26),
                  2023: (29, 20), 2024: (27, 18)}


def test_fotn_published_counts_2019_2024(fotn_counts):
    c = fotn_counts.set_index("to_edition")
    got = {e: (int(c.loc[e, "declined"]), int(c.loc[e, "improved"])) for e in FOTN_PUBLISHED}
    assert got == FOTN_PUBLISHED
    # 2018 -> 2019 crosses the scale inversion: 2018 is converted from lower-is-freer.
    assert c.loc[2019, "n"] == 65
    # 2020 -> 2021 compares 64 countries: Syria left the panel and six countries joined
    # (Costa Rica, Ghana, Iraq, Nicaragua, Serbia, Taiwan), which Freedom House did not count.
    assert c.loc[2021, "n"] == 64


def test_fotn_booklet_era_counts(fotn_counts):
    c = fotn_counts.set_index("to_edition")
    # FOTN 2012 booklet, page 4: "Of the 17 countries that experienced numerical declines since
    # the 2011 edition of Freedom on the Net, only four are designated as electoral democracies".
    assert (c.loc[2012, "n"], c.loc[2012, "declined"]) == (37, 17)
    # FOTN 2016 booklet, page 5: "Just 14 countries registered overall improvements."
    assert (c.loc[2016, "n"], c.loc[2016, "improved"]) == (65, 14)
    # FOTN 2013 ("Of the 60 countries assessed, 34 have experienced a negative trajectory since
    # May 2012") and 2014 ("Of the 65 countries assessed, 36 ...") count a trajectory over every
    # country assessed, new ones included (13 and 5 without a previous score); they are not
    # changes of scores and are not reproduced. The 2014 booklet's own arrows are (next test).
    assert (c.loc[2013, "n"], c.loc[2014, "n"]) == (47, 60)


@pytest.mark.parametrize("edition", [2014, 2016])
def test_every_total_change_agrees_with_the_booklets_arrow(edition):
    # The 2014 and 2016 booklets print, per country, an arrow for the change of the total since
    # the previous edition: Freedom House's own comparison. The bundled table gives the same
    # direction for every country in both editions, because it keeps the 2014 booklet's
    # revised 2013 totals of Australia and the United Kingdom (tests/datasets).
    from scoring import compare, read_booklet
    from scoring.datasets.registry import datasets_dir

    booklet = read_booklet(datasets_dir() / "raw" / f"internetfreedom_{edition}.pdf")
    arrows = {t["iso3"]: t["trajectory"] for t in booklet.attrs["trajectories"]
              if t["column"] == "total"}
    rows = compare(index="fotn", from_edition=edition - 1, to_edition=edition).rows
    got = {r.iso3: "decline" if r.delta < 0 else "improvement" if r.delta > 0 else "no change"
           for r in rows.itertuples()}
    assert got == arrows and len(got) == {2014: 60, 2016: 65}[edition]


def test_fotn_run_over_every_edition(fotn_counts):
    # Every edition 2011-2024 is bundled, so the run is followed without a gap: declines
    # outnumber improvements in all 13 pairs. Freedom House's "14th consecutive year" (FOTN
    # 2024) counts one more: the 2011 edition's change from the 2009 pilot, which the bundled
    # data do not hold (they start at 2011, hence "at least").
    assert fotn_counts["consecutive"].all()
    run = decline_run(fotn_counts)
    assert (run["run"], run["first_edition_of_run"], run["at_least"]) == (13, 2012, True)
    assert "data start at edition 2011" in run["stopped_by"]


def test_a_gap_breaks_the_run(fotn_counts):
    # Without the 2020-2022 editions (as the bundled data were before FOTN's 2019-2022 sheets
    # were added), the 2019 -> 2023 pair skips three editions and the run cannot be followed.
    gapped = yearly_counts(load_dataset("fotn").query("edition < 2020 or edition > 2022"),
                           index="fotn")
    row = gapped.set_index("to_edition").loc[2023]
    assert row["from_edition"] == 2019 and not row["consecutive"]
    assert row["missing_editions"] == "2020, 2021, 2022"
    run = decline_run(gapped)
    assert run["run"] == 1 and run["at_least"]
    assert "lack editions 2020, 2021, 2022" in run["stopped_by"]


def test_run_stops_at_a_year_without_net_decline():
    counts = pd.DataFrame({"from_edition": [2020, 2021, 2022], "to_edition": [2021, 2022, 2023],
                           "consecutive": [True, True, True],
                           "net_decline": [True, False, True], "declined": [5, 3, 6],
                           "improved": [1, 3, 2], "missing_editions": ["", "", ""]})
    run = decline_run(counts)
    assert run["run"] == 1 and not run["at_least"]
    assert run["stopped_by"] == "2021 -> 2022: 3 declined, 3 improved"
    assert decline_run(counts.iloc[:0])["run"] == 0
