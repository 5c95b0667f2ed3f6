"""`rules.suggest` on a 300-leg book with a year of daily history, in-process.

Each run does all the work of a refresh of the suggestions list: one risk
analysis, the history frame read into series, every rule with its proposals,
sizing and what-if measurements, gates (RSI, MACD and realized-vol gates on),
merging and decisions. Two books from sample_books: the typical one (about
100 distinct contracts) and the worst case (300 distinct contracts), each at
VIX 16 and at VIX 30 (more rules fire), with the account equity of the sample
($100,000: every condor over its risk cap, the heaviest case) and a larger
one. Target (issue 5): under 200 ms median.

Run: python benchmarks/bench_rules.py
"""

from __future__ import annotations

import os
import statistics
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import numpy as np
import pandas as pd
from machine import describe
from sample_books import NOW, leg_count, market, timed, typical_book, worst_book

from planner.domain import Settings
from planner.domain.records import Event, EventKind
from planner.risk import analyze
from planner.risk.what_if import what_if_market
from planner.rules import RuleOptions, suggest

TARGET_MS = 200.0
GATES = RuleOptions(rsi_gates=frozenset({"trend"}), macd_gates=frozenset({"*.long"}),
                    realized_vol_gates=frozenset({"mean_reversion"}))


def year_of_history() -> pd.DataFrame:
    """252 sessions of SPX, VIX and VVIX closes before NOW, shaped like Repository.history_frame."""
    rng = np.random.default_rng(42)
    days = pd.bdate_range(end=NOW.date() - timedelta(days=1), periods=252)
    vix = np.clip(17 * np.exp(np.cumsum(rng.normal(0, 0.06, 252)) * 0.3), 10, 60)
    spx = 5900 * np.exp(np.cumsum(rng.normal(0.0003, 0.009, 252)) - 0.05)
    vvix = 85 + 2 * (vix - 15)
    return pd.DataFrame({"SPX": spx, "VIX": vix, "VVIX": vvix}, index=pd.DatetimeIndex(days, name="date"))


def main() -> None:
    history = year_of_history()
    events = [Event(NOW.date() + timedelta(days=2), EventKind.CPI, "CPI"),
              Event(NOW.date() + timedelta(days=9), EventKind.FOMC, "FOMC")]
    rows = []
    for book_name, book in (("typical", typical_book()), ("worst case", worst_book())):
        for equity in (100_000.0, 5_000_000.0):
            settings = Settings(equity=equity)
            for vix in (16.0, 30.0):
                snapshot = what_if_market(market(), settings, vix=vix, at=NOW)

                def run(book=book, snapshot=snapshot, settings=settings):
                    return suggest(book, snapshot, settings, history=history, events=events, at=NOW, options=GATES)

                result = run()  # warm caches (calendar, imports)
                samples = timed(run, 15)
                analysis = timed(lambda book=book, snapshot=snapshot, settings=settings:
                                 analyze(book, snapshot, settings, at=NOW, light=True), 7)
                rows.append((book_name, leg_count(book), f"${equity:,.0f}", vix, len(result), len(result.skipped),
                             statistics.median(samples), float(np.percentile(samples, 95)),
                             statistics.median(analysis)))
    print(describe())
    print(f"threads: OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, cores: {os.cpu_count()}; "
          f"history: {len(history)} sessions x {history.shape[1]} symbols; target: median < {TARGET_MS:.0f} ms")
    print("| book | legs | equity | VIX | suggestions | skipped | suggest median | p95 | analyze (light) | target |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, legs, equity, vix, count, skipped, median, p95, analysis in rows:
        verdict = "met" if median < TARGET_MS else "MISSED"
        print(f"| {name} | {legs} | {equity} | {vix:g} | {count} | {skipped} | {median:.1f} ms | {p95:.1f} ms "
              f"| {analysis:.1f} ms | {verdict} |")


if __name__ == "__main__":
    main()
