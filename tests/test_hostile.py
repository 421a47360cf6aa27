"""Hostile input: every case has its expected outcome, and the CLI never shows a traceback.

Each case is a file a user might feed the engine; the outcome is either a clear error (exit
1, naming the file and what was expected) or a documented acceptance (exit 0, with a note or
a flagged row)."""

import dataclasses
import io
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pycountry
import pytest
from click.testing import CliRunner

from scoring.cli import main

REPO = Path(__file__).resolve().parents[1]
HEADER = "Country,Edition,Status,A,B,C,Total\n"
GOOD = ["Kenya,2024,PF,16,24,23,63", "Estonia,2024,F,24,32,36,92",
        "China,2024,NF,6,3,0,9", "Brazil,2024,PF,17,27,20,64"]


def csv_text(rows=GOOD, header=HEADER):
    return header + "\n".join(rows) + "\n"


def invoke(*args):
    """``scoring ARGS`` in-process: no traceback, no exception but click's exit."""
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=True)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {type(result.exception).__name__}: {result.exception}")
    return result


def run(path, *args):
    return invoke("validate", path, *args)


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def workbook(tmp_path, name, sheets, merge=None):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
        if merge and title in merge:
            for rng in merge[title]:
                ws.merge_cells(rng)
    path = tmp_path / name
    wb.save(path)
    return path


def rows_of(text):
    return [line.split(",") for line in text.strip().splitlines()]


def typed(rows):
    return [[int(c) if re.fullmatch(r"\d+", c) else c for c in r] for r in rows]


# -- errors: exit 1 with the reason ----------------------------------------------------------
@pytest.mark.parametrize("name,content,message", [
    ("empty.csv", "", "the file is empty"),
    ("blank.csv", "\n\n   \n", "the file is empty"),
    ("header.csv", HEADER, "no data rows follow it"),
    ("colon.csv", csv_text().replace(",", ":"), "no header row found"),
    # validate reads a PDF as --data does, as a FOTN booklet: this one cannot be opened.
    ("report.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "damaged PDF: cannot be opened"),
    ("picture.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "this is a PNG image"),
    ("random.bin", bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8)),
     "binary data, not a text table"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "legacy Excel"),
    ("zip.xlsx", b"PK\x03\x04" + b"\x00" * 64, "not a readable xlsx workbook"),
    ("notjson.json", '[{"Country": "Kenya", "Total": 63},', "not valid JSON"),
])
def test_unreadable_files_get_a_clear_error(tmp_path, name, content, message):
    result = run(write(tmp_path, name, content))
    assert result.exit_code == 1
    assert message in result.output and name in result.output


@pytest.mark.parametrize("cells,column,rule,found", [
    (("Kenya", "2024", "PF", "16", "24", "23", '"1,5"'), "Total", "not_integer", "1.5"),
    (("Kenya", "2024", "PF", "16.5", "24", "23", "63"), "A", "not_integer", "16.5"),
    (("Kenya", "2024", "PF", "-1", "24", "23", "46"), "A", "range", "-1"),
    (("Kenya", "2024", "PF", "16", "24", "41", "81"), "C", "range", "41"),
    (("Kenya", "2024", "PF", "16", "", "23", "63"), "B", "missing_value", "blank"),
    (("Kenya", "2024", "PF", "16", "NaN", "23", "63"), "B", "missing_value", "blank"),
    (("Kenya", "2024", "PF", "16", "twenty", "23", "63"), "B", "not_a_number", "twenty"),
    (("Kenya", "2024", "PF", "16", "TRUE", "23", "63"), "B", "not_a_number", "TRUE"),
    (("Kenyaa", "2024", "PF", "16", "24", "23", "63"), "Country", "unknown_country", "Kenyaa"),
    (("Kenya", "2024", "Mostly Free", "16", "24", "23", "63"), "Status", "unknown_status",
     "Mostly Free"),
    (("Kenya", "2024", "PF", "16", "24", "23", "64"), "Total", "sum", "64"),
])
def test_bad_cells_are_reported_at_row_and_column(tmp_path, cells, column, rule, found):
    path = write(tmp_path, "bad.csv", csv_text(GOOD[:3] + [",".join(cells)]))
    result = run(path, "--format", "csv")
    assert result.exit_code == 1
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("bad.csv,")]
    hits = [ln.split(",") for ln in lines if f",{column},{rule}," in ln]
    assert hits, result.output
    assert hits[0][1] == "5"  # line 5 of the file: header + 3 good rows + this one
    assert hits[0][7].strip('"') == found


def test_decimal_comma_in_a_semicolon_file(tmp_path):
    rows = [r.replace(",", ";") for r in GOOD[:3]] + ["Kenya;2024;PF;16;24;23;62,5"]
    path = write(tmp_path, "semi.csv", csv_text(rows, HEADER.replace(",", ";")))
    result = run(path)
    assert result.exit_code == 1
    assert re.search(r"5\s+Kenya\s+KEN\s+2024\s+Total\s+not_integer\s+62\.5", result.output)


def test_misspelt_country_gets_suggestions(tmp_path):
    path = write(tmp_path, "typo.csv", csv_text(GOOD[:3] + ["Nigera,2024,PF,12,21,23,56"]))
    result = run(path)
    assert result.exit_code == 1 and "did you mean 'Nigeria'" in result.output


def test_duplicate_rows(tmp_path):
    path = write(tmp_path, "dup.csv", csv_text(GOOD + [GOOD[0]]))
    result = run(path)
    assert result.exit_code == 1
    assert "duplicate" in result.output and "also on row 2" in result.output


def test_two_scales_in_one_edition(tmp_path):
    old = ["Russia,2024,NF,17,23,22,62", "Cuba,2024,NF,20,28,32,80", "Iran,2024,NF,21,30,35,86"]
    path = write(tmp_path, "mixed.csv", csv_text(GOOD + old))
    result = run(path)
    assert result.exit_code == 1 and "the file may mix scales" in result.output


# -- documented acceptances: exit 0, said in a note ------------------------------------------
def test_numbers_stored_as_text_with_spaces(tmp_path):
    path = write(tmp_path, "spaces.csv", csv_text([r.replace(",16,", ",16 ,") for r in GOOD]))
    assert run(path).exit_code == 0


def test_two_editions_in_one_file(tmp_path):
    path = write(tmp_path, "two.csv", csv_text(GOOD + [r.replace("2024", "2023") for r in GOOD]))
    result = run(path)
    assert result.exit_code == 0 and "edition 2023, 2024" in result.output


@pytest.mark.parametrize("encoding,note", [
    ("utf-8-sig", None), ("utf-16", "read as UTF-16 (byte-order mark)"),
    ("utf-16-le", "read as UTF-16-LE (no byte-order mark"),
    ("latin-1", "read as Windows-1252"), ("cp1252", "read as Windows-1252")])
def test_encodings(tmp_path, encoding, note):
    text = csv_text(GOOD + ["C\u00f4te d'Ivoire,2024,PF,12,20,14,46"])
    path = write(tmp_path, f"{encoding}.csv", text.encode(encoding))
    result = run(path)
    assert result.exit_code == 0, result.output
    if note:
        assert note in result.output


def test_workbook_whose_data_sheet_is_not_the_first(tmp_path):
    path = workbook(tmp_path, "book.xlsx", {
        "About": [["Scores of internet freedom"], ["Made by a colleague"]],
        "Scores": typed(rows_of(csv_text()))})
    result = run(path)
    assert result.exit_code == 0 and "sheet 'Scores'" in result.output


def test_merged_title_and_header_cells(tmp_path):
    rows = [["Freedom on the Net 2024: scores"], ["", "", "", "Categories"]] + typed(
        rows_of(csv_text()))
    path = workbook(tmp_path, "merged.xlsx", {"Data": rows},
                    merge={"Data": ["A1:G1", "D2:F2"]})
    assert run(path).exit_code == 0


def test_random_text_is_not_mistaken_for_a_table(tmp_path):
    rng = np.random.default_rng(7)
    words = ["".join(chr(c) for c in rng.integers(97, 123, 6)) for _ in range(200)]
    path = write(tmp_path, "prose.txt", " ".join(words))
    result = run(path)
    assert result.exit_code == 1 and "no header row found" in result.output


# -- exit codes ----------------------------------------------------------------------------
def test_exit_codes(tmp_path):
    good = write(tmp_path, "good.csv", csv_text())
    bad = write(tmp_path, "bad.csv", csv_text(GOOD[:3] + ["Kenya,2024,PF,16,24,23,64"]))
    assert run(good).exit_code == 0
    assert run(bad).exit_code == 1
    assert run(good, "--orientation", "sideways").exit_code == 2
    assert CliRunner().invoke(main, ["compare", "--to", "2024", "--from", "2023", "--output",
                                     str(tmp_path / "no" / "such" / "dir.csv")]).exit_code == 3
    help_text = CliRunner().invoke(main, ["--help"]).output
    assert "0 success, 1 data failed validation" in help_text
    readme = (REPO / "README.md").read_text()
    assert "**Exit codes**" in readme and "3 an output file could not be written" in readme


def test_python_never_prints_a_traceback_for_bad_input(tmp_path):
    # The real entry point, not CliRunner: what a user sees in a terminal.
    path = write(tmp_path, "junk.csv", b"\xff\xfe\x00\x01garbage" * 10)
    done = subprocess.run([sys.executable, "-m", "scoring", "validate", str(path)],
                          capture_output=True, text=True)
    assert done.returncode in (1, 2)
    assert "Traceback" not in done.stderr + done.stdout


# -- safe output ----------------------------------------------------------------------------
def test_formula_cells_are_neutralised_in_csv_and_xlsx(tmp_path):
    evil = write(tmp_path, "evil.csv", csv_text(
        ['"=HYPERLINK(""http://x"")",2025,PF,16,24,23,63'] + [g.replace("2024", "2025")
                                                              for g in GOOD[1:]]))
    out_csv, out_xlsx = tmp_path / "out.csv", tmp_path / "out.xlsx"
    args = ["compare", "--from", "2024", "--to", "2025", "--data", str(evil), "--keep-flagged"]
    r1 = CliRunner().invoke(main, args + ["--format", "csv", "--output", str(out_csv)])
    r2 = CliRunner().invoke(main, args + ["--format", "xlsx", "--output", str(out_xlsx)])
    assert r1.exit_code == 0 and r2.exit_code == 0, r1.output + r2.output
    assert "=HYPERLINK" not in out_csv.read_text().replace("'=HYPERLINK", "")
    wb = openpyxl.load_workbook(out_xlsx)
    cells = [c.value for row in wb["rows"].iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
    assert any(isinstance(v, (int, float)) for v in cells)  # numbers stay numbers
    no_out = CliRunner().invoke(main, args + ["--format", "xlsx"])
    assert no_out.exit_code == 2 and "--output" in no_out.output


def test_no_code_from_data():
    # No pickle, eval/exec or unsafe YAML anywhere in the package.
    pattern = re.compile(r"\b(pickle|marshal|shelve)\b|\beval\(|\bexec\(|yaml\.load\(")
    for path in (REPO / "scoring").rglob("*.py"):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            assert not pattern.search(code), f"{path.name}:{n}: {line.strip()}"


# -- scale ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_million_rows(tmp_path):
    rng = np.random.default_rng(0)
    n = 1_000_000
    a = rng.integers(0, 26, n)
    b = rng.integers(0, 36, n)
    c = rng.integers(0, 41, n)
    total = a + b + c
    status = np.where(total >= 70, "F", np.where(total >= 40, "PF", "NF"))
    # 200 countries x 5,000 editions: editions are four-digit years (2025-7024).
    codes = sorted(c.alpha_3 for c in pycountry.countries)[:200]
    iso = np.array(codes)[np.arange(n) % len(codes)]
    edition = 2025 + np.arange(n) // len(codes)
    path = tmp_path / "million.csv"
    with open(path, "w") as fh:
        fh.write("ISO3,Edition,Status,A,B,C,Total\n")
        buf = io.StringIO()
        np.savetxt(buf, np.column_stack([iso, edition, status, a, b, c, total]), fmt="%s",
                   delimiter=",")
        fh.write(buf.getvalue())
    from scoring import compare, read_scores
    from scoring.methodology import load_methodology

    # A million distinct rows need thousands of editions: FOTN's rules over as many editions
    # (the real methodology accepts only three past its last, rule "edition").
    m = load_methodology("fotn")
    m = dataclasses.replace(m, editions=m.editions + tuple(range(max(m.editions) + 1,
                                                                 int(edition.max()) + 1)))
    frame = read_scores(path, m, on_error="flag", orientation="higher-is-freer")
    assert len(frame) == n and frame.attrs["failures"].empty
    r = compare(frame, index=m, from_edition=2025, to_edition=2026)
    assert r.summary["n"] == 200
