"""One option, priced with its units: what the calculator panel shows.

Kept beside the book-level risk engine because it answers the same question
(value and Greeks in dollars) for a single contract the trader types in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

from planner.domain.errors import InputError
from planner.domain.instruments import MULTIPLIER, Instrument, Settlement, require_positive


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """What the trader typed.

    underlying: SPX spot (SPX options) or the VIX future of the option's expiry
        (VIX options, priced with Black-76 on that future), in points.
    vol, rate, div_yield: decimals. settlement: AM or PM (VIX options are AM).
    """

    instrument: Instrument
    is_call: bool
    strike: float
    expiry: date
    settlement: Settlement
    underlying: float
    vol: float
    rate: float
    div_yield: float = 0.0

    def __post_init__(self) -> None:
        if self.instrument is Instrument.VIX_FUTURE:
            raise InputError("instrument", "must be an SPX or VIX option", self.instrument)
        require_positive("strike", self.strike)
        require_positive("underlying", self.underlying)
        require_positive("iv", self.vol)


@dataclass(frozen=True, slots=True)
class OptionQuote:
    """Per unit and per contract.

    price: points. delta: per point of the underlying; delta_usd: $ per point
    per contract. gamma: delta change per point. vega_usd: $ per 1 vol point
    (0.01) per contract. theta_usd: $ per calendar day per contract.
    years: time to the settlement moment, calendar years.
    """

    years: float
    price: float
    delta: float
    gamma: float
    vega_usd: float
    theta_usd: float
    multiplier: int

    @property
    def price_usd(self) -> float:
        return self.price * self.multiplier

    @property
    def delta_usd(self) -> float:
        return self.delta * self.multiplier

    @property
    def days(self) -> float:
        return self.years * 365.0


def quote_option(spec: OptionSpec, now: datetime) -> OptionQuote:
    from planner.calendars import time_to_expiry
    from planner.pricing import black76_greeks, bsm_greeks

    years = time_to_expiry(now, spec.expiry, str(spec.settlement))
    if spec.instrument is Instrument.VIX_OPTION:
        greeks = black76_greeks(spec.is_call, spec.underlying, spec.strike, years, spec.vol, spec.rate)
    else:
        greeks = bsm_greeks(spec.is_call, spec.underlying, spec.strike, years, spec.vol, spec.rate, spec.div_yield)
    multiplier = MULTIPLIER[spec.instrument]
    return OptionQuote(
        years=years,
        price=float(greeks.price),
        delta=float(greeks.delta),
        gamma=float(greeks.gamma),
        vega_usd=float(greeks.vega) * multiplier,
        theta_usd=float(greeks.theta) * multiplier,
        multiplier=multiplier,
    )


def implied_vol_of(spec: OptionSpec, price: float, now: datetime) -> float:
    """Decimal IV that reproduces ``price`` (points); NaN outside no-arbitrage bounds."""
    from planner.calendars import time_to_expiry
    from planner.pricing import implied_vol

    require_positive("price", price)
    years = time_to_expiry(now, spec.expiry, str(spec.settlement))
    if spec.instrument is Instrument.VIX_OPTION:
        value = implied_vol(price, spec.is_call, spec.underlying, spec.strike, years, spec.rate, model="black76")
    else:
        value = implied_vol(price, spec.is_call, spec.underlying, spec.strike, years, spec.rate, spec.div_yield)
    result = float(value)
    return result if math.isfinite(result) else math.nan
