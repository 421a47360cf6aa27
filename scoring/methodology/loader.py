"""The methodology files to :class:`~.model.Methodology` objects, refused by name when wrong.

Reading goes in named steps, one a table of the file (scales, components, status, coverage),
each through a :class:`_Reader` that names the file and the key at fault in every error. The
built methodology is then checked as a whole (:func:`_check`): maxima add up, status bands tile
their range with no gap or overlap, every edition has a scale.

Imports :mod:`.model` and :mod:`scoring.errors`.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from ..errors import MethodologyError
from .model import (
    CERTAINTIES,
    LEVELS,
    ORIENTATIONS,
    STATUS_LABELS,
    Band,
    Component,
    Coverage,
    Methodology,
    RatingTable,
    ScaleRange,
    StatusRule,
)

METHODOLOGY_DIR = Path(__file__).parent


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
    """A parsed TOML file to a checked methodology.

    The tables are read in the order the file's errors have always been reported in (scales,
    components, status bands and ratings, the index's own keys, then coverage), so a file with
    several faults is refused for the same one as before.
    """
    top = _Reader(raw, path, "")
    index = _Reader(top.get("index", dict), path, "index")
    scales = _scales(top, path)
    components = _components(top, path)
    st = _Reader(top.get("status", dict), path, "status")
    rule = st.choice("rule", ("bands", "ratings"))
    bands = _status_bands(st, path)
    ratings = _rating_tables(st, path)
    m = Methodology(
        key=index.get("key", str),
        name=index.get("name", str),
        publisher=index.get("publisher", str),
        citation=index.get("citation", str),
        editions=tuple(index.get("editions", list)),
        entity=index.get("entity", str, "country"),
        indicator_names=tuple(index.get("indicator_names", list, [])),
        scales=scales,
        components=components,
        status=StatusRule(
            rule=rule,
            bands=bands,
            component=st.get("component", str, None),
            ratings=ratings,
            certainty=st.choice("certainty", CERTAINTIES, "pub"),
        ),
        coverage=_coverage(top, path),
        path=path,
    )
    _check(m)
    return m


def _scales(top: _Reader, path: Path) -> tuple[ScaleRange, ...]:
    """The ``[[scale]]`` tables: which way the published scale ran, by edition range."""
    return tuple(
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


def _components(top: _Reader, path: Path) -> tuple[Component, ...]:
    """The ``[[component]]`` tables, in file order."""
    components = []
    for i, t in enumerate(top.get("component", list)):
        r = _Reader(t, path, f"component[{i}]")
        terms = _terms(r)
        components.append(
            Component(
                key=r.get("key", str),
                label=r.get("label", str, t.get("key", "")),
                level=r.choice("level", LEVELS),
                min=r.get("min", int, 0),
                max=r.get("max", int),
                terms=terms,
                parent=r.get("parent", str, None),
                code=r.get("code", str, None),
                aliases=tuple(r.get("aliases", list, [])),
                first=r.get("first", int, None),
                last=r.get("last", int, None),
                certainty=r.choice("certainty", CERTAINTIES, "pub"),
                note=r.get("note", str, ""),
            )
        )
    return tuple(components)


def _terms(r: _Reader) -> tuple[tuple[int, str], ...]:
    """An aggregate's ``terms`` ("+key" / "-key") as (sign, key) pairs."""
    terms = []
    for term in r.get("terms", list, []):
        if not isinstance(term, str) or term[:1] not in "+-" or len(term) < 2:
            r.fail("terms", f"each term is '+key' or '-key'; got {term!r}")
        terms.append((1 if term[0] == "+" else -1, term[1:]))
    return tuple(terms)


def _status_bands(st: _Reader, path: Path) -> tuple[Band, ...]:
    """The ``[[status.band]]`` tables: the score (or mean rating) range of each status."""
    return tuple(
        Band(r.get("low", float), r.get("high", float), r.choice("status", tuple(STATUS_LABELS)))
        for i, t in enumerate(st.get("band", list))
        for r in [_Reader(t, path, f"status.band[{i}]")]
    )


def _rating_tables(st: _Reader, path: Path) -> tuple[RatingTable, ...]:
    """The ``[[status.rating]]`` tables (rating rule only): score bands to a rating 1-7."""
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
    return tuple(ratings)


def _coverage(top: _Reader, path: Path) -> tuple[Coverage, ...]:
    """The ``[[coverage]]`` tables: the period each edition's assessment covers."""
    return tuple(
        Coverage(first=r.get("first", int, None), last=r.get("last", int, None),
                 period=r.get("period", str), months=r.get("months", int),
                 certainty=r.choice("certainty", CERTAINTIES, "pub"))
        for i, t in enumerate(top.get("coverage", list, []))
        for r in [_Reader(t, path, f"coverage[{i}]")]
    )


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
