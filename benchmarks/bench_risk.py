"""Full `risk.analyze` on a typical and a worst-case 300-leg book, beside a naive
numpy evaluation of the same valuations in the same run.

Full analysis: today / T+n / expiry curves on 401 points (each with its own VIX
path) and today's at the VIX band's low and high, the 101 x 62 SPX x VIX
matrices with and without hedges, Greeks, break-evens, coverage, risk used over
the plausible scenarios and stress. The naive reference prices every leg separately at every point
(no de-duplication, no axis separation), the way a first version would.
Targets (issue 4): typical book at most 16 ms median, worst case at most 50 ms.

Run: python benchmarks/bench_risk.py
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import numpy as np
from machine import describe
from sample_books import NOW, leg_count, market, timed, typical_book, worst_book
from scipy.special import ndtr

from planner.domain import Settings
from planner.risk import analyze
from planner.risk.contracts import build_contracts, years_at
from planner.risk.engine import matrix_axes
from planner.risk.vix_response import vix_central

WARM_UP, SAMPLES = 5, 60


def naive_reference(book, snapshot, settings):
    """Every leg priced at every scenario point with textbook numpy formulas."""
    legs = [leg for p in book.open_positions for leg in p.legs]
    table = build_contracts(tuple(book.open_positions), snapshot, settings, NOW)
    # Un-deduplicate: one row per leg.
    c = table.leg_contract
    kind, call, strike, years, iv, fut, damp = (table.kind[c], table.is_call[c], table.strike[c], table.years[c],
                                                table.iv[c], table.future[c], table.damping[c])
    r, q, s0, v0 = snapshot.rate, snapshot.div_yield, snapshot.spx, snapshot.vix

    def bsm(s, k, t, v, is_call):
        t = np.maximum(t, 1e-12)
        d1 = (np.log(s / k) + (r - q + 0.5 * v * v) * t) / (v * np.sqrt(t))
        d2 = d1 - v * np.sqrt(t)
        callv = s * np.exp(-q * t) * ndtr(d1) - k * np.exp(-r * t) * ndtr(d2)
        return np.where(is_call, callv, callv - s * np.exp(-q * t) + k * np.exp(-r * t))

    def b76(f, k, t, v, is_call):
        t = np.maximum(t, 1e-12)
        d1 = (np.log(f / k) + 0.5 * v * v * t) / (v * np.sqrt(t))
        d2 = d1 - v * np.sqrt(t)
        callv = np.exp(-r * t) * (f * ndtr(d1) - k * ndtr(d2))
        return np.where(is_call, callv, callv - np.exp(-r * t) * (f - k))

    def value(spx, vix, t):
        spx_leg = kind[:, None] == 0
        vol = np.maximum(iv[:, None] + (vix[None, :] - v0) / 100, 0.01)
        f = fut[:, None] + damp[:, None] * (vix[None, :] - v0)
        s_val = bsm(spx[None, :], strike[:, None], t[:, None], vol, call[:, None])
        v_val = np.where(kind[:, None] == 1, b76(f, strike[:, None], t[:, None], iv[:, None], call[:, None]), f)
        return np.where(spx_leg, s_val, np.nan_to_num(v_val))

    grid = s0 * (1 + np.linspace(-0.2, 0.2, 401))
    grid_vix = vix_central(grid, s0, v0, 1, settings)
    t_leg = years
    horizons = (t_leg, years_at(table, NOW.replace(day=30))[c], years_at(table, NOW.replace(month=12, day=4))[c])
    for moment_years in horizons:
        value(grid, grid_vix, moment_years)
    moves, levels = matrix_axes(snapshot)
    ss, vv = np.meshgrid(s0 * (1 + moves), levels)
    value(ss.ravel(), vv.ravel(), t_leg)
    value(np.full(5, s0 * 0.9), np.full(5, v0 * 2), t_leg)
    return len(legs)


def main() -> None:
    settings = Settings()
    snapshot = market()
    rows = []
    for name, book in (("typical", typical_book()), ("worst case", worst_book())):
        table = build_contracts(tuple(book.open_positions), snapshot, settings, NOW)
        for _ in range(WARM_UP):  # imports, the calendar, the book's layout, first touch of memory
            analyze(book, snapshot, settings, at=NOW)
        ours = timed(lambda book=book: analyze(book, snapshot, settings, at=NOW), SAMPLES)
        light = timed(lambda book=book: analyze(book, snapshot, settings, at=NOW, light=True), SAMPLES)
        naive = timed(lambda book=book: naive_reference(book, snapshot, settings), 7)
        rows.append((name, leg_count(book), table.size, statistics.median(ours), np.percentile(ours, 95),
                     statistics.median(light), statistics.median(naive)))
    print(describe())
    print(f"threads: OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, cores: {os.cpu_count()}")
    print("| book | legs | distinct contracts | analyze median | p95 | light median | naive numpy median | speed-up |")
    print("|---|---|---|---|---|---|---|---|")
    for name, legs, contracts, median, p95, light_median, naive_median in rows:
        print(f"| {name} | {legs} | {contracts} | {median:.1f} ms | {p95:.1f} ms | {light_median:.1f} ms "
              f"| {naive_median:.1f} ms | {naive_median / median:.1f}x |")


if __name__ == "__main__":
    main()
