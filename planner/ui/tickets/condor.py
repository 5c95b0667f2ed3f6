"""New iron condor: expiry from the listed SPX expiries, strikes checked as typed,
and max loss, break-evens and risk against equity shown before anything is saved."""

from __future__ import annotations

from datetime import UTC

from PySide6.QtWidgets import QComboBox, QLineEdit

from planner.app.requests import CondorRequest
from planner.domain import Position, PositionKind, Settlement
from planner.domain.errors import InputError
from planner.domain.positions import condor_legs, condor_max_loss, parse_strikes, validate_condor_credit
from planner.ui.formatting import money, percent
from planner.ui.inputs import count_box, number_box
from planner.ui.tickets.base import Ticket, expiry_combo, fill_expiries, listed, nearest
from planner.ui.tickets.context import CANDIDATE_ID, TicketContext

SETTLEMENTS = (("PM: SPXW, settles at the close (every trading day)", Settlement.PM, "spx-daily"),
               ("AM: SPX monthly, settles at the open (third Friday)", Settlement.AM, "spx-monthly"))
DAYS_LISTED = 400
TARGET_DTE = 45


class CondorTicket(Ticket):
    fair_fields = ("credit",)

    def __init__(self, context: TicketContext, parent=None) -> None:
        super().__init__("New iron condor", parent)
        self.context = context
        self.today = context.now.date()
        self.settlement = QComboBox()
        for text, settlement, _ in SETTLEMENTS:
            self.settlement.addItem(text, settlement)
        days = listed("spx-daily", self.today, DAYS_LISTED)
        self.expiry = expiry_combo(days, self.today, nearest(days, self.today, TARGET_DTE))
        self.strikes = QLineEdit()
        self.strikes.setPlaceholderText("K1,K2,K3,K4 in SPX points, e.g. 5500,5550,6250,6300")
        self.credit = number_box(0.0, 10_000.0, 0.0, 2, 0.05, "pts", "Net credit per condor")
        self.qty = count_box(1, 100_000, 1, "condors", "Number of condors sold")
        self.fees = number_box(0.0, 1_000_000.0, 0.0, 2, 1.0, "", "Total fees for the whole trade", prefix="$")
        self.note = QLineEdit()
        self.add_field("settlement", "Se&ttlement", self.settlement, "PM dailies (SPXW) or AM monthlies (SPX)")
        self.add_field("expiry", "&Expiry", self.expiry, "Listed SPX expiries; days left in brackets")
        self.add_field("strikes", "St&rikes", self.strikes,
                       "Long put K1 < short put K2 < short call K3 < long call K4, SPX points, comma-separated")
        self.add_field("credit", "&Credit", self.credit, "Net credit received per condor, points (× 100 = $)")
        self.add_field("qty", "&Quantity", self.qty, "Condors sold")
        self.add_field("fees", "&Fees", self.fees, "Total fees for the trade, dollars")
        self.add_field("note", "&Note", self.note, "Optional note kept with the position")
        self.add_trade_time("at", context.now)
        self.first_field = self.strikes  # settlement and expiry start on sensible choices
        self.settlement.currentIndexChanged.connect(self._settlement_changed)
        self.refresh()

    def _settlement(self) -> Settlement:
        return Settlement(self.settlement.currentData())  # Qt hands enum data back as plain str

    def _settlement_changed(self) -> None:
        kind = SETTLEMENTS[self.settlement.currentIndex()][2]
        days = listed(kind, self.today, DAYS_LISTED)
        fill_expiries(self.expiry, days, self.today, nearest(days, self.today, TARGET_DTE))
        self.refresh()

    def _strikes(self) -> tuple[float, ...]:
        text = self.strikes.text().strip()
        if not text:
            raise InputError("strikes", "must be four strikes K1,K2,K3,K4", "nothing")
        strikes = parse_strikes(text)
        condor_legs(self.expiry.currentData(), strikes, self.qty.value(), self._settlement())
        return strikes

    def check(self) -> dict[str, str]:
        errors = {}
        if self.expiry.currentData() is None:
            errors["expiry"] = "expiry must be a listed SPX expiry"
        try:
            strikes = self._strikes()
        except InputError as error:
            errors["strikes"] = str(error)
            return errors
        try:
            validate_condor_credit(strikes, self.credit.value())
        except InputError as error:
            errors["credit"] = str(error)
        return errors

    def quick_preview(self) -> str:
        k1, k2, k3, k4 = self._strikes()
        credit, qty, fees = self.credit.value(), self.qty.value(), self.fees.value()
        loss = condor_max_loss((k1, k2, k3, k4), credit, qty, fees)
        profit = credit * 100 * qty - fees
        equity = self.context.settings.equity
        cap = self.context.settings.risk_cap_in_force_pct
        assumed = "" if self.context.equity_set else " (not set: assumed)"
        return (f"Max loss <b>{money(loss)}</b> = {percent(loss / equity * 100)} of equity {money(equity)}{assumed} · "
                f"max profit {money(profit)}<br>"
                f"Break-evens at expiry: <b>{k2 - credit:,.2f}</b> and <b>{k3 + credit:,.2f}</b> SPX pts "
                f"(risk cap {percent(cap)} of equity = {money(equity * cap / 100)})")

    def candidate(self) -> Position:
        legs = condor_legs(self.expiry.currentData(), self._strikes(), self.qty.value(), self._settlement())
        return Position(PositionKind.CONDOR, legs, self.qty.value(), self.credit.value(),
                        self.context.now.astimezone(UTC))

    def slow_preview(self) -> str:
        report = self.context.with_candidate(self.candidate())
        if report is None:
            return "<i>No market stored yet: enter one (Ctrl+M) to see risk used and coverage.</i>"
        row = report.position(CANDIDATE_ID)
        self.set_fair("credit", row.mark if row else None)
        used = row.risk_used_pct if row else None
        cap = report.risk_cap_pct
        colour = "#c62828" if used is not None and used > cap else "#1b7f3b"
        coverage = report.coverage_pct
        return (f"Risk used, worst scenario with its hedges: <b style='color:{colour}'>{percent(used)}</b> of equity "
                f"(cap {percent(cap)}) · book coverage after: {percent(coverage, 0)}")

    def save(self, force: bool = False) -> Position:
        return self.context.workspace.add_condor(CondorRequest(
            expiry=self.expiry.currentData().isoformat(), strikes=self.strikes.text().strip(), qty=self.qty.value(),
            credit=self.credit.value(), fees=round(self.fees.value(), 2),
            settlement=str(self._settlement()), note=self.note.text(), opened=self.trade_time_text(), force=force))
