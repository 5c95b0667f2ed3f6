"""Use cases: entering, closing and rolling positions; fees; entry IVs; change events."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import numpy as np
import pytest

from planner.app import Changed, Workspace
from planner.app.entry_iv import skew_vols
from planner.app.requests import CloseRequest, CondorRequest, LayerRequest, QuoteRequest, RollRequest
from planner.domain import Status
from planner.domain.errors import InputError, StateError
from planner.pricing import black76_greeks, bsm_greeks

NOW = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
SPX_EXPIRY = "2026-12-22"
VIX_EXPIRY = "2026-12-16"
CURVE = ["2026-12-16=17.0", "2027-01-20=18.0", "2027-02-17=18.55"]


@pytest.fixture
def ws():
    with Workspace.open(":memory:", clock=lambda: NOW) as workspace:
        yield workspace


def condor(ws, **changes):
    fields = {"expiry": SPX_EXPIRY, "strikes": "5575,5625,6175,6225", "qty": 10, "credit": "12.95"}
    return ws.add_condor(CondorRequest(**{**fields, **changes}))


def market(ws, futures=CURVE, **changes):
    fields = {"spx": 5900, "vix": 16, "vvix": 90, "futures": futures, "rate": 0.045, "div": 0.013}
    return ws.set_market(QuoteRequest(**{**fields, **changes}))


def years(expiry: date, settlement: str = "PM") -> float:
    from planner.calendars import time_to_expiry

    return time_to_expiry(NOW, expiry, settlement)


def test_fees_are_spread_in_cents_and_sum_exactly(ws):
    position = condor(ws, fees="10.01")
    assert [leg.fees for leg in position.legs] == [2.51, 2.5, 2.5, 2.5]
    assert round(sum(leg.fees for leg in position.legs), 2) == 10.01
    closed = ws.close_position(CloseRequest(position_id=position.id, price="3.2", fees="5.03"))
    assert [leg.fees for leg in closed.legs] == [3.79, 3.75, 3.75, 3.75]  # remainder cents on the first leg
    assert round(closed.fees, 2) == 15.04
    assert closed.realized_pnl() == pytest.approx((12.95 - 3.2) * 100 * 10 - 15.04)


def test_condor_without_a_snapshot_waits_for_the_first_one(ws):
    position = condor(ws)
    assert all(leg.iv is None and leg.open_price is None for leg in position.legs)
    result = market(ws)
    assert [p.id for p in result.filled] == [position.id]
    filled = ws.position(position.id)
    strikes = np.array([leg.strike for leg in filled.legs])
    ivs = np.array([leg.iv for leg in filled.legs])
    # one parallel shift of the skew rule...
    shift = ivs - skew_vols(strikes, 5900.0, 0.16, 0.9, 0.3)
    assert np.allclose(shift, shift[0], atol=1e-12)
    assert ivs[0] > ivs[1] > ivs[2] > ivs[3]  # put skew
    # ...so that the model values of the legs add up to the credit
    prices = bsm_greeks(np.array([False, False, True, True]), 5900.0, strikes, years(date(2026, 12, 22)), ivs,
                        0.045, 0.013).price
    assert np.allclose(prices, [leg.open_price for leg in filled.legs])
    assert prices[1] - prices[0] + prices[2] - prices[3] == pytest.approx(12.95, abs=1e-8)
    assert all(leg.iv_vix == 16.0 for leg in filled.legs)
    # kept once known: a later snapshot does not touch it
    assert market(ws, vix=25).filled == ()
    assert ws.position(position.id).legs == filled.legs


def test_vix_call_iv_from_its_own_future(ws):
    market(ws)
    layer = ws.add_layer(LayerRequest(
        tier="near", kind="vix-call", expiry=VIX_EXPIRY, strikes="19", qty=20, price="0.85"))
    (leg,) = layer.legs
    assert leg.open_price == 0.85
    model = black76_greeks(True, 17.0, 19.0, years(date(2026, 12, 16), "AM"), leg.iv, 0.045).price
    assert float(model) == pytest.approx(0.85, abs=1e-9)
    assert 0.5 < leg.iv < 1.5


def test_vix_leg_waits_for_a_snapshot_listing_its_future(ws):
    market(ws, futures=["2027-01-20=18.0"])
    layer = ws.add_layer(LayerRequest(
        tier="near", kind="vix-call-spread", expiry=VIX_EXPIRY, strikes="18,25", qty=10, price="0.9"))
    assert all(leg.iv is None for leg in layer.legs)
    assert market(ws, futures=["2027-01-20=18.1"]).filled == ()
    filled = market(ws, futures=["2026-12-16=17.2"]).filled
    assert [p.id for p in filled] == [layer.id]
    long_leg, short_leg = filled[0].legs
    assert long_leg.iv == short_leg.iv
    values = black76_greeks(True, 17.2, np.array([18.0, 25.0]), years(date(2026, 12, 16), "AM"), long_leg.iv,
                            0.045).price
    assert values[0] - values[1] == pytest.approx(0.9, abs=1e-9)
    assert (long_leg.open_price, short_leg.open_price) == pytest.approx(tuple(values))


def test_spx_put_spread_layer_is_priced_with_the_skew(ws):
    market(ws)
    layer = ws.add_layer(LayerRequest(
        tier="long", kind="spx-put-spread", expiry="2027-03-19", strikes="5300,4700", qty=2, price="40"))
    assert [leg.settlement for leg in layer.legs] == ["PM", "PM"]
    strikes = np.array([5300.0, 4700.0])
    ivs = np.array([leg.iv for leg in layer.legs])
    assert ivs[1] > ivs[0]
    values = bsm_greeks(False, 5900.0, strikes, years(date(2027, 3, 19)), ivs, 0.045, 0.013).price
    assert values[0] - values[1] == pytest.approx(40.0, abs=1e-8)


def test_vix_future_layer(ws):
    layer = ws.add_layer(LayerRequest(
        tier="near", kind="vix-future", expiry=VIX_EXPIRY, qty=1, price="17.1", fees="4.2"))
    (leg,) = layer.legs
    assert (leg.instrument, leg.multiplier, leg.open_price, leg.fees, leg.iv) == ("vix-future", 1000, 17.1, 4.2,
                                                                                 None)
    closed = ws.close_position(CloseRequest(position_id=layer.id, price="19.35"))
    assert closed.realized_pnl() == pytest.approx((19.35 - 17.1) * 1000 - 4.2)
    assert closed.legs[0].close_price == 19.35


def test_closing_twice_is_refused(ws):
    position = condor(ws)
    ws.close_position(CloseRequest(position_id=position.id, price="1"))
    with pytest.raises(StateError, match=f"position {position.id} must be open to close it, got status closed"):
        ws.close_position(CloseRequest(position_id=position.id, price="1"))


def test_roll_is_one_change_and_keeps_the_chain(ws):
    first_condor = condor(ws)
    near = ws.add_layer(LayerRequest(
        tier="near", kind="vix-call", expiry=VIX_EXPIRY, strikes="19", qty=20, price="1.35", fees="26",
        protects=str(first_condor.id), note="front month"))
    before = ws.book()
    old, new = ws.roll_layer(RollRequest(
        position_id=near.id, close_price="0.40", expiry="2027-01-20", strikes="20", price="1.10", fees="52.01"))
    assert (old.status, old.close_price, old.closed_at) == (Status.ROLLED, 0.40, NOW)
    assert (new.rolled_from, new.tier, new.layer_kind, new.protects, new.note) == (
        old.id, near.tier, near.layer_kind, (first_condor.id,), "front month")
    assert new.quantity == 20 and new.legs[0].strike == 20
    # the roll ticket's fees: spread over the closing and the opening legs, exactly
    assert round(old.fees - 26 + new.fees, 2) == 52.01
    rows = {row["id"]: row for row in ws.position_dicts(include_closed=True)}
    assert rows[new.id]["chain_root_id"] == near.id
    assert rows[new.id]["chain_ids"] == [near.id, new.id]
    assert rows[new.id]["chain_cost_basis"] == 1.35 * 100 * 20
    assert rows[new.id]["chain_realized_pnl"] == round(old.realized_pnl(), 2)
    assert ws.journal(1)[0].label == f"roll {near.id} into {new.id}"
    ws.undo()
    assert ws.book() == before


def test_roll_defaults_and_refusals(ws):
    layer = ws.add_layer(LayerRequest(
        tier="mid", kind="vix-call-spread", expiry=VIX_EXPIRY, strikes="20,30", qty=5, price="1"))
    _, new = ws.roll_layer(RollRequest(
        position_id=layer.id, close_price="0.2", expiry="2027-01-20", price="1.2", qty="7"))
    assert [leg.strike for leg in new.legs] == [20, 30] and new.quantity == 7
    with pytest.raises(StateError, match="must be open to roll it"):
        ws.roll_layer(RollRequest(position_id=layer.id, close_price="0.2", expiry="2027-01-20", price="1.2"))
    with pytest.raises(InputError, match="expiry must be a listed VIX expiry"):
        ws.roll_layer(RollRequest(position_id=new.id, close_price="0.2", expiry="2027-01-22", price="1.2"))
    assert ws.position(new.id).is_open


def test_entered_in_the_past_with_an_earlier_snapshot(ws):
    market(ws, asof="2026-11-20T15:00")
    position = condor(ws, opened="2026-11-20T15:30")
    assert all(leg.iv is not None for leg in position.legs)


def test_change_events(ws):
    heard: list[Changed] = []
    unsubscribe = ws.subscribe(heard.append)
    position = condor(ws)
    market(ws)
    ws.set_setting("equity", "150000")
    ws.undo()
    unsubscribe()
    condor(ws)
    assert [sorted(c.topics) for c in heard] == [["book"], ["book", "market"], ["settings"], ["settings"]]
    assert heard[0].position_ids == (position.id,)


def test_poll_sees_other_connections(tmp_path):
    path = tmp_path / "shared.db"
    with Workspace.open(path, clock=lambda: NOW) as window, Workspace.open(path, clock=lambda: NOW) as cli:
        heard = []
        window.subscribe(heard.append)
        assert not window.poll()
        condor(cli)
        assert window.poll()
        assert heard and heard[0].external
        assert not window.poll()
        assert len(window.book().positions) == 1


def test_history_frame_and_records_through_the_workspace(ws):
    assert ws.history_frame().empty
    assert ws.events() == [] and ws.signals() == [] and ws.decisions() == []
    assert math.isclose(ws.settings().equity, 100_000.0)


def test_a_quote_on_a_book_whose_ivs_are_known_does_not_load_the_iv_solver(tmp_path):
    """The window's first quote used to import scipy's root finder (a third of a second) on every book; only
    a book with positions still waiting for their IVs needs it. Each session in a fresh interpreter."""
    import subprocess
    import sys

    def session(quote: str, extra: str = "") -> list[str]:
        script = f"""
import sys
from datetime import UTC, datetime
from planner.app import Workspace
from planner.app.requests import CondorRequest, QuoteRequest
with Workspace.open({str(tmp_path / "book.db")!r}, clock=lambda: datetime(2026, 11, 22, 17, 0, tzinfo=UTC)) as ws:
    {extra}
    before = "scipy.optimize" in sys.modules
    filled = [p.id for p in ws.set_market(QuoteRequest({quote})).filled]
    print(before, filled, "scipy.optimize" in sys.modules)
"""
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    condor = 'ws.add_condor(CondorRequest(expiry="2026-12-22", strikes="5575,5625,6175,6225", qty=10, credit="12.95"))'
    assert session("spx=5900, vix=16", condor)[1:] == ["[1]", "True"]  # the condor waited for a quote: solved
    assert session("spx=5910, vix=16.2") == ["False", "[]", "False"]  # every IV known: no solver loaded
