"""One worker thread for the risk engine: leading edge, then one coalesced follow-up.

The first request starts at once, so a lone quote is never delayed. Requests
arriving while the worker is busy replace each other: when the run finishes,
only the newest waiting request of each kind runs next, so a burst of quotes
never queues stale work (Orange3 ``widgets/utils/concurrent.py`` pattern, with
one slot per kind instead of a queue). Kinds run in priority order: the live
risk before the slow P&L history.

Results come back on the GUI thread through a queued signal; the caller's
``on_done`` is then free to touch widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

from planner.ui.qt_env import collect_garbage_on_gui_thread


@dataclass(slots=True)
class Job:
    kind: str
    work: Callable[[], Any]  # runs on the worker thread; must not touch widgets
    on_done: Callable[[Any], None]  # runs on the GUI thread
    on_error: Callable[[BaseException], None] | None = None


class _Runnable(QRunnable):
    def __init__(self, job: Job, report: Callable[[Job, bool, Any], None]) -> None:
        super().__init__()
        self.job = job
        self.report = report
        self.setAutoDelete(True)

    def run(self) -> None:  # worker thread
        try:
            outcome = (True, self.job.work())
        except Exception as exc:  # handed to the GUI thread, shown there as one line
            outcome = (False, exc)
        self.report(self.job, *outcome)


class CoalescingRunner(QObject):
    """Run jobs one at a time on a single thread; per kind keep only the newest waiting job."""

    _finished = Signal(object, bool, object)  # job, ok, result or exception (worker -> GUI thread)
    idle = Signal()

    def __init__(self, priorities: tuple[str, ...] = ("risk", "history"), parent: QObject | None = None) -> None:
        super().__init__(parent)
        collect_garbage_on_gui_thread()  # Python code on the worker must never destroy Qt objects
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pool.setExpiryTimeout(-1)  # keep the one thread, do not respawn it
        self._priorities = priorities
        self._pending: dict[str, Job] = {}
        self._busy = False
        self._closed = False
        self.started_runs = 0  # for tests and the benchmark: how many runs actually started
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        return self._busy or bool(self._pending)

    def submit(self, job: Job) -> None:
        if self._closed:
            return
        if self._busy:
            self._pending[job.kind] = job  # replaces an older waiting job of the same kind
            return
        self._start(job)

    def shutdown(self) -> None:
        """Drop waiting work and wait for the running job (call before the window goes)."""
        self._closed = True
        self._pending.clear()
        self._pool.waitForDone()

    def _start(self, job: Job) -> None:
        self._busy = True
        self.started_runs += 1
        self._pool.start(_Runnable(job, self._report))

    def _report(self, job: Job, ok: bool, value: Any) -> None:  # worker thread
        if not self._closed:
            self._finished.emit(job, ok, value)

    def _on_finished(self, job: Job, ok: bool, value: Any) -> None:  # GUI thread
        self._busy = False
        if self._closed:
            return
        # Start the follow-up before applying this result, so the worker computes
        # while the GUI thread draws.
        for kind in (*self._priorities, *self._pending):
            if kind in self._pending:
                self._start(self._pending.pop(kind))
                break
        if ok:
            job.on_done(value)
        elif job.on_error is not None:
            job.on_error(value)
        if not self.busy:
            self.idle.emit()
