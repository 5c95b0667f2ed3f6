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


def planner_frames(stack) -> list[tuple[str, str]]:
    """(layer, module.function) of each planner frame, outermost first."""
    frames = []
    for frame in stack:
        parts = frame.filename.replace("\\", "/").split("/planner/")
        if len(parts) > 1 and parts[-1].endswith(".py"):
            module = parts[-1][:-3].replace("/", ".")
            frames.append((module.split(".")[0], f"{module}.{frame.name}"))
    return frames


def layers(frames) -> list[str]:
    crossed: list[str] = []
    for layer, _call in frames:
        if not crossed or crossed[-1] != layer:
            crossed.append(layer)
    return crossed


def test_a_quote_crosses_each_layer_once_on_its_way_to_the_graph(qtbot, window, tmp_path, monkeypatch):
    """The GUI thread's stack from the file source's read to the risk run's submission, and from the
    run's result to the graph's update: window -> use case -> window each way, a short chain."""
    import traceback

    from planner.ui.risk_graph import RiskGraph
    from planner.ui.runner import Runner

    session = window.session
    qtbot.waitUntil(lambda: session.report is not None and not session.runner.busy, timeout=DRAW_TIMEOUT_MS)
    seen: dict[str, list] = {}
    submit, update = Runner.submit, RiskGraph.update_report

    def watched_submit(runner, job):
        if job.kind == "risk" and "in" not in seen:
            seen["in"] = planner_frames(traceback.extract_stack()[:-1])
        return submit(runner, job)

    def watched_update(view, report):
        if "in" in seen and "out" not in seen:
            seen["out"] = planner_frames(traceback.extract_stack()[:-1])
        return update(view, report)

    monkeypatch.setattr(Runner, "submit", watched_submit)
    monkeypatch.setattr(RiskGraph, "update_report", watched_update)
    quotes = tmp_path / "quotes.json"
    write_atomically(quotes, {"spx": 5912.0, "vix": 16.4})
    window.watch_quote_file(quotes)
    qtbot.waitUntil(lambda: "out" in seen, timeout=DRAW_TIMEOUT_MS)
    calls = [call for _layer, call in seen["in"]]
    inward = seen["in"][calls.index("ui.quote_sources.read_now"):]  # from the feed's callback on
    assert layers(inward) == ["ui", "app", "ui"]  # stored and taken in by the book state, no storage on the stack
    assert layers(seen["out"]) == ["ui", "app", "ui"]  # the result through the book state to the views
    assert len(inward) + 1 + len(seen["out"]) + 1 <= 21  # + Runner.submit and RiskGraph.update_report
