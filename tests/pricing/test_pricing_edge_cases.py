"""Expiry (t == 0), zero volatility, and inputs that must be refused."""

from __future__ import annotations

import math

import numpy as np
import pytest

from planner.domain.errors import format_value
from planner.pricing import _kernel as kernel
from planner.pricing import black76_greeks, bsm_greeks

CALL_PUT = np.array([True, True, True, False, False, False])
STRIKES = np.array([90.0, 100.0, 110.0, 90.0, 100.0, 110.0])  # ITM, ATM, OTM calls; OTM, ATM, ITM puts


@pytest.mark.parametrize("model", ["bsm", "black76"])
def test_at_expiry_the_option_is_worth_its_intrinsic_value(model, kernel_path) -> None:
    if model == "bsm":
        g = bsm_greeks(CALL_PUT, 100.0, STRIKES, 0.0, 0.25, 0.05, 0.02)
    else:
        g = black76_greeks(CALL_PUT, 100.0, STRIKES, 0.0, 0.25, 0.05)
    np.testing.assert_array_equal(g.price, [10.0, 0.0, 0.0, 0.0, 0.0, 10.0])
    # Delta is the slope of the payoff; exactly at the money it is +-1/2, the limit of N(d1) as t -> 0.
    np.testing.assert_array_equal(g.delta, [1.0, 0.5, 0.0, 0.0, -0.5, -1.0])
    for field in ("gamma", "vega", "theta"):
        np.testing.assert_array_equal(getattr(g, field), 0.0)


def test_at_expiry_matches_the_limit_of_a_few_seconds_left() -> None:
    t0 = bsm_greeks(CALL_PUT, 100.0, STRIKES, 0.0, 0.25, 0.05, 0.02)
    near = bsm_greeks(CALL_PUT, 100.0, STRIKES, 1e-12, 0.25, 0.05, 0.02)
    np.testing.assert_allclose(near.price, t0.price, atol=1e-5)
    np.testing.assert_allclose(near.delta, t0.delta, atol=1e-5)


def test_zero_vol_gives_the_discounted_intrinsic_value_of_the_forward(kernel_path) -> None:
    spot, t, r, q = 100.0, 0.5, 0.05, 0.02
    g = bsm_greeks(CALL_PUT, spot, STRIKES, t, 0.0, r, q)
    sq, kr = spot * math.exp(-q * t), STRIKES * math.exp(-r * t)
    w = np.where(CALL_PUT, 1.0, -1.0)
    in_the_money = w * (sq - kr) > 0
    np.testing.assert_allclose(g.price, np.maximum(w * (sq - kr), 0.0), rtol=1e-15)
    np.testing.assert_allclose(g.delta, np.where(in_the_money, w * math.exp(-q * t), 0.0), rtol=1e-15)
    np.testing.assert_array_equal(g.gamma, 0.0)
    np.testing.assert_array_equal(g.vega, 0.0)
    # Theta is the carry of the discounted intrinsic value as a day passes.
    carry = np.where(in_the_money, w * (q * sq - r * kr) / 365, 0.0)
    np.testing.assert_allclose(g.theta, carry, rtol=1e-14)
    tiny_vol = bsm_greeks(CALL_PUT, spot, STRIKES, t, 1e-9, r, q)
    for field in ("price", "delta", "theta"):
        np.testing.assert_allclose(getattr(tiny_vol, field), getattr(g, field), atol=1e-9)


def test_zero_vol_exactly_at_the_forward_takes_half_the_step(kernel_path) -> None:
    g = bsm_greeks([True, False], 100.0, 100.0, 0.5, 0.0, 0.03, 0.03)
    np.testing.assert_array_equal(g.price, [0.0, 0.0])
    np.testing.assert_allclose(g.delta, [0.5 * math.exp(-0.015), -0.5 * math.exp(-0.015)], rtol=1e-15)
    g76 = black76_greeks([True, False], 20.0, 25.0, 0.5, 0.0, 0.04)
    np.testing.assert_allclose(g76.price, [0.0, 5.0 * math.exp(-0.02)], rtol=1e-15)
    np.testing.assert_allclose(g76.theta, [0.0, 0.04 * 5.0 * math.exp(-0.02) / 365], rtol=1e-14)


def test_limit_elements_leave_their_neighbours_untouched(rng, kernel_path) -> None:
    n = kernel.CHUNK + 100
    spot = rng.uniform(3000.0, 6000.0, n)
    t = rng.uniform(0.01, 1.0, n)
    vol = rng.uniform(0.1, 0.5, n)
    expired, flat = np.arange(0, n, 97), np.arange(5, n, 89)
    t[expired], vol[flat] = 0.0, 0.0
    args = (rng.random(n) < 0.5, spot, spot * 1.02)
    mixed = bsm_greeks(*args, t, vol, 0.04, 0.01)
    regular = np.setdiff1d(np.arange(n), np.union1d(expired, flat))
    alone = bsm_greeks(*(a[regular] for a in args), t[regular], vol[regular], 0.04, 0.01)
    np.testing.assert_array_equal(mixed.price[regular], alone.price)
    np.testing.assert_array_equal(mixed.gamma[expired], 0.0)
    np.testing.assert_array_equal(mixed.vega[flat], 0.0)


BAD_POSITIVE = [0.0, -1.0, math.nan, math.inf, -math.inf]
BAD_NON_NEGATIVE = [-1.0, -1e-300, math.nan, math.inf]
BAD_FINITE = [math.nan, math.inf, -math.inf]
GOOD = {"is_call": True, "spot": 100.0, "strike": 105.0, "t": 0.5, "vol": 0.2, "r": 0.03, "q": 0.01}


def _cases():
    for name, bad_values, rule in (
        ("spot", BAD_POSITIVE, "must be finite and > 0"),
        ("strike", BAD_POSITIVE, "must be finite and > 0"),
        ("t", BAD_NON_NEGATIVE, "must be finite and >= 0"),
        ("vol", BAD_NON_NEGATIVE, "must be finite and >= 0"),
        ("r", BAD_FINITE, "must be finite"),
        ("q", BAD_FINITE, "must be finite"),
    ):
        for value in bad_values:
            yield pytest.param(name, value, rule, id=f"{name}={value}")


@pytest.mark.parametrize(("name", "value", "rule"), list(_cases()))
@pytest.mark.parametrize("where", ["scalar", "array"])
def test_bad_inputs_raise_value_error_naming_the_input(name, value, rule, where, kernel_path) -> None:
    args = dict(GOOD)
    if where == "scalar":
        args[name] = value
    else:
        # One bad element in the second chunk of a large array.
        n = kernel.CHUNK + 50
        column = np.full(n, GOOD[name])
        column[kernel.CHUNK + 7] = value
        args[name] = column
    with pytest.raises(ValueError, match=rf"^{name} {rule}, got ") as raised:
        bsm_greeks(**args)
    assert str(raised.value).endswith(f"got {format_value(value)}")


@pytest.mark.parametrize("value", BAD_POSITIVE)
def test_black76_names_the_forward(value, kernel_path) -> None:
    with pytest.raises(ValueError, match=r"^forward must be finite and > 0"):
        black76_greeks(True, value, 20.0, 0.1, 1.0, 0.04)


def test_the_error_message_shows_the_offending_value() -> None:
    with pytest.raises(ValueError, match=r"^spot must be finite and > 0, got -1$"):
        bsm_greeks(True, [100.0, -1.0], 100.0, 0.5, 0.2, 0.0, 0.0)


def test_is_call_must_be_booleans() -> None:
    np.testing.assert_array_equal(bsm_greeks([1, 0], 100.0, 100.0, 0.5, 0.2, 0.0, 0.0).delta > 0, [True, False])
    for bad in (["C", "P"], [2, 0], 0.5):
        with pytest.raises(ValueError, match=r"^is_call must be booleans"):
            bsm_greeks(bad, 100.0, 100.0, 0.5, 0.2, 0.0, 0.0)


def test_non_numeric_input_is_named() -> None:
    with pytest.raises(ValueError, match=r"^strike must be a number"):
        bsm_greeks(True, 100.0, "abc", 0.5, 0.2, 0.0, 0.0)


def test_negative_rates_and_yields_are_valid() -> None:
    g = bsm_greeks(True, 100.0, 100.0, 1.0, 0.2, -0.005, -0.01)
    assert np.isfinite(g.price) and g.price > 0
