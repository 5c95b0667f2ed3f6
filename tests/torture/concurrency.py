"""Three command-line writers and the window (storing quotes from a file) on one book at once.

What must hold: every acknowledged change is in the book once (nothing lost, nothing duplicated);
the window shows each command-line change (how long it took is measured); `planner undo` only ever
takes a command-line change and the window's Ctrl+Z only the window's. Run short in `make test`
(tests/ui/test_ui_concurrent_writers.py) and for 30 s in `make soak`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import planner

ROOT = Path(planner.__file__).resolve().parent.parent

WRITER = """
import io, json, sys, time
from planner.cli import run

db, name, seconds, expiry = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
end = time.time() + seconds
i = 0
while time.time() < end:
    i += 1
    out, err = io.StringIO(), io.StringIO()
    if name == "undoer" and i % 4 == 0:
        code = run(["undo", "--db", db, "--json"], out, err)
        kind = "undo"
    else:
        code = run(["condor", "add", "--expiry", expiry, "--strikes", "5575,5625,6175,6225", "--qty", "1",
                    "--credit", "12.95", "--note", f"{name}-{i}", "--db", db, "--json"], out, err)
        kind = "add"
    if code == 2 and kind == "undo":
        print(json.dumps({"kind": "undo-refused", "error": err.getvalue().strip(), "at": time.time()}), flush=True)
        continue
    if code:
        print(json.dumps({"kind": "failed", "code": code, "error": err.getvalue().strip()}), flush=True)
        sys.exit(code)
    print(json.dumps({"kind": kind, "result": json.loads(out.getvalue()), "at": time.time()}), flush=True)
"""


def listed_expiry() -> str:
    from planner.calendars import nearest_listed

    return nearest_listed("spx-daily", date.today() + timedelta(days=30), 1)[0].isoformat()


@dataclass
class Outcome:
    cli_added: dict[int, float] = field(default_factory=dict)  # id -> acknowledged at (epoch seconds)
    cli_undone: list[int] = field(default_factory=list)
    undo_refusals: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def start_writers(db: Path, seconds: float, names=("alice", "bob", "undoer")) -> list[subprocess.Popen]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    expiry = listed_expiry()
    return [subprocess.Popen([sys.executable, "-c", WRITER, str(db), name, str(seconds), expiry],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for name in names]


def collect(writers: list[subprocess.Popen], timeout: float) -> Outcome:
    outcome = Outcome()
    for writer in writers:
        out, err = writer.communicate(timeout=timeout)
        if writer.returncode:
            outcome.failures.append(f"writer exit {writer.returncode}: {err.strip()[-500:]}")
        for line in out.splitlines():
            record = json.loads(line)
            if record["kind"] == "add":
                outcome.cli_added[record["result"]["id"]] = record["at"]
            elif record["kind"] == "undo":
                outcome.cli_undone += record["result"]["removed_ids"]
            elif record["kind"] == "undo-refused":
                outcome.undo_refusals.append(record["error"])
            else:
                outcome.failures.append(str(record))
    return outcome


def run_with_window(qtbot, db: Path, seconds: float, tmp_path: Path) -> dict:
    """Drive the window while the writers run; returns what was seen and done."""
    from PySide6.QtCore import QTimer

    from planner.app import Workspace
    from planner.app.requests import CondorRequest, QuoteRequest
    from planner.ui.main_window import MainWindow

    with Workspace.open(db) as ws:
        ws.set_market(QuoteRequest(spx=5900, vix=16.5))
    window = MainWindow(state=None)
    qtbot.addWidget(window)
    assert window.open_path(str(db))
    window.show()
    first_seen: dict[int, float] = {}

    def seen(book) -> None:
        now = time.time()
        for position in book.positions:
            first_seen.setdefault(position.id, now)

    window.session.book_loaded.connect(seen)
    quotes = tmp_path / "quotes.json"
    level = [5900.0]

    def next_quote() -> None:
        level[0] += 0.25
        temporary = quotes.with_name("quotes.json.tmp")
        temporary.write_text(json.dumps({"spx": level[0], "vix": 16.5}), encoding="utf-8")
        os.replace(temporary, quotes)

    next_quote()
    window.watch_quote_file(quotes)
    quote_timer = QTimer(window, interval=200)
    quote_timer.timeout.connect(next_quote)
    quote_timer.start()
    window_added: list[int] = []
    window_undone: list[int] = []
    expiry = listed_expiry()
    writers = start_writers(db, seconds)
    end = time.time() + seconds
    step = 0
    while time.time() < end:
        qtbot.wait(400)
        step += 1
        if step % 3 == 0:
            window.undo()  # what Ctrl+Z runs
            message = window.statusBar().currentMessage()
            if message.startswith("Undone: add condor "):
                window_undone.append(int(message.rsplit(" ", 1)[1]))
        else:
            position = window.workspace.add_condor(CondorRequest(
                expiry=expiry, strikes="5575,5625,6175,6225", qty=1, credit="12.95", note=f"window-{step}"))
            window_added.append(position.id)
    quote_timer.stop()
    outcome = collect(writers, timeout=120)
    qtbot.wait(1500)  # the last poll
    stored_quotes = window.workspace.latest_snapshot().spx
    window.close()
    return {"outcome": outcome, "first_seen": first_seen, "window_added": window_added,
            "window_undone": window_undone, "last_quote": level[0], "stored_quote": stored_quotes}


def check(db: Path, result: dict) -> tuple[list[str], float]:
    """Problems found, and the longest time the window took to show a command-line change (s);
    ``result["delays"]`` gets every such time."""
    from planner.app import Workspace

    outcome: Outcome = result["outcome"]
    problems = list(outcome.failures)
    cli_ids, window_ids = set(outcome.cli_added), set(result["window_added"])
    for undone in outcome.cli_undone:
        if undone not in cli_ids:
            problems.append(f"planner undo took position {undone}, not a command-line change")
    for undone in result["window_undone"]:
        if undone not in window_ids:
            problems.append(f"the window's undo took position {undone}, not its own")
    expected = (cli_ids - set(outcome.cli_undone)) | (window_ids - set(result["window_undone"]))
    with Workspace.open(db) as ws:
        stored = [p.id for p in ws.book().positions]
    with contextlib.closing(sqlite3.connect(db)) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if integrity != "ok":
        problems.append(f"integrity: {integrity}")
    if len(stored) != len(set(stored)):
        problems.append("a position stored twice")
    if set(stored) != expected:
        problems.append(f"lost {sorted(expected - set(stored))[:10]}, unexpected {sorted(set(stored) - expected)[:10]}")
    delays = [result["first_seen"][i] - at for i, at in outcome.cli_added.items()
              if i in result["first_seen"] and i not in outcome.cli_undone]
    result["delays"] = sorted(delays)
    unseen = [i for i in cli_ids - set(outcome.cli_undone) if i not in result["first_seen"]]
    if unseen:
        problems.append(f"the window never showed {sorted(unseen)[:10]}")
    return problems, max(delays, default=0.0)
