"""FIW's regions: names as people type them, and who is in a region, on the bundled data."""

from __future__ import annotations

import pytest

from scoring.datasets.panel import load_panel
from scoring.datasets.regions import latest_regions, region_names, region_table, resolve_regions

EURASIA_FOTN = ["ARM", "AZE", "BLR", "GEO", "KAZ", "KGZ", "RUS", "UKR", "UZB"]


def test_the_regions_are_fiws():
    assert region_names() == ["Africa", "Americas", "Asia", "Eurasia", "Europe", "Middle East"]


@pytest.mark.parametrize("typed, regions", [
    (["Eurasia"], ["Eurasia"]),
    (["eurasia", "EURASIA"], ["Eurasia"]),
    (["middle east"], ["Middle East"]),
    (["Middle-East"], ["Middle East"]),
    (["ME"], ["Middle East"]),
    (["Mid"], ["Middle East"]),
    (["Asia-Pacific"], ["Asia"]),
    (["asia pacific"], ["Asia"]),
    (["the Americas"], ["Americas"]),
    (["Am"], ["Americas"]),
    (["Afr"], ["Africa"]),
    (["Euro"], ["Europe"]),
    (["Eurasia,Europe"], ["Eurasia", "Europe"]),
])
def test_resolve_regions(typed, regions):
    assert resolve_regions(typed) == regions


@pytest.mark.parametrize("typed, said", [
    (["Narnia"], "unknown region 'Narnia'"),
    (["Eu"], "ambiguous region 'Eu' (Eurasia or Europe)"),
    (["A"], "unknown region 'A'"),
    (["Sub-Saharan Africa"], "unknown region 'Sub-Saharan Africa'"),  # not FIW's Africa
])
def test_unknown_or_ambiguous_regions_list_the_regions(typed, said):
    with pytest.raises(ValueError) as caught:
        resolve_regions(typed)
    assert said in str(caught.value)
    assert ("the regions are Africa, Americas, Asia (Asia-Pacific), Eurasia, Europe, "
            "Middle East") in str(caught.value)


def test_an_entitys_region_is_its_latest():
    latest = latest_regions(region_table())
    assert latest["XKX"] == "Europe"  # Eurasia in the 2006-2007 rows only
    assert latest["EGY"] == "Africa"


def test_region_members_fotn_takes_fiws_regions():
    assert load_panel("fotn").region_members(["Eurasia"]) == EURASIA_FOTN


def test_region_members_fiw_countries_or_territories_too():
    fiw = load_panel("fiw")
    countries = fiw.region_members(["Eurasia"], include_territories=False)
    assert countries == ["ARM", "AZE", "BLR", "GEO", "KAZ", "KGZ", "MDA", "RUS", "TJK", "TKM",
                         "UKR", "UZB"]
    every = fiw.region_members(["Eurasia"])
    assert set(every) - set(countries) == {"XAB", "XCE", "XCR", "XDB", "XNK", "XOU", "XSO",
                                           "XTR"}
