"""Bounded readers: a small hostile file gets a clear error naming the limit, fast, and never a
traceback; line numbers come from one line splitter.

Each hostile file is generated here, in ``tmp_path``, and read through the command line
(``scoring validate FILE``, ``scoring compare --data FILE``, ``scoring ingest-report FILE``).
The limits are those of :mod:`scoring.ingest.limits`; ``test_hostile_tests_run_under_a_memory
_cap`` runs this file and ``test_hostile.py`` under a 2 GB address-space cap, so an unbounded
read fails a test instead of the machine.
"""

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from scoring.cli import main
from scoring.errors import ReadError
from scoring.ingest import limits
from scoring.ingest.reports import read_report

REPO = Path(__file__).resolve().parents[1]
REPORT = REPO / "datasets" / "raw" / "FOTN2015_Kazakhstan.txt"
HEADER = "Country,Edition,Status,A,B,C,Total"
GOOD = ["Kenya,2024,PF,16,24,23,63", "Estonia,2024,F,24,32,36,92",
        "China,2024,NF,6,3,0,9", "Brazil,2024,PF,17,27,20,64"]
MIB = 2 ** 20


def cli(*args):
    """Run the command line; no traceback, no uncaught exception, and how long it took."""
    start = time.perf_counter()
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=True)
    result.seconds = time.perf_counter() - start
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {type(result.exception).__name__}: {result.exception}")
    return result


def refused(result, *parts, seconds=5.0):
    """Exit 1, every part in the message, quickly."""
    assert result.exit_code == 1, result.output
    for part in parts:
        assert part in result.output, f"{part!r} not in {result.output!r}"
    assert result.seconds < seconds, f"took {result.seconds:.1f} s"


def workbook(path, rows=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "scores"
    for r in rows or [HEADER.split(",")] + [g.split(",") for g in GOOD]:
        ws.append([int(c) if c.isdigit() else c for c in r])
    wb.save(path)
    return path


def replace_part(path, name, write, zip64=True):
    """Rewrite the workbook at ``path`` with part ``name`` written by ``write(fh)`` (streamed,
    so a bomb costs no memory to make)."""
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist() if i.filename != name}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for member, data in parts.items():
            zf.writestr(member, data)
        with zf.open(name, "w", force_zip64=zip64) as fh:
            write(fh)
    return path


def repeated(unit: bytes, size: int, head: bytes = b"", tail: bytes = b""):
    def write(fh):
        fh.write(head)
        block = unit * (MIB // len(unit))
        for _ in range(size // len(block) + 1):
            fh.write(block)
        fh.write(tail)
    return write


# -- xlsx ---------------------------------------------------------------------------------------
def test_shared_strings_that_inflate_are_refused_before_decompressing(tmp_path):
    # 257 MiB of shared strings in a file of about a megabyte: refused from the declared size.
    path = replace_part(workbook(tmp_path / "bomb.xlsx"), "xl/sharedStrings.xml",
                        repeated(b"<si><t>Kenya</t></si>", 257 * MIB, b"<sst>", b"</sst>"))
    assert path.stat().st_size < 2 * MIB
    for args in (["validate", path], ["compare", "--from", "2023", "--to", "2024", "--data", path]):
        refused(cli(*args), "bomb.xlsx [part xl/sharedStrings.xml]",
                "decompressed size of one part of the workbook", "over the limit of 268,435,456",
                "SCORING_MAX_XLSX_MEMBER=")


def test_a_part_that_lies_about_its_size_is_counted_while_decompressing(tmp_path):
    path = replace_part(workbook(tmp_path / "liar.xlsx"), "xl/sharedStrings.xml",
                        repeated(b"<si><t>Kenya</t></si>", 3 * MIB, b"<sst>", b"</sst>"),
                        zip64=False)
    # Make the central directory claim 1,000 bytes for the 3 MiB part.
    data = bytearray(path.read_bytes())
    name = b"xl/sharedStrings.xml"
    at = data.index(b"PK\x01\x02")  # first central directory entry
    while data[at + 46:at + 46 + len(name)] != name:
        at = data.index(b"PK\x01\x02", at + 4)
    data[at + 24:at + 28] = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("xl/sharedStrings.xml").file_size == 1000
    refused(cli("validate", path), "liar.xlsx", "not a readable xlsx workbook")
    # And a true size past a lowered limit is counted, not taken on trust.
    path2 = replace_part(workbook(tmp_path / "big.xlsx"), "xl/sharedStrings.xml",
                         repeated(b"<si><t>Kenya</t></si>", 3 * MIB, b"<sst>", b"</sst>"))
    with pytest.raises(ReadError, match="decompressed size of one part"):
        os.environ["SCORING_MAX_XLSX_MEMBER"] = str(2 * MIB)
        try:
            from scoring.ingest.xlsx import check_parts

            check_parts(path2)
        finally:
            del os.environ["SCORING_MAX_XLSX_MEMBER"]


def test_a_sheet_that_inflates_is_refused_before_formulas_are_scanned(tmp_path):
    row = b'<row r="2"><c r="A2"><f>SUM(B2:C2)</f><v>1</v></c></row>'
    path = replace_part(workbook(tmp_path / "sheet.xlsx"), "xl/worksheets/sheet1.xml",
                        repeated(row, 300 * MIB, b"<worksheet><sheetData>",
                                 b"</sheetData></worksheet>"))
    refused(cli("validate", path), "sheet.xlsx [part xl/worksheets/sheet1.xml]",
            "SCORING_MAX_XLSX_MEMBER")


def test_formulas_are_looked_for_only_in_the_rows_read():
    from scoring.ingest.xlsx import _scan
    import io

    xml = (b"<sheetData>" + b"".join(
        b'<row r="%d"><c r="B%d"><f>A%d*2</f><v>2</v></c></row>' % (r, r, r)
        for r in range(1, 5000)) + b"</sheetData>")
    found, hidden = _scan(io.BytesIO(xml), 10)
    assert sorted(found) == list(range(1, 11)) and found[3] == {1: "A3*2"} and hidden == []


def test_a_sheet_wider_than_the_column_limit(tmp_path):
    path = workbook(tmp_path / "wide.xlsx", [HEADER.split(",")] + [g.split(",") for g in GOOD]
                    + [["x"] * 5000])
    refused(cli("validate", path), "wide.xlsx [sheet scores] row 1", "columns of the table: 5,000",
            "SCORING_MAX_COLUMNS=")


@pytest.mark.parametrize("damage,expected", [
    ("truncated", "damaged sheet"),
    ("amplification", "damaged sheet"),
])
def test_a_damaged_sheet_is_an_error_not_a_traceback(tmp_path, damage, expected):
    path = workbook(tmp_path / f"{damage}.xlsx")
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml")
    if damage == "truncated":
        bad = xml[:len(xml) * 2 // 3]
    else:  # entities that expand a thousandfold per level
        dtd = b'<!DOCTYPE worksheet [<!ENTITY a0 "' + b"x" * 100 + b'">' + b"".join(
            b'<!ENTITY a%d "%s">' % (i, b"&a%d;" % (i - 1) * 10) for i in range(1, 9)) + b"]>"
        start = xml.index(b"<worksheet")
        bad = xml[:start] + dtd + xml[start:].replace(b"<t>Kenya</t>", b"<t>&a8;</t>", 1)
        bad = bad.replace(b"<v>16</v>", b"<v>&a8;</v>", 1)
    replace_part(path, "xl/worksheets/sheet1.xml", lambda fh: fh.write(bad))
    refused(cli("validate", path), f"{damage}.xlsx", expected)


# -- JSON ---------------------------------------------------------------------------------------
def test_json_with_a_new_key_per_record(tmp_path):
    records = [{"Country": "Kenya", "Edition": 2024, f"k{i}": i} for i in range(100_000)]
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(records))
    assert path.stat().st_size > 4 * 10 ** 6
    for args in (["validate", path], ["compare", "--from", "2023", "--to", "2024", "--data", path]):
        refused(cli(*args), "keys.json (distinct keys by record 4095)", "columns of the table",
                "over the limit of 4,096", "SCORING_MAX_COLUMNS=")


def test_json_nested_deeper_than_the_limit(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    refused(cli("validate", path), "deep.json: nesting depth of JSON arrays and objects: "
            "100,000 levels, over the limit of 64", "SCORING_MAX_DEPTH=")
    # Brackets inside strings are text, not nesting.
    (tmp_path / "ok.json").write_text(json.dumps(
        [{"Country": "Kenya" + "[" * 1000, "Edition": 2024, "Total": 63}]))
    assert "nesting depth" not in cli("validate", tmp_path / "ok.json").output


def test_json_key_union_is_linear(tmp_path):
    # Just under the column limit: the header is built in one pass, not a list scan per key.
    records = [{"Country": "Kenya", f"k{i}": i} for i in range(4000)]
    path = tmp_path / "many.json"
    path.write_text(json.dumps(records))
    result = cli("validate", path, "--edition", "2024")
    assert result.seconds < 5 and "columns of the table" not in result.output


# -- report text -------------------------------------------------------------------------------
def test_a_report_that_is_one_long_line(tmp_path):
    path = tmp_path / "line.txt"
    path.write_text("FREEDOM ON THE NET 2015 " + "Kazakhstan 15 " * 150_000)  # 2.1 MB
    refused(cli("ingest-report", path), "line.txt line 1: length of a line of the report: "
            "2,100,024 characters, over the limit of 10,000", "SCORING_MAX_LINE=")
    refused(cli("compare", "--from", "2014", "--to", "2015", "--data", path),
            "length of a line of the report")


def test_long_lines_under_the_limit_cost_little():
    # Lines just under the limit, many of them: each costs about what a short line costs.
    text = REPORT.read_text(encoding="utf-8") + ("Obstacles to Access " * 450 + "\n") * 300
    start = time.perf_counter()
    frame = read_report_text(text)
    assert time.perf_counter() - start < 5
    assert frame["total"].tolist() == [60, 61]


def read_report_text(text):
    from scoring.ingest.reports import parse_report

    return parse_report(text, source="k.txt")


def test_a_report_larger_than_the_text_limit_is_refused_from_its_size(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("FREEDOM ON THE NET 2015\n")
    with open(path, "r+b") as fh:
        fh.truncate(50 * MIB)  # sparse: costs no disk, and is never read
    refused(cli("ingest-report", path), "huge.txt: size of the report text: 52,428,800 bytes, "
            "over the limit of 16,777,216", "SCORING_MAX_TEXT_BYTES=")


def test_form_feeds_and_line_ends_do_not_shift_report_lines():
    text = REPORT.read_text(encoding="utf-8")
    plain = read_report_text(text)
    lines = text.split("\n")
    # pdftotext marks a new page with a form feed at the start of its first line.
    paged = "\n".join("\f" + ln if i % 7 == 3 else ln for i, ln in enumerate(lines))
    assert paged.count("\f") > 50
    for variant in (paged, text.replace("\n", "\r\n"), text.replace("\n", "\r"),
                    paged.replace("\n", "\r\n")):
        frame = read_report_text(variant)
        assert frame.attrs["provenance"] == plain.attrs["provenance"]
        assert frame["source_row"].tolist() == plain["source_row"].tolist()
        assert frame["total"].tolist() == [60, 61]
    # The line numbers are the editor's: line 8 is the status row of the real report.
    assert lines[plain.attrs["provenance"]["status"][2015][0] - 1].startswith(
        "Internet Freedom Status")


# -- files that are not files, and sizes ----------------------------------------------------
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
@pytest.mark.parametrize("command", ["validate", "compare", "ingest-report"])
def test_a_device_is_refused_before_it_is_read(command):
    args = {"validate": ["validate", "/dev/zero"], "ingest-report": ["ingest-report", "/dev/zero"],
            "compare": ["compare", "--from", "2023", "--to", "2024", "--data", "/dev/zero"]}
    refused(cli(*args[command]), "/dev/zero: is a character device, not a file of scores",
            seconds=2)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("command", ["validate", "ingest-report", "compare"])
def test_a_fifo_is_refused_without_opening_it(tmp_path, command):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    args = {"validate": ["validate", fifo], "ingest-report": ["ingest-report", fifo],
            "compare": ["compare", "--from", "2023", "--to", "2024", "--data", fifo]}[command]
    # In a subprocess with a timeout: opening a FIFO for reading would hang this test.
    done = subprocess.run([sys.executable, "-m", "scoring", *map(str, args)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "pipe.csv: is a FIFO (named pipe), not a file of scores" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_a_file_larger_than_the_byte_limit_is_refused_from_its_size(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text(HEADER + "\n" + "\n".join(GOOD) + "\n")
    with open(path, "r+b") as fh:
        fh.truncate(300 * MIB)
    refused(cli("validate", path), "big.csv: size of the file: 314,572,800 bytes, over the "
            "limit of 268,435,456", "SCORING_MAX_BYTES=629145600", seconds=2)


def test_a_limit_is_raised_by_its_environment_variable(tmp_path, monkeypatch):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100 + "]" * 100)
    refused(cli("validate", path), "over the limit of 64")
    monkeypatch.setenv("SCORING_MAX_DEPTH", "1,000")
    result = cli("validate", path)
    assert result.exit_code == 1 and "nesting depth" not in result.output
    assert "JSON records must be objects" in result.output
    monkeypatch.setenv("SCORING_MAX_DEPTH", "lots")
    refused(cli("validate", path), "SCORING_MAX_DEPTH must be a positive whole number",
            "got 'lots'")


def test_a_csv_wider_or_larger_than_the_limits(tmp_path, monkeypatch):
    wide = tmp_path / "wide.csv"
    wide.write_text(HEADER + "\n" + "\n".join(GOOD) + "\n" + "," * 10_000 + "\n")
    refused(cli("validate", wide), "wide.csv line 6: columns of the table: 10,001 columns")
    # Quoted delimiters are text, not fields.
    quoted = tmp_path / "quoted.csv"
    quoted.write_text(HEADER + ",Note\n" + "\n".join(g + ",x" for g in GOOD[:3])
                      + "\n" + GOOD[3] + ',"' + "," * 10_000 + '"\n')
    assert cli("validate", quoted).exit_code == 0
    monkeypatch.setenv("SCORING_MAX_CELLS", "20")
    refused(cli("validate", tmp_path / "wide.csv"), "wide.csv: cells of the table")


def test_every_limit_is_in_the_module_table_and_the_readme():
    doc = limits.__doc__
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for env, lim in limits.LIMITS.items():
        assert f"``{env}``" in doc and f"`{env}`" in readme, env
        assert lim.default > 0


# -- one line splitter for CSV -----------------------------------------------------------------
@pytest.mark.parametrize("ends", ["\n", "\r\n", "\r", "mixed", "header-cr"])
def test_csv_rows_and_line_numbers_for_every_line_end(tmp_path, ends):
    rows = [HEADER] + GOOD[:2] + ["Atlantis,2024,PF,16,24,23,63"] + GOOD[2:]
    if ends == "mixed":
        text = "".join(r + e for r, e in zip(rows, ["\r\n", "\n", "\r", "\r\n", "\n", "\r"]))
    elif ends == "header-cr":  # a header line ended by a bare CR, the rest by LF
        text = rows[0] + "\r" + "\n".join(rows[1:]) + "\n"
    else:
        text = ends.join(rows) + ends
    path = tmp_path / "ends.csv"
    path.write_bytes(text.encode())
    result = cli("validate", path, "--format", "csv")
    assert result.exit_code == 1, result.output
    # Atlantis is on line 4 whatever ends the lines; nothing else fails, no row is lost.
    assert "ends.csv,4,Atlantis," in result.output
    assert result.output.count("unknown_country") == 1
    from scoring import read_scores

    frame = read_scores(path, "fotn", on_error="flag")
    assert frame["source_row"].tolist() == [2, 3, 4, 5, 6]
    assert frame["country"].tolist()[:2] == ["Kenya", "Estonia"]


def test_split_lines_is_the_one_truth():
    assert limits.split_lines("a\r\nb\rc\nd\fe\x0bf\n") == ["a", "b", "c", "d\fe\x0bf"]
    assert limits.split_lines("") == [] and limits.split_lines("a\n\n") == ["a", ""]


# -- the bundled data still reads -------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "datasets" / "raw").iterdir()
                                        if p.suffix in (".csv", ".json", ".xlsx")))
def test_every_bundled_table_is_within_the_limits(name):
    from scoring.ingest.table import load_tables

    tables = load_tables(REPO / "datasets" / "raw" / name)
    assert tables and all(t.head for t in tables)


# -- the memory cap ----------------------------------------------------------------------------
@pytest.mark.slow  # about a minute: it runs this file, the hostile tests and the fuzzing again
@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS as Linux counts it")
def test_hostile_tests_run_under_a_memory_cap():
    code = ("import resource, sys, pytest; "
            "resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3)); "
            "sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', '-m', 'not slow', "
            "'-k', 'not memory_cap', 'tests/test_limits.py', 'tests/test_hostile.py', "
            "'tests/test_hostile_round2.py', 'tests/test_fuzz.py']))")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "MemoryError" not in done.stdout
