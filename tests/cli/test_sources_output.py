"""Output that says whose numbers it used: every row's file, the JSON/xlsx ``sources`` block
and a source line that cites Freedom House only for the editions it published."""

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from scoring import load_panel
from scoring.publish.sources import source_credits, sources_block, with_sources

FH_2024 = "FOTN24_Country_Score_Data.xlsx"
USER_LINE = ("Source: Freedom House, Freedom on the Net 2024; 2025 from user file fotn2025.csv "
             "(not Freedom House's); analysis: scoring")


@pytest.fixture(scope="module")
def edition_2025(tmp_path_factory) -> Path:
    """A user's FOTN 2025: the 2024 scores with Kenya two points down on user rights."""
    rows = load_panel("fotn").scores
    rows = rows.loc[rows["edition"] == 2024,
                    ["country", "edition", "status", "access", "content", "rights", "total"]]
    rows = rows.assign(edition=2025)
    kenya = rows["country"] == "Kenya"
    rows.loc[kenya, "rights"] -= 2
    rows.loc[kenya, "total"] -= 2
    path = tmp_path_factory.mktemp("user") / "fotn2025.csv"
    rows.to_csv(path, index=False)
    return path


def test_a_users_edition_is_credited_to_the_file_not_to_freedom_house(run, edition_2025):
    # Before: "Source: Freedom House, Freedom on the Net 2024-2025" for an edition Freedom
    # House never published, and nothing said which rows came from --data.
    args = ("compare", "--from", 2024, "--to", 2025, "--data", edition_2025)
    text = run(*args).output
    assert text.rstrip().endswith(USER_LINE)
    doc = json.loads(run(*args, "--format", "json").output)
    assert doc["summary"]["citation"] == "Freedom House, Freedom on the Net 2024"
    s = doc["sources"]
    assert s["freedom_house"] == {"citation": "Freedom House, Freedom on the Net 2024",
                                  "editions": [2024]}
    assert s["others"] == [{"kind": "user-file", "source": "fotn2025.csv",
                            "credit": "user file fotn2025.csv", "editions": [2025]}]
    assert {(f["source"], f["rows"]) for f in s["files"]} == {(FH_2024, 72),
                                                              ("fotn2025.csv", 72)}
    assert s["line"] == USER_LINE
    kenya = next(r for r in doc["rows"] if r["iso3"] == "KEN")
    assert (kenya["delta"], kenya["source_from"], kenya["source_to"]) == (-2, FH_2024,
                                                                          "fotn2025.csv")


def test_every_format_names_each_rows_file(run, edition_2025, tmp_path):
    args = ("compare", "--from", 2024, "--to", 2025, "--data", edition_2025)
    rows = pd.read_csv(io.StringIO(run(*args, "--format", "csv").output))
    assert set(rows["source_from"]) == {FH_2024} and set(rows["source_to"]) == {"fotn2025.csv"}
    out = tmp_path / "c.xlsx"
    assert run(*args, "--output", out).exit_code == 0
    sheet = openpyxl.load_workbook(out)["sources"]
    got = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert got[0] == ("kind", "source", "credit", "editions", "rows")
    assert ("user-file", "fotn2025.csv", "user file fotn2025.csv", "[2025]", 72) in got


def test_a_third_partys_compilation_is_credited_beside_freedom_house(run):
    # FOTN 2017 is bundled from the DA2I series only.
    doc = json.loads(run("compare", "--from", 2016, "--to", 2017, "--format", "json").output)
    assert doc["summary"]["citation"] == "Freedom House, Freedom on the Net 2016\u20132017"
    assert doc["sources"]["line"] == ("Source: Freedom House, Freedom on the Net 2016\u20132017 "
                                      "(2017 via DA2I); analysis: scoring")
    assert [x["credit"] for x in doc["sources"]["others"]] == ["DA2I"]
    assert {r["source_to"] for r in doc["rows"]} == {"DA2I_FotN_totals_2011-2019.csv"}


@pytest.mark.parametrize("args,column", [
    (("trend", "--index", "fotn", "--country", "KGZ"), "sources"),
    (("episodes", "--index", "fiw", "--country", "CAF"), "sources"),
    (("compare", "--to", 2024, "--window", 5, "--top", 2), "source_to"),
    (("significance", "--from", 2016, "--to", 2017, "--draws", 500), "source_to"),
])
def test_trend_episodes_window_and_significance_say_where_rows_came_from(run, args, column):
    doc = json.loads(run(*args, "--format", "json").output)
    assert doc["sources"]["line"].startswith("Source: Freedom House, ")
    assert doc["rows"] and all(r[column] for r in doc["rows"])
    table = pd.read_csv(io.StringIO(run(*args, "--format", "csv").output))
    assert column in table.columns
    assert run(*args).output.rstrip().splitlines()[-1] == doc["sources"]["line"]


def test_a_trend_row_lists_its_files_by_edition(run):
    doc = json.loads(run("trend", "--index", "fotn", "--country", "KGZ", "--from", 2016,
                         "--to", 2019, "--format", "json").output)
    assert doc["rows"][0]["sources"] == (
        "internetfreedom_2016.pdf (2016); DA2I_FotN_totals_2011-2019.csv (2017); "
        "FINAL_DATA_FOTN2018_TOTAL_and_CATEGORY_SCORES.xlsx (2018); "
        "internetfreedom_2019.xlsx (2019)")
    assert "(2017 via DA2I)" in doc["sources"]["line"]


def test_the_installed_script_prints_the_same_source_line(edition_2025):
    script = Path(sys.executable).with_name("scoring")
    cmd = [str(script) if script.exists() else sys.executable] + (
        [] if script.exists() else ["-m", "scoring"])
    out = subprocess.run(cmd + ["compare", "--from", "2024", "--to", "2025", "--data",
                                str(edition_2025)], capture_output=True, text=True, check=True)
    assert out.stdout.rstrip().endswith(USER_LINE)


def test_source_credits_and_with_sources_on_a_hand_made_frame():
    scores = pd.DataFrame({
        "iso3": ["AAA", "AAA", "AAA", "BBB"], "edition": [2016, 2017, 2018, 2018],
        "source": ["b.pdf", "da2i.csv", "mine.csv", "mine.csv"],
        "source_kind": ["fh-publication", "third-party", "user-file", "user-file"]})
    credits = source_credits(scores)
    assert [(x["kind"], x["editions"], x["rows"]) for x in credits] == [
        ("fh-publication", [2016], 1), ("third-party", [2017], 1), ("user-file", [2018], 2)]
    assert credits[2]["credit"] == "user file mine.csv"
    table = with_sources(pd.DataFrame({"iso3": ["AAA", "BBB"]}), scores)
    assert table["sources"].tolist() == ["b.pdf (2016); da2i.csv (2017); mine.csv (2018)",
                                         "mine.csv (2018)"]
    from scoring import load_methodology

    block = sources_block(load_methodology("fotn"), scores)
    # 2018 is the users' alone: Freedom House is cited for the editions it published.
    assert block["freedom_house"]["editions"] == [2016, 2017]
    assert block["line"] == ("Source: Freedom House, Freedom on the Net 2016\u20132017 (2017 via "
                             "da2i.csv); 2018 from user file mine.csv (not Freedom House's); "
                             "analysis: scoring")
    only_mine = sources_block(load_methodology("fotn"), scores[scores["edition"] == 2018])
    assert only_mine["freedom_house"] is None
    assert only_mine["line"].startswith("Source: 2018 from user file mine.csv")
