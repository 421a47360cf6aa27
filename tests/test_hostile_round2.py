"""Hostile input, second round: numbers no float holds, editions out of reach, options that
imply absurd work, ranges too short for a trend, text that would run in a spreadsheet or
drive the terminal, and Ctrl-C or SIGTERM at any moment.

Every case is built in ``tmp_path`` and run through the CLI (click's runner on
``scoring.cli.main``; the signal cases through the installed console script): an exit code,
a message naming what is wrong, never a traceback.
"""

import csv
import importlib
import io
import json
import os
import re
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from test_hostile import GOOD, HEADER, write
from test_hostile import invoke as cli

REPO = Path(__file__).resolve().parents[1]
HUGE = "9" * 401  # beyond float range (1e308)
ESCAPES = "\x07\x1b[2J\x1b]0;owned\x07"  # bell, erase the screen, retitle the window


def failures(result):
    """The failure table of ``validate --format json``."""
    return json.loads(result.stdout)["failures"]


def fotn_2025(tmp_path, name, first_country, iso3=True):
    """The real FOTN 2023 sheet relabelled edition 2025 (a user's new data), with an ISO3
    column, and the first country's name replaced."""
    lines = (REPO / "datasets" / "raw" / "FOTN_2023_Country_Score_Data.csv").read_text(
        encoding="utf-8").splitlines()
    rows = [r.split(",") for r in lines]
    rows[0].insert(1, "ISO3")
    for r in rows[1:]:
        r[1] = "2025"
        r.insert(1, "")
    rows[1][:2] = [first_country, "AGO"]  # Angola is the sheet's first row
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return write(tmp_path, name, buf.getvalue())


# -- numbers a float cannot hold: failures at file, row, column ---------------------------------
@pytest.mark.parametrize("cell,shown", [("inf", "inf"), ("-inf", "-inf"), ("1e400", "inf"),
                                        ("-1e400", "-inf"), (HUGE, "(401 characters)")])
def test_unrepresentable_numbers_in_csv_are_not_a_number(tmp_path, cell, shown):
    path = write(tmp_path, "big.csv", HEADER + "\n".join(GOOD[:3] + [
        f"Brazil,2024,PF,17,27,20,{cell}"]) + "\n")
    result = cli("validate", path, "--format", "json")
    assert result.exit_code == 1
    [f] = failures(result)
    assert (f["source"], f["row"], f["column"], f["rule"]) == ("big.csv", 5, "Total",
                                                               "not_a_number")
    assert shown in f["found"]


def test_unrepresentable_numbers_in_json_are_not_a_number(tmp_path):
    records = [{"Country": c, "Edition": 2024, "Status": s, "A": a, "B": b, "C": cc,
                "Total": t} for c, s, a, b, cc, t in
               [("Kenya", "PF", 16, 24, 23, 63), ("Estonia", "F", 24, 32, 36, 92),
                ("China", "NF", 6, 3, 0, 9)]]
    text = json.dumps(records)
    # json.dumps writes no 1e400 or 5000-digit integer: put them in as a file would have them.
    text = text.replace('"A": 16', '"A": 1e400').replace('"Total": 92', f'"Total": {HUGE}')
    text = text.replace('"Total": 9}', f'"Total": {"9" * 5000}}}')
    result = cli("validate", write(tmp_path, "big.json", text), "--format", "json",
                 "--orientation", "higher-is-freer")
    assert result.exit_code == 1
    got = {(f["row"], f["column"], f["rule"]) for f in failures(result)}
    assert got == {(1, "A", "not_a_number"), (2, "Total", "not_a_number"),
                   (3, "Total", "not_a_number")}


def test_unrepresentable_numbers_in_xlsx_are_not_a_number(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.strip().split(","))
    for row in GOOD:
        ws.append([int(c) if c.isdigit() else c for c in row.split(",")])
    ws["D2"] = 111111  # numbers openpyxl will not write: patched into the sheet below
    ws["G3"] = 222222
    ws["E4"] = "inf"
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<v>111111</v>", b"<v>1e400</v>").replace(
                    b"<v>222222</v>", f"<v>{HUGE}</v>".encode())
            zout.writestr(item, data)
    result = cli("validate", path, "--format", "json")
    assert result.exit_code == 1
    got = {(f["row"], f["column"], f["rule"]) for f in failures(result)}
    assert got == {(2, "A", "not_a_number"), (3, "Total", "not_a_number"),
                   (4, "B", "not_a_number")}


def test_unrepresentable_numbers_in_the_table_view(tmp_path):
    # The table view is where OverflowError was raised (showing inf as an integer).
    path = write(tmp_path, "inf.csv", HEADER + "\n".join(GOOD[:3] + [
        "Brazil,2024,PF,inf,27,20,64"]) + "\n")
    result = cli("validate", path)
    assert result.exit_code == 1
    assert re.search(r"5\s+Brazil\s+BRA\s+2024\s+A\s+not_a_number\s+inf\s", result.output)


# -- editions the methodology does not reach -----------------------------------------------------
@pytest.mark.parametrize("edition,expected", [
    ("2999", "an edition of Freedom on the Net up to 2028"),
    ("1e20", "a year such as 2024"),
    ("inf", "a year such as 2024"),
])
def test_editions_out_of_reach_are_findings_naming_the_row(tmp_path, edition, expected):
    path = write(tmp_path, "ed.csv", HEADER + "\n".join(GOOD[:3] + [
        f"Brazil,{edition},PF,17,27,20,64"]) + "\n")
    result = cli("validate", path, "--format", "json", "--orientation", "higher-is-freer")
    assert result.exit_code == 1
    [f] = [f for f in failures(result) if f["rule"] == "edition"]
    assert (f["row"], f["column"]) == (5, "Edition")
    assert f["expected"].startswith(expected)


def test_the_next_three_editions_are_new_data(tmp_path):
    # FOTN's methodology lists editions up to 2025: 2028 is accepted, 2029 is not.
    rows = [r.replace("2024", "2028") for r in GOOD]
    result = cli("validate", write(tmp_path, "new.csv", HEADER + "\n".join(rows) + "\n"))
    assert result.exit_code == 0, result.output
    rows = [r.replace("2024", "2029") for r in GOOD]
    result = cli("validate", write(tmp_path, "far.csv", HEADER + "\n".join(rows) + "\n"))
    assert result.exit_code == 1 and "up to 2028" in result.output


def test_an_absurd_edition_option_is_a_usage_error(tmp_path):
    path = write(tmp_path, "one.csv", "Country,Status,A,B,C,Total\nKenya,PF,16,24,23,63\n")
    result = cli("validate", path, "--edition", "10" + "0" * 20)
    assert result.exit_code == 2
    assert "edition must be a year such as 2024" in result.output


# -- options that imply absurd work ---------------------------------------------------------------
def test_resamples_have_a_ceiling():
    result = cli("compare", "--from", "2023", "--to", "2024", "--stats", "--resamples",
                 "1000000000000")
    assert result.exit_code == 2
    assert "'--resamples': 1000000000000 is more than the maximum, 100000" in result.output
    assert "in memory" in result.output and "PB" in result.output


def test_draws_have_a_ceiling():
    result = cli("significance", "--from", "2023", "--to", "2024", "--draws",
                 "1000000000000")
    assert result.exit_code == 2
    assert "'--draws': 1000000000000 is more than the maximum, 1000000" in result.output
    assert "--method exact needs no draws" in result.output


@pytest.mark.parametrize("command", ["compare", "significance"])
def test_a_negative_seed_names_the_option(command):
    result = cli(command, "--from", "2023", "--to", "2024", "--stats" if command == "compare"
                 else "--draws=100", "--seed", "-1")
    assert result.exit_code == 2 and "'--seed'" in result.output


# -- ranges too short ----------------------------------------------------------------------------
def test_trend_over_three_editions_is_refused_with_the_reason():
    result = cli("trend", "--index", "fotn", "--from", "2020", "--to", "2022")
    assert result.exit_code == 2
    assert ("--from 2020 --to 2022 holds 3 editions (2020, 2021, 2022) of Freedom on the "
            "Net; a trend needs at least 4 editions") in result.output


@pytest.mark.parametrize("args", [["--from", "2022", "--to", "2020"], ["--from", "2030"]])
def test_trend_over_no_edition_is_refused(args):
    result = cli("trend", "--index", "fotn", *args)
    assert result.exit_code == 2
    assert "holds no edition of Freedom on the Net" in result.output
    assert "the data hold 2011-2024" in result.output


def test_window_beyond_the_data_is_refused():
    result = cli("compare", "--to", "2024", "--window", "30")
    assert result.exit_code == 2 and "needs edition 1994" in result.output


# -- text that would run in a spreadsheet or drive the terminal ----------------------------------
def test_validate_csv_neutralises_formulas(tmp_path):
    path = write(tmp_path, "formula.csv", HEADER + "\n".join(GOOD[:3] + [
        '"=HYPERLINK(""http://x"",""y"")",2024,PF,17,27,20,64']) + "\n")
    result = cli("validate", path, "--format", "csv", "--orientation", "higher-is-freer")
    assert result.exit_code == 1
    row = next(r for r in csv.reader(io.StringIO(result.stdout)) if r[1] == "5")
    assert row[2] == row[7] == "'=HYPERLINK(\"http://x\",\"y\")"


def test_xlsx_output_escapes_control_characters_from_a_data_file(tmp_path):
    data = fotn_2025(tmp_path, "new.csv", "Angola" + ESCAPES)
    out = tmp_path / "out.xlsx"
    result = cli("compare", "--from", "2024", "--to", "2025", "--data", data, "--output", out)
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["rows"]
    names = [r[1] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "AGO"]
    assert names == ["Angola\\x07\\x1b[2J\\x1b]0;owned\\x07"]


def test_validate_xlsx_output_with_control_characters(tmp_path):
    path = write(tmp_path, "ctl.csv", HEADER + "\n".join(GOOD[:3] + [
        f"Bra{ESCAPES}zil,2024,PF,17,27,20,64"]) + "\n")
    out = tmp_path / "failures.xlsx"
    result = cli("validate", path, "--output", out, "--orientation", "higher-is-freer")
    assert result.exit_code == 1 and result.stdout == ""
    cells = [c for r in openpyxl.load_workbook(out)["failures"].iter_rows(values_only=True)
             for c in r if isinstance(c, str) and c.startswith("Bra")]
    assert cells == ["Bra\\x07\\x1b[2J\\x1b]0;owned\\x07zil"] * 2


def test_terminal_output_shows_escape_sequences_as_text(tmp_path):
    data = fotn_2025(tmp_path, "new.csv", "Angola" + ESCAPES)
    result = cli("compare", "--from", "2024", "--to", "2025", "--data", data)
    assert result.exit_code == 0
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert re.search(r"AGO\s+Angola\\x07\\x1b\[2J\\x1b\]0;owned\\x07\s", result.output)


def test_failure_table_and_error_message_show_escapes(tmp_path):
    path = write(tmp_path, "ctl.csv", HEADER + "\n".join(GOOD[:3] + [
        f"Bra{ESCAPES}zil,2024,PF,17,27,20,64"]) + "\n")
    table = cli("validate", path, "--orientation", "higher-is-freer")
    assert table.exit_code == 1 and "\x1b" not in table.output
    assert "Bra\\x07\\x1b[2J" in table.stdout
    # A --data file that fails stops compare with its failures quoted in the error message.
    error = cli("compare", "--from", "2023", "--to", "2024", "--data", path,
                "--data-orientation", "higher-is-freer")
    assert error.exit_code == 1 and "\x1b" not in error.output
    assert "found Bra\\x07\\x1b[2J\\x1b]0;owned\\x07zil" in error.stderr


# -- Ctrl-C and SIGTERM --------------------------------------------------------------------------
def test_ctrl_c_inside_a_command_exits_130_quietly(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    # (scoring.cli.compare is also the name of the command: take the module itself.)
    monkeypatch.setattr(importlib.import_module("scoring.cli.compare"), "load_data",
                        interrupted)
    result = cli("compare", "--from", "2023", "--to", "2024")
    assert result.exit_code == 130
    assert result.stderr == "scoring: interrupted\n" and result.stdout == ""


def test_ctrl_c_while_options_are_read_exits_130(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("scoring.ingest.countries.resolve_countries", interrupted)
    result = cli("compare", "--from", "2023", "--to", "2024", "--country", "KAZ")
    assert result.exit_code == 130 and result.stderr == "scoring: interrupted\n"


def test_ctrl_c_during_start_up_exits_130_quietly(tmp_path, console_script):
    # A click that is interrupted while it is imported: the moment before the CLI can catch.
    (tmp_path / "click").mkdir()
    (tmp_path / "click" / "__init__.py").write_text("raise KeyboardInterrupt\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    done = subprocess.run([console_script, "--help"], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 130
    assert done.stderr == "scoring: interrupted\n" and done.stdout == ""


@pytest.mark.parametrize("sig,code,word", [(signal.SIGINT, 130, "interrupted"),
                                           (signal.SIGTERM, 143, "terminated")])
def test_a_signal_mid_run_leaves_no_output(tmp_path, console_script, sig, code, word):
    out = tmp_path / "out" / "robust.csv"
    out.parent.mkdir()
    # A million draws take tens of seconds: the signal comes while they run.
    proc = subprocess.Popen([console_script, "significance", "--from", "2023", "--to", "2024",
                             "--draws", "1000000", "--output", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code
    assert stderr == f"scoring: {word}\n" and stdout == ""
    assert list(out.parent.iterdir()) == []


# -- messages with a location ------------------------------------------------------------------
def test_a_status_contradicting_its_score_on_the_stated_scale_names_the_row(tmp_path):
    # Before: "statuses fit the bands of both scales ...; the file may mix scales", no row.
    path = write(tmp_path, "contra.csv", HEADER + "Kenya,2024,PF,16,24,23,63\n"
                 "Estonia,2024,NF,24,32,36,92\nChina,2024,NF,6,3,0,9\n")
    r = cli("validate", path, "--orientation", "higher-is-freer", "--format", "json")
    assert r.exit_code == 1
    (bad,) = failures(r)
    assert (bad["row"], bad["country"], bad["rule"], bad["found"]) == (3, "Estonia", "status",
                                                                       "NF")
    unsaid = cli("validate", path)
    assert unsaid.exit_code == 1 and "lower-is-freer only at row 3 (Estonia)" in unsaid.output


def test_sigterm_while_figures_are_written_leaves_no_hidden_folder(tmp_path, console_script):
    # Before: the set's temporary sibling folder of partial files stayed behind.
    out = tmp_path / "figs" / "set"
    out.parent.mkdir()
    proc = subprocess.Popen([console_script, "figures", "--index", "fotn", "--from", "2023",
                             "--to", "2024", "--out", str(out), "--formats", "png,svg",
                             "--dpi", "50"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 120
    while not any(out.parent.iterdir()) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # until the temporary folder of the new set appears
    assert proc.poll() is None, proc.communicate()
    time.sleep(0.5)  # some figures written into it
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143 and stderr.endswith("scoring: terminated\n")
    assert list(out.parent.iterdir()) == []
