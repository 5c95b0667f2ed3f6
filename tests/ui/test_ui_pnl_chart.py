"""The P&L-over-time chart keeps its axes still while the live point moves with each quote."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from planner.app.pnl_history import PnlPoint
from planner.ui.pnl_chart import PnlChart

START = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def live(at: datetime, pnl: float):
    """The two things the chart reads from a risk report."""
    return SimpleNamespace(asof=at, totals={"book": SimpleNamespace(pnl_usd=pnl)})


def test_quotes_move_the_live_point_not_the_axes(qtbot):
    chart = PnlChart()
    qtbot.addWidget(chart)
    # A book opened minutes ago: ten stored quotes, the live point beyond them.
    chart.update_history([PnlPoint(START - timedelta(minutes=m), -2000.0 - 100.0 * m, True) for m in range(10, 0, -1)])
    chart.update_now(live(START, -3900.0))
    view = chart.plot.getPlotItem().getViewBox()
    before = view.viewRange()
    # A minute of quotes swinging the P&L within what the chart already shows.
    for second, pnl in zip(range(0, 60, 5), (-3400.0, -2100.0, -3900.0, -2500.0) * 3, strict=False):
        chart.update_now(live(START + timedelta(seconds=second), pnl))
        assert view.viewRange() == before
    assert chart.now.getData()[1][0] == -2500.0
    # A P&L far outside the range brings the axis along.
    chart.update_now(live(START + timedelta(seconds=61), -40_000.0))
    low, high = view.viewRange()[1]
    assert low < -40_000.0 < high
