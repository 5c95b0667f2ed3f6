"""The window's one runner: leading edge at once, a burst collapses into one follow-up with the newest
request, stale results dropped, long jobs cancelled, every answer on the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from planner.ui.runner import Job, Runner

WAIT_MS = 10_000  # generous: a behaviour test, not a timing test


def test_burst_runs_first_request_then_only_the_newest(qtbot):
    runner = Runner()
    gate = threading.Event()
    results, threads = [], set()

    def work(n):
        def run(_token):
            threads.add(threading.get_ident())
            if n == 0:
                gate.wait(10)
            return n
        return run

    for n in range(10):
        runner.submit(Job("risk", work(n), results.append))
    assert runner.started_runs == 1  # leading edge: the first request started at once
    gate.set()
    qtbot.waitUntil(lambda: results == [0, 9], timeout=WAIT_MS)
    assert runner.started_runs == 2  # the nine waiting requests collapsed into the newest one
    assert len(threads) == 1 and threading.get_ident() not in threads
    runner.shutdown()


def test_ticks_faster_than_the_work_never_starve_it(qtbot):
    """A request every few milliseconds while each run takes longer: results keep arriving, each newer."""
    runner = Runner()
    results = []

    def slow(n):
        def run(_token):
            threading.Event().wait(0.02)
            return n
        return run

    n = 0
    while len(results) < 5:
        runner.submit(Job("risk", slow(n), results.append))
        n += 1
        qtbot.wait(5)
        assert n < 2000, "no result while requests kept coming"
    assert results == sorted(results) and len(set(results)) == len(results)
    assert runner.started_runs < n  # most requests were folded into a newer one
    runner.shutdown()


def test_results_arrive_on_the_gui_thread_and_risk_goes_before_history(qtbot):
    runner = Runner(priorities=("risk", "history"))
    gate = threading.Event()
    order, on_gui = [], []

    def done(name):
        def apply(_value):
            order.append(name)
            on_gui.append(QThread.currentThread() is runner.thread())
        return apply

    runner.submit(Job("history", lambda _t: gate.wait(10), done("first")))
    runner.submit(Job("history", lambda _t: 1, done("history")))
    runner.submit(Job("risk", lambda _t: 2, done("risk")))
    gate.set()
    qtbot.waitUntil(lambda: len(order) == 3, timeout=WAIT_MS)
    assert order == ["first", "risk", "history"]
    assert all(on_gui)
    runner.shutdown()


def test_a_discarded_result_never_arrives(qtbot):
    """The book changed while its history ran: the old series is dropped, the new one shown."""
    runner = Runner()
    gate = threading.Event()
    results = []
    runner.submit(Job("history", lambda _t: gate.wait(10) and "old", results.append))
    runner.discard("history")
    runner.submit(Job("history", lambda _t: "new", results.append))
    gate.set()
    qtbot.waitUntil(lambda: results == ["new"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT_MS)
    assert results == ["new"]
    runner.shutdown()


def test_a_long_job_is_cancelled_with_progress_on_the_gui_thread(qtbot):
    from planner.backtest.engine import Cancelled

    runner = Runner()
    started = threading.Event()
    progress, cancelled, done = [], [], []

    def long_job(token):
        for step in range(10_000):
            token.progress(step / 10_000, f"step {step}")
            started.set()
            if token.cancelled():
                raise Cancelled(f"stopped at step {step}")
            threading.Event().wait(0.001)
        return "finished"

    runner.submit(Job("backtest", long_job, done.append, on_cancelled=cancelled.append,
                      on_progress=lambda f, words: progress.append((f, QThread.currentThread() is runner.thread()))))
    assert started.wait(10)
    qtbot.waitUntil(lambda: bool(progress), timeout=WAIT_MS)
    runner.cancel("backtest")
    qtbot.waitUntil(lambda: bool(cancelled), timeout=WAIT_MS)
    assert cancelled[0].startswith("stopped at step") and not done
    assert all(on_gui for _f, on_gui in progress)
    assert not runner.running("backtest")
    runner.shutdown()


def test_errors_are_handed_back_not_raised(qtbot):
    runner = Runner()
    errors = []

    def fail(_token):
        raise ValueError("bad input")

    runner.submit(Job("risk", fail, lambda _: None, errors.append))
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=WAIT_MS)
    assert isinstance(errors[0], ValueError)
    runner.shutdown()
