"""A quote redraws the curves first and completes the matrix after, drawing the graph once."""

from __future__ import annotations

DRAW_TIMEOUT_MS = 30_000  # generous: a behaviour test, not a timing test


def test_a_quote_draws_the_graph_once_then_fills_the_matrix(qtbot, window):
    session, graph = window.session, window.risk_graph
    qtbot.waitUntil(lambda: session.report is not None and session.report.matrix is not None,
                    timeout=DRAW_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not session.runner.busy, timeout=DRAW_TIMEOUT_MS)
    draws = graph.updates
    window.workspace.set_market(spx=5750, vix=23.5)
    # The matrix step of this quote puts today's VIX on the matrix's axis.
    qtbot.waitUntil(lambda: session.report.vix == 23.5 and session.report.matrix is not None
                    and 23.5 in session.report.matrix.vix_levels, timeout=DRAW_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not session.runner.busy, timeout=DRAW_TIMEOUT_MS)
    assert graph.updates == draws + 1
    assert session.report.risk_used_pct is not None
    assert all(p.risk_used_pct is not None for p in session.report.positions if p.kind == "condor")
