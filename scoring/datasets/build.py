"""Rebuild the bundled tidy tables from the raw sources, checking every checksum.

One command: ``scoring datasets build``. For each index it reads every raw source listed in
``datasets/sources.toml`` (after checking its sha256), keeps one row per entity and edition from
the richest source (lowest ``rank``), checks every other source that covers the same cell
against it on the canonical scale, and writes:

- ``<name>.csv``: the tidy table, every score on the canonical higher-is-freer scale (so a
  column never mixes scales, whatever a user does with it), the scale each row was published
  on in ``published_orientation`` (the published value is ``max - value`` where that says
  lower-is-freer), provenance in ``source``/``source_kind``/``source_row``, broken rules in
  ``flags``;
- ``findings.csv``: every validation failure of every source;
- ``disagreements.csv``: every cell where two sources differ, and every row one source has in an
  edition the other covers but does not;
- ``repairs.csv``: every repair the report parser made to a country report's OCR damage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .._output import write_atomic
# Aliased: a build's result is called report.
from .._progress import Progress, report as report_progress
from ..errors import DatasetError
from ..ingest.harmonize import to_canonical
from ..methodology import load_methodology
from ..ingest.readers import ID_COLUMNS, read_scores
from .registry import datasets_dir, installed_copy, list_datasets, load_sources, sha256_of

__all__ = ["BuildReport", "build_datasets", "check_sources", "DISAGREEMENT_COLUMNS",
           "REPAIR_COLUMNS"]

#: Columns of repairs.csv: every OCR repair the report parser made, with its reason.
REPAIR_COLUMNS = ["source", "field", "year", "page", "line", "country", "read", "inferred",
                  "why"]

DISAGREEMENT_COLUMNS = ["index", "edition", "iso3", "country", "column", "kept_source",
                        "kept_row", "kept_value", "other_source", "other_row", "other_value",
                        "kind"]
_EXTRA = ["region", "ct"]
#: The provenance columns that end every row of a tidy table.
PROVENANCE = ["source", "source_kind", "source_row", "flags"]
#: Readers of Freedom House's publications (text reports, PDF booklets): each prints its own
#: edition and, in some layouts, the previous edition's totals.
_PUBLICATIONS = ("report", "booklet")


@dataclass
class BuildReport:
    """What a build wrote and found."""

    written: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    findings: pd.DataFrame | None = None
    disagreements: pd.DataFrame | None = None
    repairs: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)


def check_sources(root: Path | None = None) -> list[dict]:
    """Verify the sha256 of every raw source; raise DatasetError naming each mismatch."""
    root = root or datasets_dir()
    sources = load_sources(root)
    bad = []
    for s in sources:
        path = root / s["file"]
        if not path.exists():
            bad.append(f"{s['file']}: missing")
            continue
        got = sha256_of(path)
        if got != s["sha256"]:
            bad.append(f"{s['file']}: sha256 is {got}, sources.toml says {s['sha256']}")
    if bad:
        raise DatasetError("raw sources do not match their checksums:\n  " + "\n  ".join(bad))
    return sources


def _write_csv_atomic(frame: pd.DataFrame, path: Path) -> None:
    write_atomic(path, frame.to_csv(index=False, lineterminator="\n"))


def build_datasets(root: Path | None = None, out: Path | str | None = None, *,
                   progress: Progress | None = None) -> BuildReport:
    """Check the raw sources and rebuild every tidy table of the registry.

    Parameters
    ----------
    root : Path, optional
        The datasets folder (default: the bundled one).
    out : Path or str, optional
        Where to write (default: ``root``); tests build into a temporary folder and compare.
        Required when ``root`` is the copy inside an installed package, which a build does
        not rewrite.
    progress : callable, optional
        ``progress(done, total, label)`` (:mod:`scoring._progress`): one unit per raw source
        read and one per tidy table merged and written. None: silent.
    """
    root = root or datasets_dir()
    if out is None and _is_installed_copy(root):
        raise ValueError(
            f"out must be given: the datasets at {root} are the copy inside the installed "
            "package, which a build does not rewrite; pass an output folder (out=..., or "
            "--out DIR on the command line); got out=None")
    out = Path(out) if out is not None else root
    out.mkdir(parents=True, exist_ok=True)
    sources = check_sources(root)
    report = BuildReport()
    findings, disagreements, repairs = [], [], []
    entries = list_datasets(root)
    read = {e["name"]: sorted((s for s in sources if s["index"] == e["index"]
                               and s.get("read", True)), key=lambda s: s["rank"])
            for e in entries}
    total, done = sum(len(chosen) for chosen in read.values()) + len(entries), 0
    for entry in entries:
        m = load_methodology(entry["index"])
        frames = []
        for order, s in enumerate(read[entry["name"]]):
            report_progress(progress, done, total, f"reading {s['file'].removeprefix('raw/')}")
            done += 1
            frame, got = _read_source(root, s, m)
            repairs.extend(got)
            frame["source"] = s["file"].removeprefix("raw/") + (
                f" [sheet {s['sheet']}]" if s.get("sheet") else "")
            frame["source_kind"] = s["kind"]
            frame.attrs["failures"]["source"] = frame["source"].iloc[0]
            frame["_rank"], frame["_order"] = s["rank"], order
            # A publication of edition N reprints N-1 as its previous-edition column: that is
            # Freedom House's later statement of N-1, and outranks N-1's own publication.
            frame["_latest"] = (-frame["edition"].max() if s.get("reader") in _PUBLICATIONS
                                else -frame["edition"])
            findings.append(frame.attrs["failures"])
            report.notes.extend(frame.attrs["notes"])
            frame.attrs = {}  # frames holding frames in attrs cannot be concatenated
            frames.append(frame)
        report_progress(progress, done, total, f"merging {entry['file']}")
        done += 1
        table, diffs = _merge(frames, m)
        disagreements.append(diffs)
        path = out / entry["file"]
        _write_csv_atomic(table, path)
        report.written.append(path)
        report.rows[entry["name"]] = len(table)
    report.findings = pd.concat(findings, ignore_index=True)
    report.disagreements = pd.concat(disagreements, ignore_index=True)
    report.repairs = pd.DataFrame(repairs, columns=REPAIR_COLUMNS)
    for name, frame in (("findings.csv", report.findings),
                        ("disagreements.csv", report.disagreements),
                        ("repairs.csv", report.repairs)):
        _write_csv_atomic(frame, out / name)
        report.written.append(out / name)
    report_progress(progress, total, total, f"built {len(entries)} tables")
    return report


def _read_source(root: Path, s: dict, m) -> tuple[pd.DataFrame, list[dict]]:
    """One raw source as a flagged score frame, and the repairs its reader made."""
    source = s["file"].removeprefix("raw/")
    if s.get("reader") == "report":
        from ..ingest.reports import read_report

        frame = read_report(root / s["file"], on_error="flag")
    elif s.get("reader") == "booklet":
        from ..ingest.reports import read_booklet

        frame = read_booklet(root / s["file"], on_error="flag")
    else:
        return read_scores(root / s["file"], m, edition=s.get("edition"),
                           orientation=s.get("orientation"), sheet=s.get("sheet"),
                           on_error="flag"), []
    return frame, [{"source": source, **r} for r in frame.attrs.get("repairs", [])]


def _is_installed_copy(root: Path) -> bool:
    bundled = installed_copy()
    return bundled is not None and bundled.exists() and root.resolve() == bundled.resolve()


def _merge(frames: list[pd.DataFrame], m) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per (iso3, edition), chosen by :func:`_choose`; differences from the others."""
    keys = [c.key for c in m.components]
    all_rows = pd.concat(frames, ignore_index=True)
    all_rows = all_rows.sort_values(["_rank", "_latest", "_order", "source_row"],
                                    kind="stable", ignore_index=True)
    # Rows with no known entity cannot be merged; they stay in findings.csv.
    all_rows = all_rows[all_rows["iso3"].notna() & all_rows["edition"].notna()]
    canon = to_canonical(all_rows, m)
    scored = [k for k in keys + ["status"] if k in canon.columns]
    kept = _choose(canon, scored)
    diffs = []
    kept_canon = canon.loc[kept].set_index(["iso3", "edition"])
    others = canon.drop(index=kept)
    for _, row in others.iterrows():
        best = kept_canon.loc[(row["iso3"], row["edition"])]
        differs = []
        for col in keys + ["status"] + _EXTRA:
            if col not in row.index or col not in best.index:
                continue
            a, b = best[col], row[col]
            if _missing(a) or _missing(b) or a == b:
                continue
            differs.append((col, _fmt(a), _fmt(b), "value differs" + (
                " (canonical scale)" if col in keys else "")))
        if any(col in scored for col, *_ in differs):
            # The row disagrees with the kept one: what it alone gives is not kept either.
            differs += [(col, "absent", _fmt(row[col]), "not kept: its row disagrees with "
                         "the kept row") for col in scored
                        if _missing(best[col]) and not _missing(row[col])]
        diffs += [dict(index=m.key, edition=int(row["edition"]), iso3=row["iso3"],
                       country=best["country"], column=col, kept_source=best["source"],
                       kept_row=int(best["source_row"]), kept_value=a,
                       other_source=row["source"], other_row=int(row["source_row"]),
                       other_value=b, kind=kind) for col, a, b, kind in differs]
    diffs += _coverage(all_rows, m)
    # The table holds the kept rows on the canonical scale; published_orientation says how
    # each was published, so the published value stays recoverable exactly.
    table = canon.loc[kept].drop(columns=["_rank", "_order", "_latest"])
    table = table.sort_values(["edition", "iso3"], kind="stable")
    present = [k for k in keys if k in table.columns and table[k].notna().any()]
    extra = [c for c in _EXTRA if c in table.columns]
    table = table[ID_COLUMNS + ["published_orientation"] + extra + present + PROVENANCE].copy()
    for k in present:
        table[k] = table[k].round().astype("Int64") if _integral(table[k]) else table[k]
    diffs = pd.DataFrame(diffs, columns=DISAGREEMENT_COLUMNS)
    for c in ("kept_row", "other_row"):  # a missing row is blank, not a float column
        diffs[c] = diffs[c].astype("Int64")
    return table.reset_index(drop=True), diffs


def _choose(canon: pd.DataFrame, scored: list[str]) -> list:
    """The row kept for each (iso3, edition): index labels of ``canon``.

    ``canon`` is sorted most authoritative first (rank; within a rank, the latest publication;
    then the order of sources.toml). The most authoritative row states the cell; among the rows
    that agree with it on every score both give, the one that gives the most scores is kept
    (the first of equals). So a booklet's row with its categories is kept where the next
    booklet's reprint of its total agrees, and the reprint alone where Freedom House revised
    the total (the categories it printed before no longer sum to it).
    """
    values = canon[scored].to_numpy(dtype=object)
    have = ~pd.isna(canon[scored]).to_numpy()
    kept = []
    for positions in canon.groupby(["iso3", "edition"], sort=False).indices.values():
        first = positions[0]
        best, best_n = first, have[first].sum()
        for p in positions[1:]:
            both = have[first] & have[p]
            if (values[first][both] == values[p][both]).all() and have[p].sum() > best_n:
                best, best_n = p, have[p].sum()
        kept.append(canon.index[best])
    return kept


def _coverage(all_rows: pd.DataFrame, m) -> list[dict]:
    """An edition two sources both cover, with rows in only one of them."""
    diffs = []
    for ed, group in all_rows.groupby("edition"):
        by_source = {s: set(g["iso3"]) for s, g in group.groupby("source")}
        if len(by_source) < 2:
            continue
        union = set().union(*by_source.values())
        for s, have in by_source.items():
            if len(have) < 3:  # a single transcribed row is not a coverage claim
                continue
            for iso in sorted(union - have):
                other = group[group["iso3"] == iso].iloc[0]
                diffs.append(dict(index=m.key, edition=int(ed), iso3=iso,
                                  country=other["country"], column="(row)", kept_source=s,
                                  kept_row=None, kept_value="absent",
                                  other_source=other["source"],
                                  other_row=int(other["source_row"]), other_value="present",
                                  kind="row missing from a source that covers the edition"))
    return diffs


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))


def _integral(s: pd.Series) -> bool:
    v = s.dropna().to_numpy(dtype=float)
    return bool(np.all(v == np.round(v)))


def _fmt(v) -> str:
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)
