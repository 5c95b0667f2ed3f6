"""Close a position, or roll a hedge layer into a new expiry (pre-filled from the layer)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit

from planner.app.requests import CloseRequest, RollRequest
from planner.domain import LayerKind, Position, PositionKind
from planner.domain.bounds import check_close_price, check_open_price
from planner.domain.errors import InputError
from planner.domain.positions import parse_strikes
from planner.ui.formatting import describe, money, signed_money
from planner.ui.inputs import count_box, number_box
from planner.ui.tickets.base import Ticket, expiry_combo, fill_expiries, listed
from planner.ui.tickets.context import CANDIDATE_ID, TicketContext
from planner.ui.tickets.layer import tier_expiry


def position_combo(positions: list[Position], selected: int | None) -> QComboBox:
    combo = QComboBox()
    for position in positions:
        combo.addItem(f"#{position.id} {describe(position)} ×{position.quantity} exp {position.expiry.isoformat()}",
                      position.id)
    if selected is not None:
        index = combo.findData(selected)
        if index >= 0:
            combo.setCurrentIndex(index)
    return combo


class CloseTicket(Ticket):
    fair_fields = ("price",)

    def __init__(self, context: TicketContext, selected: int | None = None, parent=None) -> None:
        super().__init__("Close position", parent)
        self.context = context
        self.open_positions = list(context.book.open_positions)
        self.position = position_combo(self.open_positions, selected)
        self.price = number_box(0.0, 100_000.0, 0.0, 2, 0.05, "pts", "Price per package")
        self.fees = number_box(0.0, 1_000_000.0, 0.0, 2, 1.0, "", "Total closing fees", prefix="$")
        self.qty = count_box(1, 100_000, 1, "contracts", "Contracts to close; the rest stay open")
        self.add_field("position", "P&osition", self.position, "Open position to close")
        self.add_field("qty", "&Quantity", self.qty,
                       "Contracts to close (all by default); fewer is a partial close, the rest stay open "
                       "and the entry fees are shared pro rata")
        self.add_field("price", "&Price", self.price,
                       "Per package, points: what a condor costs to buy back, or what a layer sells for")
        self.add_field("fees", "&Fees", self.fees, "Total closing fees, dollars")
        self.add_trade_time("at", context.now)
        self.first_field = self.price
        self.position.currentIndexChanged.connect(self._prefill)
        self._prefill()

    def _selected(self) -> Position | None:
        position_id = self.position.currentData()
        return next((p for p in self.open_positions if p.id == position_id), None)

    def opened_at(self):
        position = self._selected()
        return None if position is None else position.opened_at

    def _prefill(self) -> None:
        position = self._selected()
        mark = self.context.mark_of(position.id) if position else None
        self.price.setValue(round(mark, 2) if mark is not None else 0.0)
        self.set_fair("price", mark)
        if position is not None:
            self.qty.blockSignals(True)
            self.qty.setMaximum(position.quantity)
            self.qty.setValue(position.quantity)
            self.qty.blockSignals(False)
        self.refresh()

    def check(self) -> dict[str, str]:
        position = self._selected()
        if position is None:
            return {"position": "position must be an open position (there are none)"}
        try:
            check_close_price(position, self.price.value())
        except InputError as error:
            return {"price": str(error)}
        return {}

    def quick_preview(self) -> str:
        position = self._selected()
        sold = self.qty.value()
        # Entry fees follow the contracts closed, pro rata (as the use case splits them).
        part_fees = position.fees * sold / position.quantity
        closed = position.with_changes(close_price=self.price.value(), quantity=sold)
        realized = closed.realized_pnl() + position.fees - part_fees - self.fees.value()
        mark = self.context.mark_of(position.id)
        mark_text = f" · model mark now {mark:,.2f} pts" if mark is not None else ""
        part = f"Partial close: {sold} of {position.quantity}, {position.quantity - sold} stay open. " \
            if sold < position.quantity else ""
        return f"{part}Realized P&L after fees: <b>{signed_money(realized)}</b>{mark_text}"

    def save(self, force: bool = False) -> Position:
        return self.context.workspace.close_position(CloseRequest(
            position_id=self.position.currentData(), price=self.price.value(), fees=round(self.fees.value(), 2),
            at=self.trade_time_text(), qty=self.qty.value(), force=force))


class RollTicket(Ticket):
    fair_fields = ("close_price", "price")

    def __init__(self, context: TicketContext, selected: int | None = None, parent=None) -> None:
        super().__init__("Roll hedge layer", parent)
        self.context = context
        self.today = context.now.date()
        self.layers = [p for p in context.book.open_positions if p.kind is PositionKind.LAYER]
        self.position = position_combo(self.layers, selected)
        self.close_price = number_box(0.0, 100_000.0, 0.0, 2, 0.05, "pts", "Price the old layer sells for")
        self.expiry = expiry_combo([], self.today)
        self.strikes = QLineEdit()
        self.qty = count_box(1, 100_000, 1, "contracts", "Contracts in the new layer")
        self.price = number_box(0.0, 100_000.0, 0.0, 2, 0.05, "pts", "Debit per unit of the new layer")
        self.fees = number_box(0.0, 1_000_000.0, 0.0, 2, 1.0, "", "Total fees of the roll", prefix="$")
        self.add_field("position", "&Layer", self.position, "Open hedge layer to roll")
        self.add_field("close_price", "&Close at", self.close_price, "Per unit the old layer is sold for, points")
        self.add_field("expiry", "New &expiry", self.expiry, "Listed expiries after the old one")
        self.add_field("strikes", "St&rikes", self.strikes, "Strike(s) of the new layer")
        self.add_field("qty", "&Quantity", self.qty, "Contracts in the new layer")
        self.add_field("price", "New &price", self.price, "Debit per unit of the new layer, points")
        self.add_field("fees", "&Fees", self.fees, "Total fees of both sides, dollars")
        self.add_trade_time("at", context.now)
        self.first_field = self.close_price
        self.position.currentIndexChanged.connect(self._prefill)
        self._prefill()

    def _selected(self) -> Position | None:
        layer_id = self.position.currentData()
        return next((p for p in self.layers if p.id == layer_id), None)

    def opened_at(self):
        layer = self._selected()
        return None if layer is None else layer.opened_at

    def _prefill(self) -> None:
        layer = self._selected()
        if layer is None:
            self.refresh()
            return
        listing = "spx-daily" if layer.layer_kind is LayerKind.SPX_PUT_SPREAD else "vix"
        days = [d for d in listed(listing, self.today, 500) if d > layer.expiry]
        target = tier_expiry(days, self.today, layer.tier, self.context.settings)
        fill_expiries(self.expiry, days, self.today, target)
        for widget in (self.close_price, self.qty, self.price):
            widget.blockSignals(True)
        mark = self.context.mark_of(layer.id)
        self.close_price.setValue(round(mark, 2) if mark is not None else 0.0)
        self.set_fair("close_price", mark)
        self.strikes.setText(",".join(f"{leg.strike:g}" for leg in layer.legs if leg.strike is not None))
        self.strikes.setEnabled(layer.layer_kind is not LayerKind.VIX_FUTURE)
        self.qty.setValue(layer.quantity)
        self.price.setValue(self._estimate() or 0.0)
        for widget in (self.close_price, self.qty, self.price):
            widget.blockSignals(False)
        self.refresh()

    def _new_layer(self) -> Position:
        from planner.app.positions import layer_position

        layer = self._selected()
        text = self.strikes.text().strip()
        return layer_position(tier=layer.tier, kind=layer.layer_kind, expiry=self.expiry.currentData(),
                              strikes=parse_strikes(text) if text else (), qty=self.qty.value(),
                              price=max(self.price.value(), 0.01), opened_at=self.context.now, fee_cents=0,
                              protects=layer.protects, note=layer.note, rolled_from=layer.id)

    def _estimate(self) -> float | None:
        """Model price of the new layer, to start the price field from."""
        try:
            report = self.context.with_candidate(self._new_layer())
        except InputError:
            return None
        row = report.position(CANDIDATE_ID) if report is not None else None
        return round(row.mark, 2) if row is not None else None

    def check(self) -> dict[str, str]:
        if self._selected() is None:
            return {"position": "layer must be an open hedge layer (there are none)"}
        if self.expiry.currentData() is None:
            return {"expiry": "expiry must be a listed expiry after the old one"}
        try:
            check_close_price(self._selected(), self.close_price.value(), "close-price")
        except InputError as error:
            return {"close_price": str(error)}
        try:
            layer = self._new_layer()  # priced at least a cent, for the estimate
            strikes = tuple(leg.strike for leg in layer.legs if leg.strike is not None)
            check_open_price(PositionKind.LAYER, layer.layer_kind, strikes, self.price.value())
        except InputError as error:
            return {self._field_for(error.field): str(error)}
        return {}

    def quick_preview(self) -> str:
        layer = self._selected()
        sold = self.close_price.value() * layer.multiplier * layer.quantity
        bought = self.price.value() * layer.multiplier * self.qty.value()
        net = sold - bought - self.fees.value()
        return (f"Sell #{layer.id} for {money(sold)}, buy the new layer for {money(bought)}: "
                f"net <b>{signed_money(net)}</b> after fees")

    def slow_preview(self) -> str:
        estimate = self._estimate()
        self.set_fair("price", estimate)
        return f"Model price of the new layer: {estimate:,.2f} pts" if estimate is not None else ""

    def save(self, force: bool = False):
        text = self.strikes.text().strip()
        return self.context.workspace.roll_layer(RollRequest(
            position_id=self.position.currentData(), close_price=self.close_price.value(),
            expiry=self.expiry.currentData().isoformat(), strikes=text or None, price=self.price.value(),
            qty=self.qty.value(), fees=round(self.fees.value(), 2), at=self.trade_time_text(), force=force))
