"""Output files: no output path can be the book, and outputs behave like files a user owns.

`planner export --out book.db --db book.db` once replaced the database with the CSV (exit 0).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_runner import runner_at

NOW = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
CONDOR = ["condor", "add", "--expiry", "2026-12-22", "--strikes", "5400,5450,6300,6350", "--qty", "10",
          "--credit", "4.5"]
cli = runner_at(NOW)


@pytest.fixture
def book(tmp_path) -> Path:
    path = tmp_path / "book.db"
    code, _, err = cli(*CONDOR, "--db", str(path))
    assert code == 0, err
    return path


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("command", ["export", "backup"])
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_no_output_can_be_the_book_or_its_sidecars(book, command, suffix):
    before = files_of(book.parent)
    target = str(book) + suffix
    code, out, err = cli(command, "--out", target, "--db", str(book))
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and "must not be the book" in err, err
    assert files_of(book.parent) == before


@pytest.mark.parametrize("command", ["export", "backup"])
def test_no_output_can_be_a_link_to_the_book(book, command):
    (book.parent / "link.csv").symlink_to(book)
    os.link(book, book.parent / "hard.csv")
    before = files_of(book.parent)
    for name in ("link.csv", "hard.csv"):
        code, _, err = cli(command, "--out", str(book.parent / name), "--db", str(book))
        assert code == 2 and "must not be the book" in err, err
    assert files_of(book.parent) == before
    assert (book.parent / "link.csv").is_symlink()


def test_export_keeps_the_mode_of_the_file_it_replaces(book, tmp_path):
    target = tmp_path / "report.csv"
    target.write_text("old\n")
    target.chmod(0o644)
    code, _, err = cli("export", "--out", str(target), "--db", str(book))
    assert code == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert target.read_text().startswith("position_id,")


def test_a_new_output_follows_the_umask(book, tmp_path):
    old = os.umask(0o022)
    try:
        for command, name in (("export", "new.csv"), ("backup", "new.db")):
            code, _, err = cli(command, "--out", str(tmp_path / name), "--db", str(book))
            assert code == 0, err
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name
    finally:
        os.umask(old)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
@pytest.mark.parametrize("command", ["export", "backup"])
def test_a_read_only_target_is_refused_and_kept(book, tmp_path, command):
    target = tmp_path / "kept.out"
    target.write_text("precious\n")
    target.chmod(0o444)
    code, _, err = cli(command, "--out", str(target), "--db", str(book))
    assert code == 2 and "read-only" in err, err
    assert target.read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_read_only_target_is_refused_even_for_root(book, tmp_path):
    """The mode bits say the user meant to keep the file, whoever runs the planner."""
    target = tmp_path / "kept.csv"
    target.write_text("precious\n")
    target.chmod(0o444)
    code, _, err = cli("export", "--out", str(target), "--db", str(book))
    assert code == 2 and "read-only" in err, err
    assert target.read_text() == "precious\n"


def test_a_pipe_or_folder_is_not_an_output(book, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for target in (fifo, tmp_path):
        code, _, err = cli("export", "--out", str(target), "--db", str(book))
        assert code == 2 and err.count("\n") == 1, err
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_killed_export_leaves_no_temporary_file_for_long(book, tmp_path):
    """SIGKILL cannot be caught, so the next write to that target sweeps what a dead writer left."""
    script = (
        "import os, sys, signal\n"
        "from planner.storage import csvfile\n"
        "real = csvfile._write\n"
        "def dying(handle, columns, rows):\n"
        "    real(handle, columns, rows); handle.flush(); os.kill(os.getpid(), signal.SIGKILL)\n"
        "csvfile._write = dying\n"
        "from planner.cli import main\n"
        f"main(['export', '--out', {str(tmp_path / 'out.csv')!r}, '--db', {str(book)!r}])\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert proc.returncode == -9
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.csv")]
    assert left, "the killed writer's temporary file is the premise of this test"
    code, _, err = cli("export", "--out", str(tmp_path / "out.csv"), "--db", str(book))
    assert code == 0, err
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.csv")] == []


def test_sigterm_during_an_export_removes_its_temporary_file(book, tmp_path):
    script = (
        "import os, time\n"
        "from planner.storage import csvfile\n"
        "real = csvfile._write\n"
        "def slow(handle, columns, rows):\n"
        "    real(handle, columns, rows); handle.flush(); print('writing', flush=True); time.sleep(60)\n"
        "csvfile._write = slow\n"
        "from planner.cli import main\n"
        f"raise SystemExit(main(['export', '--out', {str(tmp_path / 'out.csv')!r}, '--db', {str(book)!r}]))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"writing"
    proc.terminate()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert b"Traceback" not in err, err
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.csv")] == []
    assert not (tmp_path / "out.csv").exists()
