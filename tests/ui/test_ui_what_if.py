"""What-ifs are labelled and stay out of real figures: the VIX shift moves the risk graph, never the
positions table, the status line or the P&L chart's live point; the P&L axis labelled ET is in ET."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from PySide6.QtCore import Qt

TIMEOUT_MS = 30_000  # generous: behaviour tests, not timing tests


def real_figures(window):
    model = window.positions.model
    table = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    return table, window.risk_label.text(), window.pnl_chart.now_label.text(), window.pnl_chart.now.getData()[1][0]


def test_the_vix_shift_moves_the_graph_not_the_real_figures(qtbot, pinned_window):
    window = pinned_window
    window.show_tab("risk")
    grid = window.session.report.curves.spx
    qtbot.waitUntil(lambda: window.session.reports_applied and not window.session.runner.busy, timeout=TIMEOUT_MS)
    drawn = window.session.reports_applied
    real = window.session.real_report
    before, graph = real_figures(window), window.risk_graph.drawn_values("today", grid)
    slider = window.risk_graph.vix_shift
    slider.setFocus()
    for _ in range(8):  # as a person would: the arrow key, eight points up
        qtbot.keyClick(slider, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: window.session.what_if and window.session.reports_applied > drawn, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not np.allclose(window.risk_graph.drawn_values("today", grid), graph),
                    timeout=TIMEOUT_MS)
    assert "what-if VIX +8 pts" in window.risk_graph.title.text()
    assert real_figures(window) == before
    assert window.session.real_report is real  # the stored quote's report is reused, not valued again
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)  # reset
    qtbot.waitUntil(lambda: not window.session.what_if, timeout=TIMEOUT_MS)
    assert real_figures(window) == before


def test_a_scenario_click_does_not_reach_the_table(qtbot, pinned_window):
    window = pinned_window
    window.show_tab("risk")
    qtbot.waitUntil(lambda: "%" in real_figures(window)[0][0][-1], timeout=TIMEOUT_MS)  # risk used is in
    before = real_figures(window)
    window.show_tab("scenarios")
    drawn = window.session.reports_applied
    window.planning.set_what_if(window.session.report.spx * 0.95, window.session.snapshot.vix + 12)
    qtbot.waitUntil(lambda: window.session.vix_mode == "fixed" and window.session.reports_applied > drawn,
                    timeout=TIMEOUT_MS)
    window.show_tab("risk")
    qtbot.waitUntil(lambda: not window.session.runner.busy, timeout=TIMEOUT_MS)
    assert real_figures(window) == before


def test_the_pnl_axis_labelled_et_is_new_york_time(pinned_window):
    window = pinned_window
    from planner.ui.pnl_chart import et_seconds

    summer = datetime(2026, 7, 1, 14, 0, tzinfo=UTC)  # 10:00 EDT
    winter = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 10:00 EST
    axis = window.pnl_chart.plot.getPlotItem().getAxis("bottom")
    assert axis.utcOffset == 0
    for moment in (summer, winter):
        shown = datetime.fromtimestamp(et_seconds(moment), UTC)
        assert (shown.hour, shown.minute) == (10, 0)


def test_the_crosshair_readout_follows_the_graph(qtbot, pinned_window):
    window = pinned_window
    graph = window.risk_graph
    spx = window.session.report.spx * 0.97
    before = graph.show_crosshair_at(spx)
    drawn = graph.updates
    slider = graph.vix_shift
    slider.setFocus()
    for _ in range(5):
        qtbot.keyClick(slider, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: graph.updates > drawn and window.session.what_if, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: graph.vix_shift.value() == 5 and "+5" in graph.readout.text(), timeout=TIMEOUT_MS)
    shown = graph.readout.text()
    assert shown != before and "What-if VIX +5 pts" in shown
    assert shown == graph.show_crosshair_at(spx)  # what a fresh look at the same SPX reads
