"""Two processes writing to one database at once: both succeed, nothing is lost."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import planner
from planner.calendars import nearest_listed
from planner.cli import run

WRITER = """
import io, json, sys, time
from planner.cli import run

db, name, count, start, expiry = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
while time.time() < start:  # both writers begin at the same moment
    time.sleep(0.001)
for i in range(count):
    out, err = io.StringIO(), io.StringIO()
    argv = ["condor", "add", "--expiry", expiry, "--strikes", "5575,5625,6175,6225", "--qty", "1",
            "--credit", "12.95", "--note", f"{name}-{i}", "--db", db, "--json"]
    if i % 3 == 2:
        argv = ["settings", "set", "equity", str(100000 + i + (0 if name == "alice" else 500)), "--db", db, "--json"]
    code = run(argv, out, err)
    if code:
        print("FAILED", code, err.getvalue(), file=sys.stderr)
        sys.exit(code)
    print(out.getvalue().strip(), flush=True)
"""

ROOT = Path(planner.__file__).resolve().parent.parent


def test_two_writers_at_once(tmp_path):
    db = tmp_path / "shared.db"
    assert run(["init", "--db", str(db)], io.StringIO(), io.StringIO()) == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = str(time.time() + 1.5)
    # A listed SPXW expiry a month out, whenever the test runs (the writers use the real clock).
    expiry = nearest_listed("spx-daily", date.today() + timedelta(days=30), 1)[0].isoformat()
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db), name, "15", start, expiry], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env)
        for name in ("alice", "bob")
    ]
    results = [writer.communicate(timeout=120) for writer in writers]
    for writer, (_, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0, err
    notes = sorted(json.loads(line)["note"] for out, _ in results for line in out.splitlines()
                   if '"kind":"condor"' in line)
    assert notes == sorted(f"{name}-{i}" for name in ("alice", "bob") for i in range(15) if i % 3 != 2)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM positions").fetchone()[0] == 20
        assert conn.execute("SELECT count(*) FROM legs").fetchone()[0] == 80
        assert conn.execute("SELECT count(*) FROM journal").fetchone()[0] == 30
    finally:
        conn.close()
