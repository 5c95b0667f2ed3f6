"""A watched file's quote reaches the painted risk graph stored once and never read back.

The window's own quote crosses storage once (one INSERT, one COMMIT) and arrives at the book
state with the change itself: from that commit until the report is drawn, nothing reads SQLite
(see docs/development.md, "A quote's path to the screen").
"""

from __future__ import annotations

import json
import os

from planner.storage import Repository

DRAW_TIMEOUT_MS = 30_000  # generous: a behaviour test, not a timing test


def write_atomically(path, payload) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(temporary, path)


def test_a_watched_quote_is_stored_once_and_drawn_without_reading_it_back(qtbot, window, tmp_path):
    session, graph = window.session, window.risk_graph
    qtbot.waitUntil(lambda: session.report is not None and not session.runner.busy, timeout=DRAW_TIMEOUT_MS)
    repo = next(value for value in vars(window.workspace).values() if isinstance(value, Repository))
    statements: list[str] = []
    drawn_at: list[int] = []
    session.report_ready.connect(lambda _report: drawn_at.append(len(statements)))
    repo.conn.set_trace_callback(statements.append)
    try:
        draws = graph.updates
        quotes = tmp_path / "quotes.json"
        write_atomically(quotes, {"spx": 5911.0, "vix": 17.1, "vvix": 92.0})
        window.watch_quote_file(quotes)
        qtbot.waitUntil(lambda: graph.updates > draws and session.report.spx == 5911.0, timeout=DRAW_TIMEOUT_MS)
    finally:
        repo.conn.set_trace_callback(None)
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO SNAPSHOTS")]
    assert len(inserts) == 1  # stored once
    committed = next(i for i in range(statements.index(inserts[0]), len(statements))
                     if statements[i].strip().upper() == "COMMIT")
    after_commit = statements[committed + 1:drawn_at[0]]
    assert [s for s in after_commit if s.lstrip().upper().startswith("SELECT")] == []
    assert window.workspace.latest_snapshot().spx == 5911.0
