"""``planner backtest --sweep`` and ``--paths``: the grid, its figures, bad specs, cancel and Ctrl+C."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from planner.app import sweep
from planner.app.backtest import BacktestOptions, config_for, load_path
from planner.backtest.engine import run_both
from planner.backtest.results import report
from planner.cli import run
from planner.domain import Settings


def cli(tmp_path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["backtest", *argv, "--db", str(tmp_path / "book.db")], out, err)
    return code, out.getvalue(), err.getvalue()


def test_a_sweep_runs_every_configuration_of_the_grid_and_matches_single_runs(tmp_path, capsys):
    code, out, err = cli(tmp_path, "--generate", "4", "--years", "0.5", "--sweep", "profit-target=30,60",
                         "--sweep", "near_vix_threshold=16,20", "--json")
    assert code == 0, err
    payload = json.loads(out)
    configs = [entry["config"] for entry in payload["sweep"]]
    assert configs == [{"profit-target": 30.0, "near_vix_threshold": 16.0},
                       {"profit-target": 30.0, "near_vix_threshold": 20.0},
                       {"profit-target": 60.0, "near_vix_threshold": 16.0},
                       {"profit-target": 60.0, "near_vix_threshold": 20.0}]
    # Each configuration's figures are those of the same backtest run alone, in this process.
    last = payload["sweep"][-1]["figures"]
    options = BacktestOptions(seed=4, years=0.5, knobs={"profit_target_pct": 60.0})
    alone = report(run_both(load_path(options)[0], Settings(near_vix_threshold=20.0), config_for(options))).to_json()
    assert last["hedged"] == alone["hedged"] and last["unhedged"] == alone["unhedged"]
    assert last["risk_matched"] == alone["risk_matched"]
    assert "4/4 runs" in capsys.readouterr().err  # progress on the process's stderr, never stdout


def test_the_csv_table_has_a_row_per_configuration(tmp_path):
    code, out, err = cli(tmp_path, "--generate", "4", "--years", "0.3", "--sweep", "hedge=on,off")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("hedge,unhedged_return_usd,hedged_return_usd,")
    on, off = (line.split(",") for line in lines[1:3])
    assert on[0] == "on" and off[0] == "off"
    assert off[1] == off[2]  # hedge off: the hedged run returns what the unhedged one does
    assert lines[3].startswith("# 2 runs on ")


def test_paths_report_the_median_and_percentiles_of_the_per_path_figures(tmp_path):
    code, out, err = cli(tmp_path, "--generate", "20", "--years", "0.4", "--paths", "3", "--json")
    assert code == 0, err
    [entry] = json.loads(out)["sweep"]
    figures = entry["figures"]
    assert figures["seeds"] == [20, 21, 22]
    reductions, mar_differences, trades, trips = [], [], [], []
    for seed in (20, 21, 22):  # each path run alone
        options = BacktestOptions(seed=seed, years=0.4)
        alone = report(run_both(load_path(options)[0], Settings(), config_for(options)))
        reductions.append(alone.drawdown_reduction_pct)
        mar_differences.append(alone.hedged.mar - alone.unhedged.mar)
        trades.append(alone.hedged.hedge_trades)
        trips.append(alone.hedged.round_trips)
    assert [p["drawdown_reduction_pct"] for p in figures["per_path"]] == pytest.approx(reductions)
    expected = np.percentile(reductions, [10, 50, 90])
    got = figures["drawdown_reduction_pct"]
    assert [got["p10"], got["median"], got["p90"]] == pytest.approx(expected.tolist())
    assert got["median"] == pytest.approx(sorted(reductions)[1])
    # The MAR difference and the round-trip share are taken per path, then summarized.
    assert [p["mar_difference"] for p in figures["per_path"]] == pytest.approx(mar_differences)
    assert figures["mar_difference"]["median"] == pytest.approx(sorted(mar_differences)[1])
    assert [(p["hedge_trades"], p["round_trips"]) for p in figures["per_path"]] == list(zip(trades, trips, strict=True))
    assert all(t > 0 for t in trades)  # every path trades layers, so every share is defined
    shares = [100.0 * r / t for r, t in zip(trips, trades, strict=True)]
    assert [p["round_trip_share_pct"] for p in figures["per_path"]] == pytest.approx(shares)
    assert figures["round_trip_share_pct"]["median"] == pytest.approx(sorted(shares)[1])
    assert (figures["hedge_trades"], figures["round_trips"]) == (sum(trades), sum(trips))


@pytest.mark.parametrize(("spec", "words"), [
    ("dte", "--sweep must be KEY=V1,V2,..."),
    ("nope=1,2", "--sweep must name a settings key"),
    ("dte=30,x", "--sweep dte must be a number, got x"),
    ("dte=30,,40", "--sweep dte must list values"),
    ("near_vix_threshold=0.5", "--sweep near_vix_threshold must be at least 1"),
    ("exit-days=50", "--sweep exit-days must be fewer than the target DTE"),
    ("hedge=maybe", "--sweep hedge must be on or off"),
])
def test_a_bad_sweep_spec_is_one_line_naming_the_field_and_exit_2(tmp_path, spec, words):
    code, out, err = cli(tmp_path, "--generate", "1", "--years", "0.3", "--sweep", spec)
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and words in err and err.count("\n") == 1


def test_paths_need_a_generated_path(tmp_path):
    code, _, err = cli(tmp_path, "--spx", "a.csv", "--vix", "b.csv", "--paths", "3")
    assert code == 2 and "--paths goes with --generate SEED" in err


def test_cancel_stops_every_worker_and_says_so():
    grid = sweep.plan(BacktestOptions(seed=1, years=5.0), Settings(), ["dte=30,40,50,60"])
    seen = []

    def cancel() -> bool:
        return bool(seen)  # as soon as the pool has started

    with pytest.raises(sweep.SweepCancelled, match="cancelled after 0 of 4 runs"):
        sweep.run_plan(grid, progress=lambda f, words: seen.append(words), cancel=cancel)


def four_run_sweep(tmp_path) -> subprocess.Popen:
    """``planner backtest --sweep`` of four 10-year runs, in its own process group, as a terminal starts it."""
    planner = Path(sys.executable).with_name("planner")
    return subprocess.Popen(
        [str(planner), "backtest", "--generate", "1", "--years", "10", "--sweep", "dte=30,40,50,60",
         "--db", str(tmp_path / "book.db")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def test_ctrl_c_on_the_command_line_cancels_cleanly_with_exit_130(tmp_path):
    process = four_run_sweep(tmp_path)
    try:
        started = time.monotonic()
        line = process.stderr.readline()  # the first progress line: the pool is up
        assert "sweep" in line, line
        while time.monotonic() - started < 60 and len(_children(process.pid)) < 1:
            time.sleep(0.1)
        os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl+C: the whole foreground group
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert "Traceback" not in err and out == ""
    assert err.strip().splitlines()[-1] == "error: interrupted"


def test_the_workers_leave_when_the_sweep_is_killed(tmp_path):
    process = four_run_sweep(tmp_path)
    workers: list[str] = []
    expected = min(sweep.cores(), 4)  # one worker per core, at most one per run
    try:
        assert "sweep" in process.stderr.readline()  # the first progress line: the pool is up
        started = time.monotonic()
        while time.monotonic() - started < 60 and len(workers) < expected:
            workers = [pid for pid in _children(process.pid) if "spawn_main" in _command(pid)]
            time.sleep(0.1)
        assert len(workers) == expected, workers
        process.kill()  # SIGKILL: no handler runs, nothing is cancelled
        process.wait(timeout=30)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_running(pid) for pid in workers):
            time.sleep(0.1)
        assert not [pid for pid in workers if _running(pid)]
    finally:
        if process.poll() is None:
            process.kill()
        for pid in workers:
            if _running(pid):
                os.kill(int(pid), signal.SIGKILL)


def _command(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _running(pid: str) -> bool:
    """The process exists and is not a zombie (an orphan waits for init to reap it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


def test_a_sweep_over_files_reads_them_and_a_missing_file_is_said_before_any_run(tmp_path):
    demo = Path(__file__).parents[2] / "resources" / "demo"
    files = ("--spx", str(demo / "SPX_History.csv"), "--vix", str(demo / "VIX_History.csv"))
    code, out, err = cli(tmp_path, *files, "--from", "2016-01-01", "--to", "2016-06-30",
                         "--sweep", "loss-multiple=1.5,3", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert [e["config"] for e in payload["sweep"]] == [{"loss-multiple": 1.5}, {"loss-multiple": 3.0}]
    code, out, err = cli(tmp_path, "--spx", str(tmp_path / "none.csv"), "--vix", files[3], "--sweep", "dte=30,40")
    assert (code, out) == (2, "") and "--spx must name an existing file" in err
