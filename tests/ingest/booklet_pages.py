"""The five booklets' table pages, read once per test session, and tools to damage their words.

Fixtures are built by changing the words pdfplumber extracted from the real pages (a digit
dropped, a glyph turned into an unmapped ``(cid:N)``, a word removed), never by shipping PDFs.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

from scoring.ingest.reports.booklet_read import identify
from scoring.ingest.reports.pdf_words import Page, PdfFile

RAW = Path(__file__).resolve().parents[2] / "datasets" / "raw"
EDITIONS = (2011, 2012, 2013, 2014, 2016)


def booklet(edition: int) -> Path:
    return RAW / f"internetfreedom_{edition}.pdf"


@cache
def table_pages(edition: int):
    """The booklet's layout and its table pages (with their words), read from the PDF."""
    with PdfFile(booklet(edition)) as pdf:
        layout = identify(pdf)
        return layout, tuple(pdf.page(n) for n in layout.pages)


def edit_words(pages, change) -> list[Page]:
    """``pages`` with every word passed through ``change(page_no, line_words, word)``, which
    returns the word (changed or not) or None to drop it."""
    out = []
    for page in pages:
        words = []
        for ln in page.lines():
            for w in ln.words:
                new = change(page.no, ln, w)
                if new is not None:
                    words.append(new)
        out.append(dataclasses.replace(page, words=tuple(words)))
    return out


def row_line(page: Page, name: str):
    """The line of ``page`` whose first word is ``name``."""
    return next(ln for ln in page.lines() if ln.words[0].text == name)


def replace_text(word, text: str):
    return dataclasses.replace(word, text=text)
