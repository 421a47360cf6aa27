"""Progress on the terminal: one line on stderr that updates while long work runs, then goes.

The library reports progress through a callback (:mod:`scoring._progress`); this module is
the one place that draws it. :func:`terminal_progress` gives a command the callback to pass:
a :class:`TerminalProgress` when stderr is a terminal, ``None`` (the library's silent
default) when it is not: piped, redirected to a file, under CI, in click's test runner. So
nothing is ever written into stdout, an ``--output`` file or a log, and a command's output is
the same byte for byte whether progress was drawn or not. ``SCORING_NO_PROGRESS=1`` (any
value but empty or ``0``) silences it on a terminal too.

The line is drawn at once (the first unit of work may be the longest: the figure set's
results), then at most ten times a second, cut to the terminal's width, and wiped when the
work ends or fails, so an error message starts on a clean line.

Why not ``click.progressbar``: it wraps an iterable of known length, while the library's work
reports counts from inside (chunks of draws, pages, figures), and when stderr is not a
terminal it still prints its label there; drawing one line is fewer lines than adapting it.

May import: _progress (the callback's type).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from typing import Iterator

from .._progress import Progress

__all__ = ["TerminalProgress", "terminal_progress", "ENV_OFF"]

#: Set to silence progress on a terminal.
ENV_OFF = "SCORING_NO_PROGRESS"
_BAR = 20


def is_terminal(stream) -> bool:
    """Whether ``stream`` is an open terminal (False for anything without ``isatty``)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # no isatty, or a closed stream
        return False


def _columns(stream) -> int:
    """The width of the terminal ``stream`` is on (stdout may be piped while stderr is not)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns if columns > 0 else shutil.get_terminal_size().columns  # 0: size unknown


def silenced() -> bool:
    """Whether ``SCORING_NO_PROGRESS`` asks for no progress."""
    return os.environ.get(ENV_OFF, "").strip() not in ("", "0")


class TerminalProgress:
    """A :data:`~scoring._progress.Progress` callback drawing ``label [####....] done/total``.

    It draws only on a terminal (``stream.isatty()``) and writes nothing at all to any other
    stream. ``interval`` is the shortest time between two redraws and ``delay`` the time
    before the first (seconds; none by default); ``clock`` and ``width`` are for tests. Call :meth:`clear`
    when the work ends (:func:`terminal_progress` does).
    """

    def __init__(self, stream=None, *, interval: float = 0.1, delay: float = 0.0,
                 clock=time.monotonic, width: int | None = None):
        self.stream = sys.stderr if stream is None else stream
        self.active = is_terminal(self.stream)
        self.interval, self.delay, self.clock, self.width = interval, delay, clock, width
        self._start = clock()
        self._drawn_at: float | None = None
        self._shown = 0

    def __call__(self, done: int, total: int, label: str) -> None:
        if not self.active:
            return
        now = self.clock()
        if now - self._start < self.delay or (
                self._drawn_at is not None and now - self._drawn_at < self.interval):
            return
        self._drawn_at = now
        self._draw(self.line(done, total, label))

    def line(self, done: int, total: int, label: str) -> str:
        """The text drawn for these counts, no wider than the terminal (less one column, so
        the cursor never wraps)."""
        width = (self.width or _columns(self.stream)) - 1
        share = min(max(done / total, 0.0), 1.0) if total > 0 else 1.0
        filled = int(share * _BAR)
        tail = f" [{'#' * filled}{'.' * (_BAR - filled)}] {done}/{total}"
        room = width - len(tail)
        if room < 4:  # too narrow for a label: the counts alone
            return f"{done}/{total}"[:max(width, 0)]
        if len(label) > room:
            label = label[:room - 3] + "..."
        return label + tail

    def _draw(self, text: str) -> None:
        pad = " " * max(self._shown - len(text), 0)
        self.stream.write("\r" + text + pad)
        self.stream.flush()
        self._shown = len(text)

    def clear(self) -> None:
        """Wipe the line, if one was drawn, and leave the cursor at its start."""
        if self._shown:
            self.stream.write("\r" + " " * self._shown + "\r")
            self.stream.flush()
            self._shown = 0


@contextlib.contextmanager
def terminal_progress(stream=None) -> Iterator[Progress | None]:
    """The callback a command passes to the library: a :class:`TerminalProgress` on stderr
    when it is a terminal and progress is not silenced, else None; the line is wiped on
    leaving, also when the work fails."""
    stream = sys.stderr if stream is None else stream
    if silenced() or not is_terminal(stream):
        yield None
        return
    drawer = TerminalProgress(stream)
    try:
        yield drawer
    finally:
        drawer.clear()
