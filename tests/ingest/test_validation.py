"""Validation: one failing fixture per rule, lazy reporting, and the findings on the real files."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from scoring.errors import ReadError, ValidationError
from scoring.methodology import load_methodology
from scoring.ingest.readers import read_scores
from scoring.ingest.validation import FAILURE_COLUMNS, RULES, validate

HIGHER = "higher-is-freer"

# A clean FOTN file on the current scale, one row per CSV line (header on line 1).
FOTN_HEADER = "Country,Edition,Status,Obstacles to Access (0-25),B,C,Total"
FOTN_ROWS = [
    "Angola,2023,PF,12,28,19,59",      # line 2
    "Argentina,2023,F,19,28,26,73",    # line 3
    "Armenia,2023,F,19,28,25,72",      # line 4
    "Australia,2023,F,23,28,25,76",    # line 5
]


def fotn_csv(tmp_path, changes: dict[int, str] = None, extra: list[str] = (),
             header: str = FOTN_HEADER):
    """The clean FOTN file with line ``n`` replaced by ``changes[n]``, plus ``extra`` lines."""
    lines = [header] + FOTN_ROWS + list(extra)
    for n, text in (changes or {}).items():
        lines[n - 1] = text
    path = tmp_path / "scores.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# A FIW workbook: a title row, then the header on row 2 (data from row 3).
FIW_HEADER = ["Country/Territory", "Edition", "Status", "PR rating", "CL rating", "Add Q",
              "Add A", "PR", "CL", "Total"]
FIW_ROWS = [
    ["Norway", 2019, "F", 1, 1, 0, "N/A", 40, 60, 100],      # row 3
    ["Chile", 2019, "F", 1, 1, 0, "N/A", 38, 56, 94],        # row 4
    ["Kenya", 2016, "PF", 4, 4, 0, 0, 22, 29, 51],           # row 5
    ["Eritrea", 2016, "NF", 7, 7, 0, 0, 1, 2, 3],            # row 6
]


def fiw_xlsx(tmp_path, changes: dict[int, list] = None):
    rows = [list(r) for r in FIW_ROWS]
    for n, r in (changes or {}).items():
        rows[n - 3] = r
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "FIW"
    ws.append(["Freedom in the World: test data"])
    ws.append(FIW_HEADER)
    for r in rows:
        ws.append(r)
    path = tmp_path / "fiw.xlsx"
    wb.save(path)
    return path


def failures_of(path, index="fotn", **kw):
    frame = read_scores(path, index, on_error="flag", **kw)
    f = frame.attrs["failures"]
    assert list(f.columns) == FAILURE_COLUMNS
    return frame, f


def only(failures, rule, row=None, column=None):
    """The single failure of ``rule`` (at ``row``, in ``column`` when given)."""
    sel = failures["rule"] == rule
    if row is not None:
        sel &= failures["row"] == row
    if column is not None:
        sel &= failures["column"] == column
    hits = failures[sel]
    assert len(hits) == 1, failures.to_string()
    return hits.iloc[0]


def test_clean_fixtures_have_no_failures(tmp_path):
    frame, f = failures_of(fotn_csv(tmp_path), orientation=HIGHER)
    assert len(frame) == 4 and len(f) == 0
    frame, f = failures_of(fiw_xlsx(tmp_path), "fiw")
    assert len(frame) == 4 and len(f) == 0
    assert frame["source_row"].tolist() == [3, 4, 5, 6]


# -- one fixture per rule ------------------------------------------------------------------------
# Each case: how to build the file, the index, read options, and the failure it must produce:
# (row as in the file, column header as written, found, start of expected).
def _case_missing_value(tmp_path):
    path = fotn_csv(tmp_path, {3: "Argentina,2023,F,19,,26,73"})
    return path, "fotn", {"orientation": HIGHER}, (3, "B", "blank", "a score 0-35")


def _case_not_a_number(tmp_path):
    path = fotn_csv(tmp_path, {4: "Armenia,2023,F,19,28,25,seventy-two"})
    return path, "fotn", {"orientation": HIGHER}, (4, "Total", "seventy-two",
                                                   "a whole number 0-100")


def _case_not_integer(tmp_path):
    path = fotn_csv(tmp_path, {5: "Australia,2023,F,22.5,28,25,75.5"})
    return path, "fotn", {"orientation": HIGHER}, (5, "Obstacles to Access (0-25)", "22.5",
                                                   "a whole number 0-25")


def _case_range(tmp_path):
    path = fotn_csv(tmp_path, {3: "Argentina,2023,F,26,28,26,80"})
    return path, "fotn", {"orientation": HIGHER}, (3, "Obstacles to Access (0-25)", "26",
                                                   "0-25")


def _case_sum(tmp_path):
    path = fotn_csv(tmp_path, {5: "Australia,2023,F,23,28,25,77"})
    return path, "fotn", {"orientation": HIGHER}, (
        5, "Total", "77", "76 = Obstacles to Access (0-25) + B + C")


def _case_status(tmp_path):
    # 59 is Partly Free on either scale, so this row cannot sway the orientation either.
    path = fotn_csv(tmp_path, {2: "Angola,2023,F,12,28,19,59"})
    return path, "fotn", {"orientation": HIGHER}, (
        2, "Status", "F", "PF (Partly Free: 40-69 on the higher-is-freer scale)")


def _case_rating(tmp_path):
    path = fiw_xlsx(tmp_path, {4: ["Chile", 2019, "F", 2, 1, 0, "N/A", 38, 56, 94]})
    return path, "fiw", {}, (4, "PR rating", "2", "1 (for PR 38)")


def _case_unknown_status(tmp_path):
    path = fotn_csv(tmp_path, {2: "Angola,2023,Mostly Free,12,28,19,59"})
    return path, "fotn", {"orientation": HIGHER}, (2, "Status", "Mostly Free",
                                                   "Free / Partly Free / Not Free")


def _case_unknown_country(tmp_path):
    path = fotn_csv(tmp_path, {4: "Narnia,2023,F,19,28,25,72"})
    return path, "fotn", {"orientation": HIGHER}, (4, "Country", "Narnia",
                                                   "a country or territory name")


def _case_duplicate(tmp_path):
    path = fotn_csv(tmp_path, extra=["Argentina,2023,F,19,28,26,73"])
    return path, "fotn", {"orientation": HIGHER}, (6, "Country", "Argentina",
                                                   "one row per country and edition (also on "
                                                   "row 3)")


def _case_edition(tmp_path):
    # There was no 2010 edition of Freedom on the Net.
    path = fotn_csv(tmp_path, {4: "Armenia,2010,F,19,28,25,72"})
    return path, "fotn", {"orientation": HIGHER}, (4, "Edition", "2010",
                                                   "an edition of Freedom on the Net")


def _case_not_applicable(tmp_path):
    # Add A was dropped from the 2018 edition on.
    path = fiw_xlsx(tmp_path, {3: ["Norway", 2019, "F", 1, 1, 0, 2, 40, 60, 100]})
    return path, "fiw", {}, (3, "Add A", "2", "blank or N/A: adda is not used")


CASES = {
    "missing_value": _case_missing_value,
    "not_a_number": _case_not_a_number,
    "not_integer": _case_not_integer,
    "range": _case_range,
    "sum": _case_sum,
    "status": _case_status,
    "rating": _case_rating,
    "unknown_status": _case_unknown_status,
    "unknown_country": _case_unknown_country,
    "duplicate": _case_duplicate,
    "edition": _case_edition,
    "not_applicable": _case_not_applicable,
}


def test_every_rule_has_a_case():
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fails_with_row_column_found_expected(tmp_path, rule):
    path, index, options, (row, column, found, expected) = CASES[rule](tmp_path)
    frame, failures = failures_of(path, index, **options)
    assert rule in set(failures["rule"])
    hit = only(failures, rule, row, column)
    assert hit["found"] == found
    assert hit["expected"].startswith(expected), hit["expected"]
    assert hit["source"].startswith(path.name)
    # Flagged, not dropped: every row of the file is still there, the failing one marked.
    assert rule in frame.loc[frame["source_row"] == row, "flags"].iloc[0].split(";")
    # The same file raises under on_error="raise", with the same failure among its failures.
    with pytest.raises(ValidationError) as info:
        read_scores(path, index, **options)
    raised = info.value.failures
    assert ((raised["row"] == row) & (raised["rule"] == rule)
            & (raised["column"] == column)).sum() == 1


def test_rows_are_kept_and_flagged(tmp_path):
    path = fotn_csv(tmp_path, {3: "Argentina,2023,F,19,28,26,74",
                               4: "Narnia,2023,F,19,28,25,72"})
    frame, failures = failures_of(path, orientation=HIGHER)
    assert frame["source_row"].tolist() == [2, 3, 4, 5]
    assert frame["flags"].tolist() == ["", "sum", "unknown_country", ""]
    assert pd.isna(frame.loc[frame["source_row"] == 4, "iso3"].iloc[0])
    # Nothing is fixed: the wrong total stays as published.
    assert frame.loc[frame["source_row"] == 3, "total"].iloc[0] == 74


def test_failure_records_carry_identity(tmp_path):
    path = fotn_csv(tmp_path, {5: "Australia,2023,F,23,28,25,77"})
    _, failures = failures_of(path, orientation=HIGHER)
    hit = only(failures, "sum")
    assert (hit["country"], hit["iso3"], hit["edition"]) == ("Australia", "AUS", 2023)


def test_several_rules_on_one_row_all_reported(tmp_path):
    path = fotn_csv(tmp_path, {3: "Argentina,2023,F,26,28,26,81"})  # A > 25; 26+28+26 = 80
    frame, failures = failures_of(path, orientation=HIGHER)
    assert set(zip(failures["row"], failures["column"], failures["rule"])) == {
        (3, "Obstacles to Access (0-25)", "range"),
        (3, "Total", "sum"),
    }
    assert frame.loc[frame["source_row"] == 3, "flags"].iloc[0] in ("range;sum", "sum;range")


def test_lazy_all_failures_at_once(tmp_path):
    path = fotn_csv(tmp_path, {
        2: "Angola,2023,Mostly Free,12,28,19,59",
        3: "Argentina,2023,F,19,,26,73",
        4: "Narnia,2023,F,19,28,25,72",
        5: "Australia,2023,F,23,28,25,77",
    }, extra=["Argentina,2023,F,19,28,26,73", "Niger,2023,NF,5,10,10,twenty-five"])
    with pytest.raises(ValidationError) as info:
        read_scores(path, orientation=HIGHER)
    err = info.value
    got = set(zip(err.failures["row"], err.failures["column"], err.failures["rule"]))
    assert got == {
        (2, "Status", "unknown_status"),
        (3, "B", "missing_value"),
        (4, "Country", "unknown_country"),
        (5, "Total", "sum"),
        (3, "Country", "duplicate"),
        (6, "Country", "duplicate"),
        (7, "Total", "not_a_number"),
    }
    assert err.source == "scores.csv"
    # The message shows the first five failures, where and why, and how to see them all.
    lines = str(err).splitlines()
    assert lines[0] == "7 validation failures on 6 rows in scores.csv:"
    assert lines[1] == ("  line 2 (Angola, 2023): Status: unknown_status: found Mostly Free, "
                        "expected Free / Partly Free / Not Free (F/PF/NF)")
    assert len(lines) == 1 + 5 + 2 and lines[6] == "  ... and 2 more"
    assert lines[7].startswith("`scoring validate scores.csv` lists every failure")
    assert list(err.failures.columns) == FAILURE_COLUMNS


def test_missing_country(tmp_path):
    path = fotn_csv(tmp_path, {3: ",2023,F,19,28,26,73"})
    _, failures = failures_of(path, orientation=HIGHER)
    hit = only(failures, "missing_value")
    assert (hit["row"], hit["column"], hit["found"]) == (3, "Country", "blank")
    assert len(failures) == 1


def test_long_iso3_file_failures_name_its_headers(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("ISO3,Year,value,Name\nAGO,2015,61,FotN\nAGO,2015,61,FotN\n"
                    "XXQ,2015,50,FotN\nARG,2015,,FotN\nKAZ,2015,101,FotN\n",
                    encoding="utf-8")
    frame, failures = failures_of(path, orientation=HIGHER)
    assert set(zip(failures["row"], failures["column"], failures["rule"])) == {
        (2, "ISO3", "duplicate"),
        (3, "ISO3", "duplicate"),
        (4, "ISO3", "unknown_country"),
        (5, "value", "missing_value"),
        (6, "value", "range"),
    }
    assert frame.attrs["columns"] == {"iso3": "ISO3", "edition": "Year", "total": "value",
                                      "indicator": "Name"}
    assert only(failures, "unknown_country")["found"] == "XXQ"


def test_long_file_of_another_index_is_refused(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("ISO3,Year,value,Indicator\nAGO,2015,61,FotN\nAGO,2015,31,FIW\n",
                    encoding="utf-8")
    with pytest.raises(ReadError, match="holds indicators other than Freedom on the Net: FIW"):
        read_scores(path, orientation=HIGHER)


def test_not_a_number_is_not_also_missing(tmp_path):
    path = fotn_csv(tmp_path, {4: "Armenia,2023,F,19,28,25,n/a?"})
    _, failures = failures_of(path, orientation=HIGHER)
    assert failures["rule"].tolist() == ["not_a_number"]


def test_na_where_the_component_applies_is_missing(tmp_path):
    path = fiw_xlsx(tmp_path, {5: ["Kenya", 2016, "PF", 4, 4, 0, "N/A", 22, 29, 51]})
    _, failures = failures_of(path, "fiw")
    hit = only(failures, "missing_value")
    assert (hit["row"], hit["column"], hit["found"]) == (5, "Add A", "blank")


def test_fiw_status_from_ratings(tmp_path):
    path = fiw_xlsx(tmp_path, {6: ["Eritrea", 2016, "PF", 7, 7, 0, 0, 1, 2, 3]})
    _, failures = failures_of(path, "fiw")
    hit = only(failures, "status")
    assert (hit["row"], hit["column"], hit["found"]) == (6, "Status", "PF")
    assert hit["expected"] == "NF (mean rating 7)"


def test_fiw_total_sum(tmp_path):
    path = fiw_xlsx(tmp_path, {5: ["Kenya", 2016, "PF", 4, 4, 0, 0, 22, 29, 52]})
    _, failures = failures_of(path, "fiw")
    hit = only(failures, "sum")
    assert (hit["row"], hit["column"], hit["found"]) == (5, "Total", "52")
    assert hit["expected"] == "51 = PR + CL"


def test_edition_not_a_year(tmp_path):
    path = fotn_csv(tmp_path, {4: "Armenia,twenty,F,19,28,25,72"})
    _, failures = failures_of(path, orientation=HIGHER)
    hit = only(failures, "edition")
    assert (hit["row"], hit["column"], hit["found"]) == (4, "Edition", "twenty")
    assert hit["expected"] == "a year such as 2024"
    assert pd.isna(hit["edition"])
    # Only the edition is reported: the row's scores are still checked as usual, and the
    # unknown edition does not turn into not_applicable or sum failures.
    assert len(failures) == 1


def test_status_expected_on_the_lower_is_freer_scale(tmp_path):
    path = tmp_path / "old.csv"
    path.write_text("Country,Edition,Status,A,B,C,Total\n"
                    "Angola,2015,F,14,8,17,39\n"          # 39 is Partly Free on the old scale
                    "Argentina,2015,F,7,8,12,27\n"
                    "Australia,2015,F,2,5,12,19\n"
                    "Bahrain,2015,NF,11,27,34,72\n", encoding="utf-8")
    frame, failures = failures_of(path, orientation="lower-is-freer")
    assert set(frame["orientation"]) == {"lower-is-freer"}
    hit = only(failures, "status")
    assert (hit["row"], hit["column"], hit["found"]) == (2, "Status", "F")
    assert hit["expected"] == "PF (Partly Free: 31-60 on the lower-is-freer scale)"
    assert len(failures) == 1


def test_validate_directly_on_a_frame(raw_frame):
    frame = raw_frame("freedom_house_2015.json")
    out = validate(frame, load_methodology("fotn"))
    assert list(out.columns) == FAILURE_COLUMNS
    assert out[["row", "column", "rule"]].values.tolist() == [[48, "Total_score", "sum"]]


# -- the real files ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [
    "FOTN_2023_Country_Score_Data.csv",
    "FOTN24_Country_Score_Data.xlsx",
    "FINAL_DATA_FOTN2018_TOTAL_and_CATEGORY_SCORES.xlsx",
    "DA2I_FotN_totals_2011-2019.csv",
    "All_data_FIW_2013-2024.xlsx",
])
def test_clean_real_files(raw_frame, name):
    frame = raw_frame(name)
    assert len(frame.attrs["failures"]) == 0
    assert (frame["flags"] == "").all()


@pytest.mark.parametrize("name, options", [
    ("FOTN_2023_Country_Score_Data.csv", {}),
    ("FINAL_DATA_FOTN2018_TOTAL_and_CATEGORY_SCORES.xlsx", {}),
    ("DA2I_FotN_totals_2011-2019.csv", {"orientation": HIGHER}),
])
def test_clean_real_files_read_under_raise(raw_dir, name, options):
    assert len(read_scores(raw_dir / name, on_error="raise", **options)) > 0


def test_fotn_2015_json_south_africa(raw_frame, raw_dir):
    failures = raw_frame("freedom_house_2015.json").attrs["failures"]
    assert len(failures) == 1
    hit = failures.iloc[0]
    assert (hit["country"], hit["iso3"], hit["row"], hit["column"], hit["rule"], hit["found"]) \
        == ("South Africa", "ZAF", 48, "Total_score", "sum", "27")
    assert hit["expected"].startswith("26")
    assert hit["expected"] == ("26 = Obstacle_to_access + Limits_on_content + "
                               "Violations_of_user_rights")
    frame = raw_frame("freedom_house_2015.json")
    assert frame.loc[frame["source_row"] == 48, "flags"].iloc[0] == "sum"
    assert (frame["flags"] != "").sum() == 1
    with pytest.raises(ValidationError) as info:
        read_scores(raw_dir / "freedom_house_2015.json", edition=2015)
    assert len(info.value.failures) == 1
    assert "1 validation failure on 1 row" in str(info.value)


def test_fiw_aggregate_kosovo(raw_frame):
    frame = raw_frame("Aggregate_Category_and_Subcategory_Scores_FIW_2003-2023.xlsx")
    failures = frame.attrs["failures"]
    assert set(zip(failures["row"], failures["column"], failures["rule"])) == {
        (3440, "PR", "sum"),
        (3440, "CL", "sum"),
        (3440, "Status", "status"),
        (3647, "PR", "sum"),
        (3647, "Status", "status"),
    }
    assert len(failures) == 5
    assert set(failures["country"]) == {"Kosovo"}
    assert set(failures["iso3"]) == {"XKX"}
    assert set(zip(failures["row"], failures["edition"])) == {(3440, 2007), (3647, 2006)}
    pr07 = failures[(failures["row"] == 3440) & (failures["column"] == "PR")].iloc[0]
    # "found" may go on to name the spreadsheet formula that computed the value.
    assert pr07["found"].split()[0] == "11"
    assert pr07["expected"] == "17 = A + B + C - Add Q + Add A"
    st = failures[(failures["row"] == 3647) & (failures["rule"] == "status")].iloc[0]
    assert st["found"].split()[0] == "PF"
    assert st["expected"] == "NF (mean rating 5.5)"
    flagged = frame[frame["flags"] != ""]
    assert sorted(flagged["source_row"]) == [3440, 3647]
    assert len(frame) == 3759  # flagged, never dropped
