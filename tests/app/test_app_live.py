"""Live quotes in the core: leg marks from the market, alerts, and which snapshots are stored."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, date, datetime, timedelta

import pytest

from planner.app import Workspace
from planner.app.alerts import AlertMonitor, CondorDistance, active_causes, expected_move, report_causes
from planner.app.leg_marks import LegMark, mark_sources, market_marks, with_market_marks
from planner.app.requests import CondorRequest, LayerRequest, QuoteRequest
from planner.domain import Settings
from planner.domain.suggestions import Action, Severity, Suggestion
from planner.feeds.ibkr import ContractQuote, LiveUpdate
from planner.feeds.ibkr_plan import leg_contracts, plan_subscriptions
from planner.feeds.snapshot_sampling import SnapshotSampler

NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
CURVE = ["2026-12-16=17.0", "2027-01-20=18.0"]


@pytest.fixture
def ws():
    with Workspace.open(":memory:", clock=lambda: NOW) as workspace:
        workspace.set_market(QuoteRequest(spx=5900, vix=16, vvix=90, futures=CURVE, rate=0.045, div=0.013))
        yield workspace


def book_with_call_and_condor(ws):
    # 1.20 is four times the model's value of this call at the fixture's quote: a fill the trader confirms
    call = ws.add_layer(LayerRequest(
        tier="mid", kind="vix-call", expiry="2026-12-16", strikes="25", qty=10, price="1.20", fees="12.34", force=True))
    condor = ws.add_condor(CondorRequest(
        expiry="2026-12-22", strikes="5575,5625,6175,6225", qty=5, credit="12.95", fees="20"))
    return call, condor


def update_of(quotes: dict[str, ContractQuote], unknown=()) -> LiveUpdate:
    return LiveUpdate(NOW, quotes, frozenset(unknown))


def test_market_mark_makes_the_pnl_to_the_cent(ws):
    call, condor = book_with_call_and_condor(ws)
    book = ws.book()
    specs = leg_contracts(book, spx=5900)
    by_key = {spec.key: spec for spec in specs}
    assert "VIX 2026-12-16 25 C" in by_key and "SPXW 2026-12-22 5575 P" in by_key
    quotes = {"VIX 2026-12-16 25 C": ContractQuote(bid=1.50, ask=1.70),
              "SPXW 2026-12-22 5575 P": ContractQuote(bid=3.10, ask=3.30),
              "SPXW 2026-12-22 5625 P": ContractQuote(last=4.45)}
    marks = market_marks(update_of(quotes), specs, book, ws.latest_snapshot(), NOW)
    leg = call.legs[0]
    assert marks[leg.id].mark == pytest.approx(1.60) and marks[leg.id].source == "market mid"
    assert marks[condor.legs[1].id].source == "market last"
    assert condor.legs[2].id not in marks  # no quote: the model marks it
    report = ws.analyze(scenarios=False, marks=marks)
    row = next(p for p in report.positions if p.id == call.id)
    expected = round((1.60 - leg.open_price) * leg.multiplier * leg.quantity - leg.fees, 2)
    assert round(row.legs[0].pnl_usd, 2) == expected
    assert row.legs[0].mark == pytest.approx(1.60)
    condor_row = next(p for p in report.positions if p.id == condor.id)
    short_put = next(r for r in condor_row.legs if r.leg_id == condor.legs[0].id)
    first = condor.legs[0]
    assert round(short_put.pnl_usd, 2) == round((3.20 - first.open_price) * first.multiplier * first.quantity
                                                 - first.fees, 2)
    plain = ws.analyze(scenarios=False)  # without marks: the model, as before
    assert next(p for p in plain.positions if p.id == call.id).legs[0].mark != pytest.approx(1.60)
    sources = mark_sources(book, marks)
    assert sources[leg.id] == "market mid" and sources[condor.legs[2].id] == "model"


def test_implied_vol_of_a_mark_lives_with_the_quote_not_the_leg(ws):
    call, _ = book_with_call_and_condor(ws)
    book = ws.book()
    stored_iv = ws.position(call.id).legs[0].iv
    specs = leg_contracts(book, spx=5900)
    marks = market_marks(update_of({"VIX 2026-12-16 25 C": ContractQuote(bid=1.50, ask=1.70)}), specs, book,
                         ws.latest_snapshot(), NOW)
    iv = marks[call.legs[0].id].iv
    from planner.calendars import time_to_expiry
    from planner.pricing import black76_greeks

    years = time_to_expiry(NOW, date(2026, 12, 16), "AM")
    price = black76_greeks(True, 17.0, 25.0, years, iv, 0.045).price
    assert float(price) == pytest.approx(1.60, abs=1e-6)
    assert ws.position(call.id).legs[0].iv == stored_iv


def test_a_typed_mark_stays_and_closed_legs_are_untouched(ws):
    call, _ = book_with_call_and_condor(ws)
    book = ws.book()
    typed = book.positions[0].with_changes(legs=(book.positions[0].legs[0].with_changes(mark=2.0),))
    from planner.domain import Book

    marked = with_market_marks(Book((typed, *book.positions[1:])), {call.legs[0].id: LegMark(call.legs[0].id, 1.6,
                                                                                             "market mid")})
    assert marked.positions[0].legs[0].mark == 2.0


def test_plan_puts_indexes_and_futures_first_and_respects_the_line_limit(ws):
    book_with_call_and_condor(ws)
    plan = plan_subscriptions(ws.book(), date(2026, 11, 23), line_limit=8, vx_months=3, spx=5900)
    keys = [spec.key for spec in plan.subscribed]
    assert keys[:3] == ["SPX", "VIX", "VVIX"]
    assert keys[3:6] == ["VX 2026-12-16", "VX 2027-01-20", "VX 2027-02-17"]
    assert len(keys) == 8 and len(plan.model_marked) == 3  # five leg contracts, two lines left
    near_money = {"SPXW 2026-12-22 5625 P", "SPXW 2026-12-22 6175 C"}
    assert set(keys[6:]) <= near_money | {"VIX 2026-12-16 25 C"}
    assert all(spec.leg_ids for spec in plan.model_marked)
    assert "model-marked" in plan.describe()


def suggestion(severity, rule="risk-cap"):
    return Suggestion(rule=rule, action=Action.WARN, severity=severity, reason=f"{severity} thing", condition=rule)


def test_alerts_once_per_cause_and_again_after_it_clears():
    settings = Settings()
    monitor = AlertMonitor()

    def causes(vix, used=1.0, suggestions=()):
        return active_causes(settings=settings, at=NOW, spx=5900.0, vix=vix, risk_used_pct=used, risk_cap_pct=1.5,
                             suggestions=suggestions)

    assert monitor.check(causes(17.0)) == []
    fresh = monitor.check(causes(18.5))
    assert [a.cause for a in fresh] == ["vix-tier:near"]
    assert monitor.check(causes(19.0)) == []  # still above: no repeat
    assert monitor.check(causes(17.5)) == []  # cleared
    assert [a.cause for a in monitor.check(causes(18.0))] == ["vix-tier:near"]  # crossed again
    assert [a.cause for a in monitor.check(causes(18.0, used=1.6))] == ["risk-cap"]
    assert monitor.check(causes(18.0, used=1.6)) == []
    urgent = suggestion(Severity.HIGH)
    assert [a.title for a in monitor.check(causes(18.0, suggestions=[urgent, suggestion(Severity.LOW, "x")]))] == [
        "High suggestion"]
    assert len(monitor.log) == 4


def test_each_alert_can_be_turned_off():
    off = Settings(alert_vix_tier=False, alert_risk_cap=False, alert_high_suggestion=False, alert_breakeven=False)
    found = active_causes(settings=off, at=NOW, spx=5900.0, vix=40.0, risk_used_pct=9.0, risk_cap_pct=1.5,
                          suggestions=[suggestion(Severity.CRITICAL)],
                          condors=[CondorDistance(1, (5890.0,), 10.0)])
    assert found == {}


def test_breakeven_alert_within_the_set_number_of_expected_moves():
    move = expected_move(5900.0, 16.0, 10.0)  # 5900 x 0.16 x sqrt(10/365) = 156.25 pts
    assert move == pytest.approx(5900 * 0.16 * math.sqrt(10 / 365))
    near = CondorDistance(7, (5900.0 - 0.9 * move, 6400.0), 10.0)
    far = CondorDistance(8, (5900.0 - 1.1 * move,), 10.0)
    found = active_causes(settings=Settings(), at=NOW, spx=5900.0, vix=16.0, condors=[near, far])
    assert set(found) == {"breakeven:7"}
    wider = active_causes(settings=Settings(alert_breakeven_moves=1.2), at=NOW, spx=5900.0, vix=16.0,
                          condors=[near, far])
    assert set(wider) == {"breakeven:7", "breakeven:8"}


def test_alert_causes_from_a_risk_report(ws):
    book_with_call_and_condor(ws)
    report = ws.analyze()
    found = report_causes(report, Settings(alert_breakeven_moves=10.0, equity=100.0), NOW)
    condor_id = next(p.id for p in report.positions if p.kind == "condor")
    assert f"breakeven:{condor_id}" in found
    assert "risk-cap" in found  # equity of $100 against a 1.5 % cap
    condor = next(p for p in report.positions if p.kind == "condor")
    nearest = min(abs(level - report.spx) for level in condor.break_evens_expiry)
    days = (datetime(2026, 12, 22, tzinfo=UTC) - NOW).total_seconds() / 86400 + 1
    moves = nearest / expected_move(report.spx, report.vix, days)
    # measured to the break-evens at expiry (short strikes -/+ the 12.95 credit, fees aside), not today's
    assert nearest == pytest.approx(6175 + 12.95 - 5900, abs=1.0)
    assert f"breakeven:{condor_id}" not in report_causes(report, Settings(alert_breakeven_moves=moves - 0.1), NOW)
    assert f"breakeven:{condor_id}" in report_causes(report, Settings(alert_breakeven_moves=moves + 0.1), NOW)


def test_sampler_stores_one_a_minute_and_the_session_close():
    sampler = SnapshotSampler(timedelta(seconds=60))
    start = datetime(2026, 11, 23, 20, 55, tzinfo=UTC)  # 15:55 New York
    stored = []
    for i in range(0, 4 * 60 * 8):  # 4 a second for 8 minutes, across the 16:00 close
        moment = start + timedelta(seconds=i / 4)
        stored += [(at, close) for at, close in sampler.offer(moment, moment)]
    regular = [at for at, close in stored if not close]
    closes = [at for at, close in stored if close]
    assert len(regular) == 8
    assert all(b - a >= timedelta(seconds=60) for a, b in itertools.pairwise(regular))
    assert closes == [datetime(2026, 11, 23, 21, 0, tzinfo=UTC) - timedelta(seconds=0.25)]
    assert sampler.offered == 4 * 60 * 8 and sampler.stored == 9


def test_the_line_limit_keeps_the_legs_with_most_dollar_risk(ws):
    from planner.app.leg_marks import leg_risk_weights

    book_with_call_and_condor(ws)
    report = ws.analyze(scenarios=False)
    weights = leg_risk_weights(report)
    assert len(weights) == 5 and all(w >= 0 for w in weights.values())
    plan = plan_subscriptions(ws.book(), date(2026, 11, 23), line_limit=7, vx_months=2, risk=weights)
    legs_in = [spec for spec in plan.subscribed if spec.leg_ids]
    legs_out = [spec for spec in plan.model_marked if spec.leg_ids]
    assert len(legs_in) == 2 and len(legs_out) == 3
    risk = {spec.key: sum(weights[i] for i in spec.leg_ids) for spec in legs_in + legs_out}
    assert min(risk[s.key] for s in legs_in) >= max(risk[s.key] for s in legs_out)
    for leg_row in (leg for p in report.positions for leg in p.legs):  # dollars for 1 % SPX + 1 vol point
        g = leg_row.greeks
        assert weights[leg_row.leg_id] == pytest.approx(abs(g.delta_spx_equiv_usd) * 59.0 + abs(g.vega_usd))
