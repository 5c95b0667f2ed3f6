"""What the window and the command line ask of a workspace: use cases and typed requests, never its store."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from planner.app import Workspace
from planner.app.requests import CloseRequest, CondorRequest, FillRequest, LayerRequest, QuoteRequest
from planner.app.workspace import change_time
from planner.domain.errors import InputError
from planner.domain.suggestions import Action

NOW = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)  # Monday 14:00 ET
CONDOR = CondorRequest(expiry="2026-12-18", strikes="5575,5625,6175,6225", qty=10, credit="12.95")


@pytest.fixture
def ws():
    with Workspace.open(":memory:", clock=lambda: NOW) as workspace:
        yield workspace


def test_the_store_is_not_part_of_the_workspace_s_interface(ws):
    assert not hasattr(ws, "repo")
    assert ws.path is None and ws.schema_version >= 1


def test_a_window_gets_its_own_origin_once(tmp_path):
    book = tmp_path / "book.db"
    with Workspace.open(book, clock=lambda: NOW) as cli, Workspace.open(book, clock=lambda: NOW) as window:
        window.use_window_origin()
        window.use_window_origin()  # a second call keeps the first origin: its undo stack stays whole
        cli.add_condor(CONDOR)
        mine = window.add_condor(dataclasses.replace(CONDOR, note="window"))
        entry, _ = window.undo()
        assert entry.label == f"add condor {mine.id}"
        assert window.path == book.resolve() or window.path == book
        assert change_time(entry)


def test_requests_are_frozen_and_keyword_only():
    with pytest.raises(dataclasses.FrozenInstanceError):
        CONDOR.qty = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        CondorRequest("2026-12-18", "5575,5625,6175,6225", 10, "12.95")  # type: ignore[misc]


@pytest.mark.parametrize("request_, message", [
    (dataclasses.replace(CONDOR, qty="1.5"), "qty must be a whole number"),
    (dataclasses.replace(CONDOR, strikes="5625,5575,6175,6225"), "strikes must satisfy K1 < K2 < K3 < K4"),
    (LayerRequest(tier="near", kind="vix-put", expiry="2026-12-16", qty=1, price="1"), "kind must be one of"),
])
def test_a_request_s_raw_values_are_checked_by_the_use_case(ws, request_, message):
    add = ws.add_condor if isinstance(request_, CondorRequest) else ws.add_layer
    with pytest.raises(InputError, match=message):
        add(request_)
    assert not ws.has_positions() and ws.journal() == []


def test_reading_what_the_views_need(ws):
    assert not ws.has_positions() and ws.snapshots() == [] and ws.history_symbols() == []
    ws.set_market(QuoteRequest(spx=5900, vix=16, futures=["2026-12-16=17"]))
    ws.add_condor(CONDOR)
    assert ws.has_positions()
    assert [(s.spx, s.vix) for s in ws.snapshots()] == [(5900, 16)]
    assert ws.history_rows(("SPX",), date(2026, 1, 1)) == []


def test_a_live_quote_is_checked_but_not_stored(ws):
    ws.set_market(QuoteRequest(spx=5900, vix=16))
    live = ws.quote_snapshot(QuoteRequest(spx="5910.5", vix=16.2, source="ibkr"))
    assert (live.spx, live.source, live.id) == (5910.5, "ibkr", None)
    assert len(ws.snapshots()) == 1
    with pytest.raises(InputError, match="spx must be"):
        ws.quote_snapshot(QuoteRequest(spx="-1", vix=16))


def test_suggestions_are_accepted_dismissed_and_snoozed_through_the_workspace(ws):
    ws.init(demo_book=True)
    ws.set_market(QuoteRequest(spx=5900, vix=24))
    later, trim = [s for s in ws.suggestions() if s.action is Action.TRIM]
    snoozed = ws.snooze_suggestion(later.id, until="2026-11-30")
    done = ws.accept_suggestion(trim.id, FillRequest(price=4.5, force=True))
    assert [p.close_price for p in done.positions] == [4.5]
    quiet = next(iter(ws.suggestions()))  # what is shown now
    dismissed = ws.dismiss_suggestion(quiet.id, why="  not now ")
    assert (dismissed.reason, snoozed.until.date()) == ("not now", date(2026, 11, 30))
    assert [row["decision"] for row in ws.suggestion_history()] == ["snooze", "accept", "dismiss"]
    assert not {trim.id, quiet.id, later.id} & {s.id for s in ws.suggestions()}


def test_closing_takes_the_position_id_in_the_request(ws):
    held = ws.add_condor(CONDOR)
    closed = ws.close_position(CloseRequest(position_id=str(held.id), price="3.2", qty="4"))
    assert (closed.quantity, closed.split_from) == (4, held.id)
    with pytest.raises(InputError, match="id must be a position number"):
        ws.close_position(CloseRequest(position_id="x", price="1"))
