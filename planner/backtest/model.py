"""Prices and trading costs of the backtest, from daily SPX, VIX and VVIX closes.

The backtest has no option quotes, so every price comes from a model, and it
is the *same* model the live risk engine applies to legs entered without an
IV or a mark; that is what lets the live rules judge the replayed book
exactly as they would judge the trader's. docs/model.md gives each part's
equations and sources.

* **SPX options**: Black-Scholes-Merton on the SPX close with dividend yield
  ``div_yield`` and rate ``rate``, at the skew rule's IV
  ``IV(K) = VIX/100 - slope x ln(K/S)``, slope ``skew_put_slope`` below spot
  and ``skew_call_slope`` above, never under 1 % (``risk.contracts.skew_iv``;
  both slopes are settings, so the skew is adjustable). The smile is sticky to
  moneyness: a strike's IV moves as spot moves past it.
* **VIX futures**: the day's stored VX settlement of that expiry when
  ``vx_settlements`` has one, else the VX curve model
  ``F(T) = m (VIX / m) ** exp(-kappa T)`` (``risk.vx_curve``), T the years to
  the AM settlement.
* **VIX options**: Black-76 on the future of their expiry, discounted at r, at
  the vol surface's IV for their strike and tenor: at the money and 30 days
  ``vix_option_atm_vvix_ratio`` x VVIX / 100, lower for longer tenors, higher
  for out-of-the-money calls (``risk.vix_option_vol``).

Costs, per trade and per leg: a commission in dollars per contract, and
slippage of ``slippage_fraction`` of an estimated bid-ask spread (points per
unit): buying pays mid + slippage, selling gets mid - slippage. The default
0.25 pays half the half-spread on each leg (multi-leg orders usually fill
inside the quoted market); 0.5 fills at mid plus the whole half-spread.
Estimated spreads, points, at VIX
``spread_ref_vix``: SPX options max(0.10, 4 % of the price); VIX options
max(0.05, 5 % of the price); VIX futures 0.05; they widen with
(VIX / ``spread_ref_vix``) ** ``spread_vix_elasticity`` (``spread_widening``).
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
from planner.risk.vix_option_vol import vix_option_iv
from planner.risk.vx_curve import VxSettlements, day_futures, modelled_futures

FUTURES_CURVE_DAYS = 270  # calendar days of listed VIX futures put in each day's snapshot (the long tier reaches ~160)
MIN_IV = 0.01  # decimal: the skew rule's floor


@dataclass(frozen=True, slots=True)
class Costs:
    """commission_usd: dollars per contract per leg, each way (VIX futures included).
    slippage_fraction: share of the estimated bid-ask spread paid per leg per trade (0 trades at mid,
    0.5 at mid plus the half-spread).
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
    """The pricing model of one backtest: the user's settings plus a flat rate and dividend yield (decimals).

    vx_settlements: stored Cboe VX settlements, trade date -> {expiry: price}; a future the
    day lists is priced at its settlement, any other by the VX curve model.
    """

    settings: Settings
    rate: float = 0.03
    div_yield: float = 0.015
    vx_settlements: VxSettlements | None = None

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

    def vix_option_vol(self, strikes, futures, years, vix: float, vvix: float | None) -> np.ndarray:
        """Decimal IVs of VIX options from the vol surface (``risk.vix_option_vol``)."""
        return vix_option_iv(strikes, futures, years, vix, vvix, self.settings)

    def vix_future(self, years, vix: float, day: date | None = None, expiries: Sequence[date] | None = None
                   ) -> np.ndarray:
        """VX futures, points: the day's stored settlements where there are any, else the curve model."""
        if self.vx_settlements and day is not None and expiries is not None:
            return day_futures(day, expiries, years, vix, self.settings, self.vx_settlements)
        return modelled_futures(years, vix, self.settings)

    def spread_widening(self, vix: float) -> float:
        """Bid-ask spreads at this VIX over those at ``spread_ref_vix`` (ratio)."""
        return (vix / self.settings.spread_ref_vix) ** self.settings.spread_vix_elasticity

    def snapshot(self, at: datetime, spx: float, vix: float, vvix: float | None,
                 vix_expiries: Sequence[date] | None = None) -> MarketSnapshot:
        """The day's market as the live app would hold it, with the VX curve of the listed expiries.

        vix_expiries: every VIX expiry of the backtest's span, listed once by the caller (ascending);
        without it they are looked up for this day.
        """
        today = at.astimezone(calendars.ET).date()
        horizon = today + timedelta(days=FUTURES_CURVE_DAYS)
        candidates: Sequence[date]
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
        futures = self.vix_future(np.array(years), vix, today, expiries).tolist() if expiries else []
        curve = tuple(zip(expiries, futures, strict=True))
        return MarketSnapshot(at, spx, vix, self.rate, self.div_yield, vvix, curve, source="backtest")

    # -- prices ------------------------------------------------------------------------------------------------------
    def spx_option_prices(self, is_call, strikes, years, spx: float, vix: float) -> np.ndarray:
        strikes = np.asarray(strikes, dtype=float)
        return bsm_price(is_call, spx, strikes, years, self.spx_iv(strikes, spx, vix), self.rate, self.div_yield)

    def vix_option_prices(self, is_call, strikes, years, vix: float, vvix: float | None, futures=None) -> np.ndarray:
        """Black-76 values (points); ``futures`` default to the curve model's at those tenors."""
        years = np.asarray(years, dtype=float)
        if futures is None:
            futures = self.vix_future(years, vix)
        vols = self.vix_option_vol(strikes, futures, years, vix, vvix)
        return black76_price(is_call, futures, strikes, years, vols, self.rate)

    def leg_prices(self, legs: LegArrays, spx: float, vix: float, vvix: float | None) -> np.ndarray:
        """Per-unit model values (points) of many legs at once."""
        out = np.empty(legs.size)
        # np.count_nonzero: ndarray.any()'s Python wrapper costs several times the test on a few legs.
        rows = legs.kind == SPX
        if np.count_nonzero(rows):
            out[rows] = self.spx_option_prices(legs.is_call[rows], legs.strike[rows], legs.years[rows], spx, vix)
        rows = legs.kind == VIX_OPTION
        if np.count_nonzero(rows):
            futures = self._leg_futures(legs, rows, vix)
            out[rows] = self.vix_option_prices(legs.is_call[rows], legs.strike[rows], legs.years[rows], vix, vvix,
                                               futures)
        rows = legs.kind == VIX_FUTURE
        if np.count_nonzero(rows):
            out[rows] = self._leg_futures(legs, rows, vix)
        expired = legs.years <= 0
        if np.count_nonzero(expired):
            out[expired] = intrinsic(legs, spx, vix)[expired]
        return out

    def _leg_futures(self, legs: LegArrays, rows: np.ndarray, vix: float) -> np.ndarray:
        """The VX future of each selected leg's expiry on the legs' valuation day."""
        if not self.vx_settlements:
            return self.vix_future(legs.years[rows], vix)
        expiries = [e for e, keep in zip(legs.expiry, rows.tolist(), strict=True) if keep]
        return self.vix_future(legs.years[rows], vix, legs.day, expiries)


SPX, VIX_OPTION, VIX_FUTURE = 0, 1, 2
KIND_CODE = {Instrument.SPX_OPTION: SPX, Instrument.VIX_OPTION: VIX_OPTION, Instrument.VIX_FUTURE: VIX_FUTURE}


@dataclass(frozen=True, slots=True, eq=False)
class LegArrays:
    """Legs flattened for one valuation: kind code, call flag, strike (points, NaN for a
    future), years to settlement, and weight = signed quantity x multiplier (dollars per point);
    expiry per leg and the valuation's trade day (ET), to look stored VX settlements up."""

    kind: np.ndarray
    is_call: np.ndarray
    strike: np.ndarray
    years: np.ndarray
    weight: np.ndarray
    expiry: tuple[date, ...] = ()
    day: date | None = None

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
        expiry=tuple(leg.expiry for leg in legs),
        day=at.astimezone(calendars.ET).date(),
    )


def intrinsic(legs: LegArrays, spx: float, vix: float) -> np.ndarray:
    """Settlement value per unit, points: SPX options on the SPX close, VIX contracts on the VIX close."""
    underlying = np.where(legs.kind == SPX, spx, vix)
    strike = np.nan_to_num(legs.strike)
    payoff = np.where(legs.is_call, underlying - strike, strike - underlying)
    return np.where(legs.kind == VIX_FUTURE, vix, np.maximum(payoff, 0.0))


def slippage_pts(legs: list[Leg], prices: np.ndarray, costs: Costs, widening: float = 1.0) -> float:
    """Points per package lost to the spread when trading ``legs`` (per unit of the package).

    widening: the day's spreads over the base estimates (``MarketModel.spread_widening``).
    """
    total = 0.0
    for leg, price in zip(legs, prices.tolist(), strict=True):
        total += estimated_spread_pts(leg.instrument, price) * abs(leg.quantity)
    quantity = min(abs(leg.quantity) for leg in legs)
    return costs.slippage_fraction * widening * total / quantity


def commission_usd(legs, costs: Costs, packages: int | None = None) -> float:
    """Dollars of commission to trade ``packages`` of a position with these legs (default: all of it)."""
    base = min(abs(leg.quantity) for leg in legs)
    share = 1.0 if packages is None else packages / base
    return costs.commission_usd * sum(abs(leg.quantity) for leg in legs) * share
