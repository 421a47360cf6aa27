"""The publication figure set: draw every figure from its results, save them reproducibly.

``scoring figures`` calls :func:`build_figures`: the results are computed once
(:func:`scoring.publish.results.figure_results`), every figure is drawn from them
(:mod:`scoring.publish.layout`), and for each figure the requested formats, the table it was
drawn from (``data/<name>.csv``), an alt text and an entry in one ``manifest.json`` (sha256 of
every file, the command line, the package versions) are written. :func:`redraw_figures` draws
a set again from a saved set's own tables, computing nothing. PDF and SVG files are
byte-identical when regenerated with the same package versions: creation dates are left out,
SVG ids are salted with a constant, and label placement has no time limit.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import tempfile
from importlib import metadata
from pathlib import Path

from .._output import write_atomic
from .._progress import Progress, report, shifted
from .layout import FIGURE_NAMES, draw_figures
from .results import FigureResults, figure_results
from .set_folder import check_target, install

__all__ = ["build_figures", "redraw_figures", "write_figure_set", "FORMATS", "FIGURE_NAMES"]

FORMATS = ("pdf", "svg", "png")
_PACKAGES = ("scoring", "numpy", "pandas", "scipy", "matplotlib", "adjustText")
_SAVE_METADATA = {"pdf": {"CreationDate": None, "ModDate": None},
                  "svg": {"Date": None},
                  "png": {"Software": None}}


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


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_figures(
    out_dir: str | Path,
    *,
    index: str | None = None,
    from_edition: int,
    to_edition: int,
    data=None,
    formats=("pdf", "svg", "png"),
    dpi: int = 300,
    error_p: float = 0.1,
    alpha: float = 0.05,
    command: str = "",
    progress: Progress | None = None,
) -> dict:
    """Draw and save the whole figure set for one comparison and the history up to it.

    Parameters
    ----------
    out_dir : str or Path
        Created if missing. Files: ``<name>.<format>``, ``<name>.txt`` (alt text),
        ``data/<name>.csv`` (the table drawn), ``manifest.json``. An existing folder must be
        empty or an earlier set: only that set's own files are replaced, anything else in it
        is kept (:mod:`scoring.publish.set_folder`); another non-empty folder is refused
        (:class:`scoring._output.OutputRefused`) before anything is computed.
    index, from_edition, to_edition
        The index (default: the panel's, else ``"fotn"``) and the comparison (change bars, dumbbell, forest plot, transition matrix). The history
        figures (volcano, trajectories, heatmap, global counts) use every edition in the data
        up to ``to_edition``.
    data : Panel or DataFrame, optional
        A panel or score rows, as for :func:`scoring.compare` (default: the bundled dataset).
    formats : iterable of {"pdf", "svg", "png"}
    dpi : int
        Resolution of PNG files.
    error_p, alpha : float
        Re-scoring error model for the robustness marks (exact method).
    command : str
        The command line, recorded in the manifest.
    progress : callable, optional
        ``progress(done, total, label)`` (:mod:`scoring._progress`): one unit for the results,
        then one per figure drawn and one per figure and format saved. None: silent.

    Returns
    -------
    dict
        The manifest (also written to ``manifest.json``).
    """
    formats = _check_output_options(formats, dpi)
    check_target(Path(out_dir))
    total = 1 + _steps(formats)
    report(progress, 0, total, "computing the results")
    results = figure_results(data, index=index, from_edition=from_edition,
                             to_edition=to_edition, error_p=error_p, alpha=alpha)
    return write_figure_set(results, out_dir, formats=formats, dpi=dpi, command=command,
                            progress=shifted(progress, 1, total))


def redraw_figures(
    saved: str | Path,
    out_dir: str | Path,
    *,
    formats=("pdf", "svg", "png"),
    dpi: int = 300,
    command: str = "",
    progress: Progress | None = None,
) -> dict:
    """Draw a figure set again from a saved set's own tables, computing nothing.

    Parameters
    ----------
    saved : str or Path
        The folder of a set written by :func:`build_figures` (its ``manifest.json`` and
        ``data/*.csv`` are read: :meth:`FigureResults.from_folder`).
    out_dir, formats, dpi, command, progress
        As for :func:`build_figures` (the first unit of ``progress`` is reading the tables).
        ``out_dir`` may be ``saved`` itself: the new set replaces it only when every figure
        has been written.

    Returns
    -------
    dict
        The new manifest. With the same package versions, its files are byte-identical to
        the saved set's.
    """
    formats = _check_output_options(formats, dpi)
    check_target(Path(out_dir))
    total = 1 + _steps(formats)
    report(progress, 0, total, "reading the saved tables")
    results = FigureResults.from_folder(saved)
    return write_figure_set(results, out_dir, formats=formats, dpi=dpi, command=command,
                            progress=shifted(progress, 1, total))


def _steps(formats) -> int:
    """Units of progress in writing a set: each figure drawn, each figure and format saved."""
    return len(FIGURE_NAMES) * (1 + len(formats))


def _check_output_options(formats, dpi) -> tuple:
    formats = tuple(formats)
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"formats must be among {', '.join(FORMATS)}; got "
                         f"{', '.join(formats) or 'none'}")
    if not isinstance(dpi, int) or not 50 <= dpi <= 1200:
        raise ValueError(f"dpi must be a whole number from 50 to 1200; got {dpi!r}")
    return formats


def write_figure_set(results: FigureResults, out_dir: str | Path, *, formats=FORMATS,
                     dpi: int = 300, command: str = "",
                     progress: Progress | None = None) -> dict:
    """Draw every figure from ``results`` and write the set to ``out_dir`` (all or nothing).

    ``progress(done, total, label)``, when given, counts each figure drawn and each figure
    and format saved. Returns the manifest (also written to ``manifest.json``).
    """
    formats = _check_output_options(formats, dpi)
    final = Path(out_dir)
    check_target(final)
    # Everything is written to a fresh sibling folder first and moved in at the end, so a
    # failed run leaves the previous set (or nothing) behind, never half of a new one.
    final.parent.mkdir(parents=True, exist_ok=True)
    out = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    try:
        manifest = _write(out, results, formats, dpi, command, progress)
        install(out, final)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return manifest


def _write(out: Path, results: FigureResults, formats, dpi, command, progress) -> dict:
    # No backend switch: figures are saved with savefig, which works under any backend, and a
    # notebook's inline display must survive a call to this function.
    import matplotlib.pyplot as plt

    from ..plotting.style import publication_style

    total, drawn = _steps(formats), len(FIGURE_NAMES)
    with publication_style():
        figures = draw_figures(results, progress=shifted(progress, 0, total))
        (out / "data").mkdir(parents=True, exist_ok=True)
        entries = []
        for i, f in enumerate(figures):
            files = []
            for j, fmt in enumerate(formats):
                report(progress, drawn + i * len(formats) + j, total, f"saving {f.name}.{fmt}")
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
    report(progress, total, total, f"saved {len(figures)} figures")
    manifest = {"index": results.index, "from": results.from_edition,
                "to": results.to_edition, "formats": list(formats), "dpi": dpi,
                "command": command, "error_model": dict(results.error_model),
                "credits": list(results.credits), "versions": _versions(),
                "figures": entries}
    write_atomic(out / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    return manifest
