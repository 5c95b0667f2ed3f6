"""File > Import history… and the Settlement value ticket, driven by keys as a person would."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from planner.app import Workspace
from planner.app.requests import CondorRequest, LayerRequest, QuoteRequest
from planner.domain import Status

FILES = Path(__file__).parents[1] / "app" / "history_files"
NOW = datetime(2026, 12, 18, 22, 0, tzinfo=UTC)


def stored_value(ws, day, symbol):
    """The official value stored for ``day`` and ``symbol`` (SET or VRO), or None."""
    return next((v for v in ws.settlement_values() if (v.day, v.symbol) == (day, symbol)), None)


@pytest.fixture
def ws():
    with Workspace.open(":memory:", clock=lambda: NOW) as workspace:
        workspace.set_market(QuoteRequest(spx=6600, vix=18, futures=["2026-12-16=19.5"], asof="2026-11-20T16:00"))
        yield workspace


@pytest.fixture
def dialog(shown, ws):
    from planner.ui.history_import_dialog import HistoryImportDialog

    ws.set_settlement_value("2026-12-16", "VRO", "22.70")  # typed: the file's 22.75 conflicts with it
    view = HistoryImportDialog(ws, paths=(str(FILES / "VIX_History.csv"), str(FILES / "settlement_values.csv"),
                                          str(FILES / "CFE_K07_VX.csv"), str(FILES / "^GSPC.csv")))
    return shown(view)


def cells(table, row: int) -> list[str]:
    return [table.item(row, column).text() for column in range(table.columnCount())]


def test_preview_lists_series_rows_duplicates_and_conflicts(dialog):
    rows = [cells(dialog.series, row) for row in range(dialog.series.rowCount())]
    assert rows[0] == ["VIX_History.csv", "VIX", "1990-01-02", "2026-12-16", "3", "3", "0", "0", "0", "0"]
    assert ["settlement_values.csv", "VRO (settlement value)", "2026-12-16", "2026-12-16", "1", "0", "0", "0", "1",
            "0"] in rows
    assert ["CFE_K07_VX.csv", "VX 2007-05-16", "2007-03-22", "2007-05-15", "3", "3", "0", "0", "0", "0"] in rows
    assert ["^GSPC.csv", "skipped rows (no trade, no data)", "", "", "0", "0", "0", "0", "0", "1"] in rows
    assert cells(dialog.conflicts, 0)[1:] == ["VRO", "2026-12-16", "22.7 (typed)", "22.75",
                                              "settlement_values.csv line 2"]
    assert "1 stored values differ" in dialog.message.text() and dialog.import_button.isEnabled()


def test_import_keeps_an_unticked_conflict_and_is_one_undo_step(qtbot, dialog, ws):
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert stored_value(ws, date(2026, 12, 16), "VRO").value == 22.70
    assert stored_value(ws, date(2026, 12, 18), "SET").value == 6430
    ws.undo()
    assert stored_value(ws, date(2026, 12, 18), "SET") is None
    assert ws.vx_settlement_curves() == {}


def test_a_ticked_conflict_is_replaced(qtbot, dialog, ws):
    dialog.conflicts.setFocus()
    dialog.conflicts.setCurrentCell(0, 0)
    qtbot.keyClick(dialog.conflicts, Qt.Key.Key_Space)
    assert dialog.replace_keys() == [("settlement_values", "2026-12-16", "VRO")]
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert stored_value(ws, date(2026, 12, 16), "VRO").value == 22.75


def test_a_malformed_file_is_named_and_nothing_can_be_imported(qtbot, dialog, tmp_path):
    bad = tmp_path / "VIX_History.csv"
    bad.write_text("DATE,OPEN,HIGH,LOW,CLOSE\n12/16/2026,22.4,23.1,20.9,\n", encoding="utf-8")
    dialog.add_paths([str(bad)])
    assert dialog.message.text().startswith("Nothing can be imported: VIX_History.csv line 2, column 5 (CLOSE) "
                                            "must be a number, got ")
    assert not dialog.import_button.isEnabled() and dialog.series.rowCount() == 0
    dialog.files.setFocus()
    dialog.files.setCurrentRow(dialog.files.count() - 1)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.import_button.isEnabled()


def test_a_symbol_typed_for_an_unnamed_file(qtbot, ws):
    from planner.ui.history_import_dialog import HistoryImportDialog

    view = HistoryImportDialog(ws, paths=(str(FILES / "S&P 500 Historical Data.csv"),))
    qtbot.addWidget(view)
    view.show()
    assert "symbol must be given" in view.message.text()
    qtbot.keyClicks(view.symbol, "spx")
    qtbot.keyClick(view.symbol, Qt.Key.Key_Return)  # editing finished: the preview is read again
    assert cells(view.series, 0)[:5] == ["S&P 500 Historical Data.csv", "SPX", "2024-01-02", "2024-01-03", "2"]


def test_the_dialog_renders(dialog, tmp_path):
    path = tmp_path / "import_history.png"
    assert dialog.grab().save(str(path))
    assert path.stat().st_size > 10_000  # a drawn dialog, not an empty image


def test_settlement_ticket_typed_value_resettles_the_condors(qtbot, ws):
    from planner.ui.tickets.context import TicketContext
    from planner.ui.tickets.settlement import SettlementTicket

    condors = ws.add_condor(CondorRequest(
        expiry="2026-12-18", strikes="6400,6450,6900,6950", qty=2, credit="10", fees="10.40", settlement="AM",
        opened="2026-11-20T15:00"))
    ws.import_history(FILES / "SPX_History.csv")  # the close: an estimate for an AM condor
    assert ws.position(condors.id).settled_estimated
    ticket = SettlementTicket(TicketContext(ws, ws.book(), ws.latest_snapshot(), ws.settings(), None, NOW))
    qtbot.addWidget(ticket)
    ticket.show()
    ticket.day.selectAll()
    qtbot.keyClicks(ticket.day, "2026-12-18")
    assert ticket.symbol.currentData() == "SET"
    ticket.value.setFocus()
    ticket.value.selectAll()
    qtbot.keyClicks(ticket.value, "6430")
    assert "Settles positions" not in ticket.preview.text() and f"Settles position {condors.id}" in \
        ticket.preview.text()
    qtbot.keyClick(ticket.value, Qt.Key.Key_Return)
    settled = ws.position(condors.id)
    assert (settled.status, settled.close_price, settled.settled_estimated) == (Status.EXPIRED, 20.0, False)


def test_a_replayed_day_prices_on_its_stored_vx_curve(ws):
    from planner.app.risk_run import RiskRequest, WhatIf, run_risk
    from planner.feeds import replay_days

    ws.add_layer(LayerRequest(
        tier="near", kind="vix-future", expiry="2027-01-20", qty=1, price="19", opened="2026-11-20T15:00"))
    rows = [(date(2026, 11, 19), "SPX", 6580.0), (date(2026, 11, 19), "VIX", 17.5)]
    day = replay_days(rows, curves={date(2026, 11, 19): {date(2027, 1, 20): 19.85}})[0]
    request = RiskRequest(ws.book(), ws.latest_snapshot(), None, ws.settings(), NOW - (NOW - datetime(
        2026, 11, 20, 21, 0, tzinfo=UTC)), WhatIf(replay=day.quote()))
    result = run_risk(request)
    assert result.shown.future_price(date(2027, 1, 20)) == 19.85
    assert result.report.positions[0].mark == pytest.approx(19.85)


def test_file_menu_import_history_by_keyboard(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from planner.ui.history_import_dialog import HistoryImportDialog

    file_menu = window.menuBar().actions()[0].menu()
    assert "Import &history…" in [action.text() for action in file_menu.actions()]
    picked = [str(FILES / "VX_2024-01-17.csv")]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args, **kwargs: (picked, ""))
    qtbot.waitUntil(lambda: window.session is not None, timeout=30_000)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.findChild(HistoryImportDialog)
    assert dialog is not None and dialog.paths() == picked
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert window.workspace.vx_settlement_curves() == {date(2023, 12, 18): {date(2024, 1, 17): 14.125},
                                                             date(2023, 12, 19): {date(2024, 1, 17): 13.875}}
    assert window.statusBar().currentMessage() == "Imported 2 rows of VX 2024-01-17"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.workspace.vx_settlement_curves() == {}


def test_two_files_disagreeing_are_a_conflict_to_choose(qtbot, shown, ws, tmp_path):
    from planner.ui.history_import_dialog import HistoryImportDialog

    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("date,symbol,value\n2026-12-18,SET,6430\n", encoding="utf-8")
    second.write_text("date,symbol,value\n2026-12-18,SET,6431.5\n", encoding="utf-8")
    view = shown(HistoryImportDialog(ws, paths=(str(first), str(second))))
    assert view.import_button.isEnabled()
    assert cells(view.conflicts, 0)[1:] == ["SET", "2026-12-18", "6430 (a.csv line 2)", "6431.5", "b.csv line 2"]
    assert "1 values differ between the files: unticked ones keep the first file's." in view.message.text()
    view.conflicts.setFocus()
    view.conflicts.setCurrentCell(0, 0)
    qtbot.keyClick(view.conflicts, Qt.Key.Key_Space)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert not view.isVisible()
    assert stored_value(ws, date(2026, 12, 18), "SET").value == 6431.5
