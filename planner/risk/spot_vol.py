"""How VIX futures follow spot VIX (DOMAIN.md, "How SPX and VIX move together").

Spot VIX after an SPX move is ``planner.risk.vix_response``; here:

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


def futures_damping(years_to_expiry, settings: Settings) -> np.ndarray:
    """d(T) = exp(-k T): the share of a spot-VIX move a future of that tenor makes."""
    return np.exp(-settings.futures_damping_k * np.maximum(np.asarray(years_to_expiry, dtype=float), 0.0))


def term_structure_future(years_to_expiry, vix: float, settings: Settings) -> np.ndarray:
    """A future the snapshot's curve does not list: the VX curve model (``planner.risk.vx_curve``)."""
    return modelled_futures(years_to_expiry, vix, settings)
