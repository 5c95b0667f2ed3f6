"""Expired positions settle at intrinsic value without a closing trade.

Settlement level of the underlying, best source first:
- SPX legs: the stored history close of SPX on the expiry date (SPXW PM settle
  on the official close; for AM monthlies the close stands in for the SOQ);
- VIX legs: a stored "VRO" close (Cboe's VIX settlement value) on the expiry
  date, else a snapshot taken on the expiry day that lists that VX future
  (the future converges to the SOQ), else the stored VIX close that day;
- otherwise an estimate from the newest snapshot at or before the settlement
  moment (else the newest one), and the position is flagged
  ``settled_estimated`` until a recorded price arrives (a later history import
  or snapshot re-settles it).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from planner import calendars
from planner.app.inputs import ET
from planner.domain import Instrument, Leg, MarketSnapshot, Position, Status
from planner.domain.errors import InputError
from planner.storage import Repository


def intrinsic(leg: Leg, underlying: float) -> float:
    """Value per unit at settlement: max(S-K, 0), max(K-S, 0), or the future's settle."""
    if leg.instrument is Instrument.VIX_FUTURE:
        return underlying
    assert leg.strike is not None
    return max(underlying - leg.strike, 0.0) if leg.is_call else max(leg.strike - underlying, 0.0)


def leg_settles_at(leg: Leg) -> datetime:
    try:
        return calendars.settlement_moment(leg.expiry, leg.settlement)
    except InputError:  # an imported expiry that is not a session: settle at that day's usual time
        return datetime.combine(leg.expiry, time(9, 30) if leg.settlement == "AM" else time(16, 0), tzinfo=ET)


def settlement_moment(position: Position) -> datetime:
    return max(leg_settles_at(leg) for leg in position.legs)


def recorded_level(repo: Repository, leg: Leg) -> float | None:
    if leg.instrument is Instrument.SPX_OPTION:
        return repo.history_close("SPX", leg.expiry)
    level = repo.history_close("VRO", leg.expiry)
    if level is not None:
        return level
    for snapshot in _snapshots_on(repo, leg.expiry):
        price = snapshot.future_price(leg.expiry)
        if price is not None:
            return price
    return repo.history_close("VIX", leg.expiry)


def _snapshots_on(repo: Repository, day: date) -> list[MarketSnapshot]:
    start = datetime(day.year, day.month, day.day, tzinfo=ET)
    end = datetime.combine(day, datetime.max.time(), tzinfo=ET)
    return repo.snapshots(start.astimezone(UTC), end.astimezone(UTC))


def estimated_level(leg: Leg, snapshot: MarketSnapshot) -> float:
    if leg.instrument is Instrument.SPX_OPTION:
        return snapshot.spx
    future = snapshot.future_price(leg.expiry)
    return snapshot.vix if future is None else future


def settle(repo: Repository, position: Position) -> Position | None:
    """The settled version of an expired position, or None when no level is known at all."""
    recorded = [recorded_level(repo, leg) for leg in position.legs]
    estimated = any(level is None for level in recorded)
    moment = settlement_moment(position)
    if estimated:
        if position.status is Status.EXPIRED:
            return None  # already estimated; wait for a recorded price
        snapshot = repo.snapshot_at_or_before(moment) or repo.latest_snapshot()
        if snapshot is None:
            return None
        levels = [level if level is not None else estimated_level(leg, snapshot) for leg, level in zip(
            position.legs, recorded, strict=True)]
    else:
        levels = recorded
    legs = tuple(
        leg.with_changes(close_price=intrinsic(leg, level)) for leg, level in zip(position.legs, levels, strict=True)
    )
    package = position.side * sum(leg.quantity / position.quantity * leg.close_price for leg in legs)
    close_price = max(round(package, 10), 0.0)
    return position.with_changes(
        legs=legs,
        status=Status.EXPIRED,
        close_price=close_price,
        closed_at=moment.astimezone(UTC),
        settled_estimated=estimated,
    )


def due_positions(repo: Repository, now: datetime) -> list[Position]:
    """Open positions past every leg's settlement, and estimated ones that may now be recorded."""
    today = now.astimezone(ET).date().isoformat()
    ids = [
        i
        for (i,) in repo.conn.execute(
            "SELECT p.id FROM positions p WHERE (p.status = 'open' AND "
            "(SELECT max(l.expiry) FROM legs l WHERE l.position_id = p.id) <= ?) "
            "OR (p.status = 'expired' AND p.settled_estimated = 1)",
            (today,),
        )
    ]
    due = []
    for position in repo.load_positions(ids):
        if position.status is Status.OPEN and settlement_moment(position) > now:
            continue
        due.append(position)
    return due


def settle_expired(repo: Repository, now: datetime) -> list[Position]:
    """Settle every due position in one journaled change; returns the settled positions."""
    if not due_positions(repo, now):  # the common case: no write, no lock
        return []
    settled = []
    with repo.change("settle expired positions") as tx:
        for position in due_positions(repo, now):  # again, under the write lock
            after = settle(repo, position)
            if after is None or after == position:
                continue
            settled.append(repo.update_position(tx, position, after))
        tx.label = "settle expired " + ", ".join(str(p.id) for p in settled)
    return settled
