"""Price bounds: every model price lies inside the no-arbitrage bounds the checks use (Black-76 as
the independent reference), and the quote checks fire on the issue's typos and not on real days."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from planner.domain import LayerKind, Settings
from planner.domain.bounds import curve_doubts, fair_value_doubt, option_bounds, quote_doubts
from planner.pricing import black76_greeks

SETTINGS = Settings()


@hypothesis_settings(deadline=None)  # the first example pays for importing the pricing kernels
@given(forward=st.floats(5, 150), strike=st.floats(5, 150), width=st.floats(0.5, 50), years=st.floats(0.01, 1.5),
       vol=st.floats(0.2, 3.0), rate=st.floats(0.0, 0.08))
def test_black76_prices_lie_within_the_bounds(forward, strike, width, years, vol, rate):
    discount = math.exp(-rate * years)
    calls = black76_greeks([True, True], forward, [strike, strike + width], years, vol, rate).price
    low, high = option_bounds(LayerKind.VIX_CALL, (strike,), forward, discount)
    assert low - 1e-9 <= calls[0] <= high + 1e-9
    low, high = option_bounds(LayerKind.VIX_CALL_SPREAD, (strike, strike + width), forward, discount)
    assert low - 1e-9 <= calls[0] - calls[1] <= high + 1e-9
    puts = black76_greeks([False, False], forward, [strike + width, strike], years, vol, rate).price
    low, high = option_bounds(LayerKind.SPX_PUT_SPREAD, (strike + width, strike), forward, discount)
    assert low - 1e-9 <= puts[0] - puts[1] <= high + 1e-9


def test_a_slipped_decimal_point_is_doubted_either_way_a_normal_miss_is_not():
    assert fair_value_doubt(11.0, 1.1, SETTINGS) is not None
    assert fair_value_doubt(0.11, 1.1, SETTINGS) is not None
    assert fair_value_doubt(0.9, 1.1, SETTINGS) is None
    assert fair_value_doubt(0.3, 0.1, SETTINGS) is None  # three times, but within the 0.5-point floor
    assert fair_value_doubt(1.2, 12.0, SETTINGS) is not None
    assert fair_value_doubt(16.0, 12.0, SETTINGS) is None


@pytest.mark.parametrize("spx,vix,last_spx,last_vix,doubted", [
    (59000, 19, 5900, 19, ["spx"]),          # a typo of 5900
    (5900, 500, 5900, 19, ["vix"]),          # outside 5-200
    (5900, 60, 5900, 19, ["vix"]),           # tripled in one quote
    (2386.13, 82.69, 2711.02, 57.83, []),    # 2020-03-16: -12 %, VIX x 1.43
    (1738.74, 150.0, 2246.74, 36.0, ["spx", "vix"]),  # 19 Oct 1987 (VXO x 4.1): real, and confirmed
    (5186.33, 38.57, 5346.56, 23.39, []),    # 2024-08-05
])
def test_quote_doubts_on_typos_and_on_real_days(spx, vix, last_spx, last_vix, doubted):
    assert [d.field for d in quote_doubts(spx, vix, (), last_spx, last_vix, SETTINGS)] == doubted


def test_a_future_far_from_its_neighbours_is_doubted_a_spiking_curve_is_not():
    typo = ((date(2026, 12, 16), 45.0), (date(2027, 1, 20), 19.5))
    assert [d.field for d in curve_doubts(19.0, typo, SETTINGS)] == ["future 2026-12-16"]
    march_2020 = ((date(2020, 3, 18), 75.0), (date(2020, 4, 15), 47.0), (date(2020, 5, 20), 40.0))
    assert curve_doubts(82.69, march_2020, SETTINGS) == []
