from datetime import UTC, date, datetime

import pytest

from planner.domain import InputError, Instrument, LayerKind, Position, PositionKind, Right, Settings
from planner.domain.positions import (
    condor_legs,
    condor_max_loss,
    layer_legs,
    parse_strikes,
    validate_condor_credit,
)
from planner.domain.settings import SPECS, parse_setting

EXPIRY = date(2026, 12, 18)


def test_condor_legs_are_long_put_short_put_short_call_long_call():
    legs = condor_legs(EXPIRY, (5400, 5450, 6300, 6350), 10)
    assert [(leg.right, leg.strike, leg.quantity) for leg in legs] == [
        (Right.PUT, 5400, 10),
        (Right.PUT, 5450, -10),
        (Right.CALL, 6300, -10),
        (Right.CALL, 6350, 10),
    ]
    assert all(leg.multiplier == 100 for leg in legs)


@pytest.mark.parametrize(
    ("strikes", "message"),
    [
        ((5500, 5400, 6200, 6300), "strikes must satisfy K1 < K2 < K3 < K4, got 5500,5400,6200,6300"),
        ((5400, 5400, 6200, 6300), "strikes must satisfy K1 < K2 < K3 < K4, got 5400,5400,6200,6300"),
        ((5400, 5500, 6200), "strikes must be four strikes K1,K2,K3,K4, got 5400,5500,6200"),
    ],
)
def test_bad_condor_strikes_name_field_rule_and_value(strikes, message):
    with pytest.raises(InputError) as caught:
        condor_legs(EXPIRY, strikes, 1)
    assert str(caught.value) == message


@pytest.mark.parametrize("text", ["5400,,6200,6300", "5400,abc,6200,6300", "5400,nan,6200,6300", "5400,-1,2,3"])
def test_parse_strikes_rejects_junk(text):
    with pytest.raises(InputError) as caught:
        parse_strikes(text)
    assert caught.value.field == "strikes"


@pytest.mark.parametrize("credit", [0, -1, 50, 75, float("nan"), float("inf")])
def test_credit_must_be_inside_zero_and_widest_wing(credit):
    with pytest.raises(InputError) as caught:
        validate_condor_credit((5400, 5450, 6300, 6350), credit)
    assert caught.value.field == "credit"


def test_max_loss_uses_widest_wing():
    # Put wing 50, call wing 75: max loss (75 - 4.2) x 100 x 3 + 12 = 21,252 dollars.
    assert condor_max_loss((5400, 5450, 6300, 6375), 4.2, 3, 12.0) == pytest.approx(21_252.0)


@pytest.mark.parametrize("qty", [0, -2, 1.5, True])
def test_quantity_must_be_whole_and_positive(qty):
    with pytest.raises(InputError) as caught:
        condor_legs(EXPIRY, (5400, 5450, 6300, 6350), qty)
    assert caught.value.field == "qty"


def test_spreads_list_the_long_strike_first():
    call_spread = layer_legs(LayerKind.VIX_CALL_SPREAD, EXPIRY, (20, 30), 5)
    assert [(leg.strike, leg.quantity) for leg in call_spread] == [(20, 5), (30, -5)]
    put_spread = layer_legs(LayerKind.SPX_PUT_SPREAD, EXPIRY, (4800, 4600), 2)
    assert [(leg.strike, leg.quantity, leg.instrument) for leg in put_spread] == [
        (4800, 2, Instrument.SPX_OPTION),
        (4600, -2, Instrument.SPX_OPTION),
    ]
    with pytest.raises(InputError, match=r"long .* first"):
        layer_legs(LayerKind.VIX_CALL_SPREAD, EXPIRY, (30, 20), 5)
    with pytest.raises(InputError, match=r"long .* first"):
        layer_legs(LayerKind.SPX_PUT_SPREAD, EXPIRY, (4600, 4800), 5)


def test_vix_future_layer_has_no_strike_and_1000_multiplier():
    (leg,) = layer_legs(LayerKind.VIX_FUTURE, EXPIRY, (), 2)
    assert leg.multiplier == 1000 and leg.strike is None
    with pytest.raises(InputError, match="must be empty for a VIX future"):
        layer_legs(LayerKind.VIX_FUTURE, EXPIRY, (20,), 2)


def test_realized_pnl_is_net_of_fees_with_the_right_sign():
    opened = datetime(2026, 11, 2, 15, tzinfo=UTC)
    legs = condor_legs(EXPIRY, (5400, 5450, 6300, 6350), 2)
    legs = tuple(leg.with_changes(fees=2.5) for leg in legs)
    condor = Position(PositionKind.CONDOR, legs, 2, open_price=5.0, opened_at=opened, close_price=1.5)
    # Sold at 5.00, bought back at 1.50: (5.0 - 1.5) x 100 x 2 - 10 fees = 690 dollars.
    assert condor.realized_pnl() == pytest.approx(690.0)
    assert condor.cost_basis == pytest.approx(-1000.0)
    call_legs = layer_legs(LayerKind.VIX_CALL, EXPIRY, (20,), 3)
    layer = Position(PositionKind.LAYER, call_legs, 3, 1.2, opened, close_price=2.0)
    assert layer.realized_pnl() == pytest.approx(240.0)


def test_settings_defaults_match_their_specs():
    defaults = Settings()
    for spec in SPECS:
        assert getattr(defaults, spec.key) == spec.default, spec.key
    assert set(defaults.as_dict()) == {spec.key for spec in SPECS}


@pytest.mark.parametrize(
    ("key", "raw", "fragment"),
    [
        ("risk_cap_pct", "abc", "risk_cap_pct must be a number"),
        ("risk_cap_pct", "nan", "must be a finite number"),
        ("risk_cap_pct", "0", "must be at least 0.01"),
        ("carry_days", "2.5", "must be a whole number"),
        ("high_roe", "maybe", "must be on or off"),
    ],
)
def test_settings_reject_bad_values(key, raw, fragment):
    with pytest.raises(InputError) as caught:
        parse_setting(key, raw)
    assert fragment in str(caught.value)


def test_high_roe_switches_the_cap_in_force():
    assert Settings().risk_cap_in_force_pct == 1.5
    assert Settings().with_value("high_roe", "on").risk_cap_in_force_pct == 2.0
