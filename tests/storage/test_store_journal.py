"""Every change is journaled with before/after images; undo and redo walk the journal."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain import Position, PositionKind, Status
from planner.domain.errors import StateError
from planner.domain.positions import condor_legs
from planner.storage import Repository

OPENED = datetime(2026, 11, 20, 19, 30, tzinfo=UTC)


def dump(repo: Repository) -> list[str]:
    """Every user table's content (not the journal, which undo itself changes)."""
    lines = []
    for table in ("positions", "legs", "protects", "settings", "snapshots", "history", "events", "signals"):
        lines += [f"{table}:{row}" for row in repo.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
    return lines


def condor(credit: float = 4.5) -> Position:
    return Position(PositionKind.CONDOR, condor_legs(date(2026, 12, 22), (5400, 5450, 6300, 6350), 2), 2, credit,
                    OPENED)


@pytest.fixture
def repo():
    with Repository.open(":memory:") as store:
        yield store


def test_undo_and_redo_walk_the_journal(repo):
    states = [dump(repo)]
    with repo.change("add") as tx:
        first = repo.insert_position(tx, condor())
    states.append(dump(repo))
    with repo.change("close") as tx:
        repo.update_position(tx, first, first.with_changes(status=Status.CLOSED, close_price=1.0, closed_at=OPENED))
    states.append(dump(repo))
    with repo.change("setting") as tx:
        repo.set_setting(tx, "equity", 5000)
    states.append(dump(repo))

    for expected in reversed(states[:-1]):
        repo.undo()
        assert dump(repo) == expected
    with pytest.raises(StateError, match="undo needs a recorded change"):
        repo.undo()
    for expected in states[1:]:
        repo.redo()
        assert dump(repo) == expected
    with pytest.raises(StateError, match="redo needs"):
        repo.redo()


def test_a_new_change_after_undo_drops_the_redo_tail(repo):
    with repo.change("first") as tx:
        repo.insert_position(tx, condor(4.0))
    with repo.change("second") as tx:
        repo.insert_position(tx, condor(5.0))
    entry = repo.undo()
    assert entry.label == "second" and entry.undone
    with repo.change("third") as tx:
        repo.insert_position(tx, condor(6.0))
    with pytest.raises(StateError):
        repo.redo()
    assert [p.open_price for p in repo.load_book().positions] == [4.0, 6.0]
    assert [e.label for e in repo.journal()] == ["third", "first"]


def test_undone_ids_are_not_reused(repo):
    with repo.change("add") as tx:
        first = repo.insert_position(tx, condor())
    repo.undo()
    with repo.change("add again") as tx:
        second = repo.insert_position(tx, condor())
    assert second.id != first.id


def test_a_failed_change_writes_nothing(repo):
    before = dump(repo)
    with pytest.raises(ZeroDivisionError), repo.change("boom") as tx:
        repo.insert_position(tx, condor())
        _ = 1 / 0
    assert dump(repo) == before
    assert repo.journal() == []


def test_listeners_hear_commits_undo_and_redo(repo):
    heard = []
    unsubscribe = repo.add_listener(lambda entry: heard.append((entry.label, entry.tables, entry.undone)))
    with repo.change("add") as tx:
        repo.insert_position(tx, condor())
    repo.undo()
    repo.redo()
    unsubscribe()
    repo.undo()
    assert heard == [("add", ("legs", "positions"), False), ("add", ("legs", "positions"), True),
                     ("add", ("legs", "positions"), False)]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["add", "close", "setting", "undo", "redo"]), max_size=12))
def test_any_sequence_of_changes_undoes_to_the_start(actions):
    with Repository.open(":memory:") as repo:
        start = dump(repo)
        for action in actions:
            open_positions = repo.load_book(include_closed=False).positions
            if action == "add":
                with repo.change("add") as tx:
                    repo.insert_position(tx, condor())
            elif action == "close" and open_positions:
                p = open_positions[0]
                with repo.change("close") as tx:
                    repo.update_position(tx, p, p.with_changes(status=Status.CLOSED, close_price=0.5,
                                                               closed_at=OPENED))
            elif action == "setting":
                with repo.change("setting") as tx:
                    repo.set_setting(tx, "equity", 1000 + len(actions))
            elif action in ("undo", "redo"):
                with contextlib.suppress(StateError):
                    getattr(repo, action)()
        while True:
            try:
                repo.undo()
            except StateError:
                break
        assert dump(repo) == start
