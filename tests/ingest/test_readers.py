"""read_scores on every real file, and on small synthetic files for each format quirk."""

from __future__ import annotations

import json
import re

import openpyxl
import pandas as pd
import pytest

from scoring.errors import OrientationError, ReadError
from scoring.ingest.readers import ID_COLUMNS, STATUS_SPELLINGS, TRAILING_COLUMNS, read_scores

FOTN23 = "FOTN_2023_Country_Score_Data.csv"
FOTN24 = "FOTN24_Country_Score_Data.xlsx"
FOTN15 = "freedom_house_2015.json"
FOTN18 = "FINAL_DATA_FOTN2018_TOTAL_and_CATEGORY_SCORES.xlsx"
DA2I = "DA2I_FotN_totals_2011-2019.csv"
FIW_ALL = "All_data_FIW_2013-2024.xlsx"
FIW_25 = "All_data_FIW_2013-2025.xlsx"
#: Freedom House's FOTN 2019-2022 "Raw Data" sheets, by edition.
FOTN_SHEETS = {y: f"internetfreedom_{y}.xlsx" for y in (2019, 2020, 2021, 2022)}
FIW_AGG = "Aggregate_Category_and_Subcategory_Scores_FIW_2003-2023.xlsx"

FOTN_CATEGORY_KEYS = ["total", "access", "content", "rights"]
FOTN_QUESTION_KEYS = [f"{c}{i}" for c, n in (("A", 5), ("B", 8), ("C", 8))
                      for i in range(1, n + 1)]


def row_of(frame, country, edition=None):
    sel = frame[frame["country"] == country]
    if edition is not None:
        sel = sel[sel["edition"] == edition]
    assert len(sel) == 1, (country, edition, len(sel))
    return sel.iloc[0]


# -- the real files ------------------------------------------------------------------------------
@pytest.mark.parametrize("name, rows, editions, orientation", [
    (FOTN23, 70, {2023}, "higher-is-freer"),
    (FOTN24, 72, {2024}, "higher-is-freer"),
    (FOTN15, 65, {2015}, "lower-is-freer"),
    (FOTN18, 65, {2018}, "lower-is-freer"),
    (DA2I, 532, set(range(2011, 2020)), "higher-is-freer"),
    # Countries assessed: 65 (2019, 2020), 70 (2021, 2022).
    (FOTN_SHEETS[2019], 65, {2019}, "higher-is-freer"),
    (FOTN_SHEETS[2020], 65, {2020}, "higher-is-freer"),
    (FOTN_SHEETS[2021], 70, {2021}, "higher-is-freer"),
    (FOTN_SHEETS[2022], 70, {2022}, "higher-is-freer"),
    (FIW_ALL, 2515, set(range(2013, 2025)), "higher-is-freer"),
    (FIW_25, 2723, set(range(2013, 2026)), "higher-is-freer"),
    (FIW_AGG, 3759, set(range(2006, 2024)), "higher-is-freer"),
])
def test_real_file_shape(raw_frame, name, rows, editions, orientation):
    frame = raw_frame(name)
    assert len(frame) == rows
    assert set(frame["edition"].dropna().astype(int)) == editions
    assert set(frame["orientation"]) == {orientation}
    assert list(frame.columns[:len(ID_COLUMNS)]) == ID_COLUMNS
    assert list(frame.columns[-len(TRAILING_COLUMNS):]) == TRAILING_COLUMNS
    assert frame["iso3"].notna().all()
    assert frame["country"].notna().all()
    assert frame["total"].notna().all()
    assert (frame["total"] == frame["total"].round()).all()
    assert frame["source_row"].is_unique
    assert (frame["flags"] == "").sum() >= rows - 2
    assert frame.attrs["row_kind"] in {"line", "row", "record"}


@pytest.mark.parametrize("name", [FOTN23, FOTN24, *FOTN_SHEETS.values()])
def test_new_fotn_files_carry_every_question(raw_frame, name):
    frame = raw_frame(name)
    for key in FOTN_CATEGORY_KEYS + FOTN_QUESTION_KEYS:
        assert key in frame.columns, key
        assert frame[key].notna().all(), key
    assert set(frame["status"]) == {"F", "PF", "NF"}


def test_fotn_2023_csv(raw_frame):
    frame = raw_frame(FOTN23)
    angola = row_of(frame, "Angola")
    assert angola["source_row"] == 2  # CSV line 2, right under the header
    assert angola["source"] == FOTN23
    assert (angola["iso3"], angola["status"], angola["edition"]) == ("AGO", "PF", 2023)
    assert [angola[k] for k in ("access", "content", "rights", "total")] == [12, 28, 19, 59]
    assert angola["A1"] == 2 and angola["C8"] == 2
    assert frame.attrs["row_kind"] == "line"
    assert frame.attrs["columns"]["access"] == "A"
    assert frame.attrs["columns"]["total"] == "Total"
    assert any("comma-delimited" in n for n in frame.attrs["notes"])
    # The last line of the file is the last row of the frame.
    assert frame["source_row"].max() == 71


def test_fotn_2024_xlsx_title_row_and_label_sheet(raw_frame):
    frame = raw_frame(FOTN24)
    angola = row_of(frame, "Angola")
    assert angola["source_row"] == 3  # title on row 1, header on row 2
    assert angola["source"] == f"{FOTN24} [sheet FOTN 2024 score data]"
    assert [angola[k] for k in ("access", "content", "rights", "total")] == [12, 28, 19, 59]
    assert frame.attrs["row_kind"] == "row"
    # The orientation came from the label on the second sheet (and agrees with the statuses).
    note = next(n for n in frame.attrs["notes"] if "read as higher-is-freer" in n)
    assert "100 representing the most free" in note
    assert set(frame["iso3"]) >= {"CHL", "NLD"}  # added in 2024


# Cells read by eye in each sheet: (row, country as spelled there, A/B/C/total, A1, C8, status).
# Every sheet has its title on row 1 ("Freedom on the Net 2019 Raw Data", "... 2021 Raw Country
# Score Data", ...) and the header on row 2. Myanmar's 31 -> 17 in 2021 is the "14-point score
# decline" Freedom House reported that year.
SHEET_CELLS = {
    2019: [(3, "Angola", (12, 30, 22, 64), 2, 2, "PF"),
           (41, "Myanmar", (10, 16, 10, 36), 2, 1, "NF"),
           (55, "The Gambia", (10, 23, 15, 48), 1, 2, "PF")],
    2020: [(3, "Angola", (11, 30, 21, 62), 1, 2, "PF"),
           (41, "Myanmar", (7, 13, 11, 31), 2, 1, "NF"),
           (55, "The Gambia", (10, 22, 17, 49), 1, 2, "PF")],
    2021: [(27, "Iceland", (25, 34, 37, 96), 6, 3, "F"),
           (44, "Myanmar", (4, 7, 6, 17), 2, 1, "NF"),
           (60, "The Gambia", (12, 22, 19, 53), 2, 3, "PF")],
    2022: [(14, "China", (8, 2, 0, 10), 5, 0, "NF"),
           (23, "Gambia", (12, 24, 20, 56), 2, 3, "PF"),  # sorted under G this year
           (72, "Zimbabwe", (8, 23, 18, 49), 1, 2, "PF")],
}
SHEET_NAMES = {2019: "FOTN19 data", 2020: "FOTN20 data", 2021: "FOTN21 data",
               2022: "FOTN 2022 score data"}


@pytest.mark.parametrize("edition", sorted(FOTN_SHEETS))
def test_fotn_2019_2022_sheets(raw_frame, edition):
    frame = raw_frame(FOTN_SHEETS[edition])
    assert set(frame["source"]) == {f"{FOTN_SHEETS[edition]} [sheet {SHEET_NAMES[edition]}]"}
    assert (frame["flags"] == "").all()
    # The edition comes from the sheet's Edition column, the scale from its statuses.
    assert any("read as higher-is-freer" in n for n in frame.attrs["notes"])
    for row, country, scores, a1, c8, status in SHEET_CELLS[edition]:
        got = frame[frame["source_row"] == row].iloc[0]
        assert got["country"] == country
        assert [got[k] for k in ("access", "content", "rights", "total")] == list(scores)
        assert (got["A1"], got["C8"], got["status"]) == (a1, c8, status)
    assert frame.loc[frame["country"].str.contains("Gambia"), "iso3"].tolist() == ["GMB"]


def test_fiw_2013_2025_release(raw_frame):
    frame = raw_frame(FIW_25)
    assert (frame["flags"] == "").all()
    counts = frame.groupby("edition").size()
    assert counts[2025] == 208 and counts[2024] == 210  # 195 countries + 13 / 15 territories
    # Row 151: the one entity edition 2025 scores where 2024 scored Crimea (row 254) and
    # Eastern Donbas (row 263).
    occupied = frame[frame["source_row"] == 151].iloc[0]
    assert (occupied["country"], occupied["iso3"], occupied["edition"], occupied["ct"]) == (
        "Russian-Occupied Territories of Ukraine", "XOU", 2025, "t")
    assert (occupied["pr"], occupied["cl"], occupied["total"], occupied["status"]) == (
        -2, 1, -1, "NF")
    ed = frame.set_index(["iso3", "edition"])
    assert ("XCR", 2025) not in ed.index and ("XDB", 2025) not in ed.index
    assert ed.loc[("XCR", 2024), "source_row"] == 254
    # Row 263: Eastern Donbas 2024 as revised in this release (G3 1; the 2013-2024 release, row
    # 55, has 2, with G, CL and total one higher).
    xdb = ed.loc[("XDB", 2024)]
    assert xdb["source_row"] == 263
    assert (xdb["G3"], xdb["G"], xdb["cl"], xdb["total"]) == (1, 2, 3, 2)


def _kazakhstan_2015_published(raw_dir):
    """The 2015 column of the score table in the published report text."""
    text = (raw_dir / "FOTN2015_Kazakhstan.txt").read_text(encoding="utf-8")

    def col2015(label):
        hit = re.search(rf"^{re.escape(label)}[^\n\t]*\t(\d+)\t(\d+)", text, flags=re.M)
        assert hit, label
        return int(hit.group(2))

    status = re.search(r"^Internet Freedom Status\t([^\t]+)\t([^\t]+)", text, flags=re.M)
    return dict(access=col2015("Obstacles to Access"), content=col2015("Limits on Content"),
                rights=col2015("Violations of User Rights"), total=col2015("TOTAL"),
                status=status.group(2).strip())


def test_golden_row_kazakhstan_2015(raw_frame, raw_dir):
    published = _kazakhstan_2015_published(raw_dir)
    assert published == dict(access=14, content=23, rights=24, total=61, status="Not Free")
    kaz = row_of(raw_frame(FOTN15), "Kazakhstan")
    assert kaz["iso3"] == "KAZ"
    assert kaz["edition"] == 2015
    assert kaz["orientation"] == "lower-is-freer"
    assert kaz["status"] == "NF"
    assert [kaz[k] for k in ("access", "content", "rights", "total")] == [14, 23, 24, 61]
    assert kaz["flags"] == ""


def test_fotn_2015_json(raw_frame):
    frame = raw_frame(FOTN15)
    assert frame.attrs["row_kind"] == "record"
    angola = row_of(frame, "Angola")
    assert angola["source_row"] == 1
    assert angola["status"] == "PF"  # "Partly Free"
    assert frame.attrs["columns"]["access"] == "Obstacle_to_access"
    assert frame.attrs["columns"]["total"] == "Total_score"
    assert row_of(frame, "South Africa")["source_row"] == 48
    assert set(frame["status"]) == {"F", "PF", "NF"}
    assert any("lower-is-freer" in n and "statuses fit only its bands" in n
               for n in frame.attrs["notes"])
    assert any("edition 2015 as given" in n for n in frame.attrs["notes"])


def test_fotn_2015_json_needs_an_edition(raw_dir):
    with pytest.raises(ReadError, match=r"no edition column.*edition="):
        read_scores(raw_dir / FOTN15)


def test_fotn_2018_xlsx_edition_from_header_and_capital_statuses(raw_frame, raw_dir):
    frame = raw_frame(FOTN18)
    assert set(frame["edition"]) == {2018}
    assert any("edition 2018 from the header" in n for n in frame.attrs["notes"])
    angola = row_of(frame, "Angola")
    assert angola["source_row"] == 2
    assert angola["status"] == "PF"  # "PARTLY FREE"
    assert [angola[k] for k in ("access", "content", "rights", "total")] == [14, 7, 19, 40]
    assert set(frame["status"]) == {"F", "PF", "NF"}
    assert frame.attrs["columns"]["access"] == "A: Obstacles to Access"
    assert frame.attrs["columns"]["total"] == '"Freedom on the Net 2018" Total Score'
    assert frame.attrs["columns"]["status"] == '"Freedom on the Net 2018" Status'
    # Asking for the edition the header names is fine; another one is refused.
    assert len(read_scores(raw_dir / FOTN18, edition=2018)) == 65
    with pytest.raises(ReadError, match="edition 2017 was asked for but the header says 2018"):
        read_scores(raw_dir / FOTN18, edition=2017)


def test_da2i_long_file(raw_frame):
    frame = raw_frame(DA2I)
    assert frame["status"].isna().all()
    assert list(frame.columns) == ID_COLUMNS + ["total"] + TRAILING_COLUMNS
    assert frame.attrs["columns"] == {"iso3": "ISO3", "edition": "Year", "total": "value",
                                      "indicator": "Name"}
    first = frame.iloc[0]
    assert (first["iso3"], first["edition"], first["total"], first["source_row"]) == (
        "AGO", 2013, 66, 2)
    # The "Name" column holds the indicator ("FotN"), not a country name.
    assert not (frame["country"] == "FotN").any()
    assert first["country"] == "Angola"
    assert not frame.duplicated(["iso3", "edition"]).any()


def test_da2i_needs_an_orientation(raw_dir):
    with pytest.raises(OrientationError, match="cannot tell which way the scale runs"):
        read_scores(raw_dir / DA2I)


def test_da2i_one_edition(raw_dir):
    frame = read_scores(raw_dir / DA2I, edition=2015, orientation="higher-is-freer")
    assert set(frame["edition"]) == {2015}
    assert 0 < len(frame) < 532
    assert any("rows of other editions left out" in n for n in frame.attrs["notes"])
    with pytest.raises(ReadError, match="no rows of edition 2010"):
        read_scores(raw_dir / DA2I, edition=2010, orientation="higher-is-freer")


def test_fiw_all_data(raw_frame):
    frame = raw_frame(FIW_ALL)
    assert frame["source"].iloc[0] == f"{FIW_ALL} [sheet FIW13-24]"
    abk = row_of(frame, "Abkhazia", 2024)
    assert abk["source_row"] == 3
    assert (abk["iso3"], abk["status"], abk["ct"], abk["region"]) == ("XAB", "PF", "t",
                                                                    "Eurasia")
    assert (abk["pr"], abk["cl"], abk["total"]) == (17, 22, 39)
    assert (abk["pr_rating"], abk["cl_rating"]) == (5, 5)
    assert pd.isna(abk["adda"])  # "N/A" from 2018 on
    for key in [f"{s}{i}" for s, n in zip("ABCDEFG", (3, 4, 3, 4, 3, 4, 4))
                for i in range(1, n + 1)]:
        assert frame[key].notna().all(), key
    # Add A exists up to the 2017 edition only.
    assert frame.loc[frame["edition"] >= 2018, "adda"].isna().all()
    assert frame.loc[frame["edition"] <= 2017, "adda"].notna().all()
    assert frame.attrs["columns"]["addq"] == "Add Q"
    assert set(frame["status"]) == {"F", "PF", "NF"}
    # Row 55: Eastern Donbas 2024 as first published (the 2013-2025 release revises G3 to 1).
    xdb = row_of(frame, "Eastern Donbas", 2024)
    assert xdb["source_row"] == 55
    assert (xdb["G3"], xdb["G"], xdb["cl"], xdb["total"]) == (2, 3, 4, 3)


def test_fiw_aggregate_picks_the_fiw06_23_sheet(raw_frame):
    frame = raw_frame(FIW_AGG)
    assert set(frame["source"]) == {f"{FIW_AGG} [sheet FIW06-23]"}
    kosovo = row_of(frame, "Kosovo", 2007)
    assert kosovo["source_row"] == 3440
    assert (kosovo["iso3"], kosovo["pr"], kosovo["cl"], kosovo["total"]) == ("XKX", 11, 18, 29)
    assert row_of(frame, "Kosovo", 2006)["source_row"] == 3647
    assert row_of(frame, "Serbia and Montenegro", 2006)["iso3"] == "SCG"
    assert "A1" not in frame.columns  # subcategory totals only
    assert any("'x'" in n and "not read" in n for n in frame.attrs["notes"])


def test_fiw_aggregate_other_sheets(raw_dir):
    with pytest.raises(ReadError, match="no header row found"):
        read_scores(raw_dir / FIW_AGG, "fiw", sheet="FIW03-05")
    with pytest.raises(ValueError, match="sheet must be one of"):
        read_scores(raw_dir / FIW_AGG, "fiw", sheet="FIW99")


def test_bad_arguments(raw_dir):
    with pytest.raises(ValueError, match="orientation must be one of"):
        read_scores(raw_dir / FOTN23, orientation="upside-down")
    with pytest.raises(ValueError, match="on_error must be"):
        read_scores(raw_dir / FOTN23, on_error="ignore")
    with pytest.raises(ValueError, match="sheet applies to xlsx"):
        read_scores(raw_dir / FOTN23, sheet="x")
    with pytest.raises(ReadError, match="no such file"):
        read_scores(raw_dir / "nope.csv")


# -- column names and statuses -------------------------------------------------------------------
@pytest.mark.parametrize("spelling, code", [
    ("F", "F"), ("PF", "PF"), ("NF", "NF"), ("Free", "F"), ("Partly Free", "PF"),
    ("PARTLY FREE", "PF"), ("partly free", "PF"), ("Partly-Free", "PF"), ("Not Free", "NF"),
    ("NOT FREE", "NF"), (" nf ", "NF"),
])
def test_status_spellings(tmp_path, spelling, code):
    path = tmp_path / "s.csv"
    path.write_text("Country,Status,Total\nAngola,{},{}\n".format(
        spelling, {"F": 80, "PF": 55, "NF": 20}[code]), encoding="utf-8")
    frame = read_scores(path, edition=2023, orientation="higher-is-freer")
    assert frame["status"].tolist() == [code]
    assert frame["flags"].tolist() == [""]


def test_status_spellings_table_is_consistent():
    assert set(STATUS_SPELLINGS.values()) == {"F", "PF", "NF"}


@pytest.mark.parametrize("header, key", [
    ("Obstacle_to_access", "access"),
    ("A: Obstacles to Access", "access"),
    ("A", "access"),
    ("Obstacles to Access (0-25)", "access"),
    ("obstacles to access", "access"),
    ("Limits_on_content", "content"),
    ("B: Limits on Content", "content"),
    ("Violations of User Rights (0-40)", "rights"),
    ("C", "rights"),
])
def test_column_name_variants(tmp_path, header, key):
    values = {"access": 12, "content": 28, "rights": 19}
    path = tmp_path / "c.csv"
    path.write_text(f"Country,{header}\nAngola,{values[key]}\n", encoding="utf-8")
    frame = read_scores(path, edition=2023, orientation="higher-is-freer")
    assert frame[key].tolist() == [values[key]]
    assert frame.attrs["columns"][key] == header


# -- synthetic files -----------------------------------------------------------------------------
ROWS = [
    ("Angola", "PF", 12, 28, 19, 59),
    ("Argentina", "F", 19, 28, 26, 73),
    ("Armenia", "F", 19, 28, 25, 72),
    ("Niger", "NF", 5, 10, 10, 25),
    ("Nigeria", "PF", 15, 20, 10, 45),
]
HEADER = ["Country", "Edition", "Status", "A", "B", "C", "Total"]


def _text(delimiter=",", rows=ROWS, header=HEADER, edition=2023):
    lines = [delimiter.join(header)]
    for r in rows:
        cells = [r[0], str(edition), *map(str, r[1:])]
        lines.append(delimiter.join(cells))
    return "\n".join(lines) + "\n"


def _check_synthetic(frame, first_row=2):
    assert frame["iso3"].tolist() == ["AGO", "ARG", "ARM", "NER", "NGA"]
    assert frame["total"].tolist() == [59, 73, 72, 25, 45]
    assert frame["access"].tolist() == [12, 19, 19, 5, 15]
    assert frame["status"].tolist() == ["PF", "F", "F", "NF", "PF"]
    assert frame["source_row"].tolist() == list(range(first_row, first_row + 5))
    assert set(frame["orientation"]) == {"higher-is-freer"}
    assert (frame["flags"] == "").all()


@pytest.mark.parametrize("delimiter, word", [(";", "semicolon"), ("\t", "tab"),
                                             ("|", "pipe"), (",", "comma")])
def test_csv_delimiters(tmp_path, delimiter, word):
    path = tmp_path / "d.csv"
    path.write_text(_text(delimiter), encoding="utf-8")
    frame = read_scores(path)
    _check_synthetic(frame)
    assert any(f"{word}-delimited" in n for n in frame.attrs["notes"])


@pytest.mark.parametrize("delimiter, gambia", [(",", '"Gambia, The"'), (";", "Gambia, The"),
                                               ("\t", "Gambia, The"), ("|", "Gambia, The")])
def test_delimiter_inside_a_country_name(tmp_path, delimiter, gambia):
    rows = [["Country", "Edition", "Status", "Total"], [gambia, "2023", "PF", "50"],
            ["Niger", "2023", "PF", "55"], ["Nigeria", "2023", "PF", "60"],
            ['"Congo (Kinshasa)"', "2023", "NF", "20"]]
    path = tmp_path / "g.csv"
    path.write_text("".join(delimiter.join(r) + "\n" for r in rows), encoding="utf-8")
    frame = read_scores(path, orientation="higher-is-freer")
    assert frame["iso3"].tolist() == ["GMB", "NER", "NGA", "COD"]
    assert frame["country"].tolist()[0] == "Gambia, The"
    assert frame["total"].tolist() == [50, 55, 60, 20]


def test_utf8_bom_and_accents(tmp_path):
    rows = ROWS[:4] + [("C\u00f4te d\u2019Ivoire", "PF", 15, 20, 10, 45)]
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _text(rows=rows).encode("utf-8"))
    frame = read_scores(path)
    assert frame.attrs["columns"]["country"] == "Country"  # not "\ufeffCountry"
    assert frame["iso3"].tolist() == ["AGO", "ARG", "ARM", "NER", "CIV"]
    assert frame["country"].iloc[-1] == "C\u00f4te d\u2019Ivoire"


def test_utf16_with_bom(tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes(_text().encode("utf-16"))
    frame = read_scores(path)
    _check_synthetic(frame)
    assert any("UTF-16" in n for n in frame.attrs["notes"])


def test_latin1_is_read_as_windows_1252_and_said(tmp_path):
    # Documented, flagged acceptance: a file that is not UTF-8 is read as Windows-1252 (a
    # superset of Latin-1 for text), and a note names the byte that gave it away.
    path = tmp_path / "latin1.csv"
    path.write_bytes(_text(rows=[("C\u00f4te d'Ivoire", "PF", 15, 20, 10, 45)])
                     .encode("latin-1"))
    frame = read_scores(path, orientation="higher-is-freer")
    assert frame["country"].iloc[0] == "C\u00f4te d'Ivoire" and frame["iso3"].iloc[0] == "CIV"
    assert any("not valid UTF-8 (byte 0xf4); read as Windows-1252" in n
               for n in frame.attrs["notes"])


def test_title_lines_before_the_header(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Freedom on the Net 2023,,,,,,\n\n" + _text(), encoding="utf-8")
    _check_synthetic(read_scores(path), first_row=4)


def test_multiline_cell_keeps_line_numbers(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(
        "Country,Edition,Status,Total,Comment\n"
        'Angola,2023,PF,59,"two\nlines"\n'
        "Argentina,2023,F,73,\n"
        "\n"
        "Armenia,2023,F,72,\n"
        "Niger,2023,NF,25,\n", encoding="utf-8")
    frame = read_scores(path)
    assert frame["source_row"].tolist() == [2, 4, 6, 7]
    notes = frame.attrs["notes"]
    assert any("'Comment'" in n and "not read" in n for n in notes)
    assert "Comment" not in frame.columns


def test_crlf_line_endings_keep_line_numbers(tmp_path):
    path = tmp_path / "crlf.csv"
    path.write_bytes(b'Country,Edition,Status,Total,Note\r\nAngola,2023,PF,59,"a\r\nb"\r\n'
                     b"Argentina,2023,F,73,\r\n\r\nArmenia,2023,F,72,\r\nChina,2023,NF,9,\r\n")
    frame = read_scores(path)
    assert frame["source_row"].tolist() == [2, 4, 6, 7]
    assert frame["iso3"].tolist() == ["AGO", "ARG", "ARM", "CHN"]


def test_json_object_wrapping_records(tmp_path):
    records = [dict(Country=r[0], Status=r[1], Obstacle_to_access=r[2], Limits_on_content=r[3],
                    Violations_of_user_rights=r[4], Total_score=r[5]) for r in ROWS]
    path = tmp_path / "w.json"
    path.write_text(json.dumps({"title": "Freedom on the Net 2023", "edition": 2023,
                                "records": records}), encoding="utf-8")
    frame = read_scores(path, edition=2023)
    _check_synthetic(frame, first_row=1)
    assert frame.attrs["row_kind"] == "record"


def test_json_label_sets_the_orientation(tmp_path):
    # Lower-is-freer statuses under a label that says so: both agree.
    rows = [("Angola", "PF", 14, 8, 17, 39), ("Argentina", "F", 7, 8, 12, 27)]
    records = [dict(Country=r[0], Status=r[1], Total=r[5]) for r in rows]
    path = tmp_path / "l.json"
    path.write_text(json.dumps({"note": "0=most free, 100=least free", "data": records}),
                    encoding="utf-8")
    frame = read_scores(path, edition=2015)
    assert set(frame["orientation"]) == {"lower-is-freer"}
    assert any("0=most free" in n for n in frame.attrs["notes"])


@pytest.mark.parametrize("doc, message", [
    ({"a": [], "b": []}, "exactly one list of records"),
    ({"a": 1}, "exactly one list of records"),
    ([1, 2], "JSON records must be objects"),
])
def test_bad_json_shapes(tmp_path, doc, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ReadError, match=message):
        read_scores(path, edition=2023)


def test_json_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('[\n{"Country": "Angola",\n "Total": }\n]', encoding="utf-8")
    with pytest.raises(ReadError, match=r"line 3: not valid JSON"):
        read_scores(path, edition=2023)


def _xlsx(path, sheets):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(list(r))
    wb.save(path)
    return path


def test_xlsx_data_on_the_second_sheet(tmp_path):
    data = [HEADER] + [[r[0], 2023, *r[1:]] for r in ROWS]
    path = _xlsx(tmp_path / "two.xlsx", [
        ("About", [["Notes on this file"], ["Scores: 100 = most free"]]),
        ("Scores", [["Freedom on the Net 2023"], [None]] + data),
    ])
    frame = read_scores(path)
    _check_synthetic(frame, first_row=4)
    assert set(frame["source"]) == {"two.xlsx [sheet Scores]"}
    assert any("100 = most free" in n for n in frame.attrs["notes"])


def test_xlsx_sheet_argument(tmp_path):
    data = [HEADER] + [[r[0], 2023, *r[1:]] for r in ROWS]
    other = [HEADER] + [[r[0], 2024, *r[1:]] for r in ROWS[:2]]
    path = _xlsx(tmp_path / "s.xlsx", [("y2023", data), ("y2024", other)])
    o = "higher-is-freer"
    assert set(read_scores(path, sheet="y2024", orientation=o)["edition"]) == {2024}
    assert set(read_scores(path, sheet="y2023", orientation=o)["edition"]) == {2023}


def test_damaged_xlsx(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ReadError, match="not a readable xlsx workbook"):
        read_scores(path)


def test_edition_required_when_absent(tmp_path):
    path = tmp_path / "noed.csv"
    path.write_text("Country,Status,Total\nAngola,PF,59\nArgentina,F,73\nArmenia,F,72\n",
                    encoding="utf-8")
    with pytest.raises(ReadError, match=r"noed\.csv: no edition column.*edition=\.\.\."):
        read_scores(path, orientation="higher-is-freer")
    frame = read_scores(path, edition=2023, orientation="higher-is-freer")
    assert set(frame["edition"]) == {2023}


def test_unknown_columns_are_noted(tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text("Country,Edition,Status,Total,Population,Rank\n"
                    "Angola,2023,PF,59,35m,12\nArgentina,2023,F,73,46m,3\n"
                    "Armenia,2023,F,72,3m,4\n", encoding="utf-8")
    frame = read_scores(path, orientation="higher-is-freer")
    notes = " | ".join(frame.attrs["notes"])
    assert "'Population' is not a Freedom on the Net column" in notes
    assert "'Rank'" in notes
    assert "Population" not in frame.columns and "Rank" not in frame.columns


def test_two_columns_for_one_component_are_refused(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("Country,Total,TOTAL\nAngola,59,59\n", encoding="utf-8")
    with pytest.raises(ReadError, match="'Total' and 'TOTAL' both give 'total'"):
        read_scores(path, edition=2023)


@pytest.mark.parametrize("text", [
    "Nation,Points\nAngola,59\n",           # neither column is recognised
    "Country,Population\nAngola,35\n",      # no score column
    "Total,A,B,C\n59,12,28,19\n",          # no country column
])
def test_no_header_found(tmp_path, text):
    path = tmp_path / "nohead.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReadError) as info:
        read_scores(path, edition=2023)
    msg = str(info.value)
    assert msg.startswith("nohead.csv: no header row found")
    # Helpful: says what it looked for and where.
    assert "country (or ISO3) column" in msg
    assert "Obstacles to Access" in msg and "Total score" in msg
    assert "first 30 rows" in msg


def test_header_without_rows(tmp_path):
    path = tmp_path / "head.csv"
    path.write_text("Country,Edition,Total\n\n", encoding="utf-8")
    with pytest.raises(ReadError, match="header is on line 1 but no data rows follow"):
        read_scores(path)


@pytest.mark.parametrize("content", [b"", b"   \n\n  \t\n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(ReadError, match="empty.csv: the file is empty"):
        read_scores(path, edition=2023)


def test_directory_is_refused(tmp_path):
    with pytest.raises(ReadError, match="is a directory"):
        read_scores(tmp_path)


def test_published_values_are_never_changed(raw_frame):
    """The 2018 file is lower-is-freer: the frame keeps the published numbers."""
    frame = raw_frame(FOTN18)
    china = row_of(frame, "China")
    assert china["orientation"] == "lower-is-freer"
    assert china["total"] >= 80 and china["status"] == "NF"


# -- added with the wrong-index guard and the edition-less rows fix -------------------------------
def test_a_file_of_another_index_is_refused_with_one_message(raw_dir):
    # Its "A", "B", "C" and "Total" headers are FIW names too; without the guard the values
    # would turn into hundreds of range and sum failures.
    with pytest.raises(ReadError, match=r"looks like a Freedom on the Net file.*--index fotn"):
        read_scores(raw_dir / FOTN23, "fiw")
    with pytest.raises(ReadError, match=r"looks like a Freedom in the World file.*--index fiw"):
        read_scores(raw_dir / "All_data_FIW_2013-2024.xlsx", "fotn")


def test_a_bad_edition_cell_does_not_hide_the_scale_of_the_rest(tmp_path):
    path = tmp_path / "eds.csv"
    path.write_text("Country,Edition,Status,A,B,C,Total\n"
                    "Kenya,2024,PF,16,24,23,63\nEstonia,2024,F,24,32,36,92\n"
                    "China,2024,NF,6,3,0,9\nIran,twenty,NF,4,5,2,11\n")
    frame = read_scores(path, "fotn", on_error="flag")
    assert set(frame["orientation"]) == {"higher-is-freer"}
    f = frame.attrs["failures"]
    assert list(zip(f["row"], f["rule"])) == [(5, "edition")]
