"""The suggestions panel: sorted list, pre-filled tickets, dismiss and snooze, history, badge, notices."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox

from planner import calendars
from planner.app import Workspace
from planner.domain import PositionKind
from planner.domain.records import DecisionKind
from planner.ui.formatting import ET
from planner.ui.suggestion_board import SuggestionBoard, expiry_notices
from planner.ui.suggestion_tickets import AcceptLayerTicket
from planner.ui.suggestions_view import ID_ROLE, SuggestionsView

DRAW_TIMEOUT_MS = 30_000  # generous: behaviour tests, not timing tests


@pytest.fixture
def workspace(spiked_demo_db):
    ws = Workspace.open(spiked_demo_db)
    yield ws
    ws.close()


def computed(qtbot, board, after: int) -> None:
    qtbot.waitUntil(lambda: board.computed > after and not board.runner.busy, timeout=DRAW_TIMEOUT_MS)


@pytest.fixture
def panel(qtbot, workspace):
    board = SuggestionBoard(workspace)
    view = SuggestionsView(board)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    board.refresh()
    computed(qtbot, board, 0)
    yield view
    board.shutdown()


def listed_ids(view):
    return [view.list.topLevelItem(i).data(0, ID_ROLE) for i in range(view.list.topLevelItemCount())]


def click_ok(qtbot, dialog):
    box = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_list_is_sorted_by_severity_with_reason_figures_and_trade(panel):
    board = panel.board
    assert listed_ids(panel) == [s.id for s in board.result]
    ranks = [s.severity.rank for s in panel.suggestions]
    assert ranks == sorted(ranks) and panel.suggestions
    add = next(s for s in panel.suggestions if s.proposal is not None)
    panel.select(add.id)
    assert add.reason in panel.reason.text()
    rows = {panel.details.item(r, 0).text(): panel.details.item(r, 1).text() for r in range(panel.details.rowCount())}
    trade = add.proposal
    assert rows["Expiry"] == trade.expiry.isoformat()
    assert rows["Quantity"] == f"{trade.quantity:,} contracts"
    assert rows["Estimated price"].endswith(" pts") and rows["Protection added"].endswith("per VIX pt")
    assert rows["Coverage before (%)"].endswith(" %")  # a figure, its unit read from its name
    item = panel.list.currentItem()
    assert item.text(2).startswith(f"Buy {trade.quantity} VIX call")


def test_accept_opens_a_prefilled_ticket_and_saving_records_the_layer(qtbot, panel, workspace):
    board = panel.board
    add = next(s for s in panel.suggestions if str(s.action) == "ADD" and s.proposal.position_id is None)
    trade = add.proposal
    panel.select(add.id)
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    ticket = panel.active_ticket
    assert isinstance(ticket, AcceptLayerTicket)
    assert str(ticket.tier.currentData()) == trade.tier
    assert str(ticket.kind.currentData()) == trade.instrument
    assert ticket.expiry.currentData() == trade.expiry
    assert tuple(float(k) for k in ticket.strikes.text().split(",")) == trade.strikes
    assert ticket.qty.value() == trade.quantity
    assert ticket.price.value() == round(trade.price_pts, 2)
    assert not ticket.fields["expiry"].isEnabled() and ticket.fields["price"].isEnabled()
    assert ticket.save_button.isEnabled(), ticket.message.text()
    layers_before = {p.id for p in workspace.book().positions}
    done = board.computed
    qtbot.mouseClick(ticket.save_button, Qt.MouseButton.LeftButton)
    computed(qtbot, board, done)
    new = [p for p in workspace.book().positions if p.id not in layers_before]
    assert len(new) == 1 and new[0].kind is PositionKind.LAYER
    assert (str(new[0].tier), new[0].expiry, new[0].quantity) == (trade.tier, trade.expiry, trade.quantity)
    assert tuple(leg.strike for leg in new[0].legs) == trade.strikes
    assert new[0].open_price == round(trade.price_pts, 2)
    assert add.id not in listed_ids(panel)
    decisions = workspace.decisions(add.id)
    assert decisions and decisions[-1].decision is DecisionKind.ACCEPT
    assert panel.history.rowCount() == len(workspace.decisions())


def test_dismissing_keeps_it_quiet_on_the_next_refresh(qtbot, panel, workspace):
    board = panel.board
    target = panel.suggestions[0]
    panel.select(target.id)
    qtbot.mouseClick(panel.dismiss_button, Qt.MouseButton.LeftButton)
    dialog = panel.active_dialog
    qtbot.keyClicks(dialog.reason, "hedged with SPX puts elsewhere")
    done = board.computed
    click_ok(qtbot, dialog)
    computed(qtbot, board, done)
    assert target.id not in listed_ids(panel)
    done = board.computed
    qtbot.mouseClick(panel.refresh_button, Qt.MouseButton.LeftButton)
    computed(qtbot, board, done)
    assert target.id not in listed_ids(panel)
    # Decisions quiet the rules' intents before the plan: every part of the dismissed suggestion is kept quiet.
    assert set(target.components) <= {s.id for s, _ in board.result.suppressed}
    reasons = [panel.history.item(r, 4).text() for r in range(panel.history.rowCount())]
    assert "hedged with SPX puts elsewhere" in reasons
    assert workspace.decisions(target.id)[-1].decision is DecisionKind.DISMISS


def test_snooze_picks_a_date_after_today(qtbot, panel, workspace):
    board = panel.board
    target = panel.suggestions[-1]
    panel.select(target.id)
    qtbot.mouseClick(panel.snooze_button, Qt.MouseButton.LeftButton)
    dialog = panel.active_dialog
    today = workspace.now().astimezone(ET).date()
    assert dialog.until.minimumDate().toPython() == today + timedelta(days=1)
    day = today + timedelta(days=3)
    dialog.until.setDate(QDate(day.year, day.month, day.day))
    done = board.computed
    click_ok(qtbot, dialog)
    computed(qtbot, board, done)
    assert target.id not in listed_ids(panel)
    decision = workspace.decisions(target.id)[-1]
    assert decision.decision is DecisionKind.SNOOZE and decision.until.astimezone(ET).date() == day


def test_a_warning_without_a_trade_is_acknowledged(qtbot, panel, workspace):
    board = panel.board
    done = board.computed
    workspace.set_setting("equity", 100_000)  # the demo book breaks the cap of a small account
    computed(qtbot, board, done)
    warn = next(s for s in panel.suggestions if str(s.action) == "WARN" and s.proposal is None)
    panel.select(warn.id)
    assert panel.list.currentItem().text(2) == "no trade (acknowledge)"
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    box = panel.active_dialog
    assert panel.active_ticket is None and "Acknowledge" in box.windowTitle()
    done = board.computed
    box.accept()
    computed(qtbot, board, done)
    assert warn.id not in listed_ids(panel)


def test_badge_counts_new_suggestions_since_the_last_look(qtbot, panel, workspace):
    board = panel.board
    counts = []
    panel.badge_changed.connect(counts.append)
    assert board.new_count == len(panel.suggestions) > 0  # nothing looked at yet
    panel.show()  # the user looks
    qtbot.waitExposed(panel)
    assert board.new_count == 0 and counts[-1] == 0
    panel.hide()
    done = board.computed
    workspace.set_setting("equity", 100_000)
    computed(qtbot, board, done)
    assert board.new_count == len(board.new_ids) > 0 and counts[-1] == board.new_count
    assert board.new_ids <= {s.id for s in panel.suggestions}
    assert panel.list.topLevelItem(0).text(0).startswith("● ")  # new ones stand out


def test_notices_announce_adds_and_warnings_once_through_the_status_bar(qtbot, panel, workspace):
    board = panel.board
    messages = []
    panel.message.connect(messages.append)
    done = board.computed
    workspace.set_setting("equity", 100_000)
    computed(qtbot, board, done)
    warned = [m for m in messages if m.startswith("New suggestion: WARN")]
    assert warned and "New suggestion: WARN" in panel.last_notice.text()
    done = board.computed
    board.refresh()
    computed(qtbot, board, done)
    assert [m for m in messages if m.startswith("New suggestion: WARN")] == warned  # once each
    assert panel.notifier.sent  # no system tray offscreen: the fallback carried them


def test_expiry_and_last_trading_day_notices_within_two_trading_days(workspace):
    book = workspace.book()
    layer = next(p for p in book.layers if p.layer_kind is not None and str(p.layer_kind) == "vix-call")
    last = calendars.last_trading_day(layer.expiry, "vix-option")
    before = calendars.previous_trading_day(last)
    at = datetime.combine(before, time(15, 0), tzinfo=ET)
    texts = dict(expiry_notices(book, at))
    key = f"last trading day:{layer.id}:{last.isoformat()}"
    assert key in texts and "(1 trading day)" in texts[key]
    far = datetime.combine(last - timedelta(days=20), time(15, 0), tzinfo=ET)
    assert not [k for k in dict(expiry_notices(book, far)) if f":{layer.id}:" in k]


def test_every_control_has_a_tooltip(panel):
    for button in panel.findChildren(QAbstractButton):
        if button.isVisibleTo(panel) and button.text():
            assert button.toolTip(), button.text()
    for widget in (panel.list, panel.details, panel.history, panel.reason):
        assert widget.toolTip()


def test_a_merged_suggestion_lists_every_reason_that_fed_it(qtbot, panel):
    merged = [s for s in panel.suggestions if len(s.reasons) > 1]
    assert merged  # at VIX 24 the demo's mid ADD serves the ladder and the break-even rule
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Home)
    for _ in range(len(panel.suggestions)):
        if panel.selected().id == merged[0].id:
            break
        qtbot.keyClick(panel.list, Qt.Key.Key_Down)
    s = panel.selected()
    assert s.id == merged[0].id and f"+ {len(s.reasons) - 1} reason" in panel.list.currentItem().text(1)
    cells = [(panel.details.item(r, 0).text(), panel.details.item(r, 1).text())
             for r in range(panel.details.rowCount())]
    heading = cells.index((f"Reasons that fed it ({len(s.reasons)})", ""))
    assert [value for _, value in cells[heading + 1:heading + 1 + len(s.reasons)]] == list(s.reasons)
