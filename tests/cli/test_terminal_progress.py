"""The progress line: drawn on a terminal's stderr only, throttled, wiped; never in stdout.

The renderer is driven with a fake terminal (a stream whose ``isatty()`` is True) and a fake
clock. The commands run three ways: in click's runner and through the installed console script
with stdout and stderr piped (no progress at all), and with stderr on a real pseudo-terminal
(progress drawn there, stdout unchanged byte for byte).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scoring.cli.progress import ENV_OFF, TerminalProgress, terminal_progress


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def _drawer(stream, clock=None, **kw):
    return TerminalProgress(stream, clock=clock or Clock(), width=60, **kw)


def test_draws_one_line_with_label_bar_and_counts_then_wipes_it():
    term, clock = FakeTerminal(), Clock()
    drawer = _drawer(term, clock)
    drawer(3, 10, "saving forest.png")
    assert term.getvalue() == "\rsaving forest.png [######..............] 3/10"
    clock.now = 1.0
    drawer(10, 10, "saved")
    shown = term.getvalue().split("\r")[-1]
    # A shorter line is padded over the longer one before it, never leaving its tail.
    assert shown.startswith("saved [####################] 10/10")
    assert len(shown) == len("saving forest.png [######..............] 3/10")
    drawer.clear()  # the padding is blank already: wiping the text is enough
    assert term.getvalue().endswith("\r" + " " * len(shown.rstrip()) + "\r")
    assert "\n" not in term.getvalue()


def test_redraws_at_most_ten_times_a_second_and_not_before_the_delay():
    term, clock = FakeTerminal(), Clock()
    drawer = TerminalProgress(term, clock=clock, width=60, delay=0.5)  # and 0.1 s apart
    for i in range(32):  # 32 calls over one second, every 1/32 s
        clock.now = i / 32
        drawer(i, 32, "re-scoring draws")
    drawn = [line.split()[-1] for line in term.getvalue().split("\r")[1:]]
    assert drawn == ["16/32", "20/32", "24/32", "28/32"]  # 0.5 s, then 0.1 s or more apart


def test_a_long_label_is_cut_to_the_terminal_width():
    term = FakeTerminal()
    drawer = _drawer(term)
    drawer(1, 3, "internetfreedom_2014.pdf: solving the score table of every country")
    shown = term.getvalue().lstrip("\r")
    assert len(shown) == 59  # one column short of the width: the cursor never wraps
    assert shown == "internetfreedom_2014.pdf: sol... [######..............] 1/3"
    narrow = TerminalProgress(FakeTerminal(), width=12)
    assert narrow.line(12345, 99999, "label") == "12345/99999"[:11]
    assert _drawer(FakeTerminal()).line(0, 0, "nothing to do").endswith("0/0")


def test_writes_nothing_to_a_stream_that_is_not_a_terminal():
    for stream in (io.StringIO(), open(os.devnull, "w")):
        drawer = _drawer(stream)
        assert not drawer.active
        drawer(1, 2, "half")
        drawer(2, 2, "done")
        drawer.clear()
        if isinstance(stream, io.StringIO):
            assert stream.getvalue() == ""
        stream.close()
    assert not _drawer(object()).active  # no isatty at all


def test_terminal_progress_is_none_unless_stderr_is_a_terminal(monkeypatch):
    monkeypatch.delenv(ENV_OFF, raising=False)
    with terminal_progress(io.StringIO()) as progress:
        assert progress is None
    term = FakeTerminal()
    with terminal_progress(term) as progress:
        assert isinstance(progress, TerminalProgress)
    monkeypatch.setenv(ENV_OFF, "1")
    with terminal_progress(FakeTerminal()) as progress:
        assert progress is None
    monkeypatch.setenv(ENV_OFF, "0")
    with terminal_progress(FakeTerminal()) as progress:
        assert progress is not None


def test_the_line_is_wiped_when_the_work_fails(monkeypatch):
    monkeypatch.delenv(ENV_OFF, raising=False)
    term = FakeTerminal()
    with pytest.raises(RuntimeError):
        with terminal_progress(term) as progress:
            progress(1, 4, "reading page 20")
            raise RuntimeError("damaged page")
    assert "reading page 20" in term.getvalue()
    assert term.getvalue().endswith(" \r")  # cleared: an error message starts a clean line


# -- the commands ---------------------------------------------------------------------------

SIGNIFICANCE = ["significance", "--from", "2023", "--to", "2024", "--draws", "40000"]


def _script() -> str:
    found = shutil.which("scoring", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("no console script 'scoring' beside this interpreter (pip install -e .)")
    return found


def _environment() -> dict:
    env = dict(os.environ)
    env.pop(ENV_OFF, None)
    return env


@pytest.fixture(scope="module")
def piped():
    """``scoring significance`` through the console script, stdout and stderr piped."""
    return subprocess.run([_script(), *SIGNIFICANCE], capture_output=True, env=_environment())


def test_piped_and_in_the_runner_no_progress_and_the_same_stdout(piped, run):
    assert piped.returncode == 0, piped.stderr
    assert b"\r" not in piped.stdout + piped.stderr and b"re-scoring" not in piped.stderr
    assert piped.stderr == b""
    inside = run(*SIGNIFICANCE)
    assert inside.exit_code == 0
    assert inside.stdout.encode() == piped.stdout
    assert "\r" not in inside.stderr and "re-scoring" not in inside.stderr


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_on_a_terminal_progress_goes_to_stderr_and_stdout_is_unchanged(piped, tmp_path):
    import pty

    leader, follower = pty.openpty()
    done = subprocess.Popen([_script(), *SIGNIFICANCE], stdout=subprocess.PIPE,
                            stderr=follower, env=_environment())
    os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes with the process
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    stdout = done.stdout.read()
    done.stdout.close()
    assert done.wait() == 0
    assert b"re-scoring draws [" in drawn and b"/40000" in drawn
    assert drawn.endswith(b" \r")  # wiped before the table is printed
    assert stdout == piped.stdout  # not one byte of progress in stdout
