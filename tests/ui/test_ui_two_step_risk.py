"""A quote redraws the curves first and completes the matrix after, drawing the graph once."""

from __future__ import annotations

from planner.app.requests import QuoteRequest

DRAW_TIMEOUT_MS = 30_000  # generous: a behaviour test, not a timing test


def test_a_quote_draws_the_graph_once_then_fills_the_matrix(qtbot, window):
    session, graph = window.session, window.risk_graph
    qtbot.waitUntil(lambda: session.report is not None and session.report.matrix is not None,
                    timeout=DRAW_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not session.runner.busy, timeout=DRAW_TIMEOUT_MS)
    draws = graph.updates
    window.workspace.set_market(QuoteRequest(spx=5750, vix=23.5))
    # The matrix step of this quote puts today's VIX on the matrix's axis.
    qtbot.waitUntil(lambda: session.report.vix == 23.5 and session.report.matrix is not None
                    and 23.5 in session.report.matrix.vix_levels, timeout=DRAW_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not session.runner.busy, timeout=DRAW_TIMEOUT_MS)
    assert graph.updates == draws + 1
    assert session.report.risk_used_pct is not None
    assert all(p.risk_used_pct is not None for p in session.report.positions if p.kind == "condor")


def test_with_the_scenario_map_on_screen_each_quote_brings_its_own_matrix(qtbot, window, monkeypatch):
    from planner.ui import session as session_module

    session = window.session
    window.show_tab("scenarios")
    assert session.matrix_in_view
    qtbot.waitUntil(lambda: session.report is not None and not session.runner.busy, timeout=DRAW_TIMEOUT_MS)
    # Were the matrix still waiting for quotes to pause, it would never come within the test.
    session._scenario_timer.setInterval(3_600_000)
    monkeypatch.setattr(session_module, "SCENARIO_DELAY_MS", 3_600_000)
    window.workspace.set_market(QuoteRequest(spx=5790, vix=21.5))
    qtbot.waitUntil(lambda: session.report.vix == 21.5 and session.report.matrix is not None
                    and 21.5 in session.report.matrix.vix_levels, timeout=DRAW_TIMEOUT_MS)
    scenarios = window.planning.view("scenarios")
    qtbot.waitUntil(lambda: scenarios._report is session.report, timeout=DRAW_TIMEOUT_MS)
    window.show_tab("risk")
    assert not session.matrix_in_view
