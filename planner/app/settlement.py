"""Expired positions settle at intrinsic value without a closing trade, on the right value.

The settlement level of each leg, best source first (DOMAIN.md, "Settlement values"):
- SPX AM (monthly) options: the official SET value of the expiry day; else the
  day's SPX open from the stored history, else its close (both estimates);
- SPXW PM options: the SPX close of the expiry day (the official close);
- VIX options and VX futures: the official VRO value; else the day's VIX open,
  else its close, else a quote taken on the expiry day that lists that VX
  future (all estimates);
- with none of these, an estimate from the newest snapshot at or before the
  settlement moment (else the first one after it: a fixed choice, so that
  each new quote does not settle the position again).

Settlement is derived from the stored values, never typed: ``settle`` is a
function of the position and the values, so the result does not depend on the
order the values arrived in. It is written outside the undo journal (a
``journaled=False`` change) with a line in the position's settlement log, and
is derived again whenever a value of its expiry day changes (an import, a typed
value, the undo or redo of either): undoing the import of a value thus reverts
what it settled. On a read-only book the settled positions are returned but
nothing is written.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from planner import calendars
from planner.app.inputs import ET
from planner.domain import Instrument, Leg, MarketSnapshot, Position, Status
from planner.domain.errors import InputError
from planner.storage import Repository
from planner.storage import daily_values as store


@dataclass(frozen=True, slots=True)
class Level:
    """An underlying level a leg settles on (index or VIX points) and where it came from."""

    value: float
    estimated: bool
    basis: str


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


def _official(repo: Repository, day: date, symbol: str) -> Level | None:
    value = store.settlement_value(repo.conn, day, symbol)
    return None if value is None else Level(value.value, False, f"{symbol} {value.value:g} ({value.origin})")


def _from_history(repo: Repository, day: date, symbol: str) -> Level | None:
    bar = store.history_bar(repo.conn, symbol, day)
    if bar is None:
        return None
    if bar.open is not None:
        return Level(bar.open, True, f"{symbol} open {bar.open:g} (estimate)")
    return Level(bar.close, True, f"{symbol} close {bar.close:g} (estimate)")


def recorded_level(repo: Repository, leg: Leg) -> Level | None:
    """The best stored level for a leg's settlement, or None when nothing of its day is stored."""
    day = leg.expiry
    if leg.instrument is Instrument.SPX_OPTION:
        if leg.settlement == "PM":
            bar = store.history_bar(repo.conn, "SPX", day)
            return None if bar is None else Level(bar.close, False, f"SPX close {bar.close:g}")
        return _official(repo, day, "SET") or _from_history(repo, day, "SPX")
    found = _official(repo, day, "VRO") or _from_history(repo, day, "VIX")
    if found is not None:
        return found
    for snapshot in _snapshots_on(repo, day):
        price = snapshot.future_price(day)
        if price is not None:  # the future converges to the settlement on its last morning
            return Level(price, True, f"VX {day} quoted {price:g} on expiry day (estimate)")
    return None


def _snapshots_on(repo: Repository, day: date) -> list[MarketSnapshot]:
    start = datetime(day.year, day.month, day.day, tzinfo=ET)
    end = datetime.combine(day, datetime.max.time(), tzinfo=ET)
    return repo.snapshots(start.astimezone(UTC), end.astimezone(UTC))


def estimated_level(leg: Leg, snapshot: MarketSnapshot) -> Level:
    quoted = f"quoted {snapshot.asof.astimezone(ET):%Y-%m-%d %H:%M} ET (estimate)"
    if leg.instrument is Instrument.SPX_OPTION:
        return Level(snapshot.spx, True, f"SPX {snapshot.spx:g} {quoted}")
    future = snapshot.future_price(leg.expiry)
    if future is None:
        return Level(snapshot.vix, True, f"VIX {snapshot.vix:g} {quoted}")
    return Level(future, True, f"VX {leg.expiry} {future:g} {quoted}")


def unsettled(position: Position) -> Position:
    """The position as it was before any settlement: open, no closing prices."""
    return position.with_changes(legs=tuple(leg.with_changes(close_price=None) for leg in position.legs),
                                 status=Status.OPEN, close_price=None, closed_at=None, settled_estimated=False)


def settle(repo: Repository, position: Position) -> tuple[Position, str]:
    """The position as the stored values settle it, and the basis in words.

    Open again (with basis "no settlement value") when nothing at all is known
    of its expiry: no stored value and no quote.
    """
    recorded = [recorded_level(repo, leg) for leg in position.legs]
    moment = settlement_moment(position)
    if any(level is None for level in recorded):
        snapshot = repo.snapshot_at_or_before(moment) or repo.snapshot_after(moment)
        if snapshot is None:
            return unsettled(position), "no settlement value"
        recorded = [level or estimated_level(leg, snapshot) for leg, level in zip(position.legs, recorded, strict=True)]
    levels: list[Level] = [level for level in recorded if level is not None]
    closes = [intrinsic(leg, level.value) for leg, level in zip(position.legs, levels, strict=True)]
    legs = tuple(leg.with_changes(close_price=close) for leg, close in zip(position.legs, closes, strict=True))
    package = position.side * sum(leg.quantity / position.quantity * close
                                  for leg, close in zip(legs, closes, strict=True))
    settled = position.with_changes(
        legs=legs,
        status=Status.EXPIRED,
        close_price=max(round(package, 10), 0.0),
        closed_at=moment.astimezone(UTC),
        settled_estimated=any(level.estimated for level in levels),
    )
    return settled, "; ".join(dict.fromkeys(level.basis for level in levels))


def due_positions(repo: Repository, now: datetime, days: Iterable[str] = ()) -> list[Position]:
    """Open positions past every leg's settlement, estimated ones that may now be official, and
    expired ones with a leg expiring on one of ``days`` (ISO dates whose values changed)."""
    today = now.astimezone(ET).date().isoformat()
    days = sorted(set(days))
    marks = ",".join("?" * len(days))
    changed = (f" OR (p.status = 'expired' AND EXISTS (SELECT 1 FROM legs l WHERE l.position_id = p.id "
               f"AND l.expiry IN ({marks})))") if days else ""
    ids = [
        i
        for (i,) in repo.conn.execute(
            "SELECT p.id FROM positions p WHERE (p.status = 'open' AND "
            "(SELECT max(l.expiry) FROM legs l WHERE l.position_id = p.id) <= ?) "
            f"OR (p.status = 'expired' AND p.settled_estimated = 1){changed}",
            (today, *days),
        )
    ]
    due = []
    for position in repo.load_positions(ids):
        if position.status is Status.OPEN and settlement_moment(position) > now:
            continue
        due.append(position)
    return due


def derived_settlements(repo: Repository, now: datetime, days: Iterable[str] = ()
                        ) -> list[tuple[Position, Position, str]]:
    """(stored, settled, basis) for every due position whose settlement differs from the stored one."""
    changes = []
    for position in due_positions(repo, now, days):
        after, basis = settle(repo, position)
        if after != position:
            changes.append((position, after, basis))
    return changes


def settle_expired(repo: Repository, now: datetime, days: Iterable[str] = ()) -> list[Position]:
    """Write every derived settlement in one transaction that is not an undo step; returns them.

    A read-only book (the store refuses writes) gets the settled positions back
    and keeps its file as it is: the caller shows them in memory only.
    """
    days = tuple(days)
    if not derived_settlements(repo, now, days):  # the common case: no write, no lock
        return []
    settled = []
    try:
        with repo.change("settle expired positions", journaled=False) as tx:
            for before, after, basis in derived_settlements(repo, now, days):  # again, under the write lock
                settled.append(repo.update_position(tx, before, after))
                store.log_settlement(repo.conn, store.SettlementRecord(
                    after.id or 0, now, str(after.status), after.close_price, after.settled_estimated, basis))
            tx.label = "settle expired " + ", ".join(str(p.id) for p in settled)
    except sqlite3.OperationalError as exc:
        if "readonly" not in str(exc).replace("-", "").replace(" ", ""):
            raise
        return [after for _, after, _ in derived_settlements(repo, now, days)]
    return settled


def describe_log(records: Iterable[store.SettlementRecord]) -> list[str]:
    """One line per settlement, re-settlement or reversal, oldest first: the package's settlement price,
    official or estimated, the values used, and when (``planner settlement log ID`` in words, for the
    window's history; the price and its basis first, as a narrow pane shortens the end)."""
    lines = []
    for index, record in enumerate(records):
        when = f"{record.logged_at.astimezone(ET):%Y-%m-%d %H:%M} ET"
        if record.status == str(Status.OPEN):
            lines.append(f"Unsettled (open again): {record.basis}, {when}")
            continue
        verb = "Settled" if index == 0 else "Re-settled"
        price = "" if record.close_price is None else f" at {record.close_price:,.2f} pts"
        quality = "estimated" if record.estimated else "official"
        lines.append(f"{verb}{price} ({quality}): {record.basis}, {when}")
    return lines
