"""Implied vol of a VIX option by strike and tenor, for legs entered without an IV (docs/model.md).

One flat vol for every VIX option prices a 5-month call 30 % out of the money
like a 3-week at-the-money one. The market's surface has three features, each
a setting:

* **Level.** VVIX is Cboe's VIX-style strip index over the 30-day VIX options,
  so it sits above at-the-money vol (the out-of-the-money calls it weights
  carry the smile): ATM(30 d) = c x VVIX / 100, c = ``vix_option_atm_vvix_ratio``.
  Without a VVIX close, VVIX is estimated from VIX,
  ``vvix_ref x (VIX / vvix_ref_vix) ** vvix_vix_elasticity``; with
  ``vvix_from_vix`` off, ``vix_option_default_vol`` is the ATM 30-day vol.
* **Tenor.** ATM(T) = ATM(30 d) x (T / 30 d) ** -alpha, alpha =
  ``vix_option_term_exponent`` (Cboe: "the term structure of VVIX is usually
  downward sloping"); tenors under ``vix_option_min_tenor_days`` take that
  tenor's vol, where the power law would run off to infinity.
* **Strike.** vol(K) = ATM(T) x (1 + s k + q k^2), k = ln(K / F), s =
  ``vix_option_skew``, q = ``vix_option_smile_curvature``: out-of-the-money
  calls above at-the-money (the VIX smile slopes upward), kept between
  ``SMILE_BOUNDS`` times ATM.
"""

from __future__ import annotations

import numpy as np

from planner.domain.settings import Settings

DAYS_PER_YEAR = 365.0
VVIX_TENOR_YEARS = 30.0 / DAYS_PER_YEAR  # VVIX measures the 30-day strip
SMILE_BOUNDS = (0.5, 3.0)  # x ATM: a quadratic smile must not reach zero or explode far from the money


def estimated_vvix(vix: float, settings: Settings) -> float:
    """VVIX from VIX when no VVIX close is known (points).

    >>> round(estimated_vvix(19.8, Settings()), 1), round(estimated_vvix(40.0, Settings()), 1)
    (94.0, 125.4)
    """
    return settings.vvix_ref * (vix / settings.vvix_ref_vix) ** settings.vvix_vix_elasticity


def atm_vol_30d(vix: float, vvix: float | None, settings: Settings) -> float:
    """At-the-money vol of a 30-day VIX option (decimal)."""
    if vvix:
        return settings.vix_option_atm_vvix_ratio * vvix / 100.0
    if settings.vvix_from_vix:
        return settings.vix_option_atm_vvix_ratio * estimated_vvix(vix, settings) / 100.0
    return settings.vix_option_default_vol


def term_factor(years, settings: Settings) -> np.ndarray:
    """ATM(T) / ATM(30 d): 1 at 30 days, below 1 beyond (decimal ratio)."""
    shortest = settings.vix_option_min_tenor_days / DAYS_PER_YEAR
    tenor = np.maximum(np.asarray(years, dtype=float), shortest)
    return (tenor / VVIX_TENOR_YEARS) ** -settings.vix_option_term_exponent


def smile_factor(strikes, futures, settings: Settings) -> np.ndarray:
    """vol(K) / ATM at log-moneyness ln(K / F)."""
    k = np.log(np.asarray(strikes, dtype=float) / np.asarray(futures, dtype=float))
    shape = 1.0 + settings.vix_option_skew * k + settings.vix_option_smile_curvature * k * k
    # minimum(maximum()) rather than np.clip: the same on a few legs at a fraction of the call overhead
    return np.minimum(np.maximum(shape, SMILE_BOUNDS[0]), SMILE_BOUNDS[1])


def vix_option_iv(strikes, futures, years, vix: float, vvix: float | None, settings: Settings) -> np.ndarray:
    """Decimal implied vols of VIX options on futures ``futures`` (points) expiring in ``years``.

    With VVIX 100 and c = 0.85, a 30-day at-the-money option has 85 %; a longer one
    less, an out-of-the-money call more.

    >>> s = Settings()
    >>> [round(float(v), 3) for v in vix_option_iv([20.0, 20.0, 26.0], 20.0, [30 / 365, 150 / 365, 30 / 365],
    ...                                           16.0, 100.0, s)]
    [0.85, 0.524, 1.087]
    """
    return atm_vol_30d(vix, vvix, settings) * term_factor(years, settings) * smile_factor(strikes, futures, settings)
