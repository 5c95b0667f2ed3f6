"""Tickets pre-filled from a suggestion's proposed trade.

Each is the window's own ticket (same fields, validation and live preview)
with the proposal typed in. What the suggestion decided (tier, kind, expiry,
strikes, the position acted on) is locked; the trader confirms the fill price
and quantity, and may add fees. Save goes through the accept use case, which
trades through the manual-entry use cases and records the decision in one
go, so the suggestion leaves the list.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QComboBox, QWidget

from planner.domain import LayerKind, Tier
from planner.domain.suggestions import Action, ProposedTrade, Suggestion
from planner.ui.suggestion_board import headline
from planner.ui.tickets import CloseTicket, LayerTicket, RollTicket
from planner.ui.tickets.base import Ticket

LOCKED_TIP = "Set by the suggestion. For a different trade, dismiss it and use Trade ▸ New hedge layer."
Accept = Callable[..., object]  # accept(price=, qty=, close_price=, fees=) -> the app's Accepted


def _select(combo: QComboBox, value: object) -> bool:
    for index in range(combo.count()):
        if str(combo.itemData(index)) == str(value):
            combo.setCurrentIndex(index)
            return True
    return False


def _select_expiry(combo: QComboBox, expiry: date, today: date) -> None:
    if not _select(combo, expiry):  # not in the listing the ticket built: offer the proposed day itself
        combo.addItem(f"{expiry.isoformat()} {expiry:%a} ({(expiry - today).days} d)", expiry)
        combo.setCurrentIndex(combo.count() - 1)


def _lock(ticket: Ticket, *names: str) -> None:
    for name in names:
        widget = ticket.fields[name]
        widget.setEnabled(False)
        ticket._tooltips[name] = f"{ticket._tooltips.get(name, '')}\n{LOCKED_TIP}".strip()
        widget.setToolTip(ticket._tooltips[name])


def _trade(suggestion: Suggestion) -> ProposedTrade:
    """The trade an accept ticket carries out (``ticket_for`` makes one only for a suggestion with a trade)."""
    if suggestion.proposal is None:
        raise ValueError(f"suggestion {suggestion.id} has no trade to accept")
    return suggestion.proposal


def _strikes_text(strikes) -> str:
    return ",".join(f"{k:g}" for k in strikes)


class AcceptLayerTicket(LayerTicket):
    """ADD (or a WARN carrying a layer to buy): the new-layer ticket with the proposal typed in."""

    def __init__(self, context, suggestion: Suggestion, accept: Accept, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.suggestion, self._accept = suggestion, accept
        trade = _trade(suggestion)
        self.setWindowTitle(f"Accept: {headline(suggestion)}")
        _select(self.tier, Tier(trade.tier) if trade.tier else Tier.NEAR)
        _select(self.kind, LayerKind(trade.instrument))
        _select_expiry(self.expiry, trade.expiry, self.today)
        self.strikes.setText(_strikes_text(trade.strikes))
        self.qty.setValue(trade.quantity)
        self.qty_typed = True  # the plan sized it (risk cap included): the ticket does not re-size it
        self.price.setValue(round(trade.price_pts, 2))
        self.note.setText(f"suggestion {suggestion.id} ({suggestion.rule})")
        _lock(self, "tier", "kind", "expiry", "strikes", "protects", "note")
        self.refresh()

    def save(self, force: bool = False):
        return self._accept(price=self.price.value(), qty=self.qty.value(), fees=round(self.fees.value(), 2),
                            at=self.trade_time_text(), force=force)


class AcceptRollTicket(RollTicket):
    """ROLL: the roll ticket on the proposed layer, into the proposed expiry and strikes."""

    def __init__(self, context, suggestion: Suggestion, accept: Accept, parent: QWidget | None = None) -> None:
        trade = _trade(suggestion)
        super().__init__(context, trade.position_id, parent)
        self.suggestion, self._accept = suggestion, accept
        self.setWindowTitle(f"Accept: {headline(suggestion)}")
        _select_expiry(self.expiry, trade.expiry, self.today)
        self.strikes.setText(_strikes_text(trade.strikes))
        self.qty.setValue(trade.quantity)
        self.price.setValue(round(trade.price_pts, 2))
        _lock(self, "position", "expiry", "strikes")
        self.refresh()

    def save(self, force: bool = False):
        return self._accept(price=self.price.value(), qty=self.qty.value(), close_price=self.close_price.value(),
                            fees=round(self.fees.value(), 2), at=self.trade_time_text(), force=force)


class AcceptCloseTicket(CloseTicket):
    """CLOSE, TAKE_PROFIT and TRIM: the close ticket on the proposed position at the proposed price.
    A trim sells part of the layer (a partial close), so its quantity stays open to change."""

    def __init__(self, context, suggestion: Suggestion, accept: Accept, parent: QWidget | None = None) -> None:
        trade = _trade(suggestion)
        super().__init__(context, trade.position_id, parent)
        self.suggestion, self._accept = suggestion, accept
        self.setWindowTitle(f"Accept: {headline(suggestion)}")
        self.price.setValue(round(trade.price_pts, 2))
        self.trimming = suggestion.action is Action.TRIM
        if self.trimming:
            self.qty.setValue(min(trade.quantity, self.qty.maximum()))
            _lock(self, "position")
        else:
            _lock(self, "position", "qty")
        self.first_field = self.price
        self.refresh()

    def save(self, force: bool = False):
        qty = self.qty.value() if self.trimming else None
        return self._accept(price=self.price.value(), qty=qty, fees=round(self.fees.value(), 2),
                            at=self.trade_time_text(), force=force)


def ticket_for(context, suggestion: Suggestion, accept: Accept, parent: QWidget | None = None) -> Ticket | None:
    """The ticket that carries out ``suggestion``; None for a warning with no trade (acknowledge only).

    Mirrors how ``planner.app.suggestions.accept`` reads a proposal.
    """
    trade = suggestion.proposal
    if trade is None:
        return None
    held = context.book.get(trade.position_id) if trade.position_id is not None else None
    if trade.side == "buy" and trade.position_id is None:
        return AcceptLayerTicket(context, suggestion, accept, parent)
    if suggestion.action is Action.ROLL or (trade.side == "buy" and held is not None):
        return AcceptRollTicket(context, suggestion, accept, parent)
    return AcceptCloseTicket(context, suggestion, accept, parent)
