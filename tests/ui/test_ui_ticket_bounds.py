"""Prices within their bounds in the window: a hard bound is shown inline with Save disabled; a
doubt of the stored quote needs Save (Enter) a second time; a partial close from the Close ticket;
a feed's bad tick is not stored and the window says why."""

from __future__ import annotations

import json
import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from planner.app import Workspace
from planner.app.requests import CloseRequest
from planner.feeds import SourceState

TIMEOUT_MS = 30_000  # generous: behaviour tests, not timing tests
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def stored_book(path):
    with Workspace.open(path) as ws:
        return ws.book()


def test_a_spread_debit_above_its_width_is_refused_inline(qtbot, person, window, demo_db):
    before = stored_book(demo_db)
    ticket = person.open_by_key(window, Qt.Key.Key_L, CTRL | SHIFT)
    ticket.kind.setCurrentIndex(1)  # VIX call spread
    person.type_into(ticket.strikes, "20,30")
    last = person.type_into(ticket.price, "12")
    assert not ticket.save_button.isEnabled()
    assert "at most the spread's width 10" in ticket.message.text()
    assert ticket.price.property("invalid") is True
    qtbot.keyClick(last, Qt.Key.Key_Return)
    assert ticket.isVisible() and stored_book(demo_db) == before


def test_a_close_above_the_widest_wing_is_refused_inline(qtbot, person, window, demo_db):
    condor = next(p for p in window.session.book.open_positions if p.tier is None)
    window.close_position(condor.id)
    ticket = window.active_ticket
    qtbot.waitUntil(lambda: QApplication.activeWindow() is ticket, timeout=5000)
    person.type_into(ticket.price, "65")
    assert not ticket.save_button.isEnabled() and "widest wing" in ticket.message.text()


def test_a_doubted_price_needs_a_second_enter(qtbot, person, window, demo_db):
    before = len(stored_book(demo_db).positions)
    ticket = person.open_by_key(window, Qt.Key.Key_L, CTRL | SHIFT)
    person.type_into(ticket.strikes, "22")
    person.type_into(ticket.qty, "2")
    last = person.type_into(ticket.price, "60")  # above any VX future of the demo's curve
    assert ticket.save_button.isEnabled(), ticket.message.text()
    qtbot.keyClick(last, Qt.Key.Key_Return)
    assert ticket.isVisible() and "above the discounted VX future" in ticket.message.text()
    assert "Press Save again" in ticket.message.text() and "anyway" in ticket.save_button.text()
    assert len(stored_book(demo_db).positions) == before
    qtbot.keyClick(last, Qt.Key.Key_Return)  # confirmed
    qtbot.waitUntil(lambda: not ticket.isVisible(), timeout=TIMEOUT_MS)
    assert stored_book(demo_db).positions[-1].open_price == 60


def test_an_edit_withdraws_the_confirmation(qtbot, person, window, demo_db):
    ticket = person.open_by_key(window, Qt.Key.Key_L, CTRL | SHIFT)
    person.type_into(ticket.strikes, "22")
    last = person.type_into(ticket.price, "60")
    qtbot.keyClick(last, Qt.Key.Key_Return)
    assert ticket.confirmed
    person.type_into(ticket.price, "61")
    assert not ticket.confirmed and ticket.save_button.text() == "&Save"


def test_partial_close_from_the_close_ticket(qtbot, person, window, demo_db):
    layer = next(p for p in window.session.book.open_positions if p.tier is not None and p.quantity >= 3)
    window.close_position(layer.id)
    ticket = window.active_ticket
    qtbot.waitUntil(lambda: QApplication.activeWindow() is ticket, timeout=5000)
    assert ticket.qty.value() == layer.quantity  # all, unless typed
    person.type_into(ticket.qty, "2")
    assert "Partial close: 2 of" in ticket.preview.text()
    last = person.type_into(ticket.fees, "1.50")
    qtbot.keyClick(last, Qt.Key.Key_Return)
    if ticket.isVisible() and ticket.confirmed:  # the demo's mark may be doubted against its quote
        qtbot.keyClick(last, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not ticket.isVisible(), timeout=TIMEOUT_MS)
    book = stored_book(demo_db)
    rest = book.get(layer.id)
    part = next(p for p in book.positions if p.split_from == layer.id)
    assert rest.is_open and rest.quantity == layer.quantity - 2
    assert part.quantity == 2 and part.status.value == "closed"
    assert abs(part.fees + rest.fees - layer.fees - 1.50) < 1e-9


def test_a_feed_tick_far_from_the_last_quote_is_not_stored(qtbot, person, window, tmp_path):
    stored = window.workspace.latest_snapshot()
    quotes = tmp_path / "quotes.json"
    temporary = tmp_path / "quotes.json.tmp"
    temporary.write_text(json.dumps({"spx": stored.spx * 10, "vix": stored.vix}), encoding="utf-8")
    os.replace(temporary, quotes)
    window.watch_quote_file(quotes)
    qtbot.waitUntil(lambda: window.file_source.state is SourceState.ERROR, timeout=TIMEOUT_MS)
    assert "more than 20 % from the last quote" in window.market_bar.detail.text()
    assert window.workspace.latest_snapshot() == stored


def test_history_shows_a_trim_as_one_partial_close(qtbot, person, window, demo_db):
    layer = next(p for p in window.session.book.open_positions if p.tier is not None and p.quantity >= 3)
    window.workspace.close_position(CloseRequest(position_id=layer.id, price=0.5, qty=1, force=True))
    part = next(p for p in window.workspace.book().positions if p.split_from == layer.id)
    tree, anywhere = window.tree, Qt.MatchFlag.MatchContains | Qt.MatchFlag.MatchRecursive
    qtbot.waitUntil(lambda: any(tree.findItems(f"#{part.id}", anywhere)), timeout=TIMEOUT_MS)
    (item,) = tree.findItems(f"#{part.id}", anywhere)
    assert "partial close" in item.text(0) and "Rolls" not in item.parent().text(0)
    assert f"of #{layer.id}" in item.toolTip(0)
    rolls = tree.findItems("Rolls", anywhere)
    assert all(f"#{part.id}" not in r.text(0) for r in rolls)


def test_a_quote_far_from_the_last_needs_a_second_enter(qtbot, person, window, demo_db):
    stored = window.workspace.latest_snapshot()
    ticket = person.open_by_key(window, Qt.Key.Key_M, CTRL)
    last = person.type_into(ticket.spx, f"{stored.spx * 10:.2f}")  # a slipped digit
    qtbot.keyClick(last, Qt.Key.Key_Return)
    assert ticket.isVisible() and "more than 20 % from the last quote" in ticket.message.text()
    assert window.workspace.latest_snapshot() == stored
    qtbot.keyClick(last, Qt.Key.Key_Return)  # the trader confirms: it was a real print
    qtbot.waitUntil(lambda: not ticket.isVisible(), timeout=TIMEOUT_MS)
    assert window.workspace.latest_snapshot().spx == round(stored.spx * 10, 2)
