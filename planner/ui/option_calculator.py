"""Option calculator: one SPX or VIX option in; price, Greeks and implied vol out.

SPX options are priced with Black-Scholes-Merton on spot with the dividend
yield; VIX options with Black-76 on the VIX future of their own expiry, never
on spot VIX, so the panel asks for that future.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from planner.domain.errors import PlannerError
from planner.domain.instruments import MULTIPLIER, Instrument, Settlement
from planner.domain.units import points, usd, vol_percent
from planner.risk.option_quote import OptionSpec, implied_vol_of, quote_option
from planner.ui.inputs import number_box
from planner.ui.market_bar import MarketInputs

OUTPUT_ROWS = (
    ("time", "Time to expiry"),
    ("price", "Price"),
    ("delta", "Delta"),
    ("gamma", "Gamma"),
    ("vega", "Vega"),
    ("theta", "Theta"),
    ("implied", "Implied vol of typed price"),
)


class OptionCalculator(QWidget):
    def __init__(self, market: MarketInputs, parent: QWidget | None = None, clock=None) -> None:
        super().__init__(parent)
        self._market = market
        self._clock = clock or (lambda: datetime.now(UTC))
        self.instrument = QComboBox()
        self.instrument.addItem("SPX option (BSM on spot)", Instrument.SPX_OPTION)
        self.instrument.addItem("VIX option (Black-76 on its future)", Instrument.VIX_OPTION)
        self.instrument.setToolTip("SPX options use spot and the dividend yield; VIX options use their own VIX future")
        self.right = QComboBox()
        self.right.addItem("Put", False)
        self.right.addItem("Call", True)
        self.right.setToolTip("Option right")
        self.settlement = QComboBox()
        self.settlement.addItem("PM (official close)", Settlement.PM)
        self.settlement.addItem("AM (opening print)", Settlement.AM)
        self.settlement.setToolTip("PM: SPXW, settles at the close. AM: monthly SPX and all VIX options, at 09:30 ET")
        self.expiry = QDateEdit()
        self.expiry.setCalendarPopup(True)
        self.expiry.setDisplayFormat("yyyy-MM-dd")
        today = self._clock().date()
        self.expiry.setMinimumDate(QDate(today.year, today.month, today.day))
        default_expiry = today + timedelta(days=30)
        self.expiry.setDate(QDate(default_expiry.year, default_expiry.month, default_expiry.day))
        self.expiry.setToolTip("Expiry date; time runs to the settlement moment in New York time")
        self.strike = number_box(0.01, 100_000.0, round(market.spx * 0.95 / 5) * 5, 2, 5.0, "pts", "Strike")
        self.future = number_box(1.0, 200.0, market.vix, 2, 0.05, "pts", "VIX future of the option's expiry")
        self.vol = number_box(0.1, 500.0, 18.0, 2, 0.5, "%", "Implied volatility, annual")
        self.typed_price = number_box(0.0, 100_000.0, 0.0, 2, 0.05, "pts", "A market price to imply the vol from")
        self.typed_price.setSpecialValueText("none")

        inputs = QGroupBox("Option")
        form = QFormLayout(inputs)
        form.addRow("&Instrument", self.instrument)
        form.addRow("&Right", self.right)
        form.addRow("&Expiry", self.expiry)
        form.addRow("Se&ttlement", self.settlement)
        form.addRow("Stri&ke", self.strike)
        self.future_label = QLabel("VIX &future")
        self.future_label.setBuddy(self.future)
        form.addRow(self.future_label, self.future)
        form.addRow("Implied &vol", self.vol)
        form.addRow("Market &price", self.typed_price)

        outputs = QGroupBox("Value and Greeks (one contract)")
        grid = QGridLayout(outputs)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        self.per_unit: dict[str, QLabel] = {}
        self.per_contract: dict[str, QLabel] = {}
        header_unit, header_contract = QLabel("per unit"), QLabel("per contract")
        for header in (header_unit, header_contract):
            header.setObjectName("columnHeader")
            header.setAlignment(Qt.AlignmentFlag.AlignRight)
        grid.addWidget(header_unit, 0, 1)
        grid.addWidget(header_contract, 0, 2)
        for row, (key, title) in enumerate(OUTPUT_ROWS, start=1):
            grid.addWidget(QLabel(title), row, 0)
            for column, store in ((1, self.per_unit), (2, self.per_contract)):
                value = QLabel("—")
                value.setObjectName(f"{key}_{'unit' if column == 1 else 'contract'}")
                value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                grid.addWidget(value, row, column)
                store[key] = value
        self.message = QLabel()
        self.message.setObjectName("calculatorMessage")
        self.message.setWordWrap(True)
        grid.addWidget(self.message, len(OUTPUT_ROWS) + 1, 0, 1, 3)
        grid.setRowStretch(len(OUTPUT_ROWS) + 2, 1)

        layout = QHBoxLayout(self)
        layout.addWidget(inputs, 2)
        layout.addWidget(outputs, 3)

        for combo in (self.instrument, self.right, self.settlement):
            combo.currentIndexChanged.connect(self._on_instrument_or_input)
        for box in (self.strike, self.future, self.vol, self.typed_price):
            box.valueChanged.connect(self.recalculate)
        self.expiry.dateChanged.connect(self.recalculate)
        self._on_instrument_or_input()

    # -- narrow update methods -------------------------------------------------
    def update_market(self, market: MarketInputs) -> None:
        self._market = market
        self.recalculate()

    # -- internals --------------------------------------------------------------
    def _is_vix(self) -> bool:
        return Instrument(self.instrument.currentData()) is Instrument.VIX_OPTION  # Qt returns enum data as str

    def _on_instrument_or_input(self, *_: object) -> None:
        vix = self._is_vix()
        self.future.setVisible(vix)
        self.future_label.setVisible(vix)
        if vix:
            self.settlement.setCurrentIndex(self.settlement.findData(Settlement.AM.value))
        self.settlement.setEnabled(not vix)
        self.recalculate()

    def spec(self) -> OptionSpec:
        qdate = self.expiry.date()
        vix = self._is_vix()
        return OptionSpec(
            instrument=Instrument(self.instrument.currentData()),
            is_call=bool(self.right.currentData()),
            strike=self.strike.value(),
            expiry=date(qdate.year(), qdate.month(), qdate.day()),
            settlement=Settlement.AM if vix else Settlement(self.settlement.currentData()),
            underlying=self.future.value() if vix else self._market.spx,
            vol=self.vol.value() / 100.0,
            rate=self._market.rate,
            div_yield=0.0 if vix else self._market.div_yield,
        )

    def recalculate(self, *_: object) -> None:
        now = self._clock()
        try:
            spec = self.spec()
            quote = quote_option(spec, now)
        except (PlannerError, ValueError) as error:
            self._clear(str(error))
            return
        unit = "VIX pts" if self._is_vix() else "SPX pts"
        self.per_unit["time"].setText(f"{quote.days:,.2f} days")
        self.per_contract["time"].setText(f"{quote.years:.5f} years")
        self.per_unit["price"].setText(points(quote.price, 2))
        self.per_contract["price"].setText(usd(quote.price_usd, 2))
        self.per_unit["delta"].setText(f"{quote.delta:+.4f} per pt")
        self.per_contract["delta"].setText(f"{usd(quote.delta_usd, 2)} per {unit[:-4]} pt")
        self.per_unit["gamma"].setText(f"{quote.gamma:.6f} per pt")
        self.per_contract["gamma"].setText(f"{usd(quote.gamma * quote.multiplier, 2)} per pt²")
        self.per_unit["vega"].setText(points(quote.vega_usd / quote.multiplier, 4, "pts per vol pt"))
        self.per_contract["vega"].setText(f"{usd(quote.vega_usd, 2)} per vol pt")
        self.per_unit["theta"].setText(points(quote.theta_usd / quote.multiplier, 4, "pts per day"))
        self.per_contract["theta"].setText(f"{usd(quote.theta_usd, 2)} per day")
        self._show_implied(spec, now)

    def _show_implied(self, spec: OptionSpec, now: datetime) -> None:
        typed = self.typed_price.value()
        if typed <= 0:
            self.per_unit["implied"].setText("—")
            self.per_contract["implied"].setText("")
            self.message.setText("Type a market price to see its implied volatility.")
            return
        vol = implied_vol_of(spec, typed, now)
        if math.isnan(vol):
            self.per_unit["implied"].setText("none")
            self.per_contract["implied"].setText("")
            self.message.setText(
                f"No implied vol: {points(typed)} is outside the no-arbitrage bounds for this option."
            )
            return
        self.per_unit["implied"].setText(vol_percent(vol))
        self.per_contract["implied"].setText(usd(typed * MULTIPLIER[spec.instrument], 2))
        self.message.setText("")

    def _clear(self, reason: str) -> None:
        for store in (self.per_unit, self.per_contract):
            for label in store.values():
                label.setText("—")
        self.message.setText(reason)
