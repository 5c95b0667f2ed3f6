"""The window's one way to run work in the background: risk, suggestions, P&L history, backtests.

Rules (Orange3 ``widgets/utils/concurrent.py`` ``ConcurrentMixin``, one slot per kind
instead of a queue):

- **Leading edge**: the first request starts at once, so a lone quote is never delayed.
- **Coalescing**: requests arriving while the worker is busy replace each other, one
  waiting slot per kind; when the run ends only the newest waiting request of each kind
  runs next, so 20 ticks a second never queue stale work nor starve the worker. Kinds
  run in priority order (the live risk before the slow P&L history).
- **Stale results dropped**: each request gets its kind's next generation; a result
  older than one already delivered, or than a ``discard``/``cancel`` of its kind, never
  reaches the caller.
- **Cancellation**: the work receives a ``Token``; ``cancel(kind)`` sets it and drops
  the waiting request. Long jobs (a backtest, a sweep) poll ``token.cancelled()`` and
  raise their ``Cancelled``; ``on_cancelled`` then says so.
- **GUI thread**: results, errors, cancels and progress come back through queued
  signals, so every callback is free to touch widgets.

The window keeps one runner for risk, suggestions and the P&L history; each backtest
page has its own (same class), so an 8-second backtest never holds up a quote's risk.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

from planner.ui.qt_env import collect_garbage_on_gui_thread


class Token:
    """Handed to the work on the worker thread: has the user cancelled, and a way to report progress."""

    def __init__(self, report_progress: Callable[[float, str], None]) -> None:
        self._event = threading.Event()
        self._report_progress = report_progress

    def cancel(self) -> None:
        self._event.set()

    def cancelled(self) -> bool:
        return self._event.is_set()

    def progress(self, fraction: float, words: str = "") -> None:
        """Callable from the worker thread: crosses to the GUI thread as a queued signal."""
        self._report_progress(fraction, words)


@dataclass(eq=False)
class Job:
    kind: str
    work: Callable[[Token], Any]  # runs on the worker thread; must not touch widgets
    on_done: Callable[[Any], None]  # the GUI thread, from here on
    on_error: Callable[[BaseException], None] | None = None
    on_cancelled: Callable[[str], None] | None = None
    on_progress: Callable[[float, str], None] | None = None
    generation: int = 0
    token: Token | None = field(default=None, repr=False)


def _is_cancel(error: BaseException) -> bool:
    """The long jobs' own "stopped as asked" exceptions (imported late: the backtest loads numpy)."""
    from planner.app.sweep import SweepCancelled
    from planner.backtest.engine import Cancelled

    return isinstance(error, (Cancelled, SweepCancelled))


class _Runnable(QRunnable):
    def __init__(self, job: Job, report: Callable[[Job, str, Any], None]) -> None:
        super().__init__()
        self.job, self.report = job, report
        self.setAutoDelete(True)

    def run(self) -> None:  # worker thread
        job = self.job
        try:
            outcome = ("done", job.work(job.token))
        except Exception as error:  # handed to the GUI thread: a worker must always answer
            outcome = ("cancelled", str(error)) if _is_cancel(error) else ("failed", error)
        self.report(job, *outcome)


class Runner(QObject):
    """One worker thread; per kind at most one waiting job, the newest."""

    _finished = Signal(object, str, object)  # job, "done"/"failed"/"cancelled", value (worker -> GUI)
    _progressed = Signal(object, float, str)  # job, fraction, words (worker -> GUI)
    idle = Signal()

    def __init__(self, priorities: tuple[str, ...] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        collect_garbage_on_gui_thread()  # Python code on the worker must never destroy Qt objects
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pool.setExpiryTimeout(-1)  # keep the one thread, do not respawn it
        self._priorities = priorities
        self._pending: dict[str, Job] = {}
        self._running: Job | None = None
        self._generation: dict[str, int] = {}  # the newest generation handed out, per kind
        self._floor: dict[str, int] = {}  # results below this generation are stale, per kind
        self._closed = False
        self.started_runs = 0  # for tests and the benchmark: how many runs actually started
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)

    # -- asking ----------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._running is not None or bool(self._pending)

    def running(self, kind: str) -> bool:
        """A job of ``kind`` is running or waiting."""
        return (self._running is not None and self._running.kind == kind) or kind in self._pending

    def submit(self, job: Job) -> None:
        if self._closed:
            return
        job.generation = self._generation[job.kind] = self._generation.get(job.kind, 0) + 1
        job.token = Token(lambda fraction, words, job=job: self._progressed.emit(job, fraction, words))
        if self._running is not None:
            self._pending[job.kind] = job  # replaces an older waiting job of the same kind
            return
        self._start(job)

    def discard(self, kind: str) -> None:
        """Whatever of ``kind`` runs or waits is no longer wanted (the book changed): never delivered."""
        self._pending.pop(kind, None)
        self._floor[kind] = self._generation.get(kind, 0) + 1

    def cancel(self, kind: str) -> None:
        """Stop the running job of ``kind`` at its next check; its ``on_cancelled`` follows."""
        self._pending.pop(kind, None)
        if self._running is not None and self._running.kind == kind and self._running.token is not None:
            self._running.token.cancel()

    def shutdown(self) -> None:
        """Cancel the running job, drop waiting work and wait for the thread (the window closes)."""
        self._closed = True
        self._pending.clear()
        if self._running is not None and self._running.token is not None:
            self._running.token.cancel()
        self._pool.waitForDone()

    # -- running -------------------------------------------------------------------------------------
    def _start(self, job: Job) -> None:
        self._running = job
        self.started_runs += 1
        self._pool.start(_Runnable(job, self._report))

    def _report(self, job: Job, how: str, value: Any) -> None:  # worker thread
        if not self._closed:
            self._finished.emit(job, how, value)

    def _stale(self, job: Job) -> bool:
        return job.generation < self._floor.get(job.kind, 0)

    def _on_progress(self, job: Job, fraction: float, words: str) -> None:  # GUI thread
        if job.on_progress is not None and not self._closed and not self._stale(job):
            job.on_progress(fraction, words)

    def _on_finished(self, job: Job, how: str, value: Any) -> None:  # GUI thread
        self._running = None
        if self._closed:
            return
        # Start the follow-up before handing this result over, so the worker computes while the GUI draws.
        for kind in (*self._priorities, *self._pending):
            if kind in self._pending:
                self._start(self._pending.pop(kind))
                break
        if not self._stale(job):
            self._floor[job.kind] = job.generation  # an older result arriving later is dropped
            if how == "done":
                job.on_done(value)
            elif how == "cancelled":
                if job.on_cancelled is not None:
                    job.on_cancelled(value)
            elif job.on_error is not None:
                job.on_error(value)
        if not self.busy:
            self.idle.emit()
