"""The risk worker: leading edge at once, a burst collapses into one follow-up with the newest request."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from planner.ui.risk_runner import CoalescingRunner, Job


def test_burst_runs_first_request_then_only_the_newest(qtbot):
    runner = CoalescingRunner()
    gate = threading.Event()
    results, threads = [], set()

    def work(n):
        def run():
            threads.add(threading.get_ident())
            if n == 0:
                gate.wait(10)
            return n
        return run

    for n in range(10):
        runner.submit(Job("risk", work(n), results.append))
    assert runner.started_runs == 1  # leading edge: the first request started at once
    gate.set()
    qtbot.waitUntil(lambda: results == [0, 9], timeout=10_000)
    assert runner.started_runs == 2  # the nine waiting requests collapsed into the newest one
    assert len(threads) == 1 and threading.get_ident() not in threads
    runner.shutdown()


def test_results_arrive_on_the_gui_thread_and_risk_goes_before_history(qtbot):
    runner = CoalescingRunner(priorities=("risk", "history"))
    gate = threading.Event()
    order, on_gui = [], []

    def done(name):
        def apply(_value):
            order.append(name)
            on_gui.append(QThread.currentThread() is runner.thread())
        return apply

    runner.submit(Job("history", lambda: gate.wait(10), done("first")))
    runner.submit(Job("history", lambda: 1, done("history")))
    runner.submit(Job("risk", lambda: 2, done("risk")))
    gate.set()
    qtbot.waitUntil(lambda: len(order) == 3, timeout=10_000)
    assert order == ["first", "risk", "history"]
    assert all(on_gui)
    runner.shutdown()


def test_errors_are_handed_back_not_raised(qtbot):
    runner = CoalescingRunner()
    errors = []

    def fail():
        raise ValueError("bad input")

    runner.submit(Job("risk", fail, lambda _: None, errors.append))
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=10_000)
    assert isinstance(errors[0], ValueError)
    runner.shutdown()
