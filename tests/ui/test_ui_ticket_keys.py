"""Every ticket as a person uses it: type into the fields, press Return in the last one to save;
Escape to cancel. The dialog must be the active window (as on a desktop), where focus and the
default button decide what Enter does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from planner.app import Workspace
from planner.ui.suggestion_board import SuggestionBoard
from planner.ui.suggestion_tickets import AcceptCloseTicket, AcceptLayerTicket, AcceptRollTicket
from planner.ui.suggestions_view import SuggestionsView

TIMEOUT_MS = 30_000  # generous: behaviour tests, not timing tests
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def stored_book(path):
    with Workspace.open(path) as ws:
        return ws.book()


def stored_quotes(path):
    with Workspace.open(path) as ws:
        return len(ws.snapshots())


def active(qtbot, ticket):
    """Wait until the ticket is the active window, as it is on screen after the shortcut."""
    qtbot.waitUntil(lambda: ticket.isVisible() and QApplication.activeWindow() is ticket, timeout=5000)
    return ticket


def focus_is_not_a_button(ticket):
    focus = QApplication.focusWidget()
    assert focus is not None and focus.window() is ticket
    assert focus not in ticket.buttons.buttons(), f"focus on the {focus.text()!r} button"
    defaults = [b.text() for b in ticket.buttons.buttons() if b.isDefault()]
    assert defaults == ["&Save"], defaults


def test_condor_return_in_the_last_field_saves(qtbot, person, window, demo_db):
    before = len(stored_book(demo_db).positions)
    ticket = person.open_by_key(window, Qt.Key.Key_C, CTRL | SHIFT)
    focus_is_not_a_button(ticket)
    assert QApplication.focusWidget() is ticket.strikes  # typing starts where a trader starts
    person.type_into(ticket.strikes, "5450,5500,6350,6400")
    person.type_into(ticket.credit, "9.5")
    person.type_into(ticket.qty, "2")
    last = person.type_into(ticket.note, "typed by hand")
    focus_is_not_a_button(ticket)
    qtbot.keyClick(last, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not ticket.isVisible(), timeout=TIMEOUT_MS)
    book = stored_book(demo_db)
    assert len(book.positions) == before + 1
    assert book.positions[-1].note == "typed by hand" and book.positions[-1].quantity == 2


def test_layer_return_in_the_last_field_saves(qtbot, person, fixed_day_window, fixed_day_db):
    # On a fixed day: the 1.25 typed is within the model's doubt band only while the default expiry is far enough.
    window, demo_db = fixed_day_window, fixed_day_db
    before = len(stored_book(demo_db).positions)
    ticket = person.open_by_key(window, Qt.Key.Key_L, CTRL | SHIFT)
    focus_is_not_a_button(ticket)
    assert ticket.qty.value() != 10  # the old fixed default
    person.type_into(ticket.strikes, "24")
    person.type_into(ticket.qty, "3")
    last = person.type_into(ticket.price, "1.25")
    qtbot.keyClick(last, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not ticket.isVisible(), timeout=TIMEOUT_MS)
    book = stored_book(demo_db)
    assert len(book.positions) == before + 1
    assert (book.positions[-1].quantity, book.positions[-1].open_price) == (3, 1.25)


def test_market_return_in_the_last_field_saves(qtbot, person, window, demo_db):
    before = stored_quotes(demo_db)
    ticket = person.open_by_key(window, Qt.Key.Key_M, CTRL)
    focus_is_not_a_button(ticket)
    person.type_into(ticket.spx, "5810")
    last = person.type_into(ticket.vix, "17.2")
    qtbot.keyClick(last, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not ticket.isVisible(), timeout=TIMEOUT_MS)
    assert stored_quotes(demo_db) == before + 1


def test_first_market_quote_of_an_empty_book_saves_on_return(qtbot, person, window_state, tmp_path):
    from planner.ui.main_window import MainWindow

    path = tmp_path / "empty.db"
    workspace = Workspace.open(path)
    win = MainWindow(state=window_state)
    qtbot.addWidget(win)
    win.open_workspace(workspace)
    win.show()
    qtbot.waitUntil(lambda: win.session is not None, timeout=TIMEOUT_MS)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5000)
    try:
        ticket = person.open_by_key(win, Qt.Key.Key_M, CTRL)
        assert not ticket.save_button.isEnabled()  # SPX and VIX are still empty
        focus_is_not_a_button(ticket)
        person.type_into(ticket.spx, "5800")
        last = person.type_into(ticket.vix, "16.5")
        qtbot.keyClick(last, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not ticket.isVisible(), timeout=TIMEOUT_MS)
        assert stored_quotes(path) == 1
    finally:
        win.shutdown()
        workspace.close()


def test_close_return_saves(qtbot, person, window, demo_db):
    condor = next(p for p in window.session.book.open_positions if p.tier is None)
    window.close_position(condor.id)
    ticket = active(qtbot, window.active_ticket)
    focus_is_not_a_button(ticket)
    last = person.type_into(ticket.fees, "4.2")
    qtbot.keyClick(last, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not ticket.isVisible(), timeout=TIMEOUT_MS)
    assert stored_book(demo_db).get(condor.id).status.value == "closed"


def test_roll_return_saves(qtbot, person, window, demo_db):
    layer = next(p for p in window.session.book.open_positions if p.tier is not None and p.legs[0].strike)
    window.roll_layer(layer.id)
    ticket = active(qtbot, window.active_ticket)
    focus_is_not_a_button(ticket)
    last = person.type_into(ticket.fees, "3")
    qtbot.keyClick(last, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not ticket.isVisible(), timeout=TIMEOUT_MS)
    assert stored_book(demo_db).get(layer.id).status.value == "rolled"


@pytest.mark.parametrize("key,modifiers", [(Qt.Key.Key_C, CTRL | SHIFT), (Qt.Key.Key_L, CTRL | SHIFT),
                                           (Qt.Key.Key_M, CTRL), (Qt.Key.Key_X, CTRL | SHIFT),
                                           (Qt.Key.Key_R, CTRL | SHIFT)])
def test_escape_cancels_and_writes_nothing(qtbot, person, window, demo_db, key, modifiers):
    before, quotes = stored_book(demo_db), stored_quotes(demo_db)
    ticket = person.open_by_key(window, key, modifiers)
    price = next(ticket.fields[name] for name in ("price", "credit", "spx") if name in ticket.fields)
    person.type_into(price, "1.5")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not ticket.isVisible(), timeout=5000)
    assert stored_book(demo_db) == before and stored_quotes(demo_db) == quotes


def test_return_on_a_wrong_ticket_keeps_it_open_with_the_reason(qtbot, person, window, demo_db):
    before = stored_book(demo_db)
    ticket = person.open_by_key(window, Qt.Key.Key_C, CTRL | SHIFT)
    person.type_into(ticket.strikes, "5450,5500,6350,6400")
    last = person.type_into(ticket.credit, "0")
    qtbot.keyClick(last, Qt.Key.Key_Return)
    assert ticket.isVisible() and "credit" in ticket.message.text()
    assert stored_book(demo_db) == before


def test_trade_time_is_kept_and_a_future_time_refused(qtbot, person, window, demo_db):
    ticket = person.open_by_key(window, Qt.Key.Key_C, CTRL | SHIFT)
    person.type_into(ticket.strikes, "5450,5500,6350,6400")
    person.type_into(ticket.credit, "9.5")
    later = ticket.trade_moment() + timedelta(days=2)
    person.type_into(ticket.trade_time, f"{later:%Y-%m-%d %H:%M}")
    assert not ticket.save_button.isEnabled() and "future" in ticket.message.text()
    last = person.type_into(ticket.trade_time, "2025-06-02 10:31")
    assert ticket.save_button.isEnabled(), ticket.message.text()
    qtbot.keyClick(last, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not ticket.isVisible(), timeout=TIMEOUT_MS)
    opened = stored_book(demo_db).positions[-1].opened_at
    assert opened.isoformat() == "2025-06-02T14:31:00+00:00"  # 10:31 EDT


@pytest.fixture
def suggestions_panel(qtbot, spiked_demo_db):
    ws = Workspace.open(spiked_demo_db)
    board = SuggestionBoard(ws)
    view = SuggestionsView(board)
    qtbot.addWidget(view)
    view.show()
    board.refresh()
    qtbot.waitUntil(lambda: board.computed > 0 and not board.runner.busy, timeout=TIMEOUT_MS)
    yield view
    board.shutdown()
    ws.close()


def test_accepted_suggestion_ticket_saves_on_return(qtbot, person, suggestions_panel, spiked_demo_db):
    panel = suggestions_panel
    add = next(s for s in panel.suggestions if s.proposal is not None)
    panel.select(add.id)
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    ticket = active(qtbot, panel.active_ticket)
    assert isinstance(ticket, AcceptLayerTicket | AcceptRollTicket | AcceptCloseTicket)
    focus_is_not_a_button(ticket)
    last = person.type_into(ticket.fees, "2")
    qtbot.keyClick(last, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not ticket.isVisible(), timeout=TIMEOUT_MS)
    with Workspace.open(spiked_demo_db) as ws:
        assert ws.decisions(add.id)


def test_dialog_buttons_are_never_auto_default(qtbot, person, window):
    ticket = person.open_by_key(window, Qt.Key.Key_C, CTRL | SHIFT)
    box = ticket.findChild(QDialogButtonBox)
    assert all(not b.autoDefault() for b in box.buttons())
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)


def test_a_close_before_the_open_is_refused_inline(qtbot, person, window, demo_db):
    before = stored_book(demo_db)
    condor = next(p for p in window.session.book.open_positions if p.tier is None)
    window.close_position(condor.id)
    ticket = active(qtbot, window.active_ticket)
    last = person.type_into(ticket.trade_time, "2020-01-02 10:00")
    assert not ticket.save_button.isEnabled() and "before the position was opened" in ticket.message.text()
    qtbot.keyClick(last, Qt.Key.Key_Return)
    assert ticket.isVisible() and stored_book(demo_db) == before
