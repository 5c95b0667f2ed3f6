"""A consistent copy of the database while the app may be writing to it.

The sqlite3 backup API copies pages under SQLite's own locking, so the copy is
one committed state even with WAL and a concurrent writer. The copy is written
through ``output_file.atomic_output``: to a temporary file renamed into place
once complete, never over the book or its sidecar files.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from planner.storage.connection import database_path
from planner.storage.output_file import atomic_output, check_output


def backup_database(conn: sqlite3.Connection, out: str | os.PathLike) -> Path:
    """Copy the database of ``conn`` to ``out`` (a single self-contained file); returns the path."""
    source = database_path(conn)
    target = check_output(out, source)
    with atomic_output(target, source) as temp:
        # The temporary exists empty; sqlite3 takes an empty file as a new database.
        copy = sqlite3.connect(str(temp))
        try:
            conn.backup(copy)
            # One file, no -wal sidecar: the copy must be complete on its own.
            copy.execute("PRAGMA journal_mode = DELETE")
            ok = copy.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            copy.close()
        if ok != "ok":
            raise sqlite3.DatabaseError(f"backup copy failed its check: {ok}")
    return target
