"""Open a book for what it is: regular files only, read-only books read, damaged or foreign ones refused
untouched, a full disk said as such, and a refusal leaves no trace.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_runner import runner_at

from planner.cli import run

NOW = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
CONDOR = ["condor", "add", "--expiry", "2026-12-22", "--strikes", "5400,5450,6300,6350", "--qty", "10",
          "--credit", "4.5"]
MARKET = ["market", "set", "--spx", "5900", "--vix", "16.5"]
cli = runner_at(NOW)


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def backup(tmp_path_factory) -> Path:
    """A book as `planner backup` writes it: one file, rollback-journal mode."""
    folder = tmp_path_factory.mktemp("source")
    for argv in (MARKET, CONDOR):
        code, _, err = cli(*argv, "--db", str(folder / "book.db"))
        assert code == 0, err
    code, _, err = cli("backup", "--out", str(folder / "backup.db"), "--db", str(folder / "book.db"))
    assert code == 0, err
    return folder / "backup.db"


def copy_to(backup: Path, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    target = folder / "book.db"
    shutil.copyfile(backup, target)
    return target


def test_reading_a_backup_never_rewrites_it(backup, tmp_path):
    book = copy_to(backup, tmp_path / "b")
    before = folder_state(book.parent)
    for argv in (["list", "--all"], ["export", "--all"], ["risk"], ["settings"]):
        code, _, err = cli(*argv, "--db", str(book))
        assert code == 0, (argv, err)
    assert folder_state(book.parent) == before  # no switch to WAL, no -wal or -shm left


def test_a_read_only_book_opens_for_reading_and_refuses_changes(backup, tmp_path):
    book = copy_to(backup, tmp_path / "ro")
    book.chmod(0o444)
    before = folder_state(book.parent)
    for argv in (["list", "--all"], ["export", "--all"], ["risk"]):
        code, _, err = cli(*argv, "--db", str(book))
        assert code == 0, (argv, err)
    code, _, err = cli(*CONDOR, "--db", str(book))
    assert code == 2 and "read-only" in err and err.count("\n") == 1, err
    assert folder_state(book.parent) == before


def test_a_pipe_as_the_book_is_refused_at_once(tmp_path):
    fifo = tmp_path / "book.db"
    os.mkfifo(fifo)
    proc = subprocess.run([sys.executable, "-m", "planner", "list", "--db", str(fifo)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and "must be a regular file" in proc.stderr, proc.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode) and sorted(p.name for p in tmp_path.iterdir()) == ["book.db"]


def test_an_empty_db_name_is_refused_not_the_default_book(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_DB", str(tmp_path / "default.db"))
    code, _, err = cli("list", "--db", "")
    assert code == 2 and err == "error: db must be a file name, got an empty name\n"
    assert not (tmp_path / "default.db").exists()


def test_a_damaged_book_is_refused_before_any_write(backup, tmp_path):
    book = copy_to(backup, tmp_path / "damaged")
    data = bytearray(book.read_bytes())
    page = 4096
    assert len(data) > 3 * page
    data[2 * page + 8: 3 * page] = b"\xa5" * (page - 8)  # a table page's cells overwritten
    book.write_bytes(bytes(data))
    before = folder_state(book.parent)
    for argv in (CONDOR, ["undo"]):
        code, _, err = cli(*argv, "--db", str(book))
        assert code in (1, 2) and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert folder_state(book.parent) == before


def test_a_foreign_sqlite_file_with_a_version_is_refused_untouched(tmp_path):
    book = tmp_path / "other.db"
    conn = sqlite3.connect(book)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    before = folder_state(tmp_path)
    code, _, err = cli("list", "--db", str(book))
    assert code == 2 and "must be a planner database" in err, err
    assert folder_state(tmp_path) == before


def test_a_refused_command_on_a_new_path_leaves_no_file(tmp_path):
    code, _, err = cli(*CONDOR[:-1], "-1", "--db", str(tmp_path / "new.db"))
    assert code == 2, err
    assert list(tmp_path.iterdir()) == []
    code, _, err = cli(*CONDOR, "--db", str(tmp_path / "new.db"))
    assert code == 0 and (tmp_path / "new.db").exists()


def test_a_full_disk_is_reported_as_a_full_disk(backup, tmp_path, monkeypatch):
    """SQLITE_FULL, as a full disk gives it, forced by capping the file at its current size."""
    from planner.storage import connection, repository

    book = copy_to(backup, tmp_path / "full")
    real = connection.prepare_write

    def capped(conn):
        real(conn)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(repository, "prepare_write", capped)
    code, _, err = cli("import", str(Path(__file__)), "--db", str(book))  # refused: not a positions CSV
    assert code == 2
    rows = [*CONDOR[:-1], "4.5", "--note", "x" * 1999]
    for _ in range(20):
        code, _, err = cli(*rows, "--db", str(book))
        if code:
            break
    assert code == 1 and "the disk is full" in err and err.count("\n") == 1, err


def test_a_refused_suggestion_id_settles_nothing(tmp_path):
    """Refusals leave the book byte-identical, even when a listing would first settle an expired layer."""
    db = str(tmp_path / "book.db")
    earlier = datetime(2026, 11, 10, 17, 0, tzinfo=UTC)
    for argv in (MARKET, ["layer", "add", "--tier", "near", "--kind", "vix-call", "--expiry", "2026-11-18",
                          "--strikes", "20", "--qty", "5", "--price", "0.5"]):
        assert run([*argv, "--db", db], io.StringIO(), err := io.StringIO(), clock=lambda: earlier) == 0, \
            err.getvalue()
    Path(db + "-wal").unlink(missing_ok=True)
    before = folder_state(tmp_path)
    for argv in (["suggest", "dismiss", "nosuchid"], ["suggest", "snooze", "nosuchid", "--until", "2026-12-01"],
                 ["suggest", "accept", "nosuchid", "--price", "1"], ["suggest", "accept", "x", "--price", "-1"]):
        code, _, err = cli(*argv, "--db", db)
        assert code == 2, err
        assert folder_state(tmp_path) == before, argv
    code, out, err = cli("list", "--all", "--db", db)  # the listing itself settles it, as before
    assert code == 0 and "expired" in out, (out, err)
