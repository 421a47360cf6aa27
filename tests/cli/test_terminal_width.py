"""Tables that fit the terminal, on the bundled data: COLUMNS on a terminal, --wide, and
pipes and files that keep the full table."""

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

RAW = Path(__file__).parents[2] / "datasets" / "raw"

COMPARE = ["compare", "--index", "fotn", "--from", "2023", "--to", "2024"]
TREND = ["trend", "--index", "fotn"]
STATS = ["compare", "--from", "2023", "--to", "2024", "--stats", "--by", "region"]
SIGNIFICANCE = ["significance", "--index", "fotn", "--from", "2023", "--to", "2024"]

#: Each command, and columns its table leaves out at 100 characters.
DROPPED_AT_100 = [
    (COMPARE, ["d content", "d rights", "rank 2024", "rank change", "status change", "flags"]),
    (TREND, ["sen_lo", "sen_hi", "tau_b", "p_method"]),
    (STATS, ["mean_delta_low", "mean_delta_high", "rank change", "flags"]),
    (SIGNIFICANCE, ["p_unchanged", "change_low", "change_high", "questions_down",
                    "questions_up", "questions_p"]),
]


@pytest.fixture
def terminal(monkeypatch):
    """``terminal(columns)``: stdout is a terminal of that width (``COLUMNS``)."""
    def of(columns: int):
        monkeypatch.setattr("scoring.cli.common.stdout_is_terminal", lambda: True)
        monkeypatch.setenv("COLUMNS", str(columns))
    return of


def _said(text: str) -> str:
    """The text with wrapped lines joined again."""
    return " ".join(line.strip() for line in text.splitlines())


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


@pytest.mark.parametrize("args, dropped", DROPPED_AT_100)
def test_at_100_columns_every_line_fits_and_the_note_names_what_was_left_out(
        run, terminal, args, dropped):
    terminal(100)
    done = run(*args)
    assert done.exit_code == 0, done.output
    assert _widest(done.output) <= 100
    said = _said(done.output)
    assert "left out to fit 100 columns: " in said
    assert "use --wide to show all (or --format csv)" in said
    for column in dropped:
        assert f" {column}," in said or f" {column};" in said, column


@pytest.mark.parametrize("args, dropped", DROPPED_AT_100)
def test_wide_restores_every_column_and_is_the_piped_table(run, terminal, args, dropped):
    piped = run(*args).output  # not a terminal: the full table, as before
    assert "left out" not in piped and _widest(piped) > 100
    terminal(100)
    wide = run(*args, "--wide").output
    assert wide == piped
    header = next(line for line in wide.splitlines() if line.startswith(("iso3", "group")))
    assert len(header) > 100


def test_the_full_table_is_the_one_scoring_always_printed(run):
    out = run(*COMPARE).output
    header = next(line for line in out.splitlines() if line.startswith("iso3"))
    assert header == ("iso3  country               status 2023  status 2024  total 2023  "
                      "total 2024  change  d access  d content  d rights  rank 2024  "
                      "rank change  status change  flags")
    assert len(header) == 161
    model = next(line for line in run(*SIGNIFICANCE).output.splitlines()
                 if line.startswith("model: "))
    assert len(model) > 800  # one line, as ever, when not on a terminal


def test_output_files_and_pipes_keep_the_full_table_whatever_columns_says(
        run, monkeypatch, tmp_path, terminal):
    piped = run(*COMPARE).output
    monkeypatch.setenv("COLUMNS", "100")  # COLUMNS without a terminal: a pipe is a pipe
    assert run(*COMPARE).output == piped
    terminal(100)
    target = tmp_path / "compare.txt"
    assert run(*COMPARE, "--output", target).exit_code == 0
    assert target.read_text(encoding="utf-8") == piped


def test_the_model_statement_wraps_at_word_boundaries(run, terminal):
    import json

    statement = json.loads(run(*SIGNIFICANCE, "--format", "json").output)["summary"][
        "model"]["statement"]
    terminal(100)
    out = run(*SIGNIFICANCE).output
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("model: "))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("  "))
    assert end - start >= 8 and all(len(line) <= 100 for line in lines[start:end])
    assert " ".join(line.strip() for line in lines[start:end]) == f"model: {statement}"


@pytest.mark.parametrize("args", [
    ["episodes", "--index", "fotn"],
    ["compare", "--to", "2024", "--window", "5"],
    ["compare", "--from", "2023", "--to", "2024", "--questions", "--country", "KGZ"],
    ["trend", "--index", "fiw", "--series", "categories", "--region", "Europe"],
    ["countries", "--index", "fiw"],
    ["ingest-report", str(RAW / "FOTN2015_Kazakhstan.txt")],
    ["ingest-report", str(RAW / "internetfreedom_2014.pdf")],
])
def test_every_table_command_fits_and_takes_wide(run, terminal, args):
    piped = run(*args).output
    assert _widest(piped) > 80
    terminal(80)
    narrow = run(*args)
    assert narrow.exit_code == 0, narrow.output
    assert _widest(narrow.output) <= 80
    assert run(*args, "--wide").output == piped


def test_validate_cuts_long_cells_and_says_so(run, terminal):
    args = ["validate", RAW / "freedom_house_2015.json", "--edition", "2015"]
    piped = run(*args)
    assert "26 = Obstacle_to_access + Limits_on_content + Violations_of_user_rights" in (
        piped.stdout)
    terminal(80)
    narrow = run(*args)
    assert narrow.exit_code == 1
    assert _widest(narrow.stdout) <= 80
    assert "26 = Obstacle_to\u2026" in narrow.stdout
    assert "shortened (ending in \u2026) to fit 80 columns: expected (1 cell)" in _said(
        narrow.stdout)
    assert run(*args, "--wide").stdout == piped.stdout


def test_wide_with_another_format_changes_nothing(run, terminal):
    terminal(100)
    assert run(*COMPARE, "--format", "csv", "--wide").output == run(
        *COMPARE, "--format", "csv").output
    assert run(*TREND, "--format", "json", "--wide").output == run(
        *TREND, "--format", "json").output


@pytest.mark.parametrize("command", ["compare", "significance", "trend", "episodes",
                                     "countries", "validate", "ingest-report"])
def test_every_command_that_prints_tables_documents_wide(run, command):
    assert "--wide" in run(command, "--help").output


# -- the installed command, on a real terminal of our making and through a pipe ------------

def _on_terminal(args, columns: int) -> str:
    """What ``python -m scoring ARGS`` prints to a pseudo-terminal with ``COLUMNS`` set."""
    main, child = pty.openpty()
    env = dict(os.environ, COLUMNS=str(columns))
    proc = subprocess.Popen([sys.executable, "-m", "scoring", *args], stdout=child,
                            stderr=subprocess.DEVNULL, env=env)
    os.close(child)
    out = b""
    while True:  # read as it comes: a full pseudo-terminal would block the command
        ready, _, _ = select.select([main], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the command closed its side
            break
        if not chunk:
            break
        out += chunk
    os.close(main)
    assert proc.wait(timeout=60) == 0
    return out.decode("utf-8").replace("\r\n", "\n")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pseudo-terminal: Linux")
def test_the_installed_command_fits_a_terminal_and_keeps_pipes_whole():
    shown = _on_terminal(COMPARE, 100)
    assert _widest(shown) <= 100 and "left out to fit 100 columns: d content" in _said(shown)
    piped = subprocess.run([sys.executable, "-m", "scoring", *COMPARE], capture_output=True,
                           text=True, env=dict(os.environ, COLUMNS="100"))
    assert piped.returncode == 0 and "left out" not in piped.stdout
    assert _widest(piped.stdout) > 100
