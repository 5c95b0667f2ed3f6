"""The Backtest tab: choose data and a condor program, run it unhedged and hedged, see the curves;
or sweep it over a grid of settings and flags, or over many generated paths (the Sweep page).

The run goes through ``planner.app.backtest`` (the command line's use case) on
one worker thread; the window stays live, a progress bar follows the days, and
Cancel stops the run at its next session. The settings are the book's, read on
the GUI thread when Run is pressed (the database connection belongs to it).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.ui.backtest_charts import BacktestCharts
from planner.ui.backtest_sweep import SweepPanel
from planner.ui.job_controls import JobControls

GENERATED, FILES = "Generated path", "My files (Cboe or date,symbol,close)"


class BacktestTab(QWidget):
    """``workspace``: a ``planner.app.Workspace`` whose settings drive the hedge rules; None until the window
    has opened a book (``set_workspace``), in which case a run uses the default settings and says so."""

    finished = Signal(str)  # "done", "cancelled" or "failed": tests and the window wait on it

    def __init__(self, workspace=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backtestTab")
        self.workspace = workspace
        self.outcome = None
        self.controls = JobControls(self, "&Run backtest", "Cancel", "Ready.", "Cancelling at the next session…")
        self.controls.finished.connect(self.finished)
        self.run_button, self.cancel_button = self.controls.run_button, self.controls.cancel_button
        self.progress, self.status = self.controls.progress, self.controls.status

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
        # Below 0: no target of the run's own, the book's condor_take_profit_pct applies (in both runs).
        self.profit = _double(-1.0, 100.0, -1.0, 0, " % of credit")
        self.profit.setSpecialValueText("book setting")
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
        for label, box in (("Enter every", self.entry_every), ("Target DTE", self.dte),
                           ("Short delta", self.delta), ("Wing width", self.wing),
                           ("Profit target", self.profit), ("Loss stop", self.loss),
                           ("Exit before expiry", self.exit_days)):
            program_form.addRow(label, box)

        self.run_button.setToolTip("Replay the program unhedged and hedged by the live rules, with this book's "
                                   "settings")
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
        one_run = QSplitter(Qt.Orientation.Vertical)
        one_run.addWidget(self.charts)
        one_run.addWidget(self.summary)
        one_run.setStretchFactor(0, 3)
        one_run.setStretchFactor(1, 1)
        one_run.setSizes([3000, 1000])  # the charts first: the figures' table scrolls
        self.sweep = SweepPanel(self.options, self._settings, self._vx_curves)
        self.pages = QTabWidget()
        self.pages.setObjectName("backtestPages")
        self.pages.addTab(one_run, "One run")
        self.pages.addTab(self.sweep, "Sweep")
        split = QSplitter()
        split.addWidget(controls)
        split.addWidget(self.pages)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split)

        self.source.currentTextChanged.connect(self._source_changed)
        self.run_button.clicked.connect(self.start_run)
        self._source_changed(self.source.currentText())

    def set_workspace(self, workspace) -> None:
        """The book whose settings the next run uses (the window calls this when it opens one)."""
        self.workspace = workspace

    def _settings(self):
        if self.workspace is None:
            from planner.domain import Settings

            return Settings()
        return self.workspace.settings()

    def _vx_curves(self):
        """The book's stored VX settlements, read here on the GUI thread: the run's worker never touches the
        store."""
        return self.workspace.vx_settlement_curves() if self.workspace is not None else None

    # -- inputs ---------------------------------------------------------------------------
    def _source_changed(self, text: str) -> None:
        generated = text == GENERATED
        for box in (self.seed, self.years):
            box.setEnabled(generated)
        for file_field in (self.spx_file, self.vix_file, self.vvix_file):
            file_field.setEnabled(not generated)

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
            "loss_multiple": self.loss.value(), "exit_days_before_expiry": self.exit_days.value(),
        }
        if self.profit.value() >= 0:
            knobs["profit_target_pct"] = self.profit.value()
        if self.source.currentText() == GENERATED:
            return BacktestOptions(seed=self.seed.value(), years=self.years.value(), start=day(self.start, "From"),
                                   end=day(self.end, "To"), knobs=knobs)
        return BacktestOptions(spx=self.spx_file.text().strip() or None, vix=self.vix_file.text().strip() or None,
                               vvix=self.vvix_file.text().strip() or None, start=day(self.start, "From"),
                               end=day(self.end, "To"), knobs=knobs)

    # -- running ----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.controls.running

    def start_run(self) -> None:
        if self.running:
            return
        from planner.domain.errors import PlannerError

        try:
            options = self.options()
            settings = self._settings()
            curves = self._vx_curves()
        except PlannerError as error:
            self.controls.refuse(f"Cannot run: {' '.join(str(error).split())}")
            return
        book = "this book's settings" if self.workspace is not None else "default settings (no book open)"
        self.pages.setCurrentIndex(0)

        def work(progress, cancel):
            from planner.app.backtest import run_backtest

            return run_backtest(options, settings, progress=progress, cancel=cancel, vx_settlements=curves)

        self.controls.start(work, self._show, f"Running with {book}: the unhedged run first, then the hedged "
                            "run, the rules reviewing every close…")

    def cancel_run(self) -> None:
        self.controls.cancel()

    def _show(self, outcome) -> str:
        from planner.app.backtest import summary_text

        self.outcome = outcome
        self.charts.update_report(outcome.report)
        self.summary.setPlainText(summary_text(outcome))
        return f"Done in {outcome.seconds:.1f} s."

    def shutdown(self) -> None:
        """Stop a run or a sweep and wait for its thread (the window calls this when it closes)."""
        self.sweep.shutdown()
        self.controls.shutdown()

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
