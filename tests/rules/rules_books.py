"""Books, markets and histories for the rules tests, built from the domain types.

Monday 23 Nov 2026, 14:00 ET. Listed VIX expiries from there: 16 Dec 2026
(23 days: the near tier's), 20 Jan 2027 (58 days: of the expiries later than
near's, the one nearest 37 days out, the mid tier's), 17 Feb 2027 (86),
17 Mar 2027 (114: the first at or beyond 90 days, the long tier's).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from planner.domain import Book, LayerKind, MarketSnapshot, Position, PositionKind, Settings, Tier
from planner.domain.positions import condor_legs, layer_legs
from planner.risk import analyze

ET = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=ET)
OPENED = datetime(2026, 11, 20, 15, 0, tzinfo=ET)
LAYER_OPENED = datetime(2026, 11, 2, 15, 0, tzinfo=ET)  # 15 sessions back: past the hold after a buy
CONDOR_EXPIRY = date(2026, 12, 18)
VIX_DEC, VIX_JAN, VIX_FEB, VIX_MAR = date(2026, 12, 16), date(2027, 1, 20), date(2027, 2, 17), date(2027, 3, 17)
VIX_APR = date(2027, 4, 21)
TIER_EXPIRY = {"near": VIX_DEC, "mid": VIX_JAN, "long": VIX_MAR}
BIG_EQUITY = Settings(equity=10_000_000.0)  # keeps the risk cap out of tests about other rules


def curve(vix: float) -> dict[date, float]:
    """The term structure F(T) = 20 + (VIX - 20) exp(-4.3 T), rounded to cents."""
    import math

    return {d: round(20 + (vix - 20) * math.exp(-4.3 * (d - NOW.date()).days / 365), 2)
            for d in (VIX_DEC, VIX_JAN, VIX_FEB, VIX_MAR, VIX_APR)}


def market(vix: float = 16.0, spx: float = 5900.0, vvix: float | None = 90.0, futures: dict | None = None
           ) -> MarketSnapshot:
    listed = curve(vix) if futures is None else futures
    return MarketSnapshot(asof=NOW, spx=spx, vix=vix, rate=0.045, div_yield=0.013, vvix=vvix,
                          vix_futures=tuple(sorted(listed.items())))


def condor(strikes=(5500, 5550, 6250, 6300), qty=10, credit=6.0, iv=0.16, position_id=1, expiry=CONDOR_EXPIRY,
           fees=0.0, opened=OPENED) -> Position:
    legs = tuple(leg.with_changes(iv=iv, fees=fees / 4) for leg in condor_legs(expiry, strikes, qty))
    return Position(PositionKind.CONDOR, legs, qty, credit, opened, id=position_id)


def vix_call(strike=20.0, qty=5, price=1.5, iv=0.9, expiry=VIX_JAN, position_id=10, tier=Tier.MID,
             protects=(), opened=LAYER_OPENED) -> Position:
    legs = tuple(leg.with_changes(iv=iv) for leg in layer_legs(LayerKind.VIX_CALL, expiry, (strike,), qty))
    return Position(PositionKind.LAYER, legs, qty, price, opened, tier=tier, layer_kind=LayerKind.VIX_CALL,
                    id=position_id, protects=protects)


def vix_call_spread(strikes=(20.0, 30.0), qty=5, price=1.0, iv=0.9, expiry=VIX_JAN, position_id=11,
                    tier=Tier.MID) -> Position:
    legs = tuple(leg.with_changes(iv=iv) for leg in layer_legs(LayerKind.VIX_CALL_SPREAD, expiry, strikes, qty))
    return Position(PositionKind.LAYER, legs, qty, price, LAYER_OPENED, tier=tier, layer_kind=LayerKind.VIX_CALL_SPREAD,
                    id=position_id)


def vix_future(qty=1, price=18.0, expiry=VIX_DEC, position_id=20, tier=Tier.NEAR) -> Position:
    legs = layer_legs(LayerKind.VIX_FUTURE, expiry, (), qty)
    return Position(PositionKind.LAYER, legs, qty, price, LAYER_OPENED, tier=tier, layer_kind=LayerKind.VIX_FUTURE,
                    id=position_id)


def book(*positions: Position) -> Book:
    return Book(tuple(positions))


def at_mark(position: Position, snapshot: MarketSnapshot, at: datetime = NOW) -> Position:
    """The same position, bought at today's model mark (so its P&L is nil)."""
    row = analyze(book(position), snapshot, Settings(), at=at, light=True).positions[0]
    return position.with_changes(open_price=row.mark)


def sessions_before(day: date, count: int) -> list[date]:
    """The ``count`` weekdays before ``day`` (holidays do not matter to the indicators)."""
    days, cursor = [], day
    while len(days) < count:
        cursor -= timedelta(days=1)
        if cursor.weekday() < 5:
            days.append(cursor)
    return days[::-1]


def history(vix: list[float], spx: list[float] | None = None, vvix: list[float] | None = None,
            before: date | None = None) -> list[tuple[date, str, float]]:
    """(date, symbol, close) rows ending the weekday before ``before`` (default: NOW's day)."""
    before = before or NOW.date()
    rows = []
    for symbol, closes in (("VIX", vix), ("SPX", spx), ("VVIX", vvix)):
        if closes:
            rows += [(d, symbol, c) for d, c in zip(sessions_before(before, len(closes)), closes, strict=True)]
    return rows


def context(the_book: Book, snapshot: MarketSnapshot, settings: Settings = BIG_EQUITY, *, at: datetime = NOW,
            closes=None, events=(), signals=()):
    """The context a rule sees, with the risk report ``suggest`` would compute."""
    from planner.rules.context import RuleContext
    from planner.rules.history import DailyHistory

    report = analyze(the_book, snapshot, settings, at=at, light=True)
    return RuleContext(the_book, snapshot, settings, report, at, DailyHistory.of(closes, before=at.date()),
                       tuple(events), {s.name: s for s in signals})


def fired(rule, *args, **kwargs):
    """The suggestions of one rule function on the context built from the arguments."""
    return rule(context(*args, **kwargs))
