"""trend_tests(method=...) against pymannkendall's modified tests, an exact rational
computation and a plain per-series reference for gapped series; short-series notes; q-value
families."""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from scoring.inference.trend_persistence import CORRECTION_MIN_N, METHODS
from scoring.inference.trends import trend_tests

ATOL = 1e-9

PMK = {  # method: pymannkendall's function name (all with their default lag=None)
    "original": "original_test",
    "hamed-rao": "hamed_rao_modification_test",
    "yue-wang": "yue_wang_modification_test",
    "prewhiten": "pre_whitening_modification_test",
    "trend-free-prewhiten": "trend_free_pre_whitening_modification_test",
}


def _pmk(method: str, y: np.ndarray, alpha: float = 0.05):
    import pymannkendall as mk

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its own sqrt of a negative variance
        return getattr(mk, PMK[method])(y, alpha=alpha)


def _panel(series: dict) -> pd.DataFrame:
    return pd.concat([pd.DataFrame({"entity": k, "year": t, "value": y})
                      for k, (t, y) in series.items()], ignore_index=True)


@pytest.fixture
def equal_spaced():
    """Persistent random walks with and without a trend, 10-30 yearly points, no gaps:
    integer values (many ties) and continuous ones."""
    rng = np.random.default_rng(20240612)
    series = {}
    for k in range(120):
        n = int(rng.integers(CORRECTION_MIN_N, 31))
        walk = np.cumsum(rng.normal(0, 2, n)) + rng.normal(0, 0.5) * np.arange(n)
        series[f"s{k:03d}"] = (2000 + np.arange(n), np.rint(walk) if k % 2 else walk)
    return series


def _whitened_pmk(method: str, y: np.ndarray) -> np.ndarray:
    """pymannkendall's whitened series, step by step, to find its near-ties."""
    import pymannkendall as mk

    n = len(y)
    x = y - np.arange(1, n + 1) * mk.sens_slope(y).slope if "trend" in method else y
    xc = x - x.mean()
    if not xc.any():
        return x[1:]  # constant: the row is skipped as constant anyway
    r1 = np.dot(xc[1:], xc[:-1]) / np.dot(xc, xc)
    w = x[1:] - x[:-1] * r1
    return w + np.arange(1, n) * mk.sens_slope(y).slope if "trend" in method else w


def _has_near_ties(w: np.ndarray, keys: list) -> bool:
    """Ties or near-ties among whitened values with different ``keys``: there
    pymannkendall's rounding (its r1 to the last bit) decides whether a tie survives. (Two
    points with the same key are computed identically, so their tie always survives.)"""
    close = np.abs(w[:, None] - w[None, :]) < 1e-9 * np.abs(w).max()
    same = np.array([[a == b for b in keys] for a in keys])
    return bool((close & ~same).any())


def _compare(out: pd.DataFrame, series: dict, method: str, alpha: float = 0.05) -> int:
    """Assert agreement with pymannkendall on every row it defines; returns rows compared."""
    compared = 0
    for key, (_, y) in series.items():
        row, ref = out.loc[key], _pmk(method, np.asarray(y, dtype=float), alpha)
        y = np.asarray(y, dtype=float)
        # plain pre-whitening computes each point from (y[k-1], y[k]) alone
        keys = list(zip(y[:-1], y[1:])) if method == "prewhiten" else list(range(len(y) - 1))
        if "prewhiten" in method and _has_near_ties(_whitened_pmk(method, y), keys):
            continue  # pymannkendall's rounding decides those ties: see test_exact_ties
        if row["note"] == "constant series: no trend can be tested":
            assert ref.p == 1 or np.isnan(ref.p)  # pymannkendall: p = 1 or NaN, no word
            continue
        if not np.isfinite(ref.p) or ref.var_s <= 0:
            # pymannkendall: NaN p from a negative corrected variance; here NaN with a note
            assert np.isnan(row["p"]) and "correction undefined" in row["note"]
            continue
        assert row["s"] == ref.s, key
        for col, want in [("var_s", ref.var_s), ("z", ref.z), ("p", ref.p),
                          ("sen_slope", ref.slope)]:
            assert row[col] == pytest.approx(want, rel=0, abs=ATOL), (key, col)
        assert row["method"] == method and row["p_method"] == "normal"
        compared += 1
    return compared


@pytest.mark.parametrize("method", METHODS)
def test_matches_pymannkendall_on_equally_spaced_series(equal_spaced, method):
    # Reference: pymannkendall.<PMK[method]>(y, alpha=0.05), one series at a time.
    out = trend_tests(_panel(equal_spaced), method=method, exact_max_n=0).set_index("entity")
    assert _compare(out, equal_spaced, method) >= (100 if "prewhiten" not in method else 60)


@pytest.mark.parametrize("confidence", [0.9, 0.99])
def test_hamed_rao_significance_level_follows_confidence(equal_spaced, confidence):
    # Reference: pymannkendall.hamed_rao_modification_test(y, alpha=1 - confidence).
    out = trend_tests(_panel(equal_spaced), method="hamed-rao", confidence=confidence,
                      exact_max_n=0).set_index("entity")
    assert _compare(out, equal_spaced, "hamed-rao", alpha=1 - confidence) >= 100


def _exact_whitened_s(y: list[int], trend_free: bool) -> tuple[int, Fraction]:
    """S and Var(S) of the whitened series in exact rational arithmetic."""
    n = len(y)
    x = [Fraction(v) for v in y]
    if trend_free:
        slopes = sorted((x[j] - x[i]) / (j - i) for i in range(n) for j in range(i + 1, n))
        m = len(slopes)
        b = (slopes[(m - 1) // 2] + slopes[m // 2]) / 2
        x = [v - (k + 1) * b for k, v in enumerate(x)]
    mean = sum(x) / n
    r1 = (sum((x[k] - mean) * (x[k + 1] - mean) for k in range(n - 1))
          / sum((v - mean) ** 2 for v in x))
    w = [x[k] - r1 * x[k - 1] for k in range(1, n)]
    if trend_free:
        w = [v + (k + 1) * b for k, v in enumerate(w)]
    s = sum((w[j] > w[i]) - (w[j] < w[i]) for i in range(len(w)) for j in range(i + 1, len(w)))
    sizes = pd.Series(w).value_counts().to_numpy()
    m = len(w)
    return s, Fraction(m * (m - 1) * (2 * m + 5) - int((sizes * (sizes - 1) *
                                                        (2 * sizes + 5)).sum()), 18)


@pytest.mark.parametrize("method", ["prewhiten", "trend-free-prewhiten"])
def test_exact_ties_of_whitened_integer_scores(equal_spaced, method):
    """Every integer series, including those pymannkendall's rounding gets wrong, against S
    and Var(S) of the whitened series in exact rational arithmetic."""
    ints = {k: v for i, (k, v) in enumerate(equal_spaced.items()) if i % 2}
    out = trend_tests(_panel(ints), method=method, exact_max_n=0).set_index("entity")
    broken = 0
    for key, (_, y) in ints.items():
        s, var = _exact_whitened_s([int(v) for v in y], method == "trend-free-prewhiten")
        assert out.loc[key, "s"] == s, key
        assert out.loc[key, "var_s"] == pytest.approx(float(var), rel=0, abs=ATOL)
        broken += _pmk(method, np.asarray(y, dtype=float)).s != s
    if method == "trend-free-prewhiten":
        assert broken >= 1  # the fixture holds series where pymannkendall breaks a tie


def _reference_gapped(t, y, method: str, alpha: float = 0.05) -> tuple[float, float]:
    """This engine's rules for gapped series, written out per series: Var(S) and p."""
    from scipy.stats import norm, rankdata, theilslopes

    t, y = np.asarray(t, float), np.asarray(y, float)
    n, h = len(y), np.diff(t).min()
    b = theilslopes(y, t).slope
    d = y - b * (t - t[0] + h)

    def acf(x, lag):
        xc = x - x.mean()
        num = sum(xc[i] * xc[j] for i in range(n) for j in range(i + 1, n)
                  if t[j] - t[i] == lag * h)
        return (num / n) / (xc @ xc / n)

    def mk_s(x):
        s = sum(np.sign(x[j] - x[i]) for i in range(len(x)) for j in range(i + 1, len(x)))
        m = len(x)
        return s, m * (m - 1) * (2 * m + 5) / 18  # continuous values: no ties

    if method in ("prewhiten", "trend-free-prewhiten"):
        x = d if method == "trend-free-prewhiten" else y
        r1 = acf(x, 1)
        w = np.array([x[k] - r1 ** round((t[k] - t[k - 1]) / h) * x[k - 1]
                      for k in range(1, n)])
        if method == "trend-free-prewhiten":
            w = w + b * (t[1:] - t[1] + h)
        s, var = mk_s(w)
    else:
        s, var = mk_s(y)
        if method == "hamed-rao":
            ranks, bound = rankdata(d), norm.ppf(1 - alpha / 2) / np.sqrt(n)
            rho = [acf(ranks, k) for k in range(1, n)]
            total = sum((n - k) * (n - k - 1) * (n - k - 2) * r
                        for k, r in zip(range(1, n), rho) if abs(r) > bound)
            var *= 1 + 2 / (n * (n - 1) * (n - 2)) * total
        else:
            var *= 1 + 2 * sum((1 - k / n) * acf(d, k) for k in range(1, n))
    z = (s - np.sign(s)) / np.sqrt(var)
    return var, 2 * norm.sf(abs(z))


@pytest.mark.parametrize("method", METHODS[1:])
def test_gapped_series_follow_real_time_lags(method):
    """With editions missing, lags count time steps, not positions (see the docstring);
    checked against the rules written out per series with scipy's pieces."""
    rng = np.random.default_rng(7)
    series = {}
    for k in range(25):
        n = int(rng.integers(12, 25))
        years = np.sort(rng.choice(np.arange(1995, 2030), n, replace=False))
        series[k] = (years, np.cumsum(rng.normal(0, 1, n)) + 0.2 * (years - years[0]))
    out = trend_tests(_panel(series), method=method, exact_max_n=0).set_index("entity")
    checked = 0
    for key, (t, y) in series.items():
        var, p = _reference_gapped(t, y, method)
        if not var > 0:
            assert np.isnan(out.loc[key, "p"])
            continue
        assert out.loc[key, "var_s"] == pytest.approx(var, rel=0, abs=ATOL)
        assert out.loc[key, "p"] == pytest.approx(p, rel=0, abs=ATOL)
        checked += 1
    assert checked >= 20


def test_gaps_are_where_pymannkendall_differs():
    """One missing edition: pymannkendall makes 2004 and 2006 neighbours, so its lag-1
    autocorrelation differs from the one here, which uses only pairs one year apart."""
    t = np.array([2000, 2001, 2002, 2003, 2004, 2006, 2007, 2008, 2009, 2010, 2011, 2012])
    y = np.array([3.0, 4.2, 4.1, 6, 5, 9, 8, 9.3, 12, 11, 13, 12.4])
    row = trend_tests(_panel({"a": (t, y)}), method="yue-wang").iloc[0]
    assert row["var_s"] != pytest.approx(_pmk("yue-wang", y).var_s, rel=1e-6)
    assert row["var_s"] == pytest.approx(_reference_gapped(t, y, "yue-wang")[0], abs=ATOL)


def test_short_series_get_the_original_test_with_a_note():
    t, y = np.arange(2015, 2024), np.array([1.0, 3, 2, 5, 4, 6, 8, 7, 9])
    for method in METHODS[1:]:
        row = trend_tests(_panel({"a": (t, y)}), method=method).iloc[0]
        plain = trend_tests(_panel({"a": (t, y)})).iloc[0]
        assert row["method"] == "original" and row["p"] == plain["p"]
        assert ("n = 9 < 10: too short to estimate persistence, so p is from the original "
                "test, which assumes independent years") in row["note"]


def test_negative_variance_factor_is_not_tested_with_a_note():
    # an MA(1) draw with strong negative lag-1 autocorrelation
    y = np.array([7.0, -19, 16, 1, 3, -18, 4, 2, -8, 28, -21, 8])
    row = trend_tests(_panel({"a": (np.arange(2000, 2012), y)}), method="hamed-rao").iloc[0]
    assert _pmk("hamed-rao", y).var_s < 0  # pymannkendall: a negative variance, p = NaN
    assert np.isnan(row["p"]) and row["p_method"] == "none" and np.isnan(row["q"])
    assert "hamed-rao correction undefined" in row["note"]


def test_acf1_note_when_independence_is_doubtful():
    y = np.array([10.0, 12, 13, 13, 12, 10, 9, 9, 10, 12, 14, 15, 15, 14])  # smooth wave
    row = trend_tests(_panel({"a": (np.arange(2000, 2014), y)})).iloc[0]
    band = 1.959963984540054 / np.sqrt(14)
    assert row["acf1"] > band
    assert (f"lag-1 autocorrelation {row['acf1']:.2f} is beyond +-{band:.2f} (z / sqrt(n) at "
            "0.05): independence is doubtful and p may be too small; consider "
            "method='hamed-rao'") in row["note"]
    corrected = trend_tests(_panel({"a": (np.arange(2000, 2014), y)}), method="yue-wang")
    assert "autocorrelation" not in corrected.iloc[0]["note"]
    assert corrected.iloc[0]["acf1"] == pytest.approx(row["acf1"], abs=1e-15)


# ---------------------------------------------------------------------------------------------
# bundled real data


@pytest.mark.parametrize("method", METHODS)
def test_fiw_totals_match_pymannkendall(method):
    from scoring import load_dataset

    d = load_dataset("fiw")
    d = d[d["ct"] == "c"][["iso3", "edition", "total"]].dropna()
    series = {k: (g["edition"].to_numpy(), g["total"].to_numpy(dtype=float))
              for k, g in d.sort_values("edition").groupby("iso3")
              if len(g) >= CORRECTION_MIN_N}
    assert all((np.diff(t) == 1).all() for t, _ in series.values())  # no gaps: comparable
    out = trend_tests(d, entity="iso3", time="edition", value="total", method=method,
                      exact_max_n=0).set_index("iso3")
    assert _compare(out, series, method) >= (180 if "prewhiten" not in method else 90)
    if "prewhiten" in method:  # every series, the skipped ones too, exactly
        for key, (_, y) in series.items():
            if out.loc[key, "note"] != "constant series: no trend can be tested":
                s, var = _exact_whitened_s([int(v) for v in y], "trend-free" in method)
                assert out.loc[key, "s"] == s, key
                assert out.loc[key, "var_s"] == pytest.approx(float(var), rel=0, abs=ATOL)


def test_fotn_category_notes_and_families():
    from scoring import country_trends

    out = country_trends(index="fotn", series="categories", fdr_by="series")
    tested = out[out["p"].notna()]
    short = tested[tested["n"] <= 5]
    assert len(short) >= 10
    assert short["note"].str.contains("sen_lo and sen_hi are the smallest and largest").all()
    at4 = tested[tested["n"] == 4]
    assert at4["note"].str.contains(r"smallest attainable p is 0\.\d+ > 0\.05: no trend").all()
    assert at4["note"].str.contains("smallest attainable p is 0.083 > 0.05").any()
    hopeless = tested["note"].str.contains("smallest attainable p")
    assert (tested.loc[hopeless, "p"] > 0.05).all()  # what cannot be reached was not
    for key in ("access", "content", "rights"):
        fam = tested[tested["series"] == key]
        assert (fam["q_family"] == f"all {len(fam)} tested {key} category series of this "
                                   "call").all()
    pooled = country_trends(index="fotn", series="categories")
    assert (pooled.loc[pooled["p"].notna(), "q_family"]
            == f"all {len(tested)} tested series of this call").all()
    assert (out.loc[out["p"].isna(), "q_family"] == "").all()
