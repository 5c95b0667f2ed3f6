"""Opening files: pragmas, refusals that leave files untouched, migrations with a backup."""

from __future__ import annotations

import sqlite3

import pytest

from planner.domain import InputError
from planner.storage import SCHEMA_VERSION, Repository, migrate, schema_version
from planner.storage.connection import connect
from planner.storage.schema import MIGRATIONS


def test_new_file_gets_schema_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "planner.db"
    with Repository.open(path) as repo:
        conn = repo.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert schema_version(repo.conn) == SCHEMA_VERSION
        assert {"positions", "legs", "snapshots", "history", "events", "signals", "decisions", "journal"} <= set(
            repo.db.table_names()
        )
    with Repository.open(path) as repo:  # reopening is a no-op migration
        assert schema_version(repo.conn) == SCHEMA_VERSION


def test_memory_database_for_tests():
    with Repository.open(":memory:") as repo:
        assert repo.load_book().positions == ()
        assert repo.path is None


@pytest.mark.parametrize(
    "content",
    [b"hello, this is my trading diary\n", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), b"SQLite format 2\x00 nope"],
)
def test_a_file_that_is_not_a_database_is_left_byte_identical(tmp_path, content):
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(InputError, match="must be a planner database"):
        Repository.open(path)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]  # no -wal / -shm either


def test_a_newer_schema_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "future.db"
    with Repository.open(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(InputError) as raised:
        Repository.open(path)
    assert f"schema version {SCHEMA_VERSION} or older" in str(raised.value)
    assert f"version {SCHEMA_VERSION + 5}" in str(raised.value)
    assert path.read_bytes() == before


def test_another_programs_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(InputError, match="holds other tables: recipes"):
        Repository.open(path)
    assert path.read_bytes() == before


def test_migrating_an_existing_file_writes_a_backup_first(tmp_path):
    path = tmp_path / "planner.db"
    with Repository.open(path) as repo, repo.change("note") as tx:
        repo.set_setting(tx, "equity", 250000)
    extra = (*MIGRATIONS, (SCHEMA_VERSION + 1, "test column", "ALTER TABLE signals ADD COLUMN unit TEXT;"))
    db = connect(path)
    try:
        assert migrate(db, extra) == SCHEMA_VERSION + 1
    finally:
        db.close()
    backups = list(tmp_path.glob(f"planner.db.v{SCHEMA_VERSION}-*.bak"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    assert copy.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert copy.execute("SELECT value FROM settings WHERE key = 'equity'").fetchone()[0] == "250000.0"
    copy.close()


def test_a_failed_migration_rolls_back_completely(tmp_path):
    path = tmp_path / "planner.db"
    with Repository.open(path):
        pass
    broken = (*MIGRATIONS, (SCHEMA_VERSION + 1, "broken", "CREATE TABLE ok (x);\nCREATE TABLE broken (;"))
    db = connect(path)
    try:
        with pytest.raises(sqlite3.OperationalError):
            migrate(db, broken)
        assert schema_version(db) == SCHEMA_VERSION
        assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'ok'").fetchone()[0] == 0
    finally:
        db.close()


def test_check_constraints_refuse_broken_rows():
    with Repository.open(":memory:") as repo:
        conn = repo.conn
        bad_rows = [
            "INSERT INTO positions (kind, status, quantity, open_price, opened_at) "
            "VALUES ('spread', 'open', 1, 1.0, '2026-11-20T15:00:00+00:00')",
            "INSERT INTO positions (kind, status, quantity, open_price, opened_at) "
            "VALUES ('condor', 'open', 0, 1.0, '2026-11-20T15:00:00+00:00')",
            "INSERT INTO positions (kind, status, quantity, open_price, opened_at) "
            "VALUES ('condor', 'closed', 1, 1.0, '2026-11-20T15:00:00+00:00')",  # closed without a price
            "INSERT INTO positions (kind, status, quantity, open_price, opened_at) "
            "VALUES ('condor', 'open', 1.5, 1.0, '2026-11-20T15:00:00+00:00')",
            "INSERT INTO snapshots (asof, spx, vix, rate, div_yield) "
            "VALUES ('2026-11-20T15:00:00+00:00', 5900, -1, 0, 0)",
            "INSERT INTO history (date, symbol, close) VALUES ('11/20/2026', 'VIX', 16)",
            "INSERT INTO events (date, kind) VALUES ('2026-12-09', 'ECB')",
            "INSERT INTO decisions (suggestion_id, rule, action, decision, decided_at) "
            "VALUES ('s', 'ladder', 'ADD', 'snooze', '2026-11-20')",  # snooze without until
        ]
        for sql in bad_rows:
            with pytest.raises(sqlite3.IntegrityError):
                conn.execute(sql)
        with pytest.raises(sqlite3.IntegrityError):  # a leg of a position that does not exist
            conn.execute(
                "INSERT INTO legs (position_id, seq, instrument, expiry, settlement, quantity, multiplier) "
                "VALUES (99, 0, 'vix-future', '2026-12-16', 'AM', 1, 1000)"
            )
