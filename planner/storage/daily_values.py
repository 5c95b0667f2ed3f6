"""Daily values from the exchange: OHLC history, official settlement values, VX settlements.

Writes take a ``Change`` (one transaction, one undo step); reads use the
connection. The settlement log is the one table here that is written outside
the journal: it records what settlement derived from the values, which is not
an undo step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from planner.storage.journal import Change

SETTLEMENT_SYMBOLS = ("SET", "VRO")
ORIGINS = ("file", "typed")
PRICE_FIELDS = ("open", "high", "low", "close")


@dataclass(frozen=True, slots=True)
class DailyBar:
    """One session of one symbol, in index points; open/high/low None when the source had only closes."""

    day: date
    symbol: str
    close: float
    open: float | None = None
    high: float | None = None
    low: float | None = None

    def row(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "symbol": self.symbol, "close": self.close, "open": self.open,
                "high": self.high, "low": self.low}


@dataclass(frozen=True, slots=True)
class SettlementValue:
    """An official settlement value (SET or VRO) in index points; origin "file" or "typed"."""

    day: date
    symbol: str
    value: float
    origin: str = "file"

    def row(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "symbol": self.symbol, "value": self.value, "origin": self.origin}


@dataclass(frozen=True, slots=True)
class VxSettle:
    """The settlement price of the VX future expiring ``expiry`` on trade date ``day`` (VIX points)."""

    day: date
    expiry: date
    settle: float

    def row(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "expiry": self.expiry.isoformat(), "settle": self.settle}


# -- reads
def history_bar(conn: sqlite3.Connection, symbol: str, day: date) -> DailyBar | None:
    found = conn.execute("SELECT close, open, high, low FROM history WHERE symbol = ? AND date = ?",
                         (symbol, day.isoformat())).fetchone()
    return None if found is None else DailyBar(day, symbol, *found)


def settlement_value(conn: sqlite3.Connection, day: date, symbol: str) -> SettlementValue | None:
    found = conn.execute("SELECT value, origin FROM settlement_values WHERE date = ? AND symbol = ?",
                         (day.isoformat(), symbol)).fetchone()
    return None if found is None else SettlementValue(day, symbol, found[0], found[1])


def settlement_values(conn: sqlite3.Connection) -> list[SettlementValue]:
    return [SettlementValue(date.fromisoformat(d), s, v, o) for d, s, v, o in conn.execute(
        "SELECT date, symbol, value, origin FROM settlement_values ORDER BY date, symbol")]


def vx_settle(conn: sqlite3.Connection, day: date, expiry: date) -> float | None:
    found = conn.execute("SELECT settle FROM vx_settlements WHERE date = ? AND expiry = ?",
                         (day.isoformat(), expiry.isoformat())).fetchone()
    return None if found is None else float(found[0])


def date_range_where(start: date | None, end: date | None) -> tuple[str, list[str]]:
    """A WHERE clause (or "") on a ``date`` column between two days, both included, and its parameters."""
    bounds = [(">=", start), ("<=", end)]
    clauses = [(f"date {op} ?", day.isoformat()) for op, day in bounds if day is not None]
    return ("WHERE " + " AND ".join(c for c, _ in clauses)) if clauses else "", [p for _, p in clauses]


def vx_settlement_curves(conn: sqlite3.Connection, start: date | None = None,
                         end: date | None = None) -> dict[date, dict[date, float]]:
    """Stored VX curves: {trade date: {contract expiry: settlement price in VIX points}}, dates ascending.

    The backtest and the replay feed read a day's curve from here; a day without
    stored settlements is absent.
    """
    where, params = date_range_where(start, end)
    curves: dict[date, dict[date, float]] = {}
    for day, expiry, settle in conn.execute(
            f"SELECT date, expiry, settle FROM vx_settlements {where} ORDER BY date, expiry", params):
        curves.setdefault(date.fromisoformat(day), {})[date.fromisoformat(expiry)] = float(settle)
    return curves


def latest_vx_settle(conn: sqlite3.Connection, expiry: date, on_or_before: date) -> tuple[date, float] | None:
    """The newest stored settlement of one contract at or before a day: (trade date, price)."""
    found = conn.execute(
        "SELECT date, settle FROM vx_settlements WHERE expiry = ? AND date <= ? ORDER BY date DESC LIMIT 1",
        (expiry.isoformat(), on_or_before.isoformat())).fetchone()
    return None if found is None else (date.fromisoformat(found[0]), float(found[1]))


# -- writes (journaled)
def _upsert_all(tx: Change, table: str, items: Iterable[DailyBar | SettlementValue | VxSettle]) -> int:
    count = 0
    for item in items:
        tx.upsert(table, item.row())
        count += 1
    return count


def write_history_bars(tx: Change, bars: Iterable[DailyBar]) -> int:
    return _upsert_all(tx, "history", bars)


def write_settlement_values(tx: Change, values: Iterable[SettlementValue]) -> int:
    return _upsert_all(tx, "settlement_values", values)


def write_vx_settles(tx: Change, settles: Iterable[VxSettle]) -> int:
    return _upsert_all(tx, "vx_settlements", settles)


# -- the settlement log (not journaled)
@dataclass(frozen=True, slots=True)
class SettlementRecord:
    """One settlement (or its reversal) of a position: when, the result, and the values it used."""

    position_id: int
    logged_at: datetime
    status: str
    close_price: float | None
    estimated: bool
    basis: str


def log_settlement(conn: sqlite3.Connection, record: SettlementRecord) -> None:
    """Inside the settlement's own transaction (the caller's Change), so both land or neither."""
    conn.execute(
        "INSERT INTO settlement_log (position_id, logged_at, status, close_price, estimated, basis) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (record.position_id, record.logged_at.astimezone(UTC).isoformat(timespec="seconds"), record.status,
         record.close_price, int(record.estimated), record.basis))


def settlement_log(conn: sqlite3.Connection, position_id: int) -> list[SettlementRecord]:
    return [SettlementRecord(position_id, datetime.fromisoformat(at), status, price, bool(estimated), basis)
            for at, status, price, estimated, basis in conn.execute(
                "SELECT logged_at, status, close_price, estimated, basis FROM settlement_log "
                "WHERE position_id = ? ORDER BY id", (position_id,))]


def settlement_logs(conn: sqlite3.Connection) -> dict[int, list[SettlementRecord]]:
    """Every position's settlement log, oldest first (a few lines per expired position: the window's history)."""
    logs: dict[int, list[SettlementRecord]] = {}
    for position_id, at, status, price, estimated, basis in conn.execute(
            "SELECT position_id, logged_at, status, close_price, estimated, basis FROM settlement_log ORDER BY id"):
        logs.setdefault(position_id, []).append(
            SettlementRecord(position_id, datetime.fromisoformat(at), status, price, bool(estimated), basis))
    return logs
