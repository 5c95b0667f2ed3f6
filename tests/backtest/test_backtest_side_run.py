"""The unhedged run in a forked child beside the hedged one: the same results, and failures that surface."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from planner.backtest import side_run
from planner.backtest.engine import BacktestConfig, run_both
from planner.backtest.generator import generate
from planner.domain import Settings

PATH = generate(5, 0.3)

needs_fork = pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(),
                                reason="this platform cannot fork")


@needs_fork
def test_runs_beside_each_other_give_the_same_results_as_in_turn():
    settings, config = Settings(), BacktestConfig()
    beside = run_both(PATH, settings, config, side_process=True)
    in_turn = run_both(PATH, settings, config, side_process=False)
    for first, second in ((beside.unhedged, in_turn.unhedged), (beside.hedged, in_turn.hedged)):
        np.testing.assert_array_equal(first.equity, second.equity)
        assert first.condors == second.condors and first.layers == second.layers
        assert (first.actions, first.warnings, first.credit_usd) == (second.actions, second.warnings,
                                                                     second.credit_usd)
    assert not beside.unhedged.hedged and beside.hedged.hedged


@needs_fork
def test_a_failure_in_the_child_is_raised_with_its_message():
    def broken():
        raise ValueError("no closes for 2020-03-16")

    with pytest.raises(side_run.SideRunFailed, match="ValueError: no closes for 2020-03-16"):
        side_run.SideRun(broken).result()


@needs_fork
def test_a_child_that_dies_without_answering_is_reported():
    import os

    with pytest.raises(side_run.SideRunFailed, match="without a result"):
        side_run.SideRun(lambda: os._exit(3)).result()


def test_no_fork_while_another_python_thread_runs():
    started, release = threading.Event(), threading.Event()
    thread = threading.Thread(target=lambda: (started.set(), release.wait()))
    thread.start()
    started.wait()
    try:
        assert not side_run.available()
    finally:
        release.set()
        thread.join()
