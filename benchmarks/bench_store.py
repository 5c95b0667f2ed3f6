"""Store and command-line speed on a big book: 10,000 positions, 40,000 legs.

Times ``planner list --json`` and ``planner export`` in-process (median of a
few runs each; target under 1 s) and prints a Markdown table.

    .venv/bin/python benchmarks/bench_store.py
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.cli import run
from planner.domain import Position, PositionKind
from planner.domain.positions import condor_legs
from planner.storage import Repository

POSITIONS = 10_000
RUNS = 5
TARGET_S = 1.0
NOW = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
EXPIRIES = [date(2026, 12, 18), date(2026, 12, 22), date(2027, 1, 15), date(2027, 2, 19)]


def build(path: Path) -> float:
    """Write the book through the repository (journaled, one change); returns seconds."""
    started = time.perf_counter()
    with Repository.open(path) as repo, repo.change("benchmark book") as tx:
        for i in range(POSITIONS):
            put = 5000 + 5 * (i % 80)
            legs = condor_legs(EXPIRIES[i % 4], (put - 50, put, put + 900, put + 950), 1 + i % 10)
            legs = tuple(leg.with_changes(fees=1.3 * abs(leg.quantity), iv=0.15 + 0.0001 * (i % 50),
                                          open_price=2.0 + 0.01 * (i % 7)) for leg in legs)
            repo.insert_position(tx, Position(PositionKind.CONDOR, legs, legs[0].quantity, 4.5,
                                              NOW - timedelta(minutes=i), note=f"=bench {i}"))
    return time.perf_counter() - started


def timed(argv: list[str]) -> tuple[float, float, str]:
    """Median wall-clock and CPU seconds of ``run(argv)``, and its output."""
    wall, cpu, out = [], [], ""
    for _ in range(RUNS):
        stdout, stderr = io.StringIO(), io.StringIO()
        started, started_cpu = time.perf_counter(), time.process_time()
        code = run(argv, stdout, stderr, clock=lambda: NOW)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        if code:
            raise SystemExit(f"{' '.join(argv)} failed: {stderr.getvalue()}")
        out = stdout.getvalue()
    return statistics.median(wall), statistics.median(cpu), out


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "big.db"
        build_s = build(db)
        list_s, list_cpu, listed = timed(["list", "--json", "--db", str(db)])
        report = Path(folder) / "report.csv"
        export_s, export_cpu, _ = timed(["export", "--out", str(report), "--db", str(db)])
        legs = report.read_text(encoding="utf-8").count("\n") - 1
        assert listed.count('"kind":"condor"') == POSITIONS and legs == 4 * POSITIONS
        print(f"## Store: {POSITIONS:,} positions, {legs:,} legs (median of {RUNS} runs, in-process)\n")
        print("| operation | wall s | CPU s | target | verdict |")
        print("|---|---:|---:|---:|---|")
        print(f"| build the book (one journaled change) | {build_s:.2f} | - | - | - |")
        for name, seconds, cpu in (("`planner list --json`", list_s, list_cpu),
                                   ("`planner export --out FILE`", export_s, export_cpu)):
            verdict = "ok" if seconds < TARGET_S else "OVER"
            print(f"| {name} | {seconds:.3f} | {cpu:.3f} | < {TARGET_S:g} s wall | {verdict} |")
        sys.path.insert(0, str(Path(__file__).parent))
        from machine import describe

        print(f"\n{describe()}")
        return 0


if __name__ == "__main__":
    sys.exit(main())
