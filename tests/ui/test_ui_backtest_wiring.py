"""The Backtest tab lives in the window and follows the open book."""

from __future__ import annotations

DRAW_TIMEOUT_MS = 30_000  # generous: a behaviour test, not a timing test


def test_backtest_tab_is_built_on_first_show_with_the_open_book(qtbot, window):
    assert window.backtest is None  # nothing loaded before it is wanted
    window.show_tab("backtest")
    qtbot.waitUntil(lambda: window.backtest is not None, timeout=DRAW_TIMEOUT_MS)
    assert window.backtest.workspace is window.workspace
    assert window.current_tab_name() == "backtest"
