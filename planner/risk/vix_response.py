"""How spot VIX answers an SPX move: a central path and a band (docs/model.md).

With x = -ln(SPX1/SPX0) (a fall is positive), n >= 1 the trading sessions the
move takes and VIX0 today's level:

    x_n   = |x| n^-h                                  (a slide lifts VIX less than a crash)
    g     = s (1 - exp(-x_n / s))                     (saturating: g -> s for large moves)
    L     = (ref / VIX0)^p                            (level: a high VIX has less room to rise)
    r     = a L g        on a fall,   -u a L g on a rise
    sigma = w |r| + sigma0
    VIX central = VIX0 e^r, band = VIX0 e^(r -+ z sigma), z the band quantile's normal score,
    each kept in [vix_floor, vix_cap].

For a small one-session move r ~ a L x: ``a`` is the old model's beta at the
reference VIX. Every parameter is a setting (``vix_response_*``, ``vix_band_*``);
tools/fit_vix_response.py fits them to DOMAIN.md's episodes and prints the fit.
"""

from __future__ import annotations

from statistics import NormalDist
from typing import NamedTuple

import numpy as np

from planner.domain.settings import Settings


class VixPath(NamedTuple):
    """Spot VIX (points) after the move: the central path and the band's low and high."""

    central: np.ndarray
    low: np.ndarray
    high: np.ndarray


def band_z(settings: Settings) -> float:
    """Normal score of the band's upper quantile (90 % -> 1.2816)."""
    return NormalDist().inv_cdf(settings.vix_band_quantile_pct / 100.0)


def log_response(spx1, spx0: float, vix0, sessions, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """(r, sigma): the central ln(VIX1/VIX0) and the band's log-space spread, before the floor and cap."""
    move = -np.log(np.asarray(spx1, dtype=float) / spx0)
    n = np.maximum(np.asarray(sessions, dtype=float), 1.0)
    s = settings.vix_response_saturation
    effective = np.abs(move) * n ** -settings.vix_response_horizon_exponent
    saturated = s * -np.expm1(-effective / s)
    level = (settings.vix_response_ref_vix / np.asarray(vix0, dtype=float)) ** settings.vix_response_level_exponent
    scale = settings.vix_response_slope * level * saturated
    r = np.where(move >= 0.0, scale, -settings.vix_response_up_fraction * scale)
    sigma = settings.vix_band_width * np.abs(r) + settings.vix_band_floor
    return r, sigma


def vix_response(spx1, spx0: float, vix0: float, sessions, settings: Settings) -> VixPath:
    """Central VIX and its band after SPX goes from spx0 to spx1 over ``sessions`` trading sessions.

    24 Aug 2015 (one session, SPX 1970.89 -> 1893.21, VIX 28.03; VIX closed at 40.74):

    >>> path = vix_response(1893.21, 1970.89, 28.03, 1, Settings())
    >>> [round(float(v), 1) for v in path]
    [39.4, 31.9, 48.8]
    """
    r, sigma = log_response(spx1, spx0, vix0, sessions, settings)
    z = band_z(settings)
    bounds = settings.vix_floor, settings.vix_cap
    return VixPath(np.clip(vix0 * np.exp(r), *bounds), np.clip(vix0 * np.exp(r - z * sigma), *bounds),
                   np.clip(vix0 * np.exp(r + z * sigma), *bounds))


def vix_central(spx1, spx0: float, vix0: float, sessions, settings: Settings) -> np.ndarray:
    """The central path alone (``vix_response(...).central``)."""
    r, _ = log_response(spx1, spx0, vix0, sessions, settings)
    return np.clip(vix0 * np.exp(r), settings.vix_floor, settings.vix_cap)


def dvix_dspx(spx0: float, vix0: float, settings: Settings) -> float:
    """Slope of spot VIX against SPX at today's levels for a one-session fall, VIX points per SPX point.

    The fall side: the one a hedge exists for, and the one the SPX-equivalent
    delta of VIX positions should describe. d ln VIX / d ln SPX at x = 0 is -a L.
    """
    level = (settings.vix_response_ref_vix / vix0) ** settings.vix_response_level_exponent
    return -settings.vix_response_slope * level * vix0 / spx0
