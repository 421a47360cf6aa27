"""Every panel format read back equals the table, by pandas and by an independent Stata reader.

Each file is read back by the reader an analyst would use (``pandas.read_csv``,
``read_excel``, ``read_json``, ``read_parquet``, ``read_stata``) and compared with the table
cell by cell: numbers to 1e-9, a missing score missing (never 0), text exact.

The Stata files are also read by pyreadstat, a wrapper of ReadStat, the C library that R's
haven package (``haven::read_dta``) uses: R itself is not installed where these tests run, so
pyreadstat stands in for R/haven. It must see the same variable names, variable labels,
dataset label, value labels and values.
"""

import io
import json

import numpy as np
import pandas as pd
import pytest

from scoring import Panel, load_dataset, load_panel, panel_table
from scoring.publish.panel_export import LEVELS
from scoring.publish.panel_formats import (FORMATS, STATUS_CODES, export_panel,
                                           formula_cells, stata_names)

pyreadstat = pytest.importorskip("pyreadstat")
pytest.importorskip("pyarrow")

_STATUS_NAMES = {"Free": "F", "Partly Free": "PF", "Not Free": "NF"}


@pytest.fixture(scope="module")
def panels():
    return {"fotn": load_panel("fotn"), "fiw": load_panel("fiw")}


@pytest.fixture(scope="module")
def tables(panels):
    cache = {}

    def get(index, level, wide):
        if (index, level, wide) not in cache:
            cache[(index, level, wide)] = panel_table(panels[index], level=level, wide=wide)
        return cache[(index, level, wide)]

    return get


def read_back(fmt: str, payload, tmp_path) -> pd.DataFrame:
    """The file as an analyst's pandas reads it."""
    if fmt == "csv":
        return pd.read_csv(io.StringIO(payload))
    if fmt == "xlsx":
        return pd.read_excel(io.BytesIO(payload), sheet_name="panel")
    if fmt == "json":
        records = json.loads(payload)["records"]
        return pd.read_json(io.StringIO(json.dumps(records)), orient="records")
    if fmt == "parquet":
        return pd.read_parquet(io.BytesIO(payload))
    path = tmp_path / "panel.dta"
    path.write_bytes(payload)
    back = pd.read_stata(path)
    for column in back.columns:
        if isinstance(back[column].dtype, pd.CategoricalDtype):  # labelled statuses
            back[column] = back[column].astype(object).map(_STATUS_NAMES)
    return back


def assert_same_table(table: pd.DataFrame, back: pd.DataFrame, names=None) -> None:
    """Cell by cell: numbers to 1e-9 with missing where missing, text exact (missing text
    and empty text are one in the formats that cannot tell them apart)."""
    names = names or {c: c for c in table.columns}
    table = table.copy()
    table.attrs = {}  # pandas would deep-copy the metadata into every column looked at
    assert list(back.columns) == [names[c] for c in table.columns]
    assert len(back) == len(table)
    for column in table.columns:
        want, got = table[column], back[names[column]]
        if want.dtype.kind in "biuf":
            w, g = want.to_numpy(dtype=float), got.to_numpy(dtype=float)
            assert np.array_equal(np.isnan(w), np.isnan(g)), column
            assert np.allclose(w[~np.isnan(w)], g[~np.isnan(g)], rtol=0, atol=1e-9), column
        else:
            w = want.astype(object).where(want.notna(), "").tolist()
            g = got.astype(object).where(got.notna(), "").tolist()
            assert w == g, column


def _cases():
    for index in ("fotn", "fiw"):
        for level in LEVELS:
            for wide in (False, True):
                for fmt in FORMATS:
                    # openpyxl writes and reads FIW's 90,000-180,000 cells of categories and
                    # questions in 5-10 s each way: the full suite runs them.
                    slow = index == "fiw" and level != "total" and fmt == "xlsx"
                    marks = [pytest.mark.slow] if slow else []
                    yield pytest.param(index, level, wide, fmt, marks=marks,
                                       id=f"{index}-{level}-{'wide' if wide else 'long'}-{fmt}")


@pytest.mark.parametrize("index, level, wide, fmt", list(_cases()))
def test_bundled_panel_reads_back_equal(tables, tmp_path, index, level, wide, fmt):
    table = tables(index, level, wide)
    assert formula_cells(table) == []  # nothing of the bundled data is neutralised in CSV
    assert_same_table(table, read_back(fmt, export_panel(table, fmt), tmp_path))


@pytest.mark.parametrize("index", ["fotn", "fiw"])
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("wide", [False, True])
def test_stata_file_as_haven_would_read_it(tables, tmp_path, index, level, wide):
    table = tables(index, level, wide)
    path = tmp_path / "panel.dta"
    path.write_bytes(export_panel(table, "dta"))
    data, meta = pyreadstat.read_dta(str(path))
    labels = table.attrs["labels"]
    assert meta.column_names == list(table.columns)  # every name already valid in Stata
    assert meta.column_labels == [labels[c] for c in table.columns]
    assert meta.file_label.startswith(f"{table.attrs['metadata']['name']} ")
    assert "higher = freer" in meta.file_label and len(meta.file_label) <= 80
    statuses = [c for c in table.columns if c == "status" or c.startswith("status_")]
    assert statuses
    for column in statuses:
        assert meta.variable_value_labels[column] == {1: "Free", 2: "Partly Free",
                                                      3: "Not Free"}
    coded = table.copy()
    for column in statuses:
        coded[column] = table[column].map(STATUS_CODES).astype(float)
    assert_same_table(coded, data)


def test_json_carries_metadata_and_labels(tables):
    table = tables("fotn", "categories", False)
    doc = json.loads(export_panel(table, "json"))
    assert doc["metadata"]["index"] == "fotn" and doc["metadata"]["rows"] == len(table)
    assert {"scale", "sources", "citation", "version", "level"} <= set(doc["metadata"])
    assert doc["variables"][5] == {"name": "access",
                                   "label": "Obstacles to Access (0-25, higher = freer)"}
    assert len(doc["records"]) == len(table)


def test_parquet_carries_labels_and_metadata(tables):
    import pyarrow.parquet as pq

    table = tables("fiw", "categories", True)
    schema = pq.read_schema(io.BytesIO(export_panel(table, "parquet")))
    assert schema.field("total_2024").metadata[b"label"].decode() == (
        "2024: Total score (-4 to 100, higher = freer)")
    meta = json.loads(schema.metadata[b"scoring"])
    assert meta["form"] == "wide" and meta["index"] == "fiw"


def test_xlsx_has_variables_and_metadata_sheets(tables):
    table = tables("fotn", "total", True)
    sheets = pd.read_excel(io.BytesIO(export_panel(table, "xlsx")), sheet_name=None)
    assert list(sheets) == ["panel", "variables", "metadata"]
    assert sheets["variables"]["name"].tolist() == list(table.columns)
    meta = sheets["metadata"].set_index("key")["value"]
    assert meta["form"] == "wide" and json.loads(meta["editions"])[0] == min(
        int(c.split("_")[1]) for c in table.columns if c.startswith("total_"))


# -- edge cases --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def edge_panel():
    """Real FIW rows: Côte d'Ivoire and Türkiye spelt with their accents, a territory (Hong
    Kong), editions with subcategories but no questions (2006-2012), and sources whose names
    a spreadsheet would run as formulas."""
    rows = load_dataset("fiw")
    rows = rows[rows["iso3"].isin(["CIV", "TUR", "HKG"])].copy()
    rows.loc[rows["iso3"] == "CIV", "country"] = "Côte d'Ivoire"
    rows.loc[rows["iso3"] == "TUR", "country"] = "Türkiye"
    first = rows.index[rows["edition"] == rows["edition"].min()]
    rows.loc[first[0], "source"] = '=HYPERLINK("http://example.invalid","x")'
    rows.loc[first[1], "source"] = "-minus.csv"
    rows.loc[first[2], "source"] = "@at.csv"
    return Panel.from_frame(rows, "fiw")


@pytest.mark.parametrize("wide", [False, True], ids=["long", "wide"])
@pytest.mark.parametrize("fmt", ["xlsx", "json", "parquet", "dta"])
def test_edge_cases_round_trip_exactly(edge_panel, tmp_path, fmt, wide):
    table = panel_table(edge_panel, level="questions", wide=wide, include_territories=True)
    back = read_back(fmt, export_panel(table, fmt), tmp_path)
    assert_same_table(table, back)
    assert {"Côte d'Ivoire", "Türkiye", "Hong Kong"} <= set(back["country"])
    if not wide:
        assert (back["ct"] == "t").sum() == (edge_panel.scores["iso3"] == "HKG").sum()
        early = table["edition"] < 2013
        assert table.loc[early, "A"].notna().all()  # subcategories published
        assert back.loc[early.to_numpy(), "A1"].isna().all()  # questions not: missing, not 0
        assert '=HYPERLINK("http://example.invalid","x")' in set(back["source"])


def test_edge_cases_in_stata_as_haven_would_read_them(edge_panel, tmp_path):
    table = panel_table(edge_panel, level="categories", include_territories=True)
    path = tmp_path / "edge.dta"
    path.write_bytes(export_panel(table, "dta"))
    data, meta = pyreadstat.read_dta(str(path))
    assert {"Côte d'Ivoire", "Türkiye"} <= set(data["country"])
    assert set(data.loc[data["iso3"] == "HKG", "ct"]) == {"t"}
    assert meta.column_labels[meta.column_names.index("ct")] == "c = country, t = territory"


def test_csv_neutralises_formula_text_and_says_where(edge_panel):
    table = panel_table(edge_panel, include_territories=True)
    cells = formula_cells(table)
    assert {c["value"] for c in cells} == {'=HYPERLINK("http://example.invalid","x")',
                                           "-minus.csv", "@at.csv"}
    back = pd.read_csv(io.StringIO(export_panel(table, "csv")))
    for cell in cells:
        assert back.loc[cell["line"] - 2, cell["column"]] == "'" + cell["value"]
    assert (back["total"] < 0).sum() == (table["total"] < 0).sum()  # numbers untouched


def test_xlsx_stores_formula_text_as_text(edge_panel):
    import openpyxl

    table = panel_table(edge_panel, include_territories=True)
    sheet = openpyxl.load_workbook(io.BytesIO(export_panel(table, "xlsx")))["panel"]
    column = list(table.columns).index("source") + 1
    cells = [sheet.cell(row=r, column=column) for r in range(2, len(table) + 2)]
    hyperlink = [c for c in cells if str(c.value).startswith("=")]
    assert len(hyperlink) == 1 and hyperlink[0].data_type == "s"  # text, not a formula


def test_parquet_without_pyarrow_names_the_extra(edge_panel, without_pyarrow):
    table = panel_table(edge_panel)
    with pytest.raises(ImportError, match=r"pip install 'scoring\[parquet\]'"):
        export_panel(table, "parquet")


def test_unknown_format_is_refused(edge_panel):
    with pytest.raises(ValueError, match="fmt must be one of csv, xlsx, json, parquet, dta; "
                                         "got 'sav'"):
        export_panel(panel_table(edge_panel), "sav")


def test_xlsx_shows_what_a_cell_cannot_store_as_an_escape(edge_panel):
    # As every workbook the package writes (scoring._output.xlsx_text); the rest is exact.
    import openpyxl

    table = panel_table(edge_panel)
    table.loc[0, "flags"] = "bad\x01flag"
    sheet = openpyxl.load_workbook(io.BytesIO(export_panel(table, "xlsx")))["panel"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("flags") + 1).value == "bad\\x01flag"


def test_stata_refuses_a_status_it_has_no_code_for(edge_panel):
    table = panel_table(edge_panel)
    table.loc[1, "status"] = "Free-ish"
    with pytest.raises(ValueError, match=r"column status, row 2: status 'Free-ish' has no "
                                         r"Stata code"):
        export_panel(table, "dta")


@pytest.mark.parametrize("columns, names", [
    (["total_2023", "A1_2024"], ["total_2023", "A1_2024"]),
    (["1st", "a-b", "in", "str12"], ["_1st", "a_b", "_in", "_str12"]),
    (["x" * 40, "x" * 41], ["x" * 32, "x" * 30 + "_1"]),
    (["a b", "a_b"], ["a_b", "a_b_1"]),
])
def test_stata_names_are_valid_and_unique(columns, names):
    assert list(stata_names(columns).values()) == names


def test_renamed_columns_keep_their_labels_in_stata(tmp_path):
    table = pd.DataFrame({"score 2023": [1.0, np.nan], "status": ["F", None]})
    table.attrs = {"labels": {"score 2023": "A score " + "x" * 90, "status": "Status"},
                   "metadata": {"name": "Test", "editions": [2023], "level": "total",
                                "form": "long", "version": "0"}}
    path = tmp_path / "t.dta"
    path.write_bytes(export_panel(table, "dta"))
    _, meta = pyreadstat.read_dta(str(path))
    assert meta.column_names == ["score_2023", "status"]
    assert meta.column_labels[0].startswith("A score xxx") and len(meta.column_labels[0]) == 80


def test_readme_shows_what_a_stata_user_sees(tables, tmp_path):
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    block = readme.split("What a Stata user sees")[1].split("```text\n")[1].split("```")[0]
    shown = {line.split()[0]: line.split(None, 2)[2].replace(" (value labels)", "")
             for line in block.splitlines()[2:]}
    path = tmp_path / "fotn.dta"
    path.write_bytes(export_panel(tables("fotn", "categories", False), "dta"))
    _, meta = pyreadstat.read_dta(str(path))
    assert block.splitlines()[0].startswith(meta.file_label)
    assert shown == dict(zip(meta.column_names, meta.column_labels))
