"""Opening the SQLite file: refuse what is not ours, then set the pragmas.

A file that is not a SQLite database is refused *before* SQLite touches it, so
a mistyped ``--db notes.txt`` leaves the file byte-identical.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from planner.domain.errors import InputError

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000
MEMORY = ":memory:"


def check_database_file(path: str | os.PathLike) -> None:
    """Raise InputError unless ``path`` is missing, empty or a SQLite file.

    >>> import tempfile
    >>> check_database_file(Path(tempfile.mkdtemp()) / "new.db") is None
    True
    >>> check_database_file("/nonexistent-folder/planner.db")
    Traceback (most recent call last):
    planner.domain.errors.InputError: db must be in an existing folder, got /nonexistent-folder/planner.db
    """
    path = Path(path)
    if not path.exists():
        if not path.parent.exists():
            raise InputError("db", "must be in an existing folder", str(path))
        return
    if path.is_dir():
        raise InputError("db", "must be a file, not a folder", str(path))
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise InputError("db", f"must be a readable file ({exc.strerror})", str(path)) from None
    if header and header != SQLITE_HEADER:
        rule = "must be a planner database (SQLite), not another kind of file (left untouched)"
        raise InputError("db", rule, str(path))


def connect(path: str | os.PathLike) -> sqlite3.Connection:
    """A connection to ``path`` (or ":memory:"), without pragmas yet.

    ``isolation_level=None``: the driver never opens a transaction behind our
    back; every write goes through an explicit BEGIN IMMEDIATE (see journal.py).
    """
    target = str(path)
    if target != MEMORY:
        check_database_file(target)
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # The header check cannot see a truncated or corrupt file; this read can.
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise InputError("db", f"must be a readable SQLite database ({exc})", target) from None
    return conn


def apply_pragmas(conn: sqlite3.Connection) -> None:
    """WAL (readers never block the writer), enforced foreign keys, full sync.

    synchronous=FULL: a trader must never lose an acknowledged trade, even on
    power loss; the cost is one fsync per commit, invisible at human pace.
    """
    conn.execute("PRAGMA foreign_keys = ON")
    if not is_memory(conn):
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode.lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")


def is_memory(conn: sqlite3.Connection) -> bool:
    row = conn.execute("PRAGMA database_list").fetchone()
    return not row or not row[2]


def database_path(conn: sqlite3.Connection) -> Path | None:
    row = conn.execute("PRAGMA database_list").fetchone()
    return Path(row[2]) if row and row[2] else None
