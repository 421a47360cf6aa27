"""The layouts of Freedom on the Net's annual booklets: where the score table is and what it holds.

Each booklet (2011, 2012, 2013, 2014, 2016) prints one score table over two or three pages, one
row per country. Its :class:`Layout` gives the pages, the phrases that open and close the
table's body on a page, the x-ranges of the country column and of the score columns (points
from the page's left edge), and the order of the cells in a row:

- 2011-2013 ("Global Scores"): status, total, A, B, C;
- 2014 ("Overview of Score Changes"): the 2013 total (``*`` for a country new in 2014), the 2014
  total and its trajectory arrow, status, then A, B and C each with its arrow (and ``*``);
- 2016 (same title): the 2015 total, the 2016 total and its arrow, A, B and C with their
  arrows, and a coloured dot for the status (no status word).

:func:`table_rows` turns the words of one page into :class:`RawRow` s: the row's line, its
country name (a name wrapped over two lines joins the row whose numbers are nearest), and its
cells typed (a number's glyphs, an arrow's direction, a star, a status phrase, a dot's colour)
and matched against the layout's cell order. A line that does not match is refused with its
page and line: a damaged table is never read by position alone.

May import: errors, ingest.reports.pdf_words, ingest.reports.tokens.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ...errors import ReportError
from .pdf_words import Page, PdfLine, Word
from .tokens import glyphs, read_status

__all__ = ["Field", "Layout", "Cell", "RawRow", "LAYOUTS", "table_rows", "normalise",
           "legend_colours", "DECLINE", "IMPROVEMENT"]

DECLINE, IMPROVEMENT = "decline", "improvement"


@dataclass(frozen=True)
class Field:
    """One cell of a row: its name, kind (num, num*, arrow, star, status, dot), optional."""

    name: str
    kind: str
    optional: bool = False


def _cat(name: str, *, star: bool = False) -> tuple[Field, ...]:
    extra = (Field(f"{name}_new", "star", True),) if star else ()
    return (Field(name, "num"), Field(f"{name}_trend", "arrow", True)) + extra


_GLOBAL = (Field("status", "status"), Field("total", "num"), Field("access", "num"),
           Field("content", "num"), Field("rights", "num"))


@dataclass(frozen=True)
class Layout:
    """Where one booklet's score table is and how its rows read.

    ``pages``: the pages (from 1) that hold the table; ``title``: the phrase every one of them
    carries; ``header_end`` / ``body_end``: patterns of the last header line and of the first
    line after the body; ``name_x`` / ``cells_x``: x-ranges of the country column and of the
    score columns, in points from the left edge of the header's "Country" line (left and
    right pages have different margins); ``region_x``: a column of region labels beside the
    names (ignored);
    ``fields``: the cells of a row in order; ``previous``: the edition of a previous-total
    column; ``arrows``: arrow glyph -> direction (a score increase is a decline);
    ``dot``: the status dot's glyph; ``heading_font``: the font of region headings set in the
    country column; ``countries``: how many countries the edition assessed; ``wrap_gap``:
    how far (points) a wrapped name's second line may sit from its row's numbers;
    ``page_count``: the booklet's pages as published (which layout to try first).
    """

    edition: int
    pages: tuple[int, ...]
    title: str
    header_end: str
    body_end: str
    name_x: tuple[float, float]
    cells_x: tuple[float, float]
    fields: tuple[Field, ...]
    countries: int
    region_x: tuple[float, float] | None = None
    previous: int | None = None
    arrows: dict = field(default_factory=dict)
    dot: str | None = None
    heading_font: str | None = None
    wrap_gap: float = 13.0
    page_count: int = 0

    def describe(self) -> str:
        """The row's cells as a reader would list them."""
        return ", ".join(f.name + ("?" if f.optional else "") for f in self.fields)


_OLD_END = r"charts and graphs of key findings"
_OLD_HEADER = r"0 ?- ?40 points"
LAYOUTS = {
    2011: Layout(2011, (14, 15, 16), "freedom on the net 2011", _OLD_HEADER, _OLD_END,
                 (-46, 74), (74, 464), _GLOBAL, 37, page_count=45),
    2012: Layout(2012, (20, 21, 22), "freedom on the net 2012", _OLD_HEADER, _OLD_END,
                 (-46, 74), (74, 464), _GLOBAL, 47, page_count=46),
    2013: Layout(2013, (18, 19, 20), "freedom on the net 2013", _OLD_HEADER, _OLD_END,
                 (-30, 75), (75, 460), _GLOBAL, 60, page_count=45),
    2014: Layout(2014, (26, 27), "on the net 2014", r"access content user rights",
                 r"overall trajectories for the|freedomhouse\.org", (-3, 72), (72, 385),
                 (Field("prev", "num*"), Field("total", "num"), Field("total_trend", "arrow",
                                                                      True),
                  Field("status", "status")) + _cat("access", star=True)
                 + _cat("content", star=True) + _cat("rights", star=True), 65,
                 region_x=(-70, -3), previous=2013, arrows={"q": DECLINE, "p": IMPROVEMENT},
                 page_count=40),
    2016: Layout(2016, (30, 31), "on the net 2016", r"access content user rights",
                 r"score increase represents|= decline|freedomhouse\.org", (-3, 95),
                 (95, 425),
                 (Field("prev", "num"), Field("total", "num"), Field("total_trend", "arrow",
                                                                     True))
                 + _cat("access") + _cat("content") + _cat("rights") + (Field("dot", "dot"),),
                 65, previous=2015, arrows={"t": DECLINE, "s": IMPROVEMENT}, dot="l",
                 heading_font="Bold", page_count=31),
}


@dataclass(frozen=True)
class Cell:
    """A typed cell: ``kind``; a number's ``glyphs`` and font; an arrow's direction or a
    status phrase in ``value``; a dot's colour; its text."""

    kind: str
    raw: str
    glyphs: tuple[str, ...] = ()
    font: str = ""
    value: object = None
    colour: tuple | None = None


@dataclass(frozen=True)
class RawRow:
    """A table row as printed: page, line (of its numbers), country name and its lines, cells
    by field name."""

    page: int
    line: int
    name: str
    name_lines: tuple[int, ...]
    cells: dict

    @property
    def where(self) -> str:
        return f"page {self.page}, line {self.line} ({self.name})"


def normalise(text: str) -> str:
    """Lowercase, Unicode compatibility forms (the 'ij' ligature), one kind of hyphen, single
    spaces: the form phrases are matched in."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def _inside(w: Word, span, anchor: float) -> bool:
    return span is not None and anchor + span[0] <= w.xc < anchor + span[1]


def _typed(words: list[Word], layout: Layout, where: str) -> list[Cell]:
    """Cell words, left to right, to typed cells; neighbouring words of letters form one
    status phrase."""
    out: list[Cell] = []
    for w in words:
        g = glyphs(w.text)
        if w.text in layout.arrows:
            out.append(Cell("arrow", w.text, value=layout.arrows[w.text]))
        elif layout.dot and w.text == layout.dot:
            out.append(Cell("dot", w.text, colour=w.colour))
        elif w.text == "*":
            out.append(Cell("star", w.text))
        elif g is not None:
            out.append(Cell("num", w.text, tuple(g), w.font))
        elif w.text.isalpha():
            if out and out[-1].kind == "status":
                out[-1] = Cell("status", f"{out[-1].raw} {w.text}")
            else:
                out.append(Cell("status", w.text))
        else:
            raise ReportError(f"{where}: {w.text!r} is not a number, arrow, star or status "
                              "word")
    return [Cell("status", c.raw, value=read_status(c.raw)) if c.kind == "status" else c
            for c in out]


def _match(cells: list[Cell], layout: Layout, where: str) -> dict:
    """The cells by field name, in the layout's order; ReportError when they do not fit."""
    out, i = {}, 0
    for f in layout.fields:
        kinds = ("num", "star") if f.kind == "num*" else (f.kind,)
        if i < len(cells) and cells[i].kind in kinds:
            out[f.name] = cells[i]
            i += 1
        elif not f.optional:
            break
    else:
        if i == len(cells):
            return out
    shown = " ".join(c.raw for c in cells)
    raise ReportError(f"{where}: the row reads {shown!r}, which does not fit the FOTN "
                      f"{layout.edition} table's cells ({layout.describe()}): a cell is lost, "
                      "extra or damaged; the table is not read by guesswork")


def _body(lines: list[PdfLine], layout: Layout, page: Page,
          source: str) -> tuple[float, list[PdfLine]]:
    """The x of the header's "Country" line and the lines between the table's header and its
    end on ``page``."""
    start = next((i for i, ln in enumerate(lines)
                  if re.search(layout.header_end, normalise(ln.text))), None)
    if start is None:
        raise ReportError(f"{source}: page {page.no}: no score-table header (a line matching "
                          f"{layout.header_end!r}): not the FOTN {layout.edition} booklet's "
                          "table page")
    anchor = next((ln.words[0].x0 for ln in lines[:start + 1]
                   if any(normalise(w.text).endswith("ountry") for w in ln.words)), None)
    if anchor is None:
        raise ReportError(f"{source}: page {page.no}: the table's header has no 'Country' "
                          "column: the columns cannot be placed")
    body = []
    for ln in lines[start + 1:]:
        if re.search(layout.body_end, normalise(ln.text)):
            break
        body.append(ln)
    return anchor, body


def _attach(frags, rows, layout: Layout, source: str) -> list[list]:
    """Each name fragment (a line with words only in the country column) to the row whose
    numbers are nearest, within ``wrap_gap``; ReportError for a fragment of no row. Returns
    per row its name parts as (y, line, words)."""
    names = [[(ln.yc, ln.no, words)] for ln, words, _ in rows]
    for ln, words in frags:
        dist = sorted((abs(r[0].yc - ln.yc), i) for i, r in enumerate(rows))
        if not dist or dist[0][0] > layout.wrap_gap or (
                len(dist) > 1 and abs(dist[0][0] - dist[1][0]) < 0.5):
            raise ReportError(f"{source}: page {ln.page}, line {ln.no}: "
                              f"{' '.join(w.text for w in words)!r} in the country column "
                              "belongs to no row of numbers (or to two equally near)")
        names[dist[0][1]].append((ln.yc, ln.no, words))
    return names


_WHITE = ((1.0, 1.0, 1.0), (0.0, 0.0, 0.0, 0.0), (1.0,))


def _invisible(w: Word, page: Page) -> bool:
    """Text in the colour of the filled box under it (the last one drawn there): no reader of
    the printed page sees it. Without a box under it a word counts as visible (the ground may
    be a shape this reader does not look at)."""
    under = [r.colour for r in page.rects if r.x0 <= w.xc <= r.x1 and r.top <= w.yc <= r.bottom]
    if not under or w.colour is None:
        return False
    return w.colour == under[-1] or (w.colour in _WHITE and under[-1] in _WHITE)


def _visible(words: list[Word], ln: PdfLine, page: Page, source: str,
             notes: list[str]) -> list[Word]:
    """``words`` of line ``ln`` without the invisible ones (each noted)."""
    hidden = [w for w in words if _invisible(w, page)]
    if hidden:
        notes.append(f"{source}: page {page.no}, line {ln.no}: "
                     f"{' '.join(w.text for w in hidden)!r} is printed in the colour of its "
                     "background (invisible on the page): not read")
    return [w for w in words if w not in hidden]


def _join(words: list[Word]) -> str:
    """Words of one line as text: words that touch (a ligature set in another font splits a
    word) join without a space."""
    out = ""
    for i, w in enumerate(words):
        out += ("" if i == 0 or w.x0 - words[i - 1].x1 < 0.8 else " ") + w.text
    return out


def table_rows(page: Page, layout: Layout, source: str, notes: list[str]) -> list[RawRow]:
    """The rows of the score table on ``page``, as printed (see the module docstring)."""
    rows, frags = [], []
    anchor, body = _body(page.lines(), layout, page, source)
    for ln in body:
        words = _visible([w for w in ln.words if not _inside(w, layout.region_x, anchor)],
                         ln, page, source, notes)
        if not words or (layout.heading_font
                         and all(layout.heading_font in w.font for w in words)):
            continue  # nothing visible, or a region heading set across the columns
        name = [w for w in words if _inside(w, layout.name_x, anchor)]
        cells = [w for w in words if _inside(w, layout.cells_x, anchor)]
        stray = [w for w in words if w not in name and w not in cells]
        if stray:
            notes.append(f"{source}: page {page.no}, line {ln.no}: "
                         f"{' '.join(w.text for w in stray)!r} outside the table's columns: "
                         "not read")
        if cells:
            rows.append((ln, name, cells))
        elif name:
            frags.append((ln, name))
    names = _attach(frags, rows, layout, source)
    out = []
    for (ln, _, cells), parts in zip(rows, names):
        parts = sorted(parts, key=lambda p: p[0])
        text = unicodedata.normalize("NFKC", " ".join(_join(ws) for _, _, ws in parts))
        text = " ".join(text.split())  # a name wrapped or set in two word boxes
        where = f"{source}: page {page.no}, line {ln.no} ({text or 'no name'})"
        if not text:
            raise ReportError(f"{where}: a row of numbers with no country name")
        typed = _typed(cells, layout, where)
        out.append(RawRow(page.no, ln.no, text, tuple(n for _, n, _ in parts),
                          _match(typed, layout, where)))
    return out


def legend_colours(page: Page) -> dict:
    """Fill colour -> status code from a legend: a filled swatch just left of the words FREE,
    PARTLY FREE or NOT FREE on one line."""
    found = {}
    for ln in page.lines():
        words = list(ln.words)
        for i, w in enumerate(words):
            if w.text.upper() not in ("FREE", "PARTLY", "NOT"):
                continue
            if w.text.upper() == "FREE" and i and words[i - 1].text.upper() in ("PARTLY", "NOT"):
                continue
            code = {"FREE": "F", "PARTLY": "PF", "NOT": "NF"}[w.text.upper()]
            swatches = [r for r in page.rects if r.colour is not None
                        and r.top <= w.yc <= r.bottom and w.x0 - 12 <= r.x1 <= w.x0 + 1]
            if len(swatches) == 1:
                found[swatches[0].colour] = code
    return found
