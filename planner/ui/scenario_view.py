"""The scenario map: book P&L over SPX move x VIX level, with the stress table beside it.

The matrix comes with the risk report (``RiskReport.matrix``, valued today):
rows are VIX levels, columns SPX moves, both axes holding today exactly. The
image is drawn in cell space (one unit per cell) because the VIX axis is not
evenly spaced (today's level is inserted); the axes place their ticks at the
interpolated cell position of round values, so a tick reads true. The colour
bar is centred at zero (losses red, gains green) whatever the mode shows:
with hedges, without them, or their difference (what the hedge buys).

Items are made once; ``update_report`` calls ``setImage`` / ``setData`` /
``setLevels`` on them, and the stress table rewrites its cells in place.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.ui.chart_export import add_png_export
from planner.ui.chart_style import GAIN, LOSS, TODAY, compact_money
from planner.ui.figure_text import percent, points, signed_usd
from planner.ui.palette import chart_colours, is_dark, is_palette_event, style_plot

if TYPE_CHECKING:
    from planner.risk.report import RiskReport, ScenarioMatrix

MODES = {
    "hedged": ("&With hedges", "Book P&L with the hedge layers ($)"),
    "unhedged": ("With&out hedges", "The condors alone, no hedge layers ($)"),
    "difference": ("&Difference", "What the hedge buys: with hedges minus without ($), the hedge's worth in each cell"),
}
BAR_LABELS = {"hedged": "Book P&L ($)", "unhedged": "Condors' P&L ($)", "difference": "Hedge worth ($)"}
STRESS_COLUMNS = ("Named day", "SPX\n(%)", "VIX after\n(pts)", "No hedges\n($)", "Hedged\n($)", "Loss cut\n(%)")
STRESS_TIPS = (
    "The historical day whose SPX return and VIX ratio are applied to today's levels",
    "That day's SPX return, applied to today's SPX",
    "Today's VIX times that day's VIX ratio (after / before)",
    "Change in value of the condors alone one trading day later, dollars",
    "Change in value of the whole book one trading day later, dollars",
    "How much of the unhedged loss the hedges remove, percent (over 100 %: the book gains)",
)


def diverging_map(dark: bool = False) -> pg.ColorMap:
    """Losses red, zero neutral, gains green: the sign reads before the size."""
    middle = "#303034" if dark else "#f7f7f7"
    return pg.ColorMap([0.0, 0.25, 0.5, 0.75, 1.0],
                       [QColor(LOSS).darker(130), QColor("#ef9a9a") if not dark else QColor("#a04848"),
                        QColor(middle), QColor("#a5d6a7") if not dark else QColor("#3f8a52"), QColor(GAIN).darker(110)])


def zero_edges(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Segments (x0, x1, x0, x1...; y likewise, for ``connect="pairs"``) along the cell edges that
    separate a loss (< 0) from a gain or zero: the break-even line on the grid.

    >>> xs, ys = zero_edges(np.array([[-1.0, 1.0], [-1.0, -1.0]]))
    >>> xs.tolist(), ys.tolist()
    ([1.0, 1.0, 1.0, 2.0], [0.0, 1.0, 1.0, 1.0])
    """
    loss = values < 0
    rows, columns = np.nonzero(loss[:, :-1] != loss[:, 1:])  # vertical edge right of (row, column)
    vertical_x = np.repeat(columns + 1.0, 2)
    vertical_y = np.stack([rows, rows + 1.0], axis=1).ravel()
    rows, columns = np.nonzero(loss[:-1, :] != loss[1:, :])  # horizontal edge above (row, column)
    horizontal_x = np.stack([columns, columns + 1.0], axis=1).ravel()
    horizontal_y = np.repeat(rows + 1.0, 2)
    return (np.concatenate([vertical_x, horizontal_x]).astype(float),
            np.concatenate([vertical_y, horizontal_y]).astype(float))


def tick_positions(values: np.ndarray, step: float, fmt) -> list[tuple[float, str]]:
    """Ticks at the multiples of ``step`` within ``values``, placed at their cell-space position."""
    if values.size < 2:
        return [(0.5, fmt(float(values[0])))] if values.size else []
    centres = np.arange(values.size) + 0.5
    first, last = math.ceil(values[0] / step - 1e-9), math.floor(values[-1] / step + 1e-9)
    return [(float(np.interp(k * step, values, centres)), fmt(k * step)) for k in range(first, last + 1)]


def nice_step(span: float, target: int = 8) -> float:
    """1, 2, 2.5 or 5 times a power of ten, giving about ``target`` ticks over ``span``."""
    raw = span / max(target, 1)
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    return next((m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw), 10 * power)


class ScenarioView(QWidget):
    cell_clicked = Signal(float, float)  # SPX level (points), VIX level (points) of the clicked cell

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scenarioView")
        self.mode = "hedged"
        self.updates = 0
        self._report: RiskReport | None = None
        self._matrix: ScenarioMatrix | None = None
        self.picked: tuple[int, int] | None = None  # (VIX row, SPX column) last clicked
        self.what_if = ""
        self._ticks_for: tuple[bytes, bytes] | None = None

        self.plot = pg.PlotWidget()
        self.plot.setObjectName("scenarioPlot")
        self.plot.setToolTip("Book P&L by SPX move (across) and VIX level (up), valued today. Hover for a cell's "
                             "figures; click a cell to set the risk graph's what-if there; right-click to save a PNG")
        item = self.plot.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(True)
        item.setLabel("bottom", "SPX move from today (%)")
        item.setLabel("left", "VIX level (pts)")
        for name in ("bottom", "left"):
            item.getAxis(name).enableAutoSIPrefix(False)
        self.view = item.getViewBox()
        self.view.disableAutoRange()
        self.view.setMouseEnabled(x=False, y=False)  # the map is a fixed grid: clicks pick cells
        self.image = pg.ImageItem(axisOrder="row-major")
        item.addItem(self.image)
        # The cell edges between losing and winning cells: exact on the grid, and one numpy pass
        # (pyqtgraph's isocurve walks the grid in Python, ~10 ms a matrix).
        self.break_even = pg.PlotDataItem(connect="pairs", pen=pg.mkPen("#424242", width=1.5))
        self.break_even.setZValue(5)
        item.addItem(self.break_even)
        self.colour_bar = pg.ColorBarItem(values=(-1.0, 1.0), colorMap=diverging_map(), interactive=False,
                                          width=18)
        self.colour_bar.axis.enableAutoSIPrefix(False)
        self.colour_bar.axis.setWidth(74)  # room for "-$100k" and the axis label beside it
        # The bar's own axis prints bare numbers; these are dollars.
        self.colour_bar.axis.tickStrings = lambda values, scale, spacing: [compact_money(v * scale) for v in values]
        self.colour_bar.setImageItem(self.image, insert_in=item)
        # The VIX response over the grid (docs/model.md): where a one-session move takes VIX, its central
        # path and band. The grid itself stays explicit; these lines say which cells a market visits.
        self.model_path = {
            "central": pg.PlotCurveItem(pen=pg.mkPen("#000000", width=2.2), name="VIX response, central"),
            "low": pg.PlotCurveItem(pen=pg.mkPen("#000000", width=1.3, style=Qt.PenStyle.DashLine),
                                    name="VIX response, band low"),
            "high": pg.PlotCurveItem(pen=pg.mkPen("#000000", width=1.3, style=Qt.PenStyle.DashLine),
                                     name="VIX response, band high"),
        }
        for curve in self.model_path.values():
            curve.setZValue(8)
            item.addItem(curve, ignoreBounds=True)
        self.today_marker = pg.ScatterPlotItem(symbol="o", size=16, pen=pg.mkPen(TODAY, width=3), brush=None)
        self.today_label = pg.TextItem("", color=TODAY, anchor=(0, 1), fill=pg.mkBrush(255, 255, 255, 210))
        self.picked_marker = pg.ScatterPlotItem(symbol="s", size=14, pen=pg.mkPen("#1565c0", width=2.5), brush=None)
        for graphic in (self.today_marker, self.picked_marker, self.today_label):
            graphic.setZValue(10)
            item.addItem(graphic, ignoreBounds=True)
        add_png_export(self.view, item, self, "scenario-map.png")
        self._mouse = pg.SignalProxy(self.plot.scene().sigMouseMoved, rateLimit=60, slot=self._mouse_moved)
        self.plot.scene().sigMouseClicked.connect(self._mouse_clicked)

        self.title = QLabel("Scenario map: no market yet")
        self.title.setObjectName("scenarioTitle")
        self.title.setWordWrap(True)
        self.mode_group = QButtonGroup(self)
        modes = QHBoxLayout()
        modes.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("Colours:")
        caption.setToolTip("What the colours measure")
        modes.addWidget(caption)
        self.mode_buttons: dict[str, QRadioButton] = {}
        for mode, (text, tip) in MODES.items():
            button = QRadioButton(text)
            button.setObjectName(f"mode_{mode}")
            button.setToolTip(tip)
            button.setChecked(mode == self.mode)
            button.toggled.connect(lambda on, m=mode: self.set_mode(m) if on else None)
            self.mode_group.addButton(button)
            self.mode_buttons[mode] = button
            modes.addWidget(button)
        modes.addStretch(1)
        self.readout = QLabel("Hover over a cell for its SPX, VIX and P&L; click it to send it to the risk graph.")
        self.readout.setObjectName("scenarioReadout")
        self.readout.setWordWrap(True)
        self.readout.setMinimumHeight(36)
        self.readout.setToolTip("The cell under the mouse (or the last one clicked)")

        self.stress = QTableWidget(0, len(STRESS_COLUMNS))
        self.stress.setObjectName("stressTable")
        self.stress.setHorizontalHeaderLabels(STRESS_COLUMNS)
        for column, tip in enumerate(STRESS_TIPS):
            header_item = self.stress.horizontalHeaderItem(column)
            if header_item is not None:  # one per column, from setHorizontalHeaderLabels
                header_item.setToolTip(tip)
        self.stress.verticalHeader().setVisible(False)
        self.stress.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.stress.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.stress.setAlternatingRowColors(True)
        self.stress.setWordWrap(False)
        self.stress.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.stress.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # sized when the rows change
        self.stress.setToolTip("Historical shock days applied to today's SPX and VIX, valued one trading day later")
        self.stress_caption = QLabel("<b>Stress test</b>: named days applied to today's levels, valued one trading "
                                     "day later")
        self.stress_caption.setWordWrap(True)
        self.stress_summary = QLabel("")
        self.stress_summary.setObjectName("stressSummary")
        self.stress_summary.setWordWrap(True)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(3)
        left_layout.addWidget(self.title)
        left_layout.addLayout(modes)
        left_layout.addWidget(self.plot, 1)
        left_layout.addWidget(self.readout)
        right = self.stress_pane = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(3)
        right_layout.addWidget(self.stress_caption)
        right_layout.addWidget(self.stress)
        right_layout.addWidget(self.stress_summary)
        self.stress_note = QLabel(
            "Each day's SPX return and VIX ratio (after / before) are applied to today's SPX and VIX; 19 Oct 1987 "
            "uses the old VXO, VIX capped at 150. <i>Loss cut</i>: the share of the unhedged loss the hedges "
            "remove; above 100 % the hedged book gains. Hover a row for the levels.")
        self.stress_note.setObjectName("stressNote")
        self.stress_note.setWordWrap(True)
        self.stress_note.setToolTip("How the stress rows are computed")
        right_layout.addWidget(self.stress_note)
        right_layout.addStretch(1)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setObjectName("scenarioSplitter")
        self.split.addWidget(left)
        self.split.addWidget(right)
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 0)
        self.split.setSizes([560, 470])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.split)
        self._restyle()

    # -- narrow update methods ------------------------------------------------------------
    def update_report(self, report, what_if: str = "") -> None:
        """Draw the report's scenario matrix and stress rows (a report without them empties the map).

        ``what_if``: how the report's market differs from the stored quote ("VIX +8 pts"), or "".
        A report carrying the matrix already drawn (the same object) leaves the map as it is.
        """
        self.updates += 1
        matrix = None if report is None else report.matrix
        if report is not None and matrix is not None and matrix is self._matrix:
            return
        old = self._matrix
        self._report, self._matrix, self.what_if = report, matrix, what_if
        new = self._matrix
        if old is None or new is None or old.vix_levels.shape != new.vix_levels.shape or not (
                np.array_equal(old.vix_levels, new.vix_levels) and np.array_equal(old.spx_moves, new.spx_moves)):
            self.picked = None  # the axes moved: the picked cell means another one now
        self._draw_matrix()
        self._fill_stress(() if report is None else report.stress)

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode}")
        self.mode = mode
        if not self.mode_buttons[mode].isChecked():
            self.mode_buttons[mode].setChecked(True)
        self._draw_matrix()

    def values(self) -> np.ndarray | None:
        """The matrix the colours show now, dollars [VIX x SPX]."""
        m = self._matrix
        if m is None:
            return None
        return {"hedged": m.hedged, "unhedged": m.unhedged, "difference": m.hedge_benefit}[self.mode]

    def cell_levels(self, row: int, column: int) -> tuple[float, float]:
        """(SPX level, VIX level) in points of the cell at VIX ``row``, SPX ``column``."""
        report, m = self._shown()
        return float(report.spx * (1.0 + m.spx_moves[column])), float(m.vix_levels[row])

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The (row, column) under the view point ``(x, y)`` (cell space), or None outside the map."""
        m = self._matrix
        if m is None or not (math.isfinite(x) and math.isfinite(y)):
            return None
        row, column = math.floor(y), math.floor(x)
        if 0 <= row < m.vix_levels.size and 0 <= column < m.spx_moves.size:
            return row, column
        return None

    def scene_point_of(self, row: int, column: int) -> QPointF:
        """Scene position of a cell's centre (tests click there)."""
        return self.view.mapViewToScene(QPointF(column + 0.5, row + 0.5))

    def _shown(self) -> tuple[RiskReport, ScenarioMatrix]:
        """The report and the matrix on screen: a cell exists only while there is one."""
        if self._report is None or self._matrix is None:
            raise LookupError("no scenario matrix is shown")
        return self._report, self._matrix

    def readout_for(self, row: int, column: int) -> str:
        _, m = self._shown()
        spx, vix = self.cell_levels(row, column)
        move = m.spx_moves[column] * 100.0
        hedged, unhedged = float(m.hedged[row, column]), float(m.unhedged[row, column])
        today = " (today)" if (row, column) == (m.vix_index, m.spot_index) else ""
        return (f"<b>SPX {move:+.1f} % → {points(spx, 0)}</b>, <b>VIX {points(vix, 1)}</b>{today} · "
                f"with hedges <b>{signed_usd(hedged, 2)}</b> · without {signed_usd(unhedged, 2)} · "
                f"hedge buys {signed_usd(hedged - unhedged)}")

    def pick_cell(self, row: int, column: int) -> None:
        """Mark the cell and send its levels to whoever drives the what-if (the risk graph)."""
        self.picked = (row, column)
        self.picked_marker.setData([column + 0.5], [row + 0.5])
        self.readout.setText(self.readout_for(row, column) + " · sent to the risk graph's what-if")
        self.cell_clicked.emit(*self.cell_levels(row, column))

    # -- drawing ------------------------------------------------------------------------------
    def _draw_matrix(self) -> None:
        report, m = self._report, self._matrix
        if report is None or m is None:  # a matrix comes with its report
            self.image.clear()
            self.break_even.setData([], [])
            self.today_marker.setData([], [])
            self.picked_marker.setData([], [])
            for curve in self.model_path.values():
                curve.setData([], [])
            self.today_label.setText("")
            self.title.setText("Scenario map: computing the SPX × VIX matrix…" if self._report is not None else
                               "Scenario map: no market yet (enter SPX and VIX, Trade ▸ Market, Ctrl+M)")
            return
        data = self.values()
        assert data is not None  # a matrix is shown
        finite = data[np.isfinite(data)]
        reach = float(np.max(np.abs(finite))) if finite.size else 1.0
        reach = reach if reach > 0 else 1.0
        self.image.setImage(data, autoLevels=False, levels=(-reach, reach))
        self.colour_bar.setLevels((-reach, reach))
        self.break_even.setData(*zero_edges(data))
        self._draw_model_path(m)
        self._set_ticks(m)
        spot = (m.spot_index + 0.5, m.vix_index + 0.5)
        self.today_marker.setData([spot[0]], [spot[1]])
        right_half = spot[0] > data.shape[1] / 2
        self.today_label.setAnchor((1, 1) if right_half else (0, 1))  # keep the label inside the map
        self.today_label.setPos(spot[0] + (-0.8 if right_half else 0.8), spot[1] + 0.8)
        now = "what-if" if self.what_if else "today"
        self.today_label.setText(f"{now}: SPX {report.spx:,.0f}, VIX {report.vix:,.1f}")
        if self.picked is not None and self.cell_at(self.picked[1] + 0.5, self.picked[0] + 0.5) is None:
            self.picked = None
        if self.picked is None:
            self.picked_marker.setData([], [])
        worst = float(finite.min()) if finite.size else float("nan")
        self.colour_bar.axis.setLabel(BAR_LABELS[self.mode])
        if self.mode == "difference":
            what = (f"<b>What the hedge buys</b>: P&L with hedges minus without ($), valued today "
                    f"({report.asof:%Y-%m-%d}) · least {signed_usd(worst)} · line: the hedge is worth 0")
        else:
            title = MODES[self.mode][0].replace("&", "")
            what = (f"<b>{title}</b>: P&L ($) over SPX move × VIX level, valued today ({report.asof:%Y-%m-%d}) "
                    f"· worst cell {signed_usd(worst)} · line: break-even (P&L 0)")
        if self.what_if:
            what = f"<b style='color:#1565c0'>What-if ({self.what_if}, not stored; Ctrl+0 resets)</b> · " + what
        path = (" · black: where a one-session move takes VIX (central path solid, P10-P90 band dashed)"
                if self.model_path["central"].getData()[0] is not None
                and len(self.model_path["central"].getData()[0]) else "")
        self.title.setText(what + (" · ring: the what-if market" if self.what_if else " · ring: today") + path)

    def _draw_model_path(self, m) -> None:
        """The VIX response's central path and band for the axis's SPX moves, in cell coordinates."""
        plausible = getattr(self._report, "plausible", None)
        scenarios = getattr(plausible, "scenarios", None)
        count = m.spx_moves.size
        if scenarios is None or scenarios.spx_moves.size < 3 * count or not np.array_equal(
                scenarios.spx_moves[:count], m.spx_moves):
            for curve in self.model_path.values():
                curve.setData([], [])
            return
        columns = np.arange(count) + 0.5
        rows = np.arange(m.vix_levels.size) + 0.5
        for k, key in enumerate(("low", "central", "high")):
            vix = scenarios.vix[k * count:(k + 1) * count]
            # VIX beyond the axis is drawn at its edge (the grid stops at 80).
            self.model_path[key].setData(columns, np.interp(vix, m.vix_levels, rows))

    def _set_ticks(self, m) -> None:
        key = (m.spx_moves.tobytes(), m.vix_levels.tobytes())
        if key == self._ticks_for:
            return  # same axes: the axis pictures stay cached
        self._ticks_for = key
        rows, columns = m.vix_levels.size, m.spx_moves.size
        self.view.setLimits(xMin=0, xMax=columns, yMin=0, yMax=rows)
        self.view.setRange(xRange=(0, columns), yRange=(0, rows), padding=0)
        moves = m.spx_moves * 100.0
        move_step = nice_step(float(moves[-1] - moves[0]), target=6)  # "-25 %" labels need room
        bottom = tick_positions(moves, move_step, lambda v: f"{v:+.0f} %" if v else "0 %")
        levels = m.vix_levels
        vix_step = nice_step(float(levels[-1] - levels[0]))
        left = tick_positions(levels, vix_step, lambda v: f"{v:,.0f}")
        item = self.plot.getPlotItem()
        item.getAxis("bottom").setTicks([bottom, []])
        item.getAxis("left").setTicks([left, []])

    def _fill_stress(self, rows) -> None:
        rows = tuple(rows)
        table = self.stress
        resized = table.rowCount() != len(rows)
        if resized:
            table.setRowCount(len(rows))
            for r in range(len(rows)):
                for c in range(len(STRESS_COLUMNS)):
                    cell = QTableWidgetItem()
                    align = Qt.AlignmentFlag.AlignVCenter | (Qt.AlignmentFlag.AlignLeft if c == 0 else
                                                             Qt.AlignmentFlag.AlignRight)
                    cell.setTextAlignment(align)
                    table.setItem(r, c, cell)
        colours = self._pnl_colours()
        reductions = []
        for r, row in enumerate(rows):
            texts = (row.name, percent(row.spx_return * 100.0, 1), points(row.vix, 1),
                     signed_usd(row.pnl_unhedged_usd), signed_usd(row.pnl_hedged_usd),
                     percent(row.loss_reduction_pct, 0) if row.loss_reduction_pct is not None else "n/a")
            tip = (f"{row.name}, {row.day.isoformat()}: SPX {row.spx_return * 100:+.2f} % and VIX × "
                   f"{row.vix_ratio:.2f} applied to today → SPX {points(row.spx, 0)}, VIX {points(row.vix, 1)}; "
                   f"one trading day later: without hedges {signed_usd(row.pnl_unhedged_usd)}, with hedges "
                   f"{signed_usd(row.pnl_hedged_usd)}")
            for c, text in enumerate(texts):
                shown = table.item(r, c)
                if shown is None:  # never: every cell was made above
                    continue
                if shown.text() != text:  # each change costs the view a relayout
                    shown.setText(text)
                    shown.setToolTip(tip)
                value = {3: row.pnl_unhedged_usd, 4: row.pnl_hedged_usd}.get(c)
                brush = QBrush(colours[value >= 0]) if value is not None else QBrush()
                if shown.foreground() != brush:
                    shown.setForeground(brush)
            if row.loss_reduction_pct is not None and math.isfinite(row.loss_reduction_pct):
                reductions.append(float(row.loss_reduction_pct))
        if resized and rows:
            # Sized when the rows change, never per quote: a new figure must not re-lay out the tab.
            table.resizeColumnsToContents()
            for column in range(1, table.columnCount()):  # room for a wider figure on a later quote
                table.setColumnWidth(column, table.columnWidth(column) + 6)
            needed = table.horizontalHeader().length() + 2 * table.frameWidth() + 2
            table.setMinimumWidth(needed)
            self.stress_pane.setMaximumWidth(needed + 40)  # the map takes the rest of the width
            height = table.horizontalHeader().height() + table.verticalHeader().length() + 2 * table.frameWidth() + 2
            table.setFixedHeight(height)
        if reductions:
            self.stress_summary.setText(
                f"Hedges cut the shock-day losses by {percent(float(np.median(reductions)), 0)} (median of "
                f"{len(reductions)} days; the method claims 35–40 % smaller drawdowns)")
        else:
            self.stress_summary.setText("No stress rows: the book or the market is empty")

    def _pnl_colours(self) -> dict[bool, QColor]:
        dark = is_dark(self.palette())
        return {True: QColor("#66bb6a" if dark else GAIN), False: QColor("#ef5350" if dark else LOSS)}

    # -- mouse ----------------------------------------------------------------------------------
    def _cell_under(self, scene_pos) -> tuple[int, int] | None:
        if not self.view.sceneBoundingRect().contains(scene_pos):
            return None
        point = self.view.mapSceneToView(scene_pos)
        return self.cell_at(point.x(), point.y())

    def _mouse_moved(self, event) -> None:
        cell = self._cell_under(event[0])
        if cell is not None:
            self.readout.setText(self.readout_for(*cell))

    def _mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        cell = self._cell_under(event.scenePos())
        if cell is not None:
            event.accept()
            self.pick_cell(*cell)

    # -- look -------------------------------------------------------------------------------------
    def changeEvent(self, event) -> None:
        if is_palette_event(event):
            self._restyle()
        super().changeEvent(event)

    def _restyle(self) -> None:
        colours = style_plot(self.plot, palette=self.palette())
        dark = is_dark(self.palette())
        self.colour_bar.setColorMap(diverging_map(dark))
        self.colour_bar.axis.setPen(colours.foreground)
        self.colour_bar.axis.setTextPen(colours.foreground)
        self.today_label.fill = pg.mkBrush(*chart_colours(self.palette()).label_fill)
        self.break_even.setPen(pg.mkPen("#e0e0e0" if dark else "#424242", width=1.5))
        if self._report is not None:
            self._fill_stress(self._report.stress)
