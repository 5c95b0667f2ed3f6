"""A slow, independent reference for the pricing tests: scalar Black-Scholes-Merton and Black-76 in mpmath.

Written from the textbook formulas (Hull, "Options, Futures and Other
Derivatives", ch. 15, 18 and 19) at 40 significant digits, sharing no code with
planner.pricing. Inputs are the exact binary values of the doubles the package
receives, so any difference is the package's own error.

Each function returns the five quantities as mpmath numbers in the package's
units: price per unit of the underlying, delta per point, gamma per point per
point, vega per vol point (0.01), theta per calendar day (1/365 year).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import NamedTuple

import mpmath as mp
import numpy as np
import pytest

DIGITS = 40


class Reference(NamedTuple):
    price: mp.mpf
    delta: mp.mpf
    gamma: mp.mpf
    vega: mp.mpf
    theta: mp.mpf


def bsm_reference(is_call: bool, spot: float, strike: float, t: float, vol: float, r: float, q: float) -> Reference:
    """Black-Scholes-Merton with continuous dividend yield, t > 0 and vol > 0."""
    with mp.workdps(DIGITS):
        S, K, T, sigma, r_, q_ = (mp.mpf(float(v)) for v in (spot, strike, t, vol, r, q))
        root_t = mp.sqrt(T)
        d1 = (mp.log(S / K) + (r_ - q_ + sigma**2 / 2) * T) / (sigma * root_t)
        d2 = d1 - sigma * root_t
        dividend_discount, discount = mp.exp(-q_ * T), mp.exp(-r_ * T)
        density = mp.npdf(d1)
        gamma = dividend_discount * density / (S * sigma * root_t)
        vega = S * dividend_discount * density * root_t
        decay = -S * dividend_discount * density * sigma / (2 * root_t)
        if is_call:
            price = S * dividend_discount * mp.ncdf(d1) - K * discount * mp.ncdf(d2)
            delta = dividend_discount * mp.ncdf(d1)
            theta = decay - r_ * K * discount * mp.ncdf(d2) + q_ * S * dividend_discount * mp.ncdf(d1)
        else:
            price = K * discount * mp.ncdf(-d2) - S * dividend_discount * mp.ncdf(-d1)
            delta = -dividend_discount * mp.ncdf(-d1)
            theta = decay + r_ * K * discount * mp.ncdf(-d2) - q_ * S * dividend_discount * mp.ncdf(-d1)
        return Reference(price, delta, gamma, vega / 100, theta / 365)


def black76_reference(is_call: bool, forward: float, strike: float, t: float, vol: float, r: float) -> Reference:
    """Black-76 on a future, discounted at r; theta holds the future fixed."""
    with mp.workdps(DIGITS):
        F, K, T, sigma, r_ = (mp.mpf(float(v)) for v in (forward, strike, t, vol, r))
        root_t = mp.sqrt(T)
        d1 = (mp.log(F / K) + sigma**2 * T / 2) / (sigma * root_t)
        d2 = d1 - sigma * root_t
        discount = mp.exp(-r_ * T)
        density = mp.npdf(d1)
        if is_call:
            price = discount * (F * mp.ncdf(d1) - K * mp.ncdf(d2))
            delta = discount * mp.ncdf(d1)
        else:
            price = discount * (K * mp.ncdf(-d2) - F * mp.ncdf(-d1))
            delta = -discount * mp.ncdf(-d1)
        gamma = discount * density / (F * sigma * root_t)
        vega = discount * F * density * root_t
        theta = -discount * F * density * sigma / (2 * root_t) + r_ * price
        return Reference(price, delta, gamma, vega / 100, theta / 365)


def scaled_errors(greeks, reference: Reference, underlying: float) -> dict[str, float]:
    """Scaled error of each quantity, the measure the accuracy tests bound.

    Each quantity is first made dimensionless with the underlying U (spot or
    future): price/U, delta, gamma*U, vega*100/U, theta*365/U. The scaled error
    is |package - reference| / max(1, |reference|) on those numbers: an absolute
    error relative to the size of the underlying for small values, a relative
    error for values above 1 (gamma and theta explode near expiry).
    """
    with mp.workdps(DIGITS):
        U = mp.mpf(float(underlying))
        scales = {"price": 1 / U, "delta": mp.mpf(1), "gamma": U, "vega": 100 / U, "theta": 365 / U}
        errors = {}
        for name, scale in scales.items():
            ours = mp.mpf(float(getattr(greeks, name))) * scale
            theirs = getattr(reference, name) * scale
            errors[name] = float(abs(ours - theirs) / max(1, abs(theirs)))
        return errors


@pytest.fixture(scope="session")
def reference() -> SimpleNamespace:
    """The mpmath reference: ``bsm``, ``black76`` and ``scaled_errors`` (conftest is not importable by tests)."""
    return SimpleNamespace(bsm=bsm_reference, black76=black76_reference, scaled_errors=scaled_errors)


@pytest.fixture(params=["numpy", "native"])
def kernel_path(request, monkeypatch) -> str:
    """Run a test on the numpy kernel and again on the compiled one (skipped where it was not built)."""
    from planner.pricing import _kernel

    if request.param == "native":
        if _kernel.NATIVE is None:
            pytest.skip("the compiled kernels (planner/pricing/_native.c) are not built")
    else:
        monkeypatch.setattr(_kernel, "NATIVE", None)
    return request.param


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240607)
