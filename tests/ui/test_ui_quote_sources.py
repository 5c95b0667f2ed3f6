"""Live quotes: a watched file rewritten atomically, a bad file, and a replay."""

from __future__ import annotations

import json
import os

import numpy as np

from planner.feeds import SourceState

DRAW_TIMEOUT_MS = 30_000  # generous: behaviour tests, not timing tests (importlib mode: no conftest imports)


def write_atomically(path, payload: dict) -> None:
    """As a quote program would: a temporary file in the same folder, then a rename over the old one."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(temporary, path)


def test_rewritten_quote_file_redraws_the_risk_graph(qtbot, window, tmp_path):
    quotes = tmp_path / "feed" / "quotes.json"
    quotes.parent.mkdir()
    write_atomically(quotes, {"spx": 5905.0, "vix": 16.2, "vvix": 91.0})
    window.watch_quote_file(quotes)
    qtbot.waitUntil(lambda: window.session.report is not None and window.session.report.spx == 5905.0,
                    timeout=DRAW_TIMEOUT_MS)
    assert window.file_source.state is SourceState.LIVE
    spx_grid = window.session.report.curves.spx
    today = window.risk_graph.drawn_values("today", spx_grid)

    write_atomically(quotes, {"spx": 5790.0, "vix": 21.5, "vvix": 104.0})
    qtbot.waitUntil(lambda: window.risk_graph.spot.value() == 5790.0, timeout=DRAW_TIMEOUT_MS)
    assert not np.allclose(window.session.report.curves.spx, spx_grid)  # the grid follows SPX
    assert not np.allclose(window.risk_graph.drawn_values("today", spx_grid), today)
    assert window.workspace.latest_snapshot().spx == 5790.0
    assert "live" in window.market_bar.source_state.text()
    assert "VIX 21.50 pts" in window.market_bar.vix.text()


def test_bad_quote_file_shows_the_error_and_keeps_the_last_good_quote(qtbot, window, tmp_path):
    quotes = tmp_path / "quotes.csv"
    quotes.write_text("symbol,value\nSPX,5880\nVIX,17\n", encoding="utf-8")
    window.watch_quote_file(quotes)
    qtbot.waitUntil(lambda: window.workspace.latest_snapshot().spx == 5880.0, timeout=DRAW_TIMEOUT_MS)
    stored = window.workspace.latest_snapshot()

    temporary = tmp_path / "quotes.csv.tmp"
    temporary.write_text("symbol,value\nSPX,-3\nVIX,17\n", encoding="utf-8")
    os.replace(temporary, quotes)
    qtbot.waitUntil(lambda: window.file_source.state is SourceState.ERROR, timeout=DRAW_TIMEOUT_MS)
    assert "spx must be greater than 0" in window.market_bar.detail.text()
    assert "keeping the last good quote (SPX 5,880.00)" in window.market_bar.detail.text()
    assert window.market_bar.source_state.text() == "error"
    assert window.workspace.latest_snapshot() == stored

    # An unlisted future parses but the store refuses it: also an error, also nothing stored.
    temporary.write_text("symbol,value\nSPX,5870\nVIX,17\nVX 2026-12-18,17.5\n", encoding="utf-8")
    os.replace(temporary, quotes)
    qtbot.waitUntil(lambda: "listed" in window.market_bar.detail.text(), timeout=DRAW_TIMEOUT_MS)
    assert window.workspace.latest_snapshot() == stored


def test_replay_plays_history_as_what_if_without_storing(qtbot, window):
    stored = window.workspace.latest_snapshot()
    window.set_replay_speed(20.0)
    window.start_replay()
    qtbot.waitUntil(lambda: window.replay_source.replay is not None and window.replay_source.replay.index >= 3,
                    timeout=DRAW_TIMEOUT_MS)
    first_day = window.replay_source.replay.days[0]
    qtbot.waitUntil(lambda: window.session.report is not None and window.session.report.spx != stored.spx,
                    timeout=DRAW_TIMEOUT_MS)
    assert window.market_bar.source.text() == "Source: replay"
    assert "replay" in window.market_bar.updated.toolTip()
    window.toggle_replay()
    assert window.replay_source.state is SourceState.PAUSED
    window.stop_sources()
    qtbot.waitUntil(lambda: window.session.report.spx == stored.spx, timeout=DRAW_TIMEOUT_MS)
    assert window.workspace.latest_snapshot() == stored  # replayed days are never stored
    assert first_day.spx > 0
