"""The FOTN country-report layout alone: header, years, scale and observations of a few
synthetic lines, without solving the table."""

from __future__ import annotations

import pytest

from scoring.errors import OrientationError, ReportError
from scoring.ingest.reports.fotn_country import (BY_MAXIMUM, header_years, identify,
                                                 observations, read_header, read_lines)
from scoring.ingest.reports.record import Record
from scoring.ingest.reports.tokens import parse_line
from scoring.methodology import load_methodology

TABLE = """# FREEDOM ON THE NET 2O15
# Kazakhstan
\t2014\t2015\tPopulation:\t17.3 million
Internet Freedom Status\tPartly Free\tNot Free
Obstacles to Access (0-25)\t15\t14
Limits on Content (0-35)
\t23\t23
Vieletiene of Lleer Dishte (0, 40)\t22\t24
TOTAL* (0-100)\t60\t6l
* 0=most free, 100=least free
# Key Developments
"""


@pytest.fixture(scope="module")
def fotn():
    return load_methodology("fotn")


def header(text: str, fotn):
    record = Record("synthetic")
    lines = read_lines(text)
    return read_header(lines, fotn, record), lines, record


def line(text: str):
    return parse_line(1, text, frozenset(BY_MAXIMUM))


@pytest.mark.parametrize("text, years", [
    ("\t2014\t2015", [("2014", [2014]), ("2015", [2015])]),
    ("\t2O14\t2015\tPopulation:\t17.3 million", [("2O14", [2014]), ("2015", [2015])]),
    ("2019  2020", [("2019", [2019]), ("2020", [2020])]),
    ("\t2020", [("2020", [2020])]),
    # A year token needs two real digits; scores and pre-2009 years are not years.
    ("\tZOl4\t2015", []),
    ("Obstacles to Access (0-25)\t15\t14", []),
    ("\t1999\t2000", []),
])
def test_header_years(text, years):
    assert header_years(line(text)) == years


def test_identify_by_label_and_maximum():
    assert identify(line("Obstacles to Access (0-25)\t15")) == (
        frozenset({"access"}), 0, "label 'Obstacles to Access (0-25)'")
    ghost = identify(line("Vieletiene of Lleer Dishte (0, 40)\t22"))
    assert ghost[:2] == (frozenset({"rights"}), 1)
    assert "unreadable but its maximum (0-40) is the rights row's" in ghost[2]
    # Label and maximum disagree: either row, at a higher cost.
    assert identify(line("Limits on Content (0-40)\t23"))[:2] == (
        frozenset({"content", "rights"}), 2)
    assert identify(line("\t23\t23"))[:2] == (frozenset(), 0)


def test_header_of_a_table(fotn):
    found, _, record = header(TABLE, fotn)
    assert (found.iso3, found.country, found.country_line) == ("KAZ", "Kazakhstan", 2)
    assert (found.header_line, found.columns, found.years, found.edition) == (
        3, 2, (2014, 2015), 2015)
    assert (found.orientation, found.note_line, found.assumed_orientation) == (
        "lower-is-freer", 10, False)
    assert [ln.no for ln in found.region] == list(range(3, 11))
    # The title's "2O15" is read through look-alikes, and says so.
    assert record.repairs == [dict(field="edition", year=None, line=1, read="2O15",
                                   inferred=2015,
                                   why="the title's year read through OCR look-alikes")]
    assert record.provenance == {"country": [2], "years": [3], "edition": [1, 3],
                                 "orientation": [10]}


def test_lost_header_line_takes_the_years_from_the_title(fotn):
    found, _, record = header(TABLE.replace("\t2014\t2015\tPopulation:\t17.3 million\n", ""),
                              fotn)
    assert (found.header_line, found.years, found.edition) == (None, (2014, 2015), 2015)
    lost = [r for r in record.repairs if r["field"] == "years"]
    assert lost[0]["inferred"] == "2014 2015" and lost[0]["why"].startswith("header line lost")


def test_damaged_header_years_read_as_consecutive_editions(fotn):
    found, _, record = header(TABLE.replace("\t2014\t2015", "\t2Ol4\t2015"), fotn)
    assert found.years == (2014, 2015)
    assert {"field": "years", "read": "2Ol4 2015", "inferred": "2014 2015"}.items() <= (
        record.repairs[0].items())


def test_header_years_against_the_title(fotn):
    with pytest.raises(ReportError, match="header years '2014 2015' do not match the title"):
        header(TABLE.replace("NET 2O15", "NET 2016"), fotn)


def test_no_scale_note_takes_the_edition_scale(fotn):
    found, _, record = header(TABLE.replace("* 0=most free, 100=least free\n", ""), fotn)
    assert (found.orientation, found.note_line, found.assumed_orientation) == (
        "lower-is-freer", None, True)
    assert record.notes[0].startswith("synthetic: no scale note found: the scale FOTN 2015")


def test_scale_notes_that_disagree(fotn):
    with pytest.raises(OrientationError, match="scale notes disagree"):
        header(TABLE.replace("# Key", "* 0=least free, 100=most free\n# Key"), fotn)


def test_unknown_country(fotn):
    with pytest.raises(ReportError, match="line 2 'Atlantis': not a country name"):
        header(TABLE.replace("Kazakhstan", "Atlantis"), fotn)


def test_observations(fotn):
    found, lines, record = header(TABLE, fotn)
    obs, status = observations(lines, found, record)
    got = [(ob.lines, sorted(ob.ids), [c.values for c in ob.cells]) for ob in obs]
    assert got == [
        ((5,), ["access"], [(15,), (14,)]),
        # A label with no numbers, and the same label joined with the next line's numbers.
        ((6,), ["content"], [None, None]),
        ((6, 7), ["content"], [(23,), (23,)]),
        ((7,), [], [(23,), (23,)]),
        ((8,), ["rights"], [(22,), (24,)]),
        ((9,), ["total"], [(60,), (61,)]),
    ]
    assert obs[1].split is obs[2] and obs[1].bare
    assert [(s.lines, [(c.codes, c.exact) for c in s.status]) for s in status] == [
        ((4,), [(frozenset({"PF"}), True), (frozenset({"NF"}), True)])]
