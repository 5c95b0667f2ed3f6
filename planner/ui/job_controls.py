"""Run and Cancel buttons, a progress bar and a status line, bound to one ``BackgroundRun``.

The Backtest tab's single run and its sweep page each show one; the view
says what to run (``start``) and what a result means (its ``on_done`` returns
the status line), and these controls do the rest the same way for both:
buttons enabled while it fits, the bar following the job, the failure or the
cancel said in the status line, and ``finished`` ("done", "failed",
"cancelled") once the job is over.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QWidget

from planner.ui.background_run import BackgroundRun, Work

PROGRESS_STEPS = 1000


class JobControls(QObject):
    finished = Signal(str)

    def __init__(self, parent: QWidget, run_text: str, cancel_text: str, ready_text: str,
                 cancelling_text: str, failed_words: str = "Failed") -> None:
        super().__init__(parent)
        self.job = BackgroundRun(self)
        self.run_button = QPushButton(run_text)
        self.cancel_button = QPushButton(cancel_text)
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setValue(0)
        self.progress.setFormat("%p %")
        self.status = QLabel(ready_text)
        self.status.setWordWrap(True)
        self._cancelling_text, self._failed_words = cancelling_text, failed_words
        self._on_done: Callable[[object], str] = str
        self.cancel_button.clicked.connect(self.cancel)
        self.job.progressed.connect(self._progressed)
        self.job.done.connect(self._done)
        self.job.failed.connect(self._failed)
        self.job.cancelled.connect(self._cancelled)

    @property
    def running(self) -> bool:
        return self.job.running

    def start(self, work: Work, on_done: Callable[[object], str], status_text: str) -> None:
        """Run ``work``; ``on_done(result)`` shows the result and returns the status line."""
        if self.running:
            return
        self._on_done = on_done
        self.progress.setValue(0)
        self.status.setText(status_text)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.job.start(work)

    def refuse(self, message: str) -> None:
        """The inputs cannot run: say why, and answer "failed" as a run would."""
        self.status.setText(message)
        self.finished.emit("failed")

    def cancel(self) -> None:
        if self.running:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText(self._cancelling_text)

    def shutdown(self) -> None:
        self.job.shutdown()

    @Slot(float, str)
    def _progressed(self, fraction: float, words: str) -> None:
        self.progress.setValue(round(PROGRESS_STEPS * min(max(fraction, 0.0), 1.0)))
        self.progress.setFormat(f"%p %  {words}")

    @Slot(object)
    def _done(self, result) -> None:
        self.status.setText(self._on_done(result))
        self.progress.setValue(PROGRESS_STEPS)
        self._finish("done")

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.status.setText(f"{self._failed_words}: {message}")
        self._finish("failed")

    @Slot(str)
    def _cancelled(self, message: str) -> None:
        self.status.setText(f"Cancelled ({message}).")
        self.progress.setValue(0)
        self._finish("cancelled")

    def _finish(self, how: str) -> None:
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.finished.emit(how)
