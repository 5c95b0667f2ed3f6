"""The option calculator panel: what a trader types in, what comes out, with units."""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QDate

from planner.calendars import time_to_expiry
from planner.pricing import bsm_greeks
from planner.ui.market_bar import MarketInputs
from planner.ui.option_calculator import OptionCalculator

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=ZoneInfo("America/New_York"))
MARKET = MarketInputs(spx=5900.0, vix=16.0, rate=0.045, div_yield=0.013)


@pytest.fixture
def calculator(qtbot):
    widget = OptionCalculator(MARKET, clock=lambda: NOW)
    qtbot.addWidget(widget)
    widget.expiry.setDate(QDate(2026, 12, 18))
    widget.strike.setValue(5600.0)
    widget.vol.setValue(20.0)
    return widget


def test_price_and_greeks_match_the_pricing_core_with_units(calculator):
    years = time_to_expiry(NOW, date(2026, 12, 18), "PM")
    expected = bsm_greeks(False, 5900.0, 5600.0, years, 0.20, 0.045, 0.013)
    assert calculator.per_unit["price"].text() == f"{float(expected.price):,.2f} pts"
    assert calculator.per_contract["price"].text() == f"${float(expected.price) * 100:,.2f}"
    assert calculator.per_contract["vega"].text() == f"${float(expected.vega) * 100:,.2f} per vol pt"
    assert calculator.per_contract["theta"].text().endswith("per day")


def test_typed_price_gives_back_the_vol_that_made_it(calculator, qtbot):
    price = calculator.per_unit["price"].text().split()[0].replace(",", "")
    calculator.typed_price.clear()
    qtbot.keyClicks(calculator.typed_price, price)
    assert calculator.per_unit["implied"].text() == "20.00 %"


def test_a_price_below_intrinsic_has_no_implied_vol(calculator):
    calculator.right.setCurrentIndex(calculator.right.findData(True))  # a call
    calculator.typed_price.setValue(1.0)  # the 5600 call is 300 points in the money
    assert calculator.per_unit["implied"].text() == "none"
    assert "no-arbitrage bounds" in calculator.message.text()


def test_market_change_reprices(calculator):
    before = calculator.per_unit["price"].text()
    calculator.update_market(MarketInputs(spx=5700.0, vix=22.0, rate=0.045, div_yield=0.013))
    assert calculator.per_unit["price"].text() != before


def test_a_weekend_expiry_is_a_message_not_a_crash(calculator):
    calculator.expiry.setDate(QDate(2026, 12, 19))  # a Saturday: no settlement that day
    assert calculator.per_unit["price"].text() == "—"
    assert "2026-12-19" in calculator.message.text()
