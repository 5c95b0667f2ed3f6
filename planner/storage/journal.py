"""Every change to the store, with before/after row images, for undo and redo.

A ``Change`` is one user action: one BEGIN IMMEDIATE transaction and one
journal entry holding the before and after image (JSON) of every row it
touched. Undo writes the before images back in reverse order, redo the after
images in order. A new change after an undo drops the undone tail, like any
editor's undo stack.

BEGIN IMMEDIATE takes the write lock up front, so two processes writing at
once queue on the busy timeout instead of failing half-way with SQLITE_BUSY.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
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
                self.entry = (record_entry(self.conn, self.label, self.rows) if self.journaled
                              else unjournaled_entry(self.label, self.rows))
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


def record_entry(conn: sqlite3.Connection, label: str, rows: list[RowChange]) -> JournalEntry:
    # A new change after an undo makes the undone changes unreachable.
    conn.execute("DELETE FROM journal WHERE undone = 1")
    created = datetime.now(UTC).isoformat(timespec="microseconds")
    position_ids = touched_position_ids(rows)
    cursor = conn.execute(
        "INSERT INTO journal (created_at, label, position_ids, undone) VALUES (?, ?, ?, 0)",
        (created, label, json.dumps(position_ids)),
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
                        touched_days((r.table, r.key) for r in rows))


def touched_days(table_keys: Iterable[tuple[str, Any]]) -> tuple[str, ...]:
    """The dates of the daily values among (table, key) pairs: their keys start with the date."""
    return tuple(sorted({key[0] for table, key in table_keys if table in DAILY_VALUE_TABLES}))


def unjournaled_entry(label: str, rows: list[RowChange]) -> JournalEntry:
    """What listeners hear of a change that is not an undo step (id 0: not in the journal)."""
    created = datetime.now(UTC).isoformat(timespec="microseconds")
    tables = tuple(sorted({r.table for r in rows}))
    return JournalEntry(0, label, created, touched_position_ids(rows), False, len(rows), tables,
                        touched_days((r.table, r.key) for r in rows))


def dump_image(image: Row | None) -> str | None:
    # allow_nan=False: a NaN must never reach the journal (CHECKs keep it out of tables).
    return None if image is None else json.dumps(image, allow_nan=False)


def undo(conn: sqlite3.Connection) -> JournalEntry:
    """Revert the newest change not yet undone; StateError when there is none."""
    return _walk(conn, undo=True)


def redo(conn: sqlite3.Connection) -> JournalEntry:
    """Re-apply the oldest undone change; StateError when there is none."""
    return _walk(conn, undo=False)


def _walk(conn: sqlite3.Connection, undo: bool) -> JournalEntry:
    conn.execute("BEGIN IMMEDIATE")
    try:
        query = (
            "SELECT id, label, created_at, position_ids FROM journal WHERE undone = 0 ORDER BY id DESC LIMIT 1"
            if undo
            else "SELECT id, label, created_at, position_ids FROM journal WHERE undone = 1 ORDER BY id ASC LIMIT 1"
        )
        found = conn.execute(query).fetchone()
        if found is None:
            verb = "undo" if undo else "redo"
            raise StateError(f"{verb} needs a recorded change to {verb}, got none")
        entry_id, label, created, position_ids = found
        order = "DESC" if undo else "ASC"
        rows = conn.execute(
            f"SELECT table_name, row_key, before, after FROM journal_rows WHERE entry_id = ? ORDER BY seq {order}",
            (entry_id,),
        ).fetchall()
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
    return JournalEntry(entry_id, label, created, tuple(json.loads(position_ids)), undo, len(rows), tables, days)


def journal_entries(conn: sqlite3.Connection, limit: int = 50) -> list[JournalEntry]:
    """Newest first, undone ones included (they are the redo stack)."""
    rows = conn.execute(
        "SELECT j.id, j.label, j.created_at, j.position_ids, j.undone, "
        "(SELECT count(*) FROM journal_rows r WHERE r.entry_id = j.id) "
        "FROM journal j ORDER BY j.id DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [JournalEntry(i, lab, c, tuple(json.loads(p)), bool(u), n) for i, lab, c, p, u, n in rows]
