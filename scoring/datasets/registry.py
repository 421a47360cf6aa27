"""Where the bundled datasets live and what they are, without pandas.

``datasets/registry.toml`` lists the tidy tables (name, index, editions, sources, citation);
``datasets/sources.toml`` lists every raw file with its provenance and sha256. Reading these
needs only the standard library, so ``scoring datasets`` starts fast.

The folder is the clone's ``datasets/`` in a source tree, or the copy a wheel carries inside
the package (``scoring/_bundled``, put there by setup.py); ``$SCORING_DATASETS`` overrides both.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from importlib import resources
from pathlib import Path

from ..errors import DatasetError

__all__ = ["datasets_dir", "installed_copy", "list_datasets", "load_sources", "sha256_of",
           "dataset_entry", "SOURCE_KINDS"]

ENV = "SCORING_DATASETS"

#: What each raw source is (``kind`` in sources.toml; column ``source_kind`` of the tidy
#: tables), so that a result can say whose numbers it used and credit a third party's series.
SOURCE_KINDS = {
    "fh-sheet": "Freedom House's own score sheet (or a CSV export of it), copied unchanged",
    "fh-publication": "a Freedom House publication (country report, annual booklet) whose "
                      "score table the package's parser read",
    "transcription": "Freedom House's scores as a third party transcribed them into another "
                     "format",
    "third-party": "a series a third party compiled from Freedom House's scores and "
                   "converted itself (DA2I); credit it where it is used",
}


def datasets_dir() -> Path:
    """The folder of bundled datasets, looked for in this order.

    1. ``$SCORING_DATASETS``, when set (an explicit folder is used or reported, never passed
       over);
    2. the clone's ``datasets/``, when the package runs from a source tree (an editable
       install, or the clone on the path), so a build there rewrites the clone's tables;
    3. the copy inside the installed package (``scoring/_bundled``), which a wheel or
       ``pip install .`` carries.
    """
    env = os.environ.get(ENV)
    if env:
        if not (Path(env) / "registry.toml").is_file():
            raise _not_found(env)
        return Path(env)
    for path in (_clone_datasets(), installed_copy()):
        if path is not None and (path / "registry.toml").is_file():
            return path
    raise _not_found(None)


def installed_copy() -> Path | None:
    """Where the installed package carries its copy of the datasets (it may not exist)."""
    found = resources.files("scoring") / "_bundled"
    # Only a package on disk has folders a build or a reader can open.
    return found if isinstance(found, Path) else None


def _clone_datasets() -> Path | None:
    tree = Path(__file__).resolve().parents[2]
    # The parent of an installed package is site-packages, where a folder named datasets
    # is another distribution's package: a source tree also holds the project's setup.cfg.
    return tree / "datasets" if (tree / "setup.cfg").is_file() else None


def _not_found(env: str | None) -> DatasetError:
    clone = Path(__file__).resolve().parents[2] / "datasets"
    bundled = installed_copy() or "scoring/_bundled"
    if env:
        return DatasetError(
            f"bundled datasets not found at {env}, where {ENV} points (no registry.toml "
            f"there); unset {ENV} to use the clone's datasets/ ({clone}) or the copy inside "
            f"the installed package ({bundled})")
    return DatasetError(
        f"bundled datasets not found: {ENV} is not set, there is no clone's datasets/ at "
        f"{clone}, and no copy inside the installed package at {bundled}; install from a "
        f"clone (pip install -e .) or from a wheel, or point {ENV} at a datasets folder")


def _load(name: str, root: Path | None = None) -> dict:
    root = root or datasets_dir()
    try:
        with open(root / name, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise DatasetError(f"{root / name}: not valid TOML: {exc}") from None


def list_datasets(root: Path | None = None) -> list[dict]:
    """The registry's entries: name, index, editions, file, sources, citation, description."""
    return _load("registry.toml", root).get("dataset", [])


def dataset_entry(name: str, root: Path | None = None) -> dict:
    entries = list_datasets(root)
    for e in entries:
        if e["name"] == name:
            return e
    raise ValueError(f"dataset must be one of {', '.join(e['name'] for e in entries)}; "
                     f"got {name!r}")


def load_sources(root: Path | None = None) -> list[dict]:
    """Every raw source file: file, index, kind, provenance, sha256 and how to read it.

    Raises DatasetError naming each entry whose ``kind`` is missing or not one of
    :data:`SOURCE_KINDS`: every row of a tidy table must say what kind of source it is from.
    """
    sources = _load("sources.toml", root).get("source", [])
    bad = [f"{s.get('file', '?')}: kind is {s.get('kind')!r}" for s in sources
           if s.get("kind") not in SOURCE_KINDS]
    if bad:
        raise DatasetError(f"sources.toml: every source needs a kind, one of "
                           f"{', '.join(SOURCE_KINDS)}:\n  " + "\n  ".join(bad))
    return sources


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
