"""Publication figures. Each function takes a result table from the statistics layer, draws on
``ax`` (or a new figure) and returns the Axes; :mod:`scoring.figures` assembles and saves the
set."""

from .change import change_bars, dumbbell, forest, transition_heatmap
from .style import publication_style
from .trends import change_heatmap, global_counts, trajectories, volcano

__all__ = ["change_bars", "dumbbell", "forest", "transition_heatmap", "volcano",
           "trajectories", "change_heatmap", "global_counts", "publication_style"]
