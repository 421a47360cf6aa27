"""Lines of report text to cells: every reading a damaged token can have, nothing decided.

A line splits into a label (its words and the maximum in its parentheses, "(0-25)") and a run
of number-like tokens; each token has every integer its glyphs can be read as (OCR look-alikes:
"6l" is 61, "B" is 8 or 3; one unreadable glyph is any digit). Labels are matched to row names
and cells to status words by edit distance. Which reading is true is the solver's business:
the readings here always include the true one, so they are generous on purpose.

Knows no layout: the row names and the maxima a label may carry are the caller's.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

__all__ = ["Line", "Cell", "parse_line", "cell", "digit_readings", "read_status", "row_names",
           "edit_distance", "words", "glyphs", "LOOKALIKES", "MISSING", "STATUS_WORDS"]

#: Status codes and their words; every status ends in "free".
STATUS_WORDS = {"F": "free", "PF": "partly free", "NF": "not free"}
#: OCR look-alikes of digits. Each maps to every digit it is commonly misread from, so that the
#: true digit is always among the readings; the constraints then choose.
LOOKALIKES = {
    "O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "i": "1", "|": "1", "!": "1",
    "]": "1", "Z": "2", "z": "2", "A": "4", "S": "58", "s": "5", "$": "5", "G": "6", "b": "6",
    "T": "7", "B": "83", "g": "9", "q": "9",
}
#: Cells that say "no number here" (lowercase).
MISSING = {"-", "\u2013", "\u2014", "n/a", "na"}
_UNREADABLE = set("?\ufffd~_")
# A label this close to a row's name (edit distance / length of the name) names that row.
_LABEL_TOLERANCE = 0.35
_PAREN = re.compile(r"\(([^()]{1,12})\)")
# A glyph a PDF font left without a Unicode map, as pdfminer writes it.
_GLYPH = re.compile(r"\(cid:\d{1,5}\)|\d")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: insertions, deletions and substitutions, each costing one.

    When one string is more than twice as long as the other, the difference of their lengths
    is returned instead: a lower bound of the distance that already exceeds the shorter
    string's length, so every tolerance a caller applies (a fraction of the name matched, or a
    few edits) rejects it as the exact distance would, and a hostile 10,000-character line
    costs no more than a short one.
    """
    if len(a) > 2 * len(b) or len(b) > 2 * len(a):
        return abs(len(a) - len(b))
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def words(text: str) -> str:
    """Lowercase letters and single spaces only: the form labels are compared in."""
    return re.sub(r"\s+", " ", re.sub(r"[^a-z ]+", " ", text.lower())).strip()


def digit_readings(token: str, width: tuple[int, int]) -> tuple[list[int], bool] | None:
    """Every integer ``token`` can be read as (digits, look-alikes, one unreadable glyph), and
    whether it was clean digits; None when it is not a number of ``width`` (min, max) glyphs."""
    if not width[0] <= len(token) <= width[1]:
        return None
    options = []
    for ch in token:
        if ch.isdigit():
            options.append(ch)
        elif ch in LOOKALIKES:
            options.append(LOOKALIKES[ch])
        elif ch in _UNREADABLE:
            options.append("0123456789")
        else:
            return None
    if sum(ch in _UNREADABLE for ch in token) > 1 or all(ch in _UNREADABLE for ch in token):
        return None
    return sorted({int("".join(p)) for p in itertools.product(*options)}), token.isdigit()


def glyphs(token: str, width: tuple[int, int] = (1, 3)) -> list[str] | None:
    """The glyphs of a number token from a PDF: digits and unmapped glyphs (``"(cid:25)"``),
    e.g. ``"6(cid:22)"`` -> ``["6", "(cid:22)"]``; None when it is anything else or not of
    ``width`` (min, max) glyphs. Which digit an unmapped glyph is, is the caller's question."""
    found = _GLYPH.findall(token)
    if "".join(found) != token or not width[0] <= len(found) <= width[1]:
        return None
    return found


def _is_score_token(token: str) -> bool:
    return token.lower() in MISSING or digit_readings(token, (1, 3)) is not None


def read_status(text: str) -> tuple[frozenset, bool] | None:
    """Status codes a cell can be (the closest spelling, when close enough), and whether exact."""
    t = words(text)
    if not t:
        return None
    for code, word in STATUS_WORDS.items():
        if t == word:
            return frozenset({code}), True
    dist = {code: edit_distance(t, word) for code, word in STATUS_WORDS.items()}
    best = min(dist.values())
    if best > (1 if len(t) <= 5 else 2):
        return None
    return frozenset(c for c, d in dist.items() if d == best), False


def row_names(name: str, names: dict[str, tuple[str, ...]]) -> tuple[frozenset, int]:
    """Rows whose name (``names``: row -> its spellings) a label matches, with the best edit
    distance (exact match: 0). Rows within one edit of the best are all kept."""
    if not name:
        return frozenset(), 0
    dist = {row: min(edit_distance(name, n) for n in spellings)
            for row, spellings in names.items()}
    ok = {row: d for row, d in dist.items()
          if d <= _LABEL_TOLERANCE * min(len(n) for n in names[row])}
    if not ok:
        return frozenset(), 0
    best = min(ok.values())
    return frozenset(r for r, d in ok.items() if d <= best + 1), best


@dataclass
class Cell:
    """One number cell: its text, the integers it can be read as, and whether it was clean."""

    raw: str
    values: tuple[int, ...] | None  # None: blank, a dash or unreadable
    clean: bool


@dataclass
class Line:
    """One line of text, cut into its label and the cells after it.

    ``cells`` are the tab- (or two-space-) separated pieces; ``label`` the first one, ``name``
    its words before the parenthesis, ``maximum`` the top of its "(0-NN)" when that is one of
    the maxima the caller allows; ``run`` the number-like tokens after the label (numbers that
    lost their tab included) and ``rest`` the cells after them. A layout that reads a line's
    cells itself (a status row) resets ``rest`` to what follows them, for the facts reader.
    """

    no: int
    text: str
    cells: list[str]
    label: str
    name: str
    maximum: int | None
    run: list[str]
    rest: list[str]


def _maximum(paren: str, maxima: frozenset) -> int | None:
    """The maximum a "(0-NN)" gives, when exactly one of ``maxima`` is among its readings."""
    parts = [p for p in re.split(r"[-\u2013\u2014,.:;\s]+", paren) if p]
    if len(parts) != 2:
        return None
    low, high = digit_readings(parts[0], (1, 1)), digit_readings(parts[1], (2, 3))
    if low and 0 in low[0] and high:
        hits = maxima & set(high[0])
        return next(iter(hits)) if len(hits) == 1 else None
    return None


def _run(tail: str, others: list[str]) -> tuple[list[str], list[str]]:
    """The number-like tokens that open ``tail`` and the cells after it, and what follows."""
    run: list[str] = []
    tail_toks = tail.split()
    i = 0
    while i < len(tail_toks) and _is_score_token(tail_toks[i]):
        run.append(tail_toks[i])
        i += 1
    if i < len(tail_toks):
        return run, [" ".join(tail_toks[i:])] + others
    j = 0
    while j < len(others):
        parts = others[j].split()
        if others[j].endswith(":") or (parts and not all(map(_is_score_token, parts))):
            break
        run.extend(parts or [""])
        j += 1
    return run, others[j:]


def parse_line(no: int, text: str, maxima: frozenset) -> Line:
    """Cut line ``no`` into label, name, maximum (one of ``maxima``), number run and rest."""
    raw = text.rstrip("\r\n")
    if "\t" in raw:
        cells = [c.strip() for c in raw.split("\t")]
    else:
        cells = [c.strip() for c in re.split(r"\s{2,}", raw.strip())]
    label = cells[0].lstrip("#").strip()
    parens = list(_PAREN.finditer(label))
    maximum = None
    if parens:
        head, tail = label[:parens[-1].end()], label[parens[-1].end():]
        maximum = _maximum(parens[-1].group(1), maxima)
        name = words(head[:parens[-1].start()])
    else:
        toks = label.split()
        k = len(toks)
        # Numbers that lost their tab join the label; only tokens with a real digit are peeled
        # off, so that words ("of", "Is") never turn into scores.
        while k > 0 and _is_score_token(toks[k - 1]) and any(c.isdigit() for c in toks[k - 1]):
            k -= 1
        head, tail = " ".join(toks[:k]), " ".join(toks[k:])
        name = words(head)
    run, rest = _run(tail, cells[1:])
    return Line(no, raw, cells, label, name, maximum, run, rest)


def cell(token: str) -> Cell:
    """A number cell from one token of up to three glyphs (blank, dash or unreadable: no values)."""
    if not token or token.lower() in MISSING:
        return Cell(token, None, False)
    r = digit_readings(token, (1, 3))
    return Cell(token, tuple(r[0]), r[1]) if r else Cell(token, None, False)
