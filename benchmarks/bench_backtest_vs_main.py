"""10 years hedged and unhedged, end to end, this branch's ``planner`` beside main's, alternately (target 10 s).

Each round runs ``planner backtest --generate 7 --years 10 --json`` once with each
executable, in turn, so both see the same minutes of a shared machine: the
first executable is this repository's (``.venv/bin/planner``), the other main's
(``/work/main/.venv/bin/planner`` or ``$MAIN_PLANNER``). For every run: wall
seconds, and the CPU seconds of the process and its children (the fork running
the unhedged side), from ``resource.getrusage(RUSAGE_CHILDREN)``: CPU time
moves far less than wall time when other work shares the cores.

Run: python benchmarks/bench_backtest_vs_main.py [ROUNDS]
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 10.0
ARGS = ("backtest", "--generate", "7", "--years", "10", "--json")
ROOT = Path(__file__).resolve().parent.parent


def timed(executable: Path, folder: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child and its children) of one end-to-end run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([str(executable), *ARGS, "--db", os.path.join(folder, "book.db")],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{executable} failed ({done.returncode}): {done.stderr.strip()[-300:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from machine import describe

    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    sides = {"this branch": ROOT / ".venv" / "bin" / "planner",
             "main": Path(os.environ.get("MAIN_PLANNER", "/work/main/.venv/bin/planner"))}
    missing = [f"{name} ({path})" for name, path in sides.items() if not path.exists()]
    if missing:
        raise SystemExit(f"no planner executable for: {', '.join(missing)}")
    seen: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
    before = describe()
    with tempfile.TemporaryDirectory() as folder:
        for executable in sides.values():  # warm the disk cache of both, untimed
            timed(executable, folder)
        for _ in range(rounds):
            for name, executable in sides.items():
                seen[name].append(timed(executable, folder))
    print(f"planner {' '.join(ARGS)}: {rounds} rounds, the two executables alternately; target {TARGET_S:g} s")
    print(f"before: {before}\nafter:  {describe()}\n")
    print("| code | wall s, each round | median wall s | median CPU s (process + children) |")
    print("|---|---|---:|---:|")
    for name, runs in seen.items():
        walls = ", ".join(f"{w:.1f}" for w, _ in runs)
        print(f"| {name} | {walls} | {statistics.median(w for w, _ in runs):.1f} | "
              f"{statistics.median(c for _, c in runs):.1f} |")
    mine = statistics.median(w for w, _ in seen["this branch"])
    verdict = "meets" if mine <= TARGET_S else "misses"
    print(f"\nThis branch: median {mine:.1f} s, {verdict} the {TARGET_S:g} s target on this machine at this load.")


if __name__ == "__main__":
    main()
