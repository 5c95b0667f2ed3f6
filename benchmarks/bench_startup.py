"""Cold start of `planner gui` to the first painted window (target: 1.2 s).

Each run starts a fresh interpreter (the file cache is warm after the first,
as the target says), opens the window offscreen on a demo book, and reports the
wall-clock moment of its first paint. Also shows what the biggest imports
cost on their own, for comparison.

Run: python benchmarks/bench_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def first_paint_seconds(db: Path) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PLANNER_EXIT_AFTER_FIRST_PAINT="1")
    start = time.time()
    result = subprocess.run([sys.executable, "-m", "planner", "gui", "--db", str(db)], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    for line in result.stdout.splitlines():
        if line.startswith("first-paint "):
            return float(line.split()[1]) - start
    raise RuntimeError(f"no first paint reported:\n{result.stdout}\n{result.stderr}")


def import_seconds(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    return float(result.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "demo.db"
        subprocess.run([sys.executable, "-m", "planner", "init", "--demo", "--db", str(db)], cwd=ROOT, check=False,
                       capture_output=True)
        first_paint_seconds(db)  # warm the file cache
        samples = [first_paint_seconds(db) for _ in range(args.runs)]
    sys.path.insert(0, str(Path(__file__).parent))
    from machine import describe

    print(describe())
    print("| measure | seconds |")
    print("|---|---|")
    print(f"| `planner gui` to first paint, median of {args.runs} (demo book) | {statistics.median(samples):.3f} |")
    print(f"| same, slowest run | {max(samples):.3f} |")
    for module in ("PySide6.QtWidgets", "pyqtgraph", "pandas", "scipy.special", "exchange_calendars"):
        print(f"| import {module} alone | {import_seconds(module):.3f} |")


if __name__ == "__main__":
    main()
