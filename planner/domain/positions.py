"""Positions: iron condors and hedge layers, built from legs.

A position is a *package* of legs bought or sold ``quantity`` times at one net
price per unit. Prices typed by the trader are positive magnitudes: a condor's
credit received, a layer's debit paid, and at close what it was bought back or
sold for. ``side`` turns them into signed cash: -1 for a condor (sold), +1 for
a layer (bought).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from planner.domain.errors import InputError
from planner.domain.instruments import (
    Instrument,
    Leg,
    Right,
    Settlement,
    require_positive,
    require_whole_positive,
)
from planner.domain.limits import MAX_CONTRACTS, MAX_POINTS, require_below
from planner.domain.payoff import condor_max_loss as condor_max_loss  # the rule lives in payoff; kept importable
from planner.domain.payoff import widest_wing


class PositionKind(StrEnum):
    CONDOR = "condor"
    LAYER = "layer"


class Tier(StrEnum):
    NEAR = "near"
    MID = "mid"
    LONG = "long"


class LayerKind(StrEnum):
    VIX_CALL = "vix-call"
    VIX_CALL_SPREAD = "vix-call-spread"
    VIX_FUTURE = "vix-future"
    SPX_PUT_SPREAD = "spx-put-spread"


class Status(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    ROLLED = "rolled"
    EXPIRED = "expired"


LAYER_STRIKE_COUNT = {
    LayerKind.VIX_CALL: 1,
    LayerKind.VIX_CALL_SPREAD: 2,
    LayerKind.VIX_FUTURE: 0,
    LayerKind.SPX_PUT_SPREAD: 2,
}


@dataclass(frozen=True, slots=True)
class Position:
    """A condor or a hedge layer.

    open_price / close_price: per unit per package, positive, in points
        (a condor's credit; a layer's debit). multiplier x quantity gives dollars.
    quantity: packages (condors or spreads), at least 1.
    protects: ids of the condors a layer protects; empty = the whole book.
    settled_estimated: True when an expiry was settled from the last snapshot
        instead of a recorded settlement price.
    split_from: the position this one was closed out of (a partial close of N
        of its contracts); None for a position traded as a whole.
    """

    kind: PositionKind
    legs: tuple[Leg, ...]
    quantity: int
    open_price: float
    opened_at: datetime
    tier: Tier | None = None
    layer_kind: LayerKind | None = None
    status: Status = Status.OPEN
    closed_at: datetime | None = None
    close_price: float | None = None
    rolled_from: int | None = None
    protects: tuple[int, ...] = ()
    note: str = ""
    settled_estimated: bool = False
    split_from: int | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        # The store's bounds (domain/limits.py), so that the database never refuses the row.
        if isinstance(self.quantity, bool) or not 1 <= self.quantity <= MAX_CONTRACTS:
            raise InputError("qty", f"must be a whole number of contracts, 1 to {MAX_CONTRACTS:,}", self.quantity)
        require_below("open_price", self.open_price, MAX_POINTS)
        require_below("close_price", self.close_price, MAX_POINTS)

    @property
    def side(self) -> int:
        return -1 if self.kind is PositionKind.CONDOR else 1

    @property
    def saved_id(self) -> int:
        """The id the store (or a backtest's book) gave it, for code that only sees positions of a book.

        A position not yet saved has none; asking it for one is a programming error, never a user's.
        """
        if self.id is None:
            raise ValueError(f"a {self.kind} position not yet saved has no id")
        return self.id

    @property
    def multiplier(self) -> int:
        return self.legs[0].multiplier

    @property
    def expiry(self) -> date:
        return min(leg.expiry for leg in self.legs)

    @property
    def is_open(self) -> bool:
        return self.status is Status.OPEN

    @property
    def fees(self) -> float:
        """Dollars paid in fees on all legs, opening and closing."""
        return sum(leg.fees for leg in self.legs)

    @property
    def cost_basis(self) -> float:
        """Signed dollars paid to open (negative = credit received)."""
        return self.side * self.open_price * self.multiplier * self.quantity

    def realized_pnl(self) -> float | None:
        """Dollars, net of fees, once the position is no longer open."""
        if self.close_price is None:
            return None
        return self.side * (self.close_price - self.open_price) * self.multiplier * self.quantity - self.fees

    def with_changes(self, **changes) -> Position:
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Book:
    """Every position the store holds, open or not."""

    positions: tuple[Position, ...] = ()

    @property
    def open_positions(self) -> tuple[Position, ...]:
        return tuple(p for p in self.positions if p.is_open)

    @property
    def condors(self) -> tuple[Position, ...]:
        return tuple(p for p in self.open_positions if p.kind is PositionKind.CONDOR)

    @property
    def layers(self) -> tuple[Position, ...]:
        return tuple(p for p in self.open_positions if p.kind is PositionKind.LAYER)

    def get(self, position_id: int) -> Position | None:
        for position in self.positions:
            if position.id == position_id:
                return position
        return None


def parse_strikes(text: str | Sequence[float], field: str = "strikes") -> tuple[float, ...]:
    """'5400,5500,6200,6300' -> (5400.0, 5500.0, 6200.0, 6300.0), each finite and > 0."""
    parts: Sequence[object]
    if isinstance(text, str):
        parts = [p.strip() for p in text.split(",")]
        if any(p == "" for p in parts):
            raise InputError(field, "must be numbers separated by commas", text)
    else:
        parts = list(text)
    return tuple(require_positive(field, p) for p in parts)


def condor_legs(
    expiry: date,
    strikes: Sequence[float],
    quantity: int,
    settlement: Settlement = Settlement.PM,
) -> tuple[Leg, ...]:
    """Long put K1, short put K2, short call K3, long call K4 (K1 < K2 < K3 < K4)."""
    shown = ",".join(f"{k:g}" for k in strikes)
    if len(strikes) != 4:
        raise InputError("strikes", "must be four strikes K1,K2,K3,K4", shown)
    k1, k2, k3, k4 = strikes
    if not k1 < k2 < k3 < k4:
        raise InputError("strikes", "must satisfy K1 < K2 < K3 < K4", shown)
    quantity = require_whole_positive("qty", quantity)
    spec = ((Right.PUT, k1, 1), (Right.PUT, k2, -1), (Right.CALL, k3, -1), (Right.CALL, k4, 1))
    return tuple(
        Leg(Instrument.SPX_OPTION, expiry, sign * quantity, right, strike, settlement)
        for right, strike, sign in spec
    )


def validate_condor_credit(strikes: Sequence[float], credit: object) -> float:
    """0 < C < max(K2-K1, K4-K3): a credit at or above the widest wing is a sure loss."""
    credit = require_positive("credit", credit)
    widest = widest_wing(strikes)
    if credit >= widest:
        raise InputError("credit", f"must be less than the widest wing {widest:g}", credit)
    return credit


def layer_legs(
    kind: LayerKind,
    expiry: date,
    strikes: Sequence[float],
    quantity: int,
    settlement: Settlement = Settlement.AM,
) -> tuple[Leg, ...]:
    """Legs of one hedge layer; spreads list the long strike first."""
    quantity = require_whole_positive("qty", quantity)
    expected = LAYER_STRIKE_COUNT[kind]
    shown = ",".join(f"{k:g}" for k in strikes)
    if len(strikes) != expected:
        rule = "must be empty for a VIX future" if expected == 0 else f"must be {expected} strike(s) for {kind}"
        raise InputError("strikes", rule, shown or "none")
    if kind is LayerKind.VIX_FUTURE:
        return (Leg(Instrument.VIX_FUTURE, expiry, quantity, settlement=Settlement.AM),)
    if kind is LayerKind.VIX_CALL:
        return (Leg(Instrument.VIX_OPTION, expiry, quantity, Right.CALL, strikes[0], Settlement.AM),)
    long_strike, short_strike = strikes
    if kind is LayerKind.VIX_CALL_SPREAD:
        if not long_strike < short_strike:
            raise InputError("strikes", "must list the long (lower) call strike first for a VIX call spread", shown)
        instrument, right = Instrument.VIX_OPTION, Right.CALL
    else:
        if not long_strike > short_strike:
            raise InputError("strikes", "must list the long (higher) put strike first for an SPX put spread", shown)
        instrument, right = Instrument.SPX_OPTION, Right.PUT
    return (
        Leg(instrument, expiry, quantity, right, long_strike, settlement),
        Leg(instrument, expiry, -quantity, right, short_strike, settlement),
    )

