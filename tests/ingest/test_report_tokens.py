"""The report tokenizer alone: OCR-damaged lines to cells and readings, no report, no solver.

Expected values are worked out by hand from the look-alike table (``l`` is 1, ``B`` is 8 or 3,
``O`` is 0, one ``?`` is any digit) and the edit distances of the labels.
"""

from __future__ import annotations

import pytest

from scoring.ingest.reports.fotn_country import BY_MAXIMUM, ROW_NAMES
from scoring.ingest.reports.tokens import (Cell, cell, digit_readings, edit_distance,
                                           parse_line, read_status, row_names, words)

MAXIMA = frozenset(BY_MAXIMUM)


@pytest.mark.parametrize("token, readings, clean", [
    ("61", [61], True),
    ("6l", [61], False),
    ("B", [3, 8], False),
    ("2B", [23, 28], False),
    ("S", [5, 8], False),
    ("O", [0], False),
    ("1?", list(range(10, 20)), False),
])
def test_digit_readings(token, readings, clean):
    assert digit_readings(token, (1, 3)) == (readings, clean)


@pytest.mark.parametrize("token", ["??", "?", "1234", "x1", "", "6 1"])
def test_not_a_number(token):
    # Two unreadable glyphs, a lone one, too wide, a letter with no digit look-alike.
    assert digit_readings(token, (1, 3)) is None


def test_year_width():
    assert digit_readings("2O14", (4, 4)) == ([2014], False)
    assert digit_readings("201", (4, 4)) is None


def test_cells():
    assert cell("6l") == Cell("6l", (61,), False)
    assert cell("22") == Cell("22", (22,), True)
    for missing in ("", "-", "\u2013", "n/a", "x"):
        assert cell(missing).values is None


def test_clean_tabbed_row():
    ln = parse_line(11, "Obstacles to Access (0-25)\t15\t14", MAXIMA)
    assert (ln.no, ln.name, ln.maximum, ln.run, ln.rest) == (
        11, "obstacles to access", 25, ["15", "14"], [])


def test_ghost_label_keeps_its_maximum():
    # The real OCR ghost of the rights row (FOTN 2015 Kazakhstan, line 13): "0, 40" is 0-40.
    ln = parse_line(13, "Vieletiene of Lleer Dishte (0, 40)\t22\t24", MAXIMA)
    assert ln.name == "vieletiene of lleer dishte"
    assert ln.maximum == 40
    assert ln.run == ["22", "24"]
    assert row_names(ln.name, ROW_NAMES) == (frozenset(), 0)


def test_lookalike_maximum_and_lost_tabs():
    # No tab and single spaces: the numbers follow the parenthesis in the label's cell.
    ln = parse_line(16, "TOTAL* (O-1OO) 60 6l", MAXIMA)
    assert ln.cells == ["TOTAL* (O-1OO) 60 6l"]
    assert (ln.name, ln.maximum, ln.run) == ("total", 100, ["60", "6l"])
    assert [cell(t).values for t in ln.run] == [(60,), (61,)]


def test_maximum_not_allowed_is_none():
    assert parse_line(1, "Obstacles to Access (0-30)\t1\t2", MAXIMA).maximum is None
    assert parse_line(1, "Obstacles to Access (0-25)\t1\t2", frozenset({40})).maximum is None


def test_numbers_without_parenthesis_are_peeled_off_the_label():
    ln = parse_line(12, "Limits on Content 2B 23", MAXIMA)
    assert (ln.name, ln.maximum, ln.run) == ("limits on content", None, ["2B", "23"])
    assert cell(ln.run[0]).values == (23, 28)


def test_words_that_look_like_digits_stay_in_the_label():
    # "Is" reads as 15 through look-alikes, but has no real digit: it is a word.
    ln = parse_line(14, "Violations of User Rights Is", MAXIMA)
    assert ln.run == [] and ln.name == "violations of user rights is"


def test_status_cells_and_the_facts_after_them():
    ln = parse_line(8, "Internet Freedom Status\tPartly Frce\tNot Free\tPopulation:\t17.3 million",
                    MAXIMA)
    assert ln.run == []
    assert ln.rest == ["Partly Frce", "Not Free", "Population:", "17.3 million"]
    assert read_status(ln.rest[0]) == (frozenset({"PF"}), False)
    assert read_status(ln.rest[1]) == (frozenset({"NF"}), True)


@pytest.mark.parametrize("text, codes, exact", [
    ("Free", {"F"}, True), ("Not Free", {"NF"}, True), ("PARTLY FREE", {"PF"}, True),
    ("Fre", {"F"}, False), ("Nat Free", {"NF"}, False), ("Partly Frce", {"PF"}, False),
])
def test_read_status(text, codes, exact):
    assert read_status(text) == (frozenset(codes), exact)


@pytest.mark.parametrize("text", ["", "xyz", "Partly", "12"])
def test_not_a_status(text):
    assert read_status(text) is None


def test_row_names():
    assert row_names("obstacles to access", ROW_NAMES) == (frozenset({"access"}), 0)
    assert row_names("obstacles to acess", ROW_NAMES) == (frozenset({"access"}), 1)
    assert row_names("total", ROW_NAMES) == (frozenset({"total"}), 0)
    assert row_names("internet freedom stats", ROW_NAMES) == (frozenset({"status"}), 1)
    assert row_names("population", ROW_NAMES) == (frozenset(), 0)
    assert row_names("", ROW_NAMES) == (frozenset(), 0)


def test_edit_distance_and_words():
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3
    assert words("TOTAL*  Score (0-100)") == "total score"
