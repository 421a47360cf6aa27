"""Property-based tests of reading and validation (hypothesis).

Any valid table, written in any supported format, reads back identical row for row; any
single corrupted value is reported at the row and column where it stands."""

import json

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import load_methodology, read_scores

M = load_methodology("fotn")
NAMES = ["Kenya", "Estonia", "China", "Brazil", "India", "Gambia, The", "Côte d'Ivoire",
         "Kyrgyzstan", "The Netherlands", "United States", "Russia", "Congo (Kinshasa)"]
QUESTIONS = [q.key for q in M.questions]
CATEGORIES = {c.key: c.code for c in M.categories}
COLUMNS = ["Country", "Edition", "Status"] + QUESTIONS + list(CATEGORIES.values()) + ["Total"]


@st.composite
def tables(draw):
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=8, unique=True))
    rows = []
    for name in names:
        qs = {q.key: draw(st.integers(q.min, q.max)) for q in M.questions}
        cats = {c.code: sum(qs[t] for _, t in c.terms) for c in M.categories}
        total = sum(cats.values())
        rows.append([name, 2024, M.status_for(total)] + [qs[k] for k in QUESTIONS]
                    + list(cats.values()) + [total])
    return rows


def write(path, fmt, rows, delimiter=","):
    if fmt == "csv":
        import csv

        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, delimiter=delimiter)
            w.writerow(COLUMNS)
            w.writerows(rows)
        return list(range(2, len(rows) + 2))
    if fmt == "json":
        path.write_text(json.dumps([dict(zip(COLUMNS, r)) for r in rows], ensure_ascii=False))
        return list(range(1, len(rows) + 1))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Freedom on the Net 2024 score data"])  # a title row above the header
    ws.append(COLUMNS)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return list(range(3, len(rows) + 3))


FORMATS = st.sampled_from([("csv", ","), ("csv", ";"), ("csv", "\t"), ("csv", "|"),
                           ("json", None), ("xlsx", None)])
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(rows=tables(), fmt=FORMATS)
def test_valid_tables_read_back_identical(tmp_path, rows, fmt):
    kind, delimiter = fmt
    path = tmp_path / f"t.{kind}"
    numbers = write(path, kind, rows, delimiter or ",")
    frame = read_scores(path, "fotn", orientation="higher-is-freer")
    assert len(frame) == len(rows)
    assert frame["source_row"].tolist() == numbers
    assert frame["country"].tolist() == [r[0] for r in rows]
    expected = pd.DataFrame([r[3:] for r in rows], columns=QUESTIONS + list(CATEGORIES) +
                            ["total"], dtype=float)
    got = frame[QUESTIONS + list(CATEGORIES) + ["total"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected)
    assert frame["status"].tolist() == [r[2] for r in rows]
    assert frame["flags"].eq("").all()


CORRUPT = st.sampled_from(["out of range", "negative", "text", "decimal", "blank"])


@SETTINGS
@given(rows=tables(), fmt=FORMATS, data=st.data(), how=CORRUPT)
def test_a_corrupted_value_is_reported_where_it_is(tmp_path, rows, fmt, data, how):
    kind, delimiter = fmt
    i = data.draw(st.integers(0, len(rows) - 1))
    j = data.draw(st.integers(3, len(COLUMNS) - 1))  # a score column
    column = COLUMNS[j]
    maximum = {**{q.key: q.max for q in M.questions},
               **{c.code: c.max for c in M.categories}, "Total": 100}[column]
    bad = {"out of range": maximum + data.draw(st.integers(1, 5)),
           "negative": -data.draw(st.integers(1, 5)), "text": "n.a.x",
           "decimal": 2.5, "blank": None}[how]
    rows[i][j] = bad
    path = tmp_path / f"t.{kind}"
    numbers = write(path, kind, rows, delimiter or ",")
    frame = read_scores(path, "fotn", orientation="higher-is-freer", on_error="flag")
    f = frame.attrs["failures"]
    here = f[(f["row"] == numbers[i]) & (f["column"] == column)]
    rule = {"out of range": "range", "negative": "range", "text": "not_a_number",
            "decimal": "not_integer", "blank": "missing_value"}[how]
    assert rule in set(here["rule"]), (how, column, f.to_string())
    assert len(frame) == len(rows)  # nothing dropped
    assert frame.loc[frame["source_row"] == numbers[i], "flags"].iloc[0] != ""
