"""Properties of the pricing functions: parity, finite differences, monotonicity, bounds, broadcasting."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.pricing import Greeks, black76_greeks, bsm_greeks
from planner.pricing import _kernel as kernel

spots = st.floats(5.0, 8000.0)
log_moneyness = st.floats(-0.8, 0.8)
times = st.floats(1e-4, 4.0)
vols = st.floats(0.02, 3.0)
rates = st.floats(-0.02, 0.1)
yields = st.floats(-0.02, 0.06)


@settings(max_examples=200, deadline=None)
@given(spot=spots, moneyness=log_moneyness, t=times, vol=vols, r=rates, q=yields)
def test_bsm_put_call_parity(spot, moneyness, t, vol, r, q) -> None:
    strike = spot * math.exp(moneyness)
    call, put = (bsm_greeks(flag, spot, strike, t, vol, r, q) for flag in (True, False))
    forward_value = spot * math.exp(-q * t) - strike * math.exp(-r * t)
    scale = spot + strike
    assert float(call.price - put.price) == pytest.approx(forward_value, abs=1e-13 * scale)
    assert float(call.delta - put.delta) == pytest.approx(math.exp(-q * t), abs=1e-14)
    assert float(call.gamma) == pytest.approx(float(put.gamma), rel=1e-14)
    assert float(call.vega) == pytest.approx(float(put.vega), rel=1e-14)
    carry = (q * spot * math.exp(-q * t) - r * strike * math.exp(-r * t)) / 365
    assert float(call.theta - put.theta) == pytest.approx(carry, abs=1e-13 * scale)


@settings(max_examples=200, deadline=None)
@given(forward=spots, moneyness=log_moneyness, t=times, vol=vols, r=rates)
def test_black76_put_call_parity(forward, moneyness, t, vol, r) -> None:
    strike = forward * math.exp(moneyness)
    call, put = (black76_greeks(flag, forward, strike, t, vol, r) for flag in (True, False))
    discount = math.exp(-r * t)
    scale = forward + strike
    assert float(call.price - put.price) == pytest.approx(discount * (forward - strike), abs=1e-13 * scale)
    assert float(call.delta - put.delta) == pytest.approx(discount, abs=1e-14)
    assert float(call.theta - put.theta) == pytest.approx(r * discount * (forward - strike) / 365, abs=1e-13 * scale)


def _central(f, x: float, h: float) -> float:
    return (f(x + h) - f(x - h)) / (2 * h)


# Strikes within 3 standard deviations (z) of the forward keep the central differences well conditioned;
# steps are 1e-4 of each input's natural scale, so truncation and round-off both stay near 1e-8.
@settings(max_examples=100, deadline=None)
@given(
    is_call=st.booleans(),
    spot=st.floats(20.0, 6000.0),
    z=st.floats(-3.0, 3.0),
    t=st.floats(0.01, 3.0),
    vol=st.floats(0.05, 2.0),
    r=rates,
    q=yields,
)
def test_bsm_greeks_match_finite_differences(is_call, spot, z, t, vol, r, q) -> None:
    sd = vol * math.sqrt(t)
    strike = spot * math.exp((r - q) * t + z * sd)

    def greeks(s=spot, v=vol, tt=t):
        return bsm_greeks(is_call, s, strike, tt, v, r, q)

    _check_against_differences(greeks, greeks(), spot, vol, t, sd)


@settings(max_examples=100, deadline=None)
@given(
    is_call=st.booleans(),
    forward=st.floats(9.0, 90.0),
    z=st.floats(-3.0, 3.0),
    t=st.floats(0.005, 1.0),
    vol=st.floats(0.3, 2.5),
    r=rates,
)
def test_black76_greeks_match_finite_differences(is_call, forward, z, t, vol, r) -> None:
    sd = vol * math.sqrt(t)
    strike = forward * math.exp(z * sd)

    def greeks(s=forward, v=vol, tt=t):
        return black76_greeks(is_call, s, strike, tt, v, r)

    _check_against_differences(greeks, greeks(), forward, vol, t, sd)


def _check_against_differences(greeks, g: Greeks, underlying: float, vol: float, t: float, sd: float) -> None:
    h = 1e-4 * underlying * sd
    delta = _central(lambda s: float(greeks(s=s).price), underlying, h)
    gamma = _central(lambda s: float(greeks(s=s).delta), underlying, h)
    vega = _central(lambda v: float(greeks(v=v).price), vol, 1e-4 * vol) / 100
    # Theta is the change as time passes: minus the derivative in time to expiry, per 1/365 year.
    theta = -_central(lambda tt: float(greeks(tt=tt).price), t, 1e-4 * t) / 365
    floor = 1e-9 * underlying
    assert float(g.delta) == pytest.approx(delta, rel=1e-6, abs=1e-9)
    assert float(g.gamma) == pytest.approx(gamma, rel=1e-6, abs=1e-9 / underlying)
    assert float(g.vega) == pytest.approx(vega, rel=1e-6, abs=floor)
    assert float(g.theta) == pytest.approx(theta, rel=1e-6, abs=floor)


@settings(max_examples=100, deadline=None)
@given(is_call=st.booleans(), spot=spots, t=times, r=rates, q=yields)
def test_prices_are_monotonic_and_within_bounds(is_call, spot, t, r, q) -> None:
    strikes = spot * np.exp(np.linspace(-1.0, 1.0, 41))
    vols = np.linspace(0.01, 3.0, 41)[:, None]
    price = bsm_greeks(is_call, spot, strikes, t, vols, r, q).price
    upper = spot * math.exp(-q * t) if is_call else strikes * math.exp(-r * t)
    intrinsic = np.maximum((1 if is_call else -1) * (spot * math.exp(-q * t) - strikes * math.exp(-r * t)), 0)
    tolerance = 1e-12 * (spot + strikes)
    assert np.all(price >= intrinsic - tolerance) and np.all(price <= upper + tolerance)
    assert np.all(np.diff(price, axis=0) >= -tolerance)  # increasing in vol
    step = np.diff(price, axis=1)
    assert np.all(step <= tolerance[1:]) if is_call else np.all(step >= -tolerance[1:])


def test_inputs_broadcast_like_numpy(kernel_path) -> None:
    spots = np.array([4000.0, 5000.0, 6000.0])[:, None]
    strikes = np.array([4500.0, 5000.0, 5500.0, 6500.0])
    g = bsm_greeks(np.array([True, False, True, False]), spots, strikes, 0.25, 0.2, 0.04, 0.015)
    assert all(getattr(g, f).shape == (3, 4) for f in ("price", "delta", "gamma", "vega", "theta"))
    single = bsm_greeks(False, 5000.0, 6500.0, 0.25, 0.2, 0.04, 0.015)
    assert g.price[1, 3] == single.price and g.theta[1, 3] == single.theta


def test_scalar_inputs_give_zero_dimensional_arrays(kernel_path) -> None:
    g = black76_greeks(True, 20.0, 25.0, 0.1, 1.0, 0.04)
    assert isinstance(g, Greeks) and g.price.shape == () and g.vega.dtype == np.float64


def test_empty_inputs_give_empty_outputs(kernel_path) -> None:
    g = bsm_greeks(np.array([], dtype=bool), np.array([]), 100.0, 1.0, 0.2, 0.0, 0.0)
    assert g.price.shape == (0,) and g.theta.shape == (0,)


def test_chunk_boundaries_do_not_change_results(rng, kernel_path) -> None:
    n = 2 * kernel.CHUNK + 17
    spot = rng.uniform(3000.0, 6000.0, n)
    args = (rng.random(n) < 0.5, spot, spot * np.exp(rng.normal(0, 0.2, n)), rng.uniform(1e-4, 2.0, n),
            rng.uniform(0.05, 1.0, n), rng.uniform(0, 0.05, n), rng.uniform(0, 0.02, n))  # fmt: skip
    whole = bsm_greeks(*args)
    for part in (slice(0, 5), slice(kernel.CHUNK - 3, kernel.CHUNK + 3), slice(n - 20, n)):
        piece = bsm_greeks(*(a[part] for a in args))
        for field in ("price", "delta", "gamma", "vega", "theta"):
            np.testing.assert_array_equal(getattr(piece, field), getattr(whole, field)[part])


def test_scalar_and_array_rates_agree(rng, kernel_path) -> None:
    n = 1000
    spot = rng.uniform(3000.0, 6000.0, n)
    args = (rng.random(n) < 0.5, spot, spot * np.exp(rng.normal(0, 0.2, n)), rng.uniform(1e-3, 2.0, n),
            rng.uniform(0.05, 1.0, n))  # fmt: skip
    for model, extra in ((bsm_greeks, (0.045, 0.013)), (black76_greeks, (0.045,))):
        scalar = model(*args, *extra)
        array = model(*args, *(np.full(n, v) for v in extra))
        for field in ("price", "delta", "gamma", "vega", "theta"):
            np.testing.assert_allclose(getattr(scalar, field), getattr(array, field), rtol=1e-14, atol=1e-13)
