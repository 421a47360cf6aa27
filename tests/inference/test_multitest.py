"""Benjamini-Hochberg q-values against scipy's implementation."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import false_discovery_control

from scoring.inference.multitest import bh_qvalues


@given(st.lists(st.floats(0, 1), min_size=1, max_size=60))
def test_matches_scipy(p):
    # Reference: scipy.stats.false_discovery_control(p, method="bh").
    np.testing.assert_allclose(bh_qvalues(p), false_discovery_control(p, method="bh"),
                               rtol=0, atol=1e-12)


def test_nan_is_untested_and_does_not_count():
    q = bh_qvalues([0.01, np.nan, 0.02])
    assert np.isnan(q[1])
    np.testing.assert_allclose(q[[0, 2]], false_discovery_control([0.01, 0.02]), atol=1e-15)


def test_bad_input():
    with pytest.raises(ValueError, match=r"p must lie in \[0, 1\]"):
        bh_qvalues([0.5, 1.5])
    with pytest.raises(ValueError, match="one-dimensional"):
        bh_qvalues([[0.1]])
    assert bh_qvalues([]).shape == (0,)
