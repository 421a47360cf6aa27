"""Safe output: atomic writes, same-file detection, formula neutralisation."""

import pytest

from scoring._output import neutralise_cell, same_file, write_atomic


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
