"""Direction-of-change tests against independent references.

References: scipy.stats.binomtest (sign test), scipy.stats.wilcoxon (asymptotic, exact, and
its permutation method), brute-force enumeration of sign assignments, scipy.stats.bootstrap
(same seed, same resamples), scoring.inference.multitest.bh_qvalues, and Freedom House's published
counts through scoring.compare.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.stats import DegenerateDataWarning

from scoring import compare
from scoring.inference.multitest import bh_qvalues
from scoring.inference.significance import (
    AUTO_EXACT_MAX_N,
    DIRECTION_COLUMNS,
    EXACT_MAX_N,
    bootstrap_ci,
    direction_tests,
    sign_test,
    wilcoxon_test,
)

ZERO_METHODS = ["wilcox", "pratt", "zsplit"]
B = 2000  # resamples in tests: enough to exercise every path, fast


def _deltas(declined: int, improved: int, unchanged: int) -> np.ndarray:
    return np.array([-1.0] * declined + [1.0] * improved + [0.0] * unchanged)


@pytest.fixture(scope="module")
def fotn_rows():
    return compare(index="fotn", from_edition=2023, to_edition=2024).rows


@pytest.fixture(scope="module")
def fiw_rows():
    return compare(index="fiw", from_edition=2021, to_edition=2022).rows


@pytest.fixture
def tied():
    """Integer changes with ties and zeros, like real index changes; seeded."""
    rng = np.random.default_rng(20240601)
    return rng.integers(-4, 5, size=37).astype(float)


# ------------------------------------------------------------------------------ sign test


@pytest.mark.parametrize("k, n", [
    (27, 45), (18, 45), (60, 85), (25, 85), (0, 1), (1, 1), (1, 2), (0, 2), (3, 7), (4, 7),
    (5, 10), (0, 20), (20, 20), (10, 21), (11, 21), (50, 101), (49, 100), (1, 300),
    (140, 300), (500, 1000),
])
def test_sign_test_matches_binomtest(k, n):
    res = sign_test(_deltas(k, n - k, 3))
    # Reference: scipy.stats.binomtest(k, n).pvalue (two-sided, p = 0.5).
    np.testing.assert_allclose(res["p"], stats.binomtest(k, n).pvalue, rtol=1e-12, atol=0)
    # declines and improvements play symmetric roles
    np.testing.assert_allclose(res["p"], stats.binomtest(n - k, n).pvalue, rtol=1e-12, atol=0)
    assert (res["declined"], res["improved"], res["unchanged"]) == (k, n - k, 3)
    assert (res["n"], res["n_used"]) == (n + 3, n)


def test_sign_test_pinned_freedom_house_counts():
    # FOTN 2023 -> 2024: 27 declines, 18 improvements, 25 unchanged.
    # Reference: scipy.stats.binomtest(27, 45).pvalue = 0.23269319190831084
    fotn = sign_test(_deltas(27, 18, 25))
    np.testing.assert_allclose(fotn["p"], 0.23269319190831084, rtol=1e-12, atol=0)
    assert fotn["rule"] == ("exact two-sided binomial test of 27 declines vs 18 improvements "
                            "(H0: p = 0.5); 25 unchanged excluded")
    # FIW 2021 -> 2022: 60 declines, 25 improvements.
    # Reference: scipy.stats.binomtest(60, 85).pvalue = 0.00018679938527835335
    fiw = sign_test(_deltas(60, 25, 110))
    np.testing.assert_allclose(fiw["p"], 0.00018679938527835335, rtol=1e-12, atol=0)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=120))
def test_sign_test_property_vs_binomtest(d):
    res = sign_test(d)
    k, m = sum(x < 0 for x in d), sum(x != 0 for x in d)
    assert res["n_used"] == m
    if m == 0:
        assert np.isnan(res["p"])
    else:
        # Reference: scipy.stats.binomtest(declines, declines + improvements).pvalue.
        np.testing.assert_allclose(res["p"], stats.binomtest(k, m).pvalue, rtol=1e-12, atol=0)


def test_sign_test_nothing_to_test_and_missing_values():
    res = sign_test([0, 0, 0.0])
    assert np.isnan(res["p"]) and res["n_used"] == 0
    assert "no declines or improvements" in res["rule"]
    assert np.isnan(sign_test([])["p"])
    with pytest.raises(ValueError, match=r"deltas has 2 missing values \(NaN\) of 4"):
        sign_test([1.0, np.nan, -1.0, np.nan])
    with pytest.raises(ValueError, match="deltas has 1 missing value "):
        sign_test(pd.Series([1.0, None], dtype="Float64"))
    with pytest.raises(ValueError, match="deltas must be finite; got 1 infinite value"):
        sign_test([1.0, np.inf])
    with pytest.raises(ValueError, match="one-dimensional"):
        sign_test([[1.0, -1.0]])
    with pytest.raises(ValueError, match="deltas must be numbers"):
        sign_test(["a", "b"])
    assert sign_test([-1, 1, 0])["rule"].startswith(
        "exact two-sided binomial test of 1 decline vs 1 improvement")


# ------------------------------------------------------------------------------ Wilcoxon


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-6, 6), min_size=3, max_size=90).filter(
    lambda d: sum(x != 0 for x in d) >= 1),
    st.sampled_from(ZERO_METHODS), st.booleans())
def test_wilcoxon_approx_matches_scipy_with_ties_and_zeros(d, zero_method, correction):
    d = np.asarray(d, dtype=float)
    ours = wilcoxon_test(d, zero_method=zero_method, correction=correction, method="approx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy's small-sample advice, not under test
        # Reference: scipy.stats.wilcoxon(d, zero_method=..., correction=...,
        #                                  method="asymptotic") (scipy 1.17's name).
        ref = stats.wilcoxon(d, zero_method=zero_method, correction=correction,
                             method="asymptotic")
    assert ours["method_used"] == "approx"
    np.testing.assert_allclose(ours["p"], ref.pvalue, rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours["statistic"], ref.statistic, rtol=0, atol=1e-10)
    # scipy reports -|z| for a two-sided test; ours keeps the sign of R+ - E
    np.testing.assert_allclose(-abs(ours["z"]), ref.zstatistic, rtol=0, atol=1e-10)


@pytest.mark.parametrize("zero_method", ZERO_METHODS)
@pytest.mark.parametrize("correction", [False, True])
def test_wilcoxon_approx_on_seeded_tied_data(tied, zero_method, correction):
    ours = wilcoxon_test(tied, zero_method=zero_method, correction=correction,
                         method="approx")
    # Reference: scipy.stats.wilcoxon(tied, zero_method=..., correction=...,
    #                                  method="asymptotic").
    ref = stats.wilcoxon(tied, zero_method=zero_method, correction=correction,
                         method="asymptotic")
    assert (tied == 0).any() and len(np.unique(np.abs(tied))) < len(tied)
    np.testing.assert_allclose(ours["p"], ref.pvalue, rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours["statistic"], ref.statistic, rtol=0, atol=1e-10)
    assert ours["r_plus"] + ours["r_minus"] == pytest.approx(
        ours["n_used"] * (ours["n_used"] + 1) / 2
        - (ours["n_zero"] * (ours["n_zero"] + 1) / 2 if zero_method == "pratt" else 0),
        abs=1e-12)


@pytest.mark.parametrize("n", [1, 2, 5, 9, 13, 20, 25, 33, 50, 120, 400])
def test_wilcoxon_exact_matches_scipy_without_ties_or_zeros(n):
    rng = np.random.default_rng(n)
    d = rng.permutation(np.arange(1, n + 1)) * rng.choice([-1.0, 1.0], n) + rng.uniform(
        -0.25, 0.25, n)
    ours = wilcoxon_test(d, method="exact")
    # Reference: scipy.stats.wilcoxon(d, method="exact") (exact when there are no ties/zeros).
    ref = stats.wilcoxon(d, method="exact")
    np.testing.assert_allclose(ours["p"], ref.pvalue, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours["statistic"], ref.statistic, rtol=0, atol=1e-12)
    assert np.isnan(ours["z"])


def _brute_force_p(d: np.ndarray, zero_method: str) -> float:
    """All 2^m sign assignments of the non-zero |d|, ranked as zero_method says."""
    d = np.asarray(d, dtype=float)
    ranked = d[d != 0] if zero_method == "wilcox" else d
    r = stats.rankdata(np.abs(ranked))  # average ranks for ties
    free = r[ranked != 0]
    shift = r[ranked == 0].sum() / 2 if zero_method == "zsplit" else 0.0
    observed = free[ranked[ranked != 0] > 0].sum() + shift
    sums = np.array([np.dot(signs, free) + shift
                     for signs in itertools.product([0, 1], repeat=free.size)])
    return min(1.0, 2 * min(np.mean(sums <= observed + 1e-9),
                            np.mean(sums >= observed - 1e-9)))


@pytest.mark.parametrize("zero_method", ZERO_METHODS)
@pytest.mark.parametrize("case", [
    [-2, -2, -1, 1, 3, -3, 0, 0, -2, 1, -1, 4],
    [1, 1, 1, 1, -1, 0, 2, 2, -2],
    [-5, -5, -5, -5, -5, -5, -5, 5],
    [-1, 0, 0, 0, 0, 0, 1, 2, -3, -3, 2],
    [0.5, -0.5, 1.5, 1.5, -2.5, 0.0, 3.0, -3.0, -3.0, 3.0],
])
def test_wilcoxon_exact_with_ties_matches_brute_force(case, zero_method):
    d = np.asarray(case, dtype=float)
    ours = wilcoxon_test(d, zero_method=zero_method, method="exact")
    # Reference: enumeration of all 2^m sign assignments (m <= 12) with scipy.stats.rankdata.
    np.testing.assert_allclose(ours["p"], _brute_force_p(d, zero_method), rtol=0, atol=1e-12)
    # Second reference, for n <= 13 scipy's permutation method enumerates all 2^n signs:
    # scipy.stats.wilcoxon(d, zero_method=..., method=scipy.stats.PermutationMethod()).
    ref = stats.wilcoxon(d, zero_method=zero_method, method=stats.PermutationMethod())
    np.testing.assert_allclose(ours["p"], ref.pvalue, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours["statistic"], ref.statistic, rtol=0, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=1, max_size=11).filter(
    lambda d: any(x != 0 for x in d)), st.sampled_from(ZERO_METHODS))
def test_wilcoxon_exact_property_vs_brute_force(d, zero_method):
    ours = wilcoxon_test(d, zero_method=zero_method, method="exact")
    # Reference: brute-force enumeration of all 2^m sign assignments.
    np.testing.assert_allclose(ours["p"], _brute_force_p(np.asarray(d), zero_method),
                               rtol=0, atol=1e-12)


def test_wilcoxon_auto_rule_and_limits():
    rng = np.random.default_rng(3)
    small = rng.integers(-3, 4, 40).astype(float)
    small = np.r_[small[small != 0][:AUTO_EXACT_MAX_N], 0.0, 0.0]
    res = wilcoxon_test(small)
    assert (res["n_used"], res["method_used"]) == (AUTO_EXACT_MAX_N, "exact")
    assert "(auto: n_used = 25 <= 25)" in res["rule"]
    assert "2 zero deltas dropped before ranking (zero_method='wilcox')" in res["rule"]
    big = wilcoxon_test(np.r_[small, 1.0])
    assert big["method_used"] == "approx" and "(auto: n_used = 26 > 25)" in big["rule"]
    # pratt and zsplit rank the zeros, so they count in n_used
    assert wilcoxon_test(small, zero_method="pratt")["n_used"] == AUTO_EXACT_MAX_N + 2
    with pytest.raises(ValueError, match=rf"method='exact' is allowed for n_used <= "
                                         rf"{EXACT_MAX_N}; got n_used = {EXACT_MAX_N + 1}"):
        wilcoxon_test(np.arange(1, EXACT_MAX_N + 2.0), method="exact")


def test_wilcoxon_exact_with_many_ties_agrees_with_approximation():
    # Exact with ties at n_used near 270 is beyond scipy's exact; the normal approximation
    # (checked against scipy above) must be close to it away from the far tail.
    rng = np.random.default_rng(11)
    d = rng.integers(-4, 5, 300).astype(float)
    exact = wilcoxon_test(d, method="exact")
    approx = wilcoxon_test(d, method="approx", correction=True)
    assert exact["n_used"] > 250 and 0.05 < exact["p"] < 0.95
    np.testing.assert_allclose(exact["p"], approx["p"], rtol=0, atol=5e-3)


def test_wilcoxon_symmetry_order_and_nothing_to_test(tied):
    a = wilcoxon_test(tied)
    b = wilcoxon_test(-tied[::-1])
    assert a["p"] == b["p"] and a["statistic"] == b["statistic"]
    assert (a["r_plus"], a["r_minus"]) == (b["r_minus"], b["r_plus"])
    for zero_method in ZERO_METHODS:
        res = wilcoxon_test([0.0, 0.0, 0.0], zero_method=zero_method)
        assert np.isnan(res["p"]) and res["method_used"] == "none"
        assert "no delta is non-zero" in res["rule"]
    assert np.isnan(wilcoxon_test([])["p"])


def test_wilcoxon_bad_arguments():
    with pytest.raises(ValueError, match="zero_method must be one of 'wilcox', 'pratt', "
                                         "'zsplit'; got 'drop'"):
        wilcoxon_test([1.0, -2.0], zero_method="drop")
    with pytest.raises(ValueError, match="method must be one of 'auto', 'exact', 'approx'; "
                                         "got 'asymptotic'"):
        wilcoxon_test([1.0, -2.0], method="asymptotic")
    with pytest.raises(ValueError, match="correction must be one of False, True; got 'yes'"):
        wilcoxon_test([1.0, -2.0], correction="yes")
    with pytest.raises(ValueError, match="deltas has 1 missing value"):
        wilcoxon_test([1.0, np.nan])


# ------------------------------------------------------------------------------ bootstrap


def _scipy_ci(x, statistic, **kw):
    fn = np.mean if statistic == "mean" else np.median
    return stats.bootstrap((np.sort(x),), fn, **kw).confidence_interval


@pytest.mark.parametrize("statistic", ["mean", "median"])
@pytest.mark.parametrize("method", ["BCa", "percentile"])
@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.99])
def test_bootstrap_matches_scipy_same_seed(statistic, method, confidence):
    rng = np.random.default_rng(17)
    x = rng.gamma(2.0, 1.5, size=31) - 2.5  # skewed, no ties: BCa defined for both
    ours = bootstrap_ci(x, statistic=statistic, n_resamples=B, method=method,
                        confidence=confidence, seed=42)
    # Reference: scipy.stats.bootstrap((sorted x,), np.mean / np.median, n_resamples=2000,
    #            method=..., confidence_level=..., rng=np.random.default_rng(42)).
    ref = _scipy_ci(x, statistic, n_resamples=B, method=method, confidence_level=confidence,
                    rng=np.random.default_rng(42))
    assert ours["method_used"] == method and ours["note"] == ""
    np.testing.assert_allclose([ours["low"], ours["high"]], [ref.low, ref.high],
                               rtol=0, atol=1e-9)
    assert ours["low"] <= ours["high"]


@pytest.mark.parametrize("method", ["BCa", "percentile"])
def test_bootstrap_mean_of_tied_integer_changes_matches_scipy(tied, method):
    ours = bootstrap_ci(tied, n_resamples=B, method=method, confidence=0.9, seed=5)
    # Reference: scipy.stats.bootstrap((sorted tied,), np.mean, n_resamples=2000,
    #            method=..., confidence_level=0.9, rng=np.random.default_rng(5)).
    ref = _scipy_ci(tied, "mean", n_resamples=B, method=method, confidence_level=0.9,
                    rng=np.random.default_rng(5))
    np.testing.assert_allclose([ours["low"], ours["high"]], [ref.low, ref.high],
                               rtol=0, atol=1e-9)


def test_bootstrap_default_resamples_match_scipy_default(tied):
    ours = bootstrap_ci(tied)
    # Reference: scipy.stats.bootstrap((sorted tied,), np.mean,
    #            rng=np.random.default_rng(0)) -- scipy's defaults: 9999 resamples, BCa, 0.95.
    ref = _scipy_ci(tied, "mean", rng=np.random.default_rng(0))
    assert (ours["n_resamples"], ours["method_used"], ours["confidence"]) == (9999, "BCa", 0.95)
    np.testing.assert_allclose([ours["low"], ours["high"]], [ref.low, ref.high],
                               rtol=0, atol=1e-9)


def test_bootstrap_does_not_depend_on_order(tied):
    shuffled = np.random.default_rng(1).permutation(tied)
    assert bootstrap_ci(tied, n_resamples=B, seed=3) == bootstrap_ci(shuffled, n_resamples=B,
                                                                     seed=3)
    assert bootstrap_ci(tied, n_resamples=B, seed=3) != bootstrap_ci(tied, n_resamples=B,
                                                                     seed=4)


def test_bootstrap_bca_falls_back_to_percentile_when_undefined(tied):
    # The median of integer changes with many ties: every jackknife median is equal.
    x = np.r_[np.zeros(15), tied]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may leak from our side
        ours = bootstrap_ci(x, statistic="median", n_resamples=B, seed=9)
    assert ours["method_used"] == "percentile"
    assert "BCa undefined (all 52 jackknife medians are equal" in ours["note"]
    # scipy's BCa gives NaN with a warning here (the reason for the fallback) ...
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # scipy's 0/0 on the way
        with pytest.warns(DegenerateDataWarning):
            bca = _scipy_ci(x, "median", n_resamples=B, method="BCa",
                            rng=np.random.default_rng(9))
    assert np.isnan(bca.low) or np.isnan(bca.high)
    # ... and the fallback is scipy's percentile interval of the same resamples.
    # Reference: scipy.stats.bootstrap((sorted x,), np.median, n_resamples=2000,
    #            method="percentile", rng=np.random.default_rng(9)).
    ref = _scipy_ci(x, "median", n_resamples=B, method="percentile",
                    rng=np.random.default_rng(9))
    np.testing.assert_allclose([ours["low"], ours["high"]], [ref.low, ref.high],
                               rtol=0, atol=1e-9)


def test_bootstrap_degenerate_samples_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        same = bootstrap_ci([2.0, 2.0, 2.0, 2.0], n_resamples=B)
        one = bootstrap_ci([1.5], n_resamples=B)
        none = bootstrap_ci([], n_resamples=B)
    assert (same["low"], same["high"], same["estimate"]) == (2.0, 2.0, 2.0)
    assert same["method_used"] == "percentile" and "all 4 values equal" in same["note"]
    assert one["estimate"] == 1.5 and np.isnan(one["low"]) and np.isnan(one["high"])
    assert one["method_used"] == "none" and "fewer than 2 values" in one["note"]
    assert np.isnan(none["estimate"]) and none["note"] == "no values: no estimate and no interval"


def test_bootstrap_bad_arguments():
    x = [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="statistic must be one of 'mean', 'median'; "
                                         "got 'mode'"):
        bootstrap_ci(x, statistic="mode")
    with pytest.raises(ValueError, match=r"method must be one of 'BCa', 'percentile' "
                                         r"\(any case\); got 'basic'"):
        bootstrap_ci(x, method="basic")
    for bad in (0, 1, 1.5, True):
        with pytest.raises(ValueError, match="confidence must be a number strictly between "
                                             f"0 and 1; got {bad!r}"):
            bootstrap_ci(x, confidence=bad)
    with pytest.raises(ValueError, match="n_resamples must be a positive integer; got 0"):
        bootstrap_ci(x, n_resamples=0)
    with pytest.raises(ValueError, match="seed must be a non-negative integer; got -1"):
        bootstrap_ci(x, seed=-1)
    with pytest.raises(ValueError, match="values has 1 missing value"):
        bootstrap_ci([1.0, np.nan])
    assert bootstrap_ci(x, method="bca", n_resamples=50)["method_used"] == "BCa"


# ------------------------------------------------------------------------------ direction_tests


@pytest.fixture
def frame():
    rng = np.random.default_rng(7)
    n = 60
    return pd.DataFrame({
        "iso3": [f"C{i:02d}" for i in range(n)],
        "delta": rng.integers(-4, 4, n).astype(float),
        "region": rng.choice(["Africa", "Asia", "Europe", None], n, p=[.35, .3, .3, .05]),
    })


def test_direction_columns_are_exactly_documented(frame):
    out = direction_tests(frame, n_resamples=B)
    assert list(out.columns) == [
        "group_by", "group", "n", "declined", "improved", "unchanged",
        "sign_test_p", "sign_test_rule",
        "wilcoxon_statistic", "wilcoxon_p", "wilcoxon_method", "wilcoxon_rule",
        "mean_delta", "mean_delta_low", "mean_delta_high",
        "median_delta", "median_delta_low", "median_delta_high",
        "ci_method", "confidence", "n_resamples", "seed", "q", "note",
    ] == DIRECTION_COLUMNS
    assert len(out) == 1 and out.loc[0, "group"] == "all" and np.isnan(out.loc[0, "q"])
    assert out.loc[0, "seed"] == 0 and out.loc[0, "n_resamples"] == B


def test_direction_tests_do_not_depend_on_row_order(frame):
    a = direction_tests(frame, by="region", n_resamples=B, seed=3)
    shuffled = frame.sample(frac=1, random_state=np.random.default_rng(0)).reset_index(
        drop=True)
    b = direction_tests(shuffled, by="region", n_resamples=B, seed=3)
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_direction_group_rows_match_the_functions(frame):
    out = direction_tests(frame, by="region", n_resamples=B, seed=3)
    assert out["group"].tolist() == ["all", "Africa", "Asia", "Europe", "(missing)"]
    assert (out["group_by"] == ["all"] + ["region"] * 4).all()
    assert out.loc[1:, "n"].sum() == out.loc[0, "n"] == len(frame)
    assert out.loc[4, "n"] == frame["region"].isna().sum() > 0
    for _, row in out.iterrows():
        if row["group"] == "all":
            d = frame["delta"]
        elif row["group"] == "(missing)":
            d = frame.loc[frame["region"].isna(), "delta"]
        else:
            d = frame.loc[frame["region"] == row["group"], "delta"]
        s = sign_test(d)
        w = wilcoxon_test(d)
        m = bootstrap_ci(d, n_resamples=B, seed=int(row["seed"]))
        md = bootstrap_ci(d, statistic="median", n_resamples=B, seed=int(row["seed"]))
        assert (row["declined"], row["improved"], row["unchanged"]) == (
            s["declined"], s["improved"], s["unchanged"])
        assert row["sign_test_p"] == s["p"] and row["sign_test_rule"] == s["rule"]
        assert row["wilcoxon_p"] == w["p"] and row["wilcoxon_method"] == w["method_used"]
        assert (row["mean_delta_low"], row["mean_delta_high"]) == (m["low"], m["high"])
        assert (row["median_delta_low"], row["median_delta_high"]) == (md["low"], md["high"])
    # every group has its own seed, not the all-units one
    assert out["seed"].nunique() == len(out)


def test_direction_q_is_bh_across_groups(frame):
    out = direction_tests(frame, by="region", n_resamples=B)
    # Reference: scoring.inference.multitest.bh_qvalues on the group rows' sign-test p-values.
    np.testing.assert_allclose(out.loc[1:, "q"], bh_qvalues(out.loc[1:, "sign_test_p"]),
                               rtol=0, atol=1e-15)
    assert np.isnan(out.loc[0, "q"])


def test_direction_group_seed_depends_on_name_not_on_other_groups(frame):
    full = direction_tests(frame, by="region", n_resamples=B)
    part = direction_tests(frame[frame["region"] != "Asia"], by="region", n_resamples=B)
    keep = ["group", "seed", "mean_delta_low", "mean_delta_high", "median_delta_low",
            "median_delta_high", "sign_test_p"]
    left = full.loc[full["group"].isin(["Africa", "Europe", "(missing)"]), keep]
    right = part.loc[part["group"].isin(["Africa", "Europe", "(missing)"]), keep]
    pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True))


def test_direction_small_groups_say_why(frame):
    small = frame.assign(region=["Solo"] + ["Zeros"] * 3 + ["Rest"] * (len(frame) - 4),
                         delta=[-1.0, 0.0, 0.0, 0.0] + frame["delta"].tolist()[4:])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = direction_tests(small, by="region", n_resamples=B).set_index("group")
    assert np.isnan(out.loc["Solo", "mean_delta_low"]) and out.loc["Solo", "ci_method"] == "none"
    assert "fewer than 2 values" in out.loc["Solo", "note"]
    assert np.isnan(out.loc["Zeros", "sign_test_p"]) and np.isnan(out.loc["Zeros", "q"])
    assert "no declines or improvements" in out.loc["Zeros", "note"]
    assert out.loc["Zeros", "mean_delta_low"] == out.loc["Zeros", "mean_delta_high"] == 0.0


def test_direction_bad_arguments(frame):
    with pytest.raises(ValueError, match="zero_method must be one of 'wilcox', 'pratt', "
                                         "'zsplit'; got 'none'"):
        direction_tests(frame, zero_method="none")
    with pytest.raises(ValueError, match=r"ci_method must be one of 'BCa', 'percentile' "
                                         r"\(any case\); got 'studentized'"):
        direction_tests(frame, ci_method="studentized")
    with pytest.raises(ValueError, match="wilcoxon_method must be one of 'auto', 'exact', "
                                         "'approx'; got 'fast'"):
        direction_tests(frame, wilcoxon_method="fast")
    with pytest.raises(ValueError, match=r"value must be a column of frame \(iso3, delta, "
                                         r"region\); got 'change'"):
        direction_tests(frame, value="change")
    with pytest.raises(ValueError, match=r"by must be None or a column of frame .*got 'area'"):
        direction_tests(frame, by="area")
    with pytest.raises(ValueError, match="value column 'region' must be numeric"):
        direction_tests(frame, value="region")
    gaps = frame.assign(delta=frame["delta"].where(frame.index % 20 != 5))
    with pytest.raises(ValueError, match=r"value column 'delta' has 3 missing values \(NaN\): "
                                         r"C05, C25, C45"):
        direction_tests(gaps)
    with pytest.raises(ValueError, match="n_resamples must be a positive integer"):
        direction_tests(frame, n_resamples=0)


# ------------------------------------------------------------------------------ real data


def test_fotn_2023_2024_real_data(fotn_rows):
    out = direction_tests(fotn_rows, n_resamples=B)
    row = out.iloc[0]
    assert (row["n"], row["declined"], row["improved"], row["unchanged"]) == (70, 27, 18, 25)
    # Reference: scipy.stats.binomtest(27, 45).pvalue
    np.testing.assert_allclose(row["sign_test_p"], stats.binomtest(27, 45).pvalue,
                               rtol=1e-12, atol=0)
    # 45 non-zero changes > 25: the approximation, checked against
    # scipy.stats.wilcoxon(rows.delta, method="asymptotic").
    assert row["wilcoxon_method"] == "approx"
    ref = stats.wilcoxon(fotn_rows["delta"], method="asymptotic")
    np.testing.assert_allclose(row["wilcoxon_p"], ref.pvalue, rtol=0, atol=1e-10)
    np.testing.assert_allclose(row["mean_delta"], fotn_rows["delta"].mean(), rtol=1e-12)
    # Reference: scipy.stats.bootstrap((sorted delta,), np.mean, n_resamples=2000,
    #            rng=np.random.default_rng(0)) -- BCa.
    ci = _scipy_ci(fotn_rows["delta"].to_numpy(), "mean", n_resamples=B,
                   rng=np.random.default_rng(0))
    np.testing.assert_allclose([row["mean_delta_low"], row["mean_delta_high"]],
                               [ci.low, ci.high], rtol=0, atol=1e-9)
    # the median of integer changes, most of them 0 or +-1: BCa is undefined, and says so
    assert row["ci_method"] == "BCa (mean), percentile (median)"
    assert "median interval: BCa undefined" in row["note"]


def test_fotn_2023_2024_by_status(fotn_rows):
    out = direction_tests(fotn_rows, by="status_from", n_resamples=B)
    assert out["group"].tolist() == ["all", "F", "PF", "NF"]  # statuses, freest first
    groups = out.iloc[1:]
    assert groups["n"].sum() == 70
    assert groups["declined"].sum() == 27 and groups["improved"].sum() == 18
    for _, row in groups.iterrows():
        # Reference: scipy.stats.binomtest(declined, declined + improved).pvalue
        np.testing.assert_allclose(
            row["sign_test_p"],
            stats.binomtest(int(row["declined"]), int(row["declined"] + row["improved"])).pvalue,
            rtol=1e-12, atol=0)
    np.testing.assert_allclose(groups["q"], bh_qvalues(groups["sign_test_p"]), atol=1e-15)


def test_fiw_2021_2022_real_data(fiw_rows):
    row = direction_tests(fiw_rows, n_resamples=B).iloc[0]
    assert (row["declined"], row["improved"]) == (60, 25)
    # Reference: scipy.stats.binomtest(60, 85).pvalue
    np.testing.assert_allclose(row["sign_test_p"], stats.binomtest(60, 85).pvalue,
                               rtol=1e-12, atol=0)
    assert row["sign_test_p"] < 0.001 and row["mean_delta_high"] < 0
