"""Countries and regions as people write them (issue 13): --country and --region of every data
command, run as a user types them, on the bundled data."""

import json

import click
import pytest

from scoring.cli.common import selected
from scoring.datasets.load import load_dataset
from scoring.datasets.panel import Panel

EURASIA_FOTN = {"ARM", "AZE", "BLR", "GEO", "KAZ", "KGZ", "RUS", "UKR", "UZB"}
COMPARE = ("compare", "--from", "2023", "--to", "2024")


def json_codes(output: str) -> list[str]:
    return [r["iso3"] for r in json.loads(output)["rows"]]


@pytest.mark.parametrize("value, codes", [
    ("Kazakhstan", ["KAZ"]),
    ("T\u00fcrkiye", ["TUR"]),
    ("KAZ RUS", ["RUS", "KAZ"]),  # sorted by change: Russia -1, Kazakhstan 0
    ("KAZ,RUS", ["RUS", "KAZ"]),
    ("South Korea", ["KOR"]),
    ("kyrgyz republic", ["KGZ"]),
    ("C\u00f4te d'Ivoire", None),  # a country FOTN does not cover: the analysis says so
])
def test_compare_country_as_people_write_it(run, printed_codes, value, codes):
    result = run(*COMPARE, "--country", value)
    if codes is None:
        assert result.exit_code == 2 and "(any edition): CIV (Côte d'Ivoire)" in result.output
        return
    assert result.exit_code == 0, result.output
    assert printed_codes(result.output) == codes
    assert f"{len(codes)} countr{'y' if len(codes) == 1 else 'ies'} in both editions" in \
        result.output


def test_compare_country_repeated_and_mixed(run):
    result = run(*COMPARE, "--country", "KAZ", "--country", "russia", "--country", "Kazakhstan",
                 "--format", "json")
    assert result.exit_code == 0
    assert sorted(json_codes(result.output)) == ["KAZ", "RUS"]


def test_compare_misspelt_country_is_a_usage_error_with_a_suggestion(run):
    result = run(*COMPARE, "--country", "Kazakstan")
    assert result.exit_code == 2
    assert "unknown country 'Kazakstan'" in result.output
    assert "did you mean Kazakhstan (KAZ)?" in result.output
    assert "Traceback" not in result.output


def test_compare_region_eurasia(run, printed_codes):
    result = run(*COMPARE, "--region", "Eurasia")
    assert result.exit_code == 0, result.output
    assert set(printed_codes(result.output)) == EURASIA_FOTN
    assert "9 countries in both editions: 5 declined, 2 improved, 2 unchanged" in result.output


def test_region_and_country_give_the_region_plus_the_countries(run):
    result = run(*COMPARE, "--region", "eurasia", "--country", "Turkey", "--format", "json")
    assert set(json_codes(result.output)) == EURASIA_FOTN | {"TUR"}


def test_unknown_or_ambiguous_region_is_a_usage_error_listing_the_regions(run):
    result = run(*COMPARE, "--region", "Narnia")
    assert result.exit_code == 2
    assert "unknown region 'Narnia'" in result.output
    assert "Africa, Americas, Asia (Asia-Pacific), Eurasia, Europe, Middle East" in result.output
    result = run(*COMPARE, "--region", "Eu")
    assert result.exit_code == 2 and "ambiguous region 'Eu' (Eurasia or Europe)" in result.output


def test_fiw_region_counts_countries_unless_territories_are_asked_for(run):
    countries = json_codes(run("compare", "--index", "fiw", "--from", "2024", "--to", "2025",
                               "--region", "Eurasia", "--format", "json").output)
    assert len(countries) == 12 and not any(c.startswith("X") for c in countries)
    every = json_codes(run("compare", "--index", "fiw", "--from", "2024", "--to", "2025",
                           "--region", "Eurasia", "--include-territories",
                           "--format", "json").output)
    # the territories in both editions (Nagorno-Karabakh ends with 2024, XOU starts in 2025)
    assert set(every) - set(countries) == {"XAB", "XSO", "XTR"}


@pytest.mark.parametrize("args", [
    ("significance", "--from", "2023", "--to", "2024", "--draws", "500", "--format", "json"),
    ("trend", "--format", "json"),
    ("episodes", "--cumulative", "1", "--format", "json"),
    ("compare", "--to", "2024", "--window", "5", "--format", "json"),
])
def test_every_data_command_takes_names(run, args):
    result = run(*args, "--country", "Kazakhstan, Russia")
    assert result.exit_code == 0, result.output
    assert set(json_codes(result.output)) == {"KAZ", "RUS"}


def test_panel_takes_names_and_regions(run):
    out = run("panel", "--country", "KAZ RUS", "--from", "2024").output
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == ["KAZ", "RUS"]
    out = run("panel", "--region", "Eurasia", "--from", "2024").output
    assert {line.split(",")[0] for line in out.splitlines()[1:]} == EURASIA_FOTN


def test_a_region_with_none_of_its_countries_in_the_data_is_refused():
    kenya = load_dataset("fotn").query("iso3 == 'KEN'")
    panel = Panel.from_frame(kenya, "fotn")
    assert selected((), ("Africa",), panel) == ["KEN"]
    with pytest.raises(click.UsageError, match="no country of the region in the data"):
        selected((), ("Europe",), panel)
    assert selected(("KAZ",)) == ["KAZ"] and selected(()) is None


def test_a_country_asked_for_but_in_neither_edition_is_named_not_dropped(run):
    # Before: --country KAZ,SYR on 2023 -> 2024 showed Kazakhstan and said nothing of Syria.
    r = run("compare", "--from", 2023, "--to", 2024, "--country", "KAZ,SYR", "--format", "json")
    doc = json.loads(r.output)
    assert [x["iso3"] for x in doc["rows"]] == ["KAZ"]
    assert "Not compared, in neither 2023 nor 2024: SYR is in editions 2012-2020." in doc["notes"]


def test_congo_alone_is_ambiguous_and_the_full_names_are_not(run):
    r = run("compare", "--index", "fiw", "--from", 2024, "--to", 2025, "--country", "Congo")
    assert r.exit_code == 2
    assert "'Congo' is ambiguous" in r.output and "(COG)" in r.output and "(COD)" in r.output
    r = run("compare", "--index", "fiw", "--from", 2024, "--to", 2025, "--country",
            "Congo, Dem. Rep.", "--country",
            "Congo (Brazzaville)", "--format", "json")
    assert {x["iso3"] for x in json.loads(r.output)["rows"]} == {"COD", "COG"}


def test_a_country_the_index_never_covered_is_named_with_where_to_look(run):
    r = run("compare", "--from", 2023, "--to", 2024, "--country", "Mali")
    assert r.exit_code == 2
    assert ("not in the Freedom on the Net data (any edition): MLI (Mali); `scoring countries "
            "--index fotn` lists who is covered") in r.output
