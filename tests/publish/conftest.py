"""Fixtures of the figure-set tests: a small real panel that draws fast."""

import pytest

from scoring import load_dataset

SMALL = ["KAZ", "RUS", "KGZ", "TUN", "MMR", "ZAF", "USA", "EST", "CHN", "IND", "BRA", "KEN"]


@pytest.fixture(scope="module")
def small_data():
    """Twelve FOTN countries of the bundled data, every edition."""
    data = load_dataset("fotn")
    return data[data["iso3"].isin(SMALL)].reset_index(drop=True)
