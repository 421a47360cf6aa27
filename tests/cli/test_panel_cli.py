"""`scoring panel` (scoring/cli/panel.py; named apart from tests/datasets/test_panel.py, since
pytest needs unique basenames here): formats, where output may go, stderr, exit codes."""

import importlib
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from scoring import load_panel
from scoring.datasets.registry import datasets_dir
from scoring.publish import panel_export, panel_formats


def test_choices_match_the_library():
    # The CLI keeps its own copies so that --help loads no pandas. (The module, not the
    # command of the same name that scoring.cli exports.)
    panel_cli = importlib.import_module("scoring.cli.panel")
    assert panel_cli.FORMATS == panel_formats.FORMATS
    assert panel_cli.BINARY_FORMATS == panel_formats.BINARY_FORMATS
    assert panel_cli.LEVELS == panel_export.LEVELS


def test_csv_to_the_terminal_is_every_row_of_the_panel(run):
    result = run("panel", "--index", "fotn", "--level", "categories")
    assert result.exit_code == 0, result.output
    back = pd.read_csv(io.StringIO(result.stdout))
    assert len(back) == len(load_panel("fotn").scores)
    assert list(back.columns[:8]) == ["iso3", "country", "edition", "status", "total",
                                      "access", "content", "rights"]


@pytest.mark.parametrize("suffix, magic", [
    ("dta", b"<stata_dta><header><release>118</release>"),
    ("xlsx", b"PK"),
    ("parquet", b"PAR1"),
])
def test_binary_format_from_the_output_suffix(run, tmp_path, suffix, magic):
    pytest.importorskip("pyarrow")
    out = tmp_path / f"fotn.{suffix}"
    result = run("panel", "--wide", "--from", "2023", "--output", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(magic)
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary left behind


def test_json_with_territories(run):
    result = run("panel", "--index", "fiw", "--include-territories", "--from", "2024",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    panel = load_panel("fiw")
    expected = panel.scores[panel.scores["edition"] >= 2024]  # --from 2024: to the last edition
    assert len(doc["records"]) == len(expected) == doc["metadata"]["rows"]
    hong_kong = [r for r in doc["records"] if r["iso3"] == "HKG"]
    assert hong_kong and hong_kong[0]["ct"] == "t"
    assert doc["metadata"]["entities"] == "countries and territories"


def test_fiw_says_on_stderr_that_territories_are_left_out(run):
    result = run("panel", "--index", "fiw", "--from", "2024")
    assert result.exit_code == 0
    assert "note: territories left out" in result.stderr
    assert "note:" not in result.stdout


@pytest.mark.parametrize("fmt", ["xlsx", "parquet", "dta"])
def test_binary_format_needs_output(run, fmt):
    result = run("panel", "--format", fmt)
    assert result.exit_code == 2
    assert f"--format {fmt} writes a binary file: give --output FILE.{fmt}" in result.output


def test_format_and_suffix_must_agree(run, tmp_path):
    result = run("panel", "--format", "csv", "--output", tmp_path / "x.dta")
    assert result.exit_code == 2
    assert "--format csv but --output" in result.output and "ends in .dta" in result.output
    assert not (tmp_path / "x.dta").exists()


def test_refuses_output_over_a_user_file(run, tmp_path):
    mine = tmp_path / "mine.csv"
    mine.write_text("Country,Edition,Status,A,B,C,Total\nKenya,2025,PF,16,24,23,63\n")
    result = run("panel", "--data", mine, "--data-orientation", "higher-is-freer",
                 "--output", mine)
    assert result.exit_code == 2
    assert "is one of the input files" in result.output
    assert mine.read_text().startswith("Country,Edition")


def test_refuses_output_over_the_bundled_table(run):
    bundled = datasets_dir() / "fotn.csv"
    before = bundled.read_bytes()
    result = run("panel", "--output", bundled)
    assert result.exit_code == 2
    assert "is a file of the bundled datasets" in result.output
    assert bundled.read_bytes() == before


def test_a_user_file_with_a_formula_like_name_is_neutralised_and_named(run, tmp_path):
    mine = tmp_path / "=cmd.csv"
    mine.write_text("Country,Edition,Status,A,B,C,Total\nKenya,2025,PF,16,24,23,63\n"
                    "Côte d'Ivoire,2025,PF,14,22,20,56\n")
    result = run("panel", "--data", mine, "--data-orientation", "higher-is-freer",
                 "--from", "2025", "--level", "categories")
    assert result.exit_code == 0, result.output
    back = pd.read_csv(io.StringIO(result.stdout))
    assert back["source"].tolist() == ["'=cmd.csv", "'=cmd.csv"]
    assert back["total"].tolist() == [56, 63]  # CIV before KEN; numbers untouched
    assert "note: 2 text cells start with = + - @" in result.stderr
    assert "line 2 source '=cmd.csv'" in result.stderr
    exact = json.loads(run("panel", "--data", mine, "--data-orientation", "higher-is-freer",
                           "--from", "2025", "--format", "json").stdout)
    assert [r["source"] for r in exact["records"]] == ["=cmd.csv", "=cmd.csv"]


def test_parquet_without_pyarrow_is_a_usage_error_naming_the_extra(run, tmp_path,
                                                                   without_pyarrow):
    result = run("panel", "--output", tmp_path / "x.parquet")
    assert result.exit_code == 2
    assert "--format parquet: writing parquet needs pyarrow" in result.output
    assert "pip install 'scoring[parquet]'" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, message", [
    (["--from", "2030"], "editions 2030-last hold no rows of fotn"),
    (["--country", "XXX"], "unknown country 'XXX'"),  # no country anywhere
    (["--country", "CIV"], "(any edition): CIV"),  # a country FOTN does not cover
    (["--level", "items"], "Invalid value for '--level'"),
])
def test_bad_requests_are_usage_errors(run, args, message):
    result = run("panel", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_unwritable_output_is_an_io_error(run, tmp_path):
    result = run("panel", "--output", tmp_path / "missing" / "x.csv")
    assert result.exit_code == 3
    assert Path(tmp_path / "missing").exists() is False
