"""The exact two-sided binomial p-value against scipy.stats.binomtest.

sign_test itself is tested with the other direction tests in test_significance.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from scoring.inference import significance
from scoring.inference.bootstrap import bootstrap_ci
from scoring.inference.direction import direction_tests
from scoring.inference.sign import binomial_two_sided_p, sign_test
from scoring.inference.wilcoxon import wilcoxon_test


@pytest.mark.parametrize("k, n, p0", [
    (27, 45, 0.5), (18, 45, 0.5), (0, 1, 0.5), (1, 1, 0.5), (5, 10, 0.5), (500, 1000, 0.5),
    (3, 10, 0.3), (0, 10, 0.3), (10, 10, 0.3), (7, 20, 0.35), (1, 300, 0.01),
    (71, 100, 0.71), (0, 5, 0.0), (2, 5, 0.0), (5, 5, 1.0), (4, 5, 1.0), (2, 3, 2 / 3),
])
def test_binomial_two_sided_p_matches_binomtest(k, n, p0):
    # Reference: scipy.stats.binomtest(k, n, p0).pvalue (two-sided), computed by the same
    # steps, so no rounding apart: 0 units in the last place.
    np.testing.assert_array_max_ulp(binomial_two_sided_p(k, n, p0),
                                    stats.binomtest(k, n, p0).pvalue, maxulp=0)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 200).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
       # scipy's binomial pmf overflows for p0 near the smallest normal float: kept clear of it
       st.one_of(st.sampled_from([0.0, 0.5, 1.0]), st.floats(1e-3, 1 - 1e-3)))
def test_binomial_two_sided_p_property_vs_binomtest(kn, p0):
    k, n = kn
    # Reference: scipy.stats.binomtest(k, n, p0).pvalue (two-sided).
    np.testing.assert_array_max_ulp(binomial_two_sided_p(k, n, p0),
                                    stats.binomtest(k, n, p0).pvalue, maxulp=0)


def test_binomial_two_sided_p_is_the_sign_tests_p():
    deltas = np.array([-1.0] * 27 + [1.0] * 18 + [0.0] * 25)
    np.testing.assert_array_max_ulp(sign_test(deltas)["p"], binomial_two_sided_p(27, 45),
                                    maxulp=0)


def test_binomial_two_sided_p_takes_numpy_numbers():
    # Reference: scipy.stats.binomtest(3, 12, 0.4).pvalue
    np.testing.assert_allclose(binomial_two_sided_p(np.int64(3), np.int32(12),
                                                    np.float64(0.4)),
                               stats.binomtest(3, 12, 0.4).pvalue, rtol=1e-15, atol=0)


@pytest.mark.parametrize("k, n", [(-1, 5), (6, 5), (0, 0), (1.0, 5), (True, 5), (2, "5")])
def test_binomial_two_sided_p_bad_counts(k, n):
    with pytest.raises(ValueError, match=r"^k and n must be integers with 0 <= k <= n and "
                                         r"n >= 1; got k="):
        binomial_two_sided_p(k, n)


@pytest.mark.parametrize("p0", [-0.1, 1.5, float("nan"), True, "0.5", None])
def test_binomial_two_sided_p_bad_p0(p0):
    with pytest.raises(ValueError, match=r"^p0 must be a number in \[0, 1\]; got "):
        binomial_two_sided_p(2, 5, p0)


def test_significance_re_exports_the_modules_objects():
    assert significance.sign_test is sign_test
    assert significance.wilcoxon_test is wilcoxon_test
    assert significance.bootstrap_ci is bootstrap_ci
    assert significance.direction_tests is direction_tests
    assert all(hasattr(significance, name) for name in significance.__all__)
