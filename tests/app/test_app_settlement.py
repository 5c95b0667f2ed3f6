"""Expired positions settle at intrinsic value, from a recorded price or estimated from the last snapshot."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from planner.app import Workspace
from planner.app.requests import CondorRequest, LayerRequest, QuoteRequest
from planner.domain import Status


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock(datetime(2026, 11, 22, 17, 0, tzinfo=UTC))


@pytest.fixture
def ws(clock):
    with Workspace.open(":memory:", clock=clock) as workspace:
        workspace.set_market(QuoteRequest(spx=5900, vix=16, futures=["2026-12-16=17"]))
        yield workspace


def add_condor(ws):
    return ws.add_condor(CondorRequest(
        expiry="2026-12-04", strikes="5575,5625,6175,6225", qty=10, credit="12.95", fees="52"))


def test_nothing_settles_before_the_close(ws, clock):
    condor = add_condor(ws)
    clock.now = datetime(2026, 12, 4, 20, 59, tzinfo=UTC)  # 15:59 ET on expiry day
    assert ws.settle_expired() == []
    assert ws.position(condor.id).is_open


def test_estimated_then_recorded(ws, clock, tmp_path):
    condor = add_condor(ws)
    clock.now = datetime(2026, 12, 4, 22, 0, tzinfo=UTC)
    rows = {r["id"]: r for r in ws.position_dicts(include_closed=True)}  # listing settles
    settled = ws.position(condor.id)
    assert (settled.status, settled.close_price, settled.settled_estimated) == (Status.EXPIRED, 0.0, True)
    assert settled.closed_at == datetime(2026, 12, 4, 21, 0, tzinfo=UTC)  # the 16:00 ET close
    assert rows[condor.id]["settled_estimated"] is True
    assert settled.realized_pnl() == pytest.approx(12.95 * 100 * 10 - 52)
    assert ws.journal(1)[0].label == f"add condor {condor.id}"  # settlement is derived, not an undo step
    assert [r.basis for r in ws.settlement_log(condor.id)] == ["SPX 5900 quoted 2026-11-22 12:00 ET (estimate)"]

    closes = tmp_path / "SPX_History.csv"
    closes.write_text("DATE,OPEN,HIGH,LOW,CLOSE\n12/04/2026,5640,5650,5590,5600\n", encoding="utf-8")
    ws.import_history(closes)
    recorded = ws.position(condor.id)
    assert (recorded.close_price, recorded.settled_estimated) == (25.0, False)
    assert [leg.close_price for leg in recorded.legs] == [0.0, 25.0, 0.0, 0.0]
    assert recorded.realized_pnl() == pytest.approx((12.95 - 25.0) * 100 * 10 - 52)


def test_vix_layer_settles_on_the_expiry_morning_future_as_an_estimate(ws, clock):
    layer = ws.add_layer(LayerRequest(
        tier="near", kind="vix-call", expiry="2026-12-16", strikes="19", qty=20, price="0.85"))
    clock.now = datetime(2026, 12, 16, 15, 0, tzinfo=UTC)  # 10:00 ET, after the 09:30 SOQ
    ws.set_market(QuoteRequest(spx=5800, vix=21, futures=["2026-12-16=21.3", "2027-01-20=21.0"]))
    settled = ws.position(layer.id)
    assert (settled.status, settled.settled_estimated) == (Status.EXPIRED, True)  # VRO is the official value
    assert settled.close_price == pytest.approx(2.3)
    assert settled.realized_pnl() == pytest.approx((2.3 - 0.85) * 100 * 20)


def test_no_market_data_at_all_leaves_it_open(clock):
    with Workspace.open(":memory:", clock=clock) as ws:
        condor = add_condor(ws)
        clock.now = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
        assert ws.settle_expired() == []
        assert ws.position(condor.id).is_open


def test_settlement_is_not_an_undo_step(ws, clock):
    condor = add_condor(ws)
    clock.now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert [p.id for p in ws.settle_expired()] == [condor.id]
    entry, positions = ws.undo()  # undoes the sale itself: the settlement was never a step
    assert entry.label == f"add condor {condor.id}" and positions == []
    ws.redo()
    assert ws.position_dicts(include_closed=True)[0]["status"] == "expired"  # settles again when listed
    assert ws.position(condor.id).status is Status.EXPIRED
