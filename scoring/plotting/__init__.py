"""Publication figures. Each function takes a result table from the statistics layer, draws on
``ax`` (or a new figure) and returns the Axes; :mod:`scoring.figures` assembles and saves the
set."""

from .change import change_bars, dumbbell, forest, transition_heatmap
from .style import publication_style

__all__ = ["change_bars", "dumbbell", "forest", "transition_heatmap", "publication_style"]
