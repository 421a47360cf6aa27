"""Is the overall direction of change more than noise? The direction tests under one name.

The name the ``scoring significance`` command and earlier code know: it gathers the tests of a
set of changes, each of which lives in its own module with its formula, tie handling and
corrections in the module docstring:

- :mod:`.sign`: :func:`sign_test` and the exact binomial p-value it rests on;
- :mod:`.wilcoxon`: :func:`wilcoxon_test`, :data:`EXACT_MAX_N`, :data:`AUTO_EXACT_MAX_N`;
- :mod:`.bootstrap`: :func:`bootstrap_ci`;
- :mod:`.direction`: :func:`direction_tests`, :data:`DIRECTION_COLUMNS`,
  :data:`MISSING_GROUP`.

The names below are those modules' own objects, re-exported; nothing is defined here.
"""

from __future__ import annotations

from .bootstrap import bootstrap_ci
from .direction import DIRECTION_COLUMNS, MISSING_GROUP, direction_tests
from .sign import sign_test
from .wilcoxon import AUTO_EXACT_MAX_N, EXACT_MAX_N, wilcoxon_test

__all__ = [
    "AUTO_EXACT_MAX_N",
    "DIRECTION_COLUMNS",
    "EXACT_MAX_N",
    "MISSING_GROUP",
    "sign_test",
    "wilcoxon_test",
    "bootstrap_ci",
    "direction_tests",
]
