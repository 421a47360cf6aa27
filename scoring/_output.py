"""Writing results safely: atomic files, CSV cells a spreadsheet will not execute.

No pandas at import time: the CLI's light commands use this module too.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

__all__ = ["write_atomic", "check_output", "OutputRefused", "same_file", "neutralise_cell"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


def neutralise_cell(value):
    """Prefix text a spreadsheet would run as a formula with a quote; leave numbers alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value)
            return value  # "-3" is a number, not a formula
        except ValueError:
            return "'" + value
    return value
