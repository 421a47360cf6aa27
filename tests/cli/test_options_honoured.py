"""Every option honoured or refused, failures that teach (issue: the command line a researcher
trusts). Each test runs a command a user would type, on the bundled data."""

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

BAD = ("country,edition,status,access,content,rights,total\n"
       "Kazakhstan,2025,NF,10,12,16,99\nRussia,2025,NF,5,8,4,17\n")


@pytest.mark.parametrize("suffix,check", [
    ("csv", lambda p: pd.read_csv(p)["iso3"].nunique() == 70),
    ("json", lambda p: json.loads(p.read_text())["summary"]["declined"] == 27),
    ("xlsx", lambda p: "rows" in openpyxl.load_workbook(p).sheetnames),
    ("txt", lambda p: p.read_text().startswith("Freedom on the Net: 2023 -> 2024")),
])
def test_the_output_suffix_chooses_the_format(run, tmp_path, suffix, check):
    out = tmp_path / f"result.{suffix}"
    r = run("compare", "--from", 2023, "--to", 2024, "--output", out)
    assert r.exit_code == 0 and check(out)


def test_a_format_that_contradicts_the_suffix_is_refused(run, tmp_path):
    out = tmp_path / "result.csv"
    r = run("compare", "--from", 2023, "--to", 2024, "--output", out, "--format", "table")
    assert r.exit_code == 2 and "--format table but --output" in r.output
    assert not out.exists()
    r = run("trend", "--index", "fiw", "--output", tmp_path / "t.json", "--format", "csv")
    assert r.exit_code == 2


def test_window_honours_country_and_refuses_what_does_not_apply(run):
    r = run("compare", "--to", 2024, "--window", 5, "--country", "HUN", "--format", "json")
    rows = json.loads(r.output)["rows"]
    assert r.exit_code == 0 and {x["iso3"] for x in rows} == {"HUN"}
    assert run("compare", "--to", 2024, "--window", 5, "--stats").exit_code == 2
    assert run("compare", "--to", 2024, "--window", 5, "--questions").exit_code == 2
    r = run("compare", "--from", 2023, "--to", 2024, "--top", 5)
    assert r.exit_code == 2 and "--top goes with --window" in r.output


def test_stats_reach_the_csv(run):
    r = run("compare", "--from", 2023, "--to", 2024, "--stats", "--format", "csv")
    tests = pd.read_csv(pd.io.common.StringIO(r.output))
    overall = tests[tests["group"] == "all"].iloc[0]
    assert (overall["declined"], overall["improved"]) == (27, 18)
    assert "sign_test_p" in tests.columns and "wilcoxon_p" in tests.columns


def test_a_country_in_neither_edition_is_an_error_not_an_empty_table(run):
    r = run("compare", "--from", 2023, "--to", 2024, "--country", "SYR")
    assert r.exit_code == 2
    assert "SYR is in editions 2012-2020" in r.output


def test_validate_writes_its_table_in_the_format_asked_even_when_clean(run, tmp_path):
    clean = "datasets/raw/FOTN_2023_Country_Score_Data.csv"
    r = run("validate", clean, "--format", "json")
    doc = json.loads(r.stdout)
    assert r.exit_code == 0 and doc["failures"] == [] and "70 rows" in doc["summary"]
    r = run("validate", clean, "--format", "csv")
    assert r.stdout.splitlines()[0].startswith("source,row,country,iso3,edition,column")
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD)
    out = tmp_path / "failures.xlsx"
    r = run("validate", bad, "--orientation", "higher-is-freer", "--output", out)
    assert r.exit_code == 1
    ws = openpyxl.load_workbook(out)["failures"]
    assert [c.value for c in next(ws.iter_rows(min_row=2, max_row=2))][1:3] == [2, "Kazakhstan"]


def test_a_failed_data_file_names_row_column_rule_and_the_command_to_see_all(run, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD)
    r = run("compare", "--from", 2024, "--to", 2025, "--data", bad,
            "--data-orientation", "higher-is-freer")
    assert r.exit_code == 1
    assert "line 2 (Kazakhstan, 2025): total: sum: found 99, expected 38" in r.output
    assert "`scoring validate bad.csv` lists every failure; --keep-flagged" in r.output


def test_ingest_reports_csv_goes_back_in(run, tmp_path):
    # The tidy CSV ingest-report writes carries an orientation column: --data and validate
    # read its scale from it (before, "cannot tell which way the scale runs").
    out = tmp_path / "kaz.csv"
    assert run("ingest-report", "datasets/raw/FOTN2015_Kazakhstan.txt", "--output",
               out).exit_code == 0
    assert out.read_text().startswith("index,edition,iso3")  # csv, from the suffix
    r = run("compare", "--from", 2014, "--to", 2015, "--data", out, "--country", "KAZ",
            "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["rows"][0]["delta"] == -1
    r = run("validate", out)
    assert r.exit_code == 0 and "its orientation column says 'lower-is-freer'" in r.output


def test_validate_reads_what_data_reads(run):
    r = run("validate", "datasets/raw/FOTN2015_Kazakhstan.txt")
    assert r.exit_code == 0 and "2 rows, edition 2014, 2015: no validation failures" in r.output
    r = run("validate", "datasets/raw/internetfreedom_2011.pdf", "--format", "json")
    assert r.exit_code == 0 and "37 rows, edition 2011" in json.loads(r.stdout)["summary"]


def test_an_orientation_column_that_mixes_scales_in_one_edition_is_refused(run, tmp_path):
    f = tmp_path / "mixed.csv"
    f.write_text("country,edition,orientation,total\nKazakhstan,2025,lower-is-freer,61\n"
                 "Russia,2025,higher-is-freer,17\n")
    r = run("validate", f)
    assert r.exit_code == 1
    assert "lower-is-freer from row 2, higher-is-freer from row 3" in r.output


def test_the_installed_command_refuses_a_mismatched_format(tmp_path):
    exe = Path(sys.executable).parent / "scoring"  # the script installed beside this Python
    if not exe.exists():
        pytest.skip("the console script is not installed")
    r = subprocess.run([str(exe), "compare", "--from", "2023", "--to", "2024", "--output",
                        str(tmp_path / "r.xlsx"), "--format", "csv"], capture_output=True,
                       text=True)
    assert r.returncode == 2 and "ends in .xlsx" in r.stderr


def test_validate_reads_a_fiw_file_as_fiw_unless_told_otherwise(run):
    path = "datasets/raw/All_data_FIW_2013-2025.xlsx"
    r = run("validate", path)
    assert r.exit_code == 0 and "read as --index fiw" in r.output
    assert "2723 rows" in r.output and "no validation failures" in r.output
    told = run("validate", path, "--index", "fotn")
    assert told.exit_code == 1 and "looks like a Freedom in the World file" in told.output


@pytest.mark.parametrize("args, said", [
    (["compare", "--from", 2023, "--to", 2024, "--resamples", 100],
     "--resamples goes with --stats"),
    (["compare", "--from", 2023, "--to", 2024, "--seed", 3, "--ci-method", "percentile"],
     "--ci-method, --seed go with --stats"),
    (["compare", "--from", 2023, "--to", 2024, "--data-edition", 2024],
     "--data-edition goes with --data"),
    (["trend", "--index", "fotn", "--keep-flagged"], "--keep-flagged goes with --data"),
    (["countries", "--output", "c.xlsx"],
     "names a .xlsx file, which this command does not write"),
    (["compare", "--from", 2023, "--to", 2024, "--output", "r.parquet"], "names a .parquet file"),
])
def test_an_option_that_would_do_nothing_is_refused(run, tmp_path, monkeypatch, args, said):
    monkeypatch.chdir(tmp_path)
    r = run(*args)
    assert r.exit_code == 2 and said in r.output
    assert list(tmp_path.iterdir()) == []


def test_territories_alone_are_refused_and_absent_editions_say_nothing_of_categories(run):
    r = run("compare", "--index", "fiw", "--from", 2024, "--to", 2025, "--country", "Crimea")
    assert r.exit_code == 2 and "XCR: territories only" in r.output
    r = run("compare", "--from", 2023, "--to", 2024, "--country", "Chile,KAZ")
    assert r.exit_code == 0 and "No category scores" not in r.output


def test_a_booklets_csv_from_ingest_report_goes_back_in(run, tmp_path):
    # The 2014 booklet reprints 2013 as totals only: its CSV's 2013 rows have no categories,
    # which are "not published" for that edition, not 180 blanks.
    out = tmp_path / "b14.csv"
    assert run("ingest-report", "datasets/raw/internetfreedom_2014.pdf", "--output",
               out).exit_code == 0
    r = run("validate", out)
    assert r.exit_code == 0 and "125 rows, edition 2013, 2014: no validation failures" in r.output
    assert "edition 2013: no row has access, content, rights" in r.output
    r = run("compare", "--from", 2013, "--to", 2014, "--data", out, "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["summary"]["n"] == 60


def test_a_file_named_pdf_that_is_not_one_says_so_everywhere(run, tmp_path):
    fake = tmp_path / "booklet.pdf"
    fake.write_text("Country,Total\nKenya,63\n")
    for args in (["validate", fake], ["compare", "--from", 2023, "--to", 2024, "--data", fake]):
        r = run(*args)
        assert r.exit_code == 1 and "booklet.pdf: named .pdf but not a PDF" in r.output
