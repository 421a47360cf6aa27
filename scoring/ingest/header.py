"""The header row of a score file, and which role or component each of its columns gives.

A score file's header may sit below a title block, spell a column in many ways ("Country or
Territory", "ISO Code", '"Freedom on the Net 2018" Total Score'), or belong to another index
whose column names overlap. This module picks the table and row that are the header, maps each
column to a role (country, ISO3, edition, status...) or a methodology component key, and stops
with a :class:`~scoring.errors.ReadError` when that is ambiguous. It reads no score.

Imports :mod:`.table` (the raw table), :mod:`scoring.methodology` and :mod:`scoring.errors`.
"""

from __future__ import annotations

import re
from pathlib import Path

from .table import RawTable
from ..errors import ReadError
from ..methodology import Methodology, load_methodology

__all__ = ["norm", "pick_table"]

# Roles that are not score components, with the header spellings that name them.
_ROLES = {
    "country": ["country", "country territory", "country or territory", "name", "country name",
                "territory", "state"],
    "iso3": ["iso3", "iso", "iso 3", "iso code", "iso3 code", "country code", "code",
             "iso alpha 3", "alpha 3"],
    "edition": ["edition", "year", "survey edition", "report year", "fotn edition"],
    "status": ["status", "internet freedom status", "freedom status", "fotn status"],
    "region": ["region"],
    "ct": ["c t", "country territory flag", "ct"],
    # The scale of each row, as this package's own tidy files write it (ingest-report --format
    # csv, the bundled tables): higher-is-freer / lower-is-freer.
    "orientation": ["orientation", "scale", "published orientation"],
    "indicator": ["indicator", "indicator name", "series"],
}


def norm(text) -> str:
    """Text as it is matched: lowercased, each run of characters other than a-z and 0-9 a space."""
    return re.sub(r"[^0-9a-z]+", " ", str(text).lower()).strip()


def _aliases(m: Methodology) -> dict[str, str]:
    """Every spelling (normalised) that names a role or one of ``m``'s components."""
    out: dict[str, str] = {}
    for role, names in _ROLES.items():
        for n in names:
            out[norm(n)] = role
    for c in m.components:
        for name in (c.key, c.code, c.label, *c.aliases):
            if name:
                out.setdefault(norm(name), c.key)
    return out


def _match(header, aliases: dict[str, str], m: Methodology) -> tuple[str | None, int | None]:
    """Role or component key for a header cell, and an edition the header names, if any."""
    if header is None:
        return None, None
    text = norm(header)
    if text in aliases:
        return aliases[text], None
    # '"Freedom on the Net 2018" Total Score': the index's name and an edition, then the column.
    prefix = re.match(rf"^{re.escape(norm(m.name))} (\d{{4}}) (.+)$", text)
    if prefix and prefix.group(2) in aliases:
        return aliases[prefix.group(2)], int(prefix.group(1))
    return None, None


def pick_table(tables: list[RawTable], m: Methodology, path: Path):
    """The table and header row that name an entity column and at least one score column."""
    aliases = _aliases(m)
    component_keys = set(m.keys)
    found = []  # (score, table, row index, row, matches) of every table with a header
    for t in tables:
        candidates = [0] if t.header_known else range(len(t.head))
        for i in candidates:
            row = t.head[i]
            matches = [_match(h, aliases, m) for h in row]
            roles = [r for r, _ in matches]
            if not ({"country", "iso3"} & set(roles)) or not component_keys & set(roles):
                continue
            found.append((sum(r is not None for r in roles), t, i, row, matches))
            break  # the first header-like row of a table is its header
    best = max(found, key=lambda f: f[0]) if found else None
    if best is not None and len(found) > 1:
        _several_tables(found, best)
    if best is None:
        names = ", ".join(sorted({c.label for c in m.categories} | {m.total.label}))
        raise ReadError(
            f"{path.name}: no header row found: expected a country (or ISO3) column and at "
            f"least one {m.name} score column ({names}) in the first 30 rows"
        )
    _, table, at, row, matches = best
    _refuse_other_index(row, m, table.where)
    mapping: dict[int, str] = {}
    seen: dict[str, int] = {}
    hints = {y for _, y in matches if y is not None}
    for j, (role, _) in enumerate(matches):
        if role is None:
            if row[j] is not None:
                table.notes.append(f"{table.where}: column {row[j]!r} is not a {m.name} "
                                   "column and was not read")
            continue
        if role in seen:
            raise ReadError(f"{table.where}: columns {row[seen[role]]!r} and {row[j]!r} both "
                            f"give {role!r}; keep one")
        seen[role] = j
        mapping[j] = role
    if len(hints) > 1:
        raise ReadError(f"{table.where}: the header names several editions "
                        f"({', '.join(map(str, sorted(hints)))})")
    return table, at, mapping, hints.pop() if hints else None


def _several_tables(found: list, best) -> None:
    """More than one table (sheet) holds a score header: the one recognising the most columns
    is read and the others are named; a tie is refused, since nothing says which is meant."""
    tied = [f[1].where for f in found if f[0] == best[0]]
    if len(tied) > 1:
        raise ReadError(f"{', '.join(tied)}: each holds a score table with as many "
                        f"recognised columns ({best[0]}); give --sheet (sheet= in Python) to "
                        "say which to read")
    others = ", ".join(f"{f[1].where} ({f[0]} columns)" for f in found if f is not best)
    best[1].notes.append(f"{best[1].where}: read as the score table ({best[0]} columns "
                         f"recognised); also a score table but not read: {others} (give "
                         "--sheet to read another)")


def _refuse_other_index(header, m: Methodology, where: str) -> None:
    """Stop when another index's methodology recognises more of the header than ``m`` does.

    Column names such as "A", "B", "C" and "Total" exist in several indices; a FOTN file read
    as FIW would otherwise turn into hundreds of range and sum failures instead of one clear
    message.
    """
    from ..methodology import available_methodologies

    def count(meth):
        aliases = _aliases(meth)
        return sum(1 for h in header if _match(h, aliases, meth)[0] in meth.keys)

    own = count(m)
    for key in available_methodologies():
        other = load_methodology(key)
        if other.key == m.key:
            continue
        theirs = count(other)
        if theirs > own:
            err = ReadError(f"{where}: this looks like a {other.name} file, not {m.name}: "
                            f"{theirs} of its score columns are {other.name} columns, {own} are "
                            f"{m.name} columns; read it with index={other.key!r} "
                            f"(--index {other.key})")
            err.other_index = other.key
            raise err

