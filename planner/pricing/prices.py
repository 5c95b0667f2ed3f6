"""Prices alone, for scenario grids where the Greeks would be wasted work.

Same models as ``bsm_greeks`` / ``black76_greeks`` (which stay the reference
for a single contract). With numpy alone these cost about a third of the
Greeks, because only the two normal CDFs and the discounting are computed;
where the compiled kernel is built they are its prices. Accuracy is absolute: about
1e-13 of the underlying, which is what a P&L surface needs; far
out-of-the-money prices that must keep their relative precision belong to
``bsm_greeks``. Inputs are checked the same way (InputError naming the input).
"""

from __future__ import annotations

import numpy as np

from planner.pricing import _kernel
from planner.pricing._inputs import as_float, as_is_call, require_non_negative, require_positive


def bsm_price(is_call, spot, strike, t, vol, r, q) -> np.ndarray:
    """Black-Scholes-Merton price per unit of the underlying, inputs broadcast.

    Hull's example (S=42, K=40, r=10 %, vol=20 %, T=0.5): call 4.76, put 0.81.

    >>> [round(float(x), 2) for x in bsm_price([True, False], 42.0, 40.0, 0.5, 0.2, 0.10, 0.0)]
    [4.76, 0.81]
    """
    if _kernel.NATIVE is not None:
        # The compiled kernel computes price and Greeks together in less time than numpy takes for the price.
        from planner.pricing.black_scholes import bsm_greeks

        return np.asarray(bsm_greeks(is_call, spot, strike, t, vol, r, q).price)
    from scipy.special import ndtr

    is_call, spot, strike, t, vol = np.broadcast_arrays(
        as_is_call(is_call), *(as_float(x, name) for x, name in ((spot, "spot"), (strike, "strike"), (t, "t"),
                                                                  (vol, "vol"))))
    require_positive("spot", spot)
    require_positive("strike", strike)
    require_non_negative("t", t)
    require_non_negative("vol", vol)
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
