"""Bring a database file to the schema this planner writes, or refuse it.

Refusals (InputError, so the CLI exits 2 and changes nothing):
- a schema version newer than the newest migration here (written by a newer planner);
- a SQLite file with tables but no version (some other program's database).
Before migrating a file that already holds data, a backup copy is written
next to it with the sqlite3 backup API.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from planner.domain.errors import InputError
from planner.storage.connection import database_path
from planner.storage.schema import MIGRATIONS

Migration = tuple[int, str, str]
PLANNER_TABLES = frozenset({"positions", "legs", "snapshots", "journal", "journal_rows"})


def latest_version(migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    return max(version for version, _, _ in migrations)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_openable(conn: sqlite3.Connection, migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    """Read-only checks run before any pragma or migration may write; returns the version."""
    version = schema_version(conn)
    newest = latest_version(migrations)
    where = str(database_path(conn) or ":memory:")
    if version > newest:
        raise InputError(
            "db",
            f"must have schema version {newest} or older (written by a newer planner; update the planner)",
            f"version {version} in {where}",
        )
    tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    if version == 0 and tables:
        raise InputError(
            "db", "must be a planner database (this SQLite file holds other tables: " + ", ".join(tables[:5]) + ")",
            where,
        )
    if version > 0 and not set(tables) >= PLANNER_TABLES:  # another program's file that sets user_version
        raise InputError("db", "must be a planner database (this SQLite file has a version but not the planner's "
                         "tables; left untouched)", where)
    return version


def migrate(conn: sqlite3.Connection, migrations: tuple[Migration, ...] = MIGRATIONS,
            prepare: Callable[[], None] | None = None) -> int:
    """Apply every migration newer than the file's version; returns the new version.
    ``prepare`` runs first when there is something to write (the store's damage check and WAL switch)."""
    current = check_openable(conn, migrations)
    newest = latest_version(migrations)
    if current == newest:
        return current
    if prepare is not None:
        prepare()
    path = database_path(conn)
    if current > 0 and path is not None:
        backup_before_migration(conn, path, current)
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated while we waited for the write lock.
        current = check_openable(conn, migrations)
        for version, _description, sql in sorted(migrations):
            if version <= current:
                continue
            for statement in split_statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {int(version)}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return schema_version(conn)


def backup_before_migration(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.v{version}-{stamp}.bak")
    copy = sqlite3.connect(str(target))
    try:
        conn.backup(copy)
    finally:
        copy.close()
    return target


def split_statements(sql: str) -> list[str]:
    """Split a script into statements (executescript() would COMMIT our transaction).

    >>> split_statements("CREATE TABLE a (x);\\n-- note\\nCREATE TABLE b (y);")
    ['CREATE TABLE a (x);', '-- note\\nCREATE TABLE b (y);']
    """
    statements, pending = [], ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip() and not all(ln.strip().startswith("--") or not ln.strip() for ln in pending.splitlines()):
        statements.append(pending.strip())
    return statements
