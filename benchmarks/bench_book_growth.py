"""How `list`, `export`, `risk` and `suggest` grow with the book: 300, 3,000 and 12,500 open positions,
with a market quote stored (the costly case: marks, P&L and Greeks for every leg).

Each book mixes condors on 8 SPX expiries and 50 strike sets with VIX call layers on 4 expiries, as a
desk that trades every day for months would hold. Median of a few in-process runs per command; the
ratios column divides each figure by the one at 300 positions.

    .venv/bin/python benchmarks/bench_book_growth.py [SIZES...]
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.calendars import nearest_listed
from planner.cli import run
from planner.domain import LayerKind, Position, PositionKind, Tier
from planner.domain.positions import condor_legs, layer_legs
from planner.storage import Repository

NOW = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
SIZES = (300, 3_000, 12_500)
COMMANDS = (["list", "--json"], ["export"], ["risk"], ["suggest"])
TARGETS_AT_3000 = {"export": 1.0, "risk": 1.0, "suggest": 2.0}  # seconds (issue: "ten times a large book")
SKIP_AFTER_S = 20.0  # a command slower than this at one size is not run at the next


def build(path: Path, positions: int) -> None:
    spx = nearest_listed("spx-daily", NOW.date() + timedelta(days=20), 8)
    vix = [d for d in nearest_listed("vix", NOW.date() + timedelta(days=60), 6) if d > NOW.date()][:4]
    with Repository.open(path) as repo, repo.change("benchmark book") as tx:
        for i in range(positions):
            opened = NOW - timedelta(minutes=1 + i)
            if i % 5 == 4:
                legs = layer_legs(LayerKind.VIX_CALL, vix[i % len(vix)], (18.0 + i % 10,), 10)
                legs = tuple(leg.with_changes(iv=0.9, iv_vix=16.0, open_price=1.0) for leg in legs)
                position = Position(PositionKind.LAYER, legs, 10, 1.0, opened, tier=Tier.NEAR,
                                    layer_kind=LayerKind.VIX_CALL)
            else:
                put = 5400 + 5 * (i % 50)
                legs = condor_legs(spx[i % len(spx)], (put - 50, put, put + 800, put + 850), 1 + i % 10)
                legs = tuple(leg.with_changes(iv=0.16, iv_vix=16.0) for leg in legs)
                position = Position(PositionKind.CONDOR, legs, legs[0].quantity, 4.5, opened)
            repo.insert_position(tx, position)
    code = run(["market", "set", "--spx", "5900", "--vix", "16.5", "--vvix", "90", "--db", str(path)],
               io.StringIO(), err := io.StringIO(), clock=lambda: NOW)
    if code:
        raise SystemExit(err.getvalue())


def timed(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        out, err = io.StringIO(), io.StringIO()
        started = time.perf_counter()
        code = run(argv, out, err, clock=lambda: NOW)
        times.append(time.perf_counter() - started)
        if code:
            raise SystemExit(f"{' '.join(argv)} failed: {err.getvalue()}")
    return statistics.median(times)


def main(sizes: tuple[int, ...]) -> None:
    figures: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            book = Path(folder) / f"book{size}.db"
            build(book, size)
            runs = 3 if size <= 3_000 else 1
            figures[size] = {}
            for argv in COMMANDS:
                earlier = [row[argv[0]] for row in figures.values() if argv[0] in row]
                if earlier and earlier[-1] > SKIP_AFTER_S:  # grows faster than the book: minutes more
                    continue
                figures[size][argv[0]] = timed([*argv, "--db", str(book)], runs)
            print(f"{size:>6} positions: " + ", ".join(f"{k} {v:.3f} s" for k, v in figures[size].items()),
                  flush=True)
    base = figures.get(sizes[0], {})
    print("\n| open positions | " + " | ".join(c[0] for c in COMMANDS) + " |")
    print("|---:|" + "---:|" * len(COMMANDS))
    for size, row in figures.items():
        cells = [("not run" if c[0] not in row else f"{row[c[0]]:.2f} s"
                  + (f" (x{row[c[0]] / base[c[0]]:.1f})" if size != sizes[0] else "")) for c in COMMANDS]
        print(f"| {size:,} | " + " | ".join(cells) + " |")
    if 3_000 in figures:
        for name, target in TARGETS_AT_3000.items():
            verdict = "within" if figures[3_000][name] <= target else "OVER"
            print(f"{name} at 3,000: {figures[3_000][name]:.2f} s, {verdict} the {target:g} s target")


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or SIZES)
