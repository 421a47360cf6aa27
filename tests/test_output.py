"""Safe output: atomic writes, same-file detection, formula neutralisation, outputs that
cannot destroy what the user has, and control characters in xlsx cells and on the terminal."""

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring._output import (_XLSX_ILLEGAL, OutputRefused, check_output, neutralise_cell,
                             same_file, terminal_text, write_atomic, xlsx_cell)
from scoring.cli import main
from scoring.datasets.registry import datasets_dir
from scoring.publish.set_folder import install, owned_files


def test_write_atomic_replaces_whole_file(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old")
    write_atomic(path, "new\n")
    assert path.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_write_atomic_leaves_nothing_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "out.txt"
    path.write_text("old")

    def boom(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("scoring._output.os.replace", boom)
    with pytest.raises(OSError):
        write_atomic(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_same_file(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("x")
    link = tmp_path / "link.csv"
    link.symlink_to(a)
    assert same_file(a, link) and same_file(a, tmp_path / "." / "a.csv")
    assert not same_file(a, tmp_path / "b.csv")


@pytest.mark.parametrize("text", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_neutralised(text):
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-3", "+4", "-0.5", "Kenya", "", 12, -3.0, None])
def test_numbers_and_plain_text_pass(value):
    assert neutralise_cell(value) == value


# -- outputs that cannot destroy ---------------------------------------------------------------

COMPARE = ["compare", "--from", "2023", "--to", "2024"]


def cli(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def test_a_read_only_file_is_neither_replaced_nor_changed(tmp_path):
    kept = tmp_path / "kept.csv"
    kept.write_text("mine\n")
    kept.chmod(0o444)
    r = cli(*COMPARE, "--output", kept)
    assert r.exit_code == 3 and f"{kept}: is read-only: not replaced" in r.output
    assert kept.read_text() == "mine\n" and stat.S_IMODE(kept.stat().st_mode) == 0o444


def test_a_fifo_or_a_device_is_not_written_to(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    r = cli(*COMPARE, "--output", fifo)  # refused up front: opening it would block
    assert r.exit_code == 3 and "is a FIFO, not a regular file" in r.output
    r = cli(*COMPARE, "--output", "/dev/null")
    assert r.exit_code == 3 and "/dev/null: is a device" in r.output
    with pytest.raises(OutputRefused, match="is a folder"):
        check_output(tmp_path)


def test_a_replaced_file_keeps_its_mode(tmp_path):
    mine = tmp_path / "r.csv"
    mine.write_text("old\n")
    mine.chmod(0o640)
    assert cli(*COMPARE, "--output", mine).exit_code == 0
    assert mine.read_text().startswith("iso3,") and stat.S_IMODE(mine.stat().st_mode) == 0o640


@pytest.mark.parametrize("command", [COMPARE, ["validate", "{csv}"], ["panel"],
                                     ["countries"]])
def test_no_command_writes_over_a_bundled_file(tmp_path, command):
    bundled = datasets_dir() / "fotn.csv"
    before = bundled.read_bytes()
    link = tmp_path / "looks_new.csv"
    link.symlink_to(bundled)  # another name for the same file
    csv = tmp_path / "in.csv"
    csv.write_text("Country,Edition,Status,A,B,C,Total\nKenya,2024,PF,16,24,23,63\n")
    args = [a.replace("{csv}", str(csv)) for a in command]
    for target in (bundled, link):
        r = cli(*args, "--output", target)
        assert r.exit_code == 2 and "is a file of the bundled datasets" in r.output
    assert bundled.read_bytes() == before


def test_an_error_names_the_users_path_not_a_temporary_file(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who may write to a read-only folder (root)")
        r = cli(*COMPARE, "--output", locked / "r.csv")
        assert r.exit_code == 3 and f"{locked / 'r.csv'}: Permission denied" in r.output
        assert ".tmp" not in r.output
    finally:
        locked.chmod(0o755)


def _fake_set(folder: Path, names, formats):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    figures = []
    for n in names:
        for f in formats:
            (folder / f"{n}.{f}").write_text(f"{folder.name} {n}.{f}")
        (folder / f"{n}.txt").write_text("alt")
        (folder / "data" / f"{n}.csv").write_text("x\n")
        figures.append({"name": n, "files": [{"path": f"{n}.{f}"} for f in formats],
                        "data": {"path": f"data/{n}.csv"}})
    (folder / "manifest.json").write_text(json.dumps({"figures": figures}))


def test_a_new_set_replaces_only_the_old_sets_own_files(tmp_path):
    final = tmp_path / "set"
    _fake_set(final, ["a", "b"], ["png", "svg"])
    (final / "notes.md").write_text("my notes")
    (final / "data" / "mine.csv").write_text("mine")
    new = tmp_path / "new"
    _fake_set(new, ["a"], ["pdf"])
    install(new, final)
    got = {p.relative_to(final).as_posix() for p in final.rglob("*") if p.is_file()}
    assert got == {"a.pdf", "a.txt", "data/a.csv", "manifest.json", "notes.md", "data/mine.csv"}
    assert (final / "notes.md").read_text() == "my notes"
    assert owned_files(final) == {"a.pdf", "a.txt", "data/a.csv", "manifest.json"}


def test_a_set_over_an_earlier_set_alone_is_swapped_whole(tmp_path):
    final = tmp_path / "set"
    _fake_set(final, ["a"], ["png"])
    new = tmp_path / "new"
    _fake_set(new, ["a"], ["svg"])
    install(new, final)
    assert sorted(p.name for p in final.iterdir()) == ["a.svg", "a.txt", "data", "manifest.json"]
    assert not new.exists()


def test_figures_refuse_a_folder_of_the_users_files_before_computing(tmp_path):
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "chapter1.docx").write_text("years of work")
    r = cli("figures", "--index", "fotn", "--from", 2023, "--to", 2024, "--out", folder,
            "--formats", "png", "--dpi", 50)
    assert r.exit_code == 3
    assert "holds 1 file that is not a figure set (chapter1.docx): nothing written" in r.output
    assert [p.name for p in folder.iterdir()] == ["chapter1.docx"]
    assert [p.name for p in tmp_path.iterdir()] == ["thesis"]  # no temporary folder left


@pytest.mark.parametrize("where", ["scoring._output.tempfile.mkstemp",
                                   "scoring._output.os.replace"])
def test_a_failed_write_names_the_target_even_as_root(tmp_path, monkeypatch, where):
    target = tmp_path / "r.csv"

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / ".r.csv.x1y2.tmp"))

    monkeypatch.setattr(where, denied)
    with pytest.raises(OSError) as caught:
        write_atomic(target, "x")
    assert caught.value.filename == str(target) and caught.value.strerror == "Permission denied"
    assert list(tmp_path.iterdir()) == []
def test_write_atomic_leaves_nothing_when_interrupted(tmp_path, monkeypatch):
    # Ctrl-C, or SIGTERM turned into an interrupt by the console script, mid-write.
    path = tmp_path / "out.txt"

    def interrupted(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr("scoring._output.os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, "new")
    assert list(tmp_path.iterdir()) == []


def test_xlsx_illegal_characters_are_openpyxls():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    every = "".join(map(chr, range(0x250)))
    assert _XLSX_ILLEGAL.findall(every) == ILLEGAL_CHARACTERS_RE.findall(every)


def test_xlsx_cell_escapes_what_a_cell_cannot_hold_and_neutralises():
    assert xlsx_cell("Angola\x07\x1b[2J") == "Angola\\x07\\x1b[2J"
    assert xlsx_cell("=HYPERLINK(\x01)") == "'=HYPERLINK(\\x01)"
    assert xlsx_cell("line\nbreak\ttab") == "line\nbreak\ttab"  # cells hold these
    assert xlsx_cell(3.5) == 3.5


def test_terminal_text_escapes_what_a_terminal_would_obey():
    shown = terminal_text("a\x1b[2Jb\x1b]0;title\x07c\rd\x9be\u202ef\x7f")
    assert shown == "a\\x1b[2Jb\\x1b]0;title\\x07c\\x0dd\\u009be\\u202ef\\u007f"
    assert terminal_text("table\n  row\tcell") == "table\n  row\tcell"
    # A JSON document keeps its meaning: JSON escapes C0 itself; the rest become \\uXXXX.
    doc = json.dumps({"name": "x\x1b\x9b"}, ensure_ascii=False)
    assert json.loads(terminal_text(doc)) == {"name": "x\x1b\x9b"}
