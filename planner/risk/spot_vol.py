"""How VIX moves when SPX moves, and how VIX futures follow spot VIX.

The model of DOMAIN.md, "How SPX and VIX move together":

* spot VIX: ln(VIX1/VIX0) = -beta ln(SPX1/SPX0), beta = scale (ref/VIX0)^exponent
  on down moves and ``beta_up_fraction`` of that on up moves, VIX kept in
  [vix_floor, vix_cap];
* a VIX future T years from its expiry moves d(T) = exp(-k T) times the spot
  move (k = 4.3 a year: 0.70 at 30 days);
* SPX implied vols shift by the spot-VIX change in vol points.

Without this coupling a risk graph drawn against SPX shows VIX hedges as dead
weight, which is the opposite of what they do.
"""

from __future__ import annotations

import numpy as np

from planner.domain.settings import Settings
from planner.risk.vx_curve import modelled_futures


def spot_vol_beta(vix0: float, settings: Settings) -> tuple[float, float]:
    """(down-move beta, up-move beta) at today's VIX level.

    >>> down, up = spot_vol_beta(20.0, Settings())
    >>> round(down, 6), round(up, 6)
    (16.0, 5.333333)
    """
    down = settings.beta_scale * (settings.beta_ref_vix / vix0) ** settings.beta_exponent
    return down, down * settings.beta_up_fraction


def vix_after_spx_move(spx1, spx0: float, vix0: float, settings: Settings) -> np.ndarray:
    """Spot VIX implied by the model when SPX goes from spx0 to spx1 (points).

    24 Aug 2015: SPX 1970.89 -> 1893.21 with VIX at 28.03 gives about 41.3.

    >>> round(float(vix_after_spx_move(1893.21, 1970.89, 28.03, Settings())), 1)
    41.3
    """
    spx1 = np.asarray(spx1, dtype=float)
    log_move = np.log(spx1 / spx0)
    down, up = spot_vol_beta(vix0, settings)
    beta = np.where(log_move < 0.0, down, up)
    vix1 = vix0 * np.exp(-beta * log_move)
    return np.clip(vix1, settings.vix_floor, settings.vix_cap)


def futures_damping(years_to_expiry, settings: Settings) -> np.ndarray:
    """d(T) = exp(-k T): the share of a spot-VIX move a future of that tenor makes."""
    return np.exp(-settings.futures_damping_k * np.maximum(np.asarray(years_to_expiry, dtype=float), 0.0))


def term_structure_future(years_to_expiry, vix: float, settings: Settings) -> np.ndarray:
    """A future the snapshot's curve does not list: the VX curve model (``planner.risk.vx_curve``)."""
    return modelled_futures(years_to_expiry, vix, settings)


def dvix_dspx(spx0: float, vix0: float, settings: Settings) -> float:
    """Slope of spot VIX against SPX at today's levels, VIX points per SPX point.

    Uses the down-move beta: the side a hedge exists for, and the one the
    SPX-equivalent delta of VIX positions should describe.
    """
    down, _ = spot_vol_beta(vix0, settings)
    return -down * vix0 / spx0
