"""``init --demo``: a realistic, self-consistent sample book relative to today."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from planner import calendars
from planner.app import Workspace
from planner.app.inputs import ET
from planner.domain import LayerKind, PositionKind, Status, Tier
from planner.domain.errors import StateError
from planner.pricing import bsm_greeks


@pytest.fixture(scope="module", params=[datetime(2026, 11, 22, 17, 0, tzinfo=UTC),
                                        datetime(2027, 3, 3, 15, 30, tzinfo=UTC)], ids=["sunday", "wednesday"])
def demo(request):
    ws = Workspace.open(":memory:", clock=lambda: request.param)
    ws.init(demo_book=True)
    yield ws, request.param
    ws.close()


def test_condors(demo):
    ws, now = demo
    today = now.astimezone(ET).date()
    condors = ws.book().condors
    assert [c.quantity for c in condors] == [10, 5]
    days = [(c.expiry - today).days for c in condors]
    assert 25 <= days[0] <= 35 and 40 <= days[1] <= 50
    snapshot = ws.latest_snapshot()
    for condor, dte in zip(condors, days, strict=True):
        assert calendars.is_listed_expiry("spx-daily", condor.expiry)
        k1, k2, k3, k4 = (leg.strike for leg in condor.legs)
        assert k2 - k1 == 50 and k4 - k3 == 50
        move = snapshot.spx * snapshot.vix / 100 * math.sqrt(dte / 365)
        assert 0.9 < (snapshot.spx - k2) / move < 1.2 and 0.9 < (k3 - snapshot.spx) / move < 1.2
        assert 0 < condor.open_price < 50
        legs = condor.legs
        assert all(leg.iv and leg.open_price is not None for leg in legs)
        assert -legs[0].open_price + legs[1].open_price + legs[2].open_price - legs[3].open_price == pytest.approx(
            condor.open_price)
        t = calendars.time_to_expiry(now, condor.expiry, "PM")
        prices = bsm_greeks(np.array([False, False, True, True]), 5900.0, np.array([k1, k2, k3, k4]), t,
                            np.array([leg.iv for leg in legs]), 0.045, 0.013).price
        assert np.allclose(prices, [leg.open_price for leg in legs])


def test_layers_near_and_long_with_the_mid_tier_empty(demo):
    ws, now = demo
    today = now.astimezone(ET).date()
    snapshot = ws.latest_snapshot()
    layers = {layer.tier: layer for layer in ws.book().layers}
    assert set(layers) == {Tier.NEAR, Tier.LONG}
    near, long = layers[Tier.NEAR], layers[Tier.LONG]
    assert near.expiry == min(e for e, _ in snapshot.vix_futures if (e - today).days >= 14)
    assert (long.expiry - today).days >= 90
    assert abs(near.legs[0].strike - 1.1 * snapshot.future_price(near.expiry)) <= 0.5
    assert abs(long.legs[0].strike - 1.3 * snapshot.future_price(long.expiry)) <= 0.5
    condor_ids = tuple(c.id for c in ws.book().condors)
    for layer in (near, long):
        assert layer.layer_kind is LayerKind.VIX_CALL and layer.protects == condor_ids
        assert 0 < layer.open_price < 5 and 0.3 < layer.legs[0].iv < 2
    rolled = ws.position(near.rolled_from)
    assert rolled.status is Status.ROLLED and rolled.tier is Tier.NEAR
    assert rolled.closed_at == near.opened_at and rolled.expiry > rolled.closed_at.astimezone(ET).date()
    closed = [p for p in ws.book().positions if p.status is Status.CLOSED]
    assert len(closed) == 1 and closed[0].kind is PositionKind.LAYER
    chain = next(row for row in ws.position_dicts() if row["id"] == near.id)
    assert chain["chain_ids"] == [rolled.id, near.id]
    assert chain["chain_realized_pnl"] == round(rolled.realized_pnl(), 2)


def test_market_snapshot_and_curve(demo):
    ws, now = demo
    snapshot = ws.latest_snapshot()
    assert (snapshot.spx, snapshot.vix, snapshot.vvix, snapshot.rate, snapshot.div_yield, snapshot.source) == (
        5900.0, 16.0, 90.0, 0.045, 0.013, "demo")
    assert 6 <= len(snapshot.vix_futures) <= 7
    for expiry, price in snapshot.vix_futures:
        assert calendars.is_listed_expiry("vix", expiry)
        t = calendars.time_to_expiry(now, expiry, "AM")
        assert price == pytest.approx(round((20 + (16 - 20) * math.exp(-4.3 * t)) / 0.05) * 0.05)
    prices = [p for _, p in snapshot.vix_futures]
    assert prices == sorted(prices)  # contango at VIX 16


def test_a_year_of_history_ending_yesterday(demo):
    ws, now = demo
    today = now.astimezone(ET).date()
    frame = ws.history_frame()
    assert list(frame.columns) == ["SPX", "VIX", "VVIX"] and len(frame) == 252
    assert not frame.isna().any().any()
    days = [d.date() for d in frame.index]
    assert days[-1] == calendars.previous_trading_day(today)
    assert days == calendars.spx_daily_expirations(days[0], days[-1])  # sessions only, no weekends or holidays
    assert 16 <= frame["VIX"].mean() <= 19 and frame["VIX"].between(10, 45).all()
    assert frame["SPX"].iloc[-1] == pytest.approx(5890, abs=1) and frame["SPX"].between(4500, 7500).all()
    assert frame["VVIX"].between(60, 200).all()


def test_events_in_the_coming_weeks(demo):
    ws, now = demo
    today = now.astimezone(ET).date()
    events = ws.events()
    assert sorted(e.kind for e in events) == ["CPI", "FOMC"]
    assert all(today < e.date <= today + timedelta(days=60) for e in events)


def test_demo_needs_an_empty_book_and_undoes_in_one_step():
    now = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
    with Workspace.open(":memory:", clock=lambda: now) as ws:
        ws.init(demo_book=True)
        with pytest.raises(StateError, match="book must be empty for init --demo, got 6 positions"):
            ws.init(demo_book=True)
        ws.undo()
        assert ws.book().positions == () and ws.history_frame().empty
        assert ws.latest_snapshot() is not None  # a stored quote is never an undo step, whoever stored it


def test_the_demo_account_fits_its_risk_cap(demo):
    # The equity and the cap are consistent: no condor breaks the 1.5 % cap, so the risk-cap rule stays quiet
    # (at the default $100,000 any realistic condor would break it on every review).
    from planner.risk import analyze
    from planner.rules import suggest

    ws, now = demo
    settings = ws.settings()
    report = analyze(ws.book(), ws.latest_snapshot(), settings, at=now, light=True)
    assert 0 < report.risk_used_pct <= settings.risk_cap_in_force_pct
    found = suggest(ws.book(), ws.latest_snapshot(), settings, history=ws.history_frame(), events=ws.events(), at=now)
    assert not [s for s in found if s.rule == "risk_cap"]
