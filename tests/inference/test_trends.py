"""trend_tests against pymannkendall and scipy, exact p by brute force, properties, notes."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.inference.multitest import bh_qvalues
from scoring.inference.trends import MIN_N, TREND_COLUMNS, trend_tests

ATOL = 1e-9


def _panel(series: dict) -> pd.DataFrame:
    """Long frame from {entity: (times, values)}."""
    parts = [pd.DataFrame({"entity": key, "year": np.asarray(t), "value": np.asarray(y)})
             for key, (t, y) in series.items()]
    return pd.concat(parts, ignore_index=True)


@pytest.fixture
def random_series():
    """Series of 4-40 points on gapped years: integer values (many ties) and continuous."""
    rng = np.random.default_rng(20240611)
    series = {}
    for k in range(60):
        n = int(rng.integers(4, 41))
        years = np.sort(rng.choice(np.arange(1990, 2040), n, replace=False)).astype(float)
        trend = rng.normal(0, 0.3) * (years - years[0])
        if k % 2:
            values = np.rint(trend + rng.normal(0, 2, n))  # ties
        else:
            values = trend + rng.normal(0, 2, n)
        series[f"s{k:02d}"] = (years, values)
    return series


# ---------------------------------------------------------------------------------------------
# against independent implementations


def test_matches_pymannkendall(random_series):
    import pymannkendall as mk

    out = trend_tests(_panel(random_series), exact_max_n=0).set_index("entity")
    assert (out["p_method"] == "normal").all()
    for key, (_, y) in random_series.items():
        # Reference: pymannkendall.original_test(y) (S, var_s, z, p; normal approximation).
        ref = mk.original_test(y)
        row = out.loc[key]
        assert row["s"] == ref.s
        assert row["var_s"] == pytest.approx(ref.var_s, rel=0, abs=ATOL)
        assert row["z"] == pytest.approx(ref.z, rel=0, abs=ATOL)
        assert row["p"] == pytest.approx(ref.p, rel=0, abs=ATOL)


def test_matches_scipy(random_series):
    from scipy.stats import kendalltau, linregress, theilslopes

    out = trend_tests(_panel(random_series), confidence=0.9).set_index("entity")
    for key, (t, y) in random_series.items():
        row = out.loc[key]
        # Reference: scipy.stats.kendalltau(t, y).statistic (tau-b).
        assert row["tau_b"] == pytest.approx(kendalltau(t, y).statistic, rel=0, abs=ATOL)
        # Reference: scipy.stats.theilslopes(y, t, 0.9), on the real gapped times.
        ts = theilslopes(y, t, 0.9)
        assert row["sen_slope"] == pytest.approx(ts.slope, rel=0, abs=ATOL)
        assert row["sen_lo"] == pytest.approx(ts.low_slope, rel=0, abs=ATOL)
        assert row["sen_hi"] == pytest.approx(ts.high_slope, rel=0, abs=ATOL)
        assert row["sen_intercept"] == pytest.approx(ts.intercept, rel=1e-12, abs=1e-8)
        # Reference: scipy.stats.linregress(t, y) (slope, two-sided p).
        lr = linregress(t, y)
        assert row["ols_slope"] == pytest.approx(lr.slope, rel=1e-9, abs=ATOL)
        assert row["ols_p"] == pytest.approx(lr.pvalue, rel=1e-9, abs=ATOL)


def test_default_interval_is_theilslopes_95():
    from scipy.stats import theilslopes

    t = np.array([2011, 2012, 2014, 2015, 2016, 2019, 2020, 2023, 2024], dtype=float)
    y = np.array([45, 42, 41, 40, 39, 37, 38, 38, 32], dtype=float)
    row = trend_tests(_panel({"x": (t, y)})).iloc[0]
    ts = theilslopes(y, t)  # Reference: scipy.stats.theilslopes(y, t) (alpha=0.95).
    np.testing.assert_allclose(row[["sen_slope", "sen_lo", "sen_hi"]].to_numpy(float),
                               [ts.slope, ts.low_slope, ts.high_slope], rtol=0, atol=ATOL)


# ---------------------------------------------------------------------------------------------
# exact p-values


def _brute_force_p(y) -> float:
    """P(|S| >= |S_obs|) over all n! orderings of the values, by enumeration."""
    y = np.asarray(y, dtype=float)
    i, j = np.triu_indices(len(y), 1)
    perms = np.array(list(itertools.permutations(y)))
    s_all = np.sign(perms[:, j] - perms[:, i]).sum(axis=1)
    s_obs = np.sign(y[j] - y[i]).sum()
    return float(np.mean(np.abs(s_all) >= abs(s_obs)))


@pytest.mark.parametrize("y", [
    [1, 2, 3, 4], [1, 1, 2, 3], [4, 1, 1, 1], [2, 2, 1, 1], [1, 3, 2, 4, 5],
    [1, 1, 2, 2, 3], [5, 5, 5, 1, 1], [3, 1, 4, 1, 5, 9], [2, 2, 2, 3, 3, 4],
    [1, 2, 2, 3, 3, 3], [6, 5, 5, 4, 4, 4, 4], [1, 7, 3, 3, 9, 2, 2], [1, 2, 3, 4, 5, 6, 7],
])
def test_exact_p_is_brute_force_enumeration(y):
    out = trend_tests(_panel({"x": (np.arange(len(y)) * 2.0 + 2000, y)})).iloc[0]
    assert out["p_method"] == "exact"
    assert out["p"] == pytest.approx(_brute_force_p(y), rel=0, abs=1e-12)


def test_exact_p_matches_scipy_kendall_exact_without_ties():
    from scipy.stats import kendalltau

    rng = np.random.default_rng(7)
    series = {f"s{n}_{k}": (np.arange(n) + 2000.0, rng.permutation(n) + rng.normal(0, 0.1, n))
              for n in range(4, 11) for k in range(3)}
    out = trend_tests(_panel(series)).set_index("entity")
    for key, (t, y) in series.items():
        # Reference: scipy.stats.kendalltau(t, y, method="exact").pvalue (no ties).
        ref = kendalltau(t, y, method="exact").pvalue
        assert out.loc[key, "p_method"] == "exact"
        assert out.loc[key, "p"] == pytest.approx(ref, rel=1e-9, abs=1e-12)


def test_exact_up_to_exact_max_n_then_normal():
    lengths = range(2, 14)
    series = {f"n{n:02d}": (np.arange(n) + 2000, (np.arange(n) * 7) % 5) for n in lengths}
    out = trend_tests(_panel(series), exact_max_n=8).set_index("entity")
    expected = ["none" if n < MIN_N else "exact" if n <= 8 else "normal" for n in lengths]
    assert out["p_method"].tolist() == expected
    assert trend_tests(_panel(series), exact_max_n=0)["p_method"].isin(["none", "normal"]).all()


# ---------------------------------------------------------------------------------------------
# properties

@st.composite
def panels(draw):
    n_series = draw(st.integers(1, 5))
    series = {}
    for k in range(n_series):
        n = draw(st.integers(1, 14))
        years = sorted(draw(st.sets(st.integers(1990, 2030), min_size=n, max_size=n)))
        values = draw(st.lists(st.integers(0, 12), min_size=n, max_size=n))
        series[f"e{k}"] = (np.array(years, dtype=float), np.array(values, dtype=float))
    return _panel(series)


NUMERIC = ["s", "var_s", "z", "p", "tau_b", "sen_slope", "sen_lo", "sen_hi", "ols_slope",
           "ols_p", "q"]


def _assert_same(a: pd.DataFrame, b: pd.DataFrame, columns=NUMERIC, atol=ATOL):
    for c in columns:
        np.testing.assert_allclose(a[c].to_numpy(float), b[c].to_numpy(float), rtol=1e-9,
                                   atol=atol, err_msg=c)


@settings(max_examples=60, deadline=None)
@given(panels(), st.integers(0, 12))
def test_reversing_time_negates(panel, exact_max_n):
    base = trend_tests(panel, exact_max_n=exact_max_n)
    rev = trend_tests(panel.assign(year=-panel["year"]), exact_max_n=exact_max_n)
    np.testing.assert_array_equal(rev["s"], -base["s"])
    _assert_same(rev.assign(s=-rev["s"], sen_slope=-rev["sen_slope"], tau_b=-rev["tau_b"],
                            ols_slope=-rev["ols_slope"], sen_lo=-rev["sen_hi"],
                            sen_hi=-rev["sen_lo"], z=-rev["z"]), base)
    assert rev["note"].tolist() == base["note"].tolist()


@settings(max_examples=60, deadline=None)
@given(panels(), st.integers(-50, 50), st.sampled_from([0.5, 3.0, 17.0]))
def test_shift_and_scale(panel, shift, scale):
    base = trend_tests(panel)
    shifted = trend_tests(panel.assign(value=panel["value"] + shift))
    _assert_same(shifted, base)
    scaled = trend_tests(panel.assign(value=panel["value"] * scale))
    unchanged = ["s", "var_s", "z", "p", "tau_b", "ols_p", "q"]
    _assert_same(scaled, base, unchanged)
    for c in ["sen_slope", "sen_lo", "sen_hi", "ols_slope"]:
        np.testing.assert_allclose(scaled[c], scale * base[c], rtol=1e-9, atol=ATOL)


@settings(max_examples=60, deadline=None)
@given(panels(), st.randoms(use_true_random=False))
def test_row_order_is_irrelevant_and_q_is_bh(panel, rnd):
    base = trend_tests(panel)
    order = list(range(len(panel)))
    rnd.shuffle(order)
    shuffled = trend_tests(panel.iloc[order])
    pd.testing.assert_frame_equal(shuffled, base)
    np.testing.assert_allclose(base["q"], bh_qvalues(base["p"].to_numpy()), rtol=0,
                               atol=1e-15)


def test_chunking_changes_nothing(random_series):
    panel = _panel(random_series)
    pd.testing.assert_frame_equal(trend_tests(panel, chunk_size=1), trend_tests(panel))
    pd.testing.assert_frame_equal(trend_tests(panel, chunk_size=7), trend_tests(panel))


# ---------------------------------------------------------------------------------------------
# notes, edge cases, errors


def test_notes_for_short_constant_and_missing():
    panel = _panel({
        "short": ([2001, 2002, 2003], [1.0, 5.0, 3.0]),
        "flat": ([2001, 2002, 2003, 2005, 2006], [4.0, 4.0, 4.0, 4.0, 4.0]),
        "gappy": ([2001, 2002, 2003, 2004, 2005, 2006], [1.0, np.nan, 2.0, np.nan, 3.0, 5.0]),
        "one": ([2010], [3.0]),
        "none": ([2010, 2011], [np.nan, np.nan]),
    })
    out = trend_tests(panel).set_index("entity")
    assert out.loc["short", "note"] == "n = 3 < 4: not tested"
    assert out.loc["short", "s"] == 1 and out.loc["short", "sen_slope"] == 1.0
    assert out.loc[["short"], ["z", "p", "sen_lo", "sen_hi", "ols_p", "q"]].isna().all(axis=None)
    assert out.loc["flat", "note"] == "constant series: no trend can be tested"
    assert out.loc["flat", "s"] == 0 and out.loc["flat", "var_s"] == 0
    assert np.isnan(out.loc["flat", "p"]) and out.loc["flat", "p_method"] == "none"
    assert out.loc["flat", ["sen_slope", "sen_lo", "sen_hi", "ols_slope"]].tolist() == [0] * 4
    assert out.loc["gappy", "note"] == (
        "too few points for a 95 % interval: sen_lo and sen_hi are the smallest and largest "
        "pairwise slopes; smallest attainable p is 0.083 > 0.05: no trend in a series like "
        "this can be significant at that level; 2 missing values ignored")
    assert out.loc["gappy", "n"] == 4 and out.loc["gappy", "p_method"] == "exact"
    assert out.loc["one", "note"] == "n = 1 < 4: not tested"
    assert np.isnan(out.loc["one", "sen_slope"])
    assert out.loc["none", "note"] == "n = 0 < 4: not tested; 2 missing values ignored"
    assert pd.isna(out.loc["none", "first"]) and out.loc["none", "n"] == 0
    assert (out["var_s"] >= 0).all()
    # every NaN p is explained by a note
    assert (out.loc[out["p"].isna(), "note"] != "").all()


def test_missing_time_is_ignored_and_counted():
    panel = _panel({"a": ([2001, 2002, np.nan, 2004, 2005], [1.0, 2.0, 9.0, 3.0, 5.0])})
    row = trend_tests(panel).iloc[0]
    assert row["n"] == 4 and row["note"].endswith("; 1 row with missing time ignored")
    assert row["first"] == 2001 and row["last"] == 2005


def test_duplicate_times_raise_naming_entity_and_time():
    panel = _panel({"KAZ": ([2015, 2016, 2016, 2017], [1, 2, 3, 4]),
                    "EST": ([2015, 2015, 2016, 2017], [1, 2, 3, 4])})
    with pytest.raises(ValueError, match=r"2 duplicated \(entity, time\) pairs: "
                                         r"\(entity='EST', year=2015\), "
                                         r"\(entity='KAZ', year=2016\)"):
        trend_tests(panel)


def test_multi_column_entity():
    panel = pd.DataFrame({
        "iso3": ["KAZ"] * 10 + ["EST"] * 5,
        "series": ["access"] * 5 + ["rights"] * 5 + ["access"] * 5,
        "edition": list(range(2015, 2020)) * 3,
        "score": [5, 4, 4, 3, 2, 10, 10, 11, 12, 13, 20, 21, 20, 22, 23],
    })
    out = trend_tests(panel, entity=["iso3", "series"], time="edition", value="score")
    assert out.columns.tolist() == ["iso3", "series", *TREND_COLUMNS]
    assert out[["iso3", "series"]].values.tolist() == [["EST", "access"], ["KAZ", "access"],
                                                       ["KAZ", "rights"]]
    assert out["s"].tolist() == [7, -9, 9]
    assert out["first"].tolist() == [2015] * 3 and str(out["first"].dtype) == "Int64"


def test_empty_input_gives_empty_frame_with_columns():
    empty = pd.DataFrame({"entity": pd.Series([], dtype=str),
                          "year": pd.Series([], dtype=int), "value": pd.Series([], dtype=float)})
    out = trend_tests(empty)
    assert out.empty and out.columns.tolist() == ["entity", *TREND_COLUMNS]


@pytest.mark.parametrize("kwargs, message", [
    ({"entity": "country"}, "entity must name columns of data .*; got 'country'"),
    ({"entity": []}, "entity must be a column name or a non-empty list"),
    ({"time": "value"}, "entity, time and value must be different columns"),
    ({"confidence": 95}, "confidence must be a number strictly between 0 and 1; got 95"),
    ({"exact_max_n": -1}, r"exact_max_n must be an integer from 0 \(never exact\) to 50; "
                          "got -1"),
    ({"exact_max_n": 51}, "exact_max_n must be an integer from 0 .* to 50; got 51"),
    ({"chunk_size": 0}, "chunk_size must be None .* or an integer >= 1; got 0"),
])
def test_bad_arguments(kwargs, message):
    panel = _panel({"a": ([2001, 2002, 2003, 2004], [1, 2, 3, 4])})
    with pytest.raises(ValueError, match=message):
        trend_tests(panel, **kwargs)


def test_bad_columns():
    panel = _panel({"a": ([2001, 2002, 2003, 2004], [1, 2, 3, 4])})
    with pytest.raises(ValueError, match="value column 'value' must be numeric; got dtype"):
        trend_tests(panel.assign(value="x"))
    with pytest.raises(ValueError, match="value column 'value' must be finite or missing; "
                                         "got 1 infinite value"):
        trend_tests(panel.assign(value=[1, 2, np.inf, 4]))
    with pytest.raises(ValueError, match="data must be a pandas DataFrame; got list"):
        trend_tests([1, 2])
    with pytest.raises(ValueError, match="entity columns must not be named like output"):
        trend_tests(panel.assign(n=1), entity="n")


def test_importing_does_not_import_scipy():
    code = "import sys, scoring.inference.trends; print('scipy' in sys.modules)"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert res.stdout.strip() == "False"


# ---------------------------------------------------------------------------------------------
# bundled real data


def test_fotn_totals():
    from scoring import load_dataset

    d = load_dataset("fotn", canonical=True)[["iso3", "edition", "total"]]
    out = trend_tests(d, entity="iso3", time="edition", value="total")
    assert len(out) == d["iso3"].nunique()  # one row per country (73 in the bundled data)
    kaz = out.set_index("iso3").loc["KAZ"]
    assert kaz["sen_slope"] < 0 and kaz["n"] >= 10 and kaz["first"] == 2011
    assert set(out["p_method"]) <= {"exact", "normal", "none"}
    assert (out.loc[out["p"].isna(), "note"] != "").all()


def test_fiw_countries():
    from scoring import load_dataset

    d = load_dataset("fiw")
    d = d[d["ct"] == "c"]
    out = trend_tests(d, entity="iso3", time="edition", value="total")
    assert len(out) == d["iso3"].nunique() >= 195
    assert out["p"].notna().sum() >= 190
