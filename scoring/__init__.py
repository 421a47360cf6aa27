"""scoring: compare composite-index scores across editions, on one footing.

The public API is imported lazily, so that ``import scoring`` (and the CLI's start-up) stays
light: pandas and scipy load only when a function that needs them is first used.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_API = {
    "read_scores": "ingest.readers",
    "validate": "ingest.validation",
    "to_canonical": "ingest.harmonize",
    "compare": "analysis.comparison",
    "Comparison": "analysis.comparison",
    "load_dataset": "datasets.load",
    "load_panel": "datasets.panel",
    "Panel": "datasets.panel",
    "add_user_files": "datasets.load",
    "largest_changes": "analysis.windows",
    "direction_tests": "inference.direction",
    "sign_test": "inference.sign",
    "wilcoxon_test": "inference.wilcoxon",
    "bootstrap_ci": "inference.bootstrap",
    "rescoring_robustness": "analysis.robustness",
    "question_consistency": "analysis.consistency",
    "perturbed_change_distribution": "inference.rescoring",
    "bh_qvalues": "inference.multitest",
    "trend_tests": "inference.trends",
    "yearly_counts": "analysis.yearly",
    "decline_run": "analysis.yearly",
    "country_changes": "analysis.yearly",
    "successive_comparisons": "analysis.yearly",
    "episodes": "analysis.episodes",
    "EpisodeRules": "analysis.episodes",
    "long_series": "analysis.series",
    "country_trends": "analysis.series",
    "series_trends": "analysis.series",
    "list_datasets": "datasets.registry",
    "load_sources": "datasets.registry",
    "build_figures": "publish.figures",
    "redraw_figures": "publish.figures",
    "figure_results": "publish.results",
    "FigureResults": "publish.results",
    "panel_table": "publish.panel_export",
    "export_panel": "publish.panel_formats",
    "load_methodology": "methodology",
    "available_methodologies": "methodology",
    "Methodology": "methodology",
    "to_iso3": "ingest.countries",
    "resolve_countries": "ingest.countries",
    "country_coverage": "datasets.coverage",
    "read_booklet": "ingest.reports",
    "ScoringError": "errors",
    "ReadError": "errors",
    "ReportError": "errors",
    "read_report": "ingest.reports",
    "parse_report": "ingest.reports",
    "merge_report": "ingest.reports",
    "ValidationError": "errors",
    "OrientationError": "errors",
    "MethodologyError": "errors",
    "DatasetError": "errors",
}

__all__ = sorted(_API) + ["__version__"]


def __getattr__(name: str):
    if name in _API:
        module = importlib.import_module(f".{_API[name]}", __name__)
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'scoring' has no attribute {name!r}")


def __dir__():
    return __all__
