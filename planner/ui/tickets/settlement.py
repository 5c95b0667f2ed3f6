"""Settlement value: an official SET or VRO typed by hand (one undo step); what it settles follows."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit

from planner.app.inputs import ET
from planner.app.settlement_values import SYMBOL_NAMES, parse_settlement_value
from planner.ui.inputs import number_box
from planner.ui.tickets.base import Ticket
from planner.ui.tickets.context import TicketContext


class SettlementTicket(Ticket):
    def __init__(self, context: TicketContext, parent=None) -> None:
        super().__init__("Settlement value", parent)
        self.context = context
        self.day = QLineEdit(context.now.astimezone(ET).date().isoformat())
        self.day.setPlaceholderText("YYYY-MM-DD")
        self.symbol = QComboBox()
        for symbol, name in SYMBOL_NAMES.items():
            self.symbol.addItem(f"{symbol}: {name}", symbol)
        self.value = number_box(0.0, 100_000.0, 0.0, 2, 0.05, "pts", "The official value Cboe published")
        self.add_field("date", "&Date", self.day, "The expiry day the value settles, YYYY-MM-DD")
        self.add_field("symbol", "&Symbol", self.symbol, "SET settles AM SPX options; VRO settles VIX options and VX")
        self.add_field("value", "&Value", self.value, "Index points")
        self.stored = {(v.day.isoformat(), v.symbol): v for v in context.workspace.settlement_values()}
        self.refresh()

    def _typed(self):
        return parse_settlement_value(self.day.text(), self.symbol.currentData(), self.value.value(), self.context.now)

    def check(self) -> dict[str, str]:
        self._typed()  # InputError names the field
        return {}

    def quick_preview(self) -> str:
        typed = self._typed()
        day = typed.day
        expiring = [p for p in self.context.book.positions if p.status in ("open", "expired")
                    and any(leg.expiry == day and (leg.instrument == "spx-option") == (typed.symbol == "SET")
                            and (typed.symbol == "VRO" or leg.settlement == "AM") for leg in p.legs)]
        stored = self.stored.get((day.isoformat(), typed.symbol))
        lines = [f"Replaces the stored {stored.value:g} ({stored.origin})." if stored else "No value stored yet."]
        if expiring:
            ids = ", ".join(str(p.id) for p in expiring)
            lines.append(f"Settles position{'s' if len(expiring) > 1 else ''} {ids} on {typed.value:g}.")
        return "<br>".join(lines)

    def save(self):
        return self.context.workspace.set_settlement_value(self.day.text(), self.symbol.currentData(),
                                                          self.value.value())
