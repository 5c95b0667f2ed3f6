"""The value object every pricing function returns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True, eq=False)
class Greeks:
    """Model value and first-order risks of European options, one element per option.

    Every field is a float64 array with the broadcast shape of the pricing inputs
    (0-d for scalar inputs). Units, per unit of the underlying (the app applies
    the contract multiplier):

    - ``price``: value in points of the underlying (index points for SPX, VIX
      points for VIX options).
    - ``delta``: dV/dS per 1 point of spot (Black-Scholes-Merton) or dV/dF per
      1 point of the future (Black-76, discounted); calls 0..1, puts -1..0.
    - ``gamma``: d(delta)/dS, per point per point.
    - ``vega``: dV/d(sigma) per 1 volatility point, i.e. per 0.01 of absolute vol.
    - ``theta``: change in value as one calendar day (1/365 year) passes with
      spot (or the future), vol and rates unchanged; normally negative for a
      long option.

    Arrays are not compared by ``==`` (``eq=False``); compare fields with numpy.
    """

    price: np.ndarray
    delta: np.ndarray
    gamma: np.ndarray
    vega: np.ndarray
    theta: np.ndarray
