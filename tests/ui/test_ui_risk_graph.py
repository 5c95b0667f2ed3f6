"""The risk graph reuses its items, follows its controls, and reads out the crosshair."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from planner.ui.risk_graph import CURVE_KEYS, RiskGraph

DRAW_TIMEOUT_MS = 30_000  # generous: behaviour tests, not timing tests (importlib mode: no conftest imports)


def assert_drawn_as_priced(graph, curves):
    """Each drawn curve stays within a ten-thousandth of the P&L span of the priced one at every point
    of the engine's grid."""
    span = max(0.0, *(float(np.nanmax(getattr(curves, key))) for key in CURVE_KEYS)) - min(
        0.0, *(float(np.nanmin(getattr(curves, key))) for key in CURVE_KEYS))
    for key in CURVE_KEYS:
        assert np.allclose(graph.drawn_values(key, curves.spx), getattr(curves, key), rtol=0, atol=span * 1e-4,
                           equal_nan=True), key


@pytest.fixture
def graph(shown, demo_report):
    """The risk graph alone, fed the demo book's report (flows through the window are tested below)."""
    view = shown(RiskGraph(), (1100, 700))
    view.update_report(demo_report)
    return view


def test_items_are_reused_across_reports(graph, demo_reports):
    items_before = {key: id(curve) for key, curve in graph.curves.items()}
    scene_items = len(graph.plot.getPlotItem().items)
    drawn = graph.updates
    graph.update_report(demo_reports[1])  # another market: SPX 5,850, VIX 18.5
    assert graph.updates > drawn and graph.spot.value() == 5850.0
    assert {key: id(curve) for key, curve in graph.curves.items()} == items_before
    assert len(graph.plot.getPlotItem().items) == scene_items


def test_horizon_slider_redraws_the_t_plus_n_curve(qtbot, window):
    graph = window.risk_graph
    grid = window.session.report.curves.spx
    horizon_before = graph.drawn_values("horizon", grid)
    graph.horizon.setFocus()
    qtbot.keyClick(graph.horizon, Qt.Key.Key_PageUp)  # a week later
    qtbot.waitUntil(lambda: round(window.session.report.curves.horizon_days) == 14, timeout=DRAW_TIMEOUT_MS)
    assert not np.allclose(graph.drawn_values("horizon", grid), horizon_before)
    assert graph.horizon_label.text().startswith("T+14 d")
    assert_drawn_as_priced(graph, window.session.report.curves)


def test_vix_shift_moves_curves_and_reset_brings_them_back(qtbot, pinned_window):
    window = pinned_window  # a stopped clock: after the reset the curves are today's again to the cent
    graph = window.risk_graph
    grid = window.session.report.curves.spx
    today_before = graph.drawn_values("today", grid)
    graph.vix_shift.setFocus()
    for _ in range(2):
        qtbot.keyClick(graph.vix_shift, Qt.Key.Key_PageUp)  # +5 VIX points each
    qtbot.waitUntil(lambda: abs(window.session.report.vix - 26.0) < 1e-9, timeout=DRAW_TIMEOUT_MS)
    assert not np.allclose(graph.drawn_values("today", grid), today_before)
    assert "+10 pts → 26.00 pts" in graph.vix_label.text()
    assert window.workspace.latest_snapshot().vix == 16.0  # a what-if, never stored
    qtbot.mouseClick(graph.reset, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.report.vix == 16.0, timeout=DRAW_TIMEOUT_MS)
    assert np.allclose(graph.drawn_values("today", grid), today_before, rtol=0, atol=0.005)


def test_crosshair_reads_out_spx_model_vix_and_each_curve(graph, demo_report):
    text = graph.show_crosshair_at(5600.0)
    assert "SPX 5,600 pts" in text and "model VIX" in text
    for name in ("today", "T+7 d", "expiry", "condors alone"):
        assert name in text
    assert graph.cross_v.isVisible() and graph.cross_v.value() == 5600.0
    expected = float(np.interp(5600.0, demo_report.curves.spx, demo_report.curves.vix))
    assert f"model VIX {expected:,.1f} pts" in text


def test_break_evens_bands_and_spot_line_follow_the_report(graph, demo_report):
    xs, _ = graph.break_evens_expiry.getData()
    assert list(xs) == list(demo_report.break_evens_expiry)
    low, high = graph.band_1sd.getRegion()
    assert (low, high) == demo_report.curves.bands_expiry["1sd"]
    assert graph.spot.value() == demo_report.spx == 5900.0


def test_pnl_history_chart_gets_past_quotes(qtbot, window):
    qtbot.waitUntil(lambda: len(window.pnl_chart.line.xData if window.pnl_chart.line.xData is not None else []) > 20,
                    timeout=DRAW_TIMEOUT_MS)
    _, now_y = window.pnl_chart.now.getData()
    realized = sum(p.realized_pnl() for p in window.session.book.positions if not p.is_open)
    assert now_y[0] == window.session.report.totals["book"].pnl_usd + realized
    past_x, _ = window.pnl_chart.line.getData()
    assert past_x[-1] <= window.session.report.asof.timestamp()
    assert "past quotes" in window.pnl_chart.status.text()


def test_window_draws_what_workspace_analyze_computes(qtbot, window):
    report = window.session.report
    expected = window.workspace.analyze(at=report.asof)
    assert report.totals["book"].pnl_usd == expected.totals["book"].pnl_usd
    assert np.array_equal(report.curves.today, expected.curves.today)
    assert_drawn_as_priced(window.risk_graph, report.curves)
    assert report.break_evens_expiry == expected.break_evens_expiry

    window.risk_graph.vix_shift.setValue(5)  # a what-if: same answer as `planner risk --vix 21`
    qtbot.waitUntil(lambda: window.session.report.vix == 21.0, timeout=DRAW_TIMEOUT_MS)
    report = window.session.report
    expected = window.workspace.analyze(at=report.asof, vix=21.0)
    assert np.allclose(report.curves.today, expected.curves.today)
    assert report.totals["book"].day_pnl_usd == expected.totals["book"].day_pnl_usd


def test_the_vix_response_choice_moves_the_curves_and_the_band_is_drawn(qtbot, window):
    graph = window.risk_graph
    report = window.session.report
    grid = report.curves.spx
    for key, values in (("today_low", report.curves.today_low), ("today_high", report.curves.today_high)):
        x, y = graph.band_curves[key].getData()
        assert np.allclose(np.interp(grid, x, y), values)  # today's book at the band's low and high, shaded
    assert graph.band_fill.isVisible()
    shade = graph.band_fill.path()  # the shade lies between the band's low and high curves at every level
    for spx in grid[5::40]:
        low, high = sorted((float(np.interp(spx, grid, report.curves.today_low)),
                            float(np.interp(spx, grid, report.curves.today_high))))
        if high - low > 1.0:
            assert shade.contains(QPointF(spx, (low + high) / 2))
        assert not shade.contains(QPointF(spx, high + 0.05 * abs(high) + 50.0))
        assert not shade.contains(QPointF(spx, low - 0.05 * abs(low) - 50.0))
    text = graph.show_crosshair_at(5600.0)
    low = float(np.interp(5600.0, grid, report.curves.vix_low))
    high = float(np.interp(5600.0, grid, report.curves.vix_high))
    assert f"(band {low:,.1f}-{high:,.1f})" in text
    graph.vix_mode.setFocus()
    qtbot.keyClick(graph.vix_mode, Qt.Key.Key_Down)  # central path -> stressed (band high)
    qtbot.waitUntil(lambda: window.session.report.curves.vix_mode == "stressed", timeout=DRAW_TIMEOUT_MS)
    stressed = window.session.report.curves
    assert np.allclose(stressed.vix, stressed.vix_high)
    assert stressed.today[0] > report.curves.today[0]  # the demo's VIX calls pay more in a stressed fall
    qtbot.keyClick(graph.vix_mode, Qt.Key.Key_Down)  # fixed VIX: today's level everywhere
    qtbot.waitUntil(lambda: window.session.report.curves.vix_mode == "fixed", timeout=DRAW_TIMEOUT_MS)
    assert np.all(window.session.report.curves.vix == 16.0)
    assert "fixed VIX 16.00 pts" in graph.show_crosshair_at(5600.0)


def test_a_hedge_payoff_far_above_the_condors_keeps_their_scale_and_is_marked_off_scale(qtbot):
    from risk_books import NOW, book, condor, market, vix_call

    from planner.domain import Settings
    from planner.risk import analyze
    from planner.ui.risk_graph import y_range

    report = analyze(book(condor(qty=2), vix_call(strike=25.0, qty=40, price=0.862)), market(), Settings(), at=NOW)
    graph = RiskGraph()
    qtbot.addWidget(graph)
    graph.update_report(report)
    c = report.curves
    condor_curves = np.concatenate([c.today_condors, c.horizon_condors, c.expiry_condors])
    low, high = graph.plot.getPlotItem().getViewBox().viewRange()[1]
    span = condor_curves.max() - min(0.0, condor_curves.min())
    assert high - low < 4 * span  # the condors fill a readable share of the axis
    assert c.today.max() > high  # the hedge's payoff runs off the top ...
    assert graph.off_scale.isVisible() and "off scale: up to +$" in graph.off_scale.toPlainText()  # ... marked
    assert y_range(c.today, condor_curves)[3]
