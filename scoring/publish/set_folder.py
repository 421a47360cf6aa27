"""A figure set's folder: what it owns, and putting a new set there without touching the rest.

A folder is owned through its ``manifest.json``: the manifest, every file it lists (each
figure's formats, its ``data/<name>.csv``) and each figure's alt text ``<name>.txt``. A new set
may go where nothing is, into an empty folder or over an earlier set. Whatever else a user
keeps in the folder (notes, a layout file) is left alone: the new set's files are moved in one
by one and only the old set's own files that the new set does not have are removed. A
non-empty folder with no figure-set manifest is refused before any figure is drawn, since
everything in it is the user's.

Why here: it is the figure set's file layout (publish), apart from the drawing and the
manifest's contents in :mod:`scoring.publish.figures`.

May import: _output.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .._output import OutputRefused

__all__ = ["check_target", "install", "owned_files"]

MANIFEST = "manifest.json"


def owned_files(folder: Path) -> set[str] | None:
    """Paths (relative, with ``/``) the set in ``folder`` owns, or None when ``folder`` holds
    no readable figure-set manifest."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        figures = manifest["figures"]
        owned = {MANIFEST}
        for f in figures:
            owned |= {x["path"] for x in f["files"]} | {f["data"]["path"], f"{f['name']}.txt"}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return {p for p in owned if isinstance(p, str) and _inside(p)}


def check_target(final: Path) -> None:
    """Refuse a target that is not a folder, or a non-empty folder that is not a figure set
    (:class:`OutputRefused`, naming the first files found)."""
    if final.is_symlink() and not final.exists():
        raise OutputRefused(final, "is a broken link: not written to")
    if not final.exists():
        return
    if not final.is_dir():
        raise OutputRefused(final, "is a file, not a folder: a figure set is a folder")
    theirs = _files(final)
    if theirs and owned_files(final) is None:
        shown = ", ".join(sorted(theirs)[:3]) + (", ..." if len(theirs) > 3 else "")
        files = "1 file that is" if len(theirs) == 1 else f"{len(theirs)} files that are"
        raise OutputRefused(final, f"holds {files} not a figure set "
                                   f"({shown}): nothing written; give a new or empty folder, "
                                   "or the folder of an earlier set")


def install(new: Path, final: Path) -> None:
    """Put the set written in ``new`` at ``final``: by renaming the folder when ``final`` is
    missing, empty or holds nothing but an earlier set; else file by file, keeping the files
    that are not the earlier set's."""
    check_target(final)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(new, 0o777 & ~umask)  # mkdtemp made it private
    existing = _files(final) if final.exists() else set()
    owned = owned_files(final) or set()
    if not existing - owned:
        _swap(new, final)
        return
    incoming = sorted(_files(new), key=lambda p: p == MANIFEST)  # the manifest last
    for rel in incoming:
        target = final / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(new / rel, target)
    for rel in owned - set(incoming):
        (final / rel).unlink(missing_ok=True)


def _swap(new: Path, final: Path) -> None:
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        final.rename(old)
    new.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() or p.is_symlink()}


def _inside(rel: str) -> bool:
    """A manifest path that stays inside its folder (a manifest is user-editable text)."""
    parts = Path(rel).parts
    return bool(parts) and not Path(rel).is_absolute() and ".." not in parts
