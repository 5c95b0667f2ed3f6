"""What to buy for a tier: expiry, strike and an estimated price, before sizing.

Tier table (DOMAIN.md, defaults in Settings):
* near: the front VIX expiry with at least ``near_min_days`` left, strike
  ``near_strike_otm_pct`` above its future;
* mid: of the VIX expiries later than near's, the one nearest ``mid_target_days``
  out, ``mid_strike_otm_pct`` above;
* long: the first VIX expiry later than mid's at least ``long_min_days`` out, ``long_strike_otm_pct``
  above; or, as the event backstop, an SPX put spread ``backstop_upper_otm_pct`` /
  ``backstop_lower_otm_pct`` below spot on the first SPX monthly expiry at least
  ``long_min_days`` out (PM settlement, as layers are entered).

Strikes sit on the listed ladders: VIX in 1-point steps up to 50 then 5-point
steps; SPX in 5-point steps. VIX options are priced with Black-76 on the
future of their expiry (the snapshot's, or the term-structure estimate) at the
IV of an open layer of that expiry when there is one, else the VIX option vol
surface's at that strike and tenor (``planner.risk.vix_option_vol``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from planner import calendars
from planner.domain.instruments import Instrument, Leg, Settlement, multiplier
from planner.domain.market import MarketSnapshot
from planner.domain.positions import Book, LayerKind, Position, PositionKind, Tier, layer_legs
from planner.domain.settings import Settings
from planner.risk.contracts import default_vix_option_iv, skew_iv
from planner.risk.spot_vol import futures_damping, term_structure_future

VIX_FINE_STEP_LIMIT = 50.0  # listed VIX strikes: 1-point steps up to here, 5-point steps above
VIX_COARSE_STEP = 5.0
SPX_STRIKE_STEP = 5.0  # SPX options list strikes every 5 index points
MONTHLY_GAP_DAYS = 70  # listed monthly expiries are never further apart than this


def vix_strike(level: float) -> float:
    """The listed VIX strike nearest ``level`` (halves round up, i.e. further out of the money).

    >>> vix_strike(21.36), vix_strike(21.5), vix_strike(52.4), vix_strike(52.5), vix_strike(0.2)
    (21.0, 22.0, 50.0, 55.0, 1.0)
    """
    if level <= VIX_FINE_STEP_LIMIT:
        return max(1.0, float(math.floor(level + 0.5)))
    return float(math.floor(level / VIX_COARSE_STEP + 0.5) * VIX_COARSE_STEP)


def spx_strike(level: float) -> float:
    """The SPX strike on the 5-point ladder nearest ``level``.

    >>> spx_strike(5311.0), spx_strike(4722.5)
    (5310.0, 4725.0)
    """
    return float(math.floor(level / SPX_STRIKE_STEP + 0.5) * SPX_STRIKE_STEP)


def strike_otm_pct(tier: str, settings: Settings) -> float:
    return getattr(settings, f"{tier}_strike_otm_pct")


def _days(expiry: date, today: date) -> int:
    return (expiry - today).days


def tier_vix_expiry(tier: str, at: datetime, settings: Settings) -> date:
    """The listed VIX expiry the tier table gives for ``tier`` seen from ``at``."""
    today = at.astimezone(calendars.ET).date()
    # Two gaps past the furthest reach: mid must lie beyond near, and long beyond mid.
    reach = max(settings.near_min_days, settings.mid_target_days, settings.long_min_days) + 2 * MONTHLY_GAP_DAYS
    listed = _open_vix_expiries(at, reach)
    near = next(e for e in listed if _days(e, today) >= settings.near_min_days)
    if tier == Tier.NEAR:
        return near
    # The tiers resolve to three distinct expiries in order, or the layering collapses: mid is the expiry
    # nearest ``mid_target_days`` among those later than near's (monthly expiries sit 4-5 weeks apart, so a
    # window such as 30-45 days is often empty), long the first at least ``long_min_days`` out and later than mid.
    later = [e for e in listed if e > near]
    # Ties go to the later expiry: the longer-dated layer decays more slowly.
    mid = min(later, key=lambda e: (abs(_days(e, today) - settings.mid_target_days), -_days(e, today)))
    if tier == Tier.MID:
        return mid
    return next(e for e in listed if e > mid and _days(e, today) >= settings.long_min_days)


@lru_cache(maxsize=16)
def _open_vix_expiries(at: datetime, reach: int) -> tuple[date, ...]:
    """VIX expiries from tomorrow to ``reach`` days out that have not settled at ``at``.

    Every tier (and every roll) of one review asks with the same moment: kept for the next few.
    """
    today = at.astimezone(calendars.ET).date()
    return tuple(e for e in calendars.vix_expirations(today, today + timedelta(days=reach))
                 if _days(e, today) >= 1 and calendars.time_to_expiry(at, e, "AM") > 0)


def backstop_expiry(at: datetime, settings: Settings) -> date:
    """First SPX monthly expiry at least ``long_min_days`` out."""
    today = at.astimezone(calendars.ET).date()
    start = today + timedelta(days=settings.long_min_days)
    return calendars.spx_monthly_expirations(start, start + timedelta(days=MONTHLY_GAP_DAYS))[0]


@dataclass(frozen=True, slots=True)
class LayerSpec:
    """One contract of a layer to open: what it is, its model price and its protection.

    price_pts: model value per unit (points). protection_usd: dollars per
    1-point rise of spot VIX for one contract (package).
    """

    tier: str
    layer_kind: LayerKind
    expiry: date
    strikes: tuple[float, ...]
    settlement: Settlement
    price_pts: float
    protection_usd: float
    multiplier: int
    future_pts: float | None = None
    iv: float | None = None
    short_iv: float | None = None  # a VIX call spread's short leg: its own point on the smile

    @property
    def key(self) -> tuple:
        return (self.layer_kind, self.expiry, self.strikes, self.settlement)

    def legs(self, quantity: int) -> tuple[Leg, ...]:
        legs = layer_legs(self.layer_kind, self.expiry, self.strikes, quantity, self.settlement)
        if self.iv is None:
            return legs
        if self.layer_kind is LayerKind.SPX_PUT_SPREAD:
            return legs  # SPX legs take the skew IV of the day, as entered legs do
        ivs = (self.iv, self.short_iv if self.short_iv is not None else self.iv)
        return tuple(leg.with_changes(iv=iv) for leg, iv in zip(legs, ivs[:len(legs)], strict=True))

    def position(self, quantity: int, at: datetime, protects: tuple[int, ...] = ()) -> Position:
        """An unsaved layer of ``quantity`` contracts bought at the model price at ``at``."""
        return Position(PositionKind.LAYER, self.legs(quantity), quantity, self.price_pts, at,
                        tier=Tier(self.tier), layer_kind=self.layer_kind, protects=protects)


def vix_future_at(expiry: date, market: MarketSnapshot, settings: Settings, years: float) -> float:
    listed = market.future_price(expiry)
    if listed is not None:
        return listed
    return float(term_structure_future(years, market.vix, settings))


def layer_iv(expiry: date, strike: float, book: Book, market: MarketSnapshot, settings: Settings,
             future: float, years: float) -> float:
    """IV of the open VIX-option leg of that expiry nearest the strike, else the vol surface's at that strike."""
    candidates = [(leg.strike, leg.iv) for p in book.layers for leg in p.legs
                  if leg.instrument is Instrument.VIX_OPTION and leg.expiry == expiry
                  and leg.strike is not None and leg.iv is not None]
    if candidates:
        return min(candidates, key=lambda candidate: abs(candidate[0] - strike))[1]
    return default_vix_option_iv(strike, future, years, market, settings)


def vix_option_spec(
    tier: str,
    expiry: date,
    market: MarketSnapshot,
    settings: Settings,
    at: datetime,
    book: Book,
    *,
    strike: float | None = None,
    spread_width: float | None = None,
) -> LayerSpec:
    """A VIX call (or call spread of ``spread_width`` points) at the tier's strike on ``expiry``."""
    from planner.pricing import black76_greeks

    years = calendars.time_to_expiry(at, expiry, "AM")
    future = vix_future_at(expiry, market, settings, years)
    if strike is None:
        strike = vix_strike(future * (1.0 + strike_otm_pct(tier, settings) / 100.0))
    iv = layer_iv(expiry, strike, book, market, settings, future, years)
    damping = float(futures_damping(years, settings))
    strikes: tuple[float, ...]
    if spread_width:
        short = vix_strike(strike + spread_width)
        # The short leg has its own point on the smile, as the risk engine prices it once held.
        short_iv = layer_iv(expiry, short, book, market, settings, future, years)
        g = black76_greeks([True, True], future, [strike, short], years, [iv, short_iv], market.rate)
        price = float(g.price[0] - g.price[1])
        delta = float(g.delta[0] - g.delta[1])
        kind, strikes = LayerKind.VIX_CALL_SPREAD, (strike, short)
    else:
        short_iv = None
        g = black76_greeks(True, future, strike, years, iv, market.rate)
        price, delta = float(g.price), float(g.delta)
        kind, strikes = LayerKind.VIX_CALL, (strike,)
    per_point = multiplier(Instrument.VIX_OPTION)
    return LayerSpec(str(tier), kind, expiry, strikes, Settlement.AM, price, delta * damping * per_point,
                     per_point, future, iv, short_iv)


def tier_spec(tier: str, market: MarketSnapshot, settings: Settings, at: datetime, book: Book) -> LayerSpec:
    """The tier table's VIX call for ``tier``."""
    return vix_option_spec(tier, tier_vix_expiry(tier, at, settings), market, settings, at, book)


def backstop_spec(market: MarketSnapshot, settings: Settings, at: datetime) -> LayerSpec:
    """The long tier's SPX put spread, priced with BSM at the skew IV; protection is its vega."""
    from planner.pricing import bsm_greeks

    expiry = backstop_expiry(at, settings)
    upper = spx_strike(market.spx * (1.0 - settings.backstop_upper_otm_pct / 100.0))
    lower = spx_strike(market.spx * (1.0 - settings.backstop_lower_otm_pct / 100.0))
    if lower >= upper:  # settings too close together for the ladder: keep a one-step spread
        lower = upper - SPX_STRIKE_STEP
    years = calendars.time_to_expiry(at, expiry, "PM")
    vols = [skew_iv(k, market.spx, market.vix, settings) for k in (upper, lower)]
    g = bsm_greeks([False, False], market.spx, [upper, lower], years, vols, market.rate, market.div_yield)
    per_point = multiplier(Instrument.SPX_OPTION)
    price = float(g.price[0] - g.price[1])
    vega = float(g.vega[0] - g.vega[1])
    return LayerSpec(str(Tier.LONG), LayerKind.SPX_PUT_SPREAD, expiry, (upper, lower), Settlement.PM, price,
                     vega * per_point, per_point, None, None)


def roll_spec(layer: Position, market: MarketSnapshot, settings: Settings, at: datetime, book: Book) -> LayerSpec:
    """The successor of ``layer``: same kind, the tier table's expiry and strike today.

    A call spread keeps its width; an SPX put spread becomes today's backstop.
    """
    tier = str(layer.tier)
    if layer.layer_kind is LayerKind.SPX_PUT_SPREAD:
        return backstop_spec(market, settings, at)
    width = None
    if layer.layer_kind is LayerKind.VIX_CALL_SPREAD:
        strikes = sorted(leg.strike for leg in layer.legs if leg.strike is not None)
        width = strikes[-1] - strikes[0]
    return vix_option_spec(tier, tier_vix_expiry(tier, at, settings), market, settings, at, book, spread_width=width)
