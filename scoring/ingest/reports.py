"""Freedom on the Net country reports (text) to the tidy score frame, repairing only the certain.

A FOTN country report opens with a small score table: the two editions' statuses, the three
category scores with their maxima ("Obstacles to Access (0-25)"), the total, and a note giving
the scale ("* 0=most free, 100=least free"). Text extracted from the PDF by OCR damages that
table: letters turn into look-alike digits and back ("6l" for 61), a label is mangled into an
OCR ghost of itself ("Vieletiene of Lleer Dishte (0, 40)"), lines are duplicated, split or lost.

The reader treats every damaged piece as a set of possible readings and keeps only the readings
that satisfy what OCR cannot damage all at once: the order of the rows (access, content, rights,
total), their maxima (25/35/40/100), totals equal to the sum of the categories, statuses in the
band of the total on the report's own scale, and header years that are consecutive editions.
It returns an answer only when every reading that survives gives the same numbers, and records
each repair with the constraint that made it unique; otherwise it raises :class:`ReportError`.
A wrong number is the one outcome it is built to avoid.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .countries import to_iso3
from ..errors import OrientationError, ReportError, ValidationError
from ..methodology import (HIGHER_IS_FREER, LOWER_IS_FREER, STATUS_LABELS, Methodology,
                          load_methodology)
from .orientation import label_orientation
from .validation import FAILURE_COLUMNS, validate

__all__ = ["ReportError", "read_report", "parse_report", "merge_report", "REPORT_ROWS"]

#: The score rows of a FOTN report table, in the order the table prints them.
REPORT_ROWS = ("access", "content", "rights", "total")
_CATEGORIES = REPORT_ROWS[:3]
_ROW_NAMES = {
    "access": ("obstacles to access",),
    "content": ("limits on content",),
    "rights": ("violations of user rights",),
    "total": ("total", "total score"),
    "status": ("internet freedom status",),
}
_STATUS_WORDS = {"F": "free", "PF": "partly free", "NF": "not free"}
# OCR look-alikes of digits. Each maps to every digit it is commonly misread from, so that the
# true digit is always among the readings; the constraints then choose.
_LOOKALIKES = {
    "O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "i": "1", "|": "1", "!": "1",
    "]": "1", "Z": "2", "z": "2", "A": "4", "S": "58", "s": "5", "$": "5", "G": "6", "b": "6",
    "T": "7", "B": "83", "g": "9", "q": "9",
}
_UNREADABLE = set("?\ufffd~_")
_MISSING = {"-", "\u2013", "\u2014", "n/a", "na"}
# A label this close to a row's name (edit distance / length of the name) names that row.
_LABEL_TOLERANCE = 0.35
# More value combinations than this cannot be decided by one sum per year: refuse.
_MAX_COMBINATIONS = 20000



# -- small readers ------------------------------------------------------------------------------
def _lev(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z ]+", " ", text.lower())).strip()


def _digit_readings(token: str, width: tuple[int, int]) -> tuple[list[int], bool] | None:
    """Every integer ``token`` can be read as (digits, look-alikes, one unreadable glyph), and
    whether it was clean digits; None when it is not a number of that width."""
    if not width[0] <= len(token) <= width[1]:
        return None
    options = []
    for ch in token:
        if ch.isdigit():
            options.append(ch)
        elif ch in _LOOKALIKES:
            options.append(_LOOKALIKES[ch])
        elif ch in _UNREADABLE:
            options.append("0123456789")
        else:
            return None
    if sum(ch in _UNREADABLE for ch in token) > 1 or all(ch in _UNREADABLE for ch in token):
        return None
    return sorted({int("".join(p)) for p in itertools.product(*options)}), token.isdigit()


def _is_score_token(token: str) -> bool:
    return token.lower() in _MISSING or _digit_readings(token, (1, 3)) is not None


def _read_status(text: str) -> tuple[frozenset, bool] | None:
    """Status codes a cell can be (the closest spelling, when close enough), and whether exact."""
    t = _words(text)
    if not t:
        return None
    for code, word in _STATUS_WORDS.items():
        if t == word:
            return frozenset({code}), True
    dist = {code: _lev(t, word) for code, word in _STATUS_WORDS.items()}
    best = min(dist.values())
    if best > (1 if len(t) <= 5 else 2):
        return None
    return frozenset(c for c, d in dist.items() if d == best), False


def _row_names(name: str) -> tuple[frozenset, int]:
    """Rows whose name a label matches, with the best edit distance (exact match: 0)."""
    if not name:
        return frozenset(), 0
    dist = {row: min(_lev(name, n) for n in names) for row, names in _ROW_NAMES.items()}
    ok = {row: d for row, d in dist.items()
          if d <= _LABEL_TOLERANCE * min(len(n) for n in _ROW_NAMES[row])}
    if not ok:
        return frozenset(), 0
    best = min(ok.values())
    return frozenset(r for r, d in ok.items() if d <= best + 1), best


# -- lines --------------------------------------------------------------------------------------
@dataclass
class _Cell:
    raw: str
    values: tuple[int, ...] | None  # None: blank, a dash or unreadable
    clean: bool


@dataclass
class _Line:
    no: int
    text: str
    cells: list[str]
    label: str
    name: str
    maximum: int | None
    run: list[str]
    rest: list[str]


_PAREN = re.compile(r"\(([^()]{1,12})\)")


def _parse_line(no: int, text: str) -> _Line:
    raw = text.rstrip("\r\n")
    if "\t" in raw:
        cells = [c.strip() for c in raw.split("\t")]
    else:
        cells = [c.strip() for c in re.split(r"\s{2,}", raw.strip())]
    label = cells[0].lstrip("#").strip()
    others = cells[1:]
    parens = list(_PAREN.finditer(label))
    maximum = None
    if parens:
        head, tail = label[:parens[-1].end()], label[parens[-1].end():]
        parts = [p for p in re.split(r"[-\u2013\u2014,.:;\s]+", parens[-1].group(1)) if p]
        if len(parts) == 2:
            low, high = _digit_readings(parts[0], (1, 1)), _digit_readings(parts[1], (2, 3))
            if low and 0 in low[0] and high:
                hits = {25, 35, 40, 100} & set(high[0])
                maximum = hits.pop() if len(hits) == 1 else None
        name = _words(head[:parens[-1].start()])
    else:
        toks = label.split()
        k = len(toks)
        # Numbers that lost their tab join the label; only tokens with a real digit are peeled
        # off, so that words ("of", "Is") never turn into scores.
        while k > 0 and _is_score_token(toks[k - 1]) and any(c.isdigit() for c in toks[k - 1]):
            k -= 1
        head, tail = " ".join(toks[:k]), " ".join(toks[k:])
        name = _words(head)
    run: list[str] = []
    rest: list[str] = []
    tail_toks = tail.split()
    i = 0
    while i < len(tail_toks) and _is_score_token(tail_toks[i]):
        run.append(tail_toks[i])
        i += 1
    if i < len(tail_toks):
        rest = [" ".join(tail_toks[i:])] + others
    else:
        j = 0
        while j < len(others):
            parts = others[j].split()
            if others[j].endswith(":") or (parts and not all(map(_is_score_token, parts))):
                break
            run.extend(parts or [""])
            j += 1
        rest = others[j:]
    return _Line(no, raw, cells, label, name, maximum, run, rest)


def _leading_years(line: _Line) -> list[tuple[str, list[int]]]:
    out = []
    for tok in " ".join(line.cells[:3]).split():
        r = _digit_readings(tok, (4, 4))
        years = [y for y in r[0] if 2009 <= y <= 2099] if r else []
        if not years or sum(c.isdigit() for c in tok) < 2:
            break
        out.append((tok, years))
    return out


def _cell(token: str) -> _Cell:
    if not token or token.lower() in _MISSING:
        return _Cell(token, None, False)
    r = _digit_readings(token, (1, 3))
    return _Cell(token, tuple(r[0]), r[1]) if r else _Cell(token, None, False)


@dataclass
class _Obs:
    """One way to read a table row from the text: its lines, possible rows and cells."""

    lines: tuple[int, ...]
    text: str
    label: str
    ids: frozenset
    cost: int
    evidence: str
    cells: tuple[_Cell | None, ...]
    status: tuple = ()  # status rows: per year (codes, exact, raw) or None
    split: "_Obs | None" = None  # a label-only line: its label joined with the next line's numbers
    bare: bool = False  # no number-like token at all (a label-only line, not unreadable numbers)


def _identify(line: _Line) -> tuple[frozenset, int, str]:
    """Rows a line can be, from its label and its maximum, with a cost and the reason."""
    named, dist = _row_names(line.name)
    named = named - {"status"}
    by_max = {25: "access", 35: "content", 40: "rights", 100: "total"}.get(line.maximum)
    shown = f"{line.label!r}"
    if by_max and named == {by_max}:
        if dist == 0:
            return named, 0, f"label {shown}"
        return named, 1, (f"label {shown} is {dist} edit(s) from {_ROW_NAMES[by_max][0]!r} and "
                          f"its maximum (0-{line.maximum}) is the {by_max} row's")
    if by_max and not named:
        return frozenset({by_max}), 1, (f"label {shown} is unreadable but its maximum "
                                        f"(0-{line.maximum}) is the {by_max} row's")
    if by_max:
        return named | {by_max}, 2, (f"label {shown} names {'/'.join(sorted(named))} but its "
                                     f"maximum (0-{line.maximum}) is the {by_max} row's")
    if named:
        return named, 0 if dist == 0 and len(named) == 1 else 1, (
            f"label {shown}" + (f" is {dist} edit(s) from the {'/'.join(sorted(named))} label"
                                if dist else ""))
    # No label and no maximum: the line is never read as a row (order alone would let the
    # categories' numbers be swapped, which keeps every sum); its numbers only check the rows
    # around it.
    return frozenset(), 0, "no readable label or maximum"


# -- the solver ---------------------------------------------------------------------------------
@dataclass
class _Solution:
    values: dict
    status: str
    recomputed: str | None  # the row computed from the sum, if any
    cost: int


@dataclass
class _Context:
    m: Methodology
    years: tuple[int, ...]
    orientation: str
    maxima: dict = field(default_factory=dict)


def _year(ctx: _Context, assign: dict, status_obs: _Obs | None, k: int):
    """Solutions for year ``k`` under one assignment, or ("invalid"|"ambiguous", reason)."""
    year = ctx.years[k]
    cands, unknown, cost = {}, [], 0
    for r in REPORT_ROWS:
        ob = assign[r]
        cell = ob.cells[k] if ob is not None else None
        if cell is None or cell.values is None:
            unknown.append(r)
            continue
        vals = [v for v in cell.values if 0 <= v <= ctx.maxima[r]]
        if not vals:
            return "invalid", f"{r} {year} {cell.raw!r} is outside 0-{ctx.maxima[r]}"
        cands[r] = vals
        cost += 0 if cell.clean else 1
    st = status_obs.status[k] if status_obs is not None else None
    if len(unknown) > 1:
        return "ambiguous", (f"{year}: {' and '.join(unknown)} are lost or unreadable; one sum "
                             "cannot give two numbers")
    if unknown:
        lost = unknown[0]
        needed = [r for r in REPORT_ROWS if r != lost]
        if any(len(cands[r]) > 1 for r in needed):
            return "ambiguous", (f"{year}: {lost} is lost and another number of {year} is "
                                 "uncertain: nothing to recompute it from")
        if lost == "total" and st is None:
            return "ambiguous", (f"{year}: the total is lost and the status is unreadable: a "
                                 "recomputed total could not be checked")
        fixed = {r: cands[r][0] for r in needed}
        if lost == "total":
            value = sum(fixed[c] for c in _CATEGORIES)
        else:
            value = fixed["total"] - sum(fixed[c] for c in _CATEGORIES if c != lost)
        if not 0 <= value <= ctx.maxima[lost]:
            return "invalid", f"{year}: recomputed {lost} {value} is outside 0-{ctx.maxima[lost]}"
        cands[lost] = [value]
        cost += 3
    n = int(np.prod([len(cands[r]) for r in REPORT_ROWS]))
    if n > _MAX_COMBINATIONS:
        return "ambiguous", f"{year}: {n} possible readings of the row numbers"
    out = []
    for combo in itertools.product(*(cands[r] for r in REPORT_ROWS)):
        values = dict(zip(REPORT_ROWS, combo))
        if sum(values[c] for c in _CATEGORIES) != values["total"]:
            continue
        band = ctx.m.status_for(values["total"], ctx.orientation)
        if st is None:
            out.append(_Solution(values, band, unknown[0] if unknown else None, cost + 2))
        elif band in st[0]:
            out.append(_Solution(values, band, unknown[0] if unknown else None,
                                 cost + (0 if st[1] else 1)))
    if not out:
        return "invalid", f"{year}: no reading satisfies the sum and the status band"
    return out


def _slot(assign: dict, i: int) -> tuple[int, int]:
    """Lines between which row ``i`` must sit, given the rows read around it."""
    before = [assign[q].lines[-1] for q in REPORT_ROWS[:i] if assign.get(q) is not None]
    after = [assign[q].lines[0] for q in REPORT_ROWS[i + 1:] if assign.get(q) is not None]
    return max(before, default=0), min(after, default=10 ** 9)


def _admissible(assign: dict, obs: list[_Obs]) -> bool:
    """The rules that tie an assignment to every line that names a row.

    1. A line left out must be able to be a duplicate of a row that is read.
    2. A row is lost (no line, or no number in a year) only if no line left out that names it
       could stand in its place and give the number, and a label-only line is not read alone
       while the numbers split from it are left out.
    """
    used = {n for ob in assign.values() if ob is not None for n in ob.lines}
    present = {r for r, ob in assign.items() if ob is not None}
    free = [ob for ob in obs if ob.ids and not used & set(ob.lines)]
    if any(not ob.ids & present for ob in free):
        return False
    for i, r in enumerate(REPORT_ROWS):
        low, high = _slot(assign, i)
        fits = [ob for ob in free if r in ob.ids and low < ob.lines[0] and ob.lines[-1] < high]
        chosen = assign[r]
        if chosen is None and fits:
            return False
        if chosen is not None:
            # A label with no numbers is not read as a lost row while the numbers right under
            # it are left out: that is a split row.
            if chosen.split is not None and not used & set(chosen.split.lines[1:]):
                return False
            for k, cell in enumerate(chosen.cells):
                if cell.values is None and any(ob.cells[k].values is not None for ob in fits):
                    return False
    return True


def _assignments(obs: list[_Obs]):
    """Row -> a line naming it (or None: lost), in line order, under :func:`_admissible`."""
    def rec(i, prev, used, assign):
        if i == len(REPORT_ROWS):
            if _admissible(assign, obs):
                yield dict(assign)
            return
        r = REPORT_ROWS[i]
        for ob in obs:
            if r in ob.ids and ob.lines[0] > prev and not used & set(ob.lines):
                assign[r] = ob
                yield from rec(i + 1, ob.lines[-1], used | set(ob.lines), assign)
        assign[r] = None
        yield from rec(i + 1, prev, used, assign)
        del assign[r]

    yield from rec(0, 0, set(), {})


def _key(assign: dict) -> tuple:
    return tuple(None if assign[r] is None else id(assign[r]) for r in REPORT_ROWS)


def _agrees(cells, answer, i) -> bool:
    return all(c is None or c.values is None or answer[k][0][i] in c.values
               for k, c in enumerate(cells))


def _solve(ctx: _Context, obs: list[_Obs], status_obs: list[_Obs]):
    """Every consistent world: (answer, cost, assignment, status obs, solutions per year);
    the reasons of worlds that could not be decided; and the worlds set aside as contested.

    A world is contested, and set aside, when it leaves out a line it cannot explain: a line
    naming a row whose numbers differ from the world's while some consistent reading uses that
    line for that row (the two lines compete and nothing decides), or a line with no readable
    label whose numbers match none of the rows it stands between.
    """
    assigns = {_key(a): a for a in _assignments(obs)}
    cache: dict = {}

    def evaluate(assign, sob):
        key = (_key(assign), id(sob))
        if key not in cache:
            per_year, unsure = [], []
            joined = [ob for ob in assign.values() if ob is not None and len(ob.lines) > 1]
            lost = [r for r in REPORT_ROWS if assign[r] is None]
            if joined and lost:
                # The numbers under a label-only line may be its row's (a split row) or those of
                # the lost row whose label vanished: the two readings swap numbers between rows
                # and keep every sum, so nothing can decide.
                cache[key] = ("ambiguous", [
                    f"the numbers on line {joined[0].lines[-1]} may belong to the label on line "
                    f"{joined[0].lines[0]} or to the lost {lost[0]} row"])
                return cache[key]
            for k in range(len(ctx.years)):
                res = _year(ctx, assign, sob, k)
                if isinstance(res, tuple) and res[0] == "invalid":
                    cache[key] = ("invalid", res[1])
                    return cache[key]
                (unsure.append(res[1]) if isinstance(res, tuple) else per_year.append(res))
            cache[key] = ("ambiguous", unsure) if unsure else ("valid", per_year)
        return cache[key]

    sobs = status_obs or [None]
    usable = {(id(a[r]), r) for a in assigns.values() for r in REPORT_ROWS
              if a[r] is not None and any(evaluate(a, sob)[0] != "invalid" for sob in sobs)}

    def unexplained(assign, sob, answer) -> str:
        used = {n for ob in assign.values() if ob is not None for n in ob.lines}
        for ob in obs:
            if used & set(ob.lines):
                continue
            if not ob.ids:
                if all(c.values is None for c in ob.cells):
                    continue
                if not any(lo < ob.lines[0] and ob.lines[-1] < hi and _agrees(ob.cells, answer, i)
                           for i in range(len(REPORT_ROWS))
                           for lo, hi in [_slot(assign, i)]):
                    return (f"line {ob.lines[0]} has numbers but no readable label, and they "
                            "match none of the rows around it")
                continue
            for i, r in enumerate(REPORT_ROWS):
                if (r in ob.ids and assign[r] is not None and not _agrees(ob.cells, answer, i)
                        and (id(ob), r) in usable):
                    pair = sorted((assign[r].lines[-1], ob.lines[-1]))
                    return (f"lines {pair[0]} and {pair[1]} give {r} different numbers and "
                            "nothing decides between them")
        for alt in status_obs:
            if alt is sob:
                continue
            differs = any(c is not None and answer[k][1] not in c[0]
                          for k, c in enumerate(alt.status))
            if differs and evaluate(assign, alt)[0] != "invalid":
                pair = sorted((sob.lines[0], alt.lines[0]))
                return (f"lines {pair[0]} and {pair[1]} give different statuses and nothing "
                        "decides between them")
        return ""

    worlds, ambiguous, contested = [], [], []
    for assign in assigns.values():
        for sob in sobs:
            kind, res = evaluate(assign, sob)
            if kind == "invalid":
                continue
            if kind == "ambiguous":
                ambiguous.extend(res)
                continue
            # Label evidence weighs more than a look-alike digit: the sum checks the digits.
            base = 2 * sum(ob.cost for ob in assign.values() if ob is not None) + (
                sob.cost if sob is not None else 0)
            for combo in itertools.product(*res):
                answer = tuple((tuple(s.values[r] for r in REPORT_ROWS), s.status) for s in combo)
                why = unexplained(assign, sob, answer)
                if why:
                    contested.append((answer, why))
                    continue
                worlds.append((answer, base + sum(s.cost for s in combo), assign, sob, combo))
    return worlds, ambiguous, contested


def _as_published(ctx: _Context, obs: list[_Obs], status_obs: list[_Obs]):
    """The answers of clean, complete readings with no constraint applied (for validation to
    judge), one per way of assigning lines."""
    answers = {}
    for assign in _assignments(obs):
        if any(assign[r] is None for r in REPORT_ROWS):
            continue
        cells = [assign[r].cells[k] for r in REPORT_ROWS for k in range(len(ctx.years))]
        if any(c is None or c.values is None or not c.clean for c in cells):
            continue
        for sob in status_obs or [None]:
            if sob is not None and any(s is not None and not s[1] for s in sob.status):
                continue
            answer = tuple(
                (tuple(assign[r].cells[k].values[0] for r in REPORT_ROWS),
                 next(iter(sob.status[k][0])) if sob is not None and sob.status[k] else None)
                for k in range(len(ctx.years)))
            answers.setdefault(answer, (assign, sob))
    return answers


# -- the report ---------------------------------------------------------------------------------
def read_report(path: str | Path, *, on_error: str = "raise") -> pd.DataFrame:
    """Read a Freedom on the Net country report (text) into a validated score frame.

    Parameters
    ----------
    path : str or Path
        The report as text (UTF-8), e.g. extracted from the PDF with ``pdftotext -layout``.
        PDF files are refused with that advice: no PDF library is a dependency.
    on_error : {"raise", "flag"}
        As in :func:`scoring.read_scores`: ``"raise"`` a :class:`ValidationError` when the
        numbers read break a rule; ``"flag"`` keep the rows, name the rules in ``flags`` and
        put the failure table in ``attrs["failures"]``.

    Returns
    -------
    pandas.DataFrame
        One row per year of the report's score table (FOTN 2015: 2014 and 2015), in the form of
        :func:`scoring.read_scores`: ``index`` ("fotn"), ``edition`` (the year of the column),
        ``iso3``, ``country``, ``status`` (F/PF/NF), ``orientation``, ``total``, ``access``,
        ``content``, ``rights`` (floats, as published), ``source`` (file name), ``source_row``
        (the first line of the score table: the line of the header years, or the first table
        line read when that line is lost) and ``flags``. ``attrs``:

        - ``report_edition``: the edition of the report (from its title and header years);
        - ``provenance``: field -> line numbers it was read from; per-year fields map year ->
          lines (a recomputed value lists the lines it was computed from);
        - ``repairs``: list of dicts ``{field, year, line, read, inferred, why}``, one per
          damaged or duplicated piece the reader had to decide on;
        - ``facts``: the header facts found, as numbers, booleans and status codes:
          ``population`` (persons), ``internet_penetration`` (percent) and
          ``internet_penetration_year``, ``social_media_ict_apps_blocked``,
          ``political_social_content_blocked``, ``bloggers_ict_users_arrested`` (bool),
          ``press_freedom_status`` (F/PF/NF) and ``press_freedom_year``; a value that cannot be
          read is kept as text, a label not listed here is kept under its own name;
        - ``notes``, ``failures``, ``columns``, ``row_kind`` (``"line"``).

    Raises
    ------
    ReportError
        The file is not text, or the country, the edition or the score table cannot be read
        unambiguously; the message names the lines and what is missing or ambiguous.
    OrientationError
        The scale note and the statuses disagree on which way the scale runs.
    ValidationError
        ``on_error="raise"`` and the numbers as published break a rule (e.g. a sum).

    Notes
    -----
    Repairs pick among readings; they never override a clean one. Each row's numbers for a
    year must satisfy ``access + content + rights = total`` with each in ``[0, max]`` and the
    status in the band of the total on the report's scale (old scale: 0-30 F, 31-60 PF,
    61-100 NF). A lost number is recomputed from that sum only when every other number of the
    year is certain (a lost total also needs a read status to check it). The sum is an
    assumption about the published table: Freedom House's tables almost always add up, but not
    always (FOTN 2015 South Africa: 8 + 7 + 11 = 26, total 27), which is why a recomputed number
    is recorded as a repair.

    Examples
    --------
    >>> frame = read_report("datasets/raw/FOTN2015_Kazakhstan.txt")  # doctest: +SKIP
    >>> frame[["edition", "status", "total"]].values.tolist()  # doctest: +SKIP
    [[2014, 'PF', 60.0], [2015, 'NF', 61.0]]
    """
    path = Path(path)
    if on_error not in ("raise", "flag"):
        raise ValueError(f"on_error must be 'raise' or 'flag'; got {on_error!r}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(f"{path.name}: cannot read: {exc.strerror}") from exc
    if path.suffix.lower() == ".pdf" or data.startswith(b"%PDF"):
        raise ReportError(f"{path.name}: a PDF; extract its text first (e.g. `pdftotext -layout "
                          f"{path.name} {path.stem}.txt`) and read the .txt file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportError(f"{path.name}: not UTF-8 text (byte {exc.start})") from exc
    return parse_report(text, source=path.name, on_error=on_error)


def parse_report(text: str, *, source: str = "<text>", on_error: str = "raise") -> pd.DataFrame:
    """Read a FOTN country report from its text; see :func:`read_report` (same result).

    ``source`` names the text in messages and in the ``source`` column.

    Examples
    --------
    >>> text = ("# FREEDOM ON THE NET 2015\\n# Kazakhstan\\n\\t2014\\t2015\\n"
    ...         "Internet Freedom Status\\tPartly Free\\tNot Free\\n"
    ...         "Obstacles to Access (0-25)\\t15\\t14\\nLimits on Content (0-35)\\t23\\t23\\n"
    ...         "Violations of User Rights (0-40)\\t22\\t24\\nTOTAL* (0-100)\\t60\\t6l\\n"
    ...         "* 0=most free, 100=least free\\n")
    >>> parse_report(text)[["edition", "status", "total"]].values.tolist()
    [[2014, 'PF', 60.0], [2015, 'NF', 61.0]]
    """
    if on_error not in ("raise", "flag"):
        raise ValueError(f"on_error must be 'raise' or 'flag'; got {on_error!r}")
    return _Report(text, source).frame(on_error)


class _Report:
    def __init__(self, text: str, source: str):
        self.m = load_methodology("fotn")
        self.source = source
        self.lines = [_parse_line(i, t) for i, t in enumerate(text.splitlines(), 1)]
        self.repairs: list[dict] = []
        self.notes: list[str] = []
        self.prov: dict = {}
        self._head()
        self._classify()

    # -- helpers
    def fail(self, msg: str):
        raise ReportError(f"{self.source}: {msg}")

    def repair(self, field, year, line, read, inferred, why):
        self.repairs.append(dict(field=field, year=year, line=line, read=read,
                                 inferred=inferred, why=why))

    # -- title, country, edition
    def _head(self):
        title = None
        for ln in self.lines[:12]:
            toks = ln.label.split()
            if toks and _lev(_words(" ".join(toks[:-1])), "freedom on the net") <= 4:
                title = ln
                read = _digit_readings(toks[-1], (4, 4))
                years = [y for y in read[0] if 2009 <= y <= 2099] if read else []
                self.title_years = years
                self.title_raw = toks[-1]
                break
        self.title = title
        if title is None:
            self.title_years, self.title_raw = [], ""
        start = title.no if title else 0
        self.country_line = None
        tried = []
        for ln in self.lines[start:start + 12]:
            if not ln.label or _leading_years(ln) or ln.run:
                if _leading_years(ln) or ln.run:
                    break
                continue
            name = ln.label.strip("*# ").strip()
            code = to_iso3(name)
            if code:
                self.country_line, self.iso3, self.country = ln, code, name
                break
            tried.append(f"line {ln.no} {name!r}")
            if _row_names(ln.name)[0]:
                break
        if self.country_line is None:
            self.fail("no country name before the score table" + (
                f" ({'; '.join(tried)}: not a country name the alias table or ISO 3166 knows)"
                if tried else ""))
        self.prov["country"] = [self.country_line.no]

    # -- the table region
    def _classify(self):
        after = self.country_line.no
        region = []
        for ln in self.lines[after:after + 40]:
            if ln.text.lstrip().startswith("#") and region:
                break
            region.append(ln)
        self.region = region
        headers = [(ln, _leading_years(ln)) for ln in region]
        headers = [(ln, ys) for ln, ys in headers if ys]
        self.header = headers[0] if headers else None
        for ln, ys in headers[1:]:
            if [t for t, _ in ys] != [t for t, _ in self.header[1]]:
                self.fail(f"two header lines disagree on the years: line {self.header[0].no} "
                          f"{self.header[0].text.strip()!r}, line {ln.no} {ln.text.strip()!r}")
            self.repair("years", None, ln.no, ln.text.strip(), f"duplicate of line "
                        f"{self.header[0].no}", "the same header years; one header")
        if self.header:
            n = len(self.header[1])
        else:
            counts = [len([t for t in ln.run if t]) for ln in region]
            n = min(max(counts, default=0), 2)
        if n not in (1, 2):
            self.fail(f"line {self.header[0].no}: the header names {n} years; a report's table "
                      "has one or two" if self.header else f"no score table found after line "
                      f"{after} (no header years and no row of numbers)")
        self.n = n

    # -- years and edition
    def _years(self):
        editions = sorted(self.m.editions)

        def previous(y):
            known = [e for e in editions if e < y]
            return known[-1] if y in editions and known else y - 1

        title = set(self.title_years)
        if self.header:
            hl, ys = self.header
            combos = []
            for pick in itertools.product(*(y for _, y in ys)):
                last = pick[-1]
                if (len(pick) == 2 and pick[0] != previous(last)) or (title and last not in title):
                    continue
                combos.append(pick)
            if len(combos) != 1:
                self.fail(f"line {hl.no}: header years {' '.join(t for t, _ in ys)!r} "
                          + ("do not match the title's edition" if not combos else
                             "can be read in several ways") + (f" ({self.title_raw!r}, line "
                                                              f"{self.title.no})" if title else ""))
            years = combos[0]
            raw = [t for t, _ in ys]
            if any(not t.isdigit() for t in raw):
                self.repair("years", None, hl.no, " ".join(raw), " ".join(map(str, years)),
                            "the only reading of the header as consecutive editions"
                            + (" ending in the title's edition" if title else ""))
            self.prov["years"] = [hl.no]
        else:
            if len(title) != 1:
                self.fail("the header years are lost and the title gives no single edition: the "
                          "years of the table are unknown")
            last = title.pop()
            years = (previous(last), last) if self.n == 2 else (last,)
            self.repair("years", None, None, "", " ".join(map(str, years)),
                        f"header line lost: the title's edition {last} and {self.n} value "
                        "column(s) fix the years")
            self.prov["years"] = [self.title.no]
        edition = years[-1]
        if self.title is not None:
            if self.title_years and len(self.title_years) == 1 and not self.title_raw.isdigit():
                self.repair("edition", None, self.title.no, self.title_raw, edition,
                            "the title's year read through OCR look-alikes")
            elif len(self.title_years) > 1:
                self.repair("edition", None, self.title.no, self.title_raw, edition,
                            "the only reading of the title's year that matches the header years")
        self.prov["edition"] = ([self.title.no] if self.title is not None and self.title_years
                                else []) + self.prov["years"]
        self.years, self.edition = tuple(years), edition

    # -- orientation
    def _orientation(self):
        found = []
        for ln in self.region:
            text = re.sub(r"(?<![A-Za-z0-9])([0-9OoIl|]{1,3})(?=\s*=)",
                          lambda mo: "".join(_LOOKALIKES.get(c, c)[0] for c in mo.group(1)),
                          ln.text)
            o, label = label_orientation([text])
            if o is not None:
                found.append((ln, o, label, text != ln.text))
        kinds = {o for _, o, _, _ in found}
        if len(kinds) > 1:
            raise OrientationError(f"{self.source}: scale notes disagree: " + "; ".join(
                f"line {ln.no} {label!r} ({o})" for ln, o, label, _ in found))
        published = self.m.published_orientation(self.edition)
        if found:
            ln, o, label, fixed = found[0]
            self.orient, self.orient_from = o, f"the scale note {label!r} (line {ln.no})"
            self.prov["orientation"] = [ln.no]
            self.note_line = ln.no
            if fixed:
                self.repair("orientation", None, ln.no, ln.text.strip(), label,
                            "digits of the scale note read through OCR look-alikes")
            return False
        if published is None:
            self.fail("no scale note ('0=most free' / '100=most free') and the methodology "
                      f"records no published scale for edition {self.edition}")
        self.orient = published.orientation
        self.orient_from = (f"no scale note found: the scale FOTN {self.edition} was "
                            f"published on ({published.note})")
        self.prov["orientation"] = []
        self.note_line = None
        self.notes.append(f"{self.source}: {self.orient_from}; statuses are checked against it")
        return True

    # -- observations
    def _observations(self):
        n, obs, status = self.n, [], []
        header_no = self.header[0].no if self.header else None
        for ln in self.region:
            if ln.no == header_no or ln.no == self.note_line or not ln.text.strip():
                continue
            cells = ln.cells[1:1 + n] + [""] * (n - len(ln.cells[1:1 + n]))
            names, _ = _row_names(ln.name)
            reads = [_read_status(c) for c in cells]
            if "status" in names and ln.maximum is None or (
                    not ln.name and not ln.run and all(reads)):
                if not ln.name and all(_lev(_words(c), "free") <= 1 for c in cells):
                    # Every status ends in "Free": a bare line of them is the wrapped tail of
                    # the status cells (or their OCR ghost) and says nothing.
                    self.repair("status", None, ln.no, "\t".join(cells),
                                "OCR ghost of the status row: not read",
                                "an unlabelled line of bare 'Free' words carries no status "
                                "(all three statuses end in 'Free')")
                    ln.rest = ln.cells[1 + n:]
                    continue
                evidence = "label" if names else "status words with no label"
                status.append(_Obs((ln.no,), ln.text.strip(), ln.label, frozenset({"status"}),
                                   0 if names and ln.name == _ROW_NAMES["status"][0] else 1,
                                   evidence, (),
                                   tuple(None if r is None else (r[0], r[1], c)
                                         for r, c in zip(reads, cells))))
                ln.rest = ln.cells[1 + n:]
                continue
            values = [t for t in ln.run[n:] if t and t.lower() not in _MISSING]
            slots = (ln.run + [""] * n)[:n]
            cells_ = tuple(_cell(t) for t in slots)
            has_values = any(c.values is not None for c in cells_)
            if values:
                # More numbers than years: a cell moved and the columns cannot be trusted.
                self.notes.append(f"{self.source}: line {ln.no}: more numbers than years "
                                  f"({' '.join(ln.run)}); its numbers are not used")
                cells_ = tuple(_Cell(t, None, False) for t in slots)
                has_values = False
            ids, cost, why = _identify(ln)
            if not ids and not has_values:
                if any(t.lower() in _MISSING for t in ln.run):
                    stray = " ".join(t for t in ln.run if t)
                    self.notes.append(f"{self.source}: line {ln.no}: a stray {stray!r} with no "
                                      "label: ignored")
                continue
            obs.append(_Obs((ln.no,), ln.text.strip(), ln.label, ids, cost, why, cells_,
                            bare=not any(t and t.lower() not in _MISSING for t in ln.run)))
        # A label with no numbers followed by numbers with no label is a split row, or a row
        # that lost its numbers next to one that lost its label. Both readings stay open and
        # the constraints choose (when both fit, the table is refused).
        for a, b in zip(obs, obs[1:]):
            if (a.ids and a.bare and not b.ids and not b.label
                    and self._next_text_line(a.lines[0]) == b.lines[0]):
                a.split = _Obs(a.lines + b.lines, f"{a.text} / {b.text}", a.label, a.ids,
                               a.cost + 1, a.evidence + f"; its numbers are on the next line "
                               f"({b.lines[0]})", b.cells)
                obs.append(a.split)
        obs.sort(key=lambda o: o.lines)
        return obs, status

    def _next_text_line(self, no):
        for ln in self.lines[no:]:
            if ln.text.strip():
                return ln.no
        return None

    # -- putting it together
    def frame(self, on_error: str) -> pd.DataFrame:
        self._years()
        from_edition = self._orientation()
        obs, status = self._observations()
        if not obs:
            self.fail(f"no score rows found after line {self.country_line.no}")
        maxima = {r: self.m.component(r).max for r in REPORT_ROWS}
        ctx = _Context(self.m, self.years, self.orient, maxima)
        worlds, unsure, contested = _solve(ctx, obs, status)
        if unsure:
            self.fail("the score table cannot be read unambiguously: "
                      + "; ".join(dict.fromkeys(unsure)))
        answers = {}
        for w in worlds:
            if w[0] not in answers or w[1] < answers[w[0]][1]:
                answers[w[0]] = w
        if len(answers) > 1:
            self.fail("the score table can be read in several ways that all satisfy the sums "
                      "and status bands: " + " | ".join(self._show(a) for a in answers))
        if not answers and contested:
            self.fail("the score table can be read in several ways: "
                      + "; ".join(dict.fromkeys(why for _, why in contested)) + " ("
                      + " | ".join(dict.fromkeys(self._show(a) for a, _ in contested)) + ")")
        if not answers:
            if from_edition:
                other = LOWER_IS_FREER if self.orient == HIGHER_IS_FREER else HIGHER_IS_FREER
                alt = _solve(_Context(self.m, self.years, other, maxima), obs, status)[0]
                if alt:
                    raise OrientationError(
                        f"{self.source}: no scale note; the statuses fit only the {other} bands, "
                        f"but FOTN {self.edition} was published {self.orient}: say which scale "
                        "the text is on")
            published = _as_published(ctx, obs, status)
            if len(published) != 1:
                self.fail("no reading of the score table satisfies access + content + rights "
                          "= total and the status bands" + (
                              f", and {len(published)} clean readings compete" if published
                              else ", and the damaged numbers cannot be taken as published"))
            answer, (assign, sob) = next(iter(published.items()))
            self.notes.append(f"{self.source}: the numbers as printed break the table's rules; "
                              "kept as published for validation to report")
            return self._build(answer, assign, sob, None, on_error, obs, status)
        answer, _, assign, sob, combo = next(iter(answers.values()))
        return self._build(answer, assign, sob, combo, on_error, obs, status)

    def _show(self, answer) -> str:
        return ", ".join(f"{y}: {'/'.join(map(str, v[:3]))} = {v[3]} {s}"
                         for y, (v, s) in zip(self.years, answer))

    def _build(self, answer, assign, sob, combo, on_error, obs, status):
        years = self.years
        m = self.m
        for r in REPORT_ROWS:
            ob = assign[r]
            if ob is not None and ob.cost > 0:
                self.repair(r, None, ob.lines[0], ob.label, m.component(r).label,
                            ob.evidence)
        for k, year in enumerate(years):
            values, st = answer[k]
            vals = dict(zip(REPORT_ROWS, values))
            sol = combo[k] if combo else None
            eq = (f"{vals['access']} + {vals['content']} + {vals['rights']} = {vals['total']}")
            for r in REPORT_ROWS:
                ob = assign[r]
                cell = ob.cells[k] if ob is not None else None
                if sol is not None and sol.recomputed == r:
                    others = [q for q in REPORT_ROWS if q != r]
                    lines = sorted({n for q in others for n in assign[q].lines})
                    self.prov.setdefault(r, {})[year] = lines
                    lost = ("no line gives it (lost, or its label unreadable)" if ob is None else
                            f"its cell on line {ob.lines[-1]} is {cell.raw or 'blank'!r}")
                    check = (f"; the status read ({st}) agrees with its band" if r == "total"
                             else "; the total is read, not recomputed")
                    self.repair(r, year, ob.lines[-1] if ob else None, cell.raw if cell else "",
                                vals[r], f"{lost}: recomputed from {eq} (every other number "
                                f"of {year} is certain{check})")
                    continue
                self.prov.setdefault(r, {})[year] = list(ob.lines[-1:])
                if not cell.clean:
                    readings = [v for v in cell.values if 0 <= v <= m.component(r).max]
                    why = (f"OCR look-alikes give only {vals[r]}" if len(readings) == 1 else
                           f"it reads as any of {readings}; only {vals[r]} satisfies {eq} and "
                           "the status band")
                    self.repair(r, year, ob.lines[-1], cell.raw, vals[r],
                                why + ("" if len(readings) > 1 else f"; {eq} holds"))
            self._status(k, year, st, vals, sol, sob, assign)
        self._ghosts(answer, assign, sob, obs, status)
        facts = self._facts()
        rows = []
        start = self.header[0].no if self.header else min(
            n for ob in obs + status for n in ob.lines)
        for k, year in enumerate(years):
            values, st = answer[k]
            rows.append(dict(index=m.key, edition=year, iso3=self.iso3, country=self.country,
                             status=st, orientation=self.orient,
                             **{r: float(v) for r, v in zip(REPORT_ROWS, values)},
                             source=self.source, source_row=start))
        frame = pd.DataFrame(rows)
        frame["edition"] = frame["edition"].astype("Int64")
        for c in ("iso3", "country", "status", "orientation", "source"):
            frame[c] = pd.array(frame[c].tolist(), dtype="str")
        frame = frame[["index", "edition", "iso3", "country", "status", "orientation", "total",
                       "access", "content", "rights", "source", "source_row"]]
        frame.attrs["columns"] = {
            r: f"{m.component(r).label if r != 'total' else 'TOTAL'} (0-{m.component(r).max})"
            for r in REPORT_ROWS} | {"status": "Internet Freedom Status"}
        failures = validate(frame, m)
        if not len(failures):
            failures = pd.DataFrame(columns=FAILURE_COLUMNS)
        self.notes.append(f"{self.source}: FOTN {self.edition} report, score table for "
                          f"{', '.join(map(str, years))}, read as {self.orient} "
                          f"({self.orient_from})")
        frame.attrs.update(report_edition=self.edition, provenance=self.prov,
                           repairs=self.repairs, facts=facts, notes=self.notes,
                           failures=failures, row_kind="line")
        if len(failures) and on_error == "raise":
            raise ValidationError(failures, self.source)
        flags = [";".join(dict.fromkeys(failures.loc[(failures["row"] == start)
                                                     & (failures["edition"] == y), "rule"]))
                 for y in years]
        frame["flags"] = pd.array(flags, dtype="str")
        return frame

    def _status(self, k, year, st, vals, sol, sob, assign):
        cell = sob.status[k] if sob is not None else None
        band = self.m.status_for(vals["total"], self.orient)
        total_lines = self.prov["total"][year]
        if cell is None:
            self.prov.setdefault("status", {})[year] = total_lines + (
                [self.note_line] if self.note_line else [])
            if st is not None:
                self.repair("status", year, sob.lines[0] if sob else None,
                            "" if sob is None else "unreadable", st,
                            f"status {'row lost' if sob is None else 'cell unreadable'}: the "
                            f"band of total {vals['total']} on the {self.orient} scale "
                            f"({self.orient_from})")
            return
        self.prov.setdefault("status", {})[year] = [sob.lines[0]]
        codes, exact, raw = cell
        if not exact:
            word = _STATUS_WORDS[st]
            how = (f"closest to {word!r} ({_lev(_words(raw), word)} edit(s))" if len(codes) == 1
                   else f"as close to {' / '.join(_STATUS_WORDS[c] for c in sorted(codes))}")
            self.repair("status", year, sob.lines[0], raw, st,
                        f"{how}; the band of total {vals['total']} on the {self.orient} scale "
                        f"is {STATUS_LABELS[band]}")

    def _ghosts(self, answer, assign, sob, obs, status):
        used = {n for ob in assign.values() if ob is not None for n in ob.lines}
        chosen = {r: ob for r, ob in assign.items() if ob is not None}
        for ob in obs:
            if used & set(ob.lines):
                continue
            if not ob.ids:
                if any(c.values is not None for c in ob.cells):
                    shown = " / ".join(c.raw or "blank" for c in ob.cells)
                    match = [r for i, r in enumerate(REPORT_ROWS)
                             if _slot(assign, i)[0] < ob.lines[0] < _slot(assign, i)[1]
                             and _agrees(ob.cells, answer, i)]
                    if match:
                        self.repair(match[0], None, ob.lines[0], ob.text,
                                    f"the {match[0]} row's numbers: used only as a check",
                                    "no readable label or maximum, so the line is not read as a "
                                    f"row; its numbers ({shown}) equal those of the {match[0]} "
                                    "row, where it stands")
                    else:
                        self.repair("table", None, ob.lines[0], ob.text, "not used",
                                    "no readable label or maximum; its numbers match no row "
                                    "around it")
                continue
            rows = [r for r in REPORT_ROWS if r in ob.ids and r in chosen]
            if not rows:
                continue
            same = [r for r in rows if all(
                c is None or c.values is None or v in c.values
                for c, v in zip(ob.cells, (a[0][REPORT_ROWS.index(r)] for a in answer)))]
            r = (same or rows)[0]
            read = " / ".join(c.raw or "blank" for c in ob.cells)
            if all(c.values is None for c in ob.cells):
                why = f"{ob.evidence}; it has no numbers: a repeated label, not a second row"
            elif same:
                why = (f"{ob.evidence}; its numbers ({read}) are those of line "
                       f"{chosen[r].lines[-1]}: one row, not two")
            else:
                why = (f"{ob.evidence}; its numbers ({read}) differ from line "
                       f"{chosen[r].lines[-1]}'s and no reading with them satisfies "
                       "access + content + rights = total and the status bands")
            self.repair(r, None, ob.lines[0], ob.text,
                        f"OCR duplicate of the {r} row (line {chosen[r].lines[-1]}): not used", why)
        for s in status:
            if s is not sob:
                self.repair("status", None, s.lines[0], s.text,
                            f"duplicate of the status row (line {sob.lines[0]}): not used"
                            if sob else "not used",
                            "its statuses agree" if sob and all(
                                a is None or b is None or a[0] & b[0]
                                for a, b in zip(s.status, sob.status))
                            else "its statuses do not fit the bands of the totals")

    # -- header facts
    def _facts(self) -> dict:
        tokens = []
        for ln in self.region:
            if ln.no == (self.header[0].no if self.header else None):
                rest = ln.cells[1 + self.n:] if "\t" in ln.text else []
            else:
                rest = ln.rest
            for cell in rest:
                for part in re.split(r"(?<=:)\s+", cell.strip()):
                    if part:
                        tokens.append((ln.no, part))
        facts, prov = {}, {}
        facts_text = {}
        for i, (no, tok) in enumerate(tokens[:-1]):
            if tok.endswith(":") and not tokens[i + 1][1].endswith(":"):
                facts_text[no] = tokens[i + 1][1]
        keys = {"population": "population", "internet penetration": "internet_penetration",
                "social media ict apps blocked": "social_media_ict_apps_blocked",
                "political social content blocked": "political_social_content_blocked",
                "bloggers ict users arrested": "bloggers_ict_users_arrested",
                "press freedom status": "press_freedom_status"}
        last = None
        for no, tok in tokens:
            if tok.endswith(":"):
                name = _words(tok)
                best = min(keys, key=lambda k: _lev(name, k))
                key = keys[best] if _lev(name, best) <= 0.3 * len(best) else (
                    name.replace(" ", "_") or f"line_{no}")
                year = re.search(r"\b(\d{4})\b", tok)
                if year:
                    facts[f"{key.removesuffix('_status')}_year"] = int(year.group(1))
                last = [key, no, False]
                continue
            if last is not None and not last[2]:
                key = last[0]
                facts[key] = self._fact_value(key, tok, no)
                prov[key] = sorted({last[1], no})
                last[2] = True
                continue
            flag = self._yes_no(tok)
            around = [f"line {n} {(t + ' ' + facts_text.get(n, '')).strip()!r}"
                      for n, t in tokens if abs(n - no) <= 1 and t.endswith(":")]
            self.repair("facts", None, no, tok,
                        f"{'Yes' if flag else 'No'} (OCR ghost: not used)" if flag is not None
                        else "not used",
                        "an unlabelled value" + (f" one edit from {'Yes' if flag else 'No'}"
                                                 if flag is not None else "")
                        + "; the flags around it (" + ", ".join(around)
                        + ") each have their own value, so it adds nothing")
        self.prov["facts"] = prov
        return facts

    @staticmethod
    def _yes_no(tok):
        w = _words(tok)
        d = {True: _lev(w, "yes"), False: _lev(w, "no")}
        best = min(d.values())
        hits = [k for k, v in d.items() if v == best]
        return hits[0] if best <= 1 and len(hits) == 1 else None

    def _fact_value(self, key, tok, no):
        if key in ("social_media_ict_apps_blocked", "political_social_content_blocked",
                   "bloggers_ict_users_arrested"):
            flag = self._yes_no(tok)
            if flag is None:
                self.notes.append(f"{self.source}: line {no}: {key} {tok!r} is neither yes nor "
                                  "no; kept as text")
                return tok
            if _words(tok) not in ("yes", "no"):
                self.repair(f"facts.{key}", None, no, tok, "Yes" if flag else "No",
                            "one edit from it and farther from the other answer")
            return flag
        if key == "press_freedom_status":
            read = _read_status(tok)
            return next(iter(read[0])) if read and len(read[0]) == 1 else tok
        number = re.match(r"\s*([\d.,]+)\s*(percent|%|million|billion|thousand)?", tok)
        if number:
            try:
                x = float(number.group(1).replace(",", ""))
            except ValueError:
                return tok
            scale = {"million": 1e6, "billion": 1e9, "thousand": 1e3}.get(number.group(2), 1)
            return x * scale
        return tok


# -- merging ------------------------------------------------------------------------------------
def merge_report(frame: pd.DataFrame, report: pd.DataFrame, *,
                 on_conflict: str = "keep") -> tuple[pd.DataFrame, list[str]]:
    """Add a report's rows to a score frame, checking them against rows already there.

    Parameters
    ----------
    frame : DataFrame
        A FOTN score frame (:func:`scoring.read_scores`, :func:`scoring.load_dataset`).
    report : DataFrame
        From :func:`read_report`.
    on_conflict : {"keep", "replace", "raise"}
        For a report row whose country and edition the frame already has and whose status,
        total or categories differ: keep the frame's row, replace its status, total and
        categories (and source) with the report's, or raise :class:`ReportError`. Blank cells
        of the frame's row (a status a totals-only file lacks) are filled from the report
        whatever the choice, and said so in ``notes``.

    Returns
    -------
    merged : DataFrame
        The frame's rows, then the report's new rows. A new row is put on the orientation of
        the frame's rows of its edition when they share one (each component converts as
        ``max - value``; statuses never change); otherwise it keeps the report's.
    notes : list of str
        One line per report row: added, agreeing, or each disagreement with both values.

    Examples
    --------
    >>> merged, notes = merge_report(frame, read_report(path))  # doctest: +SKIP
    """
    if on_conflict not in ("keep", "replace", "raise"):
        raise ValueError(f"on_conflict must be 'keep', 'replace' or 'raise'; got {on_conflict!r}")
    keys = set(frame["index"].dropna()) | set(report["index"].dropna()) if len(frame) else set(
        report["index"].dropna())
    if len(keys) > 1:
        raise ValueError(f"frame and report hold different indices: {', '.join(sorted(keys))}")
    m = load_methodology(next(iter(keys)) if keys else "fotn")
    base = frame.copy()
    base.attrs = {}
    comps = [r for r in REPORT_ROWS if r in report.columns]
    notes, new = [], []
    for _, row in report.iterrows():
        where = f"{row['source']} line {row['source_row']}"
        same = base.index[(base["iso3"] == row["iso3"]) & (base["edition"] == row["edition"])]
        target = (base.loc[same[0], "orientation"] if len(same) else
                  _shared(base.loc[base["edition"] == row["edition"], "orientation"]))
        row = row.copy()
        if target is not None and target != row["orientation"]:
            for r in comps:
                row[r] = m.component(r).min + m.component(r).max - row[r]
            row["orientation"] = target
        label = f"{row['iso3']} {row['edition']}"
        if not len(same):
            new.append(row)
            notes.append(f"{label}: added from {where}")
            continue
        i = same[0]
        shared = [r for r in comps + ["status"] if r in base.columns]
        blank = [r for r in shared if _blank(base.at[i, r]) and not _blank(row[r])]
        for r in blank:
            base.at[i, r] = row[r]
        if blank:
            notes.append(f"{label}: blank {', '.join(blank)} filled from the report ({where})")
        diffs = [f"{r}: frame {_fmt(base.at[i, r])}, report {_fmt(row[r])}"
                 for r in shared if not _equal(base.at[i, r], row[r])]
        if not diffs:
            notes.append(f"{label}: the report ({where}) agrees with the frame "
                         f"({base.at[i, 'source']} row {base.at[i, 'source_row']})")
            continue
        text = (f"{label}: the report ({where}) disagrees with the frame "
                f"({base.at[i, 'source']} row {base.at[i, 'source_row']}) on "
                f"{target or row['orientation']} values: " + "; ".join(diffs))
        if on_conflict == "raise":
            raise ReportError(text)
        if on_conflict == "replace":
            for c in comps + ["status", "source", "source_row"]:
                base.at[i, c] = row[c]
            text += "; replaced by the report's"
        else:
            text += "; the frame's kept"
        notes.append(text)
    if new:
        add = pd.DataFrame(new).reindex(columns=base.columns)
        if "flags" in add:
            add["flags"] = ""
        base = pd.concat([base, add], ignore_index=True) if len(base) else add.reset_index(
            drop=True)
        for c in ("iso3", "country", "status", "orientation", "source", "flags", "index"):
            if c in base:
                base[c] = pd.array([None if v is None or v != v else str(v) for v in base[c]],
                                   dtype="str")
        base["edition"] = base["edition"].astype("Int64")
    base.attrs = {"notes": list(frame.attrs.get("notes", [])) + notes}
    return base, notes


def _shared(values):
    found = set(values.dropna())
    return found.pop() if len(found) == 1 else None


def _blank(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def _equal(a, b) -> bool:
    if _blank(a) or _blank(b):
        return _blank(a) and _blank(b)
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a) == str(b)


def _fmt(v) -> str:
    if v is None or v != v:
        return "blank"
    if isinstance(v, float) and v == int(v):
        return str(int(v))
    return str(v)
