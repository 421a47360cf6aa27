"""Whose numbers a result used: Freedom House, a third party's compilation, the user's files.

One wording for every output: the text tables' and figures' source line, the figures' alt
text, the ``sources`` block of JSON and xlsx output, and the per-row ``sources`` column.
Freedom House is cited only for the editions it published: an edition that only a user's
file supplies is credited to that file, never to Freedom House; an edition compiled by a
third party from Freedom House's scores (DA2I) is credited to both.

May import: methodology, datasets.
"""

from __future__ import annotations

import pandas as pd

from ..datasets.panel import edition_ranges
from ..datasets.registry import load_sources
from ..errors import DatasetError
from ..methodology import Methodology

__all__ = ["source_credits", "others", "sources_block", "source_line", "credit_sentence",
           "with_sources"]

#: Kinds of rows that are not Freedom House's own statement of its scores.
OTHERS = ("third-party", "user-file")


def source_credits(scores: pd.DataFrame) -> list[dict]:
    """Each source file of ``scores``: ``kind``, ``source`` (the file), ``credit`` (the name
    to print), ``editions`` and ``rows``, sorted by kind and file.

    ``credit`` is Freedom House for its sheets and publications, the ``credit`` of
    sources.toml for a third party's series (else its file) and "user file <name>" for a
    user's file. Rows without a ``source`` column (a frame built by hand) are one entry of
    kind "unknown".
    """
    if scores.empty:
        return []
    if "source" not in scores.columns:
        return [{"kind": "unknown", "source": "", "credit": "rows without a source column",
                 "editions": _eds(scores), "rows": len(scores)}]
    kinds = (scores["source_kind"] if "source_kind" in scores.columns
             else pd.Series("unknown", index=scores.index))
    frame = pd.DataFrame({"kind": kinds.fillna("unknown").astype(str),
                          "source": scores["source"].fillna("").astype(str),
                          "edition": scores["edition"]})
    names = _credit_names() if (frame["kind"] == "third-party").any() else {}
    out = []
    for (kind, source), rows in frame.groupby(["kind", "source"], sort=True):
        credit = {"third-party": names.get(source, source), "user-file": f"user file {source}",
                  "unknown": source or "unknown source"}.get(kind, "Freedom House")
        out.append({"kind": kind, "source": source, "credit": credit,
                    "editions": _eds(rows), "rows": int(len(rows))})
    return out


def others(credits: list[dict]) -> list[dict]:
    """The entries of :func:`source_credits` to credit beside Freedom House (no row counts:
    the form a figure set's manifest stores)."""
    return [{k: x[k] for k in ("kind", "source", "credit", "editions")}
            for x in credits if x["kind"] in OTHERS]


def sources_block(m: Methodology, scores: pd.DataFrame) -> dict:
    """The JSON ``sources`` block: the citation split between Freedom House and the others.

    ``freedom_house``: its citation and the editions it published (rows of every kind but
    user files); ``others``: third-party series and user files with their editions;
    ``files``: every source file with its row count; ``line``: the printed source line.
    """
    credits = source_credits(scores)
    fh_eds = sorted({e for x in credits if x["kind"] != "user-file" for e in x["editions"]})
    fh = {"citation": m.cite(fh_eds), "editions": fh_eds} if fh_eds else None
    rest = others(credits)
    return {"freedom_house": fh, "others": rest, "files": credits,
            "line": source_line(fh["citation"] if fh else None, rest)}


def source_line(fh: str | None, credits: list[dict]) -> str:
    """"Source: Freedom House, FOTN 2011-2024 (2017 via DA2I); 2025 from user file x.csv;
    analysis: scoring". ``fh`` is Freedom House's citation (None when it published none of
    the editions); ``credits`` the others (:func:`others`)."""
    via = "; ".join(f"{_editions(x['editions'])} via {x['credit']}" for x in credits
                    if x["kind"] == "third-party")
    parts = [f"{fh}{f' ({via})' if via else ''}"] if fh else []
    parts += [f"{_editions(x['editions'])} from {x['credit']} (not Freedom House's)"
              for x in credits if x["kind"] == "user-file"]
    return f"Source: {'; '.join(parts)}; analysis: scoring"


def credit_sentence(credits: list[dict]) -> str:
    """The alt text's sentence on rows that are not Freedom House's own ('' when none)."""
    said = [f"the scores of {_editions(x['editions'])} come from "
            + (f"a third party's compilation of Freedom House's scores ({x['credit']})"
               if x["kind"] == "third-party" else f"a {x['credit']}, not from Freedom House")
            for x in credits]
    text = "; ".join(said)
    return f" {text[0].upper()}{text[1:]}." if said else ""


def with_sources(table: pd.DataFrame, scores: pd.DataFrame, key: str = "iso3") -> pd.DataFrame:
    """``table`` with a ``sources`` column: per entity, the files its rows in ``scores`` came
    from, oldest edition first, as "file (2011-2016); file (2017)" (runs of the editions in
    ``scores``, so an edition no file supplies is a gap)."""
    if table.empty or "source" not in scores.columns:
        return table
    used = scores[scores[key].isin(table[key])].sort_values("edition", kind="stable")
    editions = scores["edition"].unique()
    said = {}
    for entity, rows in used.groupby(key, sort=False):
        parts = [f"{src} ({edition_ranges(eds, editions)})" for src, eds in
                 rows.groupby("source", sort=False)["edition"]]
        said[entity] = "; ".join(parts)
    return table.assign(sources=table[key].map(said).fillna(""))


def _credit_names() -> dict:
    try:
        return {s["file"].removeprefix("raw/"): s["credit"] for s in load_sources()
                if "credit" in s}
    except DatasetError:  # no bundled datasets folder: credit by file name
        return {}


def _eds(rows: pd.DataFrame) -> list[int]:
    return sorted(int(e) for e in rows["edition"].unique())


def _editions(eds) -> str:
    eds = [str(e) for e in eds]
    return eds[0] if len(eds) == 1 else ", ".join(eds[:-1]) + " and " + eds[-1]
