"""Writing results safely: atomic files, cells a spreadsheet will not execute, text a
terminal will not obey.

The one place that decides what user text becomes on the way out, for every command:

- CSV cells (:func:`neutralise_cell`): text a spreadsheet would run as a formula gets a
  leading quote;
- xlsx cells (:func:`xlsx_cell`): the same, and the control characters an xlsx cell cannot
  hold (openpyxl's ``ILLEGAL_CHARACTERS_RE``) written as visible escapes (``\\x07``);
- terminal text (:func:`terminal_text`): control characters and escape sequences (``ESC [2J``
  erases the screen, ``ESC ]0;...BEL`` retitles the window) written as visible escapes, so a
  country name from a user's file cannot redraw the screen a failure table is on.

No pandas at import time: the CLI's light commands use this module too.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path

__all__ = ["write_atomic", "check_output", "OutputRefused", "same_file", "neutralise_cell",
           "xlsx_cell", "xlsx_text", "terminal_text"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: What an xlsx cell cannot hold: openpyxl's ``ILLEGAL_CHARACTERS_RE`` (C0 controls but tab,
#: line feed and carriage return); a test checks the two agree.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

#: What a terminal may obey: C0 controls but line feed and tab (ESC, BEL, carriage return,
#: backspace...), DEL, C1 controls (0x9b is a one-byte CSI) and the bidirectional overrides
#: and isolates that reorder what is shown.
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class OutputRefused(OSError):
    """A path the package will not write to: what is there is not its own to replace."""

    def __init__(self, path, why: str):
        super().__init__(0, why, str(path))

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


def check_output(path: str | Path) -> None:
    """Refuse to write to ``path`` unless it is new or a writable regular file.

    A FIFO, device, socket or folder is never written to (writing to a device as root, or
    blocking on a FIFO, is never what an output option means); a read-only file is never
    replaced (its mode says its owner wants it kept). Raises :class:`OutputRefused`.
    """
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputRefused(path, f"cannot be checked before writing ({exc.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise OutputRefused(path, "is a folder: give a file name")
    if not stat.S_ISREG(st.st_mode):
        kind = ("a FIFO" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
                else "a device")
        raise OutputRefused(path, f"is {kind}, not a regular file: not written to (leave out "
                                  "--output to print the result)")
    if not st.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise OutputRefused(path, "is read-only: not replaced (make it writable, or choose "
                                  "another path)")


def write_atomic(path: str | Path, text: str | bytes) -> None:
    """Write ``text`` (or bytes) to ``path`` through a temporary file and a rename: all or
    nothing. ``path`` is checked first (:func:`check_output`); a file replaced keeps its
    mode; an error names ``path``, never the temporary file."""
    path = Path(path)
    check_output(path)
    try:
        mode = os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.",
                                   suffix=".tmp")
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as fh:
                fh.write(text)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name the same file (after resolving links)."""
    a, b = Path(a), Path(b)
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def _escape(match: re.Match) -> str:
    """``\\x1b`` for a C0 control (as Python writes it), ``\\u009b`` above: a JSON document
    on the terminal stays valid JSON (it escapes C0 controls itself)."""
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


def terminal_text(text: str) -> str:
    """``text`` with every control character a terminal would act on shown as an escape
    (``\\x1b``, ``\\u009b``); line feeds and tabs are kept: they lay out tables and prose."""
    return _TERMINAL_UNSAFE.sub(_escape, text) if isinstance(text, str) else text


def xlsx_text(value):
    """Text with the control characters an xlsx cell cannot hold shown as escapes
    (``\\x07``); anything else unchanged."""
    return _XLSX_ILLEGAL.sub(_escape, value) if isinstance(value, str) else value


def xlsx_cell(value):
    """A value as an xlsx cell takes it: :func:`xlsx_text`, then neutralised as in CSV
    (:func:`neutralise_cell`)."""
    return neutralise_cell(xlsx_text(value))


def neutralise_cell(value):
    """Prefix text a spreadsheet would run as a formula with a quote; leave numbers alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value)
            return value  # "-3" is a number, not a formula
        except ValueError:
            return "'" + value
    return value
