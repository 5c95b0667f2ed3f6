"""An expired position's history in the window shows how it settled, as ``planner settlement log ID`` does."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from planner.app import Workspace
from planner.app.requests import CondorRequest, QuoteRequest

FILES = Path(__file__).parents[1] / "app" / "history_files"
NOW = datetime(2026, 12, 18, 22, 0, tzinfo=UTC)  # the AM expiry day, 17:00 ET
ESTIMATED = "Settled at 0.00 pts (estimated): SPX close 6520 (estimate), 2026-12-18 17:00 ET"
OFFICIAL = "Re-settled at 20.00 pts (official): SET 6430 (typed), 2026-12-18 17:00 ET"
REVERTED = "Re-settled at 0.00 pts (estimated): SPX close 6520 (estimate), 2026-12-18 17:00 ET"


def settlement_lines(tree, position_id: int) -> list[str]:
    from planner.ui.portfolio_tree import POSITION_ID_ROLE

    found = tree.findItems(f"#{position_id} ", Qt.MatchFlag.MatchStartsWith | Qt.MatchFlag.MatchRecursive)
    item = next(i for i in found if i.data(0, POSITION_ID_ROLE) == position_id and i.parent().text(0)
                .startswith("History"))
    return [item.child(i).text(0) for i in range(item.childCount())]


@pytest.fixture
def window(tmp_path, window_on):
    path = tmp_path / "book.db"
    with Workspace.open(path, clock=lambda: NOW) as ws:
        ws.set_market(QuoteRequest(spx=6600, vix=18, asof="2026-12-17T16:00"))
        condors = ws.add_condor(CondorRequest(
            expiry="2026-12-18", strikes="6400,6450,6900,6950", qty=2, credit="10", fees="10.40", settlement="AM",
            opened="2026-11-20T15:00"))
        ws.import_history(FILES / "SPX_History.csv")  # the close only: an estimate for an AM condor
    win = window_on(path, lambda: NOW)
    win.condor_id = condors.id
    return win


def test_typed_official_value_resettles_and_the_history_shows_each_settlement(qtbot, window):
    from planner.ui.portfolio_tree import plain_tooltip
    from planner.ui.tickets.settlement import SettlementTicket

    tree, condor = window.tree, window.condor_id
    assert settlement_lines(tree, condor) == [ESTIMATED]
    window.settlement_action.trigger()  # File > Settlement value…
    ticket = window.findChild(SettlementTicket)
    ticket.day.selectAll()
    qtbot.keyClicks(ticket.day, "2026-12-18")
    ticket.value.setFocus()
    ticket.value.selectAll()
    qtbot.keyClicks(ticket.value, "6430")
    qtbot.keyClick(ticket.value, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: settlement_lines(tree, condor) == [ESTIMATED, OFFICIAL], timeout=10_000)
    item = tree.findItems(ESTIMATED, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)[0].parent()
    shown = plain_tooltip(ESTIMATED + "\n" + OFFICIAL).removeprefix("<qt>")  # the tooltip is escaped plain text
    assert item.text(0).endswith(" expired") and item.toolTip(0).endswith(shown)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the typed value
    qtbot.waitUntil(lambda: settlement_lines(tree, condor) == [ESTIMATED, OFFICIAL, REVERTED], timeout=10_000)
    item = tree.findItems(ESTIMATED, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)[0].parent()
    assert "Settled on an estimate: settles again when a better value is imported or typed" in item.toolTip(0)
