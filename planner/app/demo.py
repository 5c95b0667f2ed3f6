"""``planner init --demo``: a realistic sample book relative to today.

SPX ~5900, VIX 16, VVIX ~90; a VX curve from F(T) = 20 + (16 - 20) exp(-4.3 T);
two condors (~30 and ~45 DTE, short strikes about one expected move out,
50-point wings); a near-tier VIX call (front expiry with >= 14 days, ~10 %
above its future) rolled from an earlier near layer; a long-tier VIX call
(>= 90 days, ~30 % above its future); the mid tier left empty; one closed
layer; a year of seeded daily SPX/VIX/VVIX closes ending at the last session
before today; an FOMC decision and a CPI release in the coming weeks.
Every price comes from the pricing models, so marks and fills agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from planner import calendars
from planner.app import entry_iv
from planner.app.inputs import ET, spread_cents
from planner.domain import LayerKind, Leg, MarketSnapshot, Position, PositionKind, Status, Tier
from planner.domain.expected_move import expected_move
from planner.domain.positions import condor_legs, layer_legs
from planner.domain.records import Event, EventKind
from planner.domain.settings import Settings
from planner.pricing import black76_greeks, bsm_greeks
from planner.storage import Repository

SPX, VIX, VVIX, RATE, DIV = 5900.0, 16.0, 90.0, 0.045, 0.013
TERM_MEAN, TERM_K = 20.0, 4.3
FEE_PER_CONTRACT = 1.30  # dollars per contract per leg, a typical retail rate
SEED = 42  # a path with one VIX spike to ~27 and a mean near 17.7


@dataclass(frozen=True, slots=True)
class DayMarket:
    """Closing levels of one history day, enough to price a VIX option then."""

    day: date
    spx: float
    vix: float


def round_to(value: float, step: float) -> float:
    return round(round(value / step) * step, 10)


def vix_future(vix: float, years: float) -> float:
    return round_to(TERM_MEAN + (vix - TERM_MEAN) * math.exp(-TERM_K * years), 0.05)


def simulate_history(sessions: list[date]) -> dict[str, np.ndarray]:
    """Seeded daily closes: log-VIX mean-reverting around ~17.5, SPX returns
    driven by VIX-level vol and negatively correlated with VIX moves, VVIX
    following VIX. The end points are pinned near today's demo levels."""
    rng = np.random.default_rng(SEED)
    n, dt = len(sessions), 1 / 252
    shocks = rng.standard_normal((n, 3))
    log_vix = np.empty(n)
    log_vix[0] = math.log(17.0)
    for i in range(1, n):
        log_vix[i] = log_vix[i - 1] + 8.0 * (math.log(17.5) - log_vix[i - 1]) * dt + 0.9 * math.sqrt(dt) * shocks[i, 0]
    ramp = np.linspace(0.0, 1.0, n)
    log_vix += ramp * (math.log(16.4) - log_vix[-1])
    vix = np.clip(np.exp(log_vix), 10.5, 45.0)
    vol = 0.85 * vix / 100
    correlated = -0.75 * shocks[:, 0] + math.sqrt(1 - 0.75**2) * shocks[:, 1]
    returns = (0.08 - 0.5 * vol**2) * dt + vol * math.sqrt(dt) * correlated
    returns[0] = 0.0
    spx = np.exp(np.cumsum(returns))
    spx *= 5890.0 / spx[-1]
    vvix = 82.0 + 2.2 * (vix - 15.0) + 4.0 * np.cumsum(shocks[:, 2]) / np.sqrt(np.arange(1, n + 1))
    vvix += ramp * (88.0 - vvix[-1])
    return {"SPX": np.round(spx, 2), "VIX": np.round(vix, 2), "VVIX": np.round(np.clip(vvix, 60.0, 200.0), 2)}


def _fees(legs: tuple[Leg, ...]) -> tuple[Leg, ...]:
    contracts = sum(abs(leg.quantity) for leg in legs)
    cents = round(contracts * FEE_PER_CONTRACT * 100)
    return tuple(leg.with_changes(fees=share) for leg, share in zip(legs, spread_cents(cents, len(legs)), strict=True))


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=ET).astimezone(UTC)


def _vix_call_price(forward: float, strike: float, years: float, vol: float) -> float:
    price = float(black76_greeks(True, forward, strike, years, vol, RATE).price)
    return max(round_to(price, 0.05), 0.05)


def _first_vix_expiry(after: date, min_days: int) -> date:
    return calendars.vix_expirations(after + timedelta(days=min_days), after + timedelta(days=min_days + 70))[0]


def condor(expiry: date, quantity: int, opened: datetime, now: datetime, settings: Settings) -> Position:
    years = calendars.time_to_expiry(now, expiry, "PM")
    move = expected_move(SPX, VIX, (expiry - now.astimezone(ET).date()).days)
    short_put = math.floor((SPX - move) / 25) * 25
    short_call = math.ceil((SPX + move) / 25) * 25
    strikes = (short_put - 50.0, float(short_put), float(short_call), short_call + 50.0)
    vols = entry_iv.skew_vols(strikes, SPX, VIX / 100, settings.skew_put_slope, settings.skew_call_slope)
    prices = bsm_greeks(np.array([False, False, True, True]), SPX, np.array(strikes), years, vols, RATE, DIV).price
    credit = round_to(prices[1] - prices[0] + prices[2] - prices[3], 0.05)
    return Position(PositionKind.CONDOR, _fees(condor_legs(expiry, strikes, quantity)), quantity, credit, opened)


def vix_call_layer(
    tier: Tier, expiry: date, strike: float, quantity: int, price: float, opened: datetime, protects: tuple[int, ...]
) -> Position:
    legs = layer_legs(LayerKind.VIX_CALL, expiry, (strike,), quantity)
    legs = (legs[0].with_changes(open_price=price),)
    return Position(PositionKind.LAYER, _fees(legs), quantity, price, opened, tier=tier,
                    layer_kind=LayerKind.VIX_CALL, protects=protects)


def closed(position: Position, price: float, at: datetime, status: Status = Status.CLOSED) -> Position:
    legs = tuple(leg.with_changes(fees=leg.fees * 2) for leg in position.legs)  # closing fees as much as opening
    if len(legs) == 1:
        legs = (legs[0].with_changes(close_price=price),)
    return position.with_changes(legs=legs, status=status, close_price=price, closed_at=at)


DEMO_EQUITY = 3_000_000.0  # dollars


def write_demo(repo: Repository, now: datetime) -> list[Position]:
    """Write the demo book into an empty store in one change; returns its positions."""
    settings = repo.load_settings()
    today = now.astimezone(ET).date()
    sessions = calendars.spx_daily_expirations(today - timedelta(days=400), today - timedelta(days=1))[-252:]
    history = simulate_history(sessions)
    market = [DayMarket(d, history["SPX"][i], history["VIX"][i]) for i, d in enumerate(sessions)]

    def past_future(day_market: DayMarket, expiry: date, clock: time = time(15, 0)) -> tuple[float, float]:
        years = calendars.time_to_expiry(_at(day_market.day, clock), expiry, "AM")
        return vix_future(day_market.vix, years), years

    curve_expiries = [e for e in calendars.vix_expirations(today, today + timedelta(days=240))
                      if calendars.time_to_expiry(now, e, "AM") > 0][:7]
    curve = tuple((e, vix_future(VIX, calendars.time_to_expiry(now, e, "AM"))) for e in curve_expiries)
    snapshot = MarketSnapshot(now.astimezone(UTC), SPX, VIX, RATE, DIV, VVIX, curve, source="demo")
    future = dict(curve)

    with repo.change("init demo book") as tx:
        # An account this book fits: the 10-lot condor's max loss (about $37,000) is
        # then about 1.2 % of equity, under the default 1.5 % risk cap.
        repo.set_setting(tx, "equity", DEMO_EQUITY)
        repo.upsert_history(tx, [(d, s, float(history[s][i])) for s in ("SPX", "VIX", "VVIX")
                                 for i, d in enumerate(sessions)])
        repo.insert_snapshot(tx, snapshot)

        opened = _at(sessions[-8], time(14, 30))
        condor_a = repo.insert_position(tx, condor(
            calendars.nearest_listed("spx-daily", today + timedelta(days=30), 1)[0], 10, opened, now, settings))
        condor_b = repo.insert_position(tx, condor(
            calendars.nearest_listed("spx-daily", today + timedelta(days=45), 1)[0], 5, opened, now, settings))
        protected = (condor_a.saved_id, condor_b.saved_id)

        # A near layer bought at a quiet moment four to six months ago, sold at the
        # highest VIX of the next three weeks (the method's mean-reversion exit).
        buy_index = min(range(len(market) - 130, len(market) - 85), key=lambda i: market[i].vix)
        sell_index = max(range(buy_index + 3, buy_index + 15), key=lambda i: market[i].vix)
        bought, sold = market[buy_index], market[sell_index]
        expiry = _first_vix_expiry(bought.day, 30)
        forward, years = past_future(bought, expiry)
        strike = float(round(forward * 1.1))
        price = _vix_call_price(forward, strike, years, 0.95)
        old = vix_call_layer(Tier.NEAR, expiry, strike, 10, price, _at(bought.day, time(11, 0)), ())
        forward, years = past_future(sold, expiry)
        sale = _vix_call_price(forward, strike, years, 0.95)
        note = "took profit after the VIX pop" if sale > price else "closed: the spike never came"
        repo.insert_position(tx, closed(old, sale, _at(sold.day, time(10, 30))).with_changes(note=note))

        # The current near layer was rolled from the previous front-month one.
        near_expiry = _first_vix_expiry(today, settings.near_min_days)
        previous_expiry = calendars.vix_expirations(near_expiry - timedelta(days=45),
                                                    near_expiry - timedelta(days=1))[-1]
        roll_day = [d for d in sessions if d <= previous_expiry - timedelta(days=6)][-1]
        roll_index = sessions.index(roll_day)
        bought = market[roll_index - 20]
        forward, years = past_future(bought, previous_expiry)
        strike = float(round(forward * 1.1))
        first = vix_call_layer(Tier.NEAR, previous_expiry, strike, 20, _vix_call_price(forward, strike, years, 0.95),
                               _at(bought.day, time(11, 0)), ())
        forward, years = past_future(market[roll_index], previous_expiry)
        first = closed(first, _vix_call_price(forward, strike, years, 0.95), _at(roll_day, time(11, 0)), Status.ROLLED)
        first = repo.insert_position(tx, first)

        near_forward = future[near_expiry]
        near_strike = float(round(near_forward * 1.1))
        near_years = calendars.time_to_expiry(now, near_expiry, "AM")
        near = vix_call_layer(Tier.NEAR, near_expiry, near_strike, 20,
                              _vix_call_price(near_forward, near_strike, near_years, VVIX / 100),
                              _at(roll_day, time(11, 0)), protected).with_changes(rolled_from=first.id)

        long_expiry = next(e for e, _ in curve if (e - today).days >= settings.long_min_days)
        long_forward = future[long_expiry]
        long_strike = float(round(long_forward * 1.3))
        long_years = calendars.time_to_expiry(now, long_expiry, "AM")
        long = vix_call_layer(Tier.LONG, long_expiry, long_strike, 10,
                              _vix_call_price(long_forward, long_strike, long_years, 0.75),
                              _at(sessions[-12], time(13, 0)), protected)

        for position in (near, long):
            repo.insert_position(tx, position)
        # Give the open positions their entry IVs from the demo snapshot.
        entry_iv.fill_missing(repo, tx, settings)

        fomc = next(d for d in (today + timedelta(days=i) for i in range(14, 60)) if d.weekday() == 2)
        cpi = next(d for d in (today + timedelta(days=i) for i in range(17, 60))
                   if d.weekday() == 3 and calendars.is_trading_day(d))
        repo.add_event(tx, Event(fomc, EventKind.FOMC, "FOMC rate decision (demo)"))
        repo.add_event(tx, Event(cpi, EventKind.CPI, "CPI release (demo)"))
    return list(repo.load_book().positions)
