"""Which contracts a broker feed subscribes, in what order, within the line limit.

Plain data, no broker library: the plan is made (and tested) without ``ib_async``.
Order: the SPX, VIX and VVIX indexes, then the listed VX futures (the curve), then
the book's distinct option and future contracts by the risk they carry. Whatever
does not fit under the market-data line limit stays marked by the model, and the
plan says which.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from planner.calendars import vix_expirations
from planner.domain import Book, Position
from planner.domain.instruments import Instrument, Leg, Settlement, multiplier

INDEXES = ("SPX", "VIX", "VVIX")


@dataclass(frozen=True, slots=True)
class ContractSpec:
    """One broker contract. key: the planner's name for it ("SPX", "VX 2026-12-16",
    "SPXW 2026-12-18 5800 P"); sec_type: IND, FUT or OPT; expiry: last trading day;
    strike in index or VIX points; leg_ids: the open legs this contract marks."""

    key: str
    sec_type: str
    symbol: str
    exchange: str
    trading_class: str = ""
    expiry: date | None = None
    strike: float = 0.0
    right: str = ""
    multiplier: str = ""
    leg_ids: tuple[int, ...] = ()

    @property
    def is_index(self) -> bool:
        return self.sec_type == "IND"


@dataclass(frozen=True, slots=True)
class SubscriptionPlan:
    """subscribed: in request order; model_marked: contracts left to the model (no free line)."""

    subscribed: tuple[ContractSpec, ...]
    model_marked: tuple[ContractSpec, ...]

    def describe(self) -> str:
        legs = sum(1 for spec in self.subscribed if spec.leg_ids)
        text = f"{len(self.subscribed)} lines ({legs} leg contracts)"
        if self.model_marked:
            text += f"; {len(self.model_marked)} contracts model-marked (line limit)"
        return text


def index_spec(symbol: str) -> ContractSpec:
    return ContractSpec(symbol, "IND", symbol, "CBOE")


def future_spec(expiry: date, leg_ids: tuple[int, ...] = ()) -> ContractSpec:
    return ContractSpec(f"VX {expiry.isoformat()}", "FUT", "VIX", "CFE", "VX", expiry,
                        multiplier=str(multiplier(Instrument.VIX_FUTURE)), leg_ids=leg_ids)


def leg_spec(leg: Leg, leg_ids: tuple[int, ...]) -> ContractSpec:
    """SPX legs: trading class SPXW for PM-settled (weeklies, dailies, end of month), SPX for
    the AM-settled monthlies; VIX options trade as class VIX on CBOE."""
    if leg.instrument is Instrument.VIX_FUTURE:
        return future_spec(leg.expiry, leg_ids)
    right = str(leg.right)
    if leg.instrument is Instrument.SPX_OPTION:
        trading_class = "SPX" if leg.settlement is Settlement.AM else "SPXW"
        symbol = "SPX"
    else:
        trading_class = symbol = "VIX"
    strike = leg.strike
    assert strike is not None  # Leg requires one of every option
    key = f"{trading_class} {leg.expiry.isoformat()} {strike:g} {right}"
    return ContractSpec(key, "OPT", symbol, "CBOE", trading_class, leg.expiry, float(strike), right,
                        str(multiplier(leg.instrument)), leg_ids)


def _open_legs(positions: Sequence[Position]) -> list[Leg]:
    return [leg for p in positions if p.is_open for leg in p.legs if leg.id is not None and leg.close_price is None]


def leg_contracts(book: Book, risk: Mapping[int, float] | None = None, spx: float | None = None
                  ) -> list[ContractSpec]:
    """The book's distinct open contracts, most risk first.

    risk: dollars of risk per leg id (say |dollar delta| + |dollar vega| from the last
    report); without it a contract's weight is its contracts x multiplier, shrunk by its
    distance from SPX (a far out-of-the-money wing moves least), so the legs nearest the
    money come first.
    """
    grouped: dict[tuple, list[Leg]] = {}
    for leg in _open_legs(book.positions):
        grouped.setdefault(leg.contract_key(), []).append(leg)
    weighted = []
    for legs in grouped.values():
        first = legs[0]
        if risk:
            weight = sum(abs(risk.get(leg.saved_id, 0.0)) for leg in legs)
        else:
            size = sum(abs(leg.quantity) for leg in legs) * first.multiplier
            distance = abs(first.strike / spx - 1.0) if (spx and first.strike and
                                                         first.instrument is Instrument.SPX_OPTION) else 0.0
            weight = size * math.exp(-distance / 0.05)  # 5 % out of the money weighs 1/e of at the money
        weighted.append((weight, first.expiry, leg_spec(first, tuple(leg.saved_id for leg in legs))))
    weighted.sort(key=lambda item: (-item[0], item[1], item[2].key))
    return [spec for _, _, spec in weighted]


def plan_subscriptions(book: Book, today: date, line_limit: int, vx_months: int,
                       risk: Mapping[int, float] | None = None, spx: float | None = None) -> SubscriptionPlan:
    """Indexes, then ``vx_months`` listed VX futures from ``today``, then the legs, up to ``line_limit``."""
    base = [index_spec(symbol) for symbol in INDEXES]
    futures = [future_spec(day) for day in vix_expirations(today, date(today.year + 2, 12, 31))
               if day >= today][:vx_months]
    legs = leg_contracts(book, risk, spx)
    future_keys = {spec.key: i for i, spec in enumerate(futures)}
    ordered = base + futures
    for spec in legs:  # a VX future the book holds shares the curve's line
        if spec.key in future_keys:
            index = future_keys[spec.key]
            ordered[len(base) + index] = spec
        else:
            ordered.append(spec)
    return SubscriptionPlan(tuple(ordered[:line_limit]), tuple(ordered[line_limit:]))
