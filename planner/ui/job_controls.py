"""Run and Cancel buttons, a progress bar and a status line, bound to a ``Runner`` of their own.

The Backtest tab's single run and its sweep page each show one; the view
says what to run (``start``) and what a result means (its ``on_done`` returns
the status line), and these controls do the rest the same way for both:
buttons enabled while it fits, the bar following the job, the failure or the
cancel said in the status line, and ``finished`` ("done", "failed",
"cancelled") once the job is over. The runner is the window's one kind
(``planner.ui.runner``), an instance of its own so a long run never holds up a
quote's risk.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QWidget

from planner.domain.errors import PlannerError
from planner.ui.runner import Job, Runner

PROGRESS_STEPS = 1000
KIND = "long job"
# work(progress, cancelled): progress(fraction, words) may be called from the job's thread;
# cancelled() says whether the user pressed Cancel.
Work = Callable[[Callable[[float, str], None], Callable[[], bool]], object]


class JobControls(QObject):
    finished = Signal(str)

    def __init__(self, parent: QWidget, run_text: str, cancel_text: str, ready_text: str,
                 cancelling_text: str, failed_words: str = "Failed") -> None:
        super().__init__(parent)
        self.runner = Runner(parent=self)
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

    @property
    def running(self) -> bool:
        return self.runner.running(KIND)

    def start(self, work: Work, on_done: Callable[[object], str], status_text: str) -> None:
        """Run ``work``; ``on_done(result)`` shows the result and returns the status line."""
        if self.running:
            return
        self._on_done = on_done
        self.progress.setValue(0)
        self.status.setText(status_text)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.runner.submit(Job(KIND, lambda token: work(token.progress, token.cancelled), self._done,
                               self._failed, self._cancelled, self._progressed))

    def refuse(self, message: str) -> None:
        """The inputs cannot run: say why, and answer "failed" as a run would."""
        self.status.setText(message)
        self.finished.emit("failed")

    def cancel(self) -> None:
        if self.running:
            self.runner.cancel(KIND)
            self.cancel_button.setEnabled(False)
            self.status.setText(self._cancelling_text)

    def shutdown(self) -> None:
        self.runner.shutdown()

    def _progressed(self, fraction: float, words: str) -> None:
        self.progress.setValue(round(PROGRESS_STEPS * min(max(fraction, 0.0), 1.0)))
        self.progress.setFormat(f"%p %  {words}")

    def _done(self, result) -> None:
        self.status.setText(self._on_done(result))
        self.progress.setValue(PROGRESS_STEPS)
        self._finish("done")

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, PlannerError):
            message = " ".join(str(error).split())
        else:  # a worker always answers, or the view would wait forever
            message = f"unexpected {type(error).__name__}: {error}"
        self.status.setText(f"{self._failed_words}: {message}")
        self._finish("failed")

    def _cancelled(self, message: str) -> None:
        self.status.setText(f"Cancelled ({message}).")
        self.progress.setValue(0)
        self._finish("cancelled")

    def _finish(self, how: str) -> None:
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.finished.emit(how)
