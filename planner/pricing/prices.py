"""Prices alone, for scenario grids where the Greeks would be wasted work.

Same models as ``bsm_greeks`` / ``black76_greeks`` (which stay the reference
for a single contract): about a third of their cost, because only the two
normal CDFs and the discounting are computed. Accuracy is absolute: about
1e-13 of the underlying, which is what a P&L surface needs; far
out-of-the-money prices that must keep their relative precision belong to
``bsm_greeks``.
"""

from __future__ import annotations

import numpy as np


def _checked(name: str, values: np.ndarray, allow_zero: bool) -> None:
    low = values.min() if values.size else 0.0
    if not np.isfinite(values).all() or low < 0 or (low == 0 and not allow_zero):
        bad = values[~np.isfinite(values) | (values < 0) | ((values == 0) & (not allow_zero))]
        rule = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be finite and {rule}, got {float(bad.flat[0])!r}")


def bsm_price(is_call, spot, strike, t, vol, r, q) -> np.ndarray:
    """Black-Scholes-Merton price per unit of the underlying, inputs broadcast.

    Hull's example (S=42, K=40, r=10 %, vol=20 %, T=0.5): call 4.76, put 0.81.

    >>> [round(float(x), 2) for x in bsm_price([True, False], 42.0, 40.0, 0.5, 0.2, 0.10, 0.0)]
    [4.76, 0.81]
    """
    from scipy.special import ndtr

    is_call, spot, strike, t, vol = np.broadcast_arrays(
        np.asarray(is_call, dtype=bool), *(np.asarray(x, dtype=float) for x in (spot, strike, t, vol)))
    _checked("spot", spot, False)
    _checked("strike", strike, False)
    _checked("t", t, True)
    _checked("vol", vol, True)
    shape = spot.shape
    is_call, spot, strike, t, vol = (np.ravel(x) for x in (is_call, spot, strike, t, vol))
    sign = np.where(is_call, 1.0, -1.0)
    forward_spot = spot * np.exp(-q * t)
    discounted_strike = strike * np.exp(-r * t)
    spread = vol * np.sqrt(t)
    live = spread > 0
    price = np.maximum(sign * (forward_spot - discounted_strike), 0.0)
    if live.any():
        s, k, w, sd = forward_spot[live], discounted_strike[live], sign[live], spread[live]
        d1 = np.log(s / k) / sd + 0.5 * sd
        price[live] = w * (s * ndtr(w * d1) - k * ndtr(w * (d1 - sd)))
    return price.reshape(shape)


def black76_price(is_call, forward, strike, t, vol, r) -> np.ndarray:
    """Black-76 price of an option on a future, discounted at r (VIX options on VX).

    At the money, F = K = 20, vol 80 %, 3 months, r = 0: F (N(s/2) - N(-s/2)) with s = 0.4.

    >>> round(float(black76_price(True, 20.0, 20.0, 0.25, 0.8, 0.0)), 4)
    3.1704
    """
    return bsm_price(is_call, forward, strike, t, vol, r, r)
