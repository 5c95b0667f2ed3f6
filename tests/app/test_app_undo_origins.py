"""Undo is the user's: each program undoes its own changes, never another's, and quotes are no undo steps.

With the window open and the command line writing, 13 of 13 `planner undo` calls once took back
another process's change, and the window's Ctrl+Z removed positions the command line had added;
with a live quote file, Ctrl+Z undid a quote and a new quote wiped the redo stack.
"""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, datetime

import pytest

from planner.app import Workspace
from planner.app.requests import CondorRequest, LayerRequest, QuoteRequest
from planner.app.workspace import window_origin
from planner.cli import run
from planner.domain.errors import StateError
from planner.storage import journal
from planner.storage.migrations import migrate
from planner.storage.schema import MIGRATIONS

NOW = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
CONDOR = {"expiry": "2026-12-22", "strikes": "5400,5450,6300,6350", "qty": 10, "credit": "4.5"}


@pytest.fixture
def book(tmp_path):
    return tmp_path / "book.db"


def open_cli(book) -> Workspace:
    return Workspace.open(book, clock=lambda: NOW)


def open_window(book) -> Workspace:
    return Workspace.open(book, clock=lambda: NOW, origin=window_origin())


def ids(ws: Workspace) -> list[int]:
    return [p.id for p in ws.book().positions]


def test_each_program_undoes_only_its_own_changes(book):
    with open_cli(book) as cli, open_window(book) as window:
        mine = cli.add_condor(CondorRequest(**CONDOR, note="cli")).id
        theirs = window.add_condor(CondorRequest(**CONDOR, note="window")).id
        entry, _ = cli.undo()
        assert entry.label == f"add condor {mine}" and ids(cli) == [theirs]
        entry, _ = window.undo()
        assert entry.label == f"add condor {theirs}" and ids(cli) == []
        with pytest.raises(StateError, match="undo needs a recorded change made by the command line"):
            cli.undo()
        cli.redo()
        assert ids(window) == [mine]


def test_an_undo_another_program_depends_on_is_refused_naming_that_change(book):
    with open_cli(book) as cli, open_window(book) as window:
        condor = cli.add_condor(CondorRequest(**CONDOR)).id
        layer = window.add_layer(LayerRequest(
            tier="near", kind="vix-call", expiry="2026-12-16", strikes="20", qty=20, price="0.85",
            protects=str(condor)))
        before = cli.book()
        with pytest.raises(StateError) as refused:
            cli.undo()
        message = str(refused.value)
        assert f"undo of 'add condor {condor}' refused" in message
        assert "a planner window" in message and f"layer {layer.id}'" in message
        assert cli.book() == before
        window.undo()  # the window takes its layer back; now the condor may go
        cli.undo()
        assert ids(cli) == []


def test_quotes_are_stored_but_never_undo_steps(book):
    with open_cli(book) as ws:
        condor = ws.add_condor(CondorRequest(**CONDOR)).id
        for level in range(5):
            ws.set_market(QuoteRequest(spx=5900 + level, vix=16.5))
        entry, _ = ws.undo()  # the trade, not the last quote
        assert entry.label == f"add condor {condor}" and ids(ws) == []
        assert ws.latest_snapshot().spx == 5904
        ws.set_market(QuoteRequest(spx=5910, vix=16.5))  # a new quote keeps the redo stack
        entry, _ = ws.redo()
        assert entry.label == f"add condor {condor}" and ids(ws) == [condor]
        assert ws.latest_snapshot().spx == 5910


def test_any_number_of_quotes_leaves_the_trade_within_reach(book, monkeypatch):
    monkeypatch.setattr(journal, "MAX_ENTRIES", 5)
    with open_cli(book) as ws:
        condor = ws.add_condor(CondorRequest(**CONDOR)).id
        for level in range(20):
            ws.set_market(QuoteRequest(spx=5900 + level, vix=16.5))
        entry, _ = ws.undo()
        assert entry.label == f"add condor {condor}"


def test_planner_undo_names_the_change_and_when(book):
    with open_window(book) as window:
        window.add_condor(CondorRequest(**CONDOR, note="window"))
    out, err = io.StringIO(), io.StringIO()
    assert run(["condor", "add", "--expiry", "2026-12-22", "--strikes", "5400,5450,6300,6350", "--qty", "1",
                "--credit", "4.5", "--db", str(book)], out, err, clock=lambda: NOW) == 0, err.getvalue()
    out = io.StringIO()
    assert run(["undo", "--db", str(book)], out, err, clock=lambda: NOW) == 0
    assert out.getvalue().startswith("undid: add condor 2 (made ")
    assert out.getvalue().rstrip().endswith("ET from the command line)")
    with Workspace.open(book) as ws:
        assert ids(ws) == [1]  # the window's condor stays
    code = run(["undo", "--db", str(book)], out, err := io.StringIO(), clock=lambda: NOW)
    assert code == 2 and "undo needs a recorded change made by the command line" in err.getvalue()


def test_version_4_gives_old_entries_an_origin_and_drops_quote_entries(book):
    conn = sqlite3.connect(book, isolation_level=None)
    migrate(conn, MIGRATIONS[:1])
    conn.execute("INSERT INTO journal (created_at, label) VALUES ('2026-11-20T15:00:00+00:00', 'add condor 1')")
    conn.execute("INSERT INTO journal (created_at, label) VALUES ('2026-11-20T15:01:00+00:00', "
                 "'market set SPX 5900 VIX 16')")
    conn.execute("INSERT INTO journal_rows VALUES (2, 0, 'snapshots', '[1]', NULL, '{}')")
    conn.close()
    with open_cli(book) as ws:
        assert [(e.label, e.origin) for e in ws.journal()] == [("add condor 1", "cli")]


def test_poll_sees_an_outside_write_made_while_this_program_was_writing_quotes(book):
    """The change detector once missed external writes as soon as the window itself committed."""
    with open_window(book) as window, open_cli(book) as cli:
        heard = []
        window.subscribe(heard.append)
        window.set_market(QuoteRequest(spx=5900, vix=16.5))
        assert not window.poll()
        cli.add_condor(CondorRequest(**CONDOR))  # another program, between two of the window's own quotes
        window.set_market(QuoteRequest(spx=5901, vix=16.5))
        assert window.poll()
        assert heard[-1].external and "book" in heard[-1].topics
        assert not window.poll()


def test_switching_a_backup_to_wal_on_the_first_write_is_no_outside_change(book, tmp_path):
    with open_cli(book) as ws:
        ws.add_condor(CondorRequest(**CONDOR))
        copy = ws.backup(tmp_path / "copy.db")  # rollback-journal mode, as backups are
    with open_window(copy) as window:
        window.set_market(QuoteRequest(spx=5900, vix=16.5))  # the first write switches the file to WAL
        assert not window.poll()
