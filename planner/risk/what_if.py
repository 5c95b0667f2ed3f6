"""What-if markets: today's snapshot moved to other SPX / VIX levels.

Used by `planner risk --spx X --vix Y` and the window's what-if controls; the
stored snapshot is never touched. A move given for SPX alone moves spot VIX
to the VIX response's central path for a move over ``sessions`` trading
sessions; futures follow spot VIX by d(T); SPX leg IVs follow through their
anchor (Leg.iv_vix) in the risk engine.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from planner.domain.instruments import require_positive
from planner.domain.market import MarketSnapshot
from planner.domain.settings import Settings
from planner.risk.spot_vol import futures_damping
from planner.risk.vix_response import vix_central


def what_if_market(
    market: MarketSnapshot,
    settings: Settings,
    *,
    spx: float | None = None,
    vix: float | None = None,
    at: datetime | None = None,
    sessions: float = 1.0,
) -> MarketSnapshot:
    """``market`` with SPX and/or spot VIX replaced, the futures curve moved with VIX.

    >>> from datetime import UTC, date
    >>> today = MarketSnapshot(datetime(2026, 11, 23, 19, tzinfo=UTC), 5900.0, 16.0,
    ...                        vix_futures=((date(2026, 12, 16), 17.0),))
    >>> moved = what_if_market(today, Settings(), vix=26.0)
    >>> moved.vix, round(moved.vix_futures[0][1], 2)  # 22.81 days to 09:30 ET: d(T) = 0.7644
    (26.0, 24.64)
    """
    if spx is None and vix is None:
        return market
    new_spx = market.spx if spx is None else require_positive("spx", spx)
    if vix is None:
        new_vix = float(vix_central(new_spx, market.spx, market.vix, sessions, settings))
    else:
        new_vix = require_positive("vix", vix)
    moment = at or market.asof
    change = new_vix - market.vix
    futures = tuple(
        (expiry, max(price + change * float(futures_damping(_years(moment, expiry), settings)), 0.5))
        for expiry, price in market.vix_futures
    )
    return replace(market, spx=new_spx, vix=new_vix, vix_futures=futures, source=f"{market.source} (what-if)", id=None)


def _years(moment: datetime, expiry) -> float:
    from planner.calendars import time_to_expiry

    return time_to_expiry(moment, expiry, "AM")
