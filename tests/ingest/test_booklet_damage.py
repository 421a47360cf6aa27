"""Damaged booklet tables are refused (or, asked to, flagged), never read wrong; unmapped glyphs
are read only where the table's rules make the reading unique; hostile files get a clear
error. Fixtures perturb the words extracted from the real pages."""

from __future__ import annotations

import dataclasses

import pytest
from booklet_pages import booklet, edit_words, replace_text, row_line, table_pages
from click.testing import CliRunner

from scoring.cli import main
from scoring.errors import ReportError
from scoring.ingest.reports import parse_booklet, read_booklet
from scoring.ingest.reports.pdf_words import PdfFile


def parse(edition, change, **kw):
    layout, pages = table_pages(edition)
    return parse_booklet(edit_words(pages, change), layout, source=f"b{edition}.pdf", **kw)


def clean(edition):
    layout, pages = table_pages(edition)
    frame = parse_booklet(list(pages), layout, source=f"b{edition}.pdf")
    frame.attrs = {}
    return frame


def at(page_no, name, field_index):
    """A change that applies ``f(word)`` to the ``field_index``-th word after the name on the
    row of ``name`` on page ``page_no``."""
    layout, pages = table_pages(2016 if page_no > 29 else 2011)
    page = next(p for p in pages if p.no == page_no)
    target = row_line(page, name).words[field_index]

    def wrap(f):
        return lambda pno, ln, w: f(w) if pno == page_no and w == target else w
    return wrap


# -- damage in plain digits ------------------------------------------------------------------
def test_a_digit_removed_breaks_the_sum_and_is_refused_with_page_and_line():
    # 2011 page 14: "Estonia Free 10 2 2 6"; the total loses its 0
    change = at(14, "Estonia", 2)(lambda w: replace_text(w, "1"))
    with pytest.raises(ReportError, match=r"page 14, line 25 \(Estonia, 2011\): total: sum"):
        parse(2011, change)


def test_the_same_damage_is_kept_as_printed_and_flagged_when_asked():
    change = at(14, "Estonia", 2)(lambda w: replace_text(w, "1"))
    f = parse(2011, change, on_error="flag")
    row = f[f["iso3"] == "EST"].iloc[0]
    assert row["total"] == 1 and "sum" in row["flags"]


def test_a_lost_cell_is_refused_not_read_by_position():
    change = at(14, "Estonia", 4)(lambda w: None)  # Estonia's B score gone
    with pytest.raises(ReportError, match=r"page 14, line 25 \(Estonia\): the row reads "
                                          r"'Free 10 2 6', which does not fit"):
        parse(2011, change)


def test_a_lost_row_is_refused_by_the_country_count():
    layout, pages = table_pages(2011)
    line = row_line(pages[0], "Estonia")
    with pytest.raises(ReportError, match="read 36 rows .* FOTN 2011 assessed 37 countries"):
        parse(2011, lambda pno, ln, w: None if pno == 14 and ln == line else w)


def test_a_lost_arrow_breaks_the_trajectory_rule():
    # 2016 page 30: "Bangladesh 51 56 t ...": no arrow says no change, 51 -> 56 says decline
    change = at(30, "Bangladesh", 3)(lambda w: None)
    with pytest.raises(ReportError, match=r"page 30, line 9 \(Bangladesh, 2016\): total: "
                                          "trajectory"):
        parse(2016, change)


def test_a_dot_of_the_wrong_colour_is_a_broken_rule():
    layout, pages = table_pages(2016)
    page = pages[0]
    dot = row_line(page, "Bangladesh").words[-1]
    purple = next(w.colour for w in row_line(page, "China").words if w.text == "l")
    change = at(30, "Bangladesh", len(row_line(page, "Bangladesh").words) - 1)(
        lambda w: dataclasses.replace(w, colour=purple))
    assert dot.text == "l"
    f = parse(2016, change, on_error="flag")
    assert "status dot" in f.query("iso3 == 'BGD' and edition == 2016")["flags"].iloc[0]


def test_an_unknown_country_name_is_refused_with_its_page_and_line():
    change = at(14, "Estonia", 0)(lambda w: replace_text(w, "Estoniaa"))
    with pytest.raises(ReportError, match=r"page 14, line 25: 'Estoniaa' \(close: Estonia"):
        parse(2011, change)


def test_a_name_fragment_of_no_row_is_refused():
    layout, pages = table_pages(2011)
    word = row_line(pages[0], "Estonia").words[0]
    extra = dataclasses.replace(word, text="Atlantis", top=word.top - 14.6,
                                bottom=word.bottom - 14.6)
    page = dataclasses.replace(pages[0], words=pages[0].words + (extra,))
    with pytest.raises(ReportError, match="'Atlantis' in the country column belongs to no row"):
        parse_booklet([page, *pages[1:]], layout, source="b.pdf")


# -- unmapped glyphs: read only where the rules make the reading unique -----------------------
FONT_DIGITS = {str(d): f"(cid:{d + 17})" for d in range(10)}  # as the 2016 contents page


def as_cid(digits: str):
    """Every score (up to three digits; the header years stay) with one of ``digits``: those
    glyphs unmapped."""
    def change(pno, ln, w):
        if w.text.isdigit() and len(w.text) <= 3 and set(w.text) & set(digits):
            return replace_text(w, "".join(FONT_DIGITS[c] if c in digits else c
                                           for c in w.text))
        return w
    return change


def test_a_cid_digit_is_learned_where_the_rules_fix_it_and_read_everywhere():
    f = parse(2016, as_cid("5"))
    f.attrs, repairs = {}, f.attrs["repairs"]
    assert f.equals(clean(2016))
    glyph = [r for r in repairs if r["field"] != "status"]
    assert glyph and all("(cid:22) is 5" in r["why"] for r in glyph)
    # Bangladesh's 2015 total "(cid:22)1" is fixed only through the learned map
    bgd = next(r for r in glyph if r["country"] == "Bangladesh" and r["year"] == 2015)
    assert bgd["inferred"] == 51 and "learned from page" in bgd["why"]


def test_two_unmapped_digits_are_both_learned():
    f = parse(2016, as_cid("17"))
    f.attrs = {}
    assert f.equals(clean(2016))


def test_a_glyph_no_rule_fixes_is_refused():
    # Bangladesh's 2015 total "51" with an unmapped 1 seen nowhere else: any of 01-51 fits
    # the decline arrow, so the row is not read
    change = at(30, "Bangladesh", 1)(lambda w: replace_text(w, "5(cid:99)"))
    with pytest.raises(ReportError, match=r"page 30, line 9 \(Bangladesh\): the row can be "
                                          r"read in \d+ ways"):
        parse(2016, change)


def test_a_glyph_whose_readings_all_break_a_rule_is_refused():
    # Japan 2016 "22 22 4 7 11": A's "4" unmapped and the total damaged to "99": no digit for
    # A gives 99 = A + 7 + 11 within 0-25
    glyph = at(30, "Japan", 3)(lambda w: replace_text(w, "(cid:99)"))
    total = at(30, "Japan", 2)(lambda w: replace_text(w, "99"))
    with pytest.raises(ReportError, match=r"page 30, line 14 \(Japan\): an unknown glyph has "
                                          "no reading that passes"):
        parse(2016, lambda pno, ln, w: total(pno, ln, glyph(pno, ln, w)))


# -- hostile files ---------------------------------------------------------------------------
def run(*args):
    result = CliRunner().invoke(main, list(map(str, args)), catch_exceptions=True)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {type(result.exception).__name__}: {result.exception}")
    return result


def _pdf_with_text(path, text):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(4, 3))
    fig.text(0.1, 0.5, text)
    fig.savefig(path, format="pdf")
    plt.close(fig)


@pytest.mark.parametrize("name,make,message", [
    ("notes.pdf", lambda p: p.write_text("Country,Total\nKenya,30\n"), "not a PDF"),
    ("empty.pdf", lambda p: p.write_bytes(b""), "empty file"),
    ("header.pdf", lambda p: p.write_bytes(b"%PDF-1.7\n%%EOF\n"), "damaged PDF"),
    ("cut.pdf", lambda p: p.write_bytes(booklet(2014).read_bytes()[:300_000]), "damaged PDF"),
    ("chart.pdf", lambda p: _pdf_with_text(p, "Freedom on the Net: a chart"),
     "no Freedom on the Net score table found"),
])
def test_hostile_pdfs_get_a_clear_error_and_no_traceback(tmp_path, name, make, message):
    path = tmp_path / name
    make(path)
    result = run("ingest-report", path)
    assert result.exit_code == 1
    assert message in result.output and name in result.output


def test_the_resource_ceilings_refuse_with_the_file_named(tmp_path):
    with pytest.raises(ReportError, match="internetfreedom_2014.pdf: pages of the PDF: 40 pages, over the "
                       "limit of 10"):
        PdfFile(booklet(2014), max_pages=10)
    with pytest.raises(ReportError, match="size of the PDF: 2,243,105 bytes, over the limit of 1,000"):
        PdfFile(booklet(2014), max_bytes=1000)


def test_an_encrypted_booklet_without_a_password_is_read_with_a_note():
    # the 2013 booklet is encrypted with an empty user password (permissions only)
    f = read_booklet(booklet(2013))
    assert any("encrypted with an empty user password" in n for n in f.attrs["notes"])


# -- the command line and --data --------------------------------------------------------------
def test_ingest_report_prints_both_editions_of_the_2014_booklet():
    result = run("ingest-report", booklet(2014))
    assert result.exit_code == 0, result.output
    assert "(2013: 60 countries, 2014: 65 countries)" in result.output
    assert "Bangladesh" in result.output and "inferences (0)" in result.output


def test_ingest_report_csv_gives_the_tidy_rows(tmp_path):
    out = tmp_path / "b.csv"
    result = run("ingest-report", booklet(2016), "--format", "csv", "--output", out)
    assert result.exit_code == 0, result.output
    import pandas as pd

    rows = pd.read_csv(out)
    assert len(rows) == 130 and set(rows["edition"]) == {2015, 2016}


def test_data_option_reads_a_booklet_by_its_content(tmp_path):
    renamed = tmp_path / "booklet.bin"
    renamed.write_bytes(booklet(2012).read_bytes())
    result = run("compare", "--from", "2011", "--to", "2012", "--data", renamed)
    assert result.exit_code == 0, result.output
    assert "read as the Freedom on the Net 2012 booklet" in result.output
