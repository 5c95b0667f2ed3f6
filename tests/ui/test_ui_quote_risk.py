"""A quote draws the risk graph once, with risk used in the same report; the SPX x VIX matrix and
the stress rows come with each quote while the scenario map is on screen, and at once when it is shown."""

from __future__ import annotations

from PySide6.QtCore import Qt

from planner.app.requests import QuoteRequest

DRAW_TIMEOUT_MS = 30_000  # generous: a behaviour test, not a timing test


def test_a_quote_draws_the_graph_once_with_risk_used_and_no_hidden_matrix(qtbot, window):
    session, graph = window.session, window.risk_graph
    qtbot.waitUntil(lambda: session.report is not None and not session.runner.busy, timeout=DRAW_TIMEOUT_MS)
    draws = graph.updates
    window.workspace.set_market(QuoteRequest(spx=5750, vix=23.5))
    qtbot.waitUntil(lambda: session.report.vix == 23.5, timeout=DRAW_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not session.runner.busy, timeout=DRAW_TIMEOUT_MS)
    assert graph.updates == draws + 1
    assert all(p.risk_used_pct is not None for p in session.report.positions if p.kind == "condor")
    assert session.report.risk_used_pct is not None
    assert session.report.matrix is None and session.report.stress == ()  # no view on screen draws them


def test_the_scenario_map_follows_each_quote(qtbot, window):
    session = window.session
    window.show_tab("scenarios")
    qtbot.waitUntil(lambda: session.report is not None and not session.runner.busy, timeout=DRAW_TIMEOUT_MS)
    window.workspace.set_market(QuoteRequest(spx=5790, vix=21.5))
    qtbot.waitUntil(lambda: session.report.vix == 21.5 and 21.5 in session.report.matrix.vix_levels,
                    timeout=DRAW_TIMEOUT_MS)
    scenarios = window.planning.view("scenarios")
    qtbot.waitUntil(lambda: scenarios._report is session.report, timeout=DRAW_TIMEOUT_MS)


def test_showing_the_map_brings_the_matrix_of_the_quote_on_screen(qtbot, window):
    session = window.session
    window.show()
    qtbot.waitExposed(window)
    window.workspace.set_market(QuoteRequest(spx=5720, vix=24.5))
    qtbot.waitUntil(lambda: session.report is not None and session.report.vix == 24.5 and not session.runner.busy,
                    timeout=DRAW_TIMEOUT_MS)
    assert session.report.matrix is None
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # the tab's mnemonic, "&Scenarios"
    assert window.current_tab_name() == "scenarios"
    scenarios = window.planning.view("scenarios")
    qtbot.waitUntil(lambda: session.report.matrix is not None and scenarios._report is session.report,
                    timeout=DRAW_TIMEOUT_MS)
    assert 24.5 in session.report.matrix.vix_levels and session.report.stress
    assert scenarios.values() is not None
