"""The command-line interface: exit codes, messages, formats, help, start-up cost."""

import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from scoring.cli import main

REPO = Path(__file__).resolve().parents[2]
RAW = REPO / "datasets" / "raw"


def _commands(group, prefix=()):
    for name, cmd in group.commands.items():
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


@pytest.mark.parametrize("path", [p for p, _ in _commands(main)], ids=" ".join)
def test_every_command_has_help_with_an_example(run, path):
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output and "scoring " in result.output
    assert "Exit codes" in result.output


def test_compare_table(run):
    result = run("compare", "--index", "fotn", "--from", "2023", "--to", "2024")
    assert result.exit_code == 0, result.output
    assert "70 countries in both editions: 27 declined, 18 improved, 25 unchanged" in result.output
    assert "only in 2024 (not compared): Chile (CHL), The Netherlands (NLD)" in result.output
    assert "Source: Freedom House, Freedom on the Net 2023\u20132024; analysis: scoring" in result.output
    assert re.search(r"KGZ\s+Kyrgyzstan\s+PF\s+PF\s+52\s+48\s+-4", result.output)


def test_compare_json_shape(run):
    result = run("compare", "--index", "fotn", "--from", "2023", "--to", "2024",
                 "--format", "json")
    doc = json.loads(result.output)
    assert doc["summary"]["n"] == 70
    assert {"declined", "improved", "unchanged"} <= set(doc["summary"])
    for row in doc["rows"]:
        assert {"iso3", "country", "delta", "delta_access", "delta_content",
                "delta_rights"} <= set(row)


def test_compare_fiw_says_countries_only(run):
    result = run("compare", "--index", "fiw", "--from", "2021", "--to", "2022")
    assert "195 countries in both editions: 60 declined, 25 improved" in result.output
    assert "15 territories left out" in result.output


def test_compare_across_the_inversion_says_so(run):
    result = run("compare", "--from", "2015", "--to", "2024", "--country", "KAZ")
    assert result.exit_code == 0
    assert "Scales converted: edition 2015 published lower-is-freer" in result.output


def test_compare_csv_to_file_atomically(run, tmp_path):
    out = tmp_path / "out.csv"
    result = run("compare", "--from", "2023", "--to", "2024", "--format", "csv",
                 "--output", out)
    assert result.exit_code == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("iso3,country,status_from,status_to,total_from,total_to,delta")
    assert len(lines) == 71
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary left behind


def test_compare_with_a_user_file(run, tmp_path):
    mine = tmp_path / "fotn2025.csv"
    mine.write_text("Country,Edition,Status,A,B,C,Total\nKazakhstan,2025,NF,12,12,9,33\n"
                    "Kenya,2025,PF,16,24,23,63\nEstonia,2025,F,24,32,36,92\n")
    result = run("compare", "--from", "2024", "--to", "2025", "--data", mine)
    assert result.exit_code == 0, result.output
    assert "3 countries in both editions: 2 declined, 0 improved, 1 unchanged" in result.output


def test_compare_refuses_output_over_an_input(run, tmp_path):
    mine = tmp_path / "mine.csv"
    mine.write_text("Country,Edition,Status,A,B,C,Total\nKenya,2025,PF,16,24,23,63\n")
    result = run("compare", "--from", "2024", "--to", "2025", "--data", mine, "--output", mine)
    assert result.exit_code == 2
    assert "is one of the input files" in result.output
    assert mine.read_text().startswith("Country,Edition")


def test_compare_bad_edition_is_a_usage_error(run):
    result = run("compare", "--from", "2010", "--to", "2024")
    assert result.exit_code == 2
    assert "from_edition must be an edition in the data" in result.output


def test_compare_bad_user_file_fails_with_its_problems(run, tmp_path):
    mine = tmp_path / "bad.csv"
    mine.write_text("Country,Edition,Status,A,B,C,Total\nKenya,2025,PF,16,24,23,64\n")
    result = run("compare", "--from", "2024", "--to", "2025", "--data", mine)
    assert result.exit_code == 1
    assert "cannot tell which way the scale runs" in result.output  # one status: too few
    result = run("compare", "--from", "2024", "--to", "2025", "--data", mine,
                 "--data-orientation", "higher-is-freer")
    assert result.exit_code == 1
    assert "1 validation failure on 1 row in bad.csv" in result.output
    kept = run("compare", "--from", "2024", "--to", "2025", "--data", mine,
               "--data-orientation", "higher-is-freer", "--keep-flagged")
    assert kept.exit_code == 0
    assert "1 validation failure kept (flagged rows used as published)" in kept.output
    assert re.search(r"KEN\s+Kenya.*\bsum\b", kept.output)


def test_validate_clean_file(run):
    result = run("validate", RAW / "FOTN_2023_Country_Score_Data.csv")
    assert result.exit_code == 0
    assert "70 rows, edition 2023: no validation failures" in result.output


def test_validate_reports_the_real_inconsistency(run):
    result = run("validate", RAW / "freedom_house_2015.json", "--edition", "2015")
    assert result.exit_code == 1
    assert re.search(r"48\s+South Africa\s+ZAF\s+2015\s+Total_score\s+sum\s+27\s+26 = "
                     r"Obstacle_to_access", result.output)
    assert "1 validation failure on 1 of 65 rows" in result.output
    assert result.stdout.splitlines()[0].split()[0] == "record"  # JSON rows are records


def test_validate_formats(run):
    path = RAW / "freedom_house_2015.json"
    doc = json.loads(run("validate", path, "--edition", "2015", "--format", "json").stdout)
    assert doc["failures"][0]["rule"] == "sum" and doc["failures"][0]["row"] == 48
    assert doc["row_kind"] == "record"  # a JSON file counts records, not lines
    out = run("validate", path, "--edition", "2015", "--format", "csv").stdout
    assert out.splitlines()[0] == "source,row,country,iso3,edition,column,rule,found,expected"


def test_validate_needs_a_scale_it_cannot_infer(run):
    result = run("validate", RAW / "DA2I_FotN_totals_2011-2019.csv")
    assert result.exit_code == 1
    assert "cannot tell which way the scale runs" in result.output
    ok = run("validate", RAW / "DA2I_FotN_totals_2011-2019.csv",
             "--orientation", "higher-is-freer")
    assert ok.exit_code == 0


def test_validate_contradicted_scale(run):
    result = run("validate", RAW / "freedom_house_2015.json", "--edition", "2015",
                 "--orientation", "higher-is-freer")
    assert result.exit_code == 1
    assert "the evidence disagrees on the scale" in result.output


def test_validate_missing_file_is_a_usage_error(run, tmp_path):
    result = run("validate", tmp_path / "nope.csv")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_validate_unreadable_file(run, tmp_path):
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    result = run("validate", junk)
    assert result.exit_code == 1
    assert "junk.csv" in result.output and "Traceback" not in result.output


def test_datasets_lists_provenance(run):
    result = run("datasets")
    assert result.exit_code == 0
    assert "fotn" in result.output and "fiw" in result.output
    assert "sha256: 4ed08ee67d7ae10a29ed2e9489acb2c830b9460c1c7134976ddcb198e0d47021" in result.output
    assert "sdmadhav/ML-Project" in result.output


def _modules_after(*args):
    code = ("import sys\nfrom scoring.cli import main\n"
            "try:\n    main(%r)\nexcept SystemExit:\n    pass\n"
            "print('MODULES:', *sorted(m for m in ('pandas', 'scipy', 'numpy', 'matplotlib') "
            "if m in sys.modules))" % (list(args),))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, check=True)
    return done.stdout.rsplit("MODULES:", 1)[1].strip()


def test_help_and_datasets_start_light():
    assert _modules_after("--help") == ""
    assert "pandas" not in _modules_after("datasets")
    assert "scipy" not in _modules_after("datasets")


def test_plain_compare_does_not_import_scipy():
    assert "scipy" not in _modules_after("compare", "--from", "2023", "--to", "2024")


def test_python_dash_m_works():
    done = subprocess.run([sys.executable, "-m", "scoring", "--help"], capture_output=True,
                          text=True, cwd=REPO)
    assert done.returncode == 0 and "compare" in done.stdout


def test_readme_main_command_runs():
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", readme, flags=re.S)
    main_cmd = blocks[0].strip()
    assert "scoring compare" in main_cmd
    scoring_args = main_cmd.split("bin/scoring", 1)[1].split()
    done = subprocess.run([sys.executable, "-m", "scoring", *scoring_args],
                          capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert "27 declined, 18 improved" in done.stdout
    assert "pytest" in blocks[1]


def test_compare_window_lists_five_year_changes(run):
    result = run("compare", "--index", "fotn", "--to", "2024", "--window", "5", "--top", "3")
    assert result.exit_code == 0, result.output
    assert "largest 5-year changes, 2019 -> 2024" in result.output
    assert re.search(r"decline\s+1\s+MMR\s+Myanmar\s+2019\s+2024\s+36\s+9\s+-27", result.output)
    doc = json.loads(run("compare", "--to", "2024", "--window", "5", "--format", "json").stdout)
    assert {r["direction"] for r in doc["rows"]} == {"decline", "improvement"}


def test_compare_window_usage_errors(run):
    assert run("compare", "--to", "2024").exit_code == 2
    bad = run("compare", "--from", "2018", "--to", "2024", "--window", "5")
    assert bad.exit_code == 2 and "starts at 2019" in bad.output
    nope = run("compare", "--index", "fiw", "--to", "2006", "--window", "1")
    assert nope.exit_code == 2 and "edition 2005 is not in the data" in nope.output


def test_compare_questions_and_transitions(run):
    q = run("compare", "--from", "2023", "--to", "2024", "--questions", "--country", "KGZ",
            "--format", "csv").stdout.splitlines()
    assert q[0] == "iso3,category,question,score_from,score_to,delta" and len(q) == 22
    table = run("compare", "--from", "2023", "--to", "2024").output
    assert "Status transitions (2023 by row, 2024 by column):" in table
    doc = json.loads(run("compare", "--from", "2023", "--to", "2024", "--format", "json").stdout)
    assert doc["transitions"]["PF"]["PF"] == 32
    assert {"rank_from", "rank_to", "points_to_freer_status", "share_access"} <= set(doc["rows"][0])


def test_compare_stats_json_keys(run):
    doc = json.loads(run("compare", "--from", "2023", "--to", "2024", "--stats",
                         "--resamples", "2000", "--format", "json").stdout)
    s = doc["summary"]
    for key in ("sign_test_p", "wilcoxon_p", "mean_delta", "median_delta", "mean_delta_ci",
                "median_delta_ci"):
        assert key in s
    # scipy.stats.binomtest(27, 45).pvalue
    assert abs(s["sign_test_p"] - 0.23269319190831084) < 1e-12
    assert len(s["mean_delta_ci"]) == 2 and s["mean_delta_ci"][0] < s["mean_delta"]


def test_compare_stats_by_status(run):
    out = run("compare", "--from", "2023", "--to", "2024", "--stats", "--by", "status_from",
              "--resamples", "1000").output
    assert "Is the overall direction more than noise?" in out and "By status_from:" in out
    assert run("compare", "--from", "2023", "--to", "2024", "--by", "region").exit_code == 2


def test_significance_command(run):
    result = run("significance", "--index", "fotn", "--from", "2023", "--to", "2024",
                 "--draws", "4000", "--seed", "7", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["summary"]["model"]["p"] == 0.1 and "statement" in doc["summary"]["model"]
    row = doc["rows"][0]
    assert {"iso3", "delta", "p_decline", "p_improve", "robust"} <= set(row)
    assert row["iso3"] == "KGZ" and row["robust"] is True
    table = run("significance", "--from", "2023", "--to", "2024", "--method", "exact").output
    assert "6 of 70 changes robust (5 declines, 1 improvement)" in table


def test_significance_bad_parameters(run):
    assert run("significance", "--from", "2023", "--to", "2024", "--error-p", "1.5").exit_code == 2
    assert run("significance", "--from", "2023", "--to", "2024", "--alpha", "0").exit_code == 2


def test_trend_command(run):
    result = run("trend", "--index", "fotn", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    kaz = next(r for r in doc["rows"] if r["iso3"] == "KAZ")
    assert kaz["sen_slope"] < 0 and kaz["p_method"] in ("exact", "normal")
    run_ = doc["summary"]["decline_run"]
    assert run_["run"] == 13 and run_["at_least"]  # every pair 2011 -> 2024
    fiw = run("trend", "--index", "fiw", "--country", "HUN", "--from", "2013",
              "--to", "2024").output
    assert re.search(r"HUN\s+Hungary\s+total\s+12\s+2013\s+2024\s+-2\.05", fiw)
    cats = run("trend", "--series", "categories", "--country", "RUS", "--format", "csv").stdout
    assert [line.split(",")[2] for line in cats.splitlines()[1:]] == ["access", "content",
                                                                     "rights"]
    assert run("trend", "--series", "nonsense").exit_code == 2


def test_trend_method_and_fdr_families(run):
    doc = json.loads(run("trend", "--index", "fotn", "--series", "categories", "--method",
                         "yue-wang", "--fdr-by", "series", "--format", "json").stdout)
    assert doc["summary"]["method"] == "yue-wang" and doc["summary"]["fdr_by"] == "series"
    assert [f.split(" tested ")[1] for f in doc["summary"]["q_families"]] == [
        "access category series of this call", "content category series of this call",
        "rights category series of this call"]
    rows = [r for r in doc["rows"] if r["n"] >= 10]
    assert {r["method"] for r in rows} == {"yue-wang"} and all("acf1" in r for r in rows)
    short = [r for r in doc["rows"] if 4 <= r["n"] < 10]
    assert short and all(r["method"] == "original" and "too short to estimate persistence"
                         in r["note"] for r in short)
    bad = run("trend", "--method", "arima")
    assert bad.exit_code == 2 and "Invalid value for '--method': 'arima' is not one of" \
        in bad.output


def test_episodes_command(run):
    out = run("episodes", "--index", "fotn", "--country", "RUS", "--format", "json").stdout
    doc = json.loads(out)
    assert doc["rows"][0]["direction"] == "decline" and doc["rows"][0]["total_change"] == -28
    assert doc["summary"]["rules"]["cumulative"] == 10
    strict = json.loads(run("episodes", "--country", "RUS", "--cumulative", "40",
                            "--format", "json").stdout)
    assert strict["rows"] == []
    caf = json.loads(run("episodes", "--index", "fiw", "--country", "CAF",
                         "--format", "json").stdout)
    assert [(r["direction"], r["first_edition"], r["last_edition"], r["termination"],
             r["ended_by"], r["censored"]) for r in caf["rows"]] == [
        ("decline", 2007, 2025, 0, "unknown (censored)", True)]
    assert caf["summary"]["censored"] == 1 and caf["summary"]["ended_by"] == {
        "stasis": 0, "one-year turn": 0, "cumulative turn": 0, "unknown (censored)": 1}
    cats = run("episodes", "--series", "categories", "--country", "RUS")
    assert cats.exit_code == 0
    assert ("note: episodes: every series has a NaN value at 2017; a missing edition ends a "
            "sequence there (ERT's gap rule)") in cats.stdout


def test_public_names_are_functions_not_modules():
    # A submodule named like a public function would replace it on import
    # (`from scoring import compare` returning a module); the names must stay apart.
    import types

    import scoring
    import scoring.analysis.comparison  # noqa: F401
    import scoring.analysis.episodes  # noqa: F401

    for name in scoring.__all__:
        assert not isinstance(getattr(scoring, name), types.ModuleType), name


def test_ingest_report(run, tmp_path):
    report = RAW / "FOTN2015_Kazakhstan.txt"
    table = run("ingest-report", report)
    assert table.exit_code == 0
    assert re.search(r"2014\s+PF\s+15\s+23\s+22\s+60\s+7", table.output)
    assert "repairs (3):" in table.output and "Vieletiene of Lleer Dishte" in table.output
    out = tmp_path / "kaz.csv"
    assert run("ingest-report", report, "--format", "csv", "--output", out).exit_code == 0
    assert out.read_text().splitlines()[0].startswith("index,edition,iso3,country,status")
    doc = json.loads(run("ingest-report", report, "--format", "json").stdout)
    assert doc["facts"]["press_freedom_status"] == "NF" and len(doc["repairs"]) == 3
    broken = tmp_path / "broken.txt"
    broken.write_text(report.read_text().replace("TOTAL* (0-100)\t60\t61", "TOTAL* (0-100)")
                      .replace("Limits on Content (0-35)\t23\t23", "Limits on Content (0-35)"))
    refused = run("ingest-report", broken)
    assert refused.exit_code == 1 and "broken.txt" in refused.output
    # One command from a report to a comparison.
    cmp = run("compare", "--from", "2014", "--to", "2015", "--data", report, "--country", "KAZ")
    assert cmp.exit_code == 0 and "read as a Freedom on the Net country report" in cmp.output
