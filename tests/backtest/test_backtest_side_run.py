"""The unhedged run in a forked child beside the hedged one: the same results, and failures that surface.

The forking runs in a fresh interpreter: this test session may have loaded Qt, which a fork must not copy.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from planner.backtest import side_run

needs_fork = pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(),
                                reason="this platform cannot fork")
ROOT = Path(__file__).resolve().parents[2]


def _python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@needs_fork
def test_runs_beside_each_other_give_the_same_results_as_in_turn():
    out = _python("""
        import numpy as np
        from planner.backtest import side_run
        from planner.backtest.engine import BacktestConfig, run_both
        from planner.backtest.generator import generate
        from planner.domain import Settings

        path, settings, config = generate(5, 0.3), Settings(), BacktestConfig()
        assert side_run.available()
        beside = run_both(path, settings, config, side_process=True)
        in_turn = run_both(path, settings, config, side_process=False)
        for first, second in ((beside.unhedged, in_turn.unhedged), (beside.hedged, in_turn.hedged)):
            np.testing.assert_array_equal(first.equity, second.equity)
            assert first.condors == second.condors and first.layers == second.layers
            assert (first.actions, first.warnings, first.credit_usd) == (second.actions, second.warnings,
                                                                         second.credit_usd)
        assert not beside.unhedged.hedged and beside.hedged.hedged and len(beside.unhedged.condors) > 5
        print("same")
    """)
    assert out.strip() == "same"


@needs_fork
def test_a_failing_or_dead_child_is_reported():
    out = _python("""
        import os
        from planner.backtest.side_run import SideRun, SideRunFailed

        def broken():
            raise ValueError("no closes for 2020-03-16")

        for work in (broken, lambda: os._exit(3)):
            try:
                SideRun(work).result()
            except SideRunFailed as error:
                print(str(error).splitlines()[0])
    """)
    assert out.splitlines() == ["ValueError: no closes for 2020-03-16",
                                "the child process ended without a result (exit code 3)"]


def test_no_fork_while_another_python_thread_runs_or_qt_is_loaded(monkeypatch):
    started, release = threading.Event(), threading.Event()
    thread = threading.Thread(target=lambda: (started.set(), release.wait()))
    thread.start()
    started.wait()
    try:
        assert not side_run.available()
    finally:
        release.set()
        thread.join()
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setitem(sys.modules, "PySide6", sys.modules.get("PySide6", object()))
    assert not side_run.available()
