"""The Backtest tab: choose data and a condor program, run it unhedged and hedged, see the curves.

The run goes through ``planner.app.backtest`` (the command line's use case) on
one worker thread; the window stays live, a progress bar follows the days, and
Cancel stops the run at its next session. The settings are the book's, read on
the GUI thread when Run is pressed (the database connection belongs to it).
"""

from __future__ import annotations

import threading
from datetime import date

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from planner.ui.backtest_charts import BacktestCharts
from planner.ui.qt_env import collect_garbage_on_gui_thread

GENERATED, FILES = "Generated path", "My files (Cboe or date,symbol,close)"
PROGRESS_STEPS = 1000


class _Worker(QObject):
    """Runs one backtest off the GUI thread; every result comes back by signal."""

    progressed = Signal(float, str)
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal(str)

    def __init__(self, options, settings, stop: threading.Event, vx_settlements=None) -> None:
        super().__init__()
        self.options, self.settings, self.stop = options, settings, stop
        self.vx_settlements = vx_settlements  # read on the GUI thread: the worker never touches the store

    @Slot()
    def run(self) -> None:
        from planner.app.backtest import run_backtest
        from planner.backtest.engine import Cancelled
        from planner.domain.errors import PlannerError

        try:
            outcome = run_backtest(self.options, self.settings, progress=self.progressed.emit,
                                   cancel=self.stop.is_set, vx_settlements=self.vx_settlements)
        except Cancelled as why:
            self.cancelled.emit(str(why))
        except PlannerError as error:
            self.failed.emit(" ".join(str(error).split()))
        except Exception as error:  # a worker must always answer, or the tab waits forever
            self.failed.emit(f"unexpected {type(error).__name__}: {error}")
        else:
            self.done.emit(outcome)


class BacktestTab(QWidget):
    """``workspace``: a ``planner.app.Workspace`` whose settings drive the hedge rules; None until the window
    has opened a book (``set_workspace``), in which case a run uses the default settings and says so."""

    finished = Signal(str)  # "done", "cancelled" or "failed": tests and the window wait on it

    def __init__(self, workspace=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backtestTab")
        self.workspace = workspace
        self.outcome = None
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._stop = threading.Event()

        self.source = QComboBox()
        self.source.addItems([GENERATED, FILES])
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(7)
        self.years = QDoubleSpinBox()
        self.years.setRange(0.25, 40.0)
        self.years.setDecimals(2)
        self.years.setValue(10.0)
        self.years.setSuffix(" years")
        self.spx_file, self.vix_file, self.vvix_file = (QLineEdit() for _ in range(3))
        self.spx_file.setPlaceholderText("SPX_History.csv")
        self.vix_file.setPlaceholderText("VIX_History.csv")
        self.vvix_file.setPlaceholderText("optional: VVIX_History.csv")
        self.start = QLineEdit()
        self.start.setPlaceholderText("YYYY-MM-DD (optional)")
        self.end = QLineEdit()
        self.end.setPlaceholderText("YYYY-MM-DD (optional)")

        self.entry_every = _spin(1, 250, 5, " sessions")
        self.dte = _spin(2, 400, 45, " days")
        self.delta = _double(0.01, 0.49, 0.16, 2, "")
        self.wing = _double(0.05, 20.0, 1.0, 2, " % of SPX")
        self.profit = _double(1.0, 100.0, 75.0, 0, " % of credit")
        self.loss = _double(0.1, 50.0, 2.0, 1, " x credit")
        self.exit_days = _spin(0, 60, 7, " days")

        data = QGroupBox("Data")
        data_form = QFormLayout(data)
        data_form.addRow("Source", self.source)
        data_form.addRow("Seed", self.seed)
        data_form.addRow("Length", self.years)
        for label, field in (("SPX file", self.spx_file), ("VIX file", self.vix_file), ("VVIX file", self.vvix_file)):
            data_form.addRow(label, _with_browse(field, self))
        data_form.addRow("From", self.start)
        data_form.addRow("To", self.end)
        program = QGroupBox("Condor program")
        program_form = QFormLayout(program)
        for label, field in (("Enter every", self.entry_every), ("Target DTE", self.dte),
                             ("Short delta", self.delta), ("Wing width", self.wing),
                             ("Profit target", self.profit), ("Loss stop", self.loss),
                             ("Exit before expiry", self.exit_days)):
            program_form.addRow(label, field)

        self.run_button = QPushButton("&Run backtest")
        self.run_button.setToolTip("Replay the program unhedged and hedged by the live rules, with this book's "
                                   "settings")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setValue(0)
        self.progress.setFormat("%p %")
        self.status = QLabel("Ready.")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)

        controls = QWidget()
        controls_layout = QVBoxLayout(controls)
        controls_layout.addWidget(data)
        controls_layout.addWidget(program)
        controls_layout.addLayout(buttons)
        controls_layout.addWidget(self.progress)
        controls_layout.addWidget(self.status)
        controls_layout.addStretch(1)

        self.charts = BacktestCharts()
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setObjectName("backtestSummary")
        self.summary.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))  # the table's columns
        self.summary.setPlaceholderText("The figures of the last run appear here.")
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.charts)
        right.addWidget(self.summary)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 1)
        split = QSplitter()
        split.addWidget(controls)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split)

        self.source.currentTextChanged.connect(self._source_changed)
        self.run_button.clicked.connect(self.start_run)
        self.cancel_button.clicked.connect(self.cancel_run)
        self._source_changed(self.source.currentText())

    def set_workspace(self, workspace) -> None:
        """The book whose settings the next run uses (the window calls this when it opens one)."""
        self.workspace = workspace

    def _settings(self):
        if self.workspace is None:
            from planner.domain import Settings

            return Settings()
        return self.workspace.settings()

    # -- inputs ---------------------------------------------------------------------------
    def _source_changed(self, text: str) -> None:
        generated = text == GENERATED
        for widget in (self.seed, self.years):
            widget.setEnabled(generated)
        for widget in (self.spx_file, self.vix_file, self.vvix_file):
            widget.setEnabled(not generated)

    def options(self):
        """The ``BacktestOptions`` the form describes (InputError naming the field when it cannot)."""
        from planner.app.backtest import BacktestOptions
        from planner.app.inputs import parse_date

        def day(field: QLineEdit, name: str) -> date | None:
            text = field.text().strip()
            return parse_date(name, text) if text else None

        knobs = {
            "entry_every_days": self.entry_every.value(), "target_dte_days": self.dte.value(),
            "short_delta": self.delta.value(), "wing_width_pct": self.wing.value(),
            "profit_target_pct": self.profit.value(), "loss_multiple": self.loss.value(),
            "exit_days_before_expiry": self.exit_days.value(),
        }
        if self.source.currentText() == GENERATED:
            return BacktestOptions(seed=self.seed.value(), years=self.years.value(), start=day(self.start, "From"),
                                   end=day(self.end, "To"), knobs=knobs)
        return BacktestOptions(spx=self.spx_file.text().strip() or None, vix=self.vix_file.text().strip() or None,
                               vvix=self.vvix_file.text().strip() or None, start=day(self.start, "From"),
                               end=day(self.end, "To"), knobs=knobs)

    # -- running ----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None

    def start_run(self) -> None:
        if self.running:
            return
        from planner.domain.errors import PlannerError

        try:
            options = self.options()
            settings = self._settings()
            curves = self.workspace.vx_settlement_curves() if self.workspace is not None else None
        except PlannerError as error:
            self.status.setText(f"Cannot run: {' '.join(str(error).split())}")
            self.finished.emit("failed")
            return
        self._stop = threading.Event()
        collect_garbage_on_gui_thread()  # the run's Python code must never destroy Qt objects
        self._thread = QThread(self)
        self._worker = _Worker(options, settings, self._stop, curves)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self._progressed)
        self._worker.done.connect(self._done)
        self._worker.failed.connect(self._failed)
        self._worker.cancelled.connect(self._cancelled)
        self.progress.setValue(0)
        book = "this book's settings" if self.workspace is not None else "default settings (no book open)"
        self.status.setText(f"Running with {book}: the unhedged run first, then the hedged run, the rules "
                            "reviewing every close…")
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._thread.start()

    def cancel_run(self) -> None:
        if self.running:
            self._stop.set()
            self.cancel_button.setEnabled(False)
            self.status.setText("Cancelling at the next session…")

    @Slot(float, str)
    def _progressed(self, fraction: float, words: str) -> None:
        self.progress.setValue(round(PROGRESS_STEPS * min(max(fraction, 0.0), 1.0)))
        self.progress.setFormat(f"%p %  {words}")

    @Slot(object)
    def _done(self, outcome) -> None:
        from planner.app.backtest import summary_text

        self.outcome = outcome
        self.charts.update_report(outcome.report)
        self.summary.setPlainText(summary_text(outcome))
        self.progress.setValue(PROGRESS_STEPS)
        self.status.setText(f"Done in {outcome.seconds:.1f} s.")
        self._finish("done")

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.status.setText(f"Failed: {message}")
        self._finish("failed")

    @Slot(str)
    def _cancelled(self, message: str) -> None:
        self.status.setText(f"Cancelled ({message}).")
        self.progress.setValue(0)
        self._finish("cancelled")

    def _finish(self, how: str) -> None:
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        if thread is not None:
            thread.quit()
            thread.wait()
            thread.deleteLater()
        if worker is not None:
            worker.deleteLater()
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.finished.emit(how)

    def shutdown(self) -> None:
        """Stop a run and wait for its thread (the window calls this when it closes)."""
        if self._thread is not None:
            self._stop.set()
            self._thread.quit()
            self._thread.wait()

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)


def _spin(low: int, high: int, value: int, suffix: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setSuffix(suffix)
    return box


def _double(low: float, high: float, value: float, decimals: int, suffix: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(decimals)
    box.setValue(value)
    box.setSuffix(suffix)
    return box


def _with_browse(field: QLineEdit, parent: QWidget) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(field, 1)
    button = QPushButton("…")
    button.setToolTip("Choose a CSV file of daily closes")
    button.setMaximumWidth(32)

    def browse() -> None:
        path, _ = QFileDialog.getOpenFileName(parent, "Daily closes", "", "CSV files (*.csv);;All files (*)")
        if path:
            field.setText(path)

    button.clicked.connect(browse)
    layout.addWidget(button)
    return row
