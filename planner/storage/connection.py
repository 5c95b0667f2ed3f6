"""Opening the SQLite file: refuse what is not ours, then set the pragmas.

A file that is not a SQLite database is refused *before* SQLite touches it, so
a mistyped ``--db notes.txt`` leaves the file byte-identical.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from planner.domain.errors import InputError

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000
MEMORY = ":memory:"


def check_database_file(path: str | os.PathLike) -> bool:
    """Raise InputError unless ``path`` is missing, empty or a SQLite file; True when it exists.

    Only regular files: a pipe would hang the open, a device (/dev/null) would get a
    ``-journal`` file created beside it. ``stat`` never blocks, so this is checked first.

    >>> import tempfile
    >>> check_database_file(Path(tempfile.mkdtemp()) / "new.db")
    False
    >>> check_database_file("/nonexistent-folder/planner.db")
    Traceback (most recent call last):
    planner.domain.errors.InputError: db must be in an existing folder, got /nonexistent-folder/planner.db
    """
    if not str(path).strip():
        raise InputError("db", "must be a file name", "an empty name")
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        if not path.parent.exists():
            raise InputError("db", "must be in an existing folder", str(path)) from None
        return False
    except OSError as exc:
        raise InputError("db", f"must be a readable file ({exc.strerror})", str(path)) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("db", "must be a file, not a folder", str(path))
    if not stat.S_ISREG(info.st_mode):
        raise InputError("db", "must be a regular file (not a device, pipe or socket)", str(path))
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise InputError("db", f"must be a readable file ({exc.strerror})", str(path)) from None
    if header and header != SQLITE_HEADER:
        rule = "must be a planner database (SQLite), not another kind of file (left untouched)"
        raise InputError("db", rule, str(path))
    return True


def is_read_only_file(path: Path) -> bool:
    """The book can only be read: a read-only file (by its mode bits, which even root respects
    here: the user marked it so) or mount, or a folder where SQLite could not keep its -wal file."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return True
    folder = path.parent if str(path.parent) else Path(".")
    return not os.access(path, os.W_OK) or not os.access(folder, os.W_OK | os.X_OK)


def connect(path: str | os.PathLike, read_only: bool = False) -> sqlite3.Connection:
    """A connection to ``path`` (or ":memory:"), without pragmas yet.

    ``isolation_level=None``: the driver never opens a transaction behind our
    back; every write goes through an explicit BEGIN IMMEDIATE (see journal.py).
    ``read_only``: opened with ``mode=ro``, so nothing, not even the journal mode,
    is ever written; on a read-only mount without the -shm file SQLite needs
    ``immutable=1`` to read a WAL book.
    """
    target = str(path)
    if target != MEMORY:
        check_database_file(target)
    attempts = [target] if not read_only else [_uri(target, "mode=ro"), _uri(target, "immutable=1")]
    for attempt, name in enumerate(attempts):
        conn = sqlite3.connect(name, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False,
                               uri=read_only)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # The header check cannot see a truncated or corrupt file; this read can.
            conn.execute("PRAGMA schema_version").fetchone()
            if read_only:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            conn.close()
            if attempt + 1 < len(attempts):
                continue
            raise  # a full disk or an I/O error is no bad file: the CLI says so with exit 1
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise InputError("db", f"must be a readable SQLite database ({exc})", target) from None
    raise AssertionError("unreachable")


def _uri(path: str, option: str) -> str:
    return f"{Path(path).resolve().as_uri()}?{option}"


def apply_pragmas(conn: sqlite3.Connection) -> None:
    """Enforced foreign keys and full sync (connection settings: nothing is written to the file).

    synchronous=FULL: a trader must never lose an acknowledged trade, even on
    power loss; the cost is one fsync per commit, invisible at human pace.
    The switch to WAL writes the file's header, so it waits for the first write
    (``prepare_write``): reading a backup never rewrites it.
    """
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")


def prepare_write(conn: sqlite3.Connection) -> None:
    """Before a connection's first write: refuse a damaged book, then switch to WAL
    (readers never block the writer). Outside any transaction (WAL cannot switch inside one)."""
    if is_memory(conn):
        return
    problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
    if problems != ["ok"]:
        raise InputError("db", "must be an undamaged database (restore a backup; nothing was written)",
                         "; ".join(problems)[:300])
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    if mode.lower() != "wal":
        conn.execute("PRAGMA journal_mode = WAL")


def is_memory(conn: sqlite3.Connection) -> bool:
    row = conn.execute("PRAGMA database_list").fetchone()
    return not row or not row[2]


def database_path(conn: sqlite3.Connection) -> Path | None:
    row = conn.execute("PRAGMA database_list").fetchone()
    return Path(row[2]) if row and row[2] else None
