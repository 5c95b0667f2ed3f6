"""A new book in the window: it asks for the account, says when equity was never set, and shows a
getting-started panel instead of empty charts until there is a quote and a position."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from planner.app import Workspace
from planner.app.requests import QuoteRequest

TIMEOUT_MS = 30_000  # generous: behaviour tests, not timing tests
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def empty_window(qtbot, tmp_path, window_state):
    from planner.ui.main_window import MainWindow

    workspace = Workspace.open(tmp_path / "new.db")
    win = MainWindow(state=window_state)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.open_workspace(workspace)
    win.show()
    qtbot.waitUntil(lambda: win.session is not None and win.session.book is not None, timeout=TIMEOUT_MS)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5000)
    yield win
    win.shutdown()
    workspace.close()


def test_a_new_book_asks_for_equity_and_risk_cap(qtbot, person, empty_window):
    win = empty_window
    assert win.equity_label.text() == "Equity not set ($100,000 assumed)"

    def start_empty():  # as soon as the question is on screen (under load it may take a while)
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, start_empty)
            return
        qtbot.mouseClick(next(b for b in box.buttons() if "empty" in b.text()), Qt.MouseButton.LeftButton)

    QTimer.singleShot(50, start_empty)
    win.offer_first_run()
    ticket = win.active_ticket
    qtbot.waitUntil(lambda: ticket.isVisible() and QApplication.activeWindow() is ticket, timeout=5000)
    assert QApplication.focusWidget() is ticket.equity
    person.type_into(ticket.equity, "250000")
    last = person.type_into(ticket.risk_cap, "2")
    qtbot.keyClick(last, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not ticket.isVisible(), timeout=TIMEOUT_MS)
    assert win.workspace.account_set()
    settings = win.workspace.settings()
    assert (settings.equity, settings.risk_cap_pct) == (250_000, 2)
    qtbot.waitUntil(lambda: win.equity_label.text() == "Equity $250,000", timeout=TIMEOUT_MS)


def test_an_empty_book_shows_the_way_in_instead_of_empty_charts(qtbot, person, empty_window):
    win = empty_window
    panel = win.getting_started
    qtbot.waitUntil(panel.isVisible, timeout=TIMEOUT_MS)
    assert not win.charts.isVisible() and "This book is empty" in panel.text.text()
    qtbot.mouseClick(panel.buttons["quote"], Qt.MouseButton.LeftButton)
    ticket = win.active_ticket
    qtbot.waitUntil(lambda: ticket.isVisible() and QApplication.activeWindow() is ticket, timeout=5000)
    person.type_into(ticket.spx, "5900")
    qtbot.keyClick(person.type_into(ticket.vix, "16"), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "No open position yet" in panel.text.text(), timeout=TIMEOUT_MS)
    assert panel.isVisible() and not win.charts.isVisible()
    qtbot.mouseClick(panel.buttons["demo"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.isVisible() and win.charts.isVisible(), timeout=TIMEOUT_MS)
    assert win.workspace.book().open_positions


def test_without_equity_the_condor_ticket_and_suggestions_say_so(qtbot, person, empty_window):
    win = empty_window
    win.workspace.set_market(QuoteRequest(spx=5900, vix=24, futures=[]))
    qtbot.waitUntil(lambda: win.session.snapshot is not None, timeout=TIMEOUT_MS)
    ticket = person.open_by_key(win, Qt.Key.Key_C, CTRL | Qt.KeyboardModifier.ShiftModifier)
    person.type_into(ticket.strikes, "5450,5500,6350,6400")
    person.type_into(ticket.credit, "9.5")
    assert "of equity $100,000 (not set: assumed)" in ticket.preview.text()
    qtbot.keyClick(ticket.credit, Qt.Key.Key_Escape)
    win.show_tab("suggestions")
    qtbot.waitUntil(lambda: win.planning.view("suggestions") is not None, timeout=TIMEOUT_MS)
    view = win.planning.view("suggestions")
    qtbot.waitUntil(lambda: "computed" in view.header.text(), timeout=TIMEOUT_MS)
    assert "account equity never set" in view.header.text()
