"""New hedge layer: tier, kind, listed expiry, strikes, quantity, price and fees,
with the protection it adds and the book's coverage after it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QListWidget, QListWidgetItem

from planner.app.requests import LayerRequest
from planner.domain import LayerKind, Position, Tier
from planner.domain.errors import InputError
from planner.domain.positions import LAYER_STRIKE_COUNT, parse_strikes
from planner.ui.formatting import describe, money, percent
from planner.ui.inputs import count_box, number_box
from planner.ui.tickets.base import Ticket, expiry_combo, fill_expiries, listed, nearest
from planner.ui.tickets.context import CANDIDATE_ID, TicketContext

KINDS = (("VIX call", LayerKind.VIX_CALL, "one strike, VIX points, e.g. 22"),
         ("VIX call spread", LayerKind.VIX_CALL_SPREAD, "long strike first, VIX points, e.g. 20,30"),
         ("VIX future", LayerKind.VIX_FUTURE, "no strike for a future"),
         ("SPX put spread (backstop)", LayerKind.SPX_PUT_SPREAD, "long (higher) strike first, e.g. 5300,4700"))
DAYS_LISTED = {"vix": 400, "spx-daily": 500}


def tier_expiry(days, today, tier: Tier | str, settings):
    tier = Tier(tier)
    if tier is Tier.NEAR:
        return nearest(days, today, settings.near_min_days, at_least=True)
    if tier is Tier.MID:
        return nearest(days, today, settings.mid_target_days)
    return nearest(days, today, settings.long_min_days, at_least=True)


class LayerTicket(Ticket):
    fair_fields = ("price",)

    def __init__(self, context: TicketContext, parent=None) -> None:
        super().__init__("New hedge layer", parent)
        self.context = context
        self.today = context.now.date()
        self.tier = QComboBox()
        for tier in Tier:
            share = context.settings.tier_share_pct(tier.value)
            self.tier.addItem(f"{tier.value.capitalize()} (share {share:g} %)", tier)
        self.kind = QComboBox()
        for text, kind, _ in KINDS:
            self.kind.addItem(text, kind)
        self.expiry = expiry_combo([], self.today)
        self.strikes = QLineEdit()
        # One until the sizing rule has the figures (the coverage target's shortfall in this tier).
        self.qty = count_box(1, 100_000, 1, "contracts", "Spreads or contracts bought")
        self.qty_typed = False
        self.qty.lineEdit().textEdited.connect(self._qty_typed)
        self.sized_note = ""
        self.price = number_box(0.0, 10_000.0, 0.0, 2, 0.05, "pts", "Debit per unit paid")
        self.fees = number_box(0.0, 1_000_000.0, 0.0, 2, 1.0, "", "Total fees for the whole trade", prefix="$")
        self.protects = QListWidget()
        self.protects.setMaximumHeight(90)
        for condor in context.book.condors:
            item = QListWidgetItem(f"#{condor.id} {describe(condor)} exp {condor.expiry.isoformat()}")
            item.setData(Qt.ItemDataRole.UserRole, condor.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.protects.addItem(item)
        self.note = QLineEdit()
        self.add_field("tier", "&Tier", self.tier, "Near, mid or long tier of the 4/4/2 ladder")
        self.add_field("kind", "&Kind", self.kind, "What the layer holds")
        self.add_field("expiry", "&Expiry", self.expiry, "Listed expiries; days left in brackets")
        self.add_field("strikes", "St&rikes", self.strikes, "Strike(s) of the layer")
        self.add_field("qty", "&Quantity", self.qty, "Contracts or spreads bought")
        self.add_field("price", "&Price", self.price, "Debit per unit, points (× multiplier = $)")
        self.add_field("fees", "&Fees", self.fees, "Total fees for the trade, dollars")
        self.add_field("protects", "Pro&tects", self.protects,
                       "Condors this layer protects; none ticked = the whole book")
        self.add_field("note", "&Note", self.note, "Optional note kept with the position")
        self.add_trade_time("at", context.now)
        self.tier.currentIndexChanged.connect(self._expiries)
        self.kind.currentIndexChanged.connect(self._expiries)
        self._expiries()

    def _qty_typed(self, *_: object) -> None:
        self.qty_typed = True

    def sized_quantity(self, report, per_contract_usd: float) -> int | None:
        """Contracts the sizing rule asks for in this tier (DOMAIN.md "Sizing a proposed layer"):
        floor((target - what the tier has) / one contract's protection), at least 1."""
        from planner.rules.sizing import contracts_short, tier_target_usd

        before = self.context.report
        if before is None or not before.condor_exposure_usd or per_contract_usd <= 0:
            return None
        tier = str(self._tier())
        target = tier_target_usd(before.condor_exposure_usd, tier, self.context.settings)
        rows = (before.position(p.id) for p in self.context.book.layers if p.tier is not None and str(p.tier) == tier)
        have = sum(row.greeks.protection_usd for row in rows if row is not None)
        return max(1, contracts_short(target, have, per_contract_usd))

    def _kind(self) -> LayerKind:
        return LayerKind(self.kind.currentData())  # Qt hands enum data back as plain str

    def _tier(self) -> Tier:
        return Tier(self.tier.currentData())

    def _expiries(self) -> None:
        kind = self._kind()
        listing = "spx-daily" if kind is LayerKind.SPX_PUT_SPREAD else "vix"
        days = listed(listing, self.today, DAYS_LISTED[listing])
        fill_expiries(self.expiry, days, self.today, tier_expiry(days, self.today, self._tier(),
                                                                 self.context.settings))
        self.strikes.setEnabled(kind is not LayerKind.VIX_FUTURE)
        self.strikes.setPlaceholderText(KINDS[self.kind.currentIndex()][2])
        if kind is LayerKind.VIX_FUTURE:
            self.strikes.clear()
        self.refresh()

    def _strike_values(self) -> tuple[float, ...]:
        text = self.strikes.text().strip()
        return parse_strikes(text) if text else ()

    def _protects(self) -> tuple[int, ...]:
        return tuple(self.protects.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.protects.count())
                     if self.protects.item(i).checkState() == Qt.CheckState.Checked)

    def candidate(self) -> Position:
        from planner.app.positions import layer_position

        return layer_position(tier=self._tier(), kind=self._kind(), expiry=self.expiry.currentData(),
                              strikes=self._strike_values(), qty=self.qty.value(), price=self.price.value(),
                              opened_at=self.context.now, fee_cents=round(self.fees.value() * 100),
                              protects=self._protects(), note=self.note.text())

    def check(self) -> dict[str, str]:
        if self.expiry.currentData() is None:
            return {"expiry": "expiry must be a listed expiry"}
        expected = LAYER_STRIKE_COUNT[self._kind()]
        if expected and not self.strikes.text().strip():
            return {"strikes": f"strikes must be {expected} strike(s) for {self._kind()}, got nothing"}
        try:
            self.candidate()
        except InputError as error:
            return {self._field_for(error.field): str(error)}
        if self.price.value() <= 0:
            return {"price": "price must be greater than 0 (the debit paid per unit)"}
        return {}

    def quick_preview(self) -> str:
        position = self.candidate()
        cost = position.cost_basis + position.fees
        per_unit = f"{self.price.value():,.2f} pts × {position.multiplier} × {position.quantity}"
        return f"Cost <b>{money(cost)}</b> ({per_unit} + fees)"

    def slow_preview(self) -> str:
        before = self.context.report
        report = self.context.with_candidate(self.candidate())
        if report is None:
            return "<i>No market stored yet: enter one (Ctrl+M) to see protection and coverage.</i>"
        row = report.position(CANDIDATE_ID)
        self.set_fair("price", row.mark if row else None)
        added = row.greeks.protection_usd if row else 0.0
        if not self.qty_typed and row is not None:
            sized = self.sized_quantity(report, added / max(row.quantity, 1))
            if sized is not None and sized != self.qty.value():
                self.qty.blockSignals(True)
                self.qty.setValue(sized)
                self.qty.blockSignals(False)
                self.sized_note = f"Quantity {sized} from the sizing rule (coverage target in this tier). "
                self.refresh()
                return ""  # the refreshed preview measures the sized quantity
        coverage_before = before.coverage_pct if before is not None else None
        return (f"{self.sized_note}Protection added: <b>{money(added)}</b> per 1-pt rise of spot VIX "
                f"(model IV until the fill sets it) · coverage {percent(coverage_before, 0)} → "
                f"<b>{percent(report.coverage_pct, 0)}</b>")

    def save(self, force: bool = False) -> Position:
        return self.context.workspace.add_layer(LayerRequest(
            tier=str(self._tier()), kind=str(self._kind()), expiry=self.expiry.currentData().isoformat(),
            strikes=",".join(f"{k:g}" for k in self._strike_values()) or None, qty=self.qty.value(),
            price=self.price.value(), fees=round(self.fees.value(), 2), protects=list(self._protects()) or None,
            note=self.note.text(), opened=self.trade_time_text(), force=force))
