"""The stored quote's doubts about a typed price (rules in ``planner.domain.bounds``).

Each use case that takes a fill asks here before it writes; without a stored
quote there is nothing to doubt against, and nothing is asked.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime

from planner import calendars
from planner.domain import Book, LayerKind, MarketSnapshot, Position, PositionKind, Settings
from planner.domain.bounds import Doubt, fair_value_doubt, future_price_doubt, option_price_doubts

PROBE_ID = -1  # the unsaved position inside the fair-value book


def fair_value(position: Position, market: MarketSnapshot, settings: Settings, at: datetime) -> float | None:
    """The model's value per unit of ``position`` at ``market`` (legs without an IV take the model's IV)."""
    from planner.risk import analyze

    probe = replace(position, id=PROBE_ID)
    report = analyze(Book((probe,)), market, settings, at=at, light=True, scenarios=False)
    row = report.position(PROBE_ID)
    return None if row is None or not math.isfinite(row.mark) else row.mark


def _forward(position: Position, market: MarketSnapshot, at: datetime) -> tuple[float, float] | None:
    """(forward of the underlying, discount factor) at the position's expiry, from the stored quote."""
    settlement = position.legs[0].settlement
    years = calendars.time_to_expiry(at, position.expiry, settlement)
    discount = math.exp(-market.rate * years)
    if position.layer_kind is LayerKind.SPX_PUT_SPREAD:
        return market.spx * math.exp((market.rate - market.div_yield) * years), discount
    future = market.future_price(position.expiry)
    return (future, discount) if future is not None else None


def price_doubts(position: Position, price: float, market: MarketSnapshot | None, settings: Settings,
                 at: datetime, field: str = "price") -> list[Doubt]:
    """What the stored quote says about ``price`` per unit for ``position`` (to open or to close it)."""
    if market is None:
        return []
    doubts: list[Doubt] = []
    if position.kind is PositionKind.LAYER and at.date() <= position.expiry:
        strikes = tuple(leg.strike for leg in position.legs if leg.strike is not None)
        forward = _forward(position, market, at)
        if forward is not None and position.layer_kind is LayerKind.VIX_FUTURE:
            doubt = future_price_doubt(price, forward[0], settings, field)
            doubts += [doubt] if doubt else []
        elif forward is not None:
            doubts += option_price_doubts(position.layer_kind, strikes, price, *forward, field=field)
    if not doubts and position.layer_kind is not LayerKind.VIX_FUTURE:
        fair = fair_value(position, market, settings, at)
        doubt = fair_value_doubt(price, fair, settings, field) if fair is not None else None
        doubts += [doubt] if doubt else []
    return doubts
