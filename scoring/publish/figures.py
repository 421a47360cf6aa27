"""The publication figure set: compute the results, draw every figure, save them reproducibly.

``scoring figures`` calls :func:`build_figures`. For each figure it writes the requested
formats, the table the figure was drawn from (CSV), an alt text, and one ``manifest.json``
with the sha256 of every file, the command line and the package versions. PDF and SVG files
are byte-identical when regenerated with the same package versions: creation dates are left
out, SVG ids are salted with a constant, and label placement has no time limit.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd

from .._output import write_atomic

__all__ = ["build_figures", "FORMATS", "FIGURE_NAMES"]

FORMATS = ("pdf", "svg", "png")
FIGURE_NAMES = ("change_bars", "dumbbell", "forest", "transitions", "volcano",
                "trajectories", "change_heatmap", "global_counts")
_PACKAGES = ("scoring", "numpy", "pandas", "scipy", "matplotlib", "adjustText")
_SAVE_METADATA = {"pdf": {"CreationDate": None, "ModDate": None},
                  "svg": {"Date": None},
                  "png": {"Software": None}}


@dataclass
class _Figure:
    name: str
    fig: object
    data: pd.DataFrame
    alt: str
    title: str


def _versions() -> dict:
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    import matplotlib.ft2font as ft2font

    out["freetype"] = getattr(ft2font, "__freetype_version__", None)
    return out


def _count(n, word: str) -> str:
    n = int(n)
    return f"{n} {word}{'' if n == 1 else 's'}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_figures(
    out_dir: str | Path,
    *,
    index: str = "fotn",
    from_edition: int,
    to_edition: int,
    data: pd.DataFrame | None = None,
    formats=("pdf", "svg", "png"),
    dpi: int = 300,
    error_p: float = 0.1,
    alpha: float = 0.05,
    command: str = "",
) -> dict:
    """Draw and save the whole figure set for one comparison and the history up to it.

    Parameters
    ----------
    out_dir : str or Path
        Created if missing. Files: ``<name>.<format>``, ``<name>.txt`` (alt text),
        ``data/<name>.csv`` (the table drawn), ``manifest.json``.
    index, from_edition, to_edition
        The comparison (change bars, dumbbell, forest plot, transition matrix). The history
        figures (volcano, trajectories, heatmap, global counts) use every edition in the data
        up to ``to_edition``.
    data : DataFrame, optional
        Score rows (default: the bundled dataset).
    formats : iterable of {"pdf", "svg", "png"}
    dpi : int
        Resolution of PNG files.
    error_p, alpha : float
        Re-scoring error model for the robustness marks (exact method).
    command : str
        The command line, recorded in the manifest.

    Returns
    -------
    dict
        The manifest (also written to ``manifest.json``).
    """
    formats = tuple(formats)
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"formats must be among {', '.join(FORMATS)}; got "
                         f"{', '.join(formats) or 'none'}")
    if not isinstance(dpi, int) or not 50 <= dpi <= 1200:
        raise ValueError(f"dpi must be a whole number from 50 to 1200; got {dpi!r}")
    # No backend switch: figures are saved with savefig, which works under any backend, and a
    # notebook's inline display must survive a call to this function.
    import matplotlib.pyplot as plt

    from ..plotting.style import publication_style

    final = Path(out_dir)
    # Everything is written to a fresh sibling folder first and swapped in at the end, so a
    # failed run leaves the previous set (or nothing) behind, never half of a new one.
    final.parent.mkdir(parents=True, exist_ok=True)
    out = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    try:
        manifest = _write(out, index, from_edition, to_edition, data, formats, dpi, error_p,
                          alpha, command, publication_style, plt)
        _swap(out, final)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return manifest


def _swap(new: Path, final: Path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(new, 0o777 & ~umask)  # mkdtemp made it private
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        final.rename(old)
    new.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write(out, index, from_edition, to_edition, data, formats, dpi, error_p, alpha, command,
           publication_style, plt) -> dict:
    with publication_style():
        figures = _draw(index, from_edition, to_edition, data, error_p, alpha)
        out.mkdir(parents=True, exist_ok=True)
        (out / "data").mkdir(exist_ok=True)
        entries = []
        for f in figures:
            files = []
            for fmt in formats:
                path = out / f"{f.name}.{fmt}"
                kwargs = {"dpi": dpi} if fmt == "png" else {}
                tmp = path.with_name(f".{path.name}.tmp")
                try:
                    f.fig.savefig(tmp, format=fmt, metadata=_SAVE_METADATA[fmt], **kwargs)
                    tmp.replace(path)
                finally:
                    tmp.unlink(missing_ok=True)
                files.append({"path": path.name, "sha256": _sha256(path.read_bytes())})
            csv = f.data.to_csv(index=False, lineterminator="\n")
            write_atomic(out / "data" / f"{f.name}.csv", csv)
            write_atomic(out / f"{f.name}.txt", f.alt + "\n")
            entries.append({"name": f.name, "title": f.title, "files": files,
                            "alt_text": f.alt,
                            "data": {"path": f"data/{f.name}.csv",
                                     "sha256": _sha256(csv.encode())}})
            plt.close(f.fig)
    manifest = {"index": index, "from": from_edition, "to": to_edition,
                "formats": list(formats), "dpi": dpi, "command": command,
                "error_model": {"p": error_p, "alpha": alpha, "method": "exact"},
                "versions": _versions(), "figures": entries}
    write_atomic(out / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    return manifest


def _draw(index, a, b, data, error_p, alpha) -> list[_Figure]:
    import matplotlib.pyplot as plt

    from ..analysis.comparison import compare
    from ..methodology import load_methodology
    from ..plotting import (change_bars, change_heatmap, dumbbell, forest, global_counts,
                           trajectories, transition_heatmap, volcano)
    from ..plotting.style import ONE_COLUMN, TWO_COLUMNS, add_source
    from ..analysis.robustness import rescoring_robustness
    from ..analysis.series import country_trends, long_series
    from ..analysis.yearly import country_changes, decline_run, yearly_counts

    m = load_methodology(index)
    if data is None:
        from ..datasets.load import load_dataset

        data = load_dataset(m.key)
    history = data[data["edition"] <= b]
    first = int(history["edition"].min())
    result = compare(data, index=m, from_edition=a, to_edition=b)
    robust = rescoring_robustness(data, index=m, from_edition=a, to_edition=b, p=error_p,
                                  alpha=alpha, method="exact")
    flags = robust.set_index("iso3")["robust"]
    bands = ([(str(x.value), x.low, x.high) for x in m.status.bands]
             if m.status.rule == "bands" else None)
    pair = f"{m.name} {a}\u2013{b}" if a < b else f"{m.name} {b}\u2013{a}"
    source = f"Source: Freedom House, {pair}; analysis: scoring"
    hist_source = f"Source: Freedom House, {m.name} {first}\u2013{b}; analysis: scoring"
    s = result.summary
    rows = result.rows
    figs: list[_Figure] = []
    model = (f"a change is robust when its sign survives re-scoring with probability >= "
             f"{1 - alpha:g}, each question score being one point off with probability "
             f"{error_p:g}")

    def finish(ax, title, src, pad=None):
        ax.set_title(title, loc="left", pad=pad)
        add_source(ax.figure, src)
        return ax.figure

    changed = rows[rows["delta"] != 0]
    worst = rows.iloc[0] if len(rows) else None
    best = rows.iloc[-1] if len(rows) else None
    ax = change_bars(rows, robust=flags)
    figs.append(_Figure(
        "change_bars", finish(ax, f"Change in score, {a} to {b}", source),
        rows.merge(robust[["iso3", "robust"]], on="iso3"),
        f"Horizontal bar chart of the change in {m.name} total score from {a} to {b} for the "
        f"{len(changed)} of {s['n']} countries whose score changed, stacked by category. "
        f"{s['declined']} declined and {s['improved']} improved; the largest decline was "
        f"{worst['country']} ({worst['delta']:+.0f}) and the largest improvement "
        f"{best['country']} ({best['delta']:+.0f}). {_count(robust['robust'].sum(), 'change')} "
        f"{'is' if int(robust['robust'].sum()) == 1 else 'are'} robust to re-scoring "
        f"({model}).",
        f"Change in score, {a} to {b}"))

    ax = dumbbell(rows, bands=bands, highlight=flags, from_label=str(a), to_label=str(b))
    figs.append(_Figure(
        "dumbbell", finish(ax, f"Scores in {a} and {b}", source), rows,
        f"Dot plot of each of {s['n']} countries' {m.name} total score in {a} (open dot) and "
        f"{b} (filled dot), sorted by the {b} score, over the status bands. Changes robust to "
        f"re-scoring are drawn in colour ({int(robust['robust'].sum())}); "
        f"{s['status_changes']} countries changed status.",
        f"Scores in {a} and {b}"))

    ax = forest(robust)
    figs.append(_Figure(
        "forest", finish(ax, f"Would the changes survive re-scoring? {a} to {b}", source,
                         pad=16),
        robust,
        f"Forest plot of the observed change in {m.name} total score from {a} to {b} for the "
        f"{int((robust['delta'] != 0).sum())} countries whose score changed, each with the "
        f"central {robust.attrs['model']['interval']:.0%} interval of the change under "
        f"re-scoring ({model}). Filled points: robust changes "
        f"({int(robust['robust'].sum())}).",
        f"Would the changes survive re-scoring? {a} to {b}"))

    fig, ax = plt.subplots(figsize=(ONE_COLUMN, ONE_COLUMN * 0.85))
    transition_heatmap(result.transitions, ax=ax, from_label=str(a), to_label=str(b))
    t = result.transitions
    figs.append(_Figure(
        "transitions", finish(ax, f"Status, {a} to {b}", source),
        t.reset_index(),
        f"Table-like heat map of {s['n']} countries by status in {a} (rows) and {b} "
        f"(columns); {s['status_changes']} changed status.",
        f"Status, {a} to {b}"))

    trends = country_trends(history, index=m)
    fig, ax = plt.subplots(figsize=(TWO_COLUMNS, 4.2))
    volcano(trends, ax=ax)
    tested = trends["q"].notna()
    sig = tested & (trends["q"] <= 0.05)
    figs.append(_Figure(
        "volcano", finish(ax, f"Which trends are more than noise? {first}\u2013{b}",
                          hist_source), trends,
        f"Scatter plot of each country's trend in {m.name} total score {first}\u2013{b}: "
        f"Sen's slope in points per year against -log10 of the Benjamini-Hochberg q-value of "
        f"the Mann-Kendall test. {int(sig.sum())} of {int(tested.sum())} tested trends are "
        f"significant at q <= 0.05 ({int((sig & (trends['sen_slope'] < 0)).sum())} declining, "
        f"{int((sig & (trends['sen_slope'] > 0)).sum())} improving).",
        f"Which trends are more than noise? {first}\u2013{b}"))

    long = long_series(history, index=m)
    inversion = 2018.5 if m.key == "fotn" and first <= 2018 < b else None
    axes = trajectories(long, trends, bands=bands, inversion=inversion)
    fig = axes[0, 0].figure
    fig.suptitle(f"Scores by country, {first}\u2013{b}", x=0.0, ha="left", fontweight="bold",
                 fontsize=8.5)
    add_source(fig, hist_source)
    figs.append(_Figure(
        "trajectories", fig, long,
        f"Small multiples of {long['iso3'].nunique()} countries' {m.name} total scores "
        f"{first}\u2013{b} on a 0-100 scale (higher = freer), with status bands and each "
        f"country's Sen trend line, coloured where significant (q <= 0.05)."
        + (" A dotted line marks the 2019 inversion of the published scale; earlier "
           "editions are shown converted." if inversion else ""),
        f"Scores by country, {first}\u2013{b}"))

    changes = country_changes(history, index=m, error_p=error_p, alpha=alpha)
    ax = change_heatmap(changes)
    figs.append(_Figure(
        "change_heatmap", finish(ax, f"Change by edition, {first}\u2013{b}",
                                 hist_source, pad=14), changes,
        f"Heat map of {changes['iso3'].nunique()} countries (rows) by edition (columns) "
        f"showing each country's change in {m.name} total score from the previous edition in "
        f"the data, red for declines and blue for improvements; dots mark changes robust to "
        f"re-scoring ({model}).",
        f"Change by edition, {first}\u2013{b}"))

    counts = yearly_counts(history, index=m)
    run = decline_run(counts)
    ax = global_counts(counts, run=run)
    figs.append(_Figure(
        "global_counts", finish(ax, f"Countries that declined and improved, {first}\u2013{b}",
                                hist_source), counts,
        f"Bar chart of the number of countries whose {m.name} total declined (below the axis) "
        f"and improved (above) between successive editions {first}\u2013{b}. Declines "
        f"outnumbered improvements in each of the last {_count(run['run'], 'pair')} of "
        f"editions{'; the run may be longer' if run['at_least'] else ''} "
        f"({run['stopped_by']}).",
        f"Countries that declined and improved, {first}\u2013{b}"))
    return figs
