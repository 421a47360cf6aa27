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


def test_fiw_18th_consecutive_year(fiw_counts):
    # Freedom House, Freedom in the World 2024: "Global freedom declined for the 18th
    # consecutive year in 2023". The bundled data start at the 2006 edition, so the run can
    # only be confirmed back to 2007 and is marked "at least".
    run = decline_run(fiw_counts)
    assert run["run"] == 18 and run["first_edition_of_run"] == 2007
    assert run["at_least"] and "data start at edition 2006" in run["stopped_by"]


def test_fiw_published_counts(fiw_counts):
    c = fiw_counts.set_index("to_edition")
    # FIW 2022: 60 declined, 25 improved; FIW 2024: 52 declined, 21 improved (Freedom House).
    assert (c.loc[2022, "declined"], c.loc[2022, "improved"]) == (60, 25)
    assert (c.loc[2024, "declined"], c.loc[2024, "improved"]) == (52, 21)
    # scipy.stats.binomtest(60, 85).pvalue
    assert abs(c.loc[2022, "sign_test_p"] - binomtest(60, 85).pvalue) < 1e-12
    assert c["consecutive"].all()


def test_fotn_gap_breaks_the_run(fotn_counts):
    row = fotn_counts.set_index("to_edition").loc[2023]
    assert row["from_edition"] == 2019 and not row["consecutive"]
    assert row["missing_editions"] == "2020, 2021, 2022"
    run = decline_run(fotn_counts)
    assert run["run"] == 1 and run["at_least"]
    assert "lack editions 2020, 2021, 2022" in run["stopped_by"]
    c = fotn_counts.set_index("to_edition")
    assert (c.loc[2024, "declined"], c.loc[2024, "improved"]) == (27, 18)


def test_run_stops_at_a_year_without_net_decline():
    counts = pd.DataFrame({"from_edition": [2020, 2021, 2022], "to_edition": [2021, 2022, 2023],
                           "consecutive": [True, True, True],
                           "net_decline": [True, False, True], "declined": [5, 3, 6],
                           "improved": [1, 3, 2], "missing_editions": ["", "", ""]})
    run = decline_run(counts)
    assert run["run"] == 1 and not run["at_least"]
    assert run["stopped_by"] == "2021 -> 2022: 3 declined, 3 improved"
    assert decline_run(counts.iloc[:0])["run"] == 0
