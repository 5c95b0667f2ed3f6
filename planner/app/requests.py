"""What a trader asks for, as typed: the requests the use cases take.

Each field holds the raw value from the command line or a ticket (the text
"4.50" or the number 4.5); the use case parses and checks it, so a bad value is
refused with the same message (the field, the rule and the value) whichever
way it came in. ``force`` keeps a price or quote the stored market doubts
(planner.domain.bounds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

Number = str | float | int  # a number as typed ("4.50") or already one
Day = str | date  # an ISO date, "2026-12-18"
Moment = str | datetime | None  # an ISO time, New York unless a zone is given; None: now
Strikes = str | Sequence[float] | None  # "5400,5450,6300,6350" or the numbers; None: none (a VX future)
Ids = str | Sequence[int] | None  # "3,4" or the numbers


@dataclass(frozen=True, slots=True, kw_only=True)
class CondorRequest:
    """Sell ``qty`` iron condors K1<K2<K3<K4 expiring ``expiry`` for ``credit`` points each.

    fees: total dollars for the trade; settlement: "PM" or "AM" (monthly only)."""

    expiry: Day
    strikes: Strikes
    qty: Number
    credit: Number
    fees: Number = 0
    opened: Moment = None
    settlement: str = "PM"
    note: str | None = ""
    force: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class LayerRequest:
    """Buy ``qty`` hedge layers at ``price`` points per unit (debit).

    tier: near|mid|long; kind: vix-call|vix-call-spread|vix-future|spx-put-spread, long strike
    first; protects: condor ids (None: the whole book); fees: total dollars for the trade."""

    tier: str
    kind: str
    expiry: Day
    qty: Number
    price: Number
    strikes: Strikes = None
    fees: Number = 0
    opened: Moment = None
    protects: Ids = None
    note: str | None = ""
    force: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class CloseRequest:
    """Close open position ``position_id`` at ``price`` points per package (what a condor cost to
    buy back); ``qty`` below the position's closes only that many (None: all of it)."""

    position_id: Number
    price: Number
    fees: Number = 0
    at: Moment = None
    qty: Number | None = None
    force: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class RollRequest:
    """Sell layer ``position_id`` at ``close_price`` and buy its successor expiring ``expiry`` at
    ``price`` points, in one change. What is None (strikes, qty, tier, protects, note) stays as
    the old layer had it; fees: total dollars for both sides."""

    position_id: Number
    close_price: Number
    expiry: Day
    price: Number
    strikes: Strikes = None
    qty: Number | None = None
    fees: Number = 0
    at: Moment = None
    tier: str | None = None
    protects: Ids = None
    note: str | None = None
    force: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class QuoteRequest:
    """A market quote: SPX and VIX levels, VVIX, VX futures ("2026-12-16=17.45" or
    (date, price) pairs), rate and SPX dividend yield as decimals (None: the previous
    snapshot's), taken ``asof`` (None: now) from ``source``."""

    spx: Number
    vix: Number
    vvix: Number | None = None
    futures: Sequence[str | tuple[Day, Number]] = ()
    rate: Number | None = None
    div: Number | None = None
    asof: Moment = None
    source: str = "manual"
    force: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class FillRequest:
    """The trader's fill for accepting a suggestion: ``price`` per unit (points), ``qty`` (None:
    the proposed quantity), a roll's ``close_price``, fees in total dollars."""

    price: Number | None = None
    qty: Number | None = None
    close_price: Number | None = None
    fees: Number = 0
    at: Moment = None
    force: bool = False
