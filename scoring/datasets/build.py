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
from ..errors import DatasetError
from ..ingest.harmonize import to_canonical
from ..methodology import load_methodology
from ..ingest.readers import ID_COLUMNS, read_scores
from .registry import datasets_dir, installed_copy, list_datasets, load_sources, sha256_of

__all__ = ["BuildReport", "build_datasets", "check_sources", "DISAGREEMENT_COLUMNS",
           "REPAIR_COLUMNS"]

#: Columns of repairs.csv: every OCR repair the report parser made, with its reason.
REPAIR_COLUMNS = ["source", "field", "year", "line", "read", "inferred", "why"]

DISAGREEMENT_COLUMNS = ["index", "edition", "iso3", "country", "column", "kept_source",
                        "kept_row", "kept_value", "other_source", "other_row", "other_value",
                        "kind"]
_EXTRA = ["region", "ct"]
#: The provenance columns that end every row of a tidy table.
PROVENANCE = ["source", "source_kind", "source_row", "flags"]


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


def build_datasets(root: Path | None = None, out: Path | str | None = None) -> BuildReport:
    """Check the raw sources and rebuild every tidy table of the registry.

    Parameters
    ----------
    root : Path, optional
        The datasets folder (default: the bundled one).
    out : Path or str, optional
        Where to write (default: ``root``); tests build into a temporary folder and compare.
        Required when ``root`` is the copy inside an installed package, which a build does
        not rewrite.
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
    for entry in list_datasets(root):
        m = load_methodology(entry["index"])
        frames = []
        for s in sorted((s for s in sources if s["index"] == entry["index"]
                         and s.get("read", True)), key=lambda s: s["rank"]):
            if s.get("reader", "table") == "report":
                from ..ingest.reports import read_report

                frame = read_report(root / s["file"], on_error="flag")
                repairs.extend({"source": s["file"].removeprefix("raw/"), **r}
                               for r in frame.attrs.get("repairs", []))
            else:
                frame = read_scores(root / s["file"], m, edition=s.get("edition"),
                                    orientation=s.get("orientation"), sheet=s.get("sheet"),
                                    on_error="flag")
            frame["source"] = s["file"].removeprefix("raw/") + (
                f" [sheet {s['sheet']}]" if s.get("sheet") else "")
            frame["source_kind"] = s["kind"]
            frame.attrs["failures"]["source"] = frame["source"].iloc[0]
            frame["_rank"] = s["rank"]
            findings.append(frame.attrs["failures"])
            report.notes.extend(frame.attrs["notes"])
            frame.attrs = {}  # frames holding frames in attrs cannot be concatenated
            frames.append(frame)
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
    return report


def _is_installed_copy(root: Path) -> bool:
    bundled = installed_copy()
    return bundled is not None and bundled.exists() and root.resolve() == bundled.resolve()


def _merge(frames: list[pd.DataFrame], m) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per (iso3, edition) from the best-ranked source; differences from the others."""
    keys = [c.key for c in m.components]
    all_rows = pd.concat(frames, ignore_index=True)
    all_rows = all_rows.sort_values(["_rank", "source_row"], kind="stable")
    # Rows with no known entity cannot be merged; they stay in findings.csv.
    all_rows = all_rows[all_rows["iso3"].notna() & all_rows["edition"].notna()]
    kept = all_rows.drop_duplicates(["iso3", "edition"], keep="first")
    canon = to_canonical(all_rows, m)
    diffs = []
    kept_canon = canon.loc[kept.index].set_index(["iso3", "edition"])
    others = canon.drop(index=kept.index)
    for idx, row in others.iterrows():
        best = kept_canon.loc[(row["iso3"], row["edition"])]
        for col in keys + ["status"] + _EXTRA:
            if col not in row.index or col not in best.index:
                continue
            a, b = best[col], row[col]
            if _missing(a) or _missing(b) or a == b:
                continue
            diffs.append(dict(index=m.key, edition=int(row["edition"]), iso3=row["iso3"],
                              country=best["country"], column=col,
                              kept_source=best["source"], kept_row=int(best["source_row"]),
                              kept_value=_fmt(a), other_source=row["source"],
                              other_row=int(row["source_row"]), other_value=_fmt(b),
                              kind="value differs" + (" (canonical scale)" if col in keys
                                                      else "")))
    # Coverage: an edition two sources both cover, with rows in only one of them.
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
    # The table holds the kept rows on the canonical scale; published_orientation says how
    # each was published, so the published value stays recoverable exactly.
    table = canon.loc[kept.index].drop(columns=["_rank"])
    table = table.sort_values(["edition", "iso3"], kind="stable")
    present = [k for k in keys if k in table.columns and table[k].notna().any()]
    extra = [c for c in _EXTRA if c in table.columns]
    table = table[ID_COLUMNS + ["published_orientation"] + extra + present + PROVENANCE].copy()
    for k in present:
        table[k] = table[k].round().astype("Int64") if _integral(table[k]) else table[k]
    return table.reset_index(drop=True), pd.DataFrame(diffs, columns=DISAGREEMENT_COLUMNS)


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))


def _integral(s: pd.Series) -> bool:
    v = s.dropna().to_numpy(dtype=float)
    return bool(np.all(v == np.round(v)))


def _fmt(v) -> str:
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)
