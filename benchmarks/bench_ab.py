"""Before and after in one run: the same measurements on another commit's code and on this checkout, alternated.

The other commit's ``planner/`` and ``benchmarks/`` are exported with ``git archive`` into a temporary folder
(the compiled pricing kernel is copied from this checkout, and the script refuses when the two commits' kernel
sources differ), and each measurement runs in a fresh process per side, in the order A B B A, round after
round, so a machine that slows down mid-run (two cores shared with other work) weighs on both sides alike.
Everything but the code measured is the same: the interpreter, the packages, the books, the database file.

Measurements (``--what``, comma-separated):
- ``risk``: ``analyze`` of bench_risk.py's typical and worst-case 300-leg books, the same book objects again and
  again as a window re-analyses its book on each quote (median of 60 after 5 warm-ups);
- ``growth``: ``planner risk``, ``planner export`` and ``planner suggest`` at 3,000 open positions with a quote,
  in process as bench_book_growth.py runs them (median of 3);
- ``backtest``: ``planner backtest --generate 7 --years 10 --json`` end to end, as bench_backtest.py's first row.

Prints each side's median over the rounds and the change, after / before - 1, of the wall-clock time and of
the process's CPU time (all its threads): the CPU time shows the work done even while other programs take the
cores, which the wall-clock time on a busy machine mostly does not.

    .venv/bin/python benchmarks/bench_ab.py BEFORE_COMMIT [--rounds 3] [--what risk,growth,backtest]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

RISK = """
import json, statistics, sys, time
sys.path.insert(0, "{root}/benchmarks")
from sample_books import NOW, market, typical_book, worst_book
from planner.domain import Settings
from planner.risk import analyze
settings, snapshot, out = Settings(), market(), {{}}
for name, book in (("risk typical", typical_book()), ("risk worst", worst_book())):
    for _ in range(5):
        analyze(book, snapshot, settings, at=NOW)
    wall, cpu = [], []
    for _ in range(60):
        started, started_cpu = time.perf_counter(), time.process_time()
        analyze(book, snapshot, settings, at=NOW)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    out[name] = [1e3 * statistics.median(wall), 1e3 * statistics.median(cpu)]
print(json.dumps(out))
"""

GROWTH = """
import io, json, statistics, sys, time
sys.path.insert(0, "{root}/benchmarks")
from bench_book_growth import NOW
from planner.cli import run
out = {{}}
for argv in (["risk"], ["export"], ["suggest"]):
    wall, cpu = [], []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        code = run([*argv, "--db", "{db}"], io.StringIO(), err := io.StringIO(), clock=lambda: NOW)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        if code:
            raise SystemExit(err.getvalue())
    out[argv[0] + " at 3,000"] = [1e3 * statistics.median(wall), 1e3 * statistics.median(cpu)]
print(json.dumps(out))
"""

BACKTEST = """
import json, sys
sys.path.insert(0, "{root}/benchmarks")
import time
from bench_backtest import cli_seconds
started_cpu = time.process_time()
wall = cli_seconds()
print(json.dumps({{"backtest 10 years": [1e3 * wall, 1e3 * (time.process_time() - started_cpu)]}}))
"""

SCRIPTS = {"risk": RISK, "growth": GROWTH, "backtest": BACKTEST}


def export(commit: str, folder: Path) -> Path:
    """``commit``'s planner/ and benchmarks/ in ``folder``, with this checkout's compiled kernel."""
    kernel = "planner/pricing/_native.c"
    if subprocess.run(["git", "diff", "--quiet", commit, "--", kernel], cwd=ROOT).returncode != 0:
        raise SystemExit(f"{kernel} differs between {commit} and this checkout: build that commit to compare")
    archive = subprocess.run(["git", "archive", commit, "planner", "benchmarks"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    folder.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    for built in (ROOT / "planner" / "pricing").glob("_native*.so"):
        shutil.copy2(built, folder / "planner" / "pricing" / built.name)
    return folder


def measure(root: Path, what: str, db: Path, scratch: Path) -> dict[str, list[float]]:
    """{figure: [wall ms, CPU ms]} of one fresh process running ``what`` on the code under ``root``."""
    script = SCRIPTS[what].format(root=root, db=db)
    # Run from a scratch folder: python -c puts the working directory first on sys.path.
    environment = dict(os.environ, PYTHONPATH=str(root))
    done = subprocess.run([sys.executable, "-c", script], cwd=scratch, env=environment, capture_output=True,
                          text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{what} on {root} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def growth_book(folder: Path) -> Path:
    sys.path.insert(0, str(HERE))
    from bench_book_growth import build

    path = folder / "book3000.db"
    build(path, 3_000)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", help="the commit to compare this checkout with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--what", default="risk,growth,backtest")
    args = parser.parse_args()
    whats = [w for w in args.what.split(",") if w]
    # Named now: a commit made on this branch while the rounds run must not rename "HEAD~1" in the printout.
    commit = subprocess.run(["git", "rev-parse", "--short", args.before], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        before = export(commit, folder / "before")
        sides = {"before": before, "after": ROOT}
        db = growth_book(folder) if "growth" in whats else folder / "none.db"
        scratch = folder / "scratch"
        scratch.mkdir()
        figures: dict[str, dict[str, list[list[float]]]] = {"before": {}, "after": {}}
        for round_number in range(args.rounds):
            order = ("before", "after", "after", "before") if round_number % 2 == 0 else (
                "after", "before", "before", "after")
            for side in order:
                for what in whats:
                    for name, value in measure(sides[side], what, db, scratch).items():
                        figures[side].setdefault(name, []).append(value)
            print(f"round {round_number + 1} of {args.rounds} done", file=sys.stderr, flush=True)
    print(f"before: {commit}; after: this checkout; {args.rounds} rounds, each side twice a round (A B B A)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("| figure | before, wall | after, wall | change | before, CPU | after, CPU | change |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, values in figures["before"].items():
        cells = []
        for k in (0, 1):
            old = statistics.median(v[k] for v in values)
            new = statistics.median(v[k] for v in figures["after"][name])
            cells.append(f"{old:,.1f} ms | {new:,.1f} ms | {100 * (new / old - 1):+.1f} %")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
