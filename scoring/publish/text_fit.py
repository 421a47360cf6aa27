"""Text that fits a width: tables that leave out their least important columns, prose that
wraps at word boundaries.

A width of ``None`` means no limit: every column, every cell whole, every line as it is, so
files, pipes and ``--wide`` get the full table. Nothing is left out or shortened without a note
under the table that names it.
"""

from __future__ import annotations

import textwrap

__all__ = ["fit_columns", "cut", "wrap", "ELLIPSIS"]

ELLIPSIS = "\u2026"

#: A text column is cut rather than left out only when this many characters (and its
#: header's width) remain for it.
SHORTEST = 12

_GAP = 2  # spaces between columns


def wrap(text: str, width: int | None, indent: str = "  ") -> list[str]:
    """``text`` as lines of at most ``width`` characters, broken at spaces (a word longer than
    the width is split); continuation lines start with ``indent`` after the text's own
    leading spaces. No width, or a line that fits: the line as it is."""
    if width is None or len(text) <= width:
        return [text]
    lead = text[:len(text) - len(text.lstrip(" "))]
    return textwrap.wrap(text, width=width, subsequent_indent=lead + indent,
                         break_on_hyphens=False) or [text]


def fit_columns(cols: list[str], cells: list[list[str]], width: int | None,
                priority=(), shorten=()) -> tuple[list[int], list[int], str]:
    """Which columns of a table to show, how wide, and the note saying what was left out.

    ``cells`` are the rendered rows (header first). ``priority`` names columns most important
    first (a tuple of names is a group, shown or left out together: an interval's two
    bounds); the others follow in display order. While the table is wider than ``width``, the
    least important column goes, never the most important one; a text column in ``shorten``
    whose turn it is is cut instead (to ``SHORTEST`` characters or its header at the least,
    its long cells ending in an ellipsis) when that is enough. Returns the kept column
    positions (display order), their widths and the note ("" when all is shown whole).
    """
    natural = [max(len(r[j]) for r in cells) for j in range(len(cols))]
    if width is None or _span(natural) <= width:
        return list(range(len(cols))), natural, ""
    widths = dict(enumerate(natural))
    for group in reversed(_importance(cols, priority)[1:]):
        if _span(list(widths.values())) <= width:
            break
        for j in group:
            del widths[j]
        room = width - _span(list(widths.values())) - _GAP
        if len(group) == 1 and cols[j] in shorten and room >= max(len(cols[j]), SHORTEST):
            widths[j] = room  # cut instead: as wide as the room left
            break
    shown = sorted(widths)
    return shown, [widths[j] for j in shown], _note(cols, cells, natural, widths, width)


def _importance(cols: list[str], priority) -> list[list[int]]:
    """Groups of column positions, most important first: those ``priority`` names (a name
    or a tuple of names), then each other column in display order."""
    groups = [[cols.index(c) for c in ((p,) if isinstance(p, str) else p) if c in cols]
              for p in priority]
    groups = [g for g in groups if g]
    named = {j for g in groups for j in g}
    return groups + [[j] for j in range(len(cols)) if j not in named]


def _span(widths: list[int]) -> int:
    return sum(widths) + _GAP * max(len(widths) - 1, 0)


def _note(cols, cells, natural, widths: dict, width: int) -> str:
    """What was left out or shortened to fit ``width``, and how to see it all."""
    dropped = [c for j, c in enumerate(cols) if j not in widths]
    counts = {cols[j]: sum(len(r[j]) > w for r in cells[1:])
              for j, w in sorted(widths.items()) if w < natural[j]}
    cut = [f"{c} ({n} cell{'' if n == 1 else 's'})" for c, n in counts.items()]
    said = []
    if dropped:
        said.append(f"left out to fit {width} columns: {', '.join(dropped)}")
    if cut:
        said.append(f"shortened (ending in {ELLIPSIS}) to fit {width} columns: {', '.join(cut)}")
    return "; ".join(said) + "; use --wide to show all (or --format csv)" if said else ""


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, ending in an ellipsis when shortened."""
    return text if len(text) <= width else text[:max(width - 1, 0)] + ELLIPSIS
