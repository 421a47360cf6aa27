"""The commands a new user tried first, exactly as typed, through the installed console script
and through click's runner: each lost data, ignored an option or said something untrue before
(issue "the command line a researcher trusts"); each now does what it says.

The in-process tests beside this file check the details; these check that the script a user
runs behaves the same way, argument parsing and exit codes included.
"""

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from scoring.cli import main

REPORT = "datasets/raw/FOTN2015_Kazakhstan.txt"
FIW = "datasets/raw/All_data_FIW_2013-2025.xlsx"
CLEAN = "datasets/raw/FOTN_2023_Country_Score_Data.csv"
BAD = ("country,edition,status,access,content,rights,total\n"
       "Kazakhstan,2025,NF,10,12,16,99\nRussia,2025,NF,5,8,4,17\n")


def _codes(out: str) -> set[str]:
    return {r["iso3"] for r in json.loads(out)["rows"]}


def _csv(path):
    return pd.read_csv(path)


# (arguments, exit code, check of (stdout, stderr, tmp_path))
CASES = {
    "output .csv writes CSV": (
        ["compare", "--from", "2023", "--to", "2024", "--output", "{tmp}/result.csv"], 0,
        lambda out, err, tmp: _csv(tmp / "result.csv")["iso3"].nunique() == 70),
    "output .xlsx writes a workbook": (
        ["compare", "--from", "2023", "--to", "2024", "--output", "{tmp}/result.xlsx"], 0,
        lambda out, err, tmp: "sources" in openpyxl.load_workbook(tmp / "result.xlsx").sheetnames),
    "a name": (["compare", "--from", "2023", "--to", "2024", "--country", "Kazakhstan",
                "--format", "json"], 0,
               lambda out, err, tmp: _codes(out) == {"KAZ"}),
    "Türkiye": (["compare", "--from", "2023", "--to", "2024", "--country", "Türkiye",
                 "--format", "json"], 0,
                lambda out, err, tmp: _codes(out) == {"TUR"}),
    "codes in one quoted value": (
        ["compare", "--from", "2023", "--to", "2024", "--country", "KAZ RUS", "--format",
         "json"], 0,
        lambda out, err, tmp: _codes(out) == {"KAZ", "RUS"}),
    "codes with a comma": (
        ["compare", "--from", "2023", "--to", "2024", "--country", "KAZ,RUS", "--format",
         "json"], 0,
        lambda out, err, tmp: _codes(out) == {"KAZ", "RUS"}),
    "a region": (["compare", "--from", "2023", "--to", "2024", "--region", "Eurasia",
                  "--format", "json"], 0,
                 lambda out, err, tmp: {r["region"] for r in json.loads(out)["rows"]}
                 == {"Eurasia"}),
    "the countries and editions available": (
        ["countries", "--index", "fotn", "--format", "json"], 0,
        lambda out, err, tmp: len(json.loads(out)["rows"]) == 73),
    "window honours country": (
        ["compare", "--to", "2024", "--window", "5", "--country", "HUN", "--format", "json"], 0,
        lambda out, err, tmp: {r["iso3"] for r in json.loads(out)["rows"]} == {"HUN"}),
    "stats reach the CSV": (
        ["compare", "--from", "2023", "--to", "2024", "--stats", "--format", "csv"], 0,
        lambda out, err, tmp: "sign_test_p" in pd.read_csv(io.StringIO(out)).columns),
    "validate json on a clean file is JSON": (
        ["validate", CLEAN, "--format", "json"], 0,
        lambda out, err, tmp: json.loads(out)["failures"] == []),
    "a country in neither edition": (
        ["compare", "--from", "2023", "--to", "2024", "--country", "SYR"], 2,
        lambda out, err, tmp: "SYR is in editions 2012-2020" in err),
    "a bad row is shown": (
        ["compare", "--from", "2024", "--to", "2025", "--data", "{tmp}/bad.csv",
         "--data-orientation", "higher-is-freer"], 1,
        lambda out, err, tmp: "line 2 (Kazakhstan, 2025): total: sum: found 99, expected 38"
        in err and "scoring validate bad.csv" in err),
    "validate reads report text": (
        ["validate", REPORT], 0, lambda out, err, tmp: "no validation failures" in out),
    "validate reads a FIW file as FIW": (
        ["validate", FIW], 0, lambda out, err, tmp: "read as --index fiw" in err
        and "2723 rows" in out),
    "rank changes say the panel changed": (
        ["compare", "--from", "2023", "--to", "2024", "--format", "json"], 0,
        lambda out, err, tmp: "rank_change_common" in json.loads(out)["rows"][0]
        and any("rank" in n and "both editions" in n for n in json.loads(out)["notes"])),
}


def _args(args, tmp):
    return [a.replace("{tmp}", str(tmp)) for a in args]


@pytest.fixture
def workdir(tmp_path):
    (tmp_path / "bad.csv").write_text(BAD)
    return tmp_path


@pytest.mark.parametrize("name", list(CASES))
def test_in_process(name, workdir):
    from click.testing import CliRunner

    args, code, check = CASES[name]
    r = CliRunner().invoke(main, _args(args, workdir), catch_exceptions=False)
    assert r.exit_code == code, r.output
    assert check(r.stdout, r.stderr, workdir), r.output


def _script():
    script = Path(sys.executable).with_name("scoring")
    if not script.exists():
        pytest.skip("no console script 'scoring' beside this interpreter (pip install -e .)")
    return str(script)


@pytest.mark.parametrize("name", list(CASES))
def test_through_the_console_script(name, workdir):
    args, code, check = CASES[name]
    done = subprocess.run([_script(), *_args(args, workdir)], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], timeout=300)
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    assert check(done.stdout, done.stderr, workdir), done.stdout + done.stderr
