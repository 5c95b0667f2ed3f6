"""Each payoff rule once, against numbers worked by hand from DOMAIN.md's formulas."""

from datetime import UTC, date, datetime

import pytest

from planner.domain import Instrument, LayerKind, Position, PositionKind
from planner.domain.expected_move import expected_move, expected_move_bands
from planner.domain.instruments import MULTIPLIER, multiplier
from planner.domain.payoff import (
    condor_break_evens,
    condor_max_loss,
    condor_max_profit,
    condor_net_credit,
    max_loss,
    max_profit,
    position_break_evens,
    widest_wing,
)
from planner.domain.positions import condor_legs, layer_legs

EXPIRY = date(2026, 12, 18)
OPENED = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


def condor(strikes, qty, credit, fees=0.0) -> Position:
    legs = tuple(leg.with_changes(fees=fees / 4) for leg in condor_legs(EXPIRY, strikes, qty))
    return Position(PositionKind.CONDOR, legs, qty, credit, OPENED)


def layer(kind, strikes, qty, price, fees=0.0) -> Position:
    legs = layer_legs(kind, EXPIRY, strikes, qty)
    legs = tuple(leg.with_changes(fees=fees / len(legs)) for leg in legs)
    return Position(PositionKind.LAYER, legs, qty, price, OPENED, layer_kind=kind)


def test_the_multiplier_table_is_cboes_contract_sizes():
    assert multiplier(Instrument.SPX_OPTION) == 100  # $100 x SPX
    assert multiplier(Instrument.VIX_OPTION) == 100  # $100 x VIX
    assert multiplier(Instrument.VIX_FUTURE) == 1000  # $1,000 x VX
    assert multiplier("vix-future") == 1000
    assert {leg.multiplier for leg in condor_legs(EXPIRY, (5400, 5450, 6300, 6350), 1)} == {100}
    assert layer_legs(LayerKind.VIX_FUTURE, EXPIRY, (), 1)[0].multiplier == MULTIPLIER[Instrument.VIX_FUTURE]
    with pytest.raises(ValueError):
        multiplier("es-future")


def test_break_evens_move_inward_by_the_fees_per_condor():
    # The condor: 9.50 credit, $27 for 3 condors = 0.09 pts each, 9.41 kept.
    assert condor_net_credit(9.5, 3, 27.0) == pytest.approx(9.41)
    assert condor_break_evens((5450, 5500, 6350, 6400), 9.5, 3, 27.0) == (5490.59, 6359.41)
    assert condor_break_evens((5450, 5500, 6350, 6400), 9.5, 3) == (5490.5, 6359.5)
    # Strikes in any order: K2 and K3 are the inner pair.
    assert condor_break_evens((6400, 5450, 6350, 5500), 9.5, 3, 27.0) == (5490.59, 6359.41)


def test_no_break_even_once_the_fees_take_the_whole_credit():
    assert condor_break_evens((5400, 5450, 6300, 6350), 0.05, 1, 5.0) is None  # 0.05 x 100 = $5: nothing kept
    assert condor_break_evens((5400, 5450, 6300, 6350), 0.05, 1, 4.99) == (5449.9999, 6300.0001)


def test_max_loss_is_the_widest_wing_less_the_credit_plus_fees():
    assert widest_wing((5400, 5450, 6300, 6375)) == 75
    # (75 - 4.20) x 100 x 3 + 12 = 21,240 + 12
    assert condor_max_loss((5400, 5450, 6300, 6375), 4.2, 3, 12.0) == pytest.approx(21_252.0)
    # 4.20 x 100 x 3 - 12
    assert condor_max_profit(4.2, 3, 12.0) == pytest.approx(1_248.0)


def test_a_positions_max_loss_and_profit_read_its_own_legs_fees_and_multiplier():
    iron = condor((5400, 5450, 6300, 6375), 3, 4.2, fees=12.0)
    assert max_loss(iron) == pytest.approx(21_252.0)
    assert max_profit(iron) == pytest.approx(1_248.0)
    assert position_break_evens(iron) == (5445.84, 6304.16)  # 4.20 - 12 / 300 = 4.16
    call = layer(LayerKind.VIX_CALL, (20.0,), 4, 2.35, fees=10.0)
    assert max_loss(call) == pytest.approx(2.35 * 100 * 4 + 10)  # $950: the debit and fees
    future = layer(LayerKind.VIX_FUTURE, (), 2, 18.5, fees=5.0)
    assert max_loss(future) == pytest.approx(18.5 * 1000 * 2 + 5)  # $37,005: VX at zero
    assert position_break_evens(call) == () and max_profit(call) is None


def test_expected_move_is_spx_times_vix_times_root_time():
    # 5,900 x 0.16 = 944 a year; sqrt(10 / 365) = 0.165521: 156.25 pts over ten days.
    assert expected_move(5900.0, 16.0, 10.0) == pytest.approx(156.252, abs=1e-3)
    assert expected_move(6000.0, 20.0, 365.0) == pytest.approx(1200.0)  # one year: SPX x VIX / 100
    assert expected_move(6000.0, 16.0, 365 / 4) == pytest.approx(480.0)  # a quarter: half the year's
    assert expected_move(6000.0, 16.0, 0.0) == 0.0 and expected_move(6000.0, 16.0, -1.0) == 0.0
    bands = expected_move_bands(6000.0, 16.0, 365 / 4)
    assert bands["1sd"] == pytest.approx((5520.0, 6480.0)) and bands["2sd"] == pytest.approx((5040.0, 6960.0))
