"""Where the bundled datasets live and what they are, without pandas.

``datasets/registry.toml`` lists the tidy tables (name, index, editions, sources, citation);
``datasets/sources.toml`` lists every raw file with its provenance and sha256. Reading these
needs only the standard library, so ``scoring datasets`` starts fast.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from pathlib import Path

from ..errors import DatasetError

__all__ = ["datasets_dir", "list_datasets", "load_sources", "sha256_of", "dataset_entry"]

ENV = "SCORING_DATASETS"


def datasets_dir() -> Path:
    """The folder of bundled datasets: ``$SCORING_DATASETS`` or the clone's ``datasets/``."""
    env = os.environ.get(ENV)
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "datasets"
    if not (path / "registry.toml").exists():
        raise DatasetError(
            f"bundled datasets not found at {path}: install from a clone of the repository "
            f"(pip install -e .) or point {ENV} at a datasets folder"
        )
    return path


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
    """Every raw source file: file, index, provenance, sha256 and how to read it."""
    return _load("sources.toml", root).get("source", [])


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
