"""Every change to the store, with before/after row images, for undo and redo.

A ``Change`` is one user action: one BEGIN IMMEDIATE transaction and one
journal entry holding the before and after image (JSON) of every row it
touched. Undo writes the before images back in reverse order, redo the after
images in order. A new change after an undo drops the undone tail, like any
editor's undo stack.

Each entry records which program made it (``origin``: "cli", or "window:<id>"
for one open window). Undo and redo walk only the caller's own entries, and an
undo that another program's later change depends on (the same row, or the same
position: a layer linked to the condor being removed) is refused naming that
change. Quotes are stored without an entry (``journaled=False``): they are not
the user's changes, so they are never undone, never clear the redo stack and
never push a trade out of undo's reach.

BEGIN IMMEDIATE takes the write lock up front, so two processes writing at
once queue on the busy timeout instead of failing half-way with SQLITE_BUSY.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from planner.domain.errors import StateError

# Primary key columns of every journaled table.
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "settings": ("key",),
    "positions": ("id",),
    "legs": ("id",),
    "protects": ("layer_id", "condor_id"),
    "snapshots": ("id",),
    "snapshot_futures": ("snapshot_id", "expiry"),
    "history": ("date", "symbol"),
    "settlement_values": ("date", "symbol"),
    "vx_settlements": ("date", "expiry"),
    "events": ("id",),
    "signals": ("name",),
    "decisions": ("id",),
}
# Tables of daily values whose key starts with the date: a change to one may change a settlement.
DAILY_VALUE_TABLES = frozenset({"history", "settlement_values"})
# Undo depth kept; older entries are pruned when a new change is recorded.
MAX_ENTRIES = 1000
CLI_ORIGIN = "cli"
# Quotes, whichever change stores them (a feed, a typed quote, the demo book): never undone.
QUOTE_TABLES = frozenset({"snapshots", "snapshot_futures"})

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One recorded change: what it was called, when, and the positions it touched."""

    id: int
    label: str
    created_at: str
    position_ids: tuple[int, ...]
    undone: bool
    row_count: int = 0
    tables: tuple[str, ...] = ()
    days: tuple[str, ...] = ()  # ISO dates of the daily values (history, settlement values) it touched
    origin: str = CLI_ORIGIN


def origin_name(origin: str) -> str:
    """Who made a change, in words.

    >>> origin_name("cli"), origin_name("window:1f2e")
    ('the command line', 'a planner window')
    """
    if origin == CLI_ORIGIN:
        return "the command line"
    return "a planner window" if origin.startswith("window") else origin


@dataclass(slots=True)
class RowChange:
    table: str
    key: tuple
    before: Row | None
    after: Row | None


@dataclass
class Change:
    """One transaction + one journal entry. Use as a context manager.

    Writes go through insert/update/delete/upsert so that each row's before
    and after image is recorded; reads may use ``conn`` freely inside the block.
    ``journaled=False``: one transaction that is not an undo step (a value
    derived from others, such as a settlement); listeners still hear of it.
    """

    conn: sqlite3.Connection
    label: str
    on_commit: Callable[[Change], None] | None = None
    journaled: bool = True
    origin: str = CLI_ORIGIN
    rows: list[RowChange] = field(default_factory=list)
    entry: JournalEntry | None = None
    touched_tables: set[str] = field(default_factory=set)

    def __enter__(self) -> Change:
        if self.conn.in_transaction:
            raise RuntimeError("a change is already in progress on this connection")
        self.conn.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            return
        try:
            if self.rows:
                undoable = [r for r in self.rows if r.table not in QUOTE_TABLES] if self.journaled else []
                self.entry = (
                    replace(record_entry(self.conn, self.label, undoable, self.origin),
                            tables=tuple(sorted(self.touched_tables)),
                            days=touched_days((r.table, r.key) for r in self.rows))
                    if undoable else unjournaled_entry(self.label, self.rows, self.origin)
                )
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        if self.on_commit is not None and self.rows:
            self.on_commit(self)

    # -- writes ---------------------------------------------------------
    def insert(self, table: str, row: Mapping[str, Any]) -> int:
        """Insert a full row; returns its rowid (the new id for integer keys)."""
        row = dict(row)
        columns = list(row)
        cursor = self.conn.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [row[c] for c in columns],
        )
        keys = TABLE_KEYS[table]
        if keys == ("id",) and row.get("id") is None:
            row["id"] = cursor.lastrowid
        self._record(table, tuple(row[k] for k in keys), None, row)
        return int(cursor.lastrowid or 0)

    def update(self, table: str, key: tuple, changes: Mapping[str, Any]) -> Row:
        before = self.fetch(table, key)
        if before is None:
            raise StateError(f"{table} row {key} does not exist")
        changes = {c: v for c, v in changes.items() if before.get(c) != v or type(before.get(c)) is not type(v)}
        if not changes:
            return before
        keys = TABLE_KEYS[table]
        self.conn.execute(
            f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in changes)} WHERE {where_key(keys)}",
            [*changes.values(), *key],
        )
        after = {**before, **changes}
        self._record(table, key, before, after)
        return after

    def delete(self, table: str, key: tuple) -> Row | None:
        before = self.fetch(table, key)
        if before is None:
            return None
        self.conn.execute(f"DELETE FROM {table} WHERE {where_key(TABLE_KEYS[table])}", list(key))
        self._record(table, key, before, None)
        return before

    def upsert(self, table: str, row: Mapping[str, Any]) -> Row | None:
        """Insert or replace the row with this key; returns the before image."""
        keys = TABLE_KEYS[table]
        key = tuple(row[k] for k in keys)
        before = self.fetch(table, key)
        write_image(self.conn, table, key, dict(row))
        after = {**(before or {}), **row}
        if before != after:
            self._record(table, key, before, after)
        return before

    def fetch(self, table: str, key: tuple) -> Row | None:
        cursor = self.conn.execute(f"SELECT * FROM {table} WHERE {where_key(TABLE_KEYS[table])}", list(key))
        found = cursor.fetchone()
        if found is None:
            return None
        return dict(zip([d[0] for d in cursor.description], found, strict=True))

    def _record(self, table: str, key: tuple, before: Row | None, after: Row | None) -> None:
        self.touched_tables.add(table)
        self.rows.append(RowChange(table, key, before, after))


def where_key(keys: Iterable[str]) -> str:
    return " AND ".join(f"{k} = ?" for k in keys)


def write_image(conn: sqlite3.Connection, table: str, key: tuple, image: Row | None) -> None:
    """Make the row with ``key`` equal ``image`` (None deletes it).

    An UPSERT, not INSERT OR REPLACE: REPLACE deletes the old row first, which
    foreign keys pointing at it would refuse.
    """
    keys = TABLE_KEYS[table]
    if image is None:
        conn.execute(f"DELETE FROM {table} WHERE {where_key(keys)}", list(key))
        return
    columns = list(image)
    others = [c for c in columns if c not in keys]
    action = f"DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in others)}" if others else "DO NOTHING"
    conn.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT ({', '.join(keys)}) {action}",
        [image[c] for c in columns],
    )


def touched_position_ids(rows: Iterable[RowChange]) -> tuple[int, ...]:
    ids: set[int] = set()
    for change in rows:
        for image in (change.before, change.after):
            if not image:
                continue
            if change.table == "positions":
                ids.add(image["id"])
            elif change.table == "legs":
                ids.add(image["position_id"])
            elif change.table == "protects":
                ids.update((image["layer_id"], image["condor_id"]))
    return tuple(sorted(i for i in ids if i is not None))


def record_entry(conn: sqlite3.Connection, label: str, rows: list[RowChange],
                 origin: str = CLI_ORIGIN) -> JournalEntry:
    # A new change after an undo makes this program's undone changes unreachable (not another's).
    conn.execute("DELETE FROM journal WHERE undone = 1 AND origin = ?", (origin,))
    created = datetime.now(UTC).isoformat(timespec="microseconds")
    position_ids = touched_position_ids(rows)
    cursor = conn.execute(
        "INSERT INTO journal (created_at, label, position_ids, undone, origin) VALUES (?, ?, ?, 0, ?)",
        (created, label, json.dumps(position_ids), origin),
    )
    entry_id = int(cursor.lastrowid or 0)
    conn.executemany(
        "INSERT INTO journal_rows (entry_id, seq, table_name, row_key, before, after) VALUES (?, ?, ?, ?, ?, ?)",
        (
            (entry_id, seq, r.table, json.dumps(r.key), dump_image(r.before), dump_image(r.after))
            for seq, r in enumerate(rows)
        ),
    )
    conn.execute("DELETE FROM journal WHERE id <= ?", (entry_id - MAX_ENTRIES,))
    tables = tuple(sorted({r.table for r in rows}))
    return JournalEntry(entry_id, label, created, position_ids, False, len(rows), tables,
                        touched_days((r.table, r.key) for r in rows), origin)


def touched_days(table_keys: Iterable[tuple[str, Any]]) -> tuple[str, ...]:
    """The dates of the daily values among (table, key) pairs: their keys start with the date."""
    return tuple(sorted({key[0] for table, key in table_keys if table in DAILY_VALUE_TABLES}))


def unjournaled_entry(label: str, rows: list[RowChange], origin: str = CLI_ORIGIN) -> JournalEntry:
    """What listeners hear of a change that is not an undo step (id 0: not in the journal)."""
    created = datetime.now(UTC).isoformat(timespec="microseconds")
    tables = tuple(sorted({r.table for r in rows}))
    return JournalEntry(0, label, created, touched_position_ids(rows), False, len(rows), tables,
                        touched_days((r.table, r.key) for r in rows), origin)


def dump_image(image: Row | None) -> str | None:
    # allow_nan=False: a NaN must never reach the journal (CHECKs keep it out of tables).
    return None if image is None else json.dumps(image, allow_nan=False)


def undo(conn: sqlite3.Connection, origin: str = CLI_ORIGIN) -> JournalEntry:
    """Revert ``origin``'s newest change not yet undone; StateError when there is none,
    or when another program's later change depends on it."""
    return _walk(conn, undo=True, origin=origin)


def redo(conn: sqlite3.Connection, origin: str = CLI_ORIGIN) -> JournalEntry:
    """Re-apply ``origin``'s oldest undone change; StateError when there is none."""
    return _walk(conn, undo=False, origin=origin)


def _walk(conn: sqlite3.Connection, undo: bool, origin: str) -> JournalEntry:
    conn.execute("BEGIN IMMEDIATE")
    try:
        query = (
            "SELECT id, label, created_at, position_ids FROM journal WHERE undone = 0 AND origin = ? "
            "ORDER BY id DESC LIMIT 1"
            if undo
            else "SELECT id, label, created_at, position_ids FROM journal WHERE undone = 1 AND origin = ? "
            "ORDER BY id ASC LIMIT 1"
        )
        found = conn.execute(query, (origin,)).fetchone()
        if found is None:
            verb = "undo" if undo else "redo"
            raise StateError(f"{verb} needs a recorded change made by {origin_name(origin)} to {verb}, got none")
        entry_id, label, created, position_ids = found
        order = "DESC" if undo else "ASC"
        rows = conn.execute(
            f"SELECT table_name, row_key, before, after FROM journal_rows WHERE entry_id = ? ORDER BY seq {order}",
            (entry_id,),
        ).fetchall()
        conflict = later_conflict(conn, entry_id, origin, {(t, k) for t, k, _, _ in rows}, json.loads(position_ids))
        if conflict is not None:
            other_id, other_label, other_created, other_origin = conflict
            verb = "undo" if undo else "redo"
            raise StateError(
                f"{verb} of '{label}' refused: {origin_name(other_origin)} changed the same positions later "
                f"('{other_label}', change {other_id} at {_shown_time(other_created)}); "
                f"undo that there first"
            )
        for table, key, before, after in rows:
            image = before if undo else after
            write_image(conn, table, tuple(json.loads(key)), None if image is None else json.loads(image))
        conn.execute("UPDATE journal SET undone = ? WHERE id = ?", (1 if undo else 0, entry_id))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    tables = tuple(sorted({table for table, *_ in rows}))
    days = touched_days((table, json.loads(key)) for table, key, *_ in rows)
    return JournalEntry(entry_id, label, created, tuple(json.loads(position_ids)), undo, len(rows), tables, days,
                        origin)


def later_conflict(conn: sqlite3.Connection, entry_id: int, origin: str, keys: set[tuple[str, str]],
                   position_ids: list[int]) -> tuple[int, str, str, str] | None:
    """The oldest change by another program, made after ``entry_id`` and still in force, that
    touched one of the same rows or the same positions; None when there is none."""
    later = conn.execute(
        "SELECT id, label, created_at, origin, position_ids FROM journal "
        "WHERE id > ? AND undone = 0 AND origin <> ? ORDER BY id",
        (entry_id, origin),
    ).fetchall()
    positions = set(position_ids)
    for other_id, other_label, other_created, other_origin, other_positions in later:
        if positions & set(json.loads(other_positions)):
            return other_id, other_label, other_created, other_origin
        touched = conn.execute("SELECT table_name, row_key FROM journal_rows WHERE entry_id = ?", (other_id,))
        if any((table, key) in keys for table, key in touched):
            return other_id, other_label, other_created, other_origin
    return None


def _shown_time(created: str) -> str:
    """A journal time as the trader reads it: New York time to the second."""
    from zoneinfo import ZoneInfo

    try:
        moment = datetime.fromisoformat(created)
    except ValueError:
        return created
    return moment.astimezone(ZoneInfo("America/New_York")).strftime("%Y-%m-%d %H:%M:%S ET")


def shown_time(entry: JournalEntry) -> str:
    return _shown_time(entry.created_at)


def journal_entries(conn: sqlite3.Connection, limit: int = 50, origin: str | None = None) -> list[JournalEntry]:
    """Newest first, undone ones included (they are the redo stack); ``origin``: one program's only."""
    where, params = ("WHERE j.origin = ?", (origin, limit)) if origin is not None else ("", (limit,))
    rows = conn.execute(
        "SELECT j.id, j.label, j.created_at, j.position_ids, j.undone, "
        "(SELECT count(*) FROM journal_rows r WHERE r.entry_id = j.id), j.origin "
        f"FROM journal j {where} ORDER BY j.id DESC LIMIT ?",
        params,
    ).fetchall()
    return [JournalEntry(i, lab, c, tuple(json.loads(p)), bool(u), n, (), (), o) for i, lab, c, p, u, n, o in rows]
