# ruff: noqa: E402  (thread counts must be set before numpy is imported)
"""Price + four Greeks per call size: a million SPX options in one call (``bench_pricing.py``'s figure,
target 60 ns/option) and one option per call (what the backtest's and rules' small calls cost).

CPU time of this thread, median of repeats; ``bench_ab_revisions.py`` runs it on two revisions to compare them.

    python benchmarks/bench_pricing_calls.py
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from bench_pricing import spx_options

from planner.pricing import bsm_greeks


def cpu_seconds(call, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.thread_time()
        call()
        times.append(time.thread_time() - started)
    return statistics.median(times)


def main() -> None:
    options = spx_options(1_000_000, np.random.default_rng(7))
    args = [options[k] for k in ("is_call", "spot", "strike", "t", "vol", "r", "q")]
    bsm_greeks(*args)  # warm-up
    batch = cpu_seconds(lambda: bsm_greeks(*args), 7) / 1_000_000 * 1e9
    one = (bool(args[0][0]), *(float(a[0]) for a in args[1:]))
    calls = 2_000

    def singles() -> None:
        for _ in range(calls):
            bsm_greeks(*one)

    single = cpu_seconds(singles, 7) / calls * 1e6
    print(f"batch {batch:.1f} ns/option; single {single:.2f} us/call")


if __name__ == "__main__":
    main()
