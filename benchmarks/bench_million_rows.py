"""Reading, validating and comparing a 1,000,000-row tidy score file: time and peak memory.

    python benchmarks/bench_million_rows.py [--rows 1000000]

Writes a synthetic FOTN-shaped CSV (ISO3, edition, status, three categories, total; every row
valid), then in a fresh process reads it with ``scoring.read_scores`` (every rule checked) and
compares two of its editions; prints wall time and the peak resident memory of that process.
"""

from __future__ import annotations

import argparse
import io
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def make(path: Path, n: int) -> None:
    rng = np.random.default_rng(0)
    a, b, c = rng.integers(0, 26, n), rng.integers(0, 36, n), rng.integers(0, 41, n)
    total = a + b + c
    status = np.where(total >= 70, "F", np.where(total >= 40, "PF", "NF"))
    import pycountry

    # 200 countries: a million rows are 5,000 editions, four-digit years (2025-7024).
    codes = np.array(sorted(c.alpha_3 for c in pycountry.countries)[:200])
    iso = codes[np.arange(n) % len(codes)]
    edition = 2025 + np.arange(n) // len(codes)
    buf = io.StringIO()
    np.savetxt(buf, np.column_stack([iso, edition, status, a, b, c, total]), fmt="%s",
               delimiter=",")
    path.write_text("ISO3,Edition,Status,A,B,C,Total\n" + buf.getvalue())


def synthetic_fotn():
    """FOTN's rules over every four-digit year: a million distinct rows of 200 countries
    need 5,000 editions, and the real methodology accepts only three past its last."""
    import dataclasses

    from scoring.methodology import load_methodology

    m = load_methodology("fotn")
    return dataclasses.replace(m, editions=m.editions + tuple(range(max(m.editions) + 1,
                                                                    10000)))


def measure(path: str) -> None:
    from scoring import compare, read_scores

    m = synthetic_fotn()
    start = time.perf_counter()
    frame = read_scores(path, m, on_error="flag", orientation="higher-is-freer")
    read = time.perf_counter() - start
    result = compare(frame, index=m, from_edition=2025, to_edition=2026)
    both = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows {len(frame):,}; failures {len(frame.attrs['failures'])}; compared "
          f"{result.summary['n']}")
    print(f"read + validate {read:.1f} s; read + validate + compare {both:.1f} s; "
          f"peak memory {peak_mb:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    from scoring.cli.progress import TerminalProgress

    # Each step on stderr, only on a terminal: the results on stdout stay clean.
    progress = TerminalProgress(sys.stderr, interval=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "million.csv"
        progress(0, 2, f"writing {args.rows:,} rows")
        make(path, args.rows)
        progress.clear()
        print(f"file: {path.stat().st_size / 1e6:.0f} MB, {args.rows:,} rows", flush=True)
        progress(1, 2, "reading, validating and comparing (a fresh process)")
        # A fresh process, so that the peak memory is the reader's alone; its output is
        # printed once the progress line is wiped.
        done = subprocess.run([sys.executable, __file__, "--measure", str(path)], check=True,
                              stdout=subprocess.PIPE, text=True)
        progress.clear()
        print(done.stdout, end="")


if __name__ == "__main__":
    main()
