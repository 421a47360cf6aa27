"""Shared fixtures: where the real Freedom House files live, and each one read once."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

RAW = Path(__file__).parents[1] / "datasets" / "raw"

#: The real files, with what read_scores needs to read each one (name: (index, options)).
RAW_FILES = {
    "FOTN_2023_Country_Score_Data.csv": ("fotn", {}),
    "FOTN24_Country_Score_Data.xlsx": ("fotn", {}),
    "freedom_house_2015.json": ("fotn", {"edition": 2015}),
    "FINAL_DATA_FOTN2018_TOTAL_and_CATEGORY_SCORES.xlsx": ("fotn", {}),
    "internetfreedom_2019.xlsx": ("fotn", {}),
    "internetfreedom_2020.xlsx": ("fotn", {}),
    "internetfreedom_2021.xlsx": ("fotn", {}),
    "internetfreedom_2022.xlsx": ("fotn", {}),
    "DA2I_FotN_totals_2011-2019.csv": ("fotn", {"orientation": "higher-is-freer"}),
    "All_data_FIW_2013-2024.xlsx": ("fiw", {}),
    "All_data_FIW_2013-2025.xlsx": ("fiw", {}),
    "Aggregate_Category_and_Subcategory_Scores_FIW_2003-2023.xlsx": ("fiw", {}),
}


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    assert RAW.is_dir(), f"real data folder missing: {RAW}"
    return RAW


@pytest.fixture(scope="session")
def raw_frame(raw_dir):
    """``raw_frame(name)``: the real file read with ``on_error="flag"``, once per session.

    The frames are shared between tests: do not modify them (copy first).
    """
    from scoring.ingest.readers import read_scores

    cache = {}

    def get(name: str):
        if name not in cache:
            index, options = RAW_FILES[name]
            cache[name] = read_scores(raw_dir / name, index, on_error="flag", **options)
        return cache[name]

    return get


@pytest.fixture
def without_pyarrow(monkeypatch):
    """pyarrow missing where the panel writer imports it, as in an install without the
    ``parquet`` extra. Only that import fails: pandas, loaded with pyarrow in the test
    session, would otherwise fail first in ways such an install never sees."""
    import builtins

    real_import = builtins.__import__

    def importer(name, globals=None, *args, **kwargs):
        if name.startswith("pyarrow") and (globals or {}).get("__name__") == (
                "scoring.publish.panel_formats"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, globals, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", importer)


@pytest.fixture
def console_script() -> str:
    """The installed ``scoring`` console script beside this interpreter (skip without it)."""
    found = shutil.which("scoring", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("no console script 'scoring' beside this interpreter (pip install -e .)")
    return found
