"""The methodology as immutable data: components, bands, scale history and the status rule.

Plain frozen dataclasses and the look-ups an analysis needs (a component by key, the status a
total earns, the scale an edition was published on). Nothing here reads a file: building and
checking these from the TOML files is :mod:`.loader`'s work, so the data types can be read on
their own.

Imports :mod:`scoring.errors` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import MethodologyError

HIGHER_IS_FREER = "higher-is-freer"
LOWER_IS_FREER = "lower-is-freer"
ORIENTATIONS = (HIGHER_IS_FREER, LOWER_IS_FREER)
STATUS_LABELS = {"F": "Free", "PF": "Partly Free", "NF": "Not Free"}
LEVELS = ("question", "subcategory", "category", "adjustment", "rating", "total")
CERTAINTIES = ("pub", "data", "recalled")


class _EditionRange:
    """Mixin for facts that hold for editions ``first``..``last`` (None = open)."""

    first: int | None
    last: int | None

    def covers(self, edition: int) -> bool:
        return (self.first is None or edition >= self.first) and (
            self.last is None or edition <= self.last
        )


@dataclass(frozen=True)
class Component(_EditionRange):
    """One scored item: a question, a (sub)category, an adjustment, a rating or the total.

    ``terms`` lists ``(sign, key)`` pairs for aggregates: the component equals the signed sum of
    its terms. ``first``/``last`` bound the editions it exists in (None = open).
    """

    key: str
    label: str
    level: str
    min: int
    max: int
    terms: tuple[tuple[int, str], ...] = ()
    parent: str | None = None
    code: str | None = None
    aliases: tuple[str, ...] = ()
    first: int | None = None
    last: int | None = None
    certainty: str = "pub"
    note: str = ""

    def applies_to(self, edition: int) -> bool:
        """Whether the component exists in ``edition``."""
        return self.covers(edition)

    def to_canonical(self, value, orientation: str):
        """Mirror a value published lower-is-freer onto the higher-is-freer scale.

        Notes
        -----
        ``canonical = min + max - value`` (for a 0-based component, ``max - value``). Ratings are
        never converted: they are published 1 = most free in every edition.
        """
        if orientation == HIGHER_IS_FREER or self.level == "rating":
            return value
        return self.min + self.max - value


@dataclass(frozen=True)
class Band:
    """A closed interval ``[low, high]`` that maps to ``value`` (a status or a rating)."""

    low: float
    high: float
    value: str | int

    def contains(self, x: float) -> bool:
        return self.low <= x <= self.high


@dataclass(frozen=True)
class RatingTable:
    """Score-to-rating bands for one rating component (FIW: PR and CL)."""

    component: str
    score: str
    bands: tuple[Band, ...]

    def rating_for(self, score: float) -> int | None:
        for band in self.bands:
            if band.contains(score):
                return int(band.value)
        return None


@dataclass(frozen=True)
class ScaleRange(_EditionRange):
    """Published scale direction for editions ``first``..``last`` (None = open)."""

    first: int | None
    last: int | None
    orientation: str
    certainty: str = "pub"
    note: str = ""


@dataclass(frozen=True)
class Coverage(_EditionRange):
    """The period an edition's assessment covers, for editions ``first``..``last``.

    ``period`` may use ``{edition}`` and ``{previous}`` (edition - 1).
    """

    first: int | None
    last: int | None
    period: str
    months: int
    certainty: str = "pub"


@dataclass(frozen=True)
class StatusRule:
    """How a status follows from scores.

    ``rule == "bands"``: status is the band of ``component`` (the total) on the canonical
    scale. ``rule == "ratings"``: each rating table maps a score to a rating 1-7 and the status
    is the band of the mean of the ratings.
    """

    rule: str
    bands: tuple[Band, ...]
    component: str | None = None
    ratings: tuple[RatingTable, ...] = ()
    certainty: str = "pub"


@dataclass(frozen=True)
class Methodology:
    """An index: its components, scale history and status rule. Build with
    :func:`load_methodology`."""

    key: str
    name: str
    publisher: str
    citation: str
    editions: tuple[int, ...]
    entity: str
    indicator_names: tuple[str, ...]
    scales: tuple[ScaleRange, ...]
    components: tuple[Component, ...]
    status: StatusRule
    coverage: tuple[Coverage, ...] = ()
    path: Path = field(default=Path(), compare=False)

    # -- look-ups --------------------------------------------------------------------------
    def component(self, key: str) -> Component:
        for c in self.components:
            if c.key == key:
                return c
        raise KeyError(f"{self.key} has no component {key!r}")

    def level(self, level: str) -> tuple[Component, ...]:
        """Components of one level ("question", "category", ...), in file order."""
        return tuple(c for c in self.components if c.level == level)

    @property
    def categories(self) -> tuple[Component, ...]:
        return self.level("category")

    @property
    def questions(self) -> tuple[Component, ...]:
        return self.level("question")

    @property
    def total(self) -> Component:
        return self.level("total")[0]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.components)

    def published_orientation(self, edition: int) -> ScaleRange | None:
        """The scale direction ``edition`` was originally published on, or None if unknown."""
        for s in self.scales:
            if s.covers(edition):
                return s
        return None

    @property
    def single_orientation(self) -> str | None:
        """The orientation of every edition when the index never changed direction."""
        found = {s.orientation for s in self.scales}
        return found.pop() if len(found) == 1 else None

    def coverage_of(self, edition: int) -> tuple[str, int] | None:
        """(period in words, length in months) an edition covers, or None if not recorded."""
        for c in self.coverage:
            if c.covers(edition):
                return c.period.format(edition=edition, previous=edition - 1), c.months
        return None

    def cite(self, editions) -> str:
        eds = sorted(set(int(e) for e in editions))
        span = f"{eds[0]}" if len(eds) == 1 else f"{eds[0]}\u2013{eds[-1]}"
        return self.citation.format(editions=span)

    # -- status ------------------------------------------------------------------------------
    def status_for(self, total: float, orientation: str = HIGHER_IS_FREER) -> str | None:
        """Status of a total under the band rule (``rule == "bands"`` only).

        ``orientation`` is the scale ``total`` is on; it is mirrored onto the canonical scale
        first. Returns None for a total outside every band.
        """
        if self.status.rule != "bands":
            raise MethodologyError(
                f"{self.key}: status follows from ratings, not from the total; "
                "use status_for_ratings"
            )
        x = self.component(self.status.component).to_canonical(total, orientation)
        for band in self.status.bands:
            if band.contains(x):
                return str(band.value)
        return None

    def rating_for(self, rating_key: str, score: float) -> int | None:
        """Rating (1 = most free) that ``score`` earns under the table for ``rating_key``."""
        for table in self.status.ratings:
            if table.component == rating_key:
                return table.rating_for(score)
        raise KeyError(f"{self.key} has no rating table {rating_key!r}")

    def status_for_ratings(self, *ratings: float) -> str | None:
        """Status from the mean of the ratings (``rule == "ratings"``)."""
        mean = sum(ratings) / len(ratings)
        for band in self.status.bands:
            if band.contains(mean):
                return str(band.value)
        return None

