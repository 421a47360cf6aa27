"""Speed and agreement of scoring.trend_tests against a per-series pymannkendall + scipy loop.

The loop is what a user would otherwise write: for each series,
``pymannkendall.original_test(y)`` (S, Var(S), p) and ``scipy.stats.theilslopes(y, t)`` (Sen's
slope and interval on the real, gapped times: pymannkendall's own slope uses index positions
and so ignores gaps). The loop is timed on a random subsample of series and extrapolated
linearly to the whole panel (its cost per series does not depend on the panel size).

Then one row per ``method`` (the persistence corrections) on a panel without gaps, where
pymannkendall's positions and the real years agree: trend_tests with that method against
the per-series loop of pymannkendall's test of the same name, side by side in one run.

Usage::

    python benchmarks/bench_trends.py [--sizes 1000,10000,100000] [--lengths 12,30]
                                      [--subsample 2000] [--seed 0] [--repeat 3]
                                      [--method-size 10000] [--method-length 30]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring.cli.progress import TerminalProgress  # noqa: E402
from scoring.inference.trends import trend_tests  # noqa: E402

TOLERANCE = 1e-9


PMK_TESTS = {"original": "original_test", "hamed-rao": "hamed_rao_modification_test",
             "yue-wang": "yue_wang_modification_test",
             "prewhiten": "pre_whitening_modification_test",
             "trend-free-prewhiten": "trend_free_pre_whitening_modification_test"}


def synthetic_panel(n_series: int, length: int, seed: int, drop: float = 0.10
                    ) -> pd.DataFrame:
    """Integer scores 0-100 with ties; half the series trend; about ``drop`` of the points
    dropped."""
    rng = np.random.default_rng(seed)
    years = 2000 + np.arange(length)
    base = rng.uniform(15, 85, n_series)[:, None]
    slope = np.where(rng.random(n_series) < 0.5, rng.normal(0, 1.0, n_series), 0.0)[:, None]
    noise = rng.normal(0, 3.0, (n_series, length))
    values = np.clip(np.rint(base + slope * (years - years[0]) + noise), 0, 100)
    frame = pd.DataFrame({
        "entity": np.repeat(np.arange(n_series), length),
        "year": np.tile(years, n_series),
        "value": values.ravel(),
    })
    keep = rng.random(len(frame)) >= drop
    return frame[keep].reset_index(drop=True)


def reference_loop(panel: pd.DataFrame) -> tuple[pd.DataFrame, float, float]:
    """The per-series loop; returns its results and the seconds spent in each library.

    Splitting the panel into arrays is not timed, so the times are the libraries' own.
    """
    import pymannkendall as mk
    from scipy.stats import theilslopes

    series = [(key, part["year"].to_numpy(dtype=float), part["value"].to_numpy(dtype=float))
              for key, part in panel.groupby("entity", sort=True)]
    series = [s for s in series if len(s[2]) >= 2]  # pymannkendall divides by zero on one
    rows, mk_s, ts_s = [], 0.0, 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, t, y in series:
            start = time.perf_counter()
            mkr = mk.original_test(y)
            mid = time.perf_counter()
            ts = theilslopes(y, t)
            end = time.perf_counter()
            mk_s += mid - start
            ts_s += end - mid
            rows.append((key, mkr.s, mkr.var_s, mkr.p, ts.slope, ts.low_slope,
                         ts.high_slope))
    ref = pd.DataFrame(rows, columns=["entity", "s", "var_s", "p", "sen_slope", "sen_lo",
                                      "sen_hi"])
    return ref, mk_s, ts_s


def _max_abs(a: pd.Series, b: pd.Series) -> float:
    """Largest |a - b|; NaN on one side only counts as infinitely different."""
    a, b = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
    if not np.array_equal(np.isnan(a), np.isnan(b)):
        return float("inf")
    both = ~np.isnan(a)
    return float(np.max(np.abs(a[both] - b[both]), initial=0.0))


def compare(ours: pd.DataFrame, ref: pd.DataFrame) -> dict:
    """Largest absolute differences on the series both sides test by the normal method."""
    both = ours.merge(ref, on="entity", suffixes=("", "_ref"))
    normal = both[both["p_method"] == "normal"]
    diffs = {c: _max_abs(normal[c], normal[f"{c}_ref"]) for c in ("s", "var_s", "p")}
    sloped = both[both["n"] >= 4]
    diffs.update({c: _max_abs(sloped[c], sloped[f"{c}_ref"])
                  for c in ("sen_slope", "sen_lo", "sen_hi")})
    diffs["compared"] = len(normal)
    return diffs


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="numbers of series, comma-separated")
    parser.add_argument("--lengths", default="12,30", help="editions per series before gaps")
    parser.add_argument("--subsample", type=int, default=2000,
                        help="series on which the reference loop is timed")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of trend_tests per panel; the fastest is reported")
    parser.add_argument("--method-size", type=int, default=10000,
                        help="series in the panel of the per-method rows")
    parser.add_argument("--method-length", type=int, default=30,
                        help="editions per series in the per-method rows")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",")]
    lengths = [int(x) for x in args.lengths.split(",")]

    print(f"# python {platform.python_version()}, numpy {np.__version__}, "
          f"pandas {pd.__version__}, {os.cpu_count()} CPUs")
    print(f"# reference: per-series pymannkendall.original_test (mk) and "
          f"scipy.stats.theilslopes (ts), timed on a random subsample of at most "
          f"{args.subsample} series and extrapolated linearly to the panel")
    print(f"# agreement: max |difference| on S, var_s, p (series with p_method 'normal', "
          f"exact_max_n=0) and on Sen's slope and interval (n >= 4); tolerance {TOLERANCE:g}")
    print(f"# trend_tests: default options (exact p up to n = 10), fastest of {args.repeat} "
          "runs after a warm-up call (scipy import and exact tables cached); 'exact=0 s': one "
          "run with exact_max_n=0, the run checked against the reference")
    cold = time.perf_counter()
    trend_tests(synthetic_panel(500, lengths[0], args.seed + 2))
    print(f"# first call of the process (imports scipy, builds exact tables), 500 series of "
          f"{lengths[0]}: {time.perf_counter() - cold:.3f} s")
    for length in lengths[1:]:
        trend_tests(synthetic_panel(500, length, args.seed + 2))
    # Each step on stderr, only on a terminal: the table on stdout stays clean.
    progress = TerminalProgress(sys.stderr, interval=0)
    steps, step = len(lengths) * len(sizes), 0
    header = (f"{'series':>7} {'len':>3} {'rows':>8} {'trend_tests':>11} {'exact=0':>8} "
              f"{'sample':>6} {'mk/series':>9} {'ts/series':>9} {'mk total':>9} "
              f"{'mk+ts total':>11} {'vs mk':>6} {'vs mk+ts':>8}  agreement")
    print(header)
    ok = True
    for length in lengths:
        for size in sizes:
            progress(step, steps, f"{size} series x {length}: trend_tests")
            panel = synthetic_panel(size, length, args.seed)
            ours_s = float("inf")
            for _ in range(args.repeat):
                start = time.perf_counter()
                trend_tests(panel, entity="entity", time="year", value="value")
                ours_s = min(ours_s, time.perf_counter() - start)
            start = time.perf_counter()
            normal = trend_tests(panel, entity="entity", time="year", value="value",
                                 exact_max_n=0)
            normal_s = time.perf_counter() - start

            rng = np.random.default_rng(args.seed + 1)
            k = min(size, args.subsample)
            sample = rng.choice(size, k, replace=False)
            progress(step, steps, f"{size} series x {length}: reference loop on {k}")
            ref, mk_s, ts_s = reference_loop(panel[panel["entity"].isin(sample)])
            mk_total, both_total = mk_s * size / k, (mk_s + ts_s) * size / k
            diffs = compare(normal, ref)
            worst = max(v for c, v in diffs.items() if c != "compared")
            ok &= worst <= TOLERANCE
            extrapolated = "" if k == size else ", reference extrapolated"
            step += 1
            progress.clear()
            print(f"{size:>7} {length:>3} {len(panel):>8} {ours_s:>10.3f}s {normal_s:>7.3f}s "
                  f"{k:>6} {mk_s / k * 1e3:>7.3f}ms {ts_s / k * 1e3:>7.3f}ms "
                  f"{mk_total:>8.1f}s {both_total:>10.1f}s {mk_total / ours_s:>5.0f}x "
                  f"{both_total / ours_s:>7.0f}x  max diff {worst:.1e} over "
                  f"{diffs['compared']} series{extrapolated}")
    ok &= method_rows(args)
    print("# agreement:", "all within tolerance" if ok else "OUTSIDE TOLERANCE")
    return 0 if ok else 1


def _near_ties(method: str, y: np.ndarray) -> bool:
    """Whether pymannkendall's whitened series has values closer than 1e-9 of its scale
    (its rounding then decides ties that trend_tests keeps exact; see the README)."""
    import pymannkendall as mk

    if "prewhiten" not in method:
        return False
    n, slope = len(y), mk.sens_slope(y).slope
    x = y - np.arange(1, n + 1) * slope if method.startswith("trend") else y
    xc = x - x.mean()
    if not xc.any():
        return True
    w = x[1:] - x[:-1] * (np.dot(xc[1:], xc[:-1]) / np.dot(xc, xc))
    if method.startswith("trend"):
        w = w + np.arange(1, n) * slope
    return bool((np.diff(np.sort(w)) < 1e-9 * np.abs(w).max()).any())


def method_rows(args) -> bool:
    """One row per method: time and agreement against pymannkendall's test of that name."""
    import pymannkendall as mk

    panel = synthetic_panel(args.method_size, args.method_length, args.seed, drop=0.0)
    rng = np.random.default_rng(args.seed + 1)
    k = min(args.method_size, args.subsample)
    sample = set(rng.choice(args.method_size, k, replace=False).tolist())
    series = [(key, part["value"].to_numpy(dtype=float))
              for key, part in panel.groupby("entity", sort=True) if key in sample]
    print(f"# per method: {args.method_size} series x {args.method_length} editions, no gaps; "
          f"exact_max_n=0; pymannkendall loop timed on {k} series and extrapolated; "
          "agreement on p, z, var_s over the series both define (pre-whitening: without "
          "near-ties in pymannkendall's whitened values)")
    print(f"{'method':>21} {'trend_tests':>11} {'vs original':>11} {'pmk/series':>10} "
          f"{'pmk total':>9} {'speed-up':>8}  agreement")
    ok, base = True, None
    for method, name in PMK_TESTS.items():
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            out = trend_tests(panel, method=method, exact_max_n=0)
            best = min(best, time.perf_counter() - start)
        base = base or best
        out = out.set_index("entity")
        worst, compared, spent = 0.0, 0, 0.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for key, y in series:
                start = time.perf_counter()
                ref = getattr(mk, name)(y)
                spent += time.perf_counter() - start
                row = out.loc[key]
                if np.isnan(row["p"]) or not np.isfinite(ref.p) or _near_ties(method, y):
                    continue
                worst = max(worst, abs(row["p"] - ref.p), abs(row["z"] - ref.z),
                            abs(row["var_s"] - ref.var_s))
                compared += 1
        ok &= worst <= TOLERANCE
        total = spent * args.method_size / k
        print(f"{method:>21} {best:>10.3f}s {best / base:>10.2f}x {spent / k * 1e3:>8.3f}ms "
              f"{total:>8.1f}s {total / best:>7.0f}x  max diff {worst:.1e} over {compared}")
    return ok


if __name__ == "__main__":
    sys.exit(main())
