"""The market bar: the levels the whole window prices with, when they came
and from where, and the quote source's state.

Read-only: quotes change through Trade ▸ Market (a stored snapshot), a
watched file or a replay, so every level on screen is one the store or the
source vouches for.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from planner.domain import MarketSnapshot
from planner.feeds import SourceState
from planner.ui.elided_label import ElidedLabel
from planner.ui.formatting import set_style_sheet
from planner.ui.steady_label import SteadyLabel

STATE_COLOURS = {
    SourceState.IDLE: "palette(text)",
    SourceState.WATCHING: "#8a6d00",
    SourceState.LIVE: "#1b7f3b",
    SourceState.ERROR: "#c62828",
    SourceState.PLAYING: "#1565c0",
    SourceState.PAUSED: "#8a6d00",
    SourceState.FINISHED: "palette(text)",
    SourceState.CONNECTING: "#8a6d00",
    SourceState.DELAYED: "#b26a00",
}


@dataclass(frozen=True, slots=True)
class MarketInputs:
    """SPX and VIX in points; rate and div_yield as decimals (what the calculator prices with)."""

    spx: float
    vix: float
    rate: float
    div_yield: float

    @classmethod
    def of(cls, snapshot: MarketSnapshot) -> MarketInputs:
        return cls(snapshot.spx, snapshot.vix, snapshot.rate, snapshot.div_yield)


def _change(now: float, before: float | None) -> str:
    if before is None or before == now:
        return ""
    return f" ({now - before:+,.2f})"


def futures_text(snapshot: MarketSnapshot, count: int = 6) -> str:
    """'Dec 17.00 · Jan 18.00 · ...': the front of the VX curve, VIX points."""
    if not snapshot.vix_futures:
        return "none stored (estimated from the term structure)"
    return " · ".join(f"{expiry.strftime('%b')} {price:,.2f}" for expiry, price in snapshot.vix_futures[:count])


class MarketBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("marketBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # The quote's figures change all day: steady labels repaint themselves, never the window.
        self.spx = SteadyLabel("SPX —", "SPX 10,000.00 pts (+1,000.00)")
        self.vix = SteadyLabel("VIX —", "VIX 100.00 pts (+100.00)")
        self.vvix = SteadyLabel("VVIX —", "VVIX 200.00 pts")
        self.curve = ElidedLabel("VX curve (pts): —")
        self.updated = SteadyLabel("Updated —", "Updated 2026-12-31 23:59:59 ET")
        self.source = QLabel("Source: manual")
        self.source_state = SteadyLabel("idle", "connecting")
        self.detail = ElidedLabel("")
        self.spx.setToolTip("S&P 500 index, points (change since the previous stored quote)")
        self.vix.setToolTip("VIX spot index, points")
        self.vvix.setToolTip("VVIX (volatility of VIX), points")
        self.curve.setToolTip("VIX futures by expiry, VIX points")
        self.updated.setToolTip("Time of the quote in use, New York time")
        self.source.setToolTip("Where quotes come from")
        self.source_state.setObjectName("sourceState")
        self.detail.setObjectName("sourceDetail")
        for label in (self.spx, self.vix, self.vvix):
            font = label.font()
            font.setBold(True)
            label.setFont(font)
        self.source_button = QToolButton()
        self.source_button.setText("&Quotes")
        self.source_button.setToolTip("Choose the quote source: manual entry, a watched file, or a replay (Alt+Q)")
        self.source_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 8, 3)
        layout.setSpacing(14)
        for widget in (self.spx, self.vix, self.vvix):
            layout.addWidget(widget)
        layout.addWidget(self.curve, 3)
        layout.addWidget(self.updated)
        layout.addWidget(self.source)
        layout.addWidget(self.source_state)
        layout.addWidget(self.detail, 2)
        layout.addWidget(self.source_button)

    # -- narrow update methods -------------------------------------------------------
    def update_market(self, market: MarketSnapshot | None, previous: MarketSnapshot | None = None) -> None:
        if market is None:
            for label, text in ((self.spx, "SPX —"), (self.vix, "VIX —"), (self.vvix, "VVIX —")):
                label.setText(text)
            self.curve.setText("VX curve (pts): —")
            self.updated.setText("No quote yet")
            return
        self.spx.setText(f"SPX {market.spx:,.2f} pts{_change(market.spx, previous.spx if previous else None)}")
        self.vix.setText(f"VIX {market.vix:,.2f} pts{_change(market.vix, previous.vix if previous else None)}")
        self.vvix.setText(f"VVIX {market.vvix:,.2f} pts" if market.vvix else "VVIX —")
        self.curve.setText(f"VX curve (pts): {futures_text(market)}")
        from planner.ui.formatting import et_time

        self.updated.setText(f"Updated {et_time(market.asof, with_date=True)}")
        source = market.source or "manual"
        self.updated.setToolTip(f"Quote time, New York; stored by: {source}")

    def update_source(self, name: str, state: SourceState, detail: str = "") -> None:
        colour = STATE_COLOURS.get(state, "palette(text)")
        self.source.setText(f"Source: {name}")
        self.source_state.setText(str(state))
        set_style_sheet(self.source_state, f"color: {colour}; font-weight: bold;")
        self.source_state.setToolTip(f"Quote source: {name}, {state}")
        self.detail.setText(detail)
