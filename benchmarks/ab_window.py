"""The window's user-visible figures, this tree beside others (before a change), alternately in one run.

Each round runs ``bench_gui.py`` (quote change to painted charts) and
``bench_startup.py`` (first paint) once from each source tree, in turn, so all
trees see the same minutes of a shared machine. Each tree's own benchmark
scripts run against its own ``planner`` package (they put their tree first on
``sys.path``; the startup benchmark runs ``python -m planner`` in the tree);
both use this interpreter. Make the other tree with, e.g.,
``mkdir /tmp/before && git archive main | tar -x -C /tmp/before`` and copy the
compiled pricing extension (``planner/pricing/_native*.so``) into it.

Reports, per tree: the medians over the rounds of bench_gui's wall p50/p95 and
CPU p50/p95 of "quote change to painted charts" (ms), and of the first paint (s).

Run: python benchmarks/ab_window.py OTHER_TREE [MORE_TREES...] [--rounds 3] [--quotes 40] [--tab risk]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def gui_figures(tree: Path, quotes: int, tab: str) -> tuple[float, float, float, float]:
    """(wall p50, wall p95, CPU p50, CPU p95) in ms of one bench_gui run from ``tree``."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, str(tree / "benchmarks" / "bench_gui.py"), "--quotes", str(quotes),
                           "--tab", tab], env=env, cwd=tree, capture_output=True, text=True, timeout=900)
    for line in done.stdout.splitlines():
        if line.startswith("| **quote change to painted charts**"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            p50, p95, _max, cpu50, cpu95 = (float(cell) for cell in cells[1:6])
            return p50, p95, cpu50, cpu95
    raise SystemExit(f"{tree}: bench_gui gave no figures:\n{done.stdout}\n{done.stderr[-2000:]}")


def first_paint(tree: Path, runs: int) -> float:
    """Median first paint in seconds of one bench_startup run from ``tree``."""
    done = subprocess.run([sys.executable, str(tree / "benchmarks" / "bench_startup.py"), "--runs", str(runs)],
                          cwd=tree, capture_output=True, text=True, timeout=900)
    for line in done.stdout.splitlines():
        if line.startswith("| `planner gui` to first paint"):
            return float(line.strip("|").split("|")[1])
    raise SystemExit(f"{tree}: bench_startup gave no figure:\n{done.stdout}\n{done.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("others", type=Path, nargs="+", help="source trees to compare with (before the change)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quotes", type=int, default=40)
    parser.add_argument("--tab", default="risk")
    parser.add_argument("--startup-runs", type=int, default=3)
    args = parser.parse_args()
    trees = {str(other): other.resolve() for other in args.others} | {"this tree": HERE}
    gui: dict[str, list] = {name: [] for name in trees}
    paint: dict[str, list] = {name: [] for name in trees}
    for round_number in range(args.rounds):
        for name, tree in trees.items():
            gui[name].append(gui_figures(tree, args.quotes, args.tab))
            paint[name].append(first_paint(tree, args.startup_runs))
            print(f"round {round_number + 1} {name}: quote to painted (wall p50, p95, CPU p50, p95 ms) "
                  f"{gui[name][-1]}, first paint {paint[name][-1]:.3f} s", flush=True)
    sys.path.insert(0, str(HERE / "benchmarks"))
    from machine import describe

    print(describe())
    print(f"| tree | quote to painted wall p50 | wall p95 | CPU p50 | CPU p95 | first paint (s) |  "
          f"(medians of {args.rounds} rounds, {args.quotes} quotes, tab {args.tab})")
    print("|---|---|---|---|---|---|")
    for name in trees:
        columns = [statistics.median(run[i] for run in gui[name]) for i in range(4)]
        print(f"| {name} | " + " | ".join(f"{value:.1f}" for value in columns)
              + f" | {statistics.median(paint[name]):.3f} |")


if __name__ == "__main__":
    main()
