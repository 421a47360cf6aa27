"""An input holding two candidates for one thing is read only when the choice is said, or is
refused: duplicate JSON keys, several sheets with a score table, hidden sheets and rows."""

import openpyxl
import pytest
from click.testing import CliRunner

from scoring import read_scores
from scoring.cli import main
from scoring.errors import ReadError

HEADER = ["Country", "Edition", "Status", "A", "B", "C", "Total"]
KENYA = ["Kenya", 2024, "PF", 16, 24, 23, 63]
ROWS = [KENYA, ["Estonia", 2024, "F", 24, 32, 36, 92], ["China", 2024, "NF", 6, 3, 0, 9]]


def workbook(path, sheets, hidden_sheets=(), hidden_rows=()):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
        if name in hidden_sheets:
            ws.sheet_state = "hidden"
        for i in hidden_rows:
            ws.row_dimensions[i].hidden = True
    wb.save(path)
    return path


def test_a_json_key_given_twice_is_refused_naming_both_values(tmp_path):
    # json.loads keeps the last value silently: 63 or 36?
    path = tmp_path / "dup.json"
    path.write_text('[{"Country": "Kenya", "Edition": 2024, "Total": 63, "Total": 36}]')
    with pytest.raises(ReadError, match=r"dup.json: key 'Total' appears twice in one JSON "
                                        r"object \(values 63 and 36\)"):
        read_scores(path)


def test_two_equally_good_score_sheets_are_refused_until_one_is_named(tmp_path):
    draft = [HEADER, ["Kenya", 2024, "PF", 16, 24, 22, 62]] + ROWS[1:]
    path = workbook(tmp_path / "two.xlsx", {"2024": [HEADER] + ROWS, "2024 draft": draft})
    with pytest.raises(ReadError, match=r"each holds a score table .* give --sheet"):
        read_scores(path)
    assert read_scores(path, sheet="2024 draft")["total"].tolist()[0] == 62
    r = CliRunner().invoke(main, ["validate", str(path)])
    assert r.exit_code == 1 and "give --sheet" in r.output and "Traceback" not in r.output


def test_a_lesser_score_sheet_is_named_as_not_read(tmp_path):
    path = workbook(tmp_path / "notes.xlsx", {"totals only": [["Country", "Total"], ["Kenya", 1]],
                                              "scores": [HEADER] + ROWS})
    frame = read_scores(path)
    assert frame["total"].tolist() == [63, 92, 9]
    said = " ".join(frame.attrs["notes"])
    assert "also a score table but not read: notes.xlsx [sheet totals only] (2 columns)" in said


def test_hidden_sheets_and_rows_are_read_and_said(tmp_path):
    path = workbook(tmp_path / "hidden.xlsx", {"readme": [["see the other sheet"]],
                                               "scores": [HEADER] + ROWS},
                    hidden_sheets=("scores",), hidden_rows=(3,))
    frame = read_scores(path)
    assert len(frame) == 3  # a hidden row is still a row of the file
    said = " ".join(frame.attrs["notes"])
    assert "the sheet is hidden in the workbook and was read" in said
    assert "1 row hidden in the workbook was read as data (row 3)" in said


def test_the_bundled_workbooks_have_nothing_hidden_or_ambiguous():
    from pathlib import Path

    raw = Path(__file__).resolve().parents[2] / "datasets" / "raw"
    for path in sorted(raw.glob("*.xlsx")):
        notes = " ".join(read_scores(path, "fiw" if "FIW" in path.name else "fotn",
                                     on_error="flag").attrs["notes"])
        assert "hidden" not in notes and "not read:" not in notes, path.name
