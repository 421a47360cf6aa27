"""PDF pages to positioned words and lines, within resource ceilings.

A score table in a PDF is text placed at coordinates: which column a number belongs to, which
row a wrapped country name continues, which glyph is a trajectory arrow (a symbol font) and
which status a dot has (its fill colour) are all in the positions, fonts and colours of the
words, not in a flat text extraction. This module gives each page's words with their box, font
and fill colour, groups them into lines, and gives the filled rectangles (the swatches of a
legend). It knows no layout.

The library is pdfplumber, built on pdfminer.six: both are pure Python, maintained and widely
used; pdfminer.six interprets the page content streams itself (fonts, text matrices, ToUnicode
maps), and pdfplumber turns its characters into words with coordinates, font name and colour,
which table reading needs. A glyph whose font has no Unicode map comes out as ``(cid:N)``,
which the readers treat as an unknown digit. pdfplumber is imported only when a PDF is read,
so that the command line starts fast.

Ceilings (:mod:`scoring.ingest.limits`, each raised by its environment variable): a file
that is not a regular file, larger than :data:`MAX_BYTES`, with more than :data:`MAX_PAGES`
pages, or a page with more than :data:`MAX_WORDS` words is refused; so is a file that is not a
PDF, is damaged or needs a password. Every refusal is a :class:`~scoring.errors.ReportError`
naming the file (and the page).

May import: errors, ingest.limits.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from ...errors import ReportError
from ..limits import MAX_PDF_BYTES, MAX_PDF_PAGES, MAX_PDF_WORDS, regular_file

__all__ = ["Word", "Rect", "PdfLine", "Page", "PdfFile", "group_lines", "MAX_BYTES",
           "MAX_PAGES", "MAX_WORDS"]

#: Largest file read (bytes), by default: Freedom House's booklets are 2-4 MB.
MAX_BYTES = MAX_PDF_BYTES.default
#: Most pages a file may have, by default: the booklets have 31-46.
MAX_PAGES = MAX_PDF_PAGES.default
#: Most words one page may have, by default: a booklet's densest page has about 1,500.
MAX_WORDS = MAX_PDF_WORDS.default
# Words whose vertical centres are this close (points) are on one line.
_LINE_TOLERANCE = 3.0


@dataclass(frozen=True)
class Word:
    """One word: its text, box (points from the page's top left), font and fill colour."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    font: str = ""
    colour: tuple | None = None

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Rect:
    """A filled rectangle (a legend's swatch, a table's shading) and its fill colour."""

    x0: float
    x1: float
    top: float
    bottom: float
    colour: tuple | None


@dataclass(frozen=True)
class PdfLine:
    """The words of one printed line, left to right; ``no`` counts the page's lines from 1."""

    page: int
    no: int
    words: tuple[Word, ...]

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def yc(self) -> float:
        return statistics.fmean(w.yc for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True)
class Page:
    """One page: its number (from 1), size, words and filled rectangles."""

    no: int
    width: float
    height: float
    words: tuple[Word, ...]
    rects: tuple[Rect, ...] = ()

    def lines(self) -> list[PdfLine]:
        """The page's words grouped into lines, top to bottom."""
        return group_lines(self.words, self.no)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines())


def group_lines(words, page: int = 0) -> list[PdfLine]:
    """Words to lines: a word joins the line whose vertical centre is within 3 points of its
    own; lines are numbered top to bottom, words ordered left to right."""
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.yc, w.x0)):
        if rows and abs(w.yc - statistics.fmean(v.yc for v in rows[-1])) <= _LINE_TOLERANCE:
            rows[-1].append(w)
        else:
            rows.append([w])
    return [PdfLine(page, i, tuple(sorted(r, key=lambda w: w.x0)))
            for i, r in enumerate(rows, 1)]


def _colour(value) -> tuple | None:
    if isinstance(value, (tuple, list)) and all(isinstance(v, (int, float)) for v in value):
        return tuple(round(float(v), 3) for v in value)
    return None


class PdfFile:
    """An open PDF whose pages are read on demand; use as a context manager.

    Raises :class:`ReportError` naming the file when it is missing, too large, not a PDF,
    damaged, needs a password or has too many pages.
    """

    def __init__(self, path: str | Path, *, max_bytes: int | None = None,
                 max_pages: int | None = None):
        self.path = Path(path)
        self.name = self.path.name
        self.notes: list[str] = []
        self._check_file(max_bytes)
        self._pdf = self._open()
        try:
            self.page_count = len(self._pdf.pages)
        except Exception as exc:  # pdfminer raises many kinds on a damaged page tree
            self.close()
            raise ReportError(f"{self.name}: damaged PDF: its page tree cannot be read "
                              f"({type(exc).__name__}: {exc})") from exc
        if self.page_count == 0:
            self.close()
            raise ReportError(f"{self.name}: the PDF has no pages")
        try:
            MAX_PDF_PAGES.check(self.page_count, self.name, error=ReportError, limit=max_pages)
        except ReportError:
            self.close()
            raise
        self._cache: dict[int, Page] = {}

    def _check_file(self, max_bytes: int | None) -> None:
        """Exists, is a regular file no larger than the ceiling, starts like a PDF."""
        size = regular_file(self.path, ReportError)
        MAX_PDF_BYTES.check(size, self.name, error=ReportError, limit=max_bytes)
        try:
            with self.path.open("rb") as fh:
                head = fh.read(1024)
        except OSError as exc:
            raise ReportError(f"{self.name}: cannot read: {exc.strerror}") from exc
        if b"%PDF-" not in head:
            shown = head[:16].decode("latin-1").encode("unicode_escape").decode()
            raise ReportError(f"{self.name}: not a PDF (a PDF starts with '%PDF-'; this file "
                              f"starts with {shown!r})" if head else f"{self.name}: empty file")

    def _open(self):
        """pdfplumber's document, or ReportError for a damaged or locked file."""
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect

        try:
            pdf = pdfplumber.open(self.path)
        except Exception as exc:  # pdfplumber wraps pdfminer's errors in its own
            cause = exc.__cause__ or (exc.args[0] if exc.args else exc)
            if isinstance(cause, PDFPasswordIncorrect) or "password" in str(cause).lower():
                raise ReportError(f"{self.name}: encrypted PDF that needs a password: not "
                                  "read") from exc
            raise ReportError(f"{self.name}: damaged PDF: cannot be opened "
                              f"({type(cause).__name__}: {cause})") from exc
        if getattr(pdf.doc, "encryption", None):
            self.notes.append(f"{self.name}: encrypted with an empty user password "
                              "(permission restrictions only); read as any reader opens it")
        return pdf

    def page(self, no: int) -> Page:
        """Page ``no`` (from 1) with its words and filled rectangles."""
        if not 1 <= no <= self.page_count:
            raise ReportError(f"{self.name}: has {self.page_count} pages; page {no} asked for")
        if no not in self._cache:
            self._cache[no] = self._read_page(no)
        return self._cache[no]

    def _read_page(self, no: int) -> Page:
        try:
            pg = self._pdf.pages[no - 1]
            raw = pg.extract_words(extra_attrs=["fontname", "non_stroking_color"])
            rects = [r for r in pg.rects if r.get("fill")]
        except Exception as exc:  # a damaged content stream fails in many ways inside pdfminer
            raise ReportError(f"{self.name}: page {no}: damaged PDF: the page cannot be read "
                              f"({type(exc).__name__}: {exc})") from exc
        MAX_PDF_WORDS.check(len(raw), f"{self.name}: page {no}", error=ReportError)
        words = tuple(Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]),
                           float(w["bottom"]), str(w.get("fontname", "")),
                           _colour(w.get("non_stroking_color"))) for w in raw)
        boxes = tuple(Rect(float(r["x0"]), float(r["x1"]), float(r["top"]), float(r["bottom"]),
                           _colour(r.get("non_stroking_color"))) for r in rects)
        return Page(no, float(pg.width), float(pg.height), words, boxes)

    def close(self) -> None:
        pdf = getattr(self, "_pdf", None)
        if pdf is not None:
            pdf.close()

    def __enter__(self) -> "PdfFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
