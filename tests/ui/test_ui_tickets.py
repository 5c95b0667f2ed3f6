"""Trade tickets driven with the keyboard and mouse, checked in the table, the graph and the database."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from planner.app import Workspace
from planner.domain import PositionKind

DRAW_TIMEOUT_MS = 30_000  # generous: behaviour tests, not timing tests (importlib mode: no conftest imports)



def stored_book(path):
    """The book as another connection sees it: what is really in the database."""
    with Workspace.open(path) as ws:
        return ws.book()


def open_ticket(qtbot, window, key, modifiers):
    qtbot.keyClick(window, key, modifiers)
    qtbot.waitUntil(lambda: window.active_ticket is not None and window.active_ticket.isVisible(), timeout=5000)
    return window.active_ticket


def replace_text(qtbot, widget, text):
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


def condor_ticket(qtbot, window):
    shortcut = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    return open_ticket(qtbot, window, Qt.Key.Key_C, shortcut)


def test_condor_through_the_ticket_reaches_table_graph_and_database(qtbot, window, demo_db):
    rows_before = window.positions.model.rowCount()
    grid = window.session.report.curves.spx
    today_before = window.risk_graph.drawn_values("today", grid)
    ticket = condor_ticket(qtbot, window)
    replace_text(qtbot, ticket.strikes, "5450,5500,6350,6400")
    replace_text(qtbot, ticket.credit, "9.5")
    replace_text(qtbot, ticket.qty, "3")
    assert ticket.save_button.isEnabled(), ticket.message.text()
    assert "Break-evens at expiry" in ticket.preview.text()
    assert "5,490.50" in ticket.preview.text() and "6,359.50" in ticket.preview.text()
    qtbot.mouseClick(ticket.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: window.positions.model.rowCount() == rows_before + 1, timeout=DRAW_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not np.allclose(window.risk_graph.drawn_values("today", grid), today_before),
                    timeout=DRAW_TIMEOUT_MS)
    described = [window.positions.model.index(r, 1).data() for r in range(window.positions.model.rowCount())]
    assert "Condor 5,450/5,500/6,350/6,400 PM" in described
    condors = [p for p in stored_book(demo_db).open_positions if p.kind is PositionKind.CONDOR]
    added = [p for p in condors if sorted(leg.strike for leg in p.legs) == [5450, 5500, 6350, 6400]]
    assert len(added) == 1 and added[0].quantity == 3 and added[0].open_price == 9.5


def test_bad_strike_is_marked_save_disabled_and_nothing_written(qtbot, window, demo_db):
    before = stored_book(demo_db)
    ticket = condor_ticket(qtbot, window)
    replace_text(qtbot, ticket.credit, "9.5")
    replace_text(qtbot, ticket.strikes, "5500,5450,6350,6400")
    assert "K1 < K2 < K3 < K4" in ticket.message.text()
    assert ticket.strikes.property("invalid") is True
    assert "K1 < K2 < K3 < K4" in ticket.strikes.toolTip()
    assert not ticket.save_button.isEnabled()
    qtbot.keyClick(ticket.strikes, Qt.Key.Key_Return)  # Enter must not save either
    assert ticket.isVisible()
    assert stored_book(demo_db) == before
    replace_text(qtbot, ticket.strikes, "5450,5500,6350,6400")  # fixed: the mark goes
    assert ticket.strikes.property("invalid") is False and ticket.save_button.isEnabled()
    replace_text(qtbot, ticket.credit, "60")  # credit at or above the widest wing is a sure loss
    assert "widest wing" in ticket.message.text() and not ticket.save_button.isEnabled()
    qtbot.keyClick(ticket, Qt.Key.Key_Escape)
    assert stored_book(demo_db) == before


def test_undo_restores_the_previous_book(qtbot, window, demo_db):
    before = stored_book(demo_db)
    rows_before = window.positions.model.rowCount()
    ticket = condor_ticket(qtbot, window)
    replace_text(qtbot, ticket.strikes, "5450,5500,6350,6400")
    replace_text(qtbot, ticket.credit, "9.5")
    qtbot.keyClick(ticket.strikes, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.positions.model.rowCount() == rows_before + 1, timeout=DRAW_TIMEOUT_MS)
    assert stored_book(demo_db) != before

    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.positions.model.rowCount() == rows_before, timeout=DRAW_TIMEOUT_MS)
    assert stored_book(demo_db) == before
    assert "Undone" in window.statusBar().currentMessage()
    shortcut = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_Z, shortcut)  # redo brings it back
    qtbot.waitUntil(lambda: window.positions.model.rowCount() == rows_before + 1, timeout=DRAW_TIMEOUT_MS)


def test_layer_ticket_shows_protection_and_coverage_and_saves(qtbot, window, demo_db):
    shortcut = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    ticket = open_ticket(qtbot, window, Qt.Key.Key_L, shortcut)
    ticket.tier.setCurrentIndex(1)  # mid
    replace_text(qtbot, ticket.strikes, "22")
    replace_text(qtbot, ticket.price, "1.1")
    replace_text(qtbot, ticket.qty, "15")
    assert ticket.save_button.isEnabled(), ticket.message.text()
    qtbot.waitUntil(lambda: "Protection added" in ticket.preview.text(), timeout=DRAW_TIMEOUT_MS)
    assert "coverage" in ticket.preview.text() and "→" in ticket.preview.text()
    replace_text(qtbot, ticket.strikes, "22,20")  # two strikes for a single call
    assert not ticket.save_button.isEnabled() and ticket.strikes.property("invalid") is True
    replace_text(qtbot, ticket.strikes, "22")
    qtbot.mouseClick(ticket.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(p.tier and str(p.tier) == "mid" for p in window.session.book.open_positions),
                    timeout=DRAW_TIMEOUT_MS)
    assert any(str(p.tier) == "mid" and p.quantity == 15 for p in stored_book(demo_db).open_positions)


def test_roll_ticket_is_prefilled_from_the_layer(qtbot, window, demo_db):
    layer = next(p for p in window.session.book.open_positions if p.tier is not None and str(p.tier) == "near")
    window.roll_layer(layer.id)
    ticket = window.active_ticket
    qtbot.waitUntil(ticket.isVisible, timeout=5000)
    assert ticket.position.currentData() == layer.id
    assert ticket.qty.value() == layer.quantity
    assert ticket.strikes.text() == ",".join(f"{leg.strike:g}" for leg in layer.legs)
    assert ticket.expiry.currentData() > layer.expiry
    assert ticket.close_price.value() > 0 and ticket.price.value() > 0
    qtbot.mouseClick(ticket.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.book.get(layer.id).status.value == "rolled", timeout=DRAW_TIMEOUT_MS)
    assert stored_book(demo_db).get(layer.id).status.value == "rolled"


def test_market_ticket_stores_a_quote_and_redraws(qtbot, window, demo_db):
    ticket = open_ticket(qtbot, window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    replace_text(qtbot, ticket.spx, "5800")
    replace_text(qtbot, ticket.vix, "21")
    qtbot.mouseClick(ticket.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.report is not None and window.session.report.spx == 5800,
                    timeout=DRAW_TIMEOUT_MS)
    assert window.risk_graph.spot.value() == 5800
    assert "SPX 5,800.00 pts" in window.market_bar.spx.text()
    with Workspace.open(demo_db) as ws:  # stored: another program reading the file sees the typed quote
        stored = ws.latest_snapshot()
    assert (stored.spx, stored.vix) == (5800, 21)
