"""Plotting: publication figures drawn from result tables.

Each function takes a result table (as :mod:`scoring.analysis` returns it, or as read back from
a CSV the CLI wrote), draws on ``ax`` (or a new figure) and returns the Axes; it computes no
statistic and saves nothing. :mod:`scoring.publish.figures` assembles and saves the set.

May import: the base modules and matplotlib (numpy and pandas for arranging the tables); never
scipy, :mod:`scoring.analysis` or :mod:`scoring.inference`.
"""

from .change import change_bars, dumbbell, forest, transition_heatmap
from .style import publication_style
from .trends import change_heatmap, global_counts, trajectories, volcano

__all__ = ["change_bars", "dumbbell", "forest", "transition_heatmap", "volcano",
           "trajectories", "change_heatmap", "global_counts", "publication_style"]
