"""A consistent copy of the database while the app may be writing to it.

The sqlite3 backup API copies pages under SQLite's own locking, so the copy is
one committed state even with WAL and a concurrent writer. The copy goes to a
temporary file first and is renamed into place once complete.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from planner.domain.errors import InputError
from planner.storage.connection import database_path
from planner.storage.csvfile import fsync_folder


def backup_database(conn: sqlite3.Connection, out: str | os.PathLike) -> Path:
    """Copy the database of ``conn`` to ``out`` (a single self-contained file); returns the path."""
    target = Path(out).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("out", "must be in an existing folder", str(target))
    if target.is_dir():
        raise InputError("out", "must be a file name, not a folder", str(target))
    source = database_path(conn)
    if source is not None and target.exists() and target.resolve() == source.resolve():
        raise InputError("out", "must differ from the database being backed up", str(target))
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        copy = sqlite3.connect(temp_name)
        try:
            conn.backup(copy)
            # One file, no -wal sidecar: the copy must be complete on its own.
            copy.execute("PRAGMA journal_mode = DELETE")
            ok = copy.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            copy.close()
        if ok != "ok":
            raise sqlite3.DatabaseError(f"backup copy failed its check: {ok}")
        with open(temp_name, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    fsync_folder(folder)
    return target
