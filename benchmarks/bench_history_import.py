"""History import speed and memory: a Cboe VIX file as long as the real one and a year of VX contracts.

Times the preview (read, compare with the store) and the import (the same plus
the journaled writes) in-process, wall and CPU seconds, and the preview's peak
memory for the file and for a file ten times longer: the reader streams, so
what grows with the rows is the per-row key kept to catch repeated dates, not
the file. Prints a Markdown table.

    .venv/bin/python benchmarks/bench_history_import.py
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import describe
from planner.app import Workspace

NOW = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
VIX_ROWS = 9_300  # Cboe's VIX_History.csv from 1990 to 2026
VX_CONTRACTS = 12
VX_ROWS = 180  # a contract trades about nine months


def write_vix(path: Path, rows: int) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("DATE,OPEN,HIGH,LOW,CLOSE\n")
        for i in range(rows):
            day = date(1900, 1, 1) + timedelta(days=i)
            level = 12 + (i * 7919 % 2000) / 100
            handle.write(f"{day:%m/%d/%Y},{level:.2f},{level + 1:.2f},{level - 1:.2f},{level + 0.3:.2f}\n")
    return path


def write_vx(folder: Path) -> list[Path]:
    paths = []
    for month in range(1, VX_CONTRACTS + 1):
        expiry = date(2025, month, 15)
        path = folder / f"VX_{expiry.isoformat()}.csv"
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("Trade Date,Futures,Open,High,Low,Close,Settle,Change,Total Volume,EFP,Open Interest\n")
            for i in range(VX_ROWS, 0, -1):
                day = expiry - timedelta(days=i)
                handle.write(f"{day.isoformat()},F ({expiry:%b %Y}),0,0,0,0,{15 + i / 50:.4f},0,0,0,0\n")
        paths.append(path)
    return paths


def timed(action) -> tuple[float, float, object]:
    started, started_cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - started, time.process_time() - started_cpu, result


def peak_preview_mb(path: Path) -> float:
    with Workspace.open(":memory:", clock=lambda: NOW) as ws:
        tracemalloc.start()
        ws.preview_history([path])
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    print(describe())
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        vix = write_vix(root / "VIX_History.csv", VIX_ROWS)
        files = [vix, *write_vx(root)]
        rows = VIX_ROWS + VX_CONTRACTS * VX_ROWS
        print("| step | rows | wall s | CPU s |")
        print("|---|---:|---:|---:|")
        with Workspace.open(root / "book.db", clock=lambda: NOW) as ws:
            wall, cpu, _ = timed(lambda: ws.preview_history(files))
            print(f"| preview, empty book | {rows:,} | {wall:.2f} | {cpu:.2f} |")
            wall, cpu, _ = timed(lambda: ws.import_history_files(files))
            print(f"| import, one undo step | {rows:,} | {wall:.2f} | {cpu:.2f} |")
            wall, cpu, _ = timed(lambda: ws.preview_history(files))
            print(f"| preview, all stored (duplicates) | {rows:,} | {wall:.2f} | {cpu:.2f} |")
        (root / "long").mkdir()
        long = write_vix(root / "long" / "VIX_History.csv", VIX_ROWS * 10)
        print()
        print("| preview peak memory | file MB | peak MB |")
        print("|---|---:|---:|")
        for path, label in ((vix, f"{VIX_ROWS:,} rows"), (long, f"{VIX_ROWS * 10:,} rows")):
            print(f"| {label} | {path.stat().st_size / 1e6:.1f} | {peak_preview_mb(path):.1f} |")


if __name__ == "__main__":
    main()
