"""Indices as immutable data: the methodology files in ``scoring/methodology/*.toml``.

A methodology lists an index's components (questions, subcategories, categories, adjustments,
ratings and the total), how aggregates sum from their terms, the published scale direction by
edition range, and the rule that gives a status. It is validated when loaded: maxima add up,
status bands cover the range with no gap or overlap. A new index of the same kind needs only a
new TOML file in that folder.

The data types and their look-ups are in ``model``; reading and checking the files is in
``loader``, which imports ``model``. Every name is importable from here.

This package imports neither pandas nor numpy, so the CLI can list and describe indices fast.

May import: :mod:`scoring.errors` only: every stage stands on this one.
"""

from __future__ import annotations

from .loader import METHODOLOGY_DIR, available_methodologies, load_methodology
from .model import CERTAINTIES, LEVELS
from .model import HIGHER_IS_FREER, LOWER_IS_FREER, ORIENTATIONS, STATUS_LABELS
from .model import Band, Component, Coverage, Methodology, RatingTable, ScaleRange, StatusRule

__all__ = [
    "HIGHER_IS_FREER",
    "LOWER_IS_FREER",
    "ORIENTATIONS",
    "STATUS_LABELS",
    "Component",
    "Band",
    "RatingTable",
    "ScaleRange",
    "StatusRule",
    "Coverage",
    "Methodology",
    "available_methodologies",
    "load_methodology",
]
