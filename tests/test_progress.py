"""Progress callbacks of the library's long work: figures, Monte Carlo, booklet pages, a build.

Every long function takes ``progress=None``; given a callback, it must call it with counts
that never decrease and end at the total (the contract of :mod:`scoring._progress`), and its
result must be the same, byte for byte, as without one. The dataset build's calls are checked
in ``tests/datasets/test_datasets.py``, on the build that test already runs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring import load_dataset, read_booklet, rescoring_robustness
from scoring._progress import report, shifted
from scoring.datasets.load import read_user_file
from scoring.inference.rescoring import perturbed_change_distribution
from scoring.publish.figures import FIGURE_NAMES, build_figures

RAW = Path(__file__).resolve().parent.parent / "datasets" / "raw"


class Calls(list):
    """A progress callback that records its calls."""

    def __call__(self, done, total, label):
        self.append((done, total, label))

    def check(self, total=None):
        """The contract: one total, counts never decreasing, the last equal to the total."""
        assert self, "progress was never called"
        totals = {t for _, t, _ in self}
        assert len(totals) == 1, f"the total changed: {sorted(totals)}"
        counts = [d for d, _, _ in self]
        assert counts == sorted(counts), f"counts went back: {counts}"
        assert 0 <= counts[0] and counts[-1] == self[0][1], f"ends at {counts[-1]}, not total"
        assert all(isinstance(label, str) and label for _, _, label in self)
        if total is not None:
            assert self[0][1] == total
        return counts


def test_report_and_shifted_pass_counts_on_or_do_nothing():
    calls = Calls()
    report(None, 1, 2, "nothing happens")
    report(calls, 1, 2, "one of two")
    shifted(calls, 3, 10)(2, 5, "a part")
    assert calls == [(1, 2, "one of two"), (5, 10, "a part")]
    assert shifted(None, 3, 10) is None


def test_figures_count_each_figure_and_format_and_change_no_byte(tmp_path):
    data = load_dataset("fotn")
    # A small pair, few countries and editions, PNG only at a low resolution: fast.
    data = data[data["iso3"].isin(["KAZ", "RUS", "KGZ", "EST", "BRA"])
                & (data["edition"] >= 2021)].reset_index(drop=True)
    kw = dict(index="fotn", from_edition=2023, to_edition=2024, data=data, formats=("png",),
              dpi=50)
    calls = Calls()
    shown = build_figures(tmp_path / "shown", progress=calls, **kw)
    silent = build_figures(tmp_path / "silent", **kw)
    # One unit for the results, one per figure drawn, one per figure and format saved.
    counts = calls.check(total=1 + 2 * len(FIGURE_NAMES))
    assert counts[0] == 0 and len(set(counts)) == 1 + 2 * len(FIGURE_NAMES) + 1
    labels = [label for _, _, label in calls]
    assert labels[0] == "computing the results"
    assert [f"saving {name}.png" for name in FIGURE_NAMES] == [
        label for label in labels if label.startswith("saving")]
    assert [f"drawing {name}" for name in FIGURE_NAMES] == [
        label for label in labels if label.startswith("drawing")]
    assert shown["figures"] == silent["figures"]
    for f in shown["figures"]:
        for file in f["files"] + [f["data"]]:
            a = (tmp_path / "shown" / file["path"]).read_bytes()
            assert a == (tmp_path / "silent" / file["path"]).read_bytes(), file["path"]


def test_monte_carlo_reports_each_chunk_and_draws_the_same_numbers():
    items = dict(items_from=[[3.0, 1.0], [0.0, 4.0], [2.0, np.nan]],
                 items_to=[[2.0, 1.0], [1.0, 4.0], [2.0, 2.0]],
                 min_from=[0, 0], max_from=[4, 4], min_to=[0, 0], max_to=[4, 4], p=0.3,
                 draws=50_000, seed=7, chunk_size=7_000)
    calls = Calls()
    shown = perturbed_change_distribution(**items, progress=calls)
    silent = perturbed_change_distribution(**items)
    assert calls.check(total=50_000) == list(range(0, 50_000, 7_000)) + [50_000]
    assert np.array_equal(shown.counts, silent.counts)
    # The exact method counts the items convolved (2 + 2 columns).
    calls = Calls()
    exact = perturbed_change_distribution(**{**items, "method": "exact"}, progress=calls)
    assert calls.check(total=4) == [0, 1, 2, 3, 4]
    assert np.array_equal(exact.pmf, perturbed_change_distribution(
        **{**items, "method": "exact"}).pmf)


def test_rescoring_robustness_on_the_bundled_data_is_the_same_with_progress():
    kw = dict(index="fotn", from_edition=2023, to_edition=2024, draws=30_000, seed=3)
    calls = Calls()
    shown = rescoring_robustness(**kw, progress=calls)
    counts = calls.check(total=30_000)
    assert len(counts) > 2  # more than one chunk of draws: a count per chunk
    assert {label for _, _, label in calls} >= {"re-scoring draws"}
    pd.testing.assert_frame_equal(shown, rescoring_robustness(**kw))


def test_booklet_pages_are_counted_and_the_frame_is_the_same():
    path = RAW / "internetfreedom_2012.pdf"
    calls = Calls()
    # Through the reader of user files (what --data and validate call), down to the pages.
    shown, _ = read_user_file(path, "fotn", progress=calls)
    assert calls.check(total=4) == [0, 1, 2, 3, 4]
    assert [label for _, _, label in calls[:3]] == [
        f"internetfreedom_2012.pdf: reading page {n}" for n in (20, 21, 22)]
    silent = read_booklet(path)
    assert shown.to_csv() == silent.to_csv()
    assert shown.attrs["repairs"] == silent.attrs["repairs"]


def test_an_error_in_the_callback_stops_the_work():
    def progress(done, total, label):
        raise ValueError("stop")

    with pytest.raises(ValueError, match="stop"):
        perturbed_change_distribution([[1.0]], [[1.0]], min_from=[0], max_from=[2],
                                      min_to=[0], max_to=[2], draws=10, progress=progress)
