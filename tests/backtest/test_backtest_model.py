"""Model and program: the backtest prices a book exactly as the live risk engine does; strikes, expiries, costs."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from planner import calendars
from planner.backtest.model import Costs, MarketModel, commission_usd, leg_arrays, slippage_pts
from planner.backtest.strategy import CondorProgram, FridayExpiries, choose_condor, exit_reason
from planner.domain import LayerKind, Position, PositionKind, Settings, Tier
from planner.domain.errors import InputError
from planner.domain.instruments import Settlement
from planner.domain.positions import Book, condor_legs, layer_legs
from planner.pricing import bsm_greeks
from planner.risk import analyze

AT = calendars.settlement_moment(date(2024, 3, 4), "PM")
SPX, VIX = 5130.0, 14.6


def book() -> Book:
    condor = Position(PositionKind.CONDOR, condor_legs(date(2024, 4, 19), (4700, 4750, 5400, 5450), 2,
                                                       Settlement.AM), 2, 6.0, AT, id=1)
    layers = [
        Position(PositionKind.LAYER, layer_legs(kind, expiry, strikes, 3, settlement), 3, 1.0, AT, tier=Tier.MID,
                 layer_kind=kind, id=i)
        for i, (kind, expiry, strikes, settlement) in enumerate((
            (LayerKind.VIX_CALL, date(2024, 4, 17), (18.0,), Settlement.AM),
            (LayerKind.VIX_CALL_SPREAD, date(2024, 5, 22), (20.0, 30.0), Settlement.AM),
            (LayerKind.VIX_FUTURE, date(2024, 6, 18), (), Settlement.AM),
            (LayerKind.SPX_PUT_SPREAD, date(2024, 6, 21), (4600.0, 4100.0), Settlement.PM),
        ), start=2)
    ]
    return Book((condor, *layers))


@pytest.mark.parametrize("vvix", [None, 96.0])
def test_model_values_equal_the_live_risk_engine(vvix):
    settings = Settings()
    model = MarketModel(settings)
    market = model.snapshot(AT, SPX, VIX, vvix)
    report = analyze(book(), market, settings, at=AT, light=True, scenarios=False)
    assert not report.notes  # every VIX future the book holds is on the snapshot's curve
    for position in book().positions:
        arrays = leg_arrays(list(position.legs), AT)
        value = float(arrays.weight @ model.leg_prices(arrays, SPX, VIX, vvix))
        row = report.position(position.id)
        held = row.value_usd if row.notional_usd is None else row.notional_usd  # a VX future: its notional
        assert value == pytest.approx(held, rel=1e-10, abs=1e-8)


def test_the_snapshot_curve_is_the_term_structure():
    settings = Settings()
    market = MarketModel(settings).snapshot(AT, SPX, 30.0, None)
    expiry, price = market.vix_futures[0]
    years = calendars.time_to_expiry(AT, expiry, "AM")
    assert price == pytest.approx(20.0 * 1.5 ** np.exp(-5.4 * years))  # m (VIX / m) ** exp(-kappa T), VIX 30
    assert [d for d, _ in market.vix_futures] == [e for e in calendars.vix_expirations(date(2024, 3, 5),
                                                                                        date(2024, 11, 29))]


def test_the_program_sells_the_delta_it_is_asked_for():
    program = CondorProgram()
    model = MarketModel(Settings())
    expiries = FridayExpiries(date(2024, 1, 2), date(2024, 12, 31))
    choice = choose_condor(program, model, expiries, AT, SPX, VIX)
    assert (choice.expiry - AT.date()).days == 46 and choice.expiry.weekday() == 4  # 2024-04-19, monthly: AM
    assert choice.settlement is Settlement.AM
    k1, k2, k3, k4 = choice.strikes
    assert k2 - k1 == k4 - k3 == 50.0  # 1 % of SPX, on the 5-point ladder
    years = calendars.time_to_expiry(AT, choice.expiry, "AM")
    deltas = bsm_greeks([False, True], SPX, [k2, k3], years, model.spx_iv([k2, k3], SPX, VIX), model.rate,
                        model.div_yield).delta
    assert np.abs(np.abs(deltas) - 0.16).max() < 0.01
    assert 0 < choice.mid_credit_pts < 50.0


def test_friday_expiries_that_existed_on_each_date():
    expiries = FridayExpiries(date(2004, 1, 2), date(2016, 12, 30))
    before_weeklies = [e for e, _ in expiries.listed(date(2004, 6, 1))[:3]]
    assert before_weeklies == [date(2004, 6, 18), date(2004, 7, 16), date(2004, 8, 20)]  # monthlies only
    listed = dict(expiries.listed(date(2015, 3, 23))[:3])
    assert listed == {date(2015, 3, 27): Settlement.PM, date(2015, 4, 2): Settlement.PM,  # Good Friday: Thursday
                      date(2015, 4, 10): Settlement.PM}
    assert dict(expiries.listed(date(2015, 4, 10)))[date(2015, 4, 17)] is Settlement.AM  # the monthly


def test_exits_and_costs():
    program = CondorProgram(profit_target_pct=50.0, loss_multiple=2.0, exit_days_before_expiry=7)
    assert exit_reason(program, 2.0, 1.0, 20, False) == "profit"
    assert exit_reason(program, 2.0, 5.99, 20, False) is None
    assert exit_reason(program, 2.0, 6.0, 20, False) == "loss"
    assert exit_reason(program, 2.0, 1.5, 7, False) == "time"
    assert exit_reason(program, 2.0, 1.5, 0, True) == "expiry"
    legs = condor_legs(date(2024, 4, 19), (4700, 4750, 5400, 5450), 2)
    prices = np.array([2.0, 5.0, 3.0, 1.0])
    # spreads max(0.10, 4 %): 0.10, 0.20, 0.12, 0.10 points; a quarter of it per leg, per condor.
    assert slippage_pts(list(legs), prices, Costs()) == pytest.approx(0.25 * 0.52)
    assert commission_usd(legs, Costs(commission_usd=1.0)) == 8.0  # 4 legs x 2 contracts
    assert commission_usd(legs, Costs(commission_usd=1.0), packages=1) == 4.0
    with pytest.raises(InputError, match="slippage"):
        Costs(slippage_fraction=2.0)
    with pytest.raises(InputError, match="exit-days"):
        CondorProgram(target_dte_days=7, exit_days_before_expiry=7)


def test_the_nearest_expiry_is_the_best_of_all_listed_ones():
    expiries = FridayExpiries(date(2005, 6, 1), date(2007, 6, 1))  # monthlies only, then weeklies from 2005-10-28

    def brute_force(day, target_days, min_days):
        choices = [(e, s) for e, s in expiries.listed(day) if (e - day).days > min_days]
        return min(choices, key=lambda c: (abs((c[0] - day).days - target_days), -(c[0] - day).days), default=None)

    day = date(2005, 6, 1)
    while day < date(2007, 6, 1):
        for target_days, min_days in ((45, 8), (30, 0), (7, 3), (60, -5), (1, 0), (90, 60)):
            assert expiries.nearest(day, target_days, min_days) == brute_force(day, target_days, min_days)
        day += timedelta(days=3)
    assert expiries.nearest(date(2007, 6, 1), 45, 800) is None  # nothing listed that far out


def test_stored_vx_settlements_price_the_futures_and_the_options_on_them_as_the_risk_engine_does():
    settings = Settings()
    first = calendars.vix_expirations(date(2024, 3, 5), date(2024, 4, 30))[0]
    stored = {AT.date(): {first: 17.85}}
    model = MarketModel(settings, vx_settlements=stored)
    market = model.snapshot(AT, SPX, VIX, 96.0)
    assert market.vix_futures[0] == (first, 17.85)
    assert market.vix_futures[1][1] == pytest.approx(float(MarketModel(settings).snapshot(AT, SPX, VIX, 96.0)
                                                           .vix_futures[1][1]))
    held = Book((Position(PositionKind.LAYER, layer_legs(LayerKind.VIX_CALL, first, (18.0,), 2), 2, 1.0, AT,
                          tier=Tier.NEAR, layer_kind=LayerKind.VIX_CALL, id=1),
                 Position(PositionKind.LAYER, layer_legs(LayerKind.VIX_FUTURE, first, (), 1), 1, 17.0, AT,
                          tier=Tier.NEAR, layer_kind=LayerKind.VIX_FUTURE, id=2)))
    report = analyze(held, market, settings, at=AT, light=True, scenarios=False)
    for position in held.positions:
        arrays = leg_arrays(list(position.legs), AT)
        value = float(arrays.weight @ model.leg_prices(arrays, SPX, VIX, 96.0))
        row = report.position(position.id)
        held_value = row.value_usd if row.notional_usd is None else row.notional_usd  # a VX future: its notional
        assert value == pytest.approx(held_value, rel=1e-10)
    assert float(model.leg_prices(leg_arrays(list(held.positions[1].legs), AT), SPX, VIX, 96.0)[0]) == 17.85


def test_spreads_widen_with_vix():
    model = MarketModel(Settings())
    legs = condor_legs(date(2024, 4, 19), (4700, 4750, 5400, 5450), 1)
    prices = np.array([2.0, 5.0, 3.0, 1.0])
    calm = slippage_pts(list(legs), prices, Costs(), model.spread_widening(20.0))
    spike = slippage_pts(list(legs), prices, Costs(), model.spread_widening(40.0))
    assert calm == pytest.approx(0.25 * 0.52) and spike == pytest.approx(calm * 2 ** 0.5)
