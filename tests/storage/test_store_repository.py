"""Repository reads and writes: positions, snapshots, settings, history, events, signals, decisions."""

from __future__ import annotations

import math
import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest

from planner.domain import LayerKind, MarketSnapshot, Position, PositionKind, Settings, Status, Tier
from planner.domain.errors import InputError, NotFoundError
from planner.domain.positions import condor_legs, layer_legs
from planner.domain.records import Decision, DecisionKind, Event, EventKind, Signal
from planner.storage import Repository

OPENED = datetime(2026, 11, 20, 19, 30, tzinfo=UTC)


@pytest.fixture
def repo():
    with Repository.open(":memory:") as store:
        yield store


def a_condor(**changes) -> Position:
    legs = condor_legs(date(2026, 12, 22), (5400, 5450, 6300, 6350), 10)
    legs = tuple(leg.with_changes(fees=13.0) for leg in legs)
    return Position(PositionKind.CONDOR, legs, 10, 4.5, OPENED, note="test condor").with_changes(**changes)


def a_layer(protects=(), **changes) -> Position:
    legs = layer_legs(LayerKind.VIX_CALL_SPREAD, date(2026, 12, 16), (20, 30), 20)
    return Position(PositionKind.LAYER, legs, 20, 1.15, OPENED, tier=Tier.NEAR,
                    layer_kind=LayerKind.VIX_CALL_SPREAD, protects=protects).with_changes(**changes)


def test_position_round_trip(repo):
    with repo.change("add") as tx:
        condor = repo.insert_position(tx, a_condor())
        layer = repo.insert_position(tx, a_layer(protects=(condor.id,)))
    book = repo.load_book()
    assert book.positions == (condor, layer)
    assert book.get(layer.id).protects == (condor.id,)
    assert all(leg.id is not None for p in book.positions for leg in p.legs)
    assert [leg.strike for leg in book.get(condor.id).legs] == [5400, 5450, 6300, 6350]  # leg order kept
    assert repo.load_position(condor.id) == condor
    assert repo.load_position(999) is None


def test_update_position_writes_only_the_difference(repo):
    with repo.change("add") as tx:
        stored = repo.insert_position(tx, a_condor())
    closed_legs = tuple(leg.with_changes(fees=leg.fees + 1.0) for leg in stored.legs)
    after = stored.with_changes(status=Status.CLOSED, close_price=1.25, closed_at=OPENED + timedelta(days=3),
                                legs=closed_legs)
    with repo.change("close") as tx:
        repo.update_position(tx, stored, after)
        assert len(tx.rows) == 1 + 4  # the position row and four leg rows
    loaded = repo.load_position(stored.id)
    assert loaded == after
    assert loaded.realized_pnl() == pytest.approx(-1 * (1.25 - 4.5) * 100 * 10 - 56.0)


def test_open_only_book(repo):
    with repo.change("add") as tx:
        first = repo.insert_position(tx, a_condor())
        repo.insert_position(tx, a_condor(status=Status.EXPIRED, close_price=0.0, closed_at=OPENED))
    assert [p.id for p in repo.load_book(include_closed=False).positions] == [first.id]


def snapshot(hours: float, futures=(), **changes) -> MarketSnapshot:
    return MarketSnapshot(OPENED + timedelta(hours=hours), 5900.0, 16.0, vix_futures=futures, **changes)


def test_latest_and_previous_snapshot(repo):
    assert repo.latest_snapshot() is None and repo.previous_snapshot() is None
    curve = ((date(2026, 12, 16), 17.45), (date(2027, 1, 20), 18.3))
    with repo.change("quotes") as tx:
        repo.insert_snapshot(tx, snapshot(0, vvix=91.5, source="demo"))
        later = repo.insert_snapshot(tx, snapshot(2, curve))
        earlier = repo.insert_snapshot(tx, snapshot(1))  # typed late, but earlier in time
    assert repo.latest_snapshot() == later
    assert repo.latest_snapshot().future_price(date(2026, 12, 16)) == 17.45
    assert repo.previous_snapshot() == earlier
    assert repo.snapshot_at_or_before(OPENED + timedelta(hours=1.5)) == earlier
    assert repo.snapshot_after(OPENED + timedelta(minutes=1)) == earlier
    assert repo.snapshot_after(OPENED, future_expiry=date(2026, 12, 16)) == later
    assert repo.snapshot_at_or_before(OPENED, future_expiry=date(2026, 12, 16)) is None
    assert repo.snapshot_at_or_before(OPENED).source == "demo"
    assert [s.id for s in repo.snapshots()] == [1, earlier.id, later.id]


def test_settings_validated_and_defaults_not_stored(repo):
    assert repo.load_settings() == Settings()
    with repo.change("set") as tx:
        assert repo.set_setting(tx, "equity", "250000") == 250000.0
        assert repo.set_setting(tx, "high_roe", "on") is True
        assert repo.set_setting(tx, "near_min_days", "21") == 21
    settings = repo.load_settings()
    assert (settings.equity, settings.high_roe, settings.near_min_days) == (250000.0, True, 21)
    with repo.change("reset") as tx:
        repo.set_setting(tx, "high_roe", "off")
    assert "high_roe" not in repo.stored_settings()
    with pytest.raises(InputError), repo.change("bad") as tx:
        repo.set_setting(tx, "risk_cap_pct", "nan")
    with pytest.raises(NotFoundError), repo.change("bad") as tx:
        repo.set_setting(tx, "no_such_key", "1")


def test_history_upsert_and_frame(repo):
    rows = [(date(2026, 11, 18), "VIX", 17.1), (date(2026, 11, 19), "VIX", 16.8), (date(2026, 11, 19), "SPX", 5880.5)]
    with repo.change("history") as tx:
        assert repo.upsert_history(tx, rows) == (3, 0)
    with repo.change("history again") as tx:
        assert repo.upsert_history(tx, [(date(2026, 11, 19), "VIX", 16.9), (date(2026, 11, 20), "VIX", 16.2)]) == (1, 1)
    assert repo.history_close("VIX", date(2026, 11, 19)) == 16.9
    assert repo.history_close("VVIX", date(2026, 11, 19)) is None
    frame = repo.history_frame()
    assert list(frame.columns) == ["SPX", "VIX", "VVIX"]
    assert [d.date() for d in frame.index] == [date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20)]
    assert frame.loc["2026-11-19", "SPX"] == 5880.5
    assert math.isnan(frame.loc["2026-11-18", "SPX"]) and frame["VVIX"].isna().all()
    assert repo.history_symbols() == ["SPX", "VIX"]


def test_events_signals_decisions(repo):
    decided = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
    with repo.change("records") as tx:
        fomc = repo.add_event(tx, Event(date(2026, 12, 9), EventKind.FOMC, "rate decision"))
        repo.add_event(tx, Event(date(2026, 12, 10), EventKind.CPI, "November CPI"))
        repo.set_signal(tx, Signal("valuation_stretched", 1.0, "CAPE above 35", decided))
        decision = repo.record_decision(tx, Decision("ladder-near-2026-11-21", "ladder", "ADD", DecisionKind.SNOOZE,
                                                     decided, "waiting for FOMC", decided + timedelta(days=3),
                                                     {"vix": 18.2, "contracts": 12}))
    assert [e.kind for e in repo.events()] == [EventKind.FOMC, EventKind.CPI]
    assert repo.events(start=date(2026, 12, 10))[0].label == "November CPI"
    assert repo.signals() == [Signal("valuation_stretched", 1.0, "CAPE above 35", decided)]
    assert repo.decisions() == [decision]
    assert repo.decisions("other") == []
    with repo.change("remove") as tx:
        assert repo.delete_event(tx, fomc.id)
        assert repo.delete_signal(tx, "valuation_stretched")
    assert len(repo.events()) == 1 and repo.signals() == []


def test_loading_many_positions_by_id(repo):
    with repo.change("many") as tx:
        ids = [repo.insert_position(tx, a_condor()).id for _ in range(1200)]
    loaded = repo.load_positions([*reversed(ids), 99999])
    assert [p.id for p in loaded] == ids and all(len(p.legs) == 4 for p in loaded)


def test_a_book_read_sees_one_state_while_another_program_deletes_a_position(tmp_path):
    """An undo in another program deleting a position with its legs, committed between the
    positions query and the legs query, must not hand back a position without legs."""
    path = tmp_path / "book.db"
    with Repository.open(path) as store:
        with store.change("add") as tx:
            condor = store.insert_position(tx, a_condor())
        other = sqlite3.connect(path, isolation_level=None)
        rows = store._rows

        def rows_then_other_program_deletes(sql, params=()):
            found = rows(sql, params)
            if "FROM positions" in sql:  # the other program commits between the reader's statements
                other.execute("BEGIN IMMEDIATE")
                other.execute("DELETE FROM protects WHERE layer_id = ? OR condor_id = ?", (condor.id, condor.id))
                other.execute("DELETE FROM legs WHERE position_id = ?", (condor.id,))
                other.execute("DELETE FROM positions WHERE id = ?", (condor.id,))
                other.execute("COMMIT")
            return found

        store._rows = rows_then_other_program_deletes
        book = store.load_book()
        store._rows = rows
        assert book.positions == (condor,)  # the state the read began in, legs and all
        assert store.load_book().positions == ()  # the next read sees the deletion
        other.close()
