"""Implied volatility: round trips, accuracy against mpmath, bounds, and the normalised Black function."""

from __future__ import annotations

import itertools
import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.pricing import black76_greeks, bsm_greeks, implied_vol
from planner.pricing._lets_be_rational import normalised_implied_vol
from planner.pricing._normalised_black import normalised_black

TIMES = [1e-5, 1e-4, 1e-3, 0.02, 0.25, 1.0, 5.0]  # 5 minutes to 5 years
VOLS = [0.01, 0.05, 0.2, 0.8, 2.5, 5.0, 8.0]
LOG_MONEYNESS = [-1.5, -0.4, -0.1, -0.01, 0.0, 0.01, 0.1, 0.4, 1.5]  # ln(K/F)


def _grid(model: str):
    rows = list(itertools.product([True, False], TIMES, VOLS, LOG_MONEYNESS))
    is_call = np.array([row[0] for row in rows])
    t, vol, log_moneyness = (np.array([row[i] for row in rows]) for i in (1, 2, 3))
    underlying, r = 100.0, 0.04
    q = 0.015 if model == "bsm" else 0.0
    strike = underlying * np.exp(log_moneyness + (r - q) * t)
    if model == "bsm":
        price = bsm_greeks(is_call, underlying, strike, t, vol, r, q).price
    else:
        price = black76_greeks(is_call, underlying, strike, t, vol, r).price
    return is_call, underlying, strike, t, vol, r, q, price


def _well_posed(is_call, underlying, strike, t, r, q, price, model="bsm"):
    """Prices that carry the vol: normal floats clear of both no-arbitrage bounds by more than round-off."""
    sq = underlying * np.exp(-(r if model == "black76" else q) * t)
    kr = strike * np.exp(-r * t)
    intrinsic = np.maximum(np.where(is_call, sq - kr, kr - sq), 0.0)
    upper = np.where(is_call, sq, kr)
    return (price > 1e-290) & (price - intrinsic > 1e-12 * price) & (upper - price > 1e-12 * price)


@pytest.mark.parametrize("model", ["bsm", "black76"])
def test_round_trip_across_expiries_vols_and_moneyness(model) -> None:
    is_call, underlying, strike, t, vol, r, q, price = _grid(model)
    iv = implied_vol(price, is_call, underlying, strike, t, r, q, model=model)
    ok = _well_posed(is_call, underlying, strike, t, r, q, price, model)
    assert ok.sum() > 0.6 * ok.size
    assert np.all(np.isfinite(iv[ok]))
    iv = np.nan_to_num(iv)
    reprice = (bsm_greeks(is_call, underlying, strike, t, iv, r, q) if model == "bsm"
               else black76_greeks(is_call, underlying, strike, t, iv, r)).price  # fmt: skip
    relative = np.abs(reprice[ok] - price[ok]) / price[ok]
    # Ordinary prices round-trip to 1e-12; prices below 1e-6 of the underlying to the pricer's own
    # accuracy there (input round-off amplified by the far tail, ~1e-11 at 1e-60 of the underlying).
    ordinary = price[ok] > 1e-6 * underlying
    assert relative[ordinary].max() <= 1e-12
    assert relative.max() <= 1e-10
    # The vol itself comes back wherever the price is sensitive enough to it.
    vega = (bsm_greeks(is_call, underlying, strike, t, vol, r, q) if model == "bsm"
            else black76_greeks(is_call, underlying, strike, t, vol, r)).vega * 100  # fmt: skip
    sensitive = ok & (vega * vol > 1e-6 * price)
    np.testing.assert_allclose(iv[sensitive], vol[sensitive], rtol=1e-8)


@pytest.mark.parametrize("model", ["bsm", "black76"])
def test_implied_vol_reprices_against_mpmath(model) -> None:
    # The exact model price at the returned vol against the given price: 1e-12, plus the part no double
    # computation can avoid, the input's rounding (ln(F/K) is known to ~eps) times the price's
    # sensitivity to ln(F/K), about (|x| + s) / s^2 with s = vol sqrt(t).
    is_call, underlying, strike, t, _, r, q, price = _grid(model)
    iv = implied_vol(price, is_call, underlying, strike, t, r, q, model=model)
    ok = np.flatnonzero(_well_posed(is_call, underlying, strike, t, r, q, price, model))
    with mp.workdps(40):
        for i in ok[::2]:
            T, sigma, K = mp.mpf(float(t[i])), mp.mpf(float(iv[i])), mp.mpf(float(strike[i]))
            F = mp.mpf(underlying) * (mp.exp((mp.mpf(r) - mp.mpf(q)) * T) if model == "bsm" else 1)
            d1 = (mp.log(F / K) + sigma**2 * T / 2) / (sigma * mp.sqrt(T))
            d2 = d1 - sigma * mp.sqrt(T)
            w = 1 if is_call[i] else -1
            exact = mp.exp(-mp.mpf(r) * T) * w * (F * mp.ncdf(w * d1) - K * mp.ncdf(w * d2))
            s, x = float(iv[i]) * math.sqrt(t[i]), float(mp.log(F / K))
            bound = 1e-12 + 8 * 2.2e-16 * (abs(x) + s) / s**2
            assert float(abs(exact - mp.mpf(float(price[i]))) / exact) <= bound, (i, float(exact), price[i])


def test_normalised_solver_converges_to_1e_12_against_mpmath(rng) -> None:
    # Exact normalised prices beta = b(x, s) from mpmath, solved back with no input rounding in between.
    x = -np.abs(rng.normal(0.0, 1.0, 400)) * 10.0 ** rng.uniform(-4.0, 1.0, 400)
    s = 10.0 ** rng.uniform(-3.0, 1.2, 400)
    with mp.workdps(40):
        beta = np.array([float(_mp_normalised_black(xi, si)) for xi, si in zip(x, s, strict=True)])
        keep = (beta > 1e-290) & (beta < np.exp(0.5 * x) * (1 - 1e-12))
        solved = normalised_implied_vol(beta[keep], x[keep])
        for xi, si, bi in zip(x[keep], solved, beta[keep], strict=True):
            exact = _mp_normalised_black(xi, si)
            # The returned s is a double: its last-bit rounding moves b by ~eps (x/s)^2 relative.
            assert abs(exact - bi) <= (1e-12 + 4e-16 * (xi / si) ** 2) * bi, (xi, si, bi)


@settings(max_examples=200, deadline=None)
@given(
    is_call=st.booleans(),
    spot=st.floats(5.0, 8000.0),
    moneyness=st.floats(-0.7, 0.7),
    t=st.floats(1e-5, 3.0),
    vol=st.floats(0.02, 5.0),
    r=st.floats(-0.01, 0.08),
    q=st.floats(-0.01, 0.05),
)
def test_round_trip_property(is_call, spot, moneyness, t, vol, r, q) -> None:
    strike = spot * math.exp(moneyness)
    price = float(bsm_greeks(is_call, spot, strike, t, vol, r, q).price)
    iv = float(implied_vol(price, is_call, spot, strike, t, r, q))
    if not _well_posed(np.array(is_call), spot, strike, t, r, q, np.array(price)):
        return
    assert float(bsm_greeks(is_call, spot, strike, t, iv, r, q).price) == pytest.approx(price, rel=1e-10)


def test_prices_outside_the_no_arbitrage_bounds_give_nan() -> None:
    spot, strike, t, r, q = 100.0, 90.0, 0.5, 0.05, 0.01
    sq, kr = spot * math.exp(-q * t), strike * math.exp(-r * t)
    prices = [sq - kr - 1e-9, -1.0, sq, sq + 1.0, math.nan, math.inf]
    assert np.all(np.isnan(implied_vol(prices, True, spot, strike, t, r, q)))
    put_prices = [-1e-9, kr, kr + 5.0]
    assert np.all(np.isnan(implied_vol(put_prices, False, spot, strike, t, r, q)))


def test_intrinsic_price_gives_zero_and_expiry_gives_nan() -> None:
    spot, strike, t, r, q = 100.0, 90.0, 0.5, 0.05, 0.01
    intrinsic = spot * math.exp(-q * t) - strike * math.exp(-r * t)
    np.testing.assert_array_equal(implied_vol([intrinsic, 0.0], [True, False], spot, strike, t, r, q), [0.0, 0.0])
    assert np.isnan(implied_vol(12.0, True, spot, strike, 0.0, r, q))


def test_minutes_to_expiry_and_huge_vols() -> None:
    # A 0DTE SPX put 1 % out of the money with 10 minutes left, and VIX options at 500 % vol of vol.
    t_10min = 10 / (365 * 24 * 60)
    price = float(bsm_greeks(False, 5000.0, 4950.0, t_10min, 0.35, 0.05, 0.013).price)
    assert float(implied_vol(price, False, 5000.0, 4950.0, t_10min, 0.05, 0.013)) == pytest.approx(0.35, rel=1e-9)
    prices = black76_greeks([True, False], 20.0, [60.0, 12.0], 0.1, 5.0, 0.04).price
    iv = implied_vol(prices, [True, False], 20.0, [60.0, 12.0], 0.1, 0.04, model="black76")
    np.testing.assert_allclose(iv, 5.0, rtol=1e-12)


def test_inputs_broadcast() -> None:
    strikes = np.array([90.0, 100.0, 110.0])
    vols = np.array([[0.1], [0.3]])
    prices = bsm_greeks(True, 100.0, strikes, 0.5, vols, 0.03, 0.0).price
    iv = implied_vol(prices, True, 100.0, strikes, 0.5, 0.03)
    assert iv.shape == (2, 3)
    np.testing.assert_allclose(iv, np.broadcast_to(vols, (2, 3)), rtol=1e-10)
    assert implied_vol(5.0, True, 100.0, 100.0, 0.5, 0.03).shape == ()


def test_bad_inputs_are_named() -> None:
    with pytest.raises(ValueError, match=r"^underlying must be finite and > 0"):
        implied_vol(1.0, True, -5.0, 100.0, 0.5, 0.03)
    with pytest.raises(ValueError, match=r"^strike must be finite and > 0"):
        implied_vol(1.0, True, 100.0, 0.0, 0.5, 0.03)
    with pytest.raises(ValueError, match=r"^t must be finite and >= 0"):
        implied_vol(1.0, True, 100.0, 100.0, -0.5, 0.03)
    with pytest.raises(ValueError, match=r"^r must be finite"):
        implied_vol(1.0, True, 100.0, 100.0, 0.5, math.nan)
    with pytest.raises(ValueError, match=r"^model must be"):
        implied_vol(1.0, True, 100.0, 100.0, 0.5, 0.03, model="heston")
    with pytest.raises(ValueError, match=r"^q must be 0 for model 'black76'"):
        implied_vol(1.0, True, 20.0, 20.0, 0.5, 0.03, q=0.01, model="black76")


def _mp_normalised_black(x: float, s: float) -> mp.mpf:
    x, s = mp.mpf(x), mp.mpf(s)
    return mp.exp(x / 2) * mp.ncdf(x / s + s / 2) - mp.exp(-x / 2) * mp.ncdf(x / s - s / 2)


def test_normalised_black_is_accurate_in_every_region(rng) -> None:
    # Asymptotic (x/s < -10, small s), small-s Taylor, plain CDF and erfcx regions.
    x = -np.abs(rng.normal(0.0, 1.0, 800)) * 10.0 ** rng.uniform(-6.0, 1.5, 800)
    s = 10.0 ** rng.uniform(-4.0, 1.0, 800)
    x[:20] = 0.0
    b = normalised_black(x, s)
    with mp.workdps(40):
        for xi, si, bi in zip(x, s, b, strict=True):
            exact = _mp_normalised_black(xi, si)
            if exact < 1e-290:
                continue
            # Relative error grows with the conditioning (x/s)^2 of exp(-(x/s)^2/2) on rounded inputs.
            bound = 1e-14 * max(1.0, (xi / si) ** 2)
            assert abs(bi - exact) <= bound * exact, (xi, si, bi, float(exact))
