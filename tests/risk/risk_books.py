"""Small books and markets for the risk tests, built from the domain types."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from planner.domain import Book, LayerKind, MarketSnapshot, Position, PositionKind, Tier
from planner.domain.positions import condor_legs, layer_legs

ET = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=ET)  # a Monday afternoon
OPENED = datetime(2026, 11, 20, 15, 0, tzinfo=ET)
CONDOR_EXPIRY = date(2026, 12, 18)  # SPX monthly, PM settlement used here
VIX_DEC, VIX_JAN, VIX_FEB = date(2026, 12, 16), date(2027, 1, 20), date(2027, 2, 17)


def market(spx=5900.0, vix=16.0, futures=None, vvix=90.0, asof=NOW) -> MarketSnapshot:
    curve = futures if futures is not None else {VIX_DEC: 17.2, VIX_JAN: 18.1, VIX_FEB: 18.8}
    return MarketSnapshot(asof=asof, spx=spx, vix=vix, rate=0.045, div_yield=0.013, vvix=vvix,
                          vix_futures=tuple(sorted(curve.items())))


def condor(strikes=(5500, 5550, 6250, 6300), qty=2, credit=6.0, iv=0.16, fees=0.0, position_id=1,
           expiry=CONDOR_EXPIRY) -> Position:
    legs = tuple(leg.with_changes(iv=iv, fees=fees / 4) for leg in condor_legs(expiry, strikes, qty))
    return Position(PositionKind.CONDOR, legs, qty, credit, OPENED, id=position_id)


def vix_call(strike=20.0, qty=5, price=1.5, iv=0.9, expiry=VIX_JAN, position_id=10, tier=Tier.MID,
             protects=()) -> Position:
    legs = tuple(leg.with_changes(iv=iv) for leg in layer_legs(LayerKind.VIX_CALL, expiry, (strike,), qty))
    return Position(PositionKind.LAYER, legs, qty, price, OPENED, tier=tier, layer_kind=LayerKind.VIX_CALL,
                    id=position_id, protects=protects)


def vix_future(qty=1, price=18.1, expiry=VIX_JAN, position_id=20) -> Position:
    legs = layer_legs(LayerKind.VIX_FUTURE, expiry, (), qty)
    return Position(PositionKind.LAYER, legs, qty, price, OPENED, tier=Tier.NEAR, layer_kind=LayerKind.VIX_FUTURE,
                    id=position_id)


def book(*positions: Position) -> Book:
    return Book(tuple(positions))
