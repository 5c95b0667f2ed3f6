"""A 48-configuration sweep over 5 years on every core (target 180 s), and its parallel efficiency.

``planner backtest --generate 7 --years 5 --sweep profit-target=30,50,75
--sweep near_vix_threshold=16,18,20,22 --sweep coverage_target_pct=40,50,60,70 --json``,
end to end as a user runs it. The JSON says the wall seconds of the pool, the
workers, and the CPU seconds the 48 backtests took inside the workers (the
serial CPU time: what one core would spend on them). Parallel efficiency =
serial CPU time / (wall time x cores); 1.0 would be every core busy on
backtests the whole time, never waiting on start-up, on the last stragglers or
on the other work of a shared machine. As a control, one configuration of the
grid runs alone in this process just before and just after the sweep: its CPU
seconds over its wall seconds is the share of a core one process got in those
minutes, which bounds what the pool could reach (efficiency <= that share).

Run: python benchmarks/bench_backtest_sweep.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 180.0
SWEEP = ("--sweep", "profit-target=30,50,75", "--sweep", "near_vix_threshold=16,18,20,22",
         "--sweep", "coverage_target_pct=40,50,60,70")
ARGS = ("backtest", "--generate", "7", "--years", "5", *SWEEP, "--json")
ROOT = Path(__file__).resolve().parent.parent


def core_share() -> tuple[float, float]:
    """(wall s, CPU s) of one backtest of the grid (its first configuration) run alone, in this process."""
    from planner.app.backtest import BacktestOptions, config_for, load_path
    from planner.backtest.engine import run_both
    from planner.domain import Settings

    options = BacktestOptions(seed=7, years=5.0, knobs={"profit_target_pct": 30.0})
    path = load_path(options)[0]
    settings = Settings(near_vix_threshold=16.0, coverage_target_pct=40.0)
    started, cpu = time.perf_counter(), time.process_time()
    run_both(path, settings, config_for(options))
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from machine import describe

    executable = ROOT / ".venv" / "bin" / "planner"
    before = describe()
    core_share()  # warm the imports and the calendars, untimed
    control = [core_share()]
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        done = subprocess.run([str(executable), *ARGS, "--db", os.path.join(folder, "book.db")],
                              capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the sweep failed ({done.returncode}): {done.stderr.strip()[-300:]}")
    control.append(core_share())
    share = sum(c for _, c in control) / sum(w for w, _ in control)
    payload = json.loads(done.stdout)
    configurations = len(payload["sweep"])
    workers, pool_s, serial_cpu = payload["workers"], payload["seconds"], payload["cpu_seconds"]
    from planner.app.sweep import cores

    count = cores()
    print(f"planner {' '.join(ARGS)}; target {TARGET_S:g} s\nbefore: {before}\nafter:  {describe()}\n")
    print("| configurations | workers / cores | end to end s | pool s | serial CPU s | per backtest CPU s "
          "| parallel efficiency | one process's share of a core (control) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {configurations} | {workers} / {count} | {wall:.1f} | {pool_s:.1f} | {serial_cpu:.1f} | "
          f"{serial_cpu / configurations:.2f} | {serial_cpu / (pool_s * count):.2f} | {share:.2f} |")
    print("\nControl runs alone (wall s / CPU s): " + ", ".join(f"{w:.1f} / {c:.1f}" for w, c in control))
    verdict = "meets" if wall <= TARGET_S else "misses"
    print(f"\nEnd to end {wall:.1f} s {verdict} the {TARGET_S:g} s target on this machine at this load.")


if __name__ == "__main__":
    main()
