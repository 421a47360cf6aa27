"""Re-scoring robustness: the measurement-error model against brute force, its properties, and
the real FOTN and FIW data; the question-level sign test against scipy."""

import itertools
import math
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest, false_discovery_control

from scoring import compare, load_dataset, load_methodology
from scoring.errors import ScoringError
from scoring.analysis.consistency import question_consistency
from scoring.analysis.robustness import rescoring_robustness
from scoring.inference.rescoring import ChangeDistribution, perturbed_change_distribution
from scoring.inference.sign import binomial_two_sided_p as _binom_two_sided_p

FOTN = load_methodology("fotn")
FOTN_Q = [c.key for c in FOTN.questions]
FOTN_MAX = {c.key: c.max for c in FOTN.questions}
PROBS = ["p_decline", "p_improve", "p_unchanged"]


@pytest.fixture(scope="module")
def fotn():
    return load_dataset("fotn")


@pytest.fixture(scope="module")
def totals_only(fotn):
    """FOTN 2011 and 2012 with totals only, as the DA2I series gives them (the booklets'
    categories removed): how an edition without category scores is perturbed."""
    out = fotn.copy()
    out.loc[out["edition"].isin([2011, 2012]), ["access", "content", "rights"]] = pd.NA
    return out


@pytest.fixture(scope="module")
def fiw():
    return load_dataset("fiw")


# -- an independent reference: enumerate every outcome ----------------------------------------
def brute_force(items_from, items_to, lo_from, hi_from, lo_to, hi_to, p, fixed=(0.0, 0.0)):
    """{change: probability} over all 3**(k_from + k_to) moves, clipping each moved value."""
    x = list(items_from) + list(items_to)
    lo = list(lo_from) + list(lo_to)
    hi = list(hi_from) + list(hi_to)
    sign = [-1] * len(items_from) + [1] * len(items_to)
    weight = {-1: p / 2, 0: 1 - p, 1: p / 2}
    out = {}
    for moves in itertools.product((-1, 0, 1), repeat=len(x)):
        prob = math.prod(weight[e] for e in moves)
        change = fixed[1] - fixed[0] + sum(
            s * min(max(v + e, a), b) for s, v, e, a, b in zip(sign, x, moves, lo, hi))
        out[change] = out.get(change, 0.0) + prob
    return out


def as_arrays(cases):
    """Stack cases (items_from, items_to, max_from, max_to) into NaN-padded arrays, min 0."""
    kf = max(len(c[0]) for c in cases)
    kt = max(len(c[1]) for c in cases)
    n = len(cases)
    xf, xt = np.full((n, kf), np.nan), np.full((n, kt), np.nan)
    hf, ht = np.zeros((n, kf)), np.zeros((n, kt))
    for i, (f, t, mf, mt) in enumerate(cases):
        xf[i, :len(f)], hf[i, :len(f)] = f, mf
        xt[i, :len(t)], ht[i, :len(t)] = t, mt
    return dict(items_from=xf, items_to=xt, min_from=0, max_from=hf, min_to=0, max_to=ht)


# Small cases with items at 0 and at their maximum, so clipping matters.
CASES = [
    ([0.0], [0.0], [4], [4]),               # both at the floor
    ([4.0], [4.0], [4], [4]),               # both at the ceiling
    ([0.0], [4.0], [4], [4]),               # floor to ceiling
    ([2.0], [3.0], [4], [4]),               # interior
    ([0.0, 6.0], [1.0], [6, 6], [3]),       # floor and ceiling on one side, 2 vs 1 item
    ([3.0, 0.0, 4.0], [3.0, 1.0, 4.0], [3, 6, 4], [3, 6, 4]),
    ([1.0], [0.0, 0.0, 2.0], [1], [2, 4, 2]),
    ([0.0], [0.0], [0], [0]),               # a degenerate item that can never move
]


def test_pmf_sums_to_one_and_matches_values():
    d = perturbed_change_distribution(**as_arrays(CASES), p=0.3, method="exact")
    np.testing.assert_allclose(d.pmf.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(d.p_decline + d.p_improve + d.p_unchanged, 1.0, atol=1e-12)
    assert d.values.shape == d.pmf.shape and d.draws is None


@pytest.mark.parametrize("p", [0.0, 0.1, 0.5, 1.0])
def test_exact_equals_brute_force(p):
    d = perturbed_change_distribution(**as_arrays(CASES), p=p, method="exact")
    for i, (f, t, mf, mt) in enumerate(CASES):
        ref = brute_force(f, t, [0] * len(f), mf, [0] * len(t), mt, p)
        got = {v: q for v, q in zip(d.values[i], d.pmf[i]) if q > 0 or v in ref}
        assert set(ref) <= set(got)
        for v, q in got.items():
            assert q == pytest.approx(ref.get(v, 0.0), abs=1e-12), (i, v)


@st.composite
def small_case(draw):
    def side():
        k = draw(st.integers(1, 3))
        maxima = [draw(st.integers(0, 5)) for _ in range(k)]
        # Values drawn from {0, max, anything}: bounds come up often.
        values = [float(draw(st.sampled_from([0, m, draw(st.integers(0, m))])))
                  for m in maxima]
        return values, maxima

    (f, mf), (t, mt) = side(), side()
    return f, t, mf, mt


@settings(max_examples=60, deadline=None)
@given(st.lists(small_case(), min_size=1, max_size=4), st.floats(0, 1),
       st.integers(-3, 3), st.integers(-3, 3))
def test_exact_equals_brute_force_random(cases, p, fixed_from, fixed_to):
    arrays = as_arrays(cases)
    d = perturbed_change_distribution(**arrays, fixed_from=fixed_from, fixed_to=fixed_to,
                                      p=p, method="exact")
    for i, (f, t, mf, mt) in enumerate(cases):
        ref = brute_force(f, t, [0] * len(f), mf, [0] * len(t), mt, p,
                          fixed=(fixed_from, fixed_to))
        full = dict(zip(d.values[i].tolist(), d.pmf[i].tolist()))
        for v, q in full.items():
            assert q == pytest.approx(ref.get(v, 0.0), abs=1e-12)
        assert sum(ref.values()) == pytest.approx(1.0, abs=1e-12)
        assert set(ref) <= set(full)


@pytest.mark.parametrize("p", [0.1, 0.5, 1.0])
def test_monte_carlo_within_4_5_standard_errors_of_brute_force(p):
    draws = 20000
    d = perturbed_change_distribution(**as_arrays(CASES), p=p, draws=draws, seed=12345)
    assert d.counts.sum(axis=1).tolist() == [draws] * len(CASES)
    for i, (f, t, mf, mt) in enumerate(CASES):
        ref = brute_force(f, t, [0] * len(f), mf, [0] * len(t), mt, p)
        expect = {"p_decline": sum(q for v, q in ref.items() if v < 0),
                  "p_improve": sum(q for v, q in ref.items() if v > 0),
                  "p_unchanged": sum(q for v, q in ref.items() if v == 0)}
        for name, e in expect.items():
            got = getattr(d, name)[i]
            e = min(max(e, 0.0), 1.0)  # a sum of probabilities can overshoot 1 by rounding
            se = math.sqrt(e * (1 - e) / draws)
            if se == 0:
                assert got == pytest.approx(e, abs=1e-15), (i, name)
            else:
                assert abs(got - e) <= 4.5 * se, (i, name, got, e, se)


def test_monte_carlo_chunking_keeps_every_draw():
    # 9999 draws in chunks of 7: the last chunk is short; the histogram still counts them all.
    d = perturbed_change_distribution(**as_arrays(CASES), p=0.4, draws=9999, seed=3,
                                      chunk_size=7)
    assert d.counts.sum(axis=1).tolist() == [9999] * len(CASES)
    e = perturbed_change_distribution(**as_arrays(CASES), p=0.4, method="exact")
    pe = np.clip(e.p_decline, 0, 1)
    se = np.sqrt(pe * (1 - pe) / 9999)
    assert np.all(np.abs(d.p_decline - e.p_decline) <= 4.5 * se + 1e-15)


def test_monte_carlo_p_zero_and_one():
    a = as_arrays(CASES)
    d0 = perturbed_change_distribution(**a, p=0.0, draws=500)
    assert np.all(d0.p_unchanged[d0.model_delta == 0] == 1.0)
    np.testing.assert_array_equal(d0.quantile(0.0), d0.model_delta)
    np.testing.assert_array_equal(d0.quantile(1.0), d0.model_delta)
    # p = 1: the degenerate item (case 7) still never moves.
    d1 = perturbed_change_distribution(**a, p=1.0, draws=500)
    assert d1.p_unchanged[7] == 1.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=400),
       st.sampled_from([0.025, 0.1, 0.5, 0.9, 0.975]))
def test_quantile_is_numpys_inverted_cdf(sample, q):
    # Reference: numpy.quantile(sample, q, method="inverted_cdf"), on a distribution built
    # from the sample's counts.
    sample = np.array(sample)
    n = len(sample)
    offsets = np.arange(-5, 6)
    counts = np.array([[int((sample == v).sum()) for v in offsets]])
    d = ChangeDistribution(np.zeros(1), offsets, counts / n, "monte-carlo", n, 0.1, counts)
    if abs(n * q - round(n * q)) > 1e-6:  # away from atoms numpy's rounding could tip
        assert d.quantile(q)[0] == np.quantile(sample, q, method="inverted_cdf")
    # The definition: the smallest value whose empirical CDF reaches q.
    cdf = np.array([(sample <= v).mean() for v in offsets])
    assert d.quantile(q)[0] == offsets[np.argmax(cdf >= q - 1e-12)]


def test_quantile_does_not_step_past_an_exact_atom():
    # 40 values, 500 draws each: P(X <= 0) = 0.025 exactly. (1 - 0.95) / 2 rounds to
    # 0.025000000000000022, with which numpy's inverted_cdf returns 1; the rule returns 0.
    offsets = np.arange(0, 40)
    counts = np.full((1, 40), 500)
    d = ChangeDistribution(np.zeros(1), offsets, counts / 20000, "monte-carlo", 20000, 0.1,
                           counts)
    assert d.quantile((1 - 0.95) / 2)[0] == 0
    assert d.quantile((1 + 0.95) / 2)[0] == 38  # P(X <= 38) = 0.975 exactly


def test_reversed_is_the_mirror_image():
    d = perturbed_change_distribution(**as_arrays(CASES), p=0.3, method="exact")
    r = d.reversed()
    np.testing.assert_array_equal(r.model_delta, -d.model_delta)
    np.testing.assert_allclose(r.p_decline, d.p_improve, atol=1e-15)
    np.testing.assert_allclose(r.p_unchanged, d.p_unchanged, atol=1e-15)


def test_array_input_checks():
    ok = as_arrays([([1.0], [2.0], [4], [4])])
    with pytest.raises(ValueError, match=r"items_to must be integers within \[min_to, max_to\]"
                                         r"; got 5 outside \[0, 4\]"):
        perturbed_change_distribution(**{**ok, "items_to": np.array([[5.0]])})
    with pytest.raises(ValueError, match="items_from must be integers"):
        perturbed_change_distribution(**{**ok, "items_from": np.array([[1.5]])})
    with pytest.raises(ValueError, match="items_from must be two-dimensional"):
        perturbed_change_distribution(**{**ok, "items_from": np.array([1.0])})
    with pytest.raises(ValueError, match="one row per country"):
        perturbed_change_distribution(**{**ok, "items_to": np.array([[1.0], [2.0]]),
                                         "max_to": 4})
    with pytest.raises(ValueError, match="min <= max"):
        perturbed_change_distribution(**{**ok, "min_from": 3, "max_from": 2})
    with pytest.raises(ValueError, match="fixed_to must be finite"):
        perturbed_change_distribution(**ok, fixed_to=np.nan)
    with pytest.raises(ValueError, match=r"chunk_size must be an integer >= 1; got 0"):
        perturbed_change_distribution(**ok, chunk_size=0)
    with pytest.raises(ValueError, match=r"q must lie in \[0, 1\]"):
        perturbed_change_distribution(**ok, method="exact").quantile(1.5)


# -- synthetic score frames for the properties -------------------------------------------------
@st.composite
def fotn_frames(draw):
    """FOTN 2023 and 2024 rows with every question, for 1-6 countries."""
    n = draw(st.integers(1, 6))
    rows = []
    for i in range(n):
        iso = "X" + chr(65 + i // 26) + chr(65 + i % 26)
        for ed in (2023, 2024):
            q = {k: float(draw(st.sampled_from([0, mx, draw(st.integers(0, mx))])))
                 for k, mx in FOTN_MAX.items()}
            cats = {c.key: sum(q[t] for _, t in c.terms) for c in FOTN.categories}
            rows.append({"index": "fotn", "edition": ed, "iso3": iso, "country": f"Land {iso}",
                         "status": None, "orientation": "higher-is-freer",
                         "total": sum(cats.values()), **cats, **q, "source": "synthetic",
                         "source_row": len(rows) + 2, "flags": ""})
    frame = pd.DataFrame(rows)
    frame["edition"] = frame["edition"].astype("Int64")
    return frame


def run(data, **kw):
    kw = {"index": "fotn", "from_edition": 2023, "to_edition": 2024, **kw}
    return rescoring_robustness(data, **kw)


@settings(max_examples=25, deadline=None)
@given(fotn_frames(), st.sampled_from(["monte-carlo", "exact"]))
def test_p_zero_is_the_published_change(data, method):
    r = run(data, p=0.0, draws=50, method=method)
    changed = r["delta"] != 0
    assert (r["robust"] == changed).all()
    assert (r["change_low"] == r["model_delta"]).all()
    assert (r["change_high"] == r["model_delta"]).all()
    assert (r["model_delta"] == r["delta"]).all()
    assert (r["p_sign"] == 1.0).all() and (r["mc_se"] == 0.0).all()


@settings(max_examples=25, deadline=None)
@given(fotn_frames(), st.floats(0, 1))
def test_swapping_editions_mirrors_exactly(data, p):
    fwd = run(data, p=p, method="exact").set_index("iso3").sort_index()
    back = run(data, p=p, method="exact", from_edition=2024,
               to_edition=2023).set_index("iso3").sort_index()
    assert (back["delta"] == -fwd["delta"]).all()
    assert (back["model_delta"] == -fwd["model_delta"]).all()
    assert (back["p_decline"] == fwd["p_improve"]).all()  # exactly, not approximately
    assert (back["p_improve"] == fwd["p_decline"]).all()
    assert (back["p_unchanged"] == fwd["p_unchanged"]).all()
    assert (back["items_from"] == fwd["items_to"]).all()
    # The central interval mirrors too (found by an independent review: the upper end used
    # to be a one-sided quantile, so a symmetric distribution got a lopsided interval).
    assert (back["change_low"] == -fwd["change_high"]).all()
    assert (back["change_high"] == -fwd["change_low"]).all()


def test_symmetric_distribution_gets_a_symmetric_interval():
    # Values 1, 2, 3 with probabilities .025, .95, .025: the 95% interval is [1, 3].
    d = perturbed_change_distribution([[np.nan]], [[2.0]], min_from=[0], max_from=[4],
                                      min_to=[0], max_to=[4], p=0.05, method="exact")
    low, high = d.central_interval(0.95)
    assert (low[0], high[0]) == (1, 3)
    low, high = d.reversed().central_interval(0.95)
    assert (low[0], high[0]) == (-3, -1)


@settings(max_examples=15, deadline=None)
@given(fotn_frames(), st.randoms(use_true_random=False))
def test_row_order_changes_nothing(data, rnd):
    shuffled = data.iloc[rnd.sample(range(len(data)), len(data))].reset_index(drop=True)
    a = run(data, draws=300, seed=7)
    b = run(shuffled, draws=300, seed=7)
    key = ["iso3"]
    pd.testing.assert_frame_equal(a.sort_values(key).reset_index(drop=True),
                                  b.sort_values(key).reset_index(drop=True))


@settings(max_examples=20, deadline=None)
@given(fotn_frames(), st.floats(0, 1))
def test_probabilities_are_a_distribution(data, p):
    r = run(data, p=p, draws=200, seed=1)
    np.testing.assert_allclose(r[PROBS].sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert ((r[PROBS] >= 0) & (r[PROBS] <= 1)).all().all()
    assert (r["change_low"] <= r["change_high"]).all()
    assert not r.loc[r["delta"] == 0, "robust"].any()
    assert r.loc[r["delta"] == 0, "q_flip"].isna().all()


def test_same_seed_same_result_other_seed_other_draws(fotn):
    kw = dict(index="fotn", from_edition=2023, to_edition=2024, draws=4000)
    a, b = rescoring_robustness(fotn, seed=5, **kw), rescoring_robustness(fotn, seed=5, **kw)
    pd.testing.assert_frame_equal(a, b)
    c = rescoring_robustness(fotn, seed=6, **kw)
    assert not np.array_equal(a["p_decline"], c["p_decline"])
    e1 = rescoring_robustness(fotn, seed=5, method="exact", **kw)
    e2 = rescoring_robustness(fotn, seed=6, method="exact", **kw)
    pd.testing.assert_frame_equal(e1, e2)
    assert (e1["mc_se"] == 0).all()


# -- real data ----------------------------------------------------------------------------------
def pmf_by_polynomials(x_from, x_to, max_from, max_to, p):
    """Reference for the exact method: multiply per-item generating polynomials with
    numpy.convolve (offsets -k..k), written independently of scoring.analysis.robustness."""
    poly = np.array([1.0])
    for x, mx, side in [(v, m, -1) for v, m in zip(x_from, max_from)] + \
                       [(v, m, 1) for v, m in zip(x_to, max_to)]:
        down = p / 2 if x > 0 else 0.0   # the item's own move down / up
        up = p / 2 if x < mx else 0.0
        minus, plus = (down, up) if side > 0 else (up, down)
        poly = np.convolve(poly, [minus, 1 - down - up, plus])
    return poly  # index j <-> offset j - (len(poly) - 1) / 2


def test_fotn_2023_2024_questions(fotn):
    r = rescoring_robustness(fotn, index="fotn", from_edition=2023, to_edition=2024,
                             method="exact")
    c = compare(fotn, index="fotn", from_edition=2023, to_edition=2024).rows
    # Same countries, same order, same deltas as compare().
    assert r["iso3"].tolist() == c["iso3"].tolist() and len(r) == 70
    assert r["delta"].tolist() == c["delta"].tolist()
    assert (r["model_delta"] == r["delta"]).all()
    assert (r[["items_from", "items_to"]] == "questions").all().all()
    assert (r[["n_items_from", "n_items_to"]] == 21).all().all()
    assert (r["note"] == "").all()
    np.testing.assert_allclose(r[PROBS].sum(axis=1), 1.0, rtol=0, atol=1e-12)
    # Kyrgyzstan fell 4 points (FOTN 2024, 53 -> 49): with p = 0.1 the decline almost surely
    # survives. 0.9575 is the exact value (the polynomial reference below pins it).
    kgz = r.set_index("iso3").loc["KGZ"]
    assert kgz["delta"] == -4 and kgz["p_decline"] > 0.95
    # Every row against the independent polynomial product.
    data = fotn[fotn["edition"].isin([2023, 2024])].set_index(["iso3", "edition"])
    maxima = [FOTN_MAX[k] for k in FOTN_Q]
    for row in r.itertuples():
        xf = data.loc[(row.iso3, 2023), FOTN_Q].tolist()
        xt = data.loc[(row.iso3, 2024), FOTN_Q].tolist()
        poly = pmf_by_polynomials(xf, xt, maxima, maxima, 0.1)
        k = (len(poly) - 1) // 2
        change = row.model_delta + np.arange(-k, k + 1)
        assert row.p_decline == pytest.approx(poly[change < 0].sum(), abs=1e-12)
        assert row.p_improve == pytest.approx(poly[change > 0].sum(), abs=1e-12)
    unchanged = r["delta"] == 0
    assert unchanged.sum() == 25 and not r.loc[unchanged, "robust"].any()
    assert (r.loc[unchanged, "p_sign"] == r.loc[unchanged, "p_unchanged"]).all()
    # q_flip: Benjamini-Hochberg over the changed countries only.
    # Reference: scipy.stats.false_discovery_control(p_flip of changed, method="bh").
    changed = r.loc[~unchanged]
    np.testing.assert_allclose(changed["q_flip"],
                               false_discovery_control(changed["p_flip"].clip(0, 1)),
                               rtol=0, atol=1e-12)
    # robust is on the reversal (the strictly opposite sign), not on the flip (which counts a
    # re-scored change of 0 too): Kyrgyzstan's p_flip 0.0425 is 0.0144 reversal + 0.0281 zero.
    rev = np.where(changed["delta"] < 0, changed["p_improve"], changed["p_decline"])
    np.testing.assert_allclose(changed["p_reversal"], rev, rtol=0, atol=0)
    np.testing.assert_allclose(changed["p_zero"], changed["p_unchanged"], rtol=0, atol=0)
    np.testing.assert_allclose(changed["p_reversal"] + changed["p_zero"], changed["p_flip"],
                               rtol=0, atol=1e-12)
    np.testing.assert_allclose(changed["q_reversal"],
                               false_discovery_control(changed["p_reversal"].clip(0, 1)),
                               rtol=0, atol=1e-12)
    assert r.loc[unchanged, ["p_reversal", "p_zero", "q_reversal"]].isna().all().all()
    assert (r["robust"] == (~unchanged & (r["p_reversal"] <= 0.05))).all()
    assert kgz["p_reversal"] == pytest.approx(0.014364, abs=1e-6)
    assert kgz["p_zero"] == pytest.approx(0.028088, abs=1e-6)
    assert sorted(r.loc[r["robust"], "iso3"]) == ["AZE", "BLR", "IRQ", "KGZ", "ZMB", "ZWE"]
    # The effective error rate: p inside the range, p/2 at a bound (an item there can only
    # move inward). Belarus has 16 of its 42 items at a bound: 0.1 * (1 - 8/42).
    blr = r.set_index("iso3").loc["BLR"]
    assert blr["items_at_bound"] == 16 and blr["error_rate"] == pytest.approx(0.1 * (1 - 8 / 42))
    assert kgz["items_at_bound"] == 0 and kgz["error_rate"] == pytest.approx(0.1)


def test_fotn_2023_2024_monte_carlo_agrees_with_exact(fotn):
    kw = dict(index="fotn", from_edition=2023, to_edition=2024)
    mc = rescoring_robustness(fotn, draws=4000, seed=11, **kw)
    ex = rescoring_robustness(fotn, method="exact", **kw)
    pe = ex[PROBS].clip(0, 1)
    se = np.sqrt(pe * (1 - pe) / 4000)
    assert ((mc[PROBS] - ex[PROBS]).abs() <= 4.5 * se + 1e-12).all().all()
    np.testing.assert_allclose(mc["mc_se"], np.sqrt(mc["p_sign"] * mc["p_flip"] / 4000))


def test_fotn_2015_2024_categories_to_questions_across_the_inversion(fotn):
    r = rescoring_robustness(fotn, index="fotn", from_edition=2015, to_edition=2024,
                             method="exact")
    c = compare(fotn, index="fotn", from_edition=2015, to_edition=2024)
    assert r["iso3"].tolist() == c.rows["iso3"].tolist()
    assert r["delta"].tolist() == c.rows["delta"].tolist()
    assert (r["items_from"] == "categories").all() and (r["items_to"] == "questions").all()
    assert (r["n_items_from"] == 21).all() and (r["n_items_to"] == 21).all()  # split
    coarse = rescoring_robustness(fotn, index="fotn", from_edition=2015, to_edition=2024,
                                  method="exact", coarse="as-published")
    assert (coarse["n_items_from"] == 3).all()
    assert any("Scales converted" in n for n in r.attrs["notes"])
    # Myanmar, canonical: 2015 published lower-is-freer 63 -> 37 (FOTN 2015); 2024 = 9.
    mmr = r.set_index("iso3").loc["MMR"]
    assert mmr["delta"] == -28 and mmr["robust"]
    # South Africa 2015: categories 8 + 7 + 11 = 26 but the published total is 27 (flagged
    # "sum"); canonically 74 vs 73. The model uses the sum, so model_delta = delta - 1.
    zaf = r.set_index("iso3").loc["ZAF"]
    assert zaf["delta"] == 1 and zaf["model_delta"] == 0
    assert "2015: categories sum to 74 but the published total is 73" in zaf["note"]
    assert "p_sign is for the published direction" in zaf["note"]
    assert zaf["p_sign"] == zaf["p_improve"]
    others = r.loc[r["iso3"] != "ZAF", "note"]
    assert (others == "2015: categories only; each perturbed as the sum of its questions' "
                      "errors (21 in all, unclipped)").all()


def test_fotn_2011_2012_totals_only(totals_only):
    fotn = totals_only
    r = rescoring_robustness(fotn, index="fotn", from_edition=2011, to_edition=2012,
                             method="exact", coarse="as-published")
    assert len(r) == 37
    assert (r[["items_from", "items_to"]] == "total").all().all()
    assert (r[["n_items_from", "n_items_to"]] == 1).all().all()
    assert r["note"].str.contains("2011: total only, perturbed as one item on \\[0, 100\\]").all()
    # One item per edition: the change moves at most 2 points.
    assert (r["change_low"] >= r["delta"] - 2).all() and (r["change_high"] <= r["delta"] + 2).all()
    # By hand, for an interior total: P(offset = -1) = 2 (p/2)(1 - p), P(-2) = (p/2)^2, so a
    # one-point improvement survives with 1 - p(1 - p) - p^2/4 = 0.9075 at p = 0.1.
    one_up = r[r["delta"] == 1]
    assert set(one_up["iso3"]) == {"CUB", "DEU", "USA"}  # in the 2011 and 2012 booklets
    np.testing.assert_allclose(one_up["p_improve"], 0.9075, rtol=0, atol=1e-12)
    mc = rescoring_robustness(fotn, index="fotn", from_edition=2011, to_edition=2012,
                              draws=4000, seed=2, coarse="as-published")
    assert mc["note"].tolist() == r["note"].tolist()


def test_totals_only_split_into_question_errors(fotn, totals_only):
    # Default coarse="split": a totals-only FOTN edition carries the errors of 21 questions,
    # unclipped. Reference: the change's offset is the sum of 42 independent -1/0/+1 errors,
    # convolved here with numpy directly.
    p = 0.1
    r = rescoring_robustness(totals_only, index="fotn", from_edition=2011, to_edition=2012,
                             method="exact", p=p)
    assert (r[["n_items_from", "n_items_to"]] == 21).all().all()
    assert r["note"].str.contains("2011: total only; each perturbed as the sum of its "
                                  r"questions. errors \(21 in all, unclipped\)").all()
    one = np.array([p / 2, 1 - p, p / 2])
    pmf = np.array([1.0])
    for _ in range(42):
        pmf = np.convolve(pmf, one)
    offsets = np.arange(-42, 43)
    for delta in (1, 3, -5):
        rows = r[r["delta"] == delta]
        if len(rows):
            want = pmf[offsets + delta > 0].sum() if delta > 0 else pmf[offsets + delta < 0].sum()
            got = rows["p_improve" if delta > 0 else "p_decline"]
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    # Totals-only changes are then no more robust than question-level ones of the same size.
    q = rescoring_robustness(fotn, index="fotn", from_edition=2023, to_edition=2024,
                             method="exact", p=p)
    assert r.loc[r["delta"] == -2, "p_decline"].max() < 0.85
    assert abs(r.loc[r["delta"] == -2, "p_decline"].iloc[0]
               - q.loc[q["delta"] == -2, "p_decline"].median()) < 0.05


def test_fiw_2021_2022_indicators_with_fixed_addq(fiw):
    kw = dict(index="fiw", from_edition=2021, to_edition=2022)
    r = rescoring_robustness(fiw, method="exact", **kw)
    c = compare(fiw, **kw).rows
    assert r["iso3"].tolist() == c["iso3"].tolist() and len(r) == 195  # countries only
    assert (r[["items_from", "items_to"]] == "questions").all().all()
    assert (r[["n_items_from", "n_items_to"]] == 25).all().all()  # AddQ is not an item
    assert (r["model_delta"] == r["delta"]).all() and (r["note"] == "").all()
    np.testing.assert_allclose(r[PROBS].sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert len(rescoring_robustness(fiw, method="exact", include_territories=True, **kw)) == 210
    # AddQ held fixed: raising China's 2022 AddQ by 1 (and PR, total with it) shifts its
    # whole change distribution down by exactly one point and changes nothing else.
    data = fiw.copy()
    at = (data["iso3"] == "CHN") & (data["edition"] == 2022)
    assert data.loc[at, "addq"].item() == 3
    for col, step in (("addq", 1), ("pr", -1), ("total", -1)):
        data.loc[at, col] += step
    s = rescoring_robustness(data, method="exact", **kw).set_index("iso3").loc["CHN"]
    o = r.set_index("iso3").loc["CHN"]
    assert s["delta"] == o["delta"] - 1 and s["model_delta"] == o["model_delta"] - 1
    assert (s["change_low"], s["change_high"]) == (o["change_low"] - 1, o["change_high"] - 1)
    assert s["n_items_to"] == 25


def test_fiw_monte_carlo_agrees_with_exact(fiw):
    kw = dict(index="fiw", from_edition=2021, to_edition=2022)
    mc = rescoring_robustness(fiw, draws=4000, seed=4, **kw)
    ex = rescoring_robustness(fiw, method="exact", **kw)
    pe = ex[PROBS].clip(0, 1)
    se = np.sqrt(pe * (1 - pe) / 4000)
    assert ((mc[PROBS] - ex[PROBS]).abs() <= 4.5 * se + 1e-12).all().all()


def test_real_data_runs_quickly(fotn, fiw):
    # Not a benchmark: a loose guard that the simulation is vectorised (a Python loop over
    # 20000 draws x 70 countries would take minutes).
    start = time.perf_counter()
    rescoring_robustness(fotn, index="fotn", from_edition=2023, to_edition=2024, draws=20000)
    assert time.perf_counter() - start < 10


def test_model_is_stated(fotn):
    r = rescoring_robustness(fotn, index="fotn", from_edition=2023, to_edition=2024,
                             p=0.2, alpha=0.1, draws=100, seed=3, interval=0.9)
    m = r.attrs["model"]
    assert {k: m[k] for k in ("p", "alpha", "draws", "seed", "interval", "method")} == {
        "p": 0.2, "alpha": 0.1, "draws": 100, "seed": 3, "interval": 0.9,
        "method": "monte-carlo"}
    assert "p/2" in m["statement"] and "clipped" in m["statement"]
    limits = " ".join(m["limits"])
    for word in ("independent", "symmetric", "not p-values", "sensitivity analysis",
                 "correlated rater"):
        assert word in limits
    assert list(r.columns) == [
        "iso3", "country", "delta", "model_delta", "items_from", "items_to", "n_items_from",
        "n_items_to", "p_decline", "p_improve", "p_unchanged", "change_low", "change_high",
        "p_sign", "p_flip", "q_flip", "p_reversal", "p_zero", "q_reversal", "robust", "mc_se",
        "items_at_bound", "error_rate", "note"]
    assert r["robust"].dtype == bool


@pytest.mark.parametrize("kw, message", [
    ({"p": -0.1}, r"p must be a number in \[0, 1\]; got -0.1"),
    ({"p": 1.5}, r"p must be a number in \[0, 1\]; got 1.5"),
    ({"p": float("nan")}, r"p must be a number in \[0, 1\]; got nan"),
    ({"p": "0.1"}, r"p must be a number in \[0, 1\]; got '0.1'"),
    ({"alpha": 0}, r"alpha must be a number strictly between 0 and 1; got 0"),
    ({"alpha": 1.0}, r"alpha must be a number strictly between 0 and 1; got 1.0"),
    ({"interval": 1}, r"interval must be a number strictly between 0 and 1; got 1"),
    ({"draws": 0}, r"draws must be an integer >= 1; got 0"),
    ({"draws": 2.5}, r"draws must be an integer >= 1; got 2.5"),
    ({"draws": True}, r"draws must be an integer >= 1; got True"),
    ({"method": "mc"}, r"method must be one of 'monte-carlo', 'exact'; got 'mc'"),
])
def test_bad_parameters(fotn, kw, message):
    with pytest.raises(ValueError, match=message):
        rescoring_robustness(fotn, index="fotn", from_edition=2023, to_edition=2024, **kw)


def test_selection_errors_come_from_compare(fotn):
    with pytest.raises(ValueError, match="to_edition must be an edition in the data"):
        rescoring_robustness(fotn, index="fotn", from_edition=2023, to_edition=2010)
    r = rescoring_robustness(fotn, index="fotn", from_edition=2023, to_edition=2024,
                             countries=["kgz", "DEU"], method="exact")
    assert sorted(r["iso3"]) == ["DEU", "KGZ"]


def test_item_scores_outside_the_methodology_are_listed(fotn):
    data = fotn.copy()
    bad = data["edition"].eq(2024) & data["iso3"].isin(["KGZ", "DEU"])
    data.loc[bad, "A2"] = 9.0  # A2 is scored 0-3
    with pytest.raises(ScoringError, match=r"2 item scores not a whole number within the "
                                           r"methodology's range.*: DEU 2024 A2 = 9; "
                                           r"KGZ 2024 A2 = 9$"):
        rescoring_robustness(data, index="fotn", from_edition=2023, to_edition=2024)


# -- question_consistency -----------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.integers(1, 80).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
       st.sampled_from([0.5, 0.3, 0.71]))
def test_binomial_p_matches_scipy(kn, p0):
    k, n = kn
    # Reference: scipy.stats.binomtest(k, n, p0).pvalue (two-sided).
    assert _binom_two_sided_p(k, n, p0) == pytest.approx(binomtest(k, n, p0).pvalue,
                                                         rel=1e-12, abs=1e-300)


def test_question_consistency_fotn_2023_2024(fotn):
    r = question_consistency(fotn, index="fotn", from_edition=2023, to_edition=2024)
    c = compare(fotn, index="fotn", from_edition=2023, to_edition=2024).rows
    assert r["iso3"].tolist() == c["iso3"].tolist()
    # Counts recomputed from the question columns directly.
    wide = fotn[fotn["edition"].isin([2023, 2024])].set_index(["edition", "iso3"])[FOTN_Q]
    diff = wide.loc[2024].loc[r["iso3"]] - wide.loc[2023].loc[r["iso3"]]
    assert r["down"].tolist() == (diff < 0).sum(axis=1).tolist()
    assert r["up"].tolist() == (diff > 0).sum(axis=1).tolist()
    assert ((r["down"] + r["up"] + r["unchanged"]) == r["n_questions"]).all()
    assert (r["n_questions"] == 21).all()
    # Question changes add up to the change of the total (2023-2024 totals are question sums).
    assert diff.sum(axis=1).tolist() == r["delta"].tolist()
    assert (r.loc[r["delta"] < 0, "down"] >= 1).all() and (r.loc[r["delta"] > 0, "up"] >= 1).all()
    tested = r["down"] + r["up"] > 0
    for row in r[tested].itertuples():
        # Reference: scipy.stats.binomtest(down, down + up, 0.5).pvalue.
        ref = binomtest(int(row.down), int(row.down + row.up)).pvalue
        assert row.p == pytest.approx(ref, rel=1e-12)
    assert r.loc[~tested, "p"].isna().all()
    assert (r.loc[~tested, "note"] == "no question changed: nothing to test").all()
    np.testing.assert_allclose(r.loc[tested, "q"], false_discovery_control(r.loc[tested, "p"]),
                               rtol=0, atol=1e-12)
    kgz = r.set_index("iso3").loc["KGZ"]
    assert (kgz["down"], kgz["up"], kgz["p"]) == (4, 0, 0.125)  # 2 * 0.5**4


def test_question_consistency_keeps_countries_without_questions(fotn):
    r = question_consistency(fotn, index="fotn", from_edition=2015, to_edition=2024)
    assert len(r) == len(compare(fotn, index="fotn", from_edition=2015, to_edition=2024).rows)
    assert r[["n_questions", "down", "up", "unchanged"]].isna().all().all()
    assert r["p"].isna().all() and r["q"].isna().all()
    assert (r["note"] == "no question scores in 2015: nothing to test").all()


def test_question_consistency_fiw(fiw):
    r = question_consistency(fiw, index="fiw", from_edition=2012, to_edition=2013)
    assert (r["note"] == "no question scores in 2012: nothing to test").all()
    r = question_consistency(fiw, index="fiw", from_edition=2021, to_edition=2022)
    assert len(r) == 195 and (r["n_questions"] == 25).all()
