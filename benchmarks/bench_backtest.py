"""10 years of daily closes, a condor every week, unhedged and hedged by the live rules (issue 8: under 10 s).

Three measurements on the generated path of seed 7 (2,516 sessions):
1. the command line end to end, ``planner backtest --generate 7 --years 10 --json``, with its progress bar
   on stderr and the JSON on stdout (discarded here);
2. each run alone, with the time the hedged run spends inside ``planner.rules.suggest`` told apart from
   the backtest's own work, and of that the part inside ``risk.analyze`` in light mode (planner.risk);
3. the hedged run with the rules reviewing every fifth close instead of every close (``--review-every 5``).

Prints a Markdown table. Run: python benchmarks/bench_backtest.py
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 10.0
SEED, YEARS = 7, 10.0


def cli_seconds() -> float:
    from planner.cli import run

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        code = run(["backtest", "--generate", str(SEED), "--years", str(YEARS), "--json",
                    "--db", os.path.join(folder, "book.db")], io.StringIO(), sys.stderr)
        seconds = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"planner backtest failed with exit code {code}")
    return seconds


class Clock:
    """Wraps ``module.name`` (looked up on each call) to time it."""

    def __init__(self, module, name: str) -> None:
        self.module, self.name = module, name
        self.original = getattr(module, name)
        self.seconds, self.calls = 0.0, 0

    def __enter__(self) -> Clock:
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        setattr(self.module, self.name, timed)
        return self

    def __exit__(self, *_: object) -> None:
        setattr(self.module, self.name, self.original)


def run_seconds(path, hedged: bool, review_every: int = 1) -> tuple[float, float, float, int]:
    """(seconds, of which in suggest, of which in suggest's risk.analyze, reviews)."""
    import planner.rules
    import planner.rules.engine
    from planner.backtest.engine import BacktestConfig, run_path
    from planner.domain import Settings

    # The engine looks suggest up on each review, and suggest looks analyze up in its own module.
    with Clock(planner.rules, "suggest") as rules, Clock(planner.rules.engine, "analyze") as risk:
        started = time.perf_counter()
        run_path(path, Settings(), BacktestConfig(review_every_days=review_every), hedged=hedged)
        seconds = time.perf_counter() - started
    return seconds, rules.seconds, risk.seconds, rules.calls


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.path.insert(0, str(Path(__file__).parent))
    from machine import describe

    before = describe()
    from planner.backtest.generator import generate

    path = generate(SEED, YEARS)
    run_seconds(generate(1, 0.25), hedged=True)  # warm the calendars and the imports
    print(f"planner backtest --generate {SEED} --years {YEARS:g} --json (progress bar below, on stderr)",
          file=sys.stderr)
    end_to_end = cli_seconds()
    unhedged, _, _, _ = run_seconds(path, hedged=False)
    hedged, in_rules, in_analyze, reviews = run_seconds(path, hedged=True)
    weekly, weekly_rules, weekly_analyze, weekly_reviews = run_seconds(path, hedged=True, review_every=5)
    print(f"\n10 years of generated closes (seed {SEED}, {len(path)} sessions), a condor every 5 sessions; "
          f"target {TARGET_S:g} s\nbefore: {before}\nafter:  {describe()}\n")
    print("| measurement | seconds | in live rules (suggest + analyze light) | of which risk.analyze | "
          "backtest's own work | per session |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| CLI end to end, both runs, rules every close | {end_to_end:.1f} | | | | |")
    print(f"| unhedged run | {unhedged:.1f} | 0.0 | 0.0 | {unhedged:.1f} | {1000 * unhedged / len(path):.2f} ms |")
    print(f"| hedged run, rules every close ({reviews} reviews) | {hedged:.1f} | {in_rules:.1f} "
          f"({1000 * in_rules / max(reviews, 1):.1f} ms each) | {in_analyze:.1f} "
          f"({1000 * in_analyze / max(reviews, 1):.1f} ms each) | {hedged - in_rules:.1f} | "
          f"{1000 * hedged / len(path):.2f} ms |")
    print(f"| hedged run, rules every 5th close ({weekly_reviews} reviews) | {weekly:.1f} | {weekly_rules:.1f} | "
          f"{weekly_analyze:.1f} | {weekly - weekly_rules:.1f} | {1000 * weekly / len(path):.2f} ms |")
    verdict = "meets" if end_to_end <= TARGET_S else "misses"
    print(f"\nEnd to end {end_to_end:.1f} s {verdict} the {TARGET_S:g} s target.")


if __name__ == "__main__":
    main()
