"""A writer killed with SIGKILL mid-stream loses nothing it acknowledged and leaves a sound file."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import planner

WRITER = """
import sys
from datetime import UTC, date, datetime
from planner.domain import Position, PositionKind
from planner.domain.positions import condor_legs
from planner.storage import Repository

repo = Repository.open(sys.argv[1])
legs = condor_legs(date(2026, 12, 22), (5400, 5450, 6300, 6350), 1)
i = 0
while True:
    i += 1
    with repo.change("add") as tx:
        stored = repo.insert_position(tx, Position(PositionKind.CONDOR, legs, 1, 1.0, datetime.now(UTC), note=str(i)))
    print(stored.id, flush=True)  # acknowledged only after COMMIT returned
"""

ROOT = Path(planner.__file__).resolve().parent.parent


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("acks_before_kill", [1, 25, 60])
def test_sigkill_mid_stream_keeps_every_acknowledged_write(tmp_path, acks_before_kill):
    db = tmp_path / "crash.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, text=True, env=env)
    acknowledged = []
    deadline = time.monotonic() + 30
    assert writer.stdout is not None
    while len(acknowledged) < acks_before_kill and time.monotonic() < deadline:
        line = writer.stdout.readline()
        if not line:
            break
        acknowledged.append(int(line))
    writer.send_signal(signal.SIGKILL)  # mid-stream: the next write is under way
    rest, _ = writer.communicate(timeout=10)
    acknowledged += [int(line) for line in rest.split()]
    assert writer.returncode == -signal.SIGKILL
    assert len(acknowledged) >= acks_before_kill

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        stored = {i for (i,) in conn.execute("SELECT id FROM positions")}
        assert set(acknowledged) <= stored
        legs = dict(conn.execute("SELECT position_id, count(*) FROM legs GROUP BY position_id"))
        assert all(legs[i] == 4 for i in stored)  # no half-written position
        journaled = conn.execute("SELECT count(*) FROM journal").fetchone()[0]
        assert journaled == len(stored)  # each change and its journal entry committed together
    finally:
        conn.close()
