"""One long job (a backtest, a sweep) on its own thread, with progress, cancel and an answer by signal.

The job is ``work(progress, cancel)``: ``progress(fraction, words)`` may be
called from the job's thread (it crosses to the GUI thread as a queued
signal) and ``cancel()`` says whether the user pressed Cancel. Whatever
happens, exactly one of ``done(result)``, ``failed(message)`` or
``cancelled(message)`` arrives on the GUI thread, and the thread is gone by
then: a view waiting on it can never hang.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from planner.ui.qt_env import collect_garbage_on_gui_thread

Work = Callable[[Callable[[float, str], None], Callable[[], bool]], object]


class _Worker(QObject):
    progressed = Signal(float, str)
    finished = Signal(str, object)  # "done" / "failed" / "cancelled", and the result or the message

    def __init__(self, work: Work, stop: threading.Event) -> None:
        super().__init__()
        self.work, self.stop = work, stop

    @Slot()
    def run(self) -> None:
        from planner.app.sweep import SweepCancelled
        from planner.backtest.engine import Cancelled
        from planner.domain.errors import PlannerError

        try:
            result = self.work(self.progressed.emit, self.stop.is_set)
        except (Cancelled, SweepCancelled) as why:
            self.finished.emit("cancelled", str(why))
        except PlannerError as error:
            self.finished.emit("failed", " ".join(str(error).split()))
        except Exception as error:  # a worker must always answer, or the view waits forever
            self.finished.emit("failed", f"unexpected {type(error).__name__}: {error}")
        else:
            self.finished.emit("done", result)


class BackgroundRun(QObject):
    """Runs one job at a time; ``start`` while one runs is ignored."""

    progressed = Signal(float, str)
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._stop = threading.Event()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, work: Work) -> bool:
        if self.running:
            return False
        self._stop = threading.Event()
        collect_garbage_on_gui_thread()  # the job's Python code must never destroy Qt objects
        self._thread = QThread(self)
        self._worker = _Worker(work, self._stop)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self.progressed)
        self._worker.finished.connect(self._finished)
        self._thread.start()
        return True

    def cancel(self) -> None:
        self._stop.set()

    @Slot(str, object)
    def _finished(self, how: str, value: object) -> None:
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        if thread is not None:
            thread.quit()
            thread.wait()
            thread.deleteLater()
        if worker is not None:
            worker.deleteLater()
        {"done": self.done, "failed": self.failed, "cancelled": self.cancelled}[how].emit(value)

    def shutdown(self) -> None:
        """Stop the job and wait for its thread (the window is closing)."""
        if self._thread is not None:
            self._stop.set()
            self._thread.quit()
            self._thread.wait()
