"""Price and Greeks against the mpmath reference on thousands of random options.

The bound is a scaled error of 1e-10 on every quantity (defined in conftest's
``scaled_errors``: dimensionless with the underlying, absolute below 1 and
relative above). Inputs cover minutes to expiry (t down to 1e-5 years), SPX-like
vols of 5-150 % and VIX vol of vol up to 250 %, strikes from a third to three
times the underlying, and negative rates and yields.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.pricing import black76_greeks, bsm_greeks

BOUND = 1e-10


def _random_inputs(rng: np.random.Generator, n: int, vol_range: tuple[float, float]) -> dict[str, np.ndarray]:
    spot = rng.uniform(5.0, 7000.0, n)
    # Log-moneyness mostly near the money, with a tail out to ln 3.
    log_moneyness = rng.normal(0.0, 0.15, n) * np.where(rng.random(n) < 0.8, 1.0, 5.0)
    return {
        "is_call": rng.random(n) < 0.5,
        "spot": spot,
        "strike": spot * np.exp(np.clip(log_moneyness, -1.1, 1.1)),
        "t": 10.0 ** rng.uniform(-5.0, np.log10(3.0), n),  # 5 minutes to 3 years
        "vol": rng.uniform(*vol_range, n),
        "r": rng.uniform(-0.01, 0.08, n),
        "q": rng.uniform(-0.01, 0.04, n),
    }


def _worst(errors: list[dict[str, float]]) -> dict[str, float]:
    return {name: max(e[name] for e in errors) for name in errors[0]}


@pytest.fixture(scope="module")
def bsm_cases(reference):
    """2000 random options and their mpmath values, computed once for both kernels."""
    x = _random_inputs(np.random.default_rng(20240607), 2000, (0.05, 1.5))
    refs = [reference.bsm(*(x[k][i] for k in ("is_call", "spot", "strike", "t", "vol", "r", "q"))) for i in range(2000)]
    return x, refs


@pytest.fixture(scope="module")
def black76_cases(reference):
    """1500 random VIX-like options (vol of vol to 250 %) and their mpmath values."""
    rng = np.random.default_rng(20240608)
    x = _random_inputs(rng, 1500, (0.3, 2.5))
    del x["q"]
    x["spot"] = rng.uniform(9.0, 80.0, 1500)
    x["strike"] = x["spot"] * np.exp(np.clip(rng.normal(0.0, 0.4, 1500), -1.1, 1.1))
    refs = [reference.black76(*(x[k][i] for k in ("is_call", "spot", "strike", "t", "vol", "r"))) for i in range(1500)]
    return x, refs


def _check(greeks, x, refs, reference) -> None:
    errors = []
    for i, ref in enumerate(refs):
        ours = type(greeks)(*(getattr(greeks, f)[i] for f in ("price", "delta", "gamma", "vega", "theta")))
        errors.append(reference.scaled_errors(ours, ref, x["spot"][i]))
    worst = _worst(errors)
    assert all(v <= BOUND for v in worst.values()), worst


def test_bsm_matches_mpmath_on_random_options(bsm_cases, reference, kernel_path) -> None:
    x, refs = bsm_cases
    _check(bsm_greeks(**x), x, refs, reference)


def test_black76_matches_mpmath_with_vix_vol_of_vol(black76_cases, reference, kernel_path) -> None:
    x, refs = black76_cases
    greeks = black76_greeks(x["is_call"], x["spot"], x["strike"], x["t"], x["vol"], x["r"])
    _check(greeks, x, refs, reference)


@settings(max_examples=150, deadline=None)
@given(
    is_call=st.booleans(),
    spot=st.floats(1.0, 10_000.0),
    log_moneyness=st.floats(-1.0, 1.0),
    t=st.floats(1e-5, 5.0),
    vol=st.floats(0.03, 2.5),
    r=st.floats(-0.02, 0.1),
    q=st.floats(-0.02, 0.06),
)
def test_bsm_matches_mpmath_property(reference, is_call, spot, log_moneyness, t, vol, r, q) -> None:
    strike = spot * float(np.exp(log_moneyness))
    errors = reference.scaled_errors(
        bsm_greeks(is_call, spot, strike, t, vol, r, q), reference.bsm(is_call, spot, strike, t, vol, r, q), spot
    )
    assert max(errors.values()) <= BOUND, errors


def test_far_out_of_the_money_prices_keep_relative_precision(reference, kernel_path) -> None:
    # Minutes to expiry and a few percent out of the money: the two terms of the formula
    # agree to 5-12 digits, so the package recomputes these prices without the cancellation.
    spot = 5000.0
    strikes = np.array([5050.0, 5100.0, 5150.0, 4950.0, 4900.0, 4850.0])
    is_call = strikes > spot
    t, vol, r, q = 2e-4, 0.15, 0.045, 0.013
    prices = bsm_greeks(is_call, spot, strikes, t, vol, r, q).price
    for flag, strike, price in zip(is_call, strikes, prices, strict=True):
        exact = float(reference.bsm(flag, spot, strike, t, vol, r, q).price)
        assert price > 0 and abs(price - exact) <= 1e-11 * exact, (strike, price, exact)
