"""Analysis: the questions asked of a loaded panel.

Change between two editions and its decomposition (``comparison``, ``decompose``), the largest
changes over a window (``windows``), declines and improvements per pair of editions
(``yearly``), scores as long series and per-country trends (``series``), episodes of sustained
change (``episodes``), and whether a change would survive re-scoring (``robustness``).

Every function takes a :class:`~scoring.datasets.panel.Panel` (or, for users, a frame or
nothing, turned into one at the door) and returns tidy results; the statistics themselves come
from :mod:`scoring.inference`.

May import: the base modules, :mod:`scoring.methodology`, :mod:`scoring.datasets`,
:mod:`scoring.inference`. Never :mod:`scoring.plotting`, :mod:`scoring.publish` or the CLI.
"""
