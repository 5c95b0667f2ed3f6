"""The planning tabs inside the main window: fed by the session, scenario clicks drive the risk graph's what-if."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from planner.app.requests import QuoteRequest
from planner.ui import launch
from planner.ui.tickets import RollTicket

DRAW_TIMEOUT_MS = 30_000  # generous: behaviour tests, not timing tests


def shown(qtbot, window, name):
    window.show_tab(name)
    view = window.planning.view(name)
    assert view is not None and window.current_tab_name() == name
    return view


def test_tabs_are_reachable_by_name_and_menu(qtbot, window):
    for name in ("timeline", "scenarios", "suggestions", "settings"):
        assert name in window.tab_names
        assert window.tabs.tabToolTip(window.tabs.indexOf(window.tab_names[name]))
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    titles = [a.text() for a in view_menu.actions()]
    assert "Time&line" in titles and "&Scenarios" in titles and "Setti&ngs" in titles


def test_a_clicked_scenario_cell_and_the_risk_graph_agree_there_to_the_cent(qtbot, pinned_window):
    # A stopped clock: the map and the graph are priced at the same instant, so they may agree to the cent.
    from planner.ui.formatting import signed_money

    window = pinned_window
    scenarios = shown(qtbot, window, "scenarios")
    qtbot.waitUntil(lambda: scenarios.values() is not None, timeout=DRAW_TIMEOUT_MS)
    spx_now = window.session.report.spx
    rows, columns = scenarios.values().shape
    vix_levels = np.array([scenarios.cell_levels(r, 0)[1] for r in range(rows)])
    spx_moves = np.array([scenarios.cell_levels(0, c)[0] for c in range(columns)]) / spx_now - 1.0
    row = int(np.argmin(np.abs(vix_levels - 24.0)))
    column = int(np.argmin(np.abs(spx_moves + 0.04)))
    spx, vix = scenarios.cell_levels(row, column)
    cell = float(scenarios.values()[row, column])  # the map's default colours: P&L with the hedges
    qtbot.waitExposed(scenarios)
    point = scenarios.plot.mapFromScene(scenarios.scene_point_of(row, column))
    qtbot.mouseClick(scenarios.plot.viewport(), Qt.MouseButton.LeftButton, pos=point)
    graph, session = window.risk_graph, window.session
    assert graph.vix_mode.currentData() == "fixed" and (session.vix_mode, session.fixed_vix, session.pin_spx) == (
        "fixed", vix, spx)
    assert graph.cross_v.isVisible() and graph.cross_v.value() == spx
    window.show_tab("risk")  # the trader turns to the graph
    qtbot.waitUntil(lambda: session.report.curves.vix_mode == "fixed" and spx in session.report.curves.spx
                    and f"fixed VIX {vix:,.2f} pts" in graph.readout.text(), timeout=DRAW_TIMEOUT_MS)
    curves = session.report.curves
    at_cell = float(curves.today[np.searchsorted(curves.spx, spx)])
    assert abs(at_cell - cell) < 0.005  # to the cent
    assert f"fixed VIX {vix:,.2f} pts" in graph.readout.text() and signed_money(cell, 2) in graph.readout.text()
    assert f"VIX fixed at {vix:,.2f} pts" in window.statusBar().currentMessage()
    assert window.workspace.latest_snapshot().vix == 16.0  # nothing stored
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)  # Reset what-if
    qtbot.waitUntil(lambda: session.report.curves.vix_mode == "central", timeout=DRAW_TIMEOUT_MS)
    assert session.pin_spx is None and graph.vix_mode.currentData() == "central"


def test_a_stored_quote_updates_timeline_and_map_in_place(qtbot, window):
    timeline = shown(qtbot, window, "timeline")
    qtbot.waitUntil(lambda: timeline.report is not None, timeout=DRAW_TIMEOUT_MS)
    scenarios = shown(qtbot, window, "scenarios")
    qtbot.waitUntil(lambda: scenarios.values() is not None, timeout=DRAW_TIMEOUT_MS)
    items = (scenarios.image, scenarios.colour_bar, timeline.vix_now, timeline.today_line, *timeline.tier_bars.values())
    image, values = np.array(scenarios.image.image, copy=True), np.array(scenarios.values(), copy=True)
    spx_before = window.session.report.spx
    levels_before = np.array([scenarios.cell_levels(0, c)[0] for c in range(values.shape[1])])
    drawn = timeline.updates
    window.workspace.set_market(QuoteRequest(spx=5840, vix=19.0))
    # The map on screen follows the quote (matrix included); the hidden timeline waits to be shown.
    qtbot.waitUntil(lambda: window.session.report.spx == 5840 and not np.array_equal(scenarios.values(), values),
                    timeout=DRAW_TIMEOUT_MS)
    levels = np.array([scenarios.cell_levels(0, c)[0] for c in range(values.shape[1])])
    np.testing.assert_allclose(levels / 5840, levels_before / spx_before)  # the same moves, about the new SPX
    assert not np.array_equal(scenarios.image.image, image)
    assert timeline.updates == drawn
    shown(qtbot, window, "timeline")
    assert timeline.updates > drawn and timeline.vix_now.getData()[1][0] == 19.0
    assert (scenarios.image, scenarios.colour_bar, timeline.vix_now, timeline.today_line,
            *timeline.tier_bars.values()) == items


def test_suggestions_badge_counts_until_the_tab_is_seen(qtbot, spiked_window):
    window = spiked_window
    index = window.tabs.indexOf(window.tab_names["suggestions"])
    board = window.planning.board
    qtbot.waitUntil(lambda: board.computed >= 1 and not window.session.runner.busy, timeout=DRAW_TIMEOUT_MS)
    assert board.new_count > 0
    assert window.tabs.tabText(index) == f"Su&ggestions ({board.new_count} new)"
    view = shown(qtbot, window, "suggestions")
    qtbot.waitUntil(lambda: board.new_count == 0, timeout=DRAW_TIMEOUT_MS)  # the user has looked
    assert view.list.topLevelItemCount() == len(board.result)
    assert window.tabs.tabText(index) == "Su&ggestions"
    # No tray offscreen: the status bar carries the notice, once any fresher line of the user's has timed out.
    bar, seen = window.statusBar(), []
    for _ in range(10):
        seen.append(bar.currentMessage())
        if seen[-1].startswith("New suggestion:"):
            break
        bar.clearMessage()  # what the line's timeout does: a waiting notice takes the bar
    assert seen[-1].startswith("New suggestion:"), seen


def test_double_click_in_the_timeline_opens_the_layers_ticket(qtbot, window):
    timeline = shown(qtbot, window, "timeline")
    assert [p.id for p in timeline.rows] == sorted(p.id for p in window.session.book.positions)
    timeline.position_activated.emit(6)
    assert isinstance(window.active_ticket, RollTicket)
    assert window.active_ticket.position.currentData() == 6
    window.active_ticket.reject()


def test_settings_saved_in_the_tab_reach_the_session(qtbot, window):
    settings = shown(qtbot, window, "settings")
    editor = settings.rows["mid_vix_threshold"].editor
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, "23")
    qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.settings.mid_vix_threshold == 23.0, timeout=DRAW_TIMEOUT_MS)
    timeline = shown(qtbot, window, "timeline")
    assert timeline.thresholds["mid"].value() == 23.0


def test_screenshots_of_the_planning_tabs(qtbot, demo_db, tmp_path):
    for name in ("timeline", "suggestions"):
        out = tmp_path / f"{name}.png"
        assert launch.main(["--db", str(demo_db), "--screenshot", str(out), "--tab", name, "--size", "1200x800"]) == 0
        image = QImage(str(out))
        assert (image.width(), image.height()) == (1200, 800)
