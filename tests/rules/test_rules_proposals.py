"""Tier expiries and strikes on the listed ladders, and estimated prices from independent formulas."""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest
from rules_books import ET, NOW, VIX_DEC, VIX_FEB, VIX_JAN, VIX_MAR, book, market, vix_call, vix_call_spread
from scipy.stats import norm

from planner import calendars
from planner.domain import LayerKind, Settings
from planner.rules.proposals import (
    backstop_spec,
    roll_spec,
    spx_strike,
    tier_spec,
    tier_vix_expiry,
    vix_option_spec,
    vix_strike,
)

SETTINGS = Settings()


def black76_call(forward, strike, years, vol, rate):
    d1 = (math.log(forward / strike) + 0.5 * vol * vol * years) / (vol * math.sqrt(years))
    d2 = d1 - vol * math.sqrt(years)
    discount = math.exp(-rate * years)
    return discount * (forward * norm.cdf(d1) - strike * norm.cdf(d2)), discount * norm.cdf(d1)


def years_to(expiry: date, hour: int = 9, minute: int = 30) -> float:
    settles = datetime(expiry.year, expiry.month, expiry.day, hour, minute, tzinfo=ET)
    return (settles - NOW).total_seconds() / (365 * 86400)


@pytest.mark.parametrize(("level", "strike"), [
    (0.4, 1.0), (17.49, 17.0), (17.5, 18.0), (21.36, 21.0), (49.6, 50.0), (50.0, 50.0),
    (52.49, 50.0), (52.5, 55.0), (57.4, 55.0), (63.0, 65.0),
])
def test_vix_strikes_step_by_one_to_50_then_by_five(level, strike):
    assert vix_strike(level) == strike


def test_spx_strikes_sit_on_the_five_point_ladder():
    assert spx_strike(5312.4) == 5310.0
    assert spx_strike(5312.5) == 5315.0


def test_tier_expiries_follow_the_table_on_listed_vix_expiries():
    assert tier_vix_expiry("near", NOW, SETTINGS) == VIX_DEC  # 23 days, the front one with >= 14 left
    # 16 Dec (23 days) is nearer 37 days than 20 Jan (58), but it is near's: mid takes the next one.
    assert tier_vix_expiry("mid", NOW, SETTINGS) == VIX_JAN
    assert tier_vix_expiry("long", NOW, SETTINGS) == VIX_MAR  # 86 days (17 Feb) is short of 90
    later = datetime(2026, 12, 2, 14, 0, tzinfo=ET)  # Dec 16 now 14 days out: still the near one
    assert tier_vix_expiry("near", later, SETTINGS) == VIX_DEC
    assert tier_vix_expiry("near", later.replace(day=3), SETTINGS) == VIX_JAN  # 13 days: too close
    # 14 Dec: 20 Jan (37 days) is the front one with >= 14 days, so near's; mid the one after, never the same.
    assert tier_vix_expiry("near", later.replace(day=14), SETTINGS) == VIX_JAN
    assert tier_vix_expiry("mid", later.replace(day=14), SETTINGS) == VIX_FEB
    assert tier_vix_expiry("mid", NOW, Settings(mid_target_days=45)) == VIX_JAN


def surface_iv(strike, future, years, atm_30d):
    """The documented VIX option surface with the default settings, written out independently:
    ATM(30 d) x (T / 30 d) ** -0.3 (tenors under 7 days as 7) x (1 + 0.8 k + k^2), k = ln(K / F)."""
    k = math.log(strike / future)
    return atm_30d * (max(years, 7 / 365) / (30 / 365)) ** -0.3 * (1 + 0.8 * k + k * k)


def test_mid_tier_call_is_priced_with_black76_on_its_future_at_the_vvix_surface():
    snapshot = market(vix=24.0)
    spec = tier_spec("mid", snapshot, SETTINGS, NOW, book())
    future = snapshot.future_price(VIX_JAN)
    assert spec.layer_kind is LayerKind.VIX_CALL and spec.expiry == VIX_JAN
    assert spec.strikes == (round(future * 1.2),)
    iv = surface_iv(spec.strikes[0], future, years_to(VIX_JAN), 0.85 * 0.90)  # c x VVIX 90 / 100
    assert spec.iv == pytest.approx(iv, rel=1e-12)
    price, delta = black76_call(future, spec.strikes[0], years_to(VIX_JAN), iv, 0.045)
    assert spec.price_pts == pytest.approx(price, rel=1e-9)
    # Protection of one contract: dV/dF x d(T) x 100, d(T) = exp(-4.3 T).
    assert spec.protection_usd == pytest.approx(delta * math.exp(-4.3 * years_to(VIX_JAN)) * 100, rel=1e-9)


def test_vix_iv_comes_from_a_layer_of_the_same_expiry_then_vvix_then_the_setting():
    snapshot = market(vix=16.0)
    held = book(vix_call(strike=18.0, iv=0.72, expiry=VIX_DEC, position_id=10),
                vix_call(strike=25.0, iv=1.10, expiry=VIX_DEC, position_id=11))
    assert vix_option_spec("near", VIX_DEC, snapshot, SETTINGS, NOW, held).iv == pytest.approx(0.72)  # strike 19
    assert vix_option_spec("near", VIX_DEC, snapshot, SETTINGS, NOW, held, strike=24.0).iv == pytest.approx(1.10)
    march = calendars.time_to_expiry(NOW, VIX_MAR, "AM")  # across the DST change: the exchange calendar's hours
    long = vix_option_spec("long", VIX_MAR, snapshot, SETTINGS, NOW, held)
    assert long.iv == pytest.approx(surface_iv(long.strikes[0], long.future_pts, march, 0.85 * 0.90))
    no_vvix = market(vix=16.0, vvix=None)
    # Without VVIX it is estimated from VIX: 94 x (16 / 19.8) ** 0.41.
    estimated = vix_option_spec("long", VIX_MAR, no_vvix, SETTINGS, NOW, held)
    assert estimated.iv == pytest.approx(surface_iv(estimated.strikes[0], estimated.future_pts, march,
                                                    0.85 * 0.94 * (16 / 19.8) ** 0.41))
    flat = Settings(vvix_from_vix=False, vix_option_default_vol=0.8, vix_option_term_exponent=0.0,
                    vix_option_skew=0.0, vix_option_smile_curvature=0.0)  # the old flat vol, when asked for
    assert vix_option_spec("long", VIX_MAR, no_vvix, flat, NOW, held).iv == 0.8


def test_an_unlisted_future_comes_from_the_term_structure():
    snapshot = market(vix=30.0, futures={VIX_JAN: 27.0})
    spec = tier_spec("near", snapshot, SETTINGS, NOW, book())
    years = years_to(VIX_DEC)
    assert spec.future_pts == pytest.approx(20 * (30 / 20) ** math.exp(-5.4 * years))  # above m: the spike pull


def test_backstop_is_a_put_spread_10_and_20_percent_below_spot_on_the_first_spx_monthly_past_90_days():
    spec = backstop_spec(market(vix=20.0, spx=5900.0), SETTINGS, NOW)
    assert spec.layer_kind is LayerKind.SPX_PUT_SPREAD and spec.tier == "long"
    assert spec.expiry == date(2027, 3, 19)  # 21 Feb (Feb 19) is 88 days out
    assert spec.strikes == (5310.0, 4720.0)
    assert spec.price_pts > 0 and spec.protection_usd > 0


def test_rolls_keep_the_kind_and_a_spread_keeps_its_width():
    snapshot = market(vix=20.0)
    spread = vix_call_spread(strikes=(20.0, 30.0), expiry=VIX_DEC, tier="mid")
    spec = roll_spec(spread, snapshot, SETTINGS, NOW, book(spread))
    assert spec.layer_kind is LayerKind.VIX_CALL_SPREAD and spec.expiry == VIX_JAN
    assert spec.strikes[1] - spec.strikes[0] == 10.0
    call = vix_call(tier="long", expiry=VIX_JAN)
    assert roll_spec(call, snapshot, SETTINGS, NOW, book(call)).expiry == VIX_MAR


def test_the_longest_settings_still_find_an_expiry():
    far = Settings(long_min_days=1000, near_min_days=365, mid_target_days=365)
    assert (tier_vix_expiry("long", NOW, far) - NOW.date()).days >= 1000
    assert (backstop_spec(market(), far, NOW).expiry - NOW.date()).days >= 1000


def test_a_call_spreads_short_leg_takes_its_own_point_on_the_smile():
    snapshot = market(vix=20.0)
    spec = vix_option_spec("mid", VIX_DEC, snapshot, SETTINGS, NOW, book(), spread_width=10.0)
    long_strike, short_strike = spec.strikes
    years = calendars.time_to_expiry(NOW, VIX_DEC, "AM")
    long_iv = surface_iv(long_strike, spec.future_pts, years, 0.85 * 0.90)
    short_iv = surface_iv(short_strike, spec.future_pts, years, 0.85 * 0.90)
    assert (spec.iv, spec.short_iv) == (pytest.approx(long_iv), pytest.approx(short_iv)) and short_iv > long_iv
    long_price, _ = black76_call(spec.future_pts, long_strike, years, long_iv, 0.045)
    short_price, _ = black76_call(spec.future_pts, short_strike, years, short_iv, 0.045)
    assert spec.price_pts == pytest.approx(long_price - short_price, rel=1e-9)
    assert [leg.iv for leg in spec.legs(2)] == [spec.iv, spec.short_iv]  # accepted legs keep both vols
