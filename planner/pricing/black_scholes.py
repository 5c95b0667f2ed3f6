"""Black-Scholes-Merton on spot and Black-76 on a future: price and four Greeks, vectorised.

Inputs broadcast against each other like numpy arguments; the result holds
arrays of the broadcast shape. Times are in years, vol, r and q are decimals
(0.2 is 20 %). See ``Greeks`` for the units of the outputs.

Edge cases (the limits of the formulas):

- ``t == 0``: intrinsic value max(w (S - K), 0); delta is its slope (1 or 0 for
  a call, -1 or 0 for a put) and exactly at the money +0.5 / -0.5, the limit of
  N(d1) as t -> 0; gamma, vega and theta are 0.
- ``vol == 0``, t > 0: the discounted intrinsic value of the forward,
  max(w (S e^-qt - K e^-rt), 0), with delta w e^-qt (1/2 of it exactly at the
  forward), gamma and vega 0 (vega's limit at exactly the forward is positive;
  it is reported as 0), and theta the carry of that intrinsic value.
- Spot, forward and strike must be finite and > 0, t and vol finite and >= 0,
  r and q finite (negative rates and yields are fine); anything else raises
  ``InputError`` (a ``ValueError``) naming the input.

Accuracy, against a 40-digit reference: price and Greeks within ~1e-13 of the
underlying's scale (relative for gamma and theta where they are large), from
minutes to years to expiry. Prices are also accurate relative to themselves,
~1e-13 for ordinary options; far out of the money the rounding of the inputs
is amplified by the price's steep tail (about 1e-11 at 1e-60 of the spot).

Cost, on the two-core development machine, one core: about 40-50 ns per option
for price and four Greeks with the compiled kernel, 70-120 ns with the numpy
kernel where it is not built (see benchmarks/bench_pricing.py).
"""

from __future__ import annotations

import math

import numpy as np

from planner.pricing._inputs import (
    as_float,
    as_is_call,
    broadcast_flat,
    require_finite,
    require_non_negative,
    require_positive,
)
from planner.pricing._kernel import limit_values, price_and_greeks
from planner.pricing.greeks import Greeks


def bsm_greeks(is_call, spot, strike, t, vol, r, q) -> Greeks:
    """Black-Scholes-Merton price and Greeks of European options on spot with dividend yield ``q``.

    ``is_call`` is True for a call, False for a put; ``spot`` and ``strike`` in
    points, ``t`` in years, ``vol``, ``r`` and ``q`` as decimals (continuous
    compounding). Theta holds spot fixed as a calendar day passes.

    Hull's example: S=42, K=40, r=10 %, vol 20 %, six months.

    >>> g = bsm_greeks([True, False], 42.0, 40.0, 0.5, 0.20, 0.10, 0.0)
    >>> g.price.round(2)
    array([4.76, 0.81])

    Hull's delta-hedging example: S=49, K=50, r=5 %, vol 20 %, 20 weeks; per year
    and per unit vol the call has delta 0.522, gamma 0.066, vega 12.1, theta -4.31.

    >>> g = bsm_greeks(True, 49.0, 50.0, 20 / 52, 0.20, 0.05, 0.0)
    >>> [round(float(v), 3) for v in (g.delta, g.gamma, g.vega * 100, g.theta * 365)]
    [0.522, 0.066, 12.105, -4.305]
    """
    return _greeks(is_call, spot, strike, t, vol, r, q, black76=False)


def bsm_delta(is_call, spot, strike, t, vol, r, q) -> np.ndarray:
    """``bsm_greeks(...).delta`` with the same bits, for callers that need the delta alone.

    It skips the recomputation of far out-of-the-money prices (the normalised Black function), which
    a scan of a strike ladder for its 16-delta strikes would otherwise pay for every deep wing.

    >>> [round(float(d), 3) for d in bsm_delta([True, False], 49.0, 50.0, 20 / 52, 0.20, 0.05, 0.0)]
    [0.522, -0.478]
    """
    return _greeks(is_call, spot, strike, t, vol, r, q, black76=False, exact_prices=False).delta


def black76_greeks(is_call, forward, strike, t, vol, r) -> Greeks:
    """Black-76 price and Greeks of European options on a future, discounted at ``r``.

    Used for VIX options against the VIX future of the same expiry. Delta and
    gamma are with respect to the future (dV/dF, discounted); theta holds the
    future fixed as a calendar day passes.

    Hull's example: futures price 20, strike 20, r=9 %, vol 25 %, four months;
    call and put are both worth 1.12.

    >>> g = black76_greeks([True, False], 20.0, 20.0, 4 / 12, 0.25, 0.09)
    >>> g.price.round(2)
    array([1.12, 1.12])
    """
    return _greeks(is_call, forward, strike, t, vol, r, 0.0, black76=True)


def _greeks(is_call, underlying, strike, t, vol, r, q, *, black76: bool, exact_prices: bool = True) -> Greeks:
    underlying_name = "forward" if black76 else "spot"
    flags = as_is_call(is_call)
    names = (underlying_name, "strike", "t", "vol", "r", "q")
    arrays = [as_float(value, name) for value, name in zip((underlying, strike, t, vol, r, q), names, strict=True)]
    shape, flat = broadcast_flat(flags, *arrays)
    flag_flat, spot_flat, strike_flat, t_flat, vol_flat, r_flat, q_flat = flat
    n = math.prod(shape)
    out, suspicious = price_and_greeks(
        flag_flat, spot_flat, strike_flat, t_flat, vol_flat, r_flat, q_flat, n=n, black76=black76,
        exact_prices=exact_prices,
    )
    if suspicious:
        underlying_array, strike_array, t_array, vol_array, r_array, q_array = arrays
        require_positive(underlying_name, underlying_array)
        require_positive("strike", strike_array)
        require_non_negative("t", t_array)
        require_non_negative("vol", vol_array)
        require_finite("r", r_array)
        require_finite("q", q_array)
        at_limit = np.broadcast_to((np.asarray(t_flat) == 0) | (np.asarray(vol_flat) == 0), (n,))
        rows = np.flatnonzero(at_limit)
        if rows.size:
            carry = r_flat if black76 else q_flat
            limit_values(out, rows, flag_flat, spot_flat, strike_flat, t_flat, r_flat, carry)
    return Greeks(*(a.reshape(shape) for a in (out.price, out.delta, out.gamma, out.vega, out.theta)))
