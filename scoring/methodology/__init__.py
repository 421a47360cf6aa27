"""Indices as immutable data: the methodology files in ``scoring/methodology/*.toml``.

A methodology lists an index's components (questions, subcategories, categories, adjustments,
ratings and the total), how aggregates sum from their terms, the published scale direction by
edition range, and the rule that gives a status. It is validated when loaded: maxima add up,
status bands cover the range with no gap or overlap. A new index of the same kind needs only a
new TOML file in that folder.

This module imports neither pandas nor numpy, so the CLI can list and describe indices fast.

May import: :mod:`scoring.errors` only: every stage stands on this one.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..errors import MethodologyError

__all__ = [
    "HIGHER_IS_FREER",
    "LOWER_IS_FREER",
    "ORIENTATIONS",
    "STATUS_LABELS",
    "Component",
    "Band",
    "RatingTable",
    "ScaleRange",
    "StatusRule",
    "Coverage",
    "Methodology",
    "available_methodologies",
    "load_methodology",
]

HIGHER_IS_FREER = "higher-is-freer"
LOWER_IS_FREER = "lower-is-freer"
ORIENTATIONS = (HIGHER_IS_FREER, LOWER_IS_FREER)
STATUS_LABELS = {"F": "Free", "PF": "Partly Free", "NF": "Not Free"}
LEVELS = ("question", "subcategory", "category", "adjustment", "rating", "total")
CERTAINTIES = ("pub", "data", "recalled")
METHODOLOGY_DIR = Path(__file__).parent


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


# -- loading ---------------------------------------------------------------------------------
def available_methodologies() -> tuple[str, ...]:
    """Keys of the indices shipped in ``scoring/methodology``."""
    return tuple(sorted(p.stem for p in METHODOLOGY_DIR.glob("*.toml")))


@cache
def load_methodology(key_or_path: str | Path) -> Methodology:
    """Load and validate a methodology by index key (``"fotn"``, ``"fiw"``) or TOML path.

    Raises
    ------
    MethodologyError
        The file is missing or malformed, naming the file and the key at fault.
    """
    path = Path(key_or_path)
    if path.suffix != ".toml":
        path = METHODOLOGY_DIR / f"{key_or_path}.toml"
        if not path.exists():
            raise ValueError(
                f"index must be one of {', '.join(available_methodologies())}; "
                f"got {key_or_path!r}"
            )
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except OSError as exc:
        raise MethodologyError(f"{path}: cannot read: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise MethodologyError(f"{path}: not valid TOML: {exc}") from exc
    return _build(raw, path)


class _Reader:
    """Typed access to a TOML table that names the key at fault in every error."""

    def __init__(self, table: dict, path: Path, where: str):
        self.table, self.path, self.where = table, path, where

    def fail(self, key: str, msg: str):
        raise MethodologyError(f"{self.path.name}: {self.where}.{key}: {msg}")

    def get(self, key: str, kind, default=...):
        if key not in self.table:
            if default is ...:
                self.fail(key, "missing")
            return default
        value = self.table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            self.fail(key, f"expected {getattr(kind, '__name__', kind)}, got {value!r}")
        return value

    def choice(self, key: str, allowed, default=...):
        value = self.get(key, str, default)
        if value is not None and value not in allowed:
            self.fail(key, f"must be one of {', '.join(allowed)}; got {value!r}")
        return value


def _build(raw: dict, path: Path) -> Methodology:
    top = _Reader(raw, path, "")
    index = _Reader(top.get("index", dict), path, "index")
    scales = tuple(
        ScaleRange(
            first=r.get("first", int, None),
            last=r.get("last", int, None),
            orientation=r.choice("orientation", ORIENTATIONS),
            certainty=r.choice("certainty", CERTAINTIES, "pub"),
            note=r.get("note", str, ""),
        )
        for i, t in enumerate(top.get("scale", list))
        for r in [_Reader(t, path, f"scale[{i}]")]
    )
    components = []
    for i, t in enumerate(top.get("component", list)):
        r = _Reader(t, path, f"component[{i}]")
        terms = []
        for term in r.get("terms", list, []):
            if not isinstance(term, str) or term[:1] not in "+-" or len(term) < 2:
                r.fail("terms", f"each term is '+key' or '-key'; got {term!r}")
            terms.append((1 if term[0] == "+" else -1, term[1:]))
        components.append(
            Component(
                key=r.get("key", str),
                label=r.get("label", str, t.get("key", "")),
                level=r.choice("level", LEVELS),
                min=r.get("min", int, 0),
                max=r.get("max", int),
                terms=tuple(terms),
                parent=r.get("parent", str, None),
                code=r.get("code", str, None),
                aliases=tuple(r.get("aliases", list, [])),
                first=r.get("first", int, None),
                last=r.get("last", int, None),
                certainty=r.choice("certainty", CERTAINTIES, "pub"),
                note=r.get("note", str, ""),
            )
        )
    st = _Reader(top.get("status", dict), path, "status")
    rule = st.choice("rule", ("bands", "ratings"))
    bands = tuple(
        Band(r.get("low", float), r.get("high", float), r.choice("status", tuple(STATUS_LABELS)))
        for i, t in enumerate(st.get("band", list))
        for r in [_Reader(t, path, f"status.band[{i}]")]
    )
    ratings = []
    for i, t in enumerate(st.get("rating", list, [])):
        r = _Reader(t, path, f"status.rating[{i}]")
        rows = r.get("bands", list)
        if not all(isinstance(b, list) and len(b) == 3 and all(
                isinstance(x, (int, float)) and not isinstance(x, bool) for x in b)
                for b in rows):
            r.fail("bands", "each band is [low, high, rating], all numbers")
        ratings.append(
            RatingTable(r.get("component", str), r.get("score", str),
                        tuple(Band(lo, hi, int(v)) for lo, hi, v in rows))
        )
    m = Methodology(
        key=index.get("key", str),
        name=index.get("name", str),
        publisher=index.get("publisher", str),
        citation=index.get("citation", str),
        editions=tuple(index.get("editions", list)),
        entity=index.get("entity", str, "country"),
        indicator_names=tuple(index.get("indicator_names", list, [])),
        scales=scales,
        components=tuple(components),
        status=StatusRule(
            rule=rule,
            bands=bands,
            component=st.get("component", str, None),
            ratings=tuple(ratings),
            certainty=st.choice("certainty", CERTAINTIES, "pub"),
        ),
        coverage=tuple(
            Coverage(first=r.get("first", int, None), last=r.get("last", int, None),
                     period=r.get("period", str), months=r.get("months", int),
                     certainty=r.choice("certainty", CERTAINTIES, "pub"))
            for i, t in enumerate(top.get("coverage", list, []))
            for r in [_Reader(t, path, f"coverage[{i}]")]
        ),
        path=path,
    )
    _check(m)
    return m


def _check(m: Methodology) -> None:
    """Internal consistency of a methodology: raise MethodologyError on the first problem."""
    where = m.path.name

    def fail(msg):
        raise MethodologyError(f"{where}: {msg}")

    keys = [c.key for c in m.components]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        fail(f"component keys repeated: {', '.join(dupes)}")
    if len(m.level("total")) != 1:
        fail("exactly one component must have level = 'total'")
    by_key = {c.key: c for c in m.components}
    for c in m.components:
        if c.min > c.max:
            fail(f"component {c.key}: min {c.min} > max {c.max}")
        if c.parent is not None and c.parent not in by_key:
            fail(f"component {c.key}: parent {c.parent!r} is not a component")
        for sign, term in c.terms:
            if term not in by_key:
                fail(f"component {c.key}: term {term!r} is not a component")
        if c.terms:
            # Maxima add up: the largest sum the terms can reach is the aggregate's max,
            # except where a term only ever lowers (a deduction) or raises beyond a cap that
            # the file states in a note.
            top = sum(by_key[t].max if s > 0 else -by_key[t].min for s, t in c.terms
                      if by_key[t].level != "adjustment")
            bottom = sum(by_key[t].min if s > 0 else -by_key[t].max for s, t in c.terms)
            if top != c.max:
                fail(f"component {c.key}: max is {c.max} but its terms add up to {top}")
            if bottom != c.min:
                fail(f"component {c.key}: min is {c.min} but its terms reach down to {bottom}")
        children = [k for k in keys if by_key[k].parent == c.key]
        if children and c.terms and sorted(children) != sorted(t for _, t in c.terms
                                                               if by_key[t].parent == c.key):
            fail(f"component {c.key}: its children ({', '.join(children)}) are not its terms")
    if not m.scales:
        fail("at least one [[scale]] is required")
    for ed in m.editions:
        if m.published_orientation(ed) is None:
            fail(f"edition {ed} has no [[scale]]")
    # Status bands must tile their range with no gap or overlap.
    if m.status.rule == "bands":
        if m.status.component not in by_key:
            fail(f"status.component {m.status.component!r} is not a component")
        c = by_key[m.status.component]
        _check_tiling(fail, "status.band", m.status.bands, c.min, c.max, step=1)
    else:
        if not m.status.ratings:
            fail("status.rule = 'ratings' needs [[status.rating]] tables")
        for t in m.status.ratings:
            if t.component not in by_key or t.score not in by_key:
                fail(f"status.rating {t.component}: unknown component or score")
            s = by_key[t.score]
            _check_tiling(fail, f"status.rating {t.component}", t.bands, s.min, s.max, step=1)
        r = by_key[m.status.ratings[0].component]
        _check_tiling(fail, "status.band", m.status.bands, r.min, r.max,
                      step=1 / len(m.status.ratings))


def _check_tiling(fail, what, bands, low, high, step) -> None:
    """Every multiple of ``step`` in [low, high] falls in exactly one band."""
    n = round((high - low) / step)
    for i in range(n + 1):
        x = low + i * step
        hits = [b for b in bands if b.contains(x)]
        if len(hits) != 1:
            kind = "no band" if not hits else f"{len(hits)} bands"
            fail(f"{what}: {x:g} falls in {kind}; bands must cover {low:g}..{high:g} "
                 "with no gap or overlap")
    outside = [b for b in bands if b.low < low or b.high > high]
    if outside:
        fail(f"{what}: band {outside[0].low:g}-{outside[0].high:g} reaches outside "
             f"{low:g}..{high:g}")
