"""A quote draws the risk graph once, with its own matrix, risk used and stress in the same report."""

from __future__ import annotations

from planner.app.requests import QuoteRequest

DRAW_TIMEOUT_MS = 30_000  # generous: a behaviour test, not a timing test


def test_a_quote_draws_the_graph_once_with_its_matrix(qtbot, window):
    session, graph = window.session, window.risk_graph
    qtbot.waitUntil(lambda: session.report is not None and not session.runner.busy, timeout=DRAW_TIMEOUT_MS)
    draws = graph.updates
    window.workspace.set_market(QuoteRequest(spx=5750, vix=23.5))
    qtbot.waitUntil(lambda: session.report.vix == 23.5, timeout=DRAW_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not session.runner.busy, timeout=DRAW_TIMEOUT_MS)
    assert graph.updates == draws + 1
    assert session.report.matrix is not None and 23.5 in session.report.matrix.vix_levels
    assert all(p.risk_used_pct is not None for p in session.report.positions if p.kind == "condor")


def test_the_scenario_map_follows_each_quote(qtbot, window):
    session = window.session
    window.show_tab("scenarios")
    qtbot.waitUntil(lambda: session.report is not None and not session.runner.busy, timeout=DRAW_TIMEOUT_MS)
    window.workspace.set_market(QuoteRequest(spx=5790, vix=21.5))
    qtbot.waitUntil(lambda: session.report.vix == 21.5 and 21.5 in session.report.matrix.vix_levels,
                    timeout=DRAW_TIMEOUT_MS)
    scenarios = window.planning.view("scenarios")
    qtbot.waitUntil(lambda: scenarios._report is session.report, timeout=DRAW_TIMEOUT_MS)
