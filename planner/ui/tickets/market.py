"""Market entry: SPX, VIX, VVIX, rate, dividend yield and the VIX futures curve,
stored as one snapshot (one undo step)."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from planner.app.requests import QuoteRequest
from planner.domain import MarketSnapshot
from planner.ui.inputs import number_box
from planner.ui.tickets.base import Ticket, listed
from planner.ui.tickets.context import TicketContext

FUTURE_COUNT = 8


class MarketTicket(Ticket):
    def __init__(self, context: TicketContext, parent=None) -> None:
        super().__init__("Market quote", parent)
        self.context = context
        last: MarketSnapshot | None = context.market
        self.spx = number_box(0.0, 100_000.0, last.spx if last else 0.0, 2, 1.0, "pts", "S&P 500 index level")
        self.vix = number_box(0.0, 500.0, last.vix if last else 0.0, 2, 0.1, "pts", "VIX spot level")
        self.vvix = number_box(0.0, 1_000.0, (last.vvix or 0.0) if last else 0.0, 2, 0.5, "pts",
                               "VVIX level (0 = not known)")
        self.vvix.setSpecialValueText("not known")
        self.rate = number_box(-100.0, 100.0, (last.rate if last else 0.045) * 100, 3, 0.05, "%",
                               "Risk-free rate, annual")
        self.div_yield = number_box(-100.0, 100.0, (last.div_yield if last else 0.013) * 100, 3, 0.05, "%",
                                    "SPX dividend yield, annual")
        self.add_field("spx", "&SPX", self.spx, "S&P 500 index level, points")
        self.add_field("vix", "&VIX", self.vix, "VIX spot, points")
        self.add_field("vvix", "VV&IX", self.vvix, "VVIX, points; 0 when not known")
        self.add_field("rate", "&Rate", self.rate, "Risk-free rate, percent a year")
        self.add_field("div_yield", "&Dividend yield", self.div_yield, "SPX dividend yield, percent a year")
        self.futures_box = QWidget()
        grid = QGridLayout(self.futures_box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.futures = {}
        for i, expiry in enumerate(listed("vix", context.now.date(), 260)[:FUTURE_COUNT]):
            known = last.future_price(expiry) if last else None
            box = number_box(0.0, 500.0, known or 0.0, 2, 0.05, "pts", f"VX future expiring {expiry.isoformat()}")
            box.setSpecialValueText("not known")
            box.valueChanged.connect(self.refresh)
            caption = QLabel(expiry.strftime("%b %d %Y"))
            caption.setBuddy(box)
            grid.addWidget(caption, i // 2, (i % 2) * 2)
            grid.addWidget(box, i // 2, (i % 2) * 2 + 1)
            self.futures[expiry] = box
        self.add_field("futures", "VX &futures", self.futures_box, "VIX futures by expiry, points; 0 = not known")
        self.add_trade_time("at", context.now, "&As of (ET)")
        self.refresh()

    def check(self) -> dict[str, str]:
        errors = {}
        if self.spx.value() <= 0:
            errors["spx"] = "spx must be greater than 0"
        if self.vix.value() <= 0:
            errors["vix"] = "vix must be greater than 0"
        return errors

    def quick_preview(self) -> str:
        last = self.context.market
        if last is None:
            return "First quote of this book."
        spx_move = self.spx.value() / last.spx - 1
        return (f"SPX {self.spx.value() - last.spx:+,.2f} pts ({spx_move * 100:+.2f} %), "
                f"VIX {self.vix.value() - last.vix:+,.2f} pts since the stored quote")

    def save(self, force: bool = False):
        futures = [(expiry, box.value()) for expiry, box in self.futures.items() if box.value() > 0]
        return self.context.workspace.set_market(QuoteRequest(
            spx=self.spx.value(), vix=self.vix.value(), vvix=self.vvix.value() or None, futures=futures,
            rate=self.rate.value() / 100, div=self.div_yield.value() / 100, asof=self.trade_time_text(), force=force))
