"""Resource ceilings of the readers, checked before the work that would pass them.

A small hostile file must not cause unbounded work: a zip member that inflates a thousandfold,
a JSON object with a new key per record, a report that is one long line, ``/dev/zero``. Every
reader checks the sizes it is about to work on against these limits *first* (a file's size
from ``stat``, a zip member's declared size) and then counts while it works (bytes while
reading, bytes while decompressing, cells while iterating), because a declared size can lie.

==========================  =============================  =================  ==============
limit                       what it bounds                 default            bundled/real
==========================  =============================  =================  ==============
``SCORING_MAX_BYTES``       bytes read from one score      256 MiB            million-row
                            file (CSV, JSON, xlsx)                            CSV: 27 MB
``SCORING_MAX_XLSX_MEMBER`` decompressed bytes of one      256 MiB            3.3 MB
                            xlsx part (a sheet, the
                            shared strings)
``SCORING_MAX_XLSX_TOTAL``  decompressed bytes of all      512 MiB            3.4 MB
                            parts of one xlsx
``SCORING_MAX_CELLS``       cells of one table (rows x     20,000,000         million-row
                            columns, blanks included)                         CSV: 7 M
``SCORING_MAX_COLUMNS``     columns of one table (CSV      4,096              FIW xlsx: 44
                            fields, sheet columns,
                            distinct JSON keys)
``SCORING_MAX_DEPTH``       nesting depth of JSON          64                 2
                            arrays and objects
``SCORING_MAX_TEXT_BYTES``  bytes of a country report      16 MiB             64 KB
                            (text)
``SCORING_MAX_LINE``        characters of one line of      10,000             1,630
                            a country report
``SCORING_MAX_PDF_BYTES``   bytes of a PDF booklet         64 MiB             3.3 MB
``SCORING_MAX_PDF_PAGES``   pages of a PDF booklet         500                46
``SCORING_MAX_PDF_WORDS``   words on one PDF page          20,000             about 1,500
==========================  =============================  =================  ==============

To read a file past a limit, set the environment variable to a larger whole number (``2_000``
and ``2,000`` are read too) for that run: ``SCORING_MAX_BYTES=1000000000 scoring validate
big.csv``. The value is read when a file is read, so a program may also set ``os.environ``.
A file past a limit raises :class:`~scoring.errors.ReadError` (a report's:
:class:`~scoring.errors.ReportError`) naming the file, the limit, the value found and the
variable that raises it.

Only regular files are read: a directory, device (``/dev/zero``), FIFO or socket is refused
from ``os.stat`` before it is opened (opening a FIFO for reading blocks until a writer comes).

Lines: text is cut into lines at ``\\r\\n``, a bare ``\\r`` or ``\\n`` (:func:`split_lines`),
the same way for a CSV file and a report, so that the line numbers shown are those of the
splitting that parsed the rows, and those an editor shows. A form feed (``\\f``, which
``pdftotext`` puts before each new page) or a vertical tab is not a line end: it belongs to
the line it stands on (in a report it counts as a space there; in a CSV cell it is text, and
blank like any whitespace), so it shifts no line number.

May import: errors.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReadError

__all__ = ["Limit", "LIMITS", "MAX_BYTES", "MAX_XLSX_MEMBER", "MAX_XLSX_TOTAL", "MAX_CELLS",
           "MAX_COLUMNS", "MAX_DEPTH", "MAX_TEXT_BYTES", "MAX_LINE", "MAX_PDF_BYTES",
           "MAX_PDF_PAGES", "MAX_PDF_WORDS", "regular_file", "read_bounded", "split_lines",
           "normalise_line_ends"]

_MIB = 2 ** 20


@dataclass(frozen=True)
class Limit:
    """One ceiling: its environment variable, default, what it counts and in which unit."""

    env: str
    default: int
    what: str
    unit: str

    def value(self) -> int:
        """The limit in force: the environment variable's value if set, else the default."""
        raw = os.environ.get(self.env, "").strip()
        if not raw:
            return self.default
        try:
            value = int(raw.replace(",", "").replace("_", ""))
        except ValueError:
            value = 0
        if value <= 0:
            raise ReadError(f"{self.env} must be a positive whole number (the largest {self.what} "
                            f"to read, in {self.unit}); got {raw!r}")
        return value

    def check(self, found: int, where: str, *, more: bool = False, error=ReadError,
              limit: int | None = None) -> None:
        """Raise ``error`` when ``found`` passes the limit (``limit`` if given, e.g. by a
        keyword argument, else :meth:`value`); ``more`` says counting stopped early, so
        ``found`` is a lower bound."""
        limit = self.value() if limit is None else limit
        if found > limit:
            raise error(self.message(found, where, limit, more))

    def message(self, found: int, where: str, limit: int | None = None,
                more: bool = False) -> str:
        limit = self.value() if limit is None else limit
        shown = f"more than {limit:,}" if more else f"{found:,}"
        return (f"{where}: {self.what}: {shown} {self.unit}, over the limit of {limit:,}; "
                f"if the file is what you meant to read, raise the limit, e.g. "
                f"{self.env}={max(found, limit) * 2}")


MAX_BYTES = Limit("SCORING_MAX_BYTES", 256 * _MIB, "size of the file", "bytes")
MAX_XLSX_MEMBER = Limit("SCORING_MAX_XLSX_MEMBER", 256 * _MIB,
                        "decompressed size of one part of the workbook", "bytes")
MAX_XLSX_TOTAL = Limit("SCORING_MAX_XLSX_TOTAL", 512 * _MIB,
                       "decompressed size of the whole workbook", "bytes")
MAX_CELLS = Limit("SCORING_MAX_CELLS", 20_000_000, "cells of the table (rows x columns)",
                  "cells")
MAX_COLUMNS = Limit("SCORING_MAX_COLUMNS", 4_096, "columns of the table", "columns")
MAX_DEPTH = Limit("SCORING_MAX_DEPTH", 64, "nesting depth of JSON arrays and objects",
                  "levels")
MAX_TEXT_BYTES = Limit("SCORING_MAX_TEXT_BYTES", 16 * _MIB, "size of the report text", "bytes")
MAX_LINE = Limit("SCORING_MAX_LINE", 10_000, "length of a line of the report", "characters")
MAX_PDF_BYTES = Limit("SCORING_MAX_PDF_BYTES", 64 * _MIB, "size of the PDF", "bytes")
MAX_PDF_PAGES = Limit("SCORING_MAX_PDF_PAGES", 500, "pages of the PDF", "pages")
MAX_PDF_WORDS = Limit("SCORING_MAX_PDF_WORDS", 20_000, "words on one page", "words")

#: Every limit, by its environment variable (the README's table is made from this).
LIMITS = {lim.env: lim for lim in (MAX_BYTES, MAX_XLSX_MEMBER, MAX_XLSX_TOTAL, MAX_CELLS,
                                   MAX_COLUMNS, MAX_DEPTH, MAX_TEXT_BYTES, MAX_LINE,
                                   MAX_PDF_BYTES, MAX_PDF_PAGES, MAX_PDF_WORDS)}

_KINDS = [(stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device")]


def regular_file(path: str | Path, error=ReadError) -> int:
    """The size of ``path`` if it is a regular file (symbolic links followed); else ``error``
    naming what it is. Never opens the file."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        kind = next((what for test, what in _KINDS if test(st.st_mode)), "not a regular file")
        raise error(f"{path}: is {kind}, not a file of scores; give the path of a regular "
                    "file (save a stream to a file first)")
    return st.st_size


def read_bounded(path: str | Path, limit: Limit = MAX_BYTES, error=ReadError,
                 head: int | None = None) -> bytes:
    """The bytes of regular file ``path``, refused past ``limit`` by its size before reading
    and by counting while reading (a file that grows). ``head``: read only that many bytes."""
    path = Path(path)
    size = regular_file(path, error)
    if head is None:
        limit.check(size, path.name, error=error)
    cap = limit.value() if head is None else head
    try:
        with open(path, "rb") as fh:
            data = fh.read(cap + (head is None))
    except OSError as exc:
        raise error(f"{path.name}: cannot read: {exc.strerror}") from None
    if head is None and len(data) > cap:
        limit.check(len(data), path.name, more=True, error=error)
    return data


_LINE_END = re.compile(r"\r\n?")


def normalise_line_ends(text: str) -> str:
    """``text`` with every ``\\r\\n`` and bare ``\\r`` made ``\\n``: the one place line ends
    are decided, for CSV records and report lines alike."""
    return _LINE_END.sub("\n", text) if "\r" in text else text


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` (``\\r\\n``, ``\\r`` or ``\\n`` end a line; a form feed or
    vertical tab does not, unlike :meth:`str.splitlines`); no empty last line for a final line
    end."""
    lines = normalise_line_ends(text).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
