"""Implied volatility from option prices, Black-Scholes-Merton or Black-76, vectorised."""

from __future__ import annotations

import numpy as np

from planner.domain.errors import InputError
from planner.pricing._inputs import (
    as_float,
    as_is_call,
    require_finite,
    require_non_negative,
    require_positive,
)
from planner.pricing._lets_be_rational import normalised_implied_vol

MODELS = ("bsm", "black76")


def implied_vol(price, is_call, underlying, strike, t, r, q=0.0, model="bsm") -> np.ndarray:
    """The volatility (decimal, per year) at which the model reproduces ``price``.

    ``model="bsm"``: Black-Scholes-Merton, ``underlying`` is spot with dividend
    yield ``q``. ``model="black76"``: ``underlying`` is the future (VIX options
    against the VIX future of the same expiry), ``q`` must be 0. Prices are per
    unit of the underlying, ``t`` in years, ``r`` and ``q`` decimals. Inputs
    broadcast; the result has the broadcast shape.

    Returns NaN where no volatility fits: ``t == 0``, a NaN price, a price below
    the discounted intrinsic value of the forward or at/above the upper bound
    (the discounted forward for a call, the discounted strike for a put). A price
    equal to the intrinsic value gives 0. Otherwise the result reprices to
    ~1e-14 relative, from minutes to expiry to far out of the money and for
    vols far beyond 500 % (Jäckel's "Let's Be Rational" with bracketed
    Householder steps). Spot, future and strike must be finite and > 0, t
    finite and >= 0, r and q finite, or InputError (a ValueError) is raised.

    Hull's example: a call at 4.76 on S=42, K=40, r=10 %, six months is at 20 % vol.

    >>> float(implied_vol(4.759422392871532, True, 42.0, 40.0, 0.5, 0.10).round(6))
    0.2
    >>> implied_vol([1.12, 0.0, 25.0], [False, True, True], 20.0, 20.0, 4 / 12, 0.09, model="black76").round(4)
    array([0.2508, 0.    ,    nan])
    """
    if model not in MODELS:
        raise InputError("model", "must be 'bsm' or 'black76'", model)
    black76 = model == "black76"
    prices = as_float(price, "price")
    flags = as_is_call(is_call)
    arrays = {
        name: as_float(value, name)
        for name, value in (("underlying", underlying), ("strike", strike), ("t", t), ("r", r), ("q", q))
    }
    require_positive("underlying", arrays["underlying"])
    require_positive("strike", arrays["strike"])
    require_non_negative("t", arrays["t"])
    require_finite("r", arrays["r"])
    require_finite("q", arrays["q"])
    if black76 and np.any(arrays["q"] != 0):
        raise InputError("q", "must be 0 for model 'black76' (a future has no dividend yield)", arrays["q"])
    shape = np.broadcast_shapes(prices.shape, flags.shape, *(a.shape for a in arrays.values()))
    p, call, s, k, t_, r_, q_ = (
        np.broadcast_to(a, shape).ravel() for a in (prices, flags, *arrays.values())
    )
    with np.errstate(all="ignore"):
        discount = np.exp(-r_ * t_)
        # Discounted forward and strike; Black-76 discounts the future itself.
        sq = s * (discount if black76 else np.exp(-q_ * t_))
        kr = k * discount
        intrinsic = np.maximum(np.where(call, sq - kr, kr - sq), 0.0)
        upper = np.where(call, sq, kr)
        vol = np.full(p.shape, np.nan)
        valid = (t_ > 0) & (p >= intrinsic) & (p < upper)
        vol[valid & (p == intrinsic)] = 0.0
        # The time value is the price of the out-of-the-money option at the same strike (parity).
        time_value = p - intrinsic
        x = -np.abs(np.log(sq / kr))
        beta = time_value / np.sqrt(sq * kr)
        rows = np.flatnonzero(valid & (time_value > 0) & (beta < np.exp(0.5 * x)))
        if rows.size:
            vol[rows] = normalised_implied_vol(beta[rows], x[rows]) / np.sqrt(t_[rows])
    return vol.reshape(shape)
