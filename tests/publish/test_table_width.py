"""Text tables that fit a width: columns left out by priority, text cut, prose wrapped, and
every one of these said under the table."""

import pandas as pd

from scoring.publish.tables import format_result, text_table
from scoring.publish.text_fit import ELLIPSIS, fit_columns, wrap

FRAME = pd.DataFrame({
    "iso3": ["KGZ", "AZE"],
    "country": ["Kyrgyzstan", "Azerbaijan"],
    "delta": [-4.0, -3.0],
    "low": [-8.0, -7.0],
    "high": [0.0, 1.0],
    "note": ["one point off one time in ten", ""],
})
NUMERIC = ["delta", "low", "high"]


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _said(lines: list[str]) -> str:
    """Wrapped lines read as one text again."""
    return " ".join(line.strip() for line in lines)


def test_a_table_that_fits_is_the_table_without_a_width():
    full = text_table(FRAME, numeric=NUMERIC)
    assert max(len(line) for line in _lines(full)) == 65
    assert text_table(FRAME, numeric=NUMERIC, width=65) == full
    assert text_table(FRAME, numeric=NUMERIC, width=None) == full


def test_the_least_important_columns_go_first_and_are_named():
    out = text_table(FRAME, numeric=NUMERIC, width=40,
                     priority=["iso3", "country", "delta", ("low", "high")])
    head, first, second, *note = _lines(out)
    assert head.split() == ["iso3", "country", "delta", "low", "high"]
    assert first.split() == ["KGZ", "Kyrgyzstan", "-4", "-8", "0"]
    assert all(len(line) <= 40 for line in _lines(out))
    assert _said(note) == ("left out to fit 40 columns: note; use --wide to show all (or "
                           "--format csv)")


def test_a_group_goes_together_and_the_first_column_always_stays():
    out = text_table(FRAME, numeric=NUMERIC, width=26,
                     priority=["iso3", "country", "delta", ("low", "high")])
    assert _lines(out)[0].split() == ["iso3", "country", "delta"]
    assert "left out to fit 26 columns: low, high, note;" in _said(_lines(out))
    narrow = text_table(FRAME, numeric=NUMERIC, width=3)
    assert [line.split()[0] for line in _lines(narrow)[:3]] == ["iso3", "KGZ", "AZE"]


def test_a_text_column_is_cut_with_an_ellipsis_and_the_note_says_so():
    out = text_table(FRAME, numeric=NUMERIC, width=50, shorten=["note"])
    lines = _lines(out)
    assert lines[1].endswith(ELLIPSIS) and len(lines[1]) == 50
    assert lines[1].split("  ")[-1] == "one point off" + ELLIPSIS
    assert lines[2].split()[0] == "AZE"  # a short cell is not touched
    assert "shortened (ending in \u2026) to fit 50 columns: note (1 cell)" in _said(lines)
    assert _said(lines).endswith("use --wide to show all (or --format csv)")


def test_a_text_column_too_narrow_to_read_is_left_out_instead():
    # 12 characters are the least a cut column keeps: with less room it goes.
    kept, widths, note = fit_columns(["a", "note"], [["a", "note"], ["x", "y" * 40]], 14,
                                     shorten=["note"])
    assert kept == [0] and widths == [1] and "left out to fit 14 columns: note" in note
    kept, widths, note = fit_columns(["a", "note"], [["a", "note"], ["x", "y" * 40]], 15,
                                     shorten=["note"])
    assert kept == [0, 1] and widths == [1, 12] and "note (1 cell)" in note


def test_prose_wraps_at_word_boundaries_and_keeps_every_word():
    model = ("Each item score of each of the two editions is re-scored independently: it "
             "moves one point down with probability p/2, one point up with probability p/2, "
             "and stays with probability 1 - p; a move beyond the item's range is clipped.")
    lines = wrap(f"model: {model}", 60)
    assert len(lines) > 1 and all(len(line) <= 60 for line in lines)
    assert all(line.startswith("  ") for line in lines[1:])
    assert " ".join(line.strip() for line in lines) == f"model: {model}"
    assert wrap("  indented text that is long enough", 20)[1].startswith("    ")
    assert wrap(model, None) == [model]


def test_format_result_fits_title_notes_table_and_source():
    out = format_result(FRAME, "table", title=["A title " * 12], summary={},
                        notes=["a note that runs on " * 5], numeric=NUMERIC,
                        sources={"line": "Source: " + "Freedom House " * 8}, width=45)
    assert all(len(line) <= 45 for line in _lines(out))
    assert "left out to fit 45 columns" in out
    full = format_result(FRAME, "table", title=["t"], summary={}, notes=[], numeric=NUMERIC)
    assert full == "t\n\n" + text_table(FRAME, numeric=NUMERIC) + "\n"
    # Other formats never see the width.
    assert (format_result(FRAME, "csv", title=[], summary={}, notes=[], width=10)
            == format_result(FRAME, "csv", title=[], summary={}, notes=[]))
