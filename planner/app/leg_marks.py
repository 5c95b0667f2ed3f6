"""Leg marks from the market: what a streamed quote says each open leg is worth.

A leg's market mark is the mid when the bid and ask are valid (ask >= bid, bid may
be 0 for a far wing), else the last trade, else none (the model marks it). The IV
implied from that mark lives with the quote (``LegMark.iv``): the leg's stored IV
changes only when the user types one.

Marks reach the valuation narrowly: ``with_market_marks`` returns the book with
each marked leg's ``mark`` set, which the risk engine already prefers over the
model value, so a leg's P&L is (mark - open price) x multiplier x quantity - fees.
A mark the user typed on the leg stays: the user's word wins over the screen.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from planner.domain import Book, MarketSnapshot
from planner.domain.instruments import Instrument, Leg
from planner.feeds.ibkr import LiveUpdate
from planner.feeds.ibkr_plan import ContractSpec

MARKET_MID = "market mid"
MARKET_LAST = "market last"
MODEL = "model"


@dataclass(frozen=True, slots=True)
class LegMark:
    """mark: per unit, points; source: 'market mid' or 'market last'; data_type: live,
    delayed or frozen; iv: decimal implied from the mark (None for futures or when the
    mark is outside the no-arbitrage bounds)."""

    leg_id: int
    mark: float
    source: str
    data_type: str = "live"
    iv: float | None = None


def contract_mark(update: LiveUpdate, key: str) -> tuple[float, str] | None:
    quote = update.quotes.get(key)
    if quote is None or key in update.unknown:
        return None
    mid = quote.mid
    if mid is not None:
        return mid, MARKET_MID
    if math.isfinite(quote.last) and quote.last > 0:
        return quote.last, MARKET_LAST
    return None


def market_marks(update: LiveUpdate, specs: Sequence[ContractSpec], book: Book | None = None,
                 market: MarketSnapshot | None = None, at: datetime | None = None) -> dict[int, LegMark]:
    """Marks for every leg id the subscribed ``specs`` carry; with ``book``, ``market`` and
    ``at`` each option's mark also gets its implied vol."""
    legs = {leg.id: leg for p in book.positions for leg in p.legs} if book is not None else {}
    marks: dict[int, LegMark] = {}
    for spec in specs:
        found = contract_mark(update, spec.key) if spec.leg_ids else None
        if found is None:
            continue
        price, source = found
        data_type = update.quotes[spec.key].data_type
        for leg_id in spec.leg_ids:
            leg = legs.get(leg_id)
            iv = implied_from_mark(leg, price, market, at) if leg is not None and market and at else None
            marks[leg_id] = LegMark(leg_id, price, source, data_type, iv)
    return marks


def implied_from_mark(leg: Leg, price: float, market: MarketSnapshot, at: datetime) -> float | None:
    """BSM on SPX (with the snapshot's rate and dividend yield) or Black-76 on the leg's VX future."""
    if leg.instrument is Instrument.VIX_FUTURE:
        return None
    from planner.calendars import time_to_expiry
    from planner.pricing import implied_vol

    years = time_to_expiry(at, leg.expiry, str(leg.settlement))
    if years <= 0:
        return None
    if leg.instrument is Instrument.SPX_OPTION:
        value = implied_vol(price, leg.is_call, market.spx, leg.strike, years, market.rate, market.div_yield)
    else:
        future = market.future_price(leg.expiry)
        if future is None:
            return None
        value = implied_vol(price, leg.is_call, future, leg.strike, years, market.rate, model="black76")
    number = float(value)
    return number if math.isfinite(number) and number > 0 else None


def with_market_marks(book: Book, marks: Mapping[int, LegMark | float]) -> Book:
    """The book with each marked open leg's ``mark`` set (legs with a typed mark keep it)."""
    if not marks:
        return book
    positions = []
    for position in book.positions:
        if not position.is_open or not any(leg.id in marks for leg in position.legs):
            positions.append(position)
            continue
        legs = tuple(
            leg.with_changes(mark=_price(marks[leg.id])) if leg.id is not None and leg.id in marks and leg.mark is None
            else leg
            for leg in position.legs
        )
        positions.append(position.with_changes(legs=legs))
    return Book(tuple(positions))


def mark_sources(book: Book, marks: Mapping[int, LegMark]) -> dict[int, str]:
    """Per open leg id: 'market mid' / 'market last' (with ' delayed' when so), 'typed' or 'model'."""
    sources = {}
    for position in book.open_positions:
        for leg in position.legs:
            if leg.mark is not None:
                sources[leg.saved_id] = "typed"
            elif leg.saved_id in marks:
                mark = marks[leg.saved_id]
                sources[leg.saved_id] = mark.source if mark.data_type == "live" else f"{mark.source} {mark.data_type}"
            else:
                sources[leg.saved_id] = MODEL
    return sources


def leg_risk_weights(report) -> dict[int, float]:
    """Dollars each open leg moves for a 1 % SPX move plus a 1 vol point move:
    |dollar delta per SPX point| x SPX / 100 + |dollar vega per vol point|, from a report
    made with its legs (``analyze(..., legs=True)``). Orders the legs for the line limit."""
    if report is None:
        return {}
    weights = {}
    for position in report.positions:
        for leg in position.legs:
            if leg.leg_id is not None:
                g = leg.greeks
                weights[leg.leg_id] = abs(g.delta_spx_equiv_usd) * report.spx / 100.0 + abs(g.vega_usd)
    return weights


def position_mark_sources(book: Book, marks: Mapping[int, LegMark]) -> dict[int, str]:
    """Per open position id: 'market' (every leg marked by a quote or typed), 'partly market', or 'model'."""
    by_leg = mark_sources(book, marks)
    out = {}
    for position in book.open_positions:
        quoted = [by_leg.get(leg.saved_id, MODEL) != MODEL for leg in position.legs]
        out[position.saved_id] = "market" if all(quoted) else ("partly market" if any(quoted) else MODEL)
    return out


def _price(mark: LegMark | float) -> float:
    return mark.mark if isinstance(mark, LegMark) else float(mark)
