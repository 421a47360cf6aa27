"""What a reading establishes, and the trail it leaves: the table's header and the repairs list.

:class:`Header` is what a layout found above and around the score table (country, years,
scale, where the table is). :class:`Record` collects, in the order they are made, every repair
(``{field, year, line, read, inferred, why}``), every note and the provenance of every field,
and raises the :class:`ReportError` that stops a reading, prefixed with the source's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NoReturn

from ...errors import ReportError
from .tokens import Line

__all__ = ["Header", "Record"]


@dataclass(frozen=True)
class Header:
    """The score table's frame, as a layout reads it.

    ``country_line``: the line of the country's name; ``header_line``: the line of the header
    years (None: lost); ``region``: the lines the table and its header facts may be on;
    ``columns``: how many value columns (years) the table has; ``orientation`` and
    ``orientation_from`` (why), ``note_line`` (the scale note's line, or None), and
    ``assumed_orientation`` (no note: the edition's published scale was taken); ``labels``:
    the source's name of each column of the frame.
    """

    iso3: str
    country: str
    country_line: int
    header_line: int | None
    region: tuple[Line, ...]
    columns: int
    years: tuple[int, ...]
    edition: int
    orientation: str
    orientation_from: str
    note_line: int | None
    assumed_orientation: bool
    labels: dict = field(default_factory=dict)


@dataclass
class Record:
    """The repairs, notes and provenance of one reading of ``source``."""

    source: str
    repairs: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    provenance: dict = field(default_factory=dict)

    def fail(self, msg: str) -> NoReturn:
        raise ReportError(f"{self.source}: {msg}")

    def repair(self, field: str, year, line, read, inferred, why: str) -> None:
        self.repairs.append(dict(field=field, year=year, line=line, read=read,
                                 inferred=inferred, why=why))

    def note(self, msg: str) -> None:
        self.notes.append(f"{self.source}: {msg}")
