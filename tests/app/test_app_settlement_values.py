"""Settlement on the exchange's own numbers: SET for AM SPX, VRO for VIX, whatever order the values arrive in.

The two cases of the issue, in dollars:
- two 6400/6450/6900/6950 AM condors sold at 10.00 with $10.40 fees, expiry open
  6430 and close 6520: the close says 0.00 (+$1,989.60); the opening print (SET
  6430) puts the short 6450 put 20 points in the money (-$2,010.40): $4,000 apart.
- one VX future bought at 20.00 and four VIX 20 calls at 1.50, VIX close 21.20,
  VRO 22.75: 1.55 points x ($1,000 + 4 x $100) = $2,170 apart.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.app import Workspace
from planner.app.requests import CondorRequest, LayerRequest, QuoteRequest
from planner.domain import Status
from planner.domain.errors import InputError
from planner.storage import Repository

BEFORE = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
AFTER_SPX = datetime(2026, 12, 18, 22, 0, tzinfo=UTC)  # 17:00 ET on the SPX expiry day
AFTER_VIX = datetime(2026, 12, 16, 22, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def open_book(clock: Clock) -> Workspace:
    ws = Workspace.open(":memory:", clock=clock)
    ws.set_market(QuoteRequest(
        spx=6600, vix=18, futures=["2026-12-16=19.5", "2027-01-20=20.1"], asof="2026-11-20T16:00"))
    return ws


def sell_condors(ws: Workspace):
    return ws.add_condor(CondorRequest(
        expiry="2026-12-18", strikes="6400,6450,6900,6950", qty=2, credit="10", fees="10.40", settlement="AM",
        opened="2026-11-20T15:00"))


def buy_vix_hedge(ws: Workspace):
    future = ws.add_layer(LayerRequest(
        tier="near", kind="vix-future", expiry="2026-12-16", qty=1, price="20", opened="2026-11-20T15:00"))
    calls = ws.add_layer(LayerRequest(
        tier="near", kind="vix-call", expiry="2026-12-16", strikes="20", qty=4, price="1.50",
        opened="2026-11-20T15:00"))
    return future, calls


def write(folder, name: str, text: str):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def files(folder):
    return {
        "spx": write(folder, "SPX_History.csv", "DATE,OPEN,HIGH,LOW,CLOSE\n12/17/2026,6501.2,6530,6490,6512.4\n"
                                                "12/18/2026,6430,6540,6425,6520\n"),
        "set": write(folder, "settlements.csv", "date,symbol,value\n2026-12-18,SET,6430\n"),
        "vix": write(folder, "VIX_History.csv", "DATE,OPEN,HIGH,LOW,CLOSE\n12/16/2026,22.40,23.10,20.90,21.20\n"),
        "vro": write(folder, "vro.csv", "date,symbol,value\n2026-12-16,VRO,22.75\n"),
    }


def pnl(ws: Workspace, *positions) -> float:
    return round(sum(ws.position(p.id).realized_pnl() for p in positions), 2)


def test_am_condors_settle_on_the_opening_print_not_the_close(tmp_path):
    clock = Clock(BEFORE)
    with open_book(clock) as ws:
        condors = sell_condors(ws)
        clock.now = AFTER_SPX
        paths = files(tmp_path)
        ws.import_history(write(tmp_path, "closes.csv", "date,symbol,close\n2026-12-18,SPX,6520\n"))
        settled = ws.position(condors.id)
        assert (settled.close_price, settled.settled_estimated) == (0.0, True)  # a close only: an estimate
        assert pnl(ws, condors) == 1989.60
        ws.import_history(paths["set"])
        settled = ws.position(condors.id)
        assert (settled.status, settled.close_price, settled.settled_estimated) == (Status.EXPIRED, 20.0, False)
        assert [leg.close_price for leg in settled.legs] == [0.0, 20.0, 0.0, 0.0]
        assert pnl(ws, condors) == -2010.40  # $4,000 below what the close said
        assert [r.basis for r in ws.settlement_log(condors.id)] == [
            "SPX close 6520 (estimate)", "SET 6430 (file)"]


def test_vix_future_and_calls_resettle_when_vro_arrives(tmp_path):
    clock = Clock(BEFORE)
    with open_book(clock) as ws:
        future, calls = buy_vix_hedge(ws)
        clock.now = AFTER_VIX
        ws.import_history(write(tmp_path, "VIX_History.csv", "DATE,VIX\n12/16/2026,21.20\n"), symbol="VIX")
        assert ws.position(future.id).settled_estimated and ws.position(calls.id).settled_estimated
        on_close = pnl(ws, future, calls)
        assert on_close == pytest.approx((21.20 - 20) * 1000 + (1.20 - 1.50) * 400)
        ws.import_history(files(tmp_path)["vro"])
        assert (ws.position(future.id).close_price, ws.position(calls.id).close_price) == (22.75, 2.75)
        assert not ws.position(future.id).settled_estimated and not ws.position(calls.id).settled_estimated
        assert round(pnl(ws, future, calls) - on_close, 2) == 2170.0


def test_undoing_an_import_reverts_what_it_settled(tmp_path):
    clock = Clock(BEFORE)
    with open_book(clock) as ws:
        condors = sell_condors(ws)
        paths = files(tmp_path)
        clock.now = AFTER_SPX
        ws.import_history(paths["spx"])  # the open: an estimate
        ws.import_history(paths["set"])
        assert not ws.position(condors.id).settled_estimated
        entry, _ = ws.undo()
        assert entry.label.startswith("history import SET")
        reverted = ws.position(condors.id)
        assert (reverted.close_price, reverted.settled_estimated) == (20.0, True)  # back on the open 6430
        ws.undo()  # the history too: nothing of the day is stored, the last quote is the estimate
        assert ws.position(condors.id).settled_estimated
        assert ws.position(condors.id).close_price == 0.0  # SPX 6600 quoted on 2026-11-20
        ws.redo()
        ws.redo()
        assert (ws.position(condors.id).close_price, ws.position(condors.id).settled_estimated) == (20.0, False)
        assert [e.label for e in ws.journal(3)][:2] == ["history import SET (settlement value) (1 rows)",
                                                        "history import SPX (2 rows)"]


def test_typed_value_settles_and_its_undo_reverts(tmp_path):
    clock = Clock(BEFORE)
    with open_book(clock) as ws:
        future, _ = buy_vix_hedge(ws)
        clock.now = AFTER_VIX
        ws.import_history(files(tmp_path)["vix"])
        assert ws.position(future.id).close_price == 22.40  # the VIX open, estimated
        ws.set_settlement_value("2026-12-16", "vro", "22.75")
        assert (ws.position(future.id).close_price, ws.position(future.id).settled_estimated) == (22.75, False)
        ws.undo()
        assert (ws.position(future.id).close_price, ws.position(future.id).settled_estimated) == (22.40, True)
        with pytest.raises(InputError, match=r"symbol must be SET .* got VIX"):
            ws.set_settlement_value("2026-12-16", "VIX", "22.75")
        with pytest.raises(InputError, match="date must not be after today"):
            ws.set_settlement_value("2026-12-17", "VRO", "22.75")


def test_read_only_book_settles_in_memory_only(tmp_path):
    clock = Clock(BEFORE)
    db = tmp_path / "book.db"
    with open_book(clock) as ws:
        ws.backup(db)
    with Workspace.open(db, clock=clock) as ws:
        condors = sell_condors(ws)
    before = db.read_bytes()
    clock.now = AFTER_SPX
    repo = Repository.open(db)
    repo.conn.execute("PRAGMA query_only = ON")  # the file refuses every write, as a read-only one would
    with Workspace(repo, clock=clock) as ws:
        settled = ws.settle_expired()
        assert [(p.id, p.status) for p in settled] == [(condors.id, Status.EXPIRED)]
        assert ws.position(condors.id).is_open
    assert sqlite3.connect(db).execute("SELECT status FROM positions").fetchall() == [("open",)]
    assert db.read_bytes() == before


EVENTS = ("spx", "set", "vix", "vro")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(EVENTS), expired_after=st.integers(0, len(EVENTS)), look_between=st.booleans(),
       undo_redo=st.integers(0, len(EVENTS)))
def test_any_import_order_ends_on_the_official_values(tmp_path, order, expired_after, look_between, undo_redo):
    """Whatever order the files come in, whether each comes before or after the expiry, and however many of
    them are undone and redone at the end, the book ends on SET and VRO: -$2,010.40 on the condors, the
    hedge at 22.75, nothing estimated."""
    paths = files(tmp_path)
    clock = Clock(BEFORE)
    with open_book(clock) as ws:
        condors = sell_condors(ws)
        future, calls = buy_vix_hedge(ws)
        for index, name in enumerate(order):
            if index == expired_after:
                clock.now = AFTER_SPX
            ws.import_history(paths[name])
            if look_between:
                ws.position_dicts(include_closed=True)  # listing settles what is due
        clock.now = AFTER_SPX
        for _ in range(undo_redo):
            ws.undo()
        for _ in range(undo_redo):
            ws.redo()
        ws.position_dicts(include_closed=True)
        assert [ws.position(p.id).settled_estimated for p in (condors, future, calls)] == [False] * 3
        assert pnl(ws, condors) == -2010.40
        assert pnl(ws, future, calls) == round((22.75 - 20) * 1000 + (2.75 - 1.50) * 400, 2)


def test_the_settlement_log_in_words_settled_resettled_and_reverted(tmp_path):
    """The lines the window's history shows under an expired position (``planner settlement log`` in words)."""
    from planner.app.settlement import describe_log

    clock = Clock(BEFORE)
    with Workspace.open(":memory:", clock=clock) as ws:  # no quote: with no value stored, nothing settles it
        condors = sell_condors(ws)
        paths = files(tmp_path)
        clock.now = AFTER_SPX
        ws.import_history(paths["spx"])
        ws.import_history(paths["set"])
        ws.undo()
        ws.undo()
        assert ws.position(condors.id).status is Status.OPEN
        assert describe_log(ws.settlement_logs()[condors.id]) == [
            "Settled at 20.00 pts (estimated): SPX open 6430 (estimate), 2026-12-18 17:00 ET",
            "Re-settled at 20.00 pts (official): SET 6430 (file), 2026-12-18 17:00 ET",
            "Re-settled at 20.00 pts (estimated): SPX open 6430 (estimate), 2026-12-18 17:00 ET",
            "Unsettled (open again): no settlement value, 2026-12-18 17:00 ET"]
        assert ws.settlement_logs()[condors.id] == ws.settlement_log(condors.id)
