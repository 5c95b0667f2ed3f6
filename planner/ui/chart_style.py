"""Colours, pens and axes shared by the charts (pyqtgraph, no OpenGL).

The convention traders know from risk graphs: today magenta, expiry cyan,
T+n in between; condors alone in the same colours, dashed.
"""

from __future__ import annotations

import math

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


def money_ticks(values, spacing: float) -> list[str]:
    """Compact ticks while they tell the ticks apart; else whole dollars (or cents for ticks under
    a dollar apart): $3.0M on every tick of a $3,000,000 to $3,004,000 axis says nothing.

    >>> money_ticks([3_000_000.0, 3_001_000.0], 1000.0)
    ['$3,000,000', '$3,001,000']
    >>> money_ticks([0.0, 10_000.0], 10_000.0)
    ['$0', '$10k']
    """
    compact = [compact_money(v) for v in values]
    if len(set(compact)) == len(compact):
        return compact
    decimals = 2 if spacing < 1 else 0
    return [f"{'-' if v < 0 else ''}${abs(v):,.{decimals}f}" for v in values]


class MoneyAxis(pg.AxisItem):
    def tickStrings(self, values, scale, spacing):
        return money_ticks([v * scale for v in values], spacing * scale)


class PointsAxis(pg.AxisItem):
    def tickStrings(self, values, scale, spacing):
        return [f"{v * scale:,.0f}" for v in values]


def plot_widget(bottom: pg.AxisItem, left: pg.AxisItem) -> pg.PlotWidget:
    for axis in (bottom, left):
        axis.enableAutoSIPrefix(False)  # ticks carry their own units ($12k)
        axis.setStyle(hideOverlappingLabels=True)  # no tick label cut in half at the plot's edge
    widget = pg.PlotWidget(axisItems={"bottom": bottom, "left": left})
    widget.setMenuEnabled(True)
    # No grid: pyqtgraph draws it inside the axis items, so every curve change
    # would repaint both axes over the whole plot (a third of the frame time).
    widget.getPlotItem().hideButtons()
    return widget


class FollowRange:
    """Keep the data in view on each update, until the user pans or zooms.

    Done in ``update_*`` rather than by pyqtgraph's auto-range, which
    re-measures every item while painting and then paints a second time.
    The range is sticky: it changes only when the data leaves it or fills
    less than ``fill`` of it, so the axes stand still through ordinary ticks
    (easier to read, and an unchanged axis is not redrawn). Double-click in
    the plot to follow again.
    """

    def __init__(self, widget: pg.PlotWidget, padding: float = 0.06, fill: float = 0.75) -> None:
        self.view = widget.getPlotItem().getViewBox()
        self.view.disableAutoRange()
        self.padding = padding
        self.fill = fill
        self._shown: tuple[tuple[float, float], tuple[float, float]] | None = None
        self.following = True
        self.view.sigRangeChangedManually.connect(self._manual)
        widget.scene().sigMouseClicked.connect(self._clicked)
        self._last: tuple[tuple[float, float], tuple[float, float]] | None = None

    def _manual(self, *_: object) -> None:
        self.following = False

    def _clicked(self, event) -> None:
        if event.double():
            self.following = True
            self._shown = None
            if self._last is not None:
                self.fit(*self._last)

    def fit(self, x_range: tuple[float, float], y_range: tuple[float, float]) -> None:
        self._last = (x_range, y_range)
        if not self.following:
            return
        (x0, x1), (y0, y1) = x_range, y_range
        if not all(map(math.isfinite, (x0, x1, y0, y1))):
            return
        if y1 - y0 < 1e-9:
            y0, y1 = y0 - 1.0, y1 + 1.0
        wanted = ((x0, x1), (y0, y1))
        if self._shown is not None and all(self._holds(shown, data) for shown, data in zip(self._shown, wanted,
                                                                                         strict=True)):
            return
        pad_x, pad_y = (x1 - x0) * self.padding, (y1 - y0) * self.padding
        self._shown = ((x0 - pad_x, x1 + pad_x), (y0 - pad_y, y1 + pad_y))
        self.view.setRange(xRange=self._shown[0], yRange=self._shown[1], padding=0)
        # Apply the new transform now: left to pyqtgraph's prepare-for-paint, the
        # items it moves ask for a second paint right after the first.
        self.view.updateMatrix()

    def _holds(self, shown: tuple[float, float], data: tuple[float, float]) -> bool:
        low, high = shown
        return low <= data[0] and data[1] <= high and (data[1] - data[0]) >= self.fill * (high - low)
