"""Colours, pens and axes shared by the charts (pyqtgraph, no OpenGL).

The convention traders know from risk graphs: today magenta, expiry cyan,
T+n in between; condors alone in the same colours, dashed.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

pg.setConfigOptions(useOpenGL=False, antialias=True, background="w", foreground="#303030")

TODAY = "#d81bd8"
HORIZON = "#7a5cff"
EXPIRY = "#00a3bf"
SPOT = "#424242"
BAND_1SD = (120, 144, 156, 45)
BAND_2SD = (120, 144, 156, 22)
GAIN = "#1b7f3b"
LOSS = "#c62828"


def pen(colour: str, width: float = 2.0, dashed: bool = False):
    return pg.mkPen(colour, width=width, style=Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)


def compact_money(value: float) -> str:
    """Axis ticks: -$12.5k, $0, $250, $1.2M (the axis label says dollars)."""
    size = abs(value)
    sign = "-" if value < 0 else ""
    if size >= 1e6:
        return f"{sign}${size / 1e6:,.1f}M"
    if size >= 1e4:
        return f"{sign}${size / 1e3:,.0f}k"
    if size >= 1e3:
        return f"{sign}${size / 1e3:,.1f}k"
    return f"{sign}${size:,.0f}"


class MoneyAxis(pg.AxisItem):
    def tickStrings(self, values, scale, spacing):
        return [compact_money(v * scale) for v in values]


class PointsAxis(pg.AxisItem):
    def tickStrings(self, values, scale, spacing):
        return [f"{v * scale:,.0f}" for v in values]


def plot_widget(bottom: pg.AxisItem, left: pg.AxisItem) -> pg.PlotWidget:
    widget = pg.PlotWidget(axisItems={"bottom": bottom, "left": left})
    widget.setMenuEnabled(True)
    widget.showGrid(x=True, y=True, alpha=0.15)
    widget.getPlotItem().hideButtons()
    return widget
