"""Books of realistic shape for the benchmarks (not used by the tests).

typical_book(): about 300 legs over about 100 distinct contracts, the way a
real book repeats strikes: 60 condors on a 25-point strike ladder at five SPX
expiries, hedged by 40 VIX layers on three VIX expiries.
worst_book(): 300 legs, every one a distinct contract.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np

from planner.domain import Book, LayerKind, MarketSnapshot, Position, PositionKind, Tier
from planner.domain.positions import condor_legs, layer_legs

ET = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=ET)
SPX_EXPIRIES = [date(2026, 12, 4), date(2026, 12, 11), date(2026, 12, 18), date(2026, 12, 31), date(2027, 1, 15)]
VIX_EXPIRIES = [date(2026, 12, 16), date(2027, 1, 20), date(2027, 2, 17), date(2027, 3, 17)]


def market() -> MarketSnapshot:
    curve = tuple((d, round(20 + (16 - 20) * np.exp(-4.3 * (d - NOW.date()).days / 365), 2)) for d in VIX_EXPIRIES)
    return MarketSnapshot(asof=NOW, spx=5900.0, vix=16.0, vvix=90.0, vix_futures=curve)


def _condor(rng, position_id: int, expiry: date, ladder: float, distinct: bool) -> Position:
    put_short = 5900 - rng.integers(8, 14) * ladder
    call_short = 5900 + rng.integers(6, 11) * ladder
    if distinct:  # off-ladder strikes so that no two legs share a contract
        put_short -= position_id * 0.5
        call_short += position_id * 0.5
    strikes = (put_short - 50, put_short, call_short, call_short + 50)
    qty = int(rng.integers(1, 10))
    legs = tuple(leg.with_changes(iv=0.16 + 0.04 * (5900 - leg.strike) / 500)
                 for leg in condor_legs(expiry, strikes, qty))
    return Position(PositionKind.CONDOR, legs, qty, 5.0, NOW.replace(day=2), id=position_id)


def _layer(rng, position_id: int, distinct: bool) -> Position:
    expiry = VIX_EXPIRIES[int(rng.integers(0, 3)) + (1 if distinct and position_id % 2 else 0)]
    strike = float(rng.integers(18, 30))
    if distinct:
        strike += position_id * 0.01
    kind = LayerKind.VIX_CALL if position_id % 3 else LayerKind.VIX_CALL_SPREAD
    strikes = (strike,) if kind is LayerKind.VIX_CALL else (strike, strike + 10)
    qty = int(rng.integers(5, 40))
    legs = tuple(leg.with_changes(iv=0.9) for leg in layer_legs(kind, expiry, strikes, qty))
    tier = (Tier.NEAR, Tier.MID, Tier.LONG)[position_id % 3]
    return Position(PositionKind.LAYER, legs, qty, 1.2, NOW.replace(day=2), tier=tier, layer_kind=kind,
                    id=position_id)


def typical_book(seed: int = 7) -> Book:
    rng = np.random.default_rng(seed)
    condors = [_condor(rng, i + 1, SPX_EXPIRIES[i % 5], 25.0, False) for i in range(60)]
    layers = [_layer(rng, 100 + i, False) for i in range(40)]
    return Book(tuple(condors + layers))


def worst_book(seed: int = 11) -> Book:
    rng = np.random.default_rng(seed)
    condors = [_condor(rng, i + 1, SPX_EXPIRIES[i % 5], 25.0, True) for i in range(60)]
    layers = [_layer(rng, 100 + i, True) for i in range(40)]
    return Book(tuple(condors + layers))


def timed(function, repeats: int) -> list[float]:
    """Wall milliseconds of ``repeats`` calls of ``function``."""
    import time

    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def leg_count(book: Book) -> int:
    return sum(len(p.legs) for p in book.positions)
