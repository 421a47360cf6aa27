"""The bundled datasets: provenance checks, reproducible build, and what the sources hold."""

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from scoring import load_dataset, load_methodology
from scoring.datasets.build import build_datasets, check_sources
from scoring.errors import DatasetError
from scoring.datasets.registry import datasets_dir, list_datasets, load_sources, sha256_of

ROOT = Path(__file__).resolve().parents[2] / "datasets"


#: The progress calls of the build below (so that the committed tables are also what a build
#: with progress writes).
BUILD_PROGRESS = []


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    out = tmp_path_factory.mktemp("built")
    return out, build_datasets(ROOT, out, progress=lambda *call: BUILD_PROGRESS.append(call))


def test_a_build_counts_each_source_and_table(rebuilt):
    read = [s for s in load_sources(ROOT) if s.get("read", True)]
    total = len(read) + len(list_datasets(ROOT))
    counts = [done for done, _, _ in BUILD_PROGRESS]
    assert {t for _, t, _ in BUILD_PROGRESS} == {total}
    assert counts == list(range(total + 1))
    labels = [label for _, _, label in BUILD_PROGRESS]
    assert sorted(label.removeprefix("reading ") for label in labels
                  if label.startswith("reading ")) == sorted(
        s["file"].removeprefix("raw/") for s in read)
    assert labels[-1] == f"built {len(list_datasets(ROOT))} tables"


@pytest.mark.parametrize("name", ["fotn.csv", "fiw.csv", "findings.csv", "disagreements.csv",
                                  "repairs.csv"])
def test_rebuild_reproduces_the_committed_tables(rebuilt, name):
    out, _ = rebuilt
    assert (out / name).read_bytes() == (ROOT / name).read_bytes(), (
        f"datasets/{name} is stale: run `scoring datasets build` and commit the result")


def test_every_raw_file_is_listed_with_its_checksum():
    sources = load_sources(ROOT)
    listed = {s["file"] for s in sources}
    on_disk = {f"raw/{p.name}" for p in (ROOT / "raw").iterdir()}
    assert listed == on_disk
    for s in sources:
        assert sha256_of(ROOT / s["file"]) == s["sha256"]
        assert s["repository"] and s["path"] and s["scale"] and s["content"]


def test_a_changed_raw_file_stops_the_build(tmp_path):
    root = tmp_path / "datasets"
    shutil.copytree(ROOT, root)
    target = root / "raw" / "FOTN_2023_Country_Score_Data.csv"
    target.write_bytes(target.read_bytes().replace(b"Angola,2023,PF,2", b"Angola,2023,PF,3"))
    with pytest.raises(DatasetError, match="FOTN_2023_Country_Score_Data.csv: sha256 is"):
        check_sources(root)
    with pytest.raises(DatasetError):
        build_datasets(root)


def test_findings_are_exactly_the_real_problems(rebuilt):
    _, report = rebuilt
    got = {(r.iso3, r.edition, r.column, r.rule) for r in report.findings.itertuples()}
    assert got == {
        # FOTN 2015 (freedom_house_2015.json): 8 + 7 + 11 = 26, total published 27.
        ("ZAF", 2015, "Total_score", "sum"),
        # FIW06-23 sheet: Kosovo 2006/2007 PR cells hold a formula with the signs of Add Q and
        # Add A swapped (=H+I+J+K-L), 2007's CL formula adds G and PR, and the published PF
        # contradicts ratings 6/5 (mean 5.5 = Not Free).
        ("XKX", 2006, "PR", "sum"), ("XKX", 2007, "PR", "sum"), ("XKX", 2007, "CL", "sum"),
        ("XKX", 2006, "Status", "status"), ("XKX", 2007, "Status", "status"),
    }


def test_sources_agree_where_they_overlap(rebuilt):
    _, report = rebuilt
    d = report.disagreements
    fotn = d[d["index"] == "fotn"]
    # Every FOTN value two sources give differently, on the canonical scale (higher = freer).
    # Booklets 2011-2013 print Australia 18/18/18 and the United Kingdom 25/25/24; the 2014
    # booklet reprints 2013 as 17 and 23, and DA2I follows these revisions back to 2011 (and
    # by one more point in 2012). Saudi Arabia 2014: 73 in the booklet, 72 in DA2I.
    differs = fotn[fotn["kind"] == "value differs (canonical scale)"]
    b = "internetfreedom_{}.pdf".format
    da2i = "DA2I_FotN_totals_2011-2019.csv"
    assert {(r.edition, r.iso3, r.kept_source, r.kept_value, r.other_source, r.other_value)
            for r in differs.itertuples()} == {
        (2011, "AUS", b(2011), "82", da2i, "83"), (2011, "GBR", b(2011), "75", da2i, "76"),
        (2012, "AUS", b(2012), "82", da2i, "84"), (2012, "GBR", b(2012), "75", da2i, "77"),
        (2013, "AUS", b(2014), "83", b(2013), "82"), (2013, "GBR", b(2014), "77", b(2013), "76"),
        (2014, "SAU", b(2014), "27", da2i, "28")}
    assert set(differs["column"]) == {"total"}
    # The 2014 booklet's reprint is Freedom House's later statement of 2013 and is kept; the
    # categories and status the 2013 booklet printed no longer sum to it and are listed, not
    # kept.
    dropped = fotn[fotn["kind"].str.startswith("not kept")]
    assert {(r.iso3, r.column, r.other_value) for r in dropped.itertuples()} == {
        ("AUS", "access", "23"), ("AUS", "content", "30"), ("AUS", "rights", "29"),
        ("AUS", "status", "F"), ("GBR", "access", "23"), ("GBR", "content", "29"),
        ("GBR", "rights", "24"), ("GBR", "status", "F")}
    assert set(dropped["edition"]) == {2013}
    # DA2I's 2018 rows lack two countries the Freedom House sheet has.
    missing = fotn[fotn["kind"].str.startswith("row missing")]
    assert set(zip(missing["edition"], missing["iso3"])) == {(2018, "AGO"), (2018, "ARG")}
    # FIW 2006-2023 agrees in all three workbooks; see the next test for 2024.
    assert set(d.loc[d["index"] == "fiw", "edition"]) == {2024}


def test_a_booklet_row_is_kept_when_the_next_booklet_agrees(rebuilt):
    # Where the 2014 booklet's reprint of a 2013 total agrees with the 2013 booklet, the 2013
    # booklet's row (with its categories and status) is kept; where it does not, the reprint.
    fotn = load_dataset("fotn", as_published=True)
    rows = fotn[fotn["edition"] == 2013].set_index("iso3")
    assert (rows.loc["AUS", "total"], rows.loc["AUS", "source"]) == (17, "internetfreedom_2014.pdf")
    assert pd.isna(rows.loc["AUS", "access"]) and pd.isna(rows.loc["AUS", "status"])
    chn = rows.loc["CHN"]
    assert chn["source"] == "internetfreedom_2013.pdf" and chn["source_row"] // 1000 in (18, 19, 20)
    assert (chn["access"] + chn["content"] + chn["rights"] == chn["total"]) and chn["status"] == "NF"


def test_every_cell_the_two_fiw_releases_disagree_on(rebuilt):
    # Compared cell by cell on every entity and edition 2013-2024 (2,515 rows): the 2013-2025
    # release revises one indicator of Eastern Donbas 2024, and the sums it enters with it.
    # The newer release is kept as Freedom House's latest statement of its scores; the
    # earlier value stays traceable here with its file and row.
    _, report = rebuilt
    d = report.disagreements
    fiw = d[d["index"] == "fiw"]
    got = {(r.edition, r.iso3, r.column, r.kept_value, r.other_value, r.kept_source,
            r.kept_row, r.other_source, r.other_row) for r in fiw.itertuples()}
    new, old = "All_data_FIW_2013-2025.xlsx", "All_data_FIW_2013-2024.xlsx"
    assert got == {(2024, "XDB", column, kept, other, new, 263, old, 55)
                   for column, kept, other in (("G3", "1", "2"), ("G", "2", "3"),
                                                ("cl", "3", "4"), ("total", "2", "3"))}
    fiw_table = load_dataset("fiw")
    xdb = fiw_table[(fiw_table["iso3"] == "XDB") & (fiw_table["edition"] == 2024)].iloc[0]
    assert (xdb["total"], xdb["source"], xdb["source_row"]) == (2, new, 263)


def test_fotn_panel_per_edition():
    fotn = load_dataset("fotn")
    counts = fotn.groupby("edition").size().to_dict()
    # Countries assessed (METHODOLOGY.md): 37 (2011), 47 (2012), 60 (2013), 65 (2014-2020),
    # 70 (2021-2023), 72 (2024).
    assert counts == {2011: 37, 2012: 47, 2013: 60, 2014: 65, 2015: 65, 2016: 65, 2017: 65,
                      2018: 65, 2019: 65, 2020: 65, 2021: 70, 2022: 70, 2023: 70, 2024: 72}
    assert not fotn.duplicated(["iso3", "edition"]).any()
    # Every edition 2019-2024 comes from Freedom House's own sheet, per question.
    sheets = fotn[fotn["edition"] >= 2019]
    assert (sheets["source_kind"] == "fh-sheet").all()
    assert sheets[["access", "content", "rights", "A1", "C8", "status"]].notna().all().all()
    assert set(sheets["source"].str.split(" ").str[0]) == {
        "internetfreedom_2019.xlsx", "internetfreedom_2020.xlsx", "internetfreedom_2021.xlsx",
        "internetfreedom_2022.xlsx", "FOTN_2023_Country_Score_Data.csv",
        "FOTN24_Country_Score_Data.xlsx"}
    # Categories and status in every edition but 2017 (totals only, from DA2I), and but the
    # two 2013 totals Freedom House revised (previous test).
    with_categories = fotn.loc[fotn["access"].notna()].groupby("edition").size().to_dict()
    assert set(with_categories) == set(range(2011, 2025)) - {2017}
    assert {ed: n for ed, n in with_categories.items() if n != counts[ed]} == {2013: 58}
    assert fotn.loc[fotn["edition"] != 2017, "status"].notna().sum() == len(fotn) - 65 - 2


def test_gambia_in_every_edition_it_was_assessed():
    # Spelled "Gambia" (DA2I 2014-2017, FOTN 2018, 2022), "Gambia, The" (2015) and "The Gambia"
    # (2019-2021, 2023, 2024): one code throughout.
    fotn = load_dataset("fotn")
    gmb = fotn[fotn["iso3"] == "GMB"]
    assert sorted(gmb["edition"]) == list(range(2014, 2025))
    assert set(gmb["country"]) == {"Gambia", "Gambia, The", "The Gambia"}
    assert fotn[fotn["country"].str.contains("Gambia")]["iso3"].eq("GMB").all()


def test_third_party_rows_say_so():
    # The DA2I series supplies the totals of 2017 only; every other edition comes from Freedom
    # House's sheets, booklets and country report, or the 2015 transcription. Outputs credit
    # DA2I by this column.
    fotn = load_dataset("fotn")
    da2i = fotn[fotn["source_kind"] == "third-party"]
    assert set(da2i["source"]) == {"DA2I_FotN_totals_2011-2019.csv"}
    assert set(da2i["edition"]) == {2017} and len(da2i) == 65
    booklets = fotn[fotn["source"].str.endswith(".pdf")]
    assert (booklets["source_kind"] == "fh-publication").all()
    assert booklets.groupby("edition").size().to_dict() == {2011: 37, 2012: 47, 2013: 60,
                                                            2014: 64, 2016: 65}
    assert set(fotn["source_kind"]) == {"fh-sheet", "fh-publication", "transcription",
                                        "third-party"}
    assert set(load_dataset("fiw")["source_kind"]) == {"fh-sheet"}


def test_kazakhstan_2014_comes_from_the_report_with_provenance(rebuilt):
    fotn = load_dataset("fotn", as_published=True)
    row = fotn[(fotn["iso3"] == "KAZ") & (fotn["edition"] == 2014)].iloc[0]
    assert (row["access"], row["content"], row["rights"], row["total"]) == (15, 23, 22, 60)
    assert row["status"] == "PF" and row["orientation"] == "lower-is-freer"
    assert row["source_kind"] == "fh-publication"
    # Read by the report parser: the score table starts on line 7 of the report's text.
    assert row["source"] == "FOTN2015_Kazakhstan.txt" and row["source_row"] == 7
    _, report = rebuilt
    repairs = report.repairs
    report_repairs = repairs[repairs["source"] == "FOTN2015_Kazakhstan.txt"]
    assert set(report_repairs["line"]) == {9, 10, 13}  # the OCR ghosts it had to decide about
    # The other repairs are the 2016 booklet's: a status read from its dot's colour per row,
    # and each digit read from a glyph code, with page and line.
    others = repairs[repairs["source"] != "FOTN2015_Kazakhstan.txt"]
    assert set(others["source"]) == {"internetfreedom_2016.pdf"}
    assert (others["field"] == "status").sum() == 65 and others["page"].notna().all()


def test_golden_rows_as_published():
    fotn = load_dataset("fotn", as_published=True)
    kaz = fotn[(fotn["iso3"] == "KAZ") & (fotn["edition"] == 2015)].iloc[0]
    assert (kaz["access"], kaz["content"], kaz["rights"], kaz["total"]) == (14, 23, 24, 61)
    assert kaz["status"] == "NF" and kaz["orientation"] == "lower-is-freer"
    assert "published_orientation" not in fotn.columns  # the scale is in orientation
    canon = load_dataset("fotn")
    kaz = canon[(canon["iso3"] == "KAZ") & (canon["edition"] == 2015)].iloc[0]
    assert (kaz["access"], kaz["content"], kaz["rights"], kaz["total"]) == (11, 12, 16, 39)
    assert kaz["published_orientation"] == "lower-is-freer"


def test_one_scale_by_default():
    # Before, a plain pivot of the table gave Angola 40 in 2018 (published 0 = most free) next
    # to 64 in 2019: two scales in one column.
    wide = load_dataset("fotn").pivot(index="iso3", columns="edition", values="total")
    assert (wide.loc["AGO", 2018], wide.loc["AGO", 2019]) == (60, 64)  # 100 - 40
    assert (wide.loc["KAZ", 2014], wide.loc["KAZ", 2015]) == (40, 39)  # 100 - 60, 100 - 61
    for name in ("fotn", "fiw"):
        frame = load_dataset(name)
        assert (frame["orientation"] == "higher-is-freer").all(), name
        # ... and the CSV a user opens in a spreadsheet says the same on every row.
        with open(ROOT / f"{name}.csv", encoding="utf-8", newline="") as fh:
            scales = {r["orientation"] for r in csv.DictReader(fh)}
        assert scales == {"higher-is-freer"}, name
    published = load_dataset("fotn")["published_orientation"]
    eds = load_dataset("fotn").loc[published == "lower-is-freer", "edition"]
    assert set(eds) == set(range(2011, 2019)) - {2017}  # 2017: DA2I, converted by DA2I


def test_canonical_keyword_still_accepted():
    canon = load_dataset("fotn")
    pd.testing.assert_frame_equal(load_dataset("fotn", canonical=True), canon)
    pd.testing.assert_frame_equal(load_dataset("fotn", canonical=False),
                                  load_dataset("fotn", as_published=True))
    with pytest.raises(ValueError, match="canonical and as_published must not both be True"):
        load_dataset("fotn", canonical=True, as_published=True)


@pytest.mark.parametrize("name", ["fotn", "fiw"])
def test_as_published_round_trips_to_the_raw_values(name):
    # Every kept row, read again from its raw file by the reader, equals the as-published
    # table cell for cell: canonical scores lose nothing.
    from scoring import read_booklet, read_scores, read_report

    table = load_dataset(name, as_published=True)
    m = load_methodology(name)
    sources = {s["file"].removeprefix("raw/"): s for s in load_sources(ROOT)}
    checked = 0
    for source, rows in table.groupby("source"):
        s = sources[source.split(" [sheet ")[0]]
        if s.get("reader") == "report":
            raw = read_report(ROOT / s["file"], on_error="flag")
        elif s.get("reader") == "booklet":
            raw = read_booklet(ROOT / s["file"], on_error="flag")
        else:
            raw = read_scores(ROOT / s["file"], name, edition=s.get("edition"),
                              orientation=s.get("orientation"), sheet=s.get("sheet"),
                              on_error="flag")
        raw = raw.set_index(["iso3", "edition"])
        for row in rows.itertuples(index=False):
            want = raw.loc[(row.iso3, row.edition)]
            assert row.orientation == want["orientation"], (source, row.iso3, row.edition)
            for key in m.keys:
                if key in rows.columns and key in want.index:
                    got, exp = getattr(row, key), want[key]
                    assert (pd.isna(got) and pd.isna(exp)) or got == exp, (
                        source, row.source_row, key, got, exp)
            checked += 1
    assert checked == len(table)


def test_fiw_table():
    fiw = load_dataset("fiw")
    assert sorted(fiw["edition"].unique()) == list(range(2006, 2026))
    assert set(fiw["ct"]) == {"c", "t"}
    assert fiw.groupby("edition").size().min() >= 206
    assert fiw.groupby("edition").size()[2025] == 208
    assert not fiw.duplicated(["iso3", "edition"]).any()
    nam = fiw[(fiw["iso3"] == "NAM")]  # Namibia's ISO2 "NA" must not become a missing value
    assert len(nam) == 20 and nam["country"].eq("Namibia").all()
    # Editions 2013-2025 come from the 2013-2025 all-data workbook (indicators); earlier ones
    # from the aggregate workbook (subcategories only).
    assert set(fiw.loc[fiw["edition"] >= 2013, "source"]) == {"All_data_FIW_2013-2025.xlsx"}
    assert fiw.loc[fiw["edition"] >= 2013, "A1"].notna().all()
    assert fiw.loc[fiw["edition"] < 2013, "A1"].isna().all()
    assert (fiw["pr"] == fiw[["A", "B", "C"]].sum(axis=1) - fiw["addq"]
            + fiw["adda"].fillna(0)).sum() == len(fiw) - 2  # Kosovo 2006 and 2007


def test_registry_and_location(monkeypatch, tmp_path):
    names = [e["name"] for e in list_datasets()]
    assert names == ["fotn", "fiw"]
    assert datasets_dir() == ROOT
    monkeypatch.setenv("SCORING_DATASETS", str(tmp_path))
    with pytest.raises(DatasetError, match="bundled datasets not found"):
        datasets_dir()


def test_an_installed_package_reads_its_own_copy(monkeypatch, tmp_path):
    from scoring.datasets import registry

    monkeypatch.delenv("SCORING_DATASETS", raising=False)
    monkeypatch.setattr(registry, "_clone_datasets", lambda: None)  # not a source tree
    monkeypatch.setattr(registry, "installed_copy", lambda: tmp_path)
    with pytest.raises(DatasetError, match="bundled datasets not found") as err:
        datasets_dir()
    for place in ("SCORING_DATASETS", str(ROOT), str(tmp_path)):
        assert place in str(err.value)
    shutil.copy(ROOT / "registry.toml", tmp_path)
    assert datasets_dir() == tmp_path


def test_a_build_does_not_rewrite_the_installed_copy(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from scoring.cli import main

    monkeypatch.setattr("scoring.datasets.build.installed_copy", lambda: ROOT)
    with pytest.raises(ValueError, match="the copy inside the installed package"):
        build_datasets(ROOT)
    result = CliRunner().invoke(main, ["datasets", "build"])
    assert result.exit_code == 2 and "--out DIR" in result.output
    result = CliRunner().invoke(main, ["datasets", "build", "--out", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new" / "fotn.csv").read_bytes() == (ROOT / "fotn.csv").read_bytes()


def test_validate_on_the_bundled_tables_finds_only_the_real_problems():
    # A merged table holds rows from sources with different columns: a component a source
    # never published is not a missing value (found by the notebooks' author).
    from scoring import load_methodology, validate

    fotn = validate(load_dataset("fotn"), load_methodology("fotn"))
    assert list(zip(fotn["iso3"], fotn["edition"], fotn["rule"])) == [("ZAF", 2015, "sum")]
    fiw = validate(load_dataset("fiw"), load_methodology("fiw"))
    assert set(fiw["iso3"]) == {"XKX"} and len(fiw) == 5
