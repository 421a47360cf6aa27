"""Which way a scale runs: labels, status votes, and refusing to guess."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from scoring.errors import OrientationError, ValidationError
from scoring.methodology import HIGHER_IS_FREER, LOWER_IS_FREER, load_methodology
from scoring.ingest.orientation import label_orientation, status_votes
from scoring.ingest.readers import read_scores


@pytest.fixture(scope="module")
def fotn():
    return load_methodology("fotn")


# -- labels --------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, orientation", [
    ("* 0=most free, 100=least free", LOWER_IS_FREER),
    ("TOTAL* (0-100) ... 0 = most free, 100 = least free", LOWER_IS_FREER),
    ("Scores: 100 = least free", LOWER_IS_FREER),
    ("with 0 representing the most free", LOWER_IS_FREER),
    ("0 being the most free and 100 the least", LOWER_IS_FREER),
    ("Each country is ranked on a scale of 100 to 0, with 100 representing the most free "
     "conditions and 0 the least free.", HIGHER_IS_FREER),
    ("100 representing the most free", HIGHER_IS_FREER),
    ("100 = most free", HIGHER_IS_FREER),
    ("100=Most Free", HIGHER_IS_FREER),
    ("0 = least free", HIGHER_IS_FREER),
])
def test_label_orientation(text, orientation):
    found, label = label_orientation([text])
    assert found == orientation
    assert label and label.lower() in text.lower()


@pytest.mark.parametrize("text", [
    "100 representing the most free",   # contains "0 representing the most free"
    "100 = most free",                  # contains "0 = most free"
    "100=most free",
])
def test_the_zero_inside_100_is_not_a_lower_is_freer_label(text):
    assert label_orientation([text])[0] == HIGHER_IS_FREER


@pytest.mark.parametrize("text", [
    "",
    "Freedom on the Net 2023 country score data",
    "Scores run from 0 to 100",
    "10 = most free",       # not a 0-100 label; the 0 of 10 is no label either
    "2.0 = most free",
    "A combined score of 100 -70 = Free, 69 - 40 = Partly Free, and 39 - 0 = Not Free.",
])
def test_no_label(text):
    assert label_orientation([text]) == (None, "")


def test_label_found_among_several_texts():
    texts = ["Notes on methodology", None, 42, "0=most free, 100=least free"]
    assert label_orientation(texts)[0] == LOWER_IS_FREER
    assert label_orientation([]) == (None, "")


def test_labels_naming_both_directions_are_refused():
    with pytest.raises(OrientationError, match="both scale directions"):
        label_orientation(["0=most free, 100=least free", "100 representing the most free"])


def test_label_in_the_published_report_text(raw_dir):
    text = (raw_dir / "FOTN2015_Kazakhstan.txt").read_text(encoding="utf-8")
    assert label_orientation([text]) == (LOWER_IS_FREER, "0=most free")


# -- status votes --------------------------------------------------------------------------------
def test_status_votes(fotn):
    group = pd.DataFrame({
        "status": ["F", "F", "PF", "NF", "NF", "PF", None, "F"],
        "total": [80, 20, 50, 65, 10, 35, 90, float("nan")],
    })
    # F 80: higher only; F 20: lower only; PF 50: both; NF 65: lower only (PF when higher);
    # NF 10: higher only; PF 35: lower only (NF when higher); blanks: no vote.
    assert status_votes(group, fotn) == {HIGHER_IS_FREER: 2, LOWER_IS_FREER: 3}


def test_status_votes_need_status_and_total(fotn):
    assert status_votes(pd.DataFrame({"total": [80, 90]}), fotn) == {
        HIGHER_IS_FREER: 0, LOWER_IS_FREER: 0}
    assert status_votes(pd.DataFrame({"status": ["F"]}), fotn) == {
        HIGHER_IS_FREER: 0, LOWER_IS_FREER: 0}


def test_status_votes_are_not_for_fiw():
    fiw = load_methodology("fiw")
    group = pd.DataFrame({"status": ["F", "NF"], "total": [90, 5]})
    assert status_votes(group, fiw) == {HIGHER_IS_FREER: 0, LOWER_IS_FREER: 0}


# -- deciding through read_scores ----------------------------------------------------------------
def _csv(tmp_path, rows, name="o.csv", edition=2015, prefix=""):
    path = tmp_path / name
    path.write_text(prefix + "Country,Edition,Status,Total\n" + "".join(
        f"{c},{edition},{s},{t}\n" for c, s, t in rows), encoding="utf-8")
    return path


LOWER_ROWS = [("Angola", "PF", 39), ("Argentina", "F", 27), ("Bahrain", "NF", 72),
              ("Australia", "F", 19)]
HIGHER_ROWS = [("Angola", "PF", 59), ("Argentina", "F", 73), ("China", "NF", 9),
               ("Australia", "F", 76)]


def test_statuses_decide(tmp_path):
    low = read_scores(_csv(tmp_path, LOWER_ROWS, "low.csv"))
    assert set(low["orientation"]) == {LOWER_IS_FREER}
    note = next(n for n in low.attrs["notes"] if "read as" in n)
    assert "4 of 4 statuses fit only its bands" in note  # PF 39 is NF on the new scale
    high = read_scores(_csv(tmp_path, HIGHER_ROWS, "high.csv", edition=2023))
    assert set(high["orientation"]) == {HIGHER_IS_FREER}


def test_converted_old_edition_is_noted(tmp_path):
    frame = read_scores(_csv(tmp_path, HIGHER_ROWS, edition=2015))
    assert set(frame["orientation"]) == {HIGHER_IS_FREER}
    assert any("first published lower-is-freer" in n and "converted by its publisher" in n
               for n in frame.attrs["notes"])


def test_stated_orientation_agreeing_with_statuses(tmp_path):
    frame = read_scores(_csv(tmp_path, LOWER_ROWS), orientation=LOWER_IS_FREER)
    assert set(frame["orientation"]) == {LOWER_IS_FREER}
    note = next(n for n in frame.attrs["notes"] if "read as" in n)
    assert "you said" in note


def test_stated_orientation_contradicted_by_statuses(tmp_path):
    with pytest.raises(OrientationError) as info:
        read_scores(_csv(tmp_path, LOWER_ROWS), orientation=HIGHER_IS_FREER)
    msg = str(info.value)
    assert "the evidence disagrees" in msg
    assert "you said: higher-is-freer" in msg
    assert "lower-is-freer" in msg


def test_real_2015_json_stated_the_wrong_way(raw_dir):
    with pytest.raises(OrientationError, match="evidence disagrees"):
        read_scores(raw_dir / "freedom_house_2015.json", edition=2015,
                    orientation=HIGHER_IS_FREER)


def test_real_2024_label_contradicted(raw_dir):
    with pytest.raises(OrientationError, match="100 representing the most free"):
        read_scores(raw_dir / "FOTN24_Country_Score_Data.xlsx", orientation=LOWER_IS_FREER)


def test_undecidable_all_partly_free(tmp_path):
    rows = [("Angola", "PF", 40), ("Argentina", "PF", 45), ("Armenia", "PF", 50),
            ("Australia", "PF", 55), ("Bahrain", "PF", 60)]
    path = _csv(tmp_path, rows)
    with pytest.raises(OrientationError) as info:
        read_scores(path)
    msg = str(info.value)
    assert "cannot tell which way the scale runs" in msg
    assert "orientation=" in msg and "(0)" in msg
    # Once stated, it reads, and every status is consistent on that scale.
    for o in (HIGHER_IS_FREER, LOWER_IS_FREER):
        frame = read_scores(path, orientation=o)
        assert set(frame["orientation"]) == {o}
        assert (frame["flags"] == "").all()


def test_too_few_votes_without_a_label(tmp_path):
    rows = [("Angola", "F", 80), ("Argentina", "F", 85)]
    with pytest.raises(OrientationError, match=r"too few statuses .* \(2\)"):
        read_scores(_csv(tmp_path, rows))


def test_a_label_alone_decides(tmp_path):
    rows = [("Angola", "PF", 50), ("Argentina", "PF", 45)]
    path = _csv(tmp_path, rows, prefix="Scores: 0=most free, 100=least free\n")
    frame = read_scores(path)
    assert set(frame["orientation"]) == {LOWER_IS_FREER}
    assert frame["source_row"].tolist() == [3, 4]


def test_label_on_another_sheet_decides(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Read me"
    notes.append(["Each country is ranked on a scale of 100 to 0, with 100 representing the "
                  "most free conditions and 0 the least free."])
    data = wb.create_sheet("Scores")
    data.append(["Country", "Edition", "Status", "Total"])
    for c, t in (("Angola", 45), ("Argentina", 50), ("Armenia", 55), ("Kenya", 60)):
        data.append([c, 2023, "PF", t])  # Partly Free on both scales: no status votes
    path = tmp_path / "label.xlsx"
    wb.save(path)
    frame = read_scores(path)
    assert set(frame["orientation"]) == {HIGHER_IS_FREER}
    assert frame["source_row"].tolist() == [2, 3, 4, 5]
    note = next(n for n in frame.attrs["notes"] if "read as" in n)
    assert "100 representing the most free" in note and "statuses" not in note
    with pytest.raises(OrientationError, match="evidence disagrees"):
        read_scores(path, orientation=LOWER_IS_FREER)


def test_label_contradicting_statuses(tmp_path):
    records = [dict(Country=c, Status=s, Total=t) for c, s, t in HIGHER_ROWS]
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps({"about": "0 = most free, 100 = least free",
                                "records": records}), encoding="utf-8")
    with pytest.raises(OrientationError) as info:
        read_scores(path, edition=2023)
    msg = str(info.value)
    assert "evidence disagrees" in msg
    assert "the file says '0 = most free'" in msg


def test_mixed_scales_in_one_edition(tmp_path):
    rows = [("Angola", "F", 80), ("Argentina", "F", 85), ("Armenia", "F", 90),
            ("Australia", "F", 10), ("Bahrain", "F", 15), ("Belarus", "F", 20)]
    # Unsaid, the split vote is an error naming the rows of the smaller side...
    with pytest.raises(OrientationError, match=r"may mix scales") as info:
        read_scores(_csv(tmp_path, rows))
    assert "lower-is-freer only at row 5 (Australia), row 6 (Bahrain), row 7 (Belarus)" in \
        str(info.value)
    # ...said, the scale is the one given and each row whose status contradicts its score is
    # a failure at its row (before: "the file may mix scales", no row named).
    with pytest.raises(ValidationError) as info:
        read_scores(_csv(tmp_path, rows), orientation=HIGHER_IS_FREER)
    bad = info.value.failures
    assert bad["country"].tolist() == ["Australia", "Bahrain", "Belarus"]
    assert set(bad["rule"]) == {"status"} and bad["row"].tolist() == [5, 6, 7]


def test_each_edition_decided_on_its_own(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("Country,Edition,Status,Total\n"
                    + "".join(f"{c},2015,{s},{t}\n" for c, s, t in LOWER_ROWS)
                    + "".join(f"{c},2023,{s},{t}\n" for c, s, t in HIGHER_ROWS),
                    encoding="utf-8")
    frame = read_scores(path)
    assert dict(zip(frame["edition"], frame["orientation"])) == {
        2015: LOWER_IS_FREER, 2023: HIGHER_IS_FREER}


def test_one_outvoted_row_is_left_to_validation(tmp_path):
    # Nine rows vote higher-is-freer, one (Free at 20) lower-is-freer: a 90% majority carries
    # the decision, and the odd row is reported as a status failure, not silently trusted.
    rows = [(c, "F", 80) for c in ("Angola", "Argentina", "Armenia", "Australia", "Bahrain",
                                   "Belarus", "Brazil", "Canada", "Chile")]
    rows.append(("China", "F", 20))
    frame = read_scores(_csv(tmp_path, rows, edition=2023), on_error="flag")
    assert set(frame["orientation"]) == {HIGHER_IS_FREER}
    failures = frame.attrs["failures"]
    assert failures[["row", "rule"]].values.tolist() == [[11, "status"]]


# -- FIW -----------------------------------------------------------------------------------------
def _fiw_csv(tmp_path):
    path = tmp_path / "fiw.csv"
    path.write_text("Country/Territory,Edition,Status,PR rating,CL rating,PR,CL,Total\n"
                    "Norway,2019,F,1,1,40,60,100\nEritrea,2016,NF,7,7,1,2,3\n",
                    encoding="utf-8")
    return path


def test_fiw_is_always_higher_is_freer(tmp_path):
    frame = read_scores(_fiw_csv(tmp_path), "fiw")
    assert set(frame["orientation"]) == {HIGHER_IS_FREER}
    assert len(read_scores(_fiw_csv(tmp_path), "fiw", orientation=HIGHER_IS_FREER)) == 2


def test_fiw_stated_lower_is_freer_is_refused(tmp_path):
    with pytest.raises(OrientationError, match="published higher-is-freer in every edition"):
        read_scores(_fiw_csv(tmp_path), "fiw", orientation=LOWER_IS_FREER)
