"""Option pricing: Black-Scholes-Merton, Black-76 and implied volatility, vectorised over numpy arrays.

Pure functions, arrays in and arrays out, no I/O. Importing this package loads
numpy only; scipy.special is imported on the first call, and numba (optional:
a compiled kernel for large calls) on the first call with 65,536 options or more.
"""

from planner.pricing.black_scholes import black76_greeks, bsm_greeks
from planner.pricing.greeks import Greeks
from planner.pricing.implied_volatility import implied_vol

__all__ = ["Greeks", "black76_greeks", "bsm_greeks", "implied_vol"]
