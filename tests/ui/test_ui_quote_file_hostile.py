"""A hostile quote file in the window: the error is shown, the last good quote kept, nothing freezes."""

from __future__ import annotations

import json
import os

from planner.feeds import SourceState

DRAW_TIMEOUT_MS = 30_000  # generous: behaviour tests, not timing tests (importlib mode: no conftest imports)


def replace_file(path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def test_bad_types_are_errors_and_the_last_good_quote_stays(qtbot, window, tmp_path):
    quotes = tmp_path / "quotes.json"
    replace_file(quotes, json.dumps({"spx": 5880.0, "vix": 17.0}))
    window.watch_quote_file(quotes)
    qtbot.waitUntil(lambda: window.workspace.latest_snapshot().spx == 5880.0, timeout=DRAW_TIMEOUT_MS)
    stored = window.workspace.latest_snapshot()
    for text, shown in (('{"spx": true, "vix": 17}', "spx must be a number"),
                        ("[" * 50_000 + "]" * 50_000, "quote file"),
                        ('{"spx": 5880, "vix": 17, "asof": []}', "asof must be")):
        replace_file(quotes, text)
        qtbot.waitUntil(lambda shown=shown: window.file_source.state is SourceState.ERROR
                        and shown in window.market_bar.detail.text(), timeout=DRAW_TIMEOUT_MS)
        assert "keeping the last good quote (SPX 5,880.00)" in window.market_bar.detail.text()
        assert window.workspace.latest_snapshot() == stored
        replace_file(quotes, json.dumps({"spx": 5880.0, "vix": 17.0}))  # good again, the same levels
        qtbot.waitUntil(lambda: window.file_source.state is SourceState.LIVE, timeout=DRAW_TIMEOUT_MS)
        stored = window.workspace.latest_snapshot()
        assert (stored.spx, stored.vix) == (5880.0, 17.0)


def test_a_pipe_as_the_quote_file_never_freezes_the_window(qtbot, window, tmp_path):
    fifo = tmp_path / "quotes.json"
    os.mkfifo(fifo)
    window.watch_quote_file(fifo)  # returns: nothing opens the pipe
    assert window.file_source.state is SourceState.ERROR
    assert "must be a regular file" in window.market_bar.detail.text()
