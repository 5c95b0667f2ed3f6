"""The VIX option vol surface: ATM from VVIX (or VIX), lower for longer tenors, higher for OTM calls."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.domain import Settings
from planner.pricing.prices import black76_price
from planner.risk.vix_option_vol import estimated_vvix, vix_option_iv

DAY = 1 / 365
THIRTY_DAYS = 30 * DAY


def test_at_the_money_at_30_days_it_is_vvix_over_100_times_c():
    for vvix in (70.0, 95.0, 160.0):
        # c = 1: exactly VVIX / 100, the reading of "VVIX is the 30-day vol of VIX".
        at_one = vix_option_iv(18.0, 18.0, THIRTY_DAYS, 15.0, vvix, Settings(vix_option_atm_vvix_ratio=1.0))
        assert float(at_one) == pytest.approx(vvix / 100, rel=1e-12)
        # The default c = 0.85: VVIX, a strip index weighting the OTM calls, sits above ATM vol.
        assert float(vix_option_iv(18.0, 18.0, THIRTY_DAYS, 15.0, vvix, Settings())) == pytest.approx(
            0.85 * vvix / 100, rel=1e-12)


@given(vvix=st.floats(60, 200), vix=st.floats(9, 80), future=st.floats(10, 60),
       strike=st.floats(5, 120), short=st.integers(8, 200), extra=st.integers(1, 300))
def test_vol_falls_with_tenor(vvix, vix, future, strike, short, extra):
    settings = Settings()
    near, far = vix_option_iv(strike, future, [short * DAY, (short + extra) * DAY], vix, vvix, settings)
    assert far < near


@given(vvix=st.floats(60, 200), future=st.floats(10, 60), days=st.integers(1, 300),
       moneyness=st.floats(0.0, 0.6), step=st.floats(0.01, 0.5))
def test_vol_rises_with_strike_above_the_money(vvix, future, days, moneyness, step):
    strikes = future * np.exp([moneyness, moneyness + step])  # out-of-the-money calls, up to the smile's cap
    low, high = vix_option_iv(strikes, future, days * DAY, 16.0, vvix, Settings())
    assert high > low


def test_otm_calls_above_atm_and_a_five_month_30pct_otm_call_is_not_priced_like_a_3_week_atm_one():
    settings = Settings()
    atm_3w, otm_5m = vix_option_iv([20.0, 26.0], 20.0, [21 * DAY, 150 * DAY], 16.0, 90.0, settings)
    assert otm_5m < atm_3w  # tenor wins over skew at these settings
    atm_5m, otm_5m_again = vix_option_iv([20.0, 26.0], 20.0, 150 * DAY, 16.0, 90.0, settings)
    assert otm_5m_again == otm_5m and otm_5m > atm_5m


def test_without_vvix_it_is_estimated_from_vix_and_rises_with_it():
    settings = Settings()
    assert estimated_vvix(19.8, settings) == pytest.approx(94.0)
    assert estimated_vvix(40.0, settings) > estimated_vvix(12.0, settings)
    assert float(vix_option_iv(18.0, 18.0, THIRTY_DAYS, 30.0, None, settings)) == pytest.approx(
        0.85 * 94.0 * (30.0 / 19.8) ** 0.41 / 100)


def strip_index(future, years, atm_30d, settings):
    """Cboe's VIX formula (continuous strikes): sqrt(2/T sum dK/K^2 Q(K)) over OTM options on the model smile."""
    strikes = np.linspace(0.3 * future, 6.0 * future, 20001)
    vols = vix_option_iv(strikes, future, years, 16.0, atm_30d * 100 / settings.vix_option_atm_vvix_ratio, settings)
    otm = black76_price(strikes >= future, future, strikes, years, vols, 0.0)
    return float(np.sqrt(2.0 / years * np.trapezoid(otm / strikes**2, strikes)))


def test_the_default_smile_is_consistent_with_c_at_typical_vvix():
    # At VVIX 90 the model's own 30-day strip (what Cboe computes as VVIX) comes back to VVIX within 2 %:
    # c, skew and curvature fit together.
    settings = Settings()
    assert strip_index(18.0, THIRTY_DAYS, 0.85 * 0.90, settings) == pytest.approx(0.90, rel=0.02)
