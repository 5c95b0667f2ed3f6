"""Prices and trading costs of the backtest, from daily SPX, VIX and VVIX closes.

The backtest has no option quotes, so every price comes from a model, and it
is the *same* model the live risk engine applies to legs entered without an
IV or a mark; that is what lets the live rules judge the replayed book
exactly as they would judge the trader's:

* **SPX options**: Black-Scholes-Merton on the SPX close with dividend yield
  ``div_yield`` and rate ``rate``, at the skew rule's IV
  ``IV(K) = VIX/100 - slope x ln(K/S)``, slope ``skew_put_slope`` below spot
  and ``skew_call_slope`` above, never under 1 % (``risk.contracts.skew_iv``;
  both slopes are settings, so the skew is adjustable). The smile is sticky to
  moneyness: a strike's IV moves as spot moves past it.
* **VIX futures**: ``F(T) = m + (VIX - m) exp(-k T)`` with m =
  ``term_mean_vix`` and k = ``futures_damping_k``, T the years to the AM
  settlement (``risk.spot_vol.term_structure_future``).
* **VIX options**: Black-76 on the future of their expiry, discounted at r, at a
  vol of VVIX / 100 when the day has a VVIX close, else
  ``vix_option_default_vol``.

Costs, per trade and per leg: a commission in dollars per contract, and
slippage of ``slippage_fraction`` of an estimated bid-ask spread (points per
unit): buying pays mid + slippage, selling gets mid - slippage.
Estimated spreads, points: SPX options max(0.10, 4 % of the price); VIX
options max(0.05, 5 % of the price); VIX futures 0.05.
Expired contracts settle at intrinsic value on the day's close (the close
stands in for the AM opening print, which daily files do not carry).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from planner import calendars
from planner.domain.errors import InputError
from planner.domain.instruments import Instrument, Leg
from planner.domain.market import MarketSnapshot
from planner.domain.settings import Settings
from planner.pricing.prices import black76_price, bsm_price
from planner.risk.spot_vol import term_structure_future

FUTURES_CURVE_DAYS = 270  # calendar days of listed VIX futures put in each day's snapshot (the long tier reaches ~160)
MIN_IV = 0.01  # decimal: the skew rule's floor


@dataclass(frozen=True, slots=True)
class Costs:
    """commission_usd: dollars per contract per leg, each way (VIX futures included).
    slippage_fraction: share of the estimated bid-ask spread paid per leg per trade (0 trades at mid).
    """

    commission_usd: float = 1.30
    slippage_fraction: float = 0.25

    def __post_init__(self) -> None:
        if not 0 <= self.commission_usd <= 100:
            raise InputError("commission", "must be between 0 and 100 dollars per contract", self.commission_usd)
        if not 0 <= self.slippage_fraction <= 1:
            raise InputError("slippage", "must be a fraction of the bid-ask spread between 0 and 1",
                             self.slippage_fraction)


def estimated_spread_pts(instrument: Instrument, price_pts: float) -> float:
    """A plausible bid-ask spread, points per unit.

    >>> estimated_spread_pts(Instrument.SPX_OPTION, 12.0), estimated_spread_pts(Instrument.VIX_OPTION, 0.5)
    (0.48, 0.05)
    """
    if instrument is Instrument.SPX_OPTION:
        return max(0.10, 0.04 * price_pts)
    if instrument is Instrument.VIX_OPTION:
        return max(0.05, 0.05 * price_pts)
    return 0.05


@dataclass(frozen=True)
class MarketModel:
    """The pricing model of one backtest: the user's settings plus a flat rate and dividend yield (decimals)."""

    settings: Settings
    rate: float = 0.03
    div_yield: float = 0.015

    def __post_init__(self) -> None:
        for name in ("rate", "div_yield"):
            value = getattr(self, name)
            if not -0.2 <= value <= 0.3:
                raise InputError(name, "must be a decimal a year between -0.2 and 0.3", value)

    # -- vols and futures ------------------------------------------------------------------------------------------
    def spx_iv(self, strikes, spx: float, vix: float) -> np.ndarray:
        """Decimal IVs by the skew rule (vectorised ``risk.contracts.skew_iv``)."""
        log_moneyness = np.log(np.asarray(strikes, dtype=float) / spx)
        slope = np.where(log_moneyness < 0, self.settings.skew_put_slope, self.settings.skew_call_slope)
        return np.maximum(vix / 100.0 - slope * log_moneyness, MIN_IV)

    def vix_option_vol(self, vvix: float | None) -> float:
        return vvix / 100.0 if vvix else self.settings.vix_option_default_vol

    def vix_future(self, years, vix: float) -> np.ndarray:
        return term_structure_future(years, vix, self.settings)

    def snapshot(self, at: datetime, spx: float, vix: float, vvix: float | None,
                 vix_expiries: Sequence[date] | None = None) -> MarketSnapshot:
        """The day's market as the live app would hold it, with the VX curve of the listed expiries.

        vix_expiries: every VIX expiry of the backtest's span, listed once by the caller (ascending);
        without it they are looked up for this day.
        """
        today = at.astimezone(calendars.ET).date()
        horizon = today + timedelta(days=FUTURES_CURVE_DAYS)
        if vix_expiries is None:
            candidates = calendars.vix_expirations(today, horizon)
        else:
            candidates = vix_expiries[bisect_left(vix_expiries, today):bisect_right(vix_expiries, horizon)]
        expiries, years = [], []
        for expiry in candidates:
            left = calendars.time_to_expiry(at, expiry, "AM")
            if left > 0:
                expiries.append(expiry)
                years.append(left)
        curve = tuple(zip(expiries, self.vix_future(np.array(years), vix).tolist(), strict=True)) if expiries else ()
        return MarketSnapshot(at, spx, vix, self.rate, self.div_yield, vvix, curve, source="backtest")

    # -- prices ------------------------------------------------------------------------------------------------------
    def spx_option_prices(self, is_call, strikes, years, spx: float, vix: float) -> np.ndarray:
        strikes = np.asarray(strikes, dtype=float)
        return bsm_price(is_call, spx, strikes, years, self.spx_iv(strikes, spx, vix), self.rate, self.div_yield)

    def vix_option_prices(self, is_call, strikes, years, vix: float, vvix: float | None) -> np.ndarray:
        years = np.asarray(years, dtype=float)
        return black76_price(is_call, self.vix_future(years, vix), strikes, years, self.vix_option_vol(vvix),
                             self.rate)

    def leg_prices(self, legs: LegArrays, spx: float, vix: float, vvix: float | None) -> np.ndarray:
        """Per-unit model values (points) of many legs at once."""
        out = np.empty(legs.size)
        # np.count_nonzero: ndarray.any()'s Python wrapper costs several times the test on a few legs.
        rows = legs.kind == SPX
        if np.count_nonzero(rows):
            out[rows] = self.spx_option_prices(legs.is_call[rows], legs.strike[rows], legs.years[rows], spx, vix)
        rows = legs.kind == VIX_OPTION
        if np.count_nonzero(rows):
            out[rows] = self.vix_option_prices(legs.is_call[rows], legs.strike[rows], legs.years[rows], vix, vvix)
        rows = legs.kind == VIX_FUTURE
        if np.count_nonzero(rows):
            out[rows] = self.vix_future(legs.years[rows], vix)
        expired = legs.years <= 0
        if np.count_nonzero(expired):
            out[expired] = intrinsic(legs, spx, vix)[expired]
        return out


SPX, VIX_OPTION, VIX_FUTURE = 0, 1, 2
KIND_CODE = {Instrument.SPX_OPTION: SPX, Instrument.VIX_OPTION: VIX_OPTION, Instrument.VIX_FUTURE: VIX_FUTURE}


@dataclass(frozen=True, slots=True, eq=False)
class LegArrays:
    """Legs flattened for one valuation: kind code, call flag, strike (points, NaN for a
    future), years to settlement, and weight = signed quantity x multiplier (dollars per point)."""

    kind: np.ndarray
    is_call: np.ndarray
    strike: np.ndarray
    years: np.ndarray
    weight: np.ndarray

    @property
    def size(self) -> int:
        return int(self.kind.size)


def leg_arrays(legs: list[Leg], at: datetime, years_cache: dict[tuple[date, str], float] | None = None) -> LegArrays:
    """Arrays of ``legs`` valued at ``at``; ``years_cache`` shares times to expiry across calls on one day."""
    cache = {} if years_cache is None else years_cache
    years = []
    for leg in legs:
        key = (leg.expiry, str(leg.settlement))
        if key not in cache:
            cache[key] = calendars.time_to_expiry(at, leg.expiry, key[1])
        years.append(cache[key])
    return LegArrays(
        kind=np.array([KIND_CODE[leg.instrument] for leg in legs], dtype=np.int8),
        is_call=np.array([leg.right is not None and leg.is_call for leg in legs], dtype=bool),
        strike=np.array([leg.strike if leg.strike is not None else np.nan for leg in legs], dtype=float),
        years=np.array(years, dtype=float),
        weight=np.array([leg.quantity * leg.multiplier for leg in legs], dtype=float),
    )


def intrinsic(legs: LegArrays, spx: float, vix: float) -> np.ndarray:
    """Settlement value per unit, points: SPX options on the SPX close, VIX contracts on the VIX close."""
    underlying = np.where(legs.kind == SPX, spx, vix)
    strike = np.nan_to_num(legs.strike)
    payoff = np.where(legs.is_call, underlying - strike, strike - underlying)
    return np.where(legs.kind == VIX_FUTURE, vix, np.maximum(payoff, 0.0))


def slippage_pts(legs: list[Leg], prices: np.ndarray, costs: Costs) -> float:
    """Points per package lost to the spread when trading ``legs`` (per unit of the package)."""
    total = 0.0
    for leg, price in zip(legs, prices.tolist(), strict=True):
        total += estimated_spread_pts(leg.instrument, price) * abs(leg.quantity)
    quantity = min(abs(leg.quantity) for leg in legs)
    return costs.slippage_fraction * total / quantity


def commission_usd(legs, costs: Costs, packages: int | None = None) -> float:
    """Dollars of commission to trade ``packages`` of a position with these legs (default: all of it)."""
    base = min(abs(leg.quantity) for leg in legs)
    share = 1.0 if packages is None else packages / base
    return costs.commission_usd * sum(abs(leg.quantity) for leg in legs) * share
