"""One line saying what ran a benchmark and how fast the machine was while it did (not used by the tests).

The development machine is shared: the same code runs up to twice as slow in some minutes as in
others, and which interpreter runs it changes the figures by a fifth (tools/pick-python). So each
benchmark prints, next to its figures, the interpreter and two probes of the machine's speed taken
right then: numpy's exp over a million floats (the compiled kernels follow it) and a plain Python
loop (the rules and the backtest follow it).
"""

from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np


def exp_ns_per_element(size: int = 1_000_000, repeats: int = 20) -> float:
    values = np.random.default_rng(0).random(size)
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        np.exp(values)
        best = min(best, time.perf_counter() - started)
    return best / size * 1e9


def python_loop_ns_per_step(steps: int = 2_000_000) -> float:
    total = 0
    started = time.perf_counter()
    for i in range(steps):
        total += i
    return (time.perf_counter() - started) / steps * 1e9


def describe() -> str:
    """Python version and executable, the two probes, the load average and the CPU count."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"Python {platform.python_version()} ({os.path.realpath(sys.executable)}); machine speed now: "
            f"np.exp {exp_ns_per_element():.1f} ns/element, Python loop {python_loop_ns_per_step():.0f} ns/step; "
            f"load average {load:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    print(describe())
