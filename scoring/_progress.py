"""Progress of long work: the callback the library's long functions accept, and how it is called.

A function that takes a while (drawing the figure set, a Monte Carlo of many draws, reading a
booklet's PDF pages, rebuilding the datasets) takes ``progress=None``: a :data:`Progress`,
called as ``progress(done, total, label)`` after each unit of work. ``None`` (the default)
is silent and costs nothing. The library never prints; it hands the counts to the caller, and
the command line draws them on a terminal (:mod:`scoring.cli.progress`).

The contract every such function keeps:

- ``done`` units of ``total`` are finished, ``0 <= done <= total``; ``total`` is the same in
  every call of one task, ``done`` never decreases, and the last call has ``done == total``;
- ``label`` is a short phrase for a person: the work under way (or, at the end, what was done);
- a function that runs several tasks one after another (several files) says so, and each
  task's count starts again from 0;
- a task with nothing to do may make no call at all;
- reporting changes no result: with or without a callback, the same numbers and bytes.

An exception raised by the callback is not caught: it stops the work, as the caller asked.

Why a base module: four stages report progress (ingest: booklet pages; datasets: the sources
of a build; inference: chunks of Monte Carlo draws; publish: figures and formats), and
inference may import only the base modules; so the type and its two helpers sit below them
all. No pandas, no I/O.
"""

from __future__ import annotations

from typing import Callable, Optional

__all__ = ["Progress", "report", "shifted"]

#: ``progress(done, total, label)``: ``done`` of ``total`` units finished; ``label`` says
#: what is under way.
Progress = Callable[[int, int, str], None]


def report(progress: Optional[Progress], done: int, total: int, label: str) -> None:
    """Call ``progress`` when there is one; nothing when it is None."""
    if progress is not None:
        progress(int(done), int(total), label)


def shifted(progress: Optional[Progress], start: int, total: int) -> Optional[Progress]:
    """The callback for one part of a larger task: the part's ``done`` is counted from
    ``start``, out of the whole task's ``total`` (the part's own total is ignored).

    >>> calls = []
    >>> part = shifted(lambda *a: calls.append(a), 1, 5)
    >>> part(2, 4, "drawing")
    >>> calls
    [(3, 5, 'drawing')]
    """
    if progress is None:
        return None

    def part(done: int, _total: int, label: str) -> None:
        progress(start + done, total, label)

    return part
