"""Book P&L over time: a small chart beside the risk graph.

Items are made once: the daily-close line, the stored-snapshot dots and the
live point (the latest report's P&L), each updated with ``setData``.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from planner.ui.chart_style import HORIZON, TODAY, FollowRange, MoneyAxis, pen, plot_widget
from planner.ui.elided_label import ElidedLabel
from planner.ui.formatting import signed_money

# Room kept right of the newest point, so the live point's advance with the clock leaves the
# time axis standing (a moved axis is redrawn in full on every quote): a twentieth of the
# span shown, and never less than half an hour.
MIN_ROOM_S = 1800.0
ROOM_SHARE = 0.05
ET = ZoneInfo("America/New_York")


def et_seconds(moment: datetime) -> float:
    """The x of a moment: New York wall time counted as if it were UTC, drawn by an axis set to UTC.
    So the axis labelled ET shows ET whatever the machine's zone, daylight saving included.

    >>> from datetime import UTC
    >>> et_seconds(datetime(2026, 7, 1, 14, 0, tzinfo=UTC)) - datetime(2026, 7, 1, 10, 0, tzinfo=UTC).timestamp()
    0.0
    """
    offset = moment.astimezone(ET).utcoffset()
    assert offset is not None  # a time in a zone always has one
    return moment.timestamp() + offset.total_seconds()


class PnlChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = plot_widget(pg.DateAxisItem("bottom", utcOffset=0), MoneyAxis("left"))
        self.plot.setObjectName("pnlPlot")
        item = self.plot.getPlotItem()
        item.setLabel("left", "Book P&L ($)")
        item.setLabel("bottom", "Date (ET)")
        item.addItem(pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen("#9e9e9e", width=1)), ignoreBounds=True)
        self.line = pg.PlotDataItem(pen=pen(HORIZON, 1.6), name="Daily closes")
        self.stored = pg.ScatterPlotItem(size=6, brush=HORIZON, pen=pg.mkPen(None), name="Stored quotes")
        self.now = pg.ScatterPlotItem(size=9, symbol="o", brush=TODAY, pen=pg.mkPen("w"), name="Now")
        for graphic in (self.line, self.stored, self.now):
            item.addItem(graphic)
        self.caption = QLabel("Book P&L over time ($), realized + open")
        self.caption.setToolTip("Realized P&L of closed positions plus open positions valued at each stored quote "
                                "and daily close; the pink dot is now, at the live quote (never a what-if)")
        self.caption.setObjectName("pnlCaption")
        self.caption.setWordWrap(True)
        # Changes with every quote: a label that never asks the window to lay out again.
        self.now_label = ElidedLabel("now —")
        self.now_label.setObjectName("pnlNow")
        self.status = QLabel("Valuing past quotes…")
        self.status.setObjectName("pnlStatus")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.now_label)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.status)
        self._times: list[float] = []
        self._values: list[float] = []
        self._now: tuple[float, float] | None = None
        # The live point swings with each quote: shrink the P&L axis only when the data fills less
        # than half of it, or the axis would flip back and forth between two ranges.
        self.follow = FollowRange(self.plot, fill=0.5)

    # -- narrow update methods -----------------------------------------------------------
    def update_history(self, points) -> None:
        """``points``: PnlPoint list in time order."""
        self._times = [et_seconds(p.at) for p in points]
        self._values = [p.pnl_usd for p in points]
        self.line.setData(self._times, self._values)
        self._fit()
        stored = [p for p in points if p.stored]
        self.stored.setData([et_seconds(p.at) for p in stored], [p.pnl_usd for p in stored])
        if points:
            first = points[0].at.strftime("%Y-%m-%d")
            self.status.setText(f"{len(points):,} past quotes since {first}; dots: stored quotes")
        else:
            self.status.setText("No past quotes yet")

    def update_now(self, report, realized_usd: float = 0.0) -> None:
        """The live point: P&L of the open positions now plus what closed ones realized."""
        if report is None:
            self.now.setData([], [])
            return
        pnl = report.totals["book"].pnl_usd + realized_usd
        self._now = (et_seconds(report.asof), pnl)
        self.now.setData([self._now[0]], [pnl])
        self.now_label.setText(f"now {signed_money(pnl)} (live quote)")
        self._fit()

    def _fit(self) -> None:
        times, values = list(self._times), list(self._values)
        if self._now is not None:
            times.append(self._now[0])
            values.append(self._now[1])
        if times:
            first, last = min(times), max(times)
            room = max(MIN_ROOM_S, ROOM_SHARE * (last - first))
            self.follow.fit((first, last + room), (min(0.0, *values), max(0.0, *values)))
