"""What-if markets for the risk graph's controls and the replay (never stored).

A VIX what-if moves spot VIX and each VIX future by the damped amount the
spot-vol model says (a future T years out moves exp(-k T) of the spot move),
so VIX hedges revalue the way the risk engine expects.
"""

from __future__ import annotations

import math
from dataclasses import replace

from planner.domain import MarketSnapshot, Settings


def what_if_market(snapshot: MarketSnapshot, settings: Settings, *, spx: float | None = None,
                   vix: float | None = None, vvix: float | None = None, vix_shift: float = 0.0) -> MarketSnapshot:
    """``snapshot`` with SPX and/or spot VIX replaced, then VIX shifted by ``vix_shift`` points.

    >>> from datetime import UTC, date, datetime
    >>> base = MarketSnapshot(datetime(2026, 11, 20, tzinfo=UTC), 5900.0, 16.0,
    ...                       vix_futures=((date(2026, 12, 20), 17.0),))
    >>> moved = what_if_market(base, Settings(), vix_shift=4.0)
    >>> moved.vix, round(moved.vix_futures[0][1], 2)
    (20.0, 19.81)
    """
    new_vix = (snapshot.vix if vix is None else vix) + vix_shift
    new_vix = min(max(new_vix, settings.vix_floor), settings.vix_cap)
    move = new_vix - snapshot.vix
    today = snapshot.asof.date()
    futures = tuple(
        (expiry, max(0.01, price + move * math.exp(-settings.futures_damping_k * max((expiry - today).days, 0) / 365)))
        for expiry, price in snapshot.vix_futures
    )
    return replace(snapshot, spx=snapshot.spx if spx is None else spx, vix=new_vix,
                   vvix=snapshot.vvix if vvix is None else vvix, vix_futures=futures)
