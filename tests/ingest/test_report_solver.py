"""The report solver alone: hand-built observations, no text, no layout.

The table is FOTN's (access 0-25, content 0-35, rights 0-40, total 0-100) on the old scale,
whose bands are 0-30 Free, 31-60 Partly Free, 61-100 Not Free. Each case is small enough to
check by hand: which sums hold, which readings remain.
"""

from __future__ import annotations

from scoring.ingest.reports.solver import (Constraints, Observation, StatusCell, assignments,
                                           decide, year_solutions)
from scoring.ingest.reports.tokens import cell, read_status

ROWS = ("access", "content", "rights", "total")
MAXIMA = {"access": 25, "content": 35, "rights": 40, "total": 100}


def band(total: int) -> str:
    return "F" if total <= 30 else "PF" if total <= 60 else "NF"


def table(*years: int) -> Constraints:
    return Constraints(ROWS, MAXIMA, years or (2014,), band)


def row(line: int, name: str, *tokens: str, cost: int = 0) -> Observation:
    return Observation((line,), "\t".join((name, *tokens)), name, frozenset({name}), cost,
                       "label", tuple(cell(t) for t in tokens))


def status(line: int, *texts: str) -> Observation:
    cells = tuple(None if read_status(t) is None else StatusCell(*read_status(t), t)
                  for t in texts)
    return Observation((line,), "\t".join(texts), "Internet Freedom Status",
                       frozenset({"status"}), 0, "label", (), cells)


def rows(access="15", content="23", rights="22", total="60", start=2) -> list[Observation]:
    return [row(start + i, r, v) for i, (r, v) in
            enumerate(zip(ROWS, (access, content, rights, total)))]


def test_clean_table_has_one_answer():
    outcome = decide(table(), rows(), [status(1, "Partly Free")])
    assert outcome.kind == "unique" and outcome.reason == ""
    assert outcome.world.answer == (((15, 23, 22, 60), "PF"),)
    assert outcome.world.cost == 0
    assert [ob.lines for ob in outcome.world.assign.values()] == [(2,), (3,), (4,), (5,)]


def test_lookalike_decided_by_the_sum():
    # "2B" is 23 or 28; only 15 + 23 + 22 = 60.
    outcome = decide(table(), rows(content="2B"), [status(1, "Partly Free")])
    assert outcome.kind == "unique"
    assert outcome.world.answer == (((15, 23, 22, 60), "PF"),)
    assert outcome.world.per_year[0].values == {"access": 15, "content": 23, "rights": 22,
                                                "total": 60}


def test_two_answers_are_refused_until_the_status_decides():
    # "2B" (23 or 28) and "6?" (60-69): 15 + 23 + 22 = 60 and 15 + 28 + 22 = 65 both hold.
    obs = rows(content="2B", total="6?")
    outcome = decide(table(), obs, [])
    assert outcome.kind == "several" and outcome.world is None
    assert outcome.reason == (
        "the score table can be read in several ways that all satisfy the sums and status "
        "bands: 2014: 15/23/22 = 60 PF | 2014: 15/28/22 = 65 NF")
    # 60 is Partly Free, 65 Not Free: a read status leaves one.
    assert decide(table(), obs, [status(1, "Not Free")]).world.answer == (
        ((15, 28, 22, 65), "NF"),)
    assert decide(table(), obs, [status(1, "Partly Free")]).world.answer == (
        ((15, 23, 22, 60), "PF"),)


def test_no_answer_when_the_sum_fails():
    outcome = decide(table(), rows(total="61"), [status(1, "Not Free")])
    assert outcome.kind == "none" and outcome.world is None
    assert outcome.reason == ("no reading of the score table satisfies access + content + "
                              "rights = total and the status bands")


def test_status_outside_the_band_is_no_answer():
    assert decide(table(), rows(), [status(1, "Free")]).kind == "none"


def test_lost_total_recomputed_only_with_a_status():
    obs = rows(total="-")
    outcome = decide(table(), obs, [status(1, "Partly Free")])
    assert outcome.kind == "unique"
    assert outcome.world.answer == (((15, 23, 22, 60), "PF"),)
    assert outcome.world.per_year[0].recomputed == "total"
    unchecked = decide(table(), obs, [])
    assert unchecked.kind == "undecided"
    assert unchecked.reason == (
        "the score table cannot be read unambiguously: 2014: the total is lost and the status "
        "is unreadable: a recomputed total could not be checked")


def test_two_lost_numbers_are_undecided():
    obs = [row(2, "access", "15"), row(5, "total", "60")]
    outcome = decide(table(), obs, [status(1, "Partly Free")])
    assert outcome.kind == "undecided"
    assert "2014: content and rights are lost or unreadable; one sum cannot give two numbers" in (
        outcome.reason)


def test_competing_lines_are_contested():
    # Two content lines, 23 and 28; with "6?" as the total each gives a consistent table.
    obs = [row(2, "access", "15"), row(3, "content", "23"), row(4, "content", "28"),
           row(5, "rights", "22"), row(6, "total", "6?")]
    outcome = decide(table(), obs, [])
    assert outcome.kind == "contested"
    assert outcome.reason.startswith(
        "the score table can be read in several ways: lines 3 and 4 give content different "
        "numbers and nothing decides between them")


def test_duplicate_line_with_the_same_numbers_is_one_row():
    obs = rows() + [row(6, "total", "60")]
    outcome = decide(table(), obs, [status(1, "Partly Free")])
    assert outcome.kind == "unique"
    assert outcome.world.answer == (((15, 23, 22, 60), "PF"),)


def test_two_years():
    obs = [row(2, "access", "15", "14"), row(3, "content", "23", "23"),
           row(4, "rights", "22", "24"), row(5, "total", "60", "6l")]
    outcome = decide(table(2014, 2015), obs, [status(1, "Partly Free", "Not Free")])
    assert outcome.world.answer == (((15, 23, 22, 60), "PF"), ((14, 23, 24, 61), "NF"))


def test_assignments_leave_out_only_what_they_can_explain():
    obs = rows()
    # Every row is read: leaving a line out that could be its row is not admissible.
    assert [{r: ob.lines for r, ob in a.items()} for a in assignments(ROWS, obs)] == [
        {"access": (2,), "content": (3,), "rights": (4,), "total": (5,)}]
    # A repeated total line: either can be the total, the other its duplicate.
    twice = [{r: ob.lines for r, ob in a.items()} for a in
             assignments(ROWS, obs + [row(6, "total", "60")])]
    assert [a["total"] for a in twice] == [(5,), (6,)]


def test_year_solutions_reject_readings_outside_the_maximum():
    # "4B" is 43 or 48: both above rights' 40.
    assign = dict(zip(ROWS, rows(rights="4B")))
    assert year_solutions(table(), assign, None, 0) == (
        "invalid", "rights 2014 '4B' is outside 0-40")
