"""Backtest charts: equity, drawdown and VIX over the path, unhedged against hedged.

One widget, drawn by the Backtest tab and, offscreen, by ``planner backtest
--plot``. The plot items are made once; ``update_report`` only feeds them new
data, so a second run redraws without rebuilding anything. Spike peaks (the
mean-reversion rule's definition) are marked on the equity and VIX panels.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from planner.ui.chart_style import MoneyAxis, pen

UNHEDGED = "#e06c00"
HEDGED = "#1565c0"
VIX_COLOUR = "#6d4c41"
SPIKE = "#c62828"


def epoch_seconds(days) -> np.ndarray:
    """Dates as Unix seconds at noon UTC, what pyqtgraph's DateAxisItem reads."""
    return np.array([datetime(d.year, d.month, d.day, 12, tzinfo=UTC).timestamp() for d in days], dtype=float)


class PercentAxis(pg.AxisItem):
    def tickStrings(self, values, scale, spacing):
        # As many decimals as the tick spacing needs: 0.05 % apart shows -0.05 %, -0.10 %, not -0.1 % twice.
        step = spacing * scale
        decimals = 0 if step >= 1 else min(4, math.ceil(-math.log10(step) - 1e-9))
        return [f"{v * scale + 0.0:,.{decimals}f} %" for v in values]


def _plot(left: pg.AxisItem, label: str) -> pg.PlotItem:
    left.enableAutoSIPrefix(False)
    item = pg.PlotItem(axisItems={"bottom": pg.DateAxisItem(orientation="bottom"), "left": left})
    item.hideButtons()
    item.setMenuEnabled(False)
    item.setLabel("left", label)
    item.showGrid(x=True, y=True, alpha=0.15)
    return item


def titled_canvas(owner: QWidget, text: str, title_name: str) -> tuple[QLabel, pg.GraphicsLayoutWidget]:
    """A bold wrapping title over a white pyqtgraph canvas, laid out in ``owner``; the canvas stays hidden
    until there is something to draw (empty axes would show meaningless ticks)."""
    title = QLabel(text)
    title.setWordWrap(True)
    title.setTextFormat(Qt.TextFormat.PlainText)
    title.setObjectName(title_name)
    title.setStyleSheet("font-weight: 600; padding: 4px;")
    canvas = pg.GraphicsLayoutWidget()
    canvas.setBackground("w")
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(title)
    layout.addWidget(canvas, 1)
    canvas.setVisible(False)
    return title, canvas


class BacktestCharts(QWidget):
    """Title, then equity ($), drawdown (% of peak) and VIX (points), sharing the date axis."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backtestCharts")
        self.title, self.canvas = titled_canvas(self, "Run a backtest to see its equity and drawdown curves.",
                                                "backtestTitle")

        self.equity = _plot(MoneyAxis(orientation="left"), "equity")
        self.drawdown = _plot(PercentAxis(orientation="left"), "drawdown")
        self.vix = _plot(pg.AxisItem(orientation="left"), "VIX")
        # One width for the three left axes, room for "$10,000,000" and the axis title beside it: the
        # dates line up, and no tick label is hidden for want of space or drawn over the title.
        axis_width = self.fontMetrics().horizontalAdvance("-$10,000,000") + 2 * self.fontMetrics().height() + 8
        for row, (item, stretch) in enumerate(((self.equity, 5), (self.drawdown, 3), (self.vix, 2))):
            item.getAxis("left").setWidth(axis_width)
            self.canvas.addItem(item, row=row, col=0)
            self.canvas.ci.layout.setRowStretchFactor(row, stretch)
        self.drawdown.setXLink(self.equity)
        self.vix.setXLink(self.equity)
        self.legend = self.equity.addLegend(offset=(10, 10))
        self.unhedged_equity = self.equity.plot(name="unhedged", pen=pen(UNHEDGED, 1.6))
        self.hedged_equity = self.equity.plot(name="hedged by the rules", pen=pen(HEDGED, 1.6))
        self.unhedged_drawdown = self.drawdown.plot(pen=pen(UNHEDGED, 1.4), fillLevel=0,
                                                    brush=pg.mkBrush(224, 108, 0, 40))
        self.hedged_drawdown = self.drawdown.plot(pen=pen(HEDGED, 1.4), fillLevel=0, brush=pg.mkBrush(21, 101, 192, 40))
        self.vix_curve = self.vix.plot(pen=pen(VIX_COLOUR, 1.2))
        marker = {"symbol": "t", "size": 9, "pen": pg.mkPen(SPIKE), "brush": pg.mkBrush(SPIKE)}
        self.equity_spikes = pg.ScatterPlotItem(**marker)
        self.vix_spikes = pg.ScatterPlotItem(**marker)
        self.equity.addItem(self.equity_spikes)
        self.legend.addItem(self.equity_spikes, "volatility spike peak")
        self.vix.addItem(self.vix_spikes)

    def update_report(self, report) -> None:
        """Show a ``planner.backtest.results.BacktestReport``."""
        runs = report.runs
        path = runs.path
        x = epoch_seconds(path.dates)
        self.unhedged_equity.setData(x, runs.unhedged.equity)
        self.hedged_equity.setData(x, runs.hedged.equity)
        self.unhedged_drawdown.setData(x, _drawdown_pct(runs.unhedged.equity))
        self.hedged_drawdown.setData(x, _drawdown_pct(runs.hedged.equity))
        self.vix_curve.setData(x, path.vix)
        peaks = [s.peak_index for s in report.spikes]
        self.equity_spikes.setData(x[peaks], runs.unhedged.equity[peaks])
        self.vix_spikes.setData(x[peaks], path.vix[peaks])
        for item in (self.equity, self.drawdown, self.vix):
            item.enableAutoRange()
        self.title.setText(title_text(report))
        self.canvas.setVisible(True)

    def clear(self) -> None:
        for curve in (self.unhedged_equity, self.hedged_equity, self.unhedged_drawdown, self.hedged_drawdown,
                      self.vix_curve):
            curve.setData([], [])
        self.equity_spikes.clear()
        self.vix_spikes.clear()


def _drawdown_pct(equity: np.ndarray) -> np.ndarray:
    peak = np.maximum.accumulate(equity)
    return np.where(peak > 0, 100.0 * (equity - peak) / peak, 0.0)


def title_text(report) -> str:
    """What the chart shows, on which data, and the headline numbers with their units."""
    path = report.runs.path
    u, h = report.unhedged, report.hedged
    reduction = report.drawdown_reduction_pct
    change = ("no unhedged drawdown to compare" if reduction is None
              else f"{reduction:.1f} % smaller" if reduction >= 0 else f"{-reduction:.1f} % larger")
    program = report.runs.config.program.resolved(report.runs.settings.condor_take_profit_pct)
    hedge = "hedged by the rules" if report.runs.config.hedge else "every hedge rule off (--hedge off)"
    return (f"Backtest on {path.name}, {_day(path.dates[0])} to {_day(path.dates[-1])} ({len(path)} sessions)\n"
            f"Both runs: a {program.target_dte_days}-DTE {program.short_delta:g}-delta condor every "
            f"{program.entry_every_days} sessions, profit taken at {program.profit_target_pct:g} % of the credit; "
            f"the second {hedge}.\n"
            f"Max drawdown unhedged ${u.drawdown.usd:,.0f} ({u.drawdown.pct:.1f} %), hedged ${h.drawdown.usd:,.0f} "
            f"({h.drawdown.pct:.1f} %): {change} hedged. Return {u.return_pct:.1f} % unhedged, "
            f"{h.return_pct:.1f} % hedged; MAR {_ratio(u.mar)} / {_ratio(h.mar)}; "
            f"{_hedge_cost(h.hedge_cost_pct_of_credit)}; {len(report.spikes)} VIX spikes.")


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _day(value: date) -> str:
    return value.isoformat()


def _hedge_cost(pct_of_credit: float | None) -> str:
    if pct_of_credit is None:
        return "no credit collected"
    if pct_of_credit >= 0:
        return f"hedges cost {pct_of_credit:.1f} % of the credit"
    return f"hedges earned {-pct_of_credit:.1f} % of the credit"
