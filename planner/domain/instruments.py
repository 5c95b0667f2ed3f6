"""Contracts and legs: what is held, never what it is worth.

A leg never prices itself (pricing lives in ``planner.pricing`` and is fed by
``planner.risk``), so the same leg can be valued under any market or scenario.
Prices are per unit of the underlying (SPX index points or VIX points); the
multiplier turns them into dollars.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from planner.domain.errors import InputError
from planner.domain.limits import MAX_CONTRACTS, MAX_FEES_USD, MAX_IV, MAX_POINTS, MAX_VIX_POINTS, require_below


class Instrument(StrEnum):
    SPX_OPTION = "spx-option"
    VIX_OPTION = "vix-option"
    VIX_FUTURE = "vix-future"


class Right(StrEnum):
    CALL = "C"
    PUT = "P"


class Settlement(StrEnum):
    """AM: opening print (SOQ) at 09:30 ET. PM: the official close."""

    AM = "AM"
    PM = "PM"


MULTIPLIER = {
    Instrument.SPX_OPTION: 100,
    Instrument.VIX_OPTION: 100,
    Instrument.VIX_FUTURE: 1000,
}
"""Dollars per point of price for one contract (Cboe contract specifications: SPX and SPXW options
$100 x the index, VIX options $100 x VIX, VX futures $1,000 x the index point)."""


def multiplier(instrument: Instrument | str) -> int:
    """Dollars per point of price for one contract of ``instrument``: the one table every caller reads.

    >>> multiplier(Instrument.SPX_OPTION), multiplier("vix-option"), multiplier(Instrument.VIX_FUTURE)
    (100, 100, 1000)
    """
    return MULTIPLIER[Instrument(instrument)]


@dataclass(frozen=True, slots=True)
class Leg:
    """One line of a position.

    quantity: signed contracts (negative = short).
    strike: index points (SPX) or VIX points; None for a VIX future.
    open_price / close_price: per unit, in points; open_price is None while a
        package price (a condor's net credit) has not yet been split across legs.
    fees: dollars, total for this leg (opening plus closing).
    iv: implied volatility as a decimal (0.18), kept with the leg once known.
    iv_vix: spot VIX (points) when ``iv`` was set. An SPX leg's IV moves with
        spot VIX from there (DOMAIN.md: x 1.0 vol point per VIX point), so a
        volatility spike shows in a condor's mark without retyping every IV.
    mark: a user-typed price per unit that overrides the model value.
    """

    instrument: Instrument
    expiry: date
    quantity: int
    right: Right | None = None
    strike: float | None = None
    settlement: Settlement = Settlement.PM
    open_price: float | None = None
    close_price: float | None = None
    fees: float = 0.0
    iv: float | None = None
    mark: float | None = None
    iv_vix: float | None = None
    multiplier: int = field(default=0)
    id: int | None = None

    def __post_init__(self) -> None:
        if not self.multiplier:
            object.__setattr__(self, "multiplier", MULTIPLIER[self.instrument])
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int) or self.quantity == 0:
            raise InputError("quantity", "must be a non-zero whole number of contracts", self.quantity)
        if self.instrument is Instrument.VIX_FUTURE:
            if self.right is not None or self.strike is not None:
                raise InputError("strike", "must be empty for a VIX future", self.strike)
        else:
            if self.right is None:
                raise InputError("right", "must be C or P for an option", self.right)
            require_positive("strike", self.strike)
        for name in ("open_price", "close_price", "mark"):
            value = getattr(self, name)
            if value is not None:
                require_non_negative(name, value)
        require_non_negative("fees", self.fees)
        if self.iv is not None:
            require_positive("iv", self.iv)
        if self.iv_vix is not None:
            require_positive("iv_vix", self.iv_vix)
        self._check_store_bounds()

    def _check_store_bounds(self) -> None:
        if abs(self.quantity) > MAX_CONTRACTS:
            raise InputError("quantity", f"must be at most {MAX_CONTRACTS:,} contracts", self.quantity)
        for name in ("strike", "open_price", "close_price", "mark"):
            require_below(name, getattr(self, name), MAX_POINTS)
        require_below("fees", self.fees, MAX_FEES_USD)
        require_below("iv", self.iv, MAX_IV)
        require_below("iv_vix", self.iv_vix, MAX_VIX_POINTS)

    @property
    def is_option(self) -> bool:
        return self.instrument is not Instrument.VIX_FUTURE

    @property
    def is_call(self) -> bool:
        return self.right is Right.CALL

    @property
    def saved_id(self) -> int:
        """The id the store gave it, for code that only sees legs of a saved book (Position.saved_id)."""
        if self.id is None:
            raise ValueError(f"a {self.instrument} leg not yet saved has no id")
        return self.id

    def contract_key(self) -> tuple:
        """What makes two legs the same contract (priced once, weighted by quantity)."""
        return (self.instrument, self.right, self.strike, self.expiry, self.settlement)

    def with_changes(self, **changes) -> Leg:
        return replace(self, **changes)


def require_finite(name: str, value: object) -> float:
    if isinstance(value, bool):  # a JSON true is no price, though Python counts it as 1
        raise InputError(name, "must be a number", value)
    try:
        number = float(value)  # type: ignore[arg-type]  # any value may come in: a wrong type raises, caught below
    except (TypeError, ValueError, OverflowError):
        raise InputError(name, "must be a number", value) from None
    if not math.isfinite(number):
        raise InputError(name, "must be a finite number", value)
    return number


def require_positive(name: str, value: object) -> float:
    number = require_finite(name, value)
    if number <= 0:
        raise InputError(name, "must be greater than 0", value)
    return number


def require_non_negative(name: str, value: object) -> float:
    number = require_finite(name, value)
    if number < 0:
        raise InputError(name, "must be 0 or more", value)
    return number


def require_whole_positive(name: str, value: object) -> int:
    if isinstance(value, bool):
        raise InputError(name, "must be a whole number of contracts, at least 1", value)
    if isinstance(value, int):
        number = value
    else:
        real = require_finite(name, value)
        if real != int(real):
            raise InputError(name, "must be a whole number of contracts, at least 1", value)
        number = int(real)
    if number < 1:
        raise InputError(name, "must be a whole number of contracts, at least 1", value)
    if number > MAX_CONTRACTS:
        raise InputError(name, f"must be at most {MAX_CONTRACTS:,} contracts", value)
    return number
