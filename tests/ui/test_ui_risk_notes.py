"""The window prices a future today's quote lacks on the stored VX curve, as ``planner risk`` does, and says so."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from planner.app import Workspace
from planner.app.requests import LayerRequest, QuoteRequest

NOW = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)  # Monday 14:00 ET
STORED = ("VX 2027-01-20 is not in the quote: estimated from stored history, its Cboe settlement of 2026-11-20 "
          "(19.85).")


@pytest.fixture
def window(tmp_path, window_on):
    path = tmp_path / "book.db"
    with Workspace.open(path, clock=lambda: NOW) as ws:
        ws.set_market(QuoteRequest(spx=6600, vix=17, futures=["2026-12-16=18.1"], asof="2026-11-23T10:00"))
        ws.add_layer(LayerRequest(
            tier="mid", kind="vix-future", expiry="2027-01-20", qty=1, price="19.5", opened="2026-11-23T10:00"))
    return window_on(path, lambda: NOW)


def test_importing_vx_history_prices_the_missing_future_on_it_and_the_notes_say_so(qtbot, window, tmp_path,
                                                                                  monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from planner.ui.history_import_dialog import HistoryImportDialog

    notes = window.risk_notes
    assert notes.text() == "Note: Some VIX futures are not in the snapshot's curve: estimated from the term structure."
    model_mark = window.session.report.positions[0].mark
    assert model_mark != pytest.approx(19.85)
    vx = tmp_path / "VX_2027-01-20.csv"
    vx.write_text("Trade Date,Futures,Open,High,Low,Close,Settle,Change,Total Volume,EFP,Open Interest\n"
                  "2026-11-19,F (Jan 2027),0,0,0,0,19.70,0,0,0,0\n2026-11-20,F (Jan 2027),0,0,0,0,19.85,0,0,0,0\n",
                  encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args, **kwargs: ([str(vx)], ""))
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.findChild(HistoryImportDialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: notes.toolTip() == STORED, timeout=30_000)
    assert notes.text() == "Note: " + STORED
    # The same figures as ``planner risk --json`` on the same book (tests/cli/test_cli_daily_data.py).
    layer = window.session.report.positions[0]
    assert layer.mark == pytest.approx(19.85)
    assert layer.pnl_usd == pytest.approx((19.85 - 19.5) * 1000)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the import: the model again
    qtbot.waitUntil(lambda: "term structure" in notes.toolTip(), timeout=30_000)
    assert window.session.report.positions[0].mark == pytest.approx(model_mark)
