"""The P&L-over-time series after a new quote: with the valuations cache the book state owns, and without.

The window recomputes the series 1.2 s after quotes calm down, on the runner
shared with the risk (in slices of 8 valuations, so a quote waits behind one
slice at most). With the cache (``planner.app.pnl_history.PnlHistory``, owned
by the open book's ``BookState``) a new quote costs the valuations of the new
point only; without it, every point of the series again. Same book, same
markets, same settings for both; the demo book (a year of daily closes).

Run: python benchmarks/bench_pnl_history.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import describe

from planner.app import Workspace
from planner.app.book_state import BookState
from planner.app.pnl_history import PnlHistory
from planner.app.requests import QuoteRequest

ALL = 10**9  # no slicing: the whole series in one call


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with Workspace.open(":memory:") as ws:
        ws.init(demo_book=True)
        state = BookState(ws)
        state.load()
        before_quote = state.history_inputs()
        latest = state.snapshot
        ws.set_market(QuoteRequest(spx=latest.spx + 12, vix=latest.vix + 0.4,
                      futures=[f"{day.isoformat()}={price}" for day, price in latest.vix_futures]))
        book, markets, settings = state.history_inputs()
        cached, uncached = [], []
        for _ in range(args.repeat):
            cache = PnlHistory()
            cache.compute(*before_quote, ALL)  # the state's cache as it stood before the quote
            start = time.perf_counter()
            cache.compute(book, markets, settings, ALL)
            cached.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            PnlHistory().compute(book, markets, settings, ALL)
            uncached.append((time.perf_counter() - start) * 1000)
        state.close()
    print(describe())
    print(f"Demo book, {len(markets)} points in the series; median of {args.repeat}")
    print("| P&L history after one new quote | ms |")
    print("|---|---|")
    print(f"| with the book state's valuations cache | {statistics.median(cached):.1f} |")
    print(f"| without (every point valued again) | {statistics.median(uncached):.1f} |")


if __name__ == "__main__":
    main()
