"""scoring: compare composite-index scores across editions, on one footing.

The public API is imported lazily, so that ``import scoring`` (and the CLI's start-up) stays
light: pandas and scipy load only when a function that needs them is first used.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_API = {
    "read_scores": "readers",
    "validate": "validation",
    "to_canonical": "harmonize",
    "compare": "comparison",
    "Comparison": "comparison",
    "load_dataset": "datasets",
    "add_user_files": "datasets",
    "largest_changes": "windows",
    "direction_tests": "significance",
    "sign_test": "significance",
    "wilcoxon_test": "significance",
    "bootstrap_ci": "significance",
    "rescoring_robustness": "robustness",
    "question_consistency": "robustness",
    "perturbed_change_distribution": "robustness",
    "bh_qvalues": "multitest",
    "trend_tests": "trends",
    "yearly_counts": "yearly",
    "decline_run": "yearly",
    "country_changes": "yearly",
    "episodes": "episode",
    "EpisodeRules": "episode",
    "long_series": "series",
    "country_trends": "series",
    "list_datasets": "registry",
    "load_sources": "registry",
    "build_figures": "figures",
    "load_methodology": "methodology",
    "available_methodologies": "methodology",
    "Methodology": "methodology",
    "to_iso3": "countries",
    "ScoringError": "errors",
    "ReadError": "errors",
    "ReportError": "errors",
    "read_report": "reports",
    "parse_report": "reports",
    "merge_report": "reports",
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
