"""The window at 1400x900: the positions table shows the Greeks and max loss without scrolling."""

from __future__ import annotations

from planner.ui.positions_model import COLUMN_INDEX


def test_greeks_and_max_loss_are_visible_without_scrolling(window):
    table = window.positions.table
    window.show_tab("risk")
    visible = table.viewport().width()
    widths = {key: (table.columnViewportPosition(COLUMN_INDEX[key]), table.columnWidth(COLUMN_INDEX[key]))
              for key in ("delta_spx", "delta_vix", "gamma", "vega", "theta", "protection", "max_loss")}
    for key, (left, width) in widths.items():
        assert left >= 0 and left + width <= visible, f"{key} ends at {left + width} px, the table shows {visible}"
    what = table.model().index(0, COLUMN_INDEX["what"])
    assert what.data() in what.data(3)  # the full description in the cell's tooltip, if it is cut


def test_a_long_status_message_is_complete_in_its_tooltip(window):
    message = "New suggestion: ADD mid (coverage): " + "a reason with figures, " * 12 + "end"
    window.statusBar().showMessage(message, 10000)
    assert window.statusBar().toolTip() == message


def test_backtest_axes_tell_their_ticks_apart(qtbot):
    from planner.ui.backtest_charts import BacktestCharts

    charts = BacktestCharts()
    qtbot.addWidget(charts)
    equity = charts.equity.getAxis("left").tickStrings([3_000_000.0, 3_001_000.0, 3_002_000.0], 1.0, 1000.0)
    assert equity == ["$3,000,000", "$3,001,000", "$3,002,000"]  # not "$3.0M" three times
    drawdown = charts.drawdown.getAxis("left").tickStrings([-0.05, -0.10, -0.15], 1.0, 0.05)
    assert drawdown == ["-0.05 %", "-0.10 %", "-0.15 %"]
    widths = {charts.equity.getAxis("left").width(), charts.vix.getAxis("left").width()}
    assert len(widths) == 1 and widths.pop() >= charts.fontMetrics().horizontalAdvance("$3,000,000")


def test_the_what_if_sliders_stay_usable(window):
    window.show_tab("risk")
    for slider in (window.risk_graph.horizon, window.risk_graph.vix_shift):
        assert slider.width() >= 90
