"""Implied volatilities for legs entered without one (DOMAIN.md, "Legs entered
without an implied volatility").

- VIX options: Black-76 on the VX future of the leg's own expiry, from the fill
  (the same bracketed root search as below, with the vol itself as the
  unknown). A spread has one fill for two legs, so both get the one flat vol
  that reprices the spread.
- SPX legs (condors, put-spread layers): VIX/100 shaped by the skew rule

      iv(K) = base + skew_put_slope * (-ln(K/S))   for K < S
      iv(K) = base - skew_call_slope * ln(K/S)     for K >= S     (floored at 0.01)

  then all legs shifted by one number (brentq) so the package's model value
  equals its fill (a condor's credit, a spread's debit).

Multi-leg packages then get per-leg open prices equal to those model values,
so per-leg P&L exists. The snapshot used is the one in force at entry (the
newest at or before the open time), else the first one after; a VIX leg whose
future is not in that curve waits for the first later snapshot listing it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from planner import calendars
from planner.domain import Instrument, Leg, MarketSnapshot, Position, Settings
from planner.domain.errors import InputError

if TYPE_CHECKING:
    import numpy as np

    from planner.storage import Change, Repository

MIN_VOL = 0.01
MAX_VOL = 5.0
SCAN_POINTS = 120


def skew_vols(strikes: Sequence[float] | np.ndarray, spot: float, base: float, put_slope: float,
              call_slope: float) -> np.ndarray:
    """The skew rule before the parallel shift.

    >>> skew_vols([5000.0, 6000.0, 7000.0], 6000.0, 0.16, 0.9, 0.3).round(4).tolist()
    [0.3241, 0.16, 0.1138]
    """
    import numpy as np  # numpy, scipy and pricing load on first use: CLI start-up does not pay for them

    log_moneyness = np.log(np.asarray(strikes, dtype=float) / spot)
    vols = np.where(log_moneyness < 0, base - put_slope * log_moneyness, base - call_slope * log_moneyness)
    return np.maximum(vols, MIN_VOL)


def load_pricing() -> None:
    """Import what the IV fill needs (numpy, scipy's root finder, pricing: half a second cold).

    Called before a change opens its transaction: imported inside it, they held the book's write
    lock for over a second, stalling the window and every other writer.
    """
    import numpy  # noqa: F401
    from scipy.optimize import brentq  # noqa: F401

    from planner.pricing import black76_greeks, bsm_greeks  # noqa: F401


def needs_iv(position: Position) -> bool:
    return any(leg.is_option and leg.iv is None for leg in position.legs)


def entry_moment(position: Position, snapshot: MarketSnapshot) -> datetime:
    """Time to expiry runs from the later of the fill and the quotes it is measured against."""
    return max(position.opened_at, snapshot.asof)


def leg_years(leg: Leg, moment: datetime) -> float:
    return calendars.time_to_expiry(moment, leg.expiry, leg.settlement)


def _package_solver(value_of_shift: Callable[[float], float], target: float, low: float, high: float) -> float | None:
    """The smallest shift in [low, high] where the package value crosses ``target``."""
    import numpy as np
    from scipy.optimize import brentq

    grid = np.linspace(low, high, SCAN_POINTS)
    errors = np.array([value_of_shift(s) - target for s in grid])
    if not np.all(np.isfinite(errors)):
        return None
    exact = np.flatnonzero(errors == 0)
    if exact.size:
        return float(grid[exact[0]])
    crossings = np.flatnonzero(np.sign(errors[:-1]) != np.sign(errors[1:]))
    if not crossings.size:
        return None
    i = int(crossings[0])
    return float(brentq(lambda s: value_of_shift(s) - target, grid[i], grid[i + 1], xtol=1e-12, rtol=1e-12))


def implied_legs(position: Position, snapshot: MarketSnapshot, settings: Settings) -> tuple[Leg, ...] | None:
    """The position's legs with IVs (and per-leg open prices) filled in, or None if not possible yet."""
    import numpy as np

    from planner.pricing import black76_greeks, bsm_greeks

    if not needs_iv(position):
        return None
    moment = entry_moment(position, snapshot)
    options = [leg for leg in position.legs if leg.is_option]
    try:
        years = np.array([leg_years(leg, moment) for leg in options])
    except InputError:  # an imported expiry that is not a trading session: no model value
        return None
    if np.any(years <= 0):
        return None
    strikes = np.array([leg.strike for leg in options], dtype=float)
    is_call = np.array([leg.is_call for leg in options])
    weights = np.array([leg.quantity / position.quantity for leg in options])
    target = position.side * position.open_price
    if all(leg.instrument is Instrument.VIX_OPTION for leg in options):
        forward = snapshot.future_price(options[0].expiry)
        if forward is None or any(leg.expiry != options[0].expiry for leg in options):
            return None

        def prices(vols: np.ndarray) -> np.ndarray:
            return np.asarray(black76_greeks(is_call, forward, strikes, years, vols, snapshot.rate).price, float)

        base = np.zeros(len(options))
        low, high = MIN_VOL, MAX_VOL
    elif all(leg.instrument is Instrument.SPX_OPTION for leg in options):
        spot = snapshot.spx

        def prices(vols: np.ndarray) -> np.ndarray:
            return np.asarray(
                bsm_greeks(is_call, spot, strikes, years, vols, snapshot.rate, snapshot.div_yield).price, float
            )

        base = skew_vols(strikes, spot, snapshot.vix / 100, settings.skew_put_slope, settings.skew_call_slope)
        low, high = MIN_VOL - float(base.max()), MAX_VOL - float(base.min())
    else:
        return None

    def shifted(shift: float) -> np.ndarray:
        return np.maximum(base + shift, MIN_VOL)

    def package_value(shift: float) -> float:
        return float(np.dot(weights, prices(shifted(shift))))

    shift = _package_solver(package_value, target, low, high)
    if shift is None:
        return None
    vols = shifted(shift)
    return _with_model(position, options, vols, prices(vols), snapshot.vix)


def _with_model(
    position: Position, options: list[Leg], vols: np.ndarray, prices: np.ndarray, vix_level: float
) -> tuple[Leg, ...]:
    filled = {id(leg): (float(v), float(max(p, 0.0))) for leg, v, p in zip(options, vols, prices, strict=True)}
    legs = []
    for leg in position.legs:
        if id(leg) in filled:
            vol, price = filled[id(leg)]
            changes = {}
            if leg.iv is None:
                changes["iv"] = vol
                changes["iv_vix"] = vix_level
            if leg.open_price is None:
                changes["open_price"] = price
            leg = leg.with_changes(**changes) if changes else leg
        legs.append(leg)
    return tuple(legs)


def entry_snapshot(repo: Repository, position: Position) -> MarketSnapshot | None:
    """The snapshot in force at entry, or the first after it (one listing the VIX future a VIX leg needs)."""
    vix_expiries = {leg.expiry for leg in position.legs if leg.instrument is Instrument.VIX_OPTION and leg.iv is None}
    need = min(vix_expiries) if vix_expiries else None
    at_entry = repo.snapshot_at_or_before(position.opened_at)
    if at_entry is not None and (need is None or at_entry.future_price(need) is not None):
        return at_entry
    return repo.snapshot_after(position.opened_at, need)


def fill_position(repo: Repository, tx: Change, position: Position, settings: Settings) -> Position:
    """Fill and store the IVs of one position if a usable snapshot exists; returns it (updated or not)."""
    if not needs_iv(position):
        return position
    snapshot = entry_snapshot(repo, position)
    if snapshot is None:
        return position
    legs = implied_legs(position, snapshot, settings)
    if legs is None:
        return position
    return repo.update_position(tx, position, position.with_changes(legs=legs))


def waiting_for_iv(repo: Repository) -> list[int]:
    """The open positions with an option leg still waiting for its IV (entered before any quote)."""
    return [
        i
        for (i,) in repo.conn.execute(
            "SELECT DISTINCT l.position_id FROM legs l JOIN positions p ON p.id = l.position_id "
            "WHERE p.status = 'open' AND l.iv IS NULL AND l.instrument <> 'vix-future'"
        )
    ]


def fill_missing(repo: Repository, tx: Change, settings: Settings) -> list[Position]:
    """After a new snapshot: every open position still waiting for IVs gets them if it can."""
    filled = []
    for position in repo.load_positions(waiting_for_iv(repo)):
        updated = fill_position(repo, tx, position, settings)
        if updated is not position:
            filled.append(updated)
    return filled
