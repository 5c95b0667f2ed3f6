"""The Backtest tab's sweep page: a grid over two keys (or N generated paths), a heatmap and the table beside it.

The data and the condor program are the tab's form; this page adds the two
swept keys (any settings key or program flag, as ``planner backtest --sweep``
takes them), the number of generated paths, and which figure the heatmap
shows. The grid is checked on the GUI thread (a bad value is said at once,
naming the field) and runs through ``planner.app.sweep`` (the command line's
use case: a process pool over all cores) from one worker thread, so the window
never waits on it; Cancel stops every process within a few sessions.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.ui.backtest_heatmap import SweepHeatmap
from planner.ui.job_controls import JobControls

NO_KEY = "(none)"
DEFAULT_FIGURES = ("drawdown_reduction_pct", "drawdown_reduction_pct_median")


class SweepPanel(QWidget):
    """``options()``, ``settings()`` and ``vx_settlements()`` are the tab's: the data, the program, the book's
    settings and its stored VX settlements (read on the GUI thread)."""

    finished = Signal(str)  # "done", "cancelled" or "failed"

    def __init__(self, options: Callable, settings: Callable, vx_settlements: Callable = lambda: None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from planner.app.sweep import sweep_keys

        self.setObjectName("sweepPanel")
        self._options, self._settings, self._vx_settlements = options, settings, vx_settlements
        self.outcome = None
        self.controls = JobControls(self, "Run s&weep", "Cancel sweep", "Sweep the program and the hedge "
                                    "settings over a grid (all cores).", "Cancelling every run…", "Sweep failed")
        self.controls.finished.connect(self.finished)
        self.run_button, self.cancel_button = self.controls.run_button, self.controls.cancel_button
        self.progress, self.status = self.controls.progress, self.controls.status
        keys = sweep_keys()
        self.x_key = _key_box(keys, "profit-target")
        self.x_values = QLineEdit("30,50,75")
        self.y_key = _key_box([NO_KEY, *keys], "near_vix_threshold")
        self.y_values = QLineEdit("16,18,20,22")
        for field in (self.x_values, self.y_values):
            field.setPlaceholderText("values, comma separated")
        self.paths = QSpinBox()
        self.paths.setRange(0, 1000)
        self.paths.setSpecialValueText("off (one path)")
        self.paths.setSuffix(" paths")
        self.paths.setToolTip("Run each configuration over this many generated paths (seeds from the form's seed "
                              "on) and show the median, P10 and P90; needs a generated path as the source")
        self.figure = QComboBox()
        self.figure.setToolTip("The figure the heatmap shows")

        form = QGridLayout()
        form.addWidget(QLabel("Across"), 0, 0)
        form.addWidget(self.x_key, 0, 1)
        form.addWidget(self.x_values, 0, 2)
        form.addWidget(QLabel("Up"), 1, 0)
        form.addWidget(self.y_key, 1, 1)
        form.addWidget(self.y_values, 1, 2)
        form.addWidget(QLabel("Paths"), 0, 3)
        form.addWidget(self.paths, 0, 4)
        form.addWidget(QLabel("Heatmap"), 1, 3)
        form.addWidget(self.figure, 1, 4)
        form.setColumnStretch(2, 1)
        form.setColumnStretch(4, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.progress, 1)

        self.heatmap = SweepHeatmap()
        self.table = QTableWidget()
        self.table.setObjectName("sweepTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        results = QSplitter(Qt.Orientation.Horizontal)
        results.addWidget(self.heatmap)
        results.addWidget(self.table)
        results.setStretchFactor(0, 3)
        results.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(results, 1)

        self.run_button.clicked.connect(self.start_sweep)
        self.figure.currentTextChanged.connect(self._draw)
        self.x_values.returnPressed.connect(self.start_sweep)
        self.y_values.returnPressed.connect(self.start_sweep)

    # -- running ---------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.controls.running

    def specs(self) -> list[str]:
        specs = []
        for key_box, values in ((self.x_key, self.x_values), (self.y_key, self.y_values)):
            key = key_box.currentText().strip()
            if key and key != NO_KEY:
                specs.append(f"{key}={values.text().strip()}")
        return specs

    def start_sweep(self) -> None:
        if self.running:
            return
        from planner.app import sweep
        from planner.domain.errors import InputError, PlannerError

        try:
            paths = self.paths.value() or None
            specs = self.specs()
            if not specs and paths is None:
                raise InputError("Across", "must name a key to sweep, or set Paths", "nothing")
            grid = sweep.plan(self._options(), self._settings(), specs, paths, self._vx_settlements())
        except PlannerError as error:
            self.controls.refuse(f"Cannot sweep: {' '.join(str(error).split())}")
            return
        self.controls.start(lambda progress, cancel: sweep.run_plan(grid, progress=progress, cancel=cancel),
                            self._show, f"Sweeping {_count(len(grid.configs), 'configuration')} "
                            f"({_count(len(grid.jobs), 'backtest')}) on every core…")

    def cancel_sweep(self) -> None:
        self.controls.cancel()

    def _show(self, outcome) -> str:
        self.outcome = outcome
        self.show_outcome(outcome)
        return outcome_text(outcome)

    def shutdown(self) -> None:
        self.controls.shutdown()

    # -- showing ---------------------------------------------------------------------------
    def show_outcome(self, outcome) -> None:
        header, rows = result_table(outcome)
        self.table.setSortingEnabled(False)
        self.table.clear()
        self.table.setColumnCount(len(header))
        self.table.setRowCount(len(rows))
        self.table.setHorizontalHeaderLabels(header)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem()
                item.setData(Qt.ItemDataRole.DisplayRole, _display(value))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.setSortingEnabled(True)
        keys = len(outcome.plan.axes) if outcome.plan.axes else 1  # paths alone: the seed column
        figures = header[keys:]
        wanted = next((f for f in DEFAULT_FIGURES if f in figures), figures[0] if figures else "")
        self.figure.blockSignals(True)
        self.figure.clear()
        self.figure.addItems(figures)
        self.figure.setCurrentText(wanted)
        self.figure.blockSignals(False)
        self._draw(wanted)

    def _draw(self, figure_name: str) -> None:
        if self.outcome is None or not figure_name:
            return
        self.heatmap.update_grid(*heatmap_grid(self.outcome, figure_name), figure_name)


def result_table(outcome) -> tuple[list[str], list[list]]:
    """The sweep's CSV table; for paths alone, one row per path."""
    from planner.app import sweep

    grid = outcome.plan
    if grid.axes:
        return sweep.table_rows(outcome)
    per_path = outcome.figures[0]["per_path"]
    header = ["seed", "drawdown_reduction_pct", "mar_unhedged", "mar_hedged"]
    return header, [[row[k] for k in header] for row in per_path]


def heatmap_grid(outcome, figure_name: str):
    """(x key, x values, y key, y values, cells[y][x]) of one figure; the first two swept keys, or the seeds."""
    header, rows = result_table(outcome)
    column = header.index(figure_name)
    axes = outcome.plan.axes
    if not axes:  # paths alone: the seeds in rows of a near-square grid, each cell one path
        values = [row[column] for row in rows]
        seeds = [row[0] for row in rows]
        width = max(1, math.ceil(math.sqrt(len(values))))
        cells = [values[k:k + width] + [None] * (width - len(values[k:k + width]))
                 for k in range(0, len(values), width)]
        firsts = [f"{seeds[k]}–{seeds[min(k + width, len(seeds)) - 1]}" for k in range(0, len(seeds), width)]
        return "seed: row's first + column", [f"+{k}" for k in range(width)], "seeds", firsts, cells
    x = axes[0]
    y = axes[1] if len(axes) > 1 else None
    y_values = list(y.values) if y is not None else [""]
    cells = []
    for y_value in y_values:
        line = []
        for x_value in x.values:
            picked = [row[column] for row in rows if row[0] == x_value and (y is None or row[1] == y_value)]
            kept = [v for v in picked if v is not None]
            line.append(sorted(kept)[len(kept) // 2] if kept else None)  # further keys: their median cell
        cells.append(line)
    return x.key, list(x.values), (y.key if y is not None else None), y_values, cells


def outcome_text(outcome) -> str:
    grid = outcome.plan
    text = (f"{_count(len(grid.configs), 'configuration')}, {_count(len(grid.jobs), 'backtest')} on "
            f"{_count(outcome.workers, 'process', 'processes')} in {outcome.seconds:.1f} s "
            f"({outcome.cpu_seconds:.1f} s of CPU).")
    if grid.paths is not None:
        parts = []
        for label, key in (("drawdown reduction %", "drawdown_reduction_pct"), ("MAR hedged", "mar_hedged"),
                           ("MAR unhedged", "mar_unhedged")):
            d = outcome.figures[0][key]
            if d["median"] is not None:
                parts.append(f"{label} median {d['median']:.2f} (P10 {d['p10']:.2f}, P90 {d['p90']:.2f})")
        where = "" if not grid.axes else " (first configuration)"
        text += f" Over {grid.paths} paths{where}: " + "; ".join(parts) + "."
    return text


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one}" if n == 1 else f"{n} {many or one + 's'}"


def _display(value):
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return round(value, 4)
    return value


def _key_box(keys: list[str], current: str) -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.addItems(keys)
    box.setCurrentText(current)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.setMinimumContentsLength(18)
    return box
