"""The store: open a planner database and read or write domain objects.

Reads return domain values (Book, MarketSnapshot, Settings...). Writes take a
``Change`` (``with repo.change("add condor") as tx:``) so that everything one
user action writes is one transaction and one undo step.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.domain import Book, MarketSnapshot, Position, Settings
from planner.domain.errors import StateError
from planner.domain.records import Decision, DecisionKind, Event, EventKind, Signal
from planner.domain.settings import SPEC_BY_KEY, parse_setting
from planner.storage import daily_values, journal
from planner.storage.codec import (
    leg_from_row,
    leg_row,
    moment_text,
    position_from_row,
    position_row,
    snapshot_from_row,
    snapshot_row,
)
from planner.storage.connection import (
    BUSY_TIMEOUT_MS,
    MEMORY,
    apply_pragmas,
    check_database_file,
    connect,
    database_path,
    is_read_only_file,
    prepare_write,
)
from planner.storage.journal import Change, JournalEntry
from planner.storage.migrations import check_openable, migrate

if TYPE_CHECKING:
    import pandas as pd
    import sqlite_utils

HISTORY_SYMBOLS = ("SPX", "VIX", "VVIX")
CHECKPOINT_WAIT_MS = 200
LEG_REPORT_FIELDS = (
    "position id", "kind", "tier", "layer kind", "status", "quantity", "open price", "close price", "opened at",
    "closed at", "rolled from", "protected condor ids joined by ;", "settled estimated (0/1)", "note",
    "split from (the position a partial close came out of)",
    "leg seq", "instrument", "right", "strike", "expiry", "settlement", "leg quantity", "multiplier",
    "leg open price", "leg close price", "fees", "iv", "iv set at VIX", "mark",
)
REPORT_LEG_KEYS = ("id", "instrument", "right", "strike", "expiry", "settlement", "quantity", "multiplier",
                   "open_price", "close_price", "fees", "iv", "mark", "iv_vix")


class Repository:
    """A planner database. ``Repository.open(path)`` (or ":memory:") migrates it first."""

    def __init__(self, conn: sqlite3.Connection, origin: str = journal.CLI_ORIGIN) -> None:
        self.conn = conn
        self.origin = origin  # the program whose changes this connection records (and may undo)
        self.read_only = False
        self._write_ready = False
        self._data_version_offset = 0
        self._db: sqlite_utils.Database | None = None
        self._listeners: list[Callable[[JournalEntry], None]] = []

    def add_listener(self, listener: Callable[[JournalEntry], None]) -> Callable[[], None]:
        """Call ``listener(entry)`` after every committed change, undo and redo; returns an unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _notify(self, entry: JournalEntry | None) -> None:
        if entry is not None:
            for listener in list(self._listeners):
                listener(entry)

    @classmethod
    def open(cls, path: str | os.PathLike = MEMORY, read_only: bool | None = None) -> Repository:
        """Open (creating or migrating) the book; ``read_only`` (default: when the file cannot be
        written, say a backup on a read-only mount) opens it for reading only, never written."""
        if read_only is None:
            read_only = str(path) != MEMORY and check_database_file(path) and is_read_only_file(Path(path))
        conn = connect(path, read_only=read_only)
        try:
            check_openable(conn)  # before any pragma writes to the file
            apply_pragmas(conn)
            if not read_only:
                migrate(conn, prepare=lambda: prepare_write(conn))
        except BaseException:
            conn.close()
            raise
        repo = cls(conn)
        repo.read_only = read_only
        return repo

    def _prepare_write(self) -> None:
        """Once per connection, before its first write (see ``connection.prepare_write``)."""
        if self.read_only:
            raise StateError("the book is open read-only (a read-only file or backup): nothing can be changed; "
                             "copy it to a writable place to edit it")
        if not self._write_ready:
            before = self._raw_data_version()
            prepare_write(self.conn)
            # The switch to WAL moves data_version as another program's write would: not one.
            self._data_version_offset += self._raw_data_version() - before
            self._write_ready = True

    @property
    def db(self) -> sqlite_utils.Database:
        """The same connection through sqlite-utils, for table access and introspection.

        Built on first use: importing sqlite-utils imports pandas (~0.5 s), which
        the command line and the window's first paint should not wait for.
        """
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    @property
    def path(self) -> Path | None:
        return database_path(self.conn)

    def checkpoint(self, truncate: bool = True) -> None:
        """Move everything committed from the -wal file into the book itself, so that the book
        file alone is complete (a user who copies planner.db loses nothing). ``truncate=False``:
        a passive checkpoint, which never holds up another program's writes."""
        if self.read_only or self.path is None:
            return
        if not truncate:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            return
        # A short wait only: with another program reading or writing, the checkpoint is left to
        # whichever connection closes last (SQLite checkpoints then), instead of holding this one up.
        self.conn.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
        try:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.Error:
            pass
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def close(self) -> None:
        """A clean close leaves one complete file: a passive checkpoint first (the last connection
        to close also checkpoints and removes the -wal file itself)."""
        with contextlib.suppress(sqlite3.ProgrammingError):  # already closed
            self.checkpoint(truncate=False)
        self.conn.close()

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def change(self, label: str, journaled: bool = True) -> Change:
        """One transaction and (``journaled``) one undo step of this program; quotes and derived
        writes (settlement) pass False."""
        self._prepare_write()
        return Change(self.conn, label, on_commit=lambda change: self._notify(change.entry), origin=self.origin,
                      journaled=journaled)

    def data_version(self) -> int:
        """Changes when another connection commits (poll it to see other processes' writes)."""
        return self._raw_data_version() - self._data_version_offset

    def _raw_data_version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    # -- positions ----------------------------------------------------------
    @contextmanager
    def _one_read(self) -> Iterator[None]:
        """Several SELECTs that see one committed state of the file.

        Positions, legs and links are read by separate statements; another program's commit
        between them (an undo deleting a position with its legs) would otherwise hand back a
        position without legs. In WAL mode a read transaction keeps its first snapshot.
        """
        if self.conn.in_transaction:  # inside a change: already one state
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

    def load_book(self, include_closed: bool = True) -> Book:
        """Every position (or only the open ones), ordered by id."""
        where = "" if include_closed else "WHERE status = 'open'"
        with self._one_read():
            positions = self._rows(f"SELECT * FROM positions {where} ORDER BY id")
            return Book(tuple(self._assemble(positions, whole_table=include_closed)))

    def load_positions(self, ids: Iterable[int]) -> list[Position]:
        """The positions with these ids that exist, ordered by id."""
        ids = sorted(set(ids))
        found: list[Position] = []
        with self._one_read():
            for start in range(0, len(ids), 500):  # stay far below SQLite's bound-variable limit
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                found += self._assemble(self._rows(f"SELECT * FROM positions WHERE id IN ({marks}) ORDER BY id",
                                                   chunk))
        return found

    def load_position(self, position_id: int) -> Position | None:
        found = self.load_positions([position_id])
        return found[0] if found else None

    def _assemble(self, positions: list[dict[str, Any]], whole_table: bool = False) -> list[Position]:
        if not positions:
            return []
        ids = [p["id"] for p in positions]
        if whole_table:
            leg_sql, proj_sql, params = "SELECT * FROM legs", "SELECT layer_id, condor_id FROM protects", []
        else:
            marks = ",".join("?" * len(ids))
            leg_sql = f"SELECT * FROM legs WHERE position_id IN ({marks})"
            proj_sql = f"SELECT layer_id, condor_id FROM protects WHERE layer_id IN ({marks})"
            params = ids
        legs: dict[int, list[tuple[int, Any]]] = defaultdict(list)
        for row in self._rows(leg_sql, params):
            legs[row["position_id"]].append((row["seq"], leg_from_row(row)))
        protects: dict[int, list[int]] = defaultdict(list)
        for layer_id, condor_id in self.conn.execute(proj_sql, params):
            protects[layer_id].append(condor_id)
        return [
            position_from_row(p, (leg for _, leg in sorted(legs[p["id"]], key=lambda s: s[0])), protects[p["id"]])
            for p in positions
        ]

    def position_records(self, include_closed: bool = True) -> list[dict[str, Any]]:
        """Raw rows for reports of many positions, without building domain objects (the
        ``list --json`` fast path): each position's columns plus "legs"
        (tuples of ``REPORT_LEG_KEYS`` values, in leg order) and "protects" (condor ids, ascending)."""
        with self._one_read():
            conn = self.conn
            where = "" if include_closed else "WHERE status = 'open'"
            cursor = conn.execute(f"SELECT * FROM positions {where} ORDER BY id")
            names = [d[0] for d in cursor.description]
            records: dict[int, dict[str, Any]] = {}
            for row in cursor:
                record = dict(zip(names, row, strict=True))
                record["legs"], record["protects"] = [], []
                records[record["id"]] = record
            leg_where = ("" if include_closed
                         else "WHERE position_id IN (SELECT id FROM positions WHERE status = 'open')")
            columns = ", ".join("option_right" if key == "right" else key for key in REPORT_LEG_KEYS)
            # position_id last: zip() with the shorter key tuple leaves it out of the dict.
            rows = conn.execute(
                f"SELECT position_id, {columns} FROM legs {leg_where} ORDER BY position_id, seq").fetchall()
            for position_id, legs in groupby(rows, key=itemgetter(0)):
                records[position_id]["legs"] = [row[1:] for row in legs]
            links = conn.execute("SELECT layer_id, condor_id FROM protects ORDER BY layer_id, condor_id")
            for layer_id, condor_id in links:
                if layer_id in records:
                    records[layer_id]["protects"].append(condor_id)
            return list(records.values())

    def leg_report_rows(self, include_closed: bool = True) -> list[tuple]:
        """One tuple per leg, in position then leg order, holding ``LEG_REPORT_FIELDS``
        (the positions report's columns, without building any object: ``export``'s fast path)."""
        where = "" if include_closed else "WHERE p.status = 'open'"
        return self.conn.execute(f"""
            WITH links AS (
                SELECT layer_id, group_concat(condor_id, ';') AS ids
                FROM (SELECT layer_id, condor_id FROM protects ORDER BY layer_id, condor_id)
                GROUP BY layer_id)
            SELECT p.id, p.kind, p.tier, p.layer_kind, p.status, p.quantity, p.open_price, p.close_price,
                   p.opened_at, p.closed_at, p.rolled_from, coalesce(links.ids, ''), p.settled_estimated, p.note,
                   p.split_from,
                   l.seq, l.instrument, l.option_right, l.strike, l.expiry, l.settlement, l.quantity, l.multiplier,
                   l.open_price, l.close_price, l.fees, l.iv, l.iv_vix, l.mark
            FROM positions p JOIN legs l ON l.position_id = p.id LEFT JOIN links ON links.layer_id = p.id
            {where} ORDER BY p.id, l.seq""").fetchall()

    def position_ids(self) -> set[int]:
        return {i for (i,) in self.conn.execute("SELECT id FROM positions")}

    def insert_position(self, tx: Change, position: Position) -> Position:
        """Write a new position with its legs and links; returns it with ids filled in."""
        row = position_row(position)
        if row["id"] is None:
            del row["id"]
        position_id = tx.insert("positions", row)  # the rowid is the id, given or new
        legs = []
        for seq, leg in enumerate(position.legs):
            leg_values = leg_row(leg, position_id, seq)
            if leg_values["id"] is None:
                del leg_values["id"]
            legs.append(leg.with_changes(id=tx.insert("legs", leg_values)))
        for condor_id in sorted(set(position.protects)):
            tx.insert("protects", {"layer_id": position_id, "condor_id": condor_id})
        return position.with_changes(id=position_id, legs=tuple(legs))

    def update_position(self, tx: Change, before: Position, after: Position) -> Position:
        """Write the differences between two versions of one stored position."""
        if before.id is None or before.id != after.id:
            raise ValueError("update_position needs the same stored position twice")
        old_row, new_row = position_row(before), position_row(after)
        changed = {k: v for k, v in new_row.items() if old_row[k] != v}
        if changed:
            tx.update("positions", (after.id,), changed)
        old_legs = {leg.id: (seq, leg) for seq, leg in enumerate(before.legs)}
        new_legs = []
        for seq, leg in enumerate(after.legs):
            values = leg_row(leg, after.id, seq)
            if leg.id is None or leg.id not in old_legs:
                if values["id"] is None:
                    del values["id"]
                leg = leg.with_changes(id=tx.insert("legs", values))
            else:
                old_values = leg_row(old_legs[leg.id][1], after.id, old_legs[leg.id][0])
                leg_changed = {k: v for k, v in values.items() if old_values[k] != v}
                if leg_changed:
                    tx.update("legs", (leg.id,), leg_changed)
            new_legs.append(leg)
        kept = {leg.id for leg in new_legs}
        for leg_id in old_legs:
            if leg_id not in kept:
                tx.delete("legs", (leg_id,))
        for condor_id in sorted(set(before.protects) - set(after.protects)):
            tx.delete("protects", (after.id, condor_id))
        for condor_id in sorted(set(after.protects) - set(before.protects)):
            tx.insert("protects", {"layer_id": after.id, "condor_id": condor_id})
        return after.with_changes(legs=tuple(new_legs))

    def delete_position(self, tx: Change, position: Position) -> None:
        for condor_id in position.protects:
            tx.delete("protects", (position.id, condor_id))
        for leg in position.legs:
            tx.delete("legs", (leg.id,))
        tx.delete("positions", (position.id,))

    # -- market snapshots ----------------------------------------------------
    def insert_snapshot(self, tx: Change, snapshot: MarketSnapshot) -> MarketSnapshot:
        row = snapshot_row(snapshot)
        if row["id"] is None:
            del row["id"]
        snapshot_id = tx.insert("snapshots", row)
        for expiry, price in snapshot.vix_futures:
            tx.insert("snapshot_futures", {"snapshot_id": snapshot_id, "expiry": expiry.isoformat(), "price": price})
        return replace(snapshot, id=snapshot_id)

    def _snapshots(self, where: str, params: Sequence[Any], order: str, limit: int | None) -> list[MarketSnapshot]:
        tail = f" LIMIT {int(limit)}" if limit is not None else ""
        rows = self._rows(f"SELECT * FROM snapshots {where} ORDER BY {order}{tail}", params)
        if not rows:
            return []
        marks = ",".join("?" * len(rows))
        futures: dict[int, list[tuple[str, float]]] = defaultdict(list)
        for snapshot_id, expiry, price in self.conn.execute(
            f"SELECT snapshot_id, expiry, price FROM snapshot_futures WHERE snapshot_id IN ({marks})",
            [r["id"] for r in rows],
        ):
            futures[snapshot_id].append((expiry, price))
        return [snapshot_from_row(r, futures[r["id"]]) for r in rows]

    def latest_snapshot(self) -> MarketSnapshot | None:
        found = self._snapshots("", (), "asof DESC, id DESC", 1)
        return found[0] if found else None

    def previous_snapshot(self) -> MarketSnapshot | None:
        """The snapshot before the latest one (for "change since last quote")."""
        found = self._snapshots("", (), "asof DESC, id DESC", 2)
        return found[1] if len(found) > 1 else None

    def snapshot_by_id(self, snapshot_id: int) -> MarketSnapshot | None:
        found = self._snapshots("WHERE id = ?", (snapshot_id,), "id", 1)
        return found[0] if found else None

    def snapshot_at_or_before(self, moment: datetime, future_expiry: date | None = None) -> MarketSnapshot | None:
        """The newest snapshot taken at or before ``moment`` (listing that future, if given)."""
        where, params = _snapshot_filter("asof <= ?", moment, future_expiry)
        found = self._snapshots(where, params, "asof DESC, id DESC", 1)
        return found[0] if found else None

    def snapshot_after(self, moment: datetime, future_expiry: date | None = None) -> MarketSnapshot | None:
        """The first snapshot taken after ``moment`` (listing that future, if given)."""
        where, params = _snapshot_filter("asof > ?", moment, future_expiry)
        found = self._snapshots(where, params, "asof ASC, id ASC", 1)
        return found[0] if found else None

    def snapshots(self, start: datetime | None = None, end: datetime | None = None) -> list[MarketSnapshot]:
        clauses, params = [], []
        if start is not None:
            clauses.append("asof >= ?")
            params.append(moment_text(start))
        if end is not None:
            clauses.append("asof <= ?")
            params.append(moment_text(end))
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return self._snapshots(where, params, "asof ASC, id ASC", None)

    # -- settings --------------------------------------------------------------
    def stored_settings(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self.conn.execute("SELECT key, value FROM settings")}

    def account_set(self) -> bool:
        """True once the trader has given the account's equity (init --equity, the first-run
        dialog, Settings); until then risk figures rest on the default equity."""
        return self.conn.execute("SELECT 1 FROM settings WHERE key = 'equity'").fetchone() is not None

    def load_settings(self) -> Settings:
        return Settings.from_dict(self.stored_settings())

    def set_setting(self, tx: Change, key: str, raw: object) -> float | int | bool:
        """Validate and store one setting; returns the parsed value."""
        value = parse_setting(key, raw)
        # Equity stays stored even at the default: "equity set to $100,000" is not "equity never
        # set" (``account_set``).
        default = SPEC_BY_KEY[key].default
        if key != "equity" and value == default and type(value) is type(default):
            tx.delete("settings", (key,))
        else:
            tx.upsert("settings", {"key": key, "value": json.dumps(value)})
        return value

    # -- daily history -----------------------------------------------------------
    def upsert_history(self, tx: Change, rows: Iterable[tuple[date, str, float]]) -> tuple[int, int]:
        """Insert or overwrite closes on (date, symbol); returns (inserted, updated)."""
        inserted = updated = 0
        for day, symbol, close in rows:
            before = tx.upsert("history", {"date": day.isoformat(), "symbol": symbol, "close": float(close)})
            if before is None:
                inserted += 1
            elif before["close"] != float(close):
                updated += 1
        return inserted, updated

    def history_close(self, symbol: str, day: date) -> float | None:
        found = self.conn.execute(
            "SELECT close FROM history WHERE symbol = ? AND date = ?", (symbol, day.isoformat())
        ).fetchone()
        return None if found is None else float(found[0])

    def vx_settlement_curves(self, start: date | None = None, end: date | None = None) -> dict[date, dict[date, float]]:
        """Stored VX settlement curves, {trade date: {expiry: settle in VIX points}} (for the backtest)."""
        return daily_values.vx_settlement_curves(self.conn, start, end)

    def history_symbols(self) -> list[str]:
        return [s for (s,) in self.conn.execute("SELECT DISTINCT symbol FROM history ORDER BY symbol")]

    def history_rows(
        self, symbols: Sequence[str] | None = None, start: date | None = None, end: date | None = None
    ) -> list[tuple[date, str, float]]:
        clauses: list[str] = []
        params: list[str] = []
        if symbols:
            clauses.append(f"symbol IN ({','.join('?' * len(symbols))})")
            params.extend(symbols)
        if start is not None:
            clauses.append("date >= ?")
            params.append(start.isoformat())
        if end is not None:
            clauses.append("date <= ?")
            params.append(end.isoformat())
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        query = f"SELECT date, symbol, close FROM history {where} ORDER BY date, symbol"
        return [(date.fromisoformat(d), s, c) for d, s, c in self.conn.execute(query, params)]

    def history_frame(
        self, symbols: Sequence[str] = HISTORY_SYMBOLS, start: date | None = None, end: date | None = None
    ) -> pd.DataFrame:
        """Daily closes as a DataFrame: DatetimeIndex "date", one float column per symbol (NaN if missing)."""
        import pandas as pd  # imported here: the CLI's start-up time does not pay for pandas

        rows = self.history_rows(symbols, start, end)
        frame = pd.DataFrame(rows, columns=["date", "symbol", "close"])
        frame["date"] = pd.to_datetime(frame["date"])
        wide = frame.pivot(index="date", columns="symbol", values="close").astype(float)
        wide = wide.reindex(columns=list(symbols))
        wide.columns.name = None
        return wide.sort_index()

    # -- events, signals, decisions -----------------------------------------------
    def events(self, start: date | None = None, end: date | None = None) -> list[Event]:
        where, params = daily_values.date_range_where(start, end)
        return [
            Event(date.fromisoformat(r["date"]), EventKind(r["kind"]), r["label"], r["id"])
            for r in self._rows(f"SELECT * FROM events {where} ORDER BY date, id", params)
        ]

    def add_event(self, tx: Change, event: Event) -> Event:
        row: dict[str, str | int] = {"date": event.date.isoformat(), "kind": str(EventKind(event.kind)),
                                     "label": event.label}
        if event.id is not None:
            row["id"] = event.id
        event_id = tx.insert("events", row)
        return Event(event.date, EventKind(event.kind), event.label, event_id)

    def delete_event(self, tx: Change, event_id: int) -> bool:
        return tx.delete("events", (event_id,)) is not None

    def signals(self) -> list[Signal]:
        return [
            Signal(r["name"], r["value"], r["note"], datetime.fromisoformat(r["updated"]))
            for r in self._rows("SELECT * FROM signals ORDER BY name")
        ]

    def set_signal(self, tx: Change, signal: Signal) -> Signal:
        updated = signal.updated or datetime.now(UTC)
        tx.upsert(
            "signals",
            {"name": signal.name, "value": signal.value, "note": signal.note, "updated": moment_text(updated)},
        )
        return Signal(signal.name, signal.value, signal.note, updated)

    def delete_signal(self, tx: Change, name: str) -> bool:
        return tx.delete("signals", (name,)) is not None

    def decisions(self, suggestion_id: str | None = None) -> list[Decision]:
        where, params = ("WHERE suggestion_id = ?", [suggestion_id]) if suggestion_id is not None else ("", [])
        return [
            Decision(
                suggestion_id=r["suggestion_id"],
                rule=r["rule"],
                action=r["action"],
                decision=DecisionKind(r["decision"]),
                decided_at=datetime.fromisoformat(r["decided_at"]),
                reason=r["reason"],
                until=None if r["until"] is None else datetime.fromisoformat(r["until"]),
                figures=json.loads(r["figures"]),
                id=r["id"],
            )
            for r in self._rows(f"SELECT * FROM decisions {where} ORDER BY decided_at, id", params)
        ]

    def record_decision(self, tx: Change, decision: Decision) -> Decision:
        row = {
            "suggestion_id": decision.suggestion_id,
            "rule": decision.rule,
            "action": decision.action,
            "decision": str(DecisionKind(decision.decision)),
            "reason": decision.reason,
            "until": None if decision.until is None else moment_text(decision.until),
            "figures": json.dumps(decision.figures, allow_nan=False, default=str),
            "decided_at": moment_text(decision.decided_at),
        }
        return replace(decision, id=tx.insert("decisions", row))

    # -- journal -----------------------------------------------------------------
    def undo(self) -> JournalEntry:
        """Undo this program's newest change (see journal.py)."""
        self._prepare_write()
        entry = journal.undo(self.conn, self.origin)
        self._notify(entry)
        return entry

    def redo(self) -> JournalEntry:
        self._prepare_write()
        entry = journal.redo(self.conn, self.origin)
        self._notify(entry)
        return entry

    def journal(self, limit: int = 50, own: bool = False) -> list[JournalEntry]:
        """Newest first; ``own``: only this program's entries (its undo and redo stacks)."""
        return journal.journal_entries(self.conn, limit, self.origin if own else None)


def _snapshot_filter(base: str, moment: datetime, future_expiry: date | None) -> tuple[str, list[Any]]:
    params: list[Any] = [moment_text(moment)]
    where = f"WHERE {base}"
    if future_expiry is not None:
        where += " AND EXISTS (SELECT 1 FROM snapshot_futures f WHERE f.snapshot_id = snapshots.id AND f.expiry = ?)"
        params.append(future_expiry.isoformat())
    return where, params
