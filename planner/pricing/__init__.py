"""Option pricing: Black-Scholes-Merton, Black-76 and implied volatility, vectorised over numpy arrays.

Pure functions, arrays in and arrays out, no I/O. Importing this package loads
numpy and the compiled kernels of ``_native.c`` (a small extension module, built
by the install where a C compiler is present); scipy.special is imported on the
first call that needs it.
"""

from planner.pricing.black_scholes import black76_greeks, bsm_delta, bsm_greeks
from planner.pricing.greeks import Greeks
from planner.pricing.implied_volatility import implied_vol

__all__ = ["Greeks", "black76_greeks", "bsm_delta", "bsm_greeks", "implied_vol"]
