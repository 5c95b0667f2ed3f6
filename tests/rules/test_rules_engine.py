"""`suggest`: the calm book, skipped rules, ids, merging, decisions, gates and the JSON form."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest
from rules_books import BIG_EQUITY, NOW, TIER_EXPIRY, at_mark, book, condor, context, history, market, vix_call

from planner.domain import Tier
from planner.domain.records import Decision, DecisionKind, Event, EventKind, Signal
from planner.domain.suggestions import Action
from planner.risk import analyze
from planner.rules import RuleOptions, suggest
from planner.rules.engine import COMPONENTS_KEY

CONDOR = condor(qty=20)


def run(the_book, snapshot, settings=BIG_EQUITY, **kwargs):
    return suggest(the_book, snapshot, settings, at=NOW, **kwargs)


def calm_history(days=252):
    rng = np.random.default_rng(1)
    vix = list(np.round(14.5 + rng.normal(0, 0.4, days), 2))
    spx = list(np.round(5800 * np.exp(np.cumsum(rng.normal(0.0003, 0.006, days))), 2))
    vvix = list(np.round(85 + rng.normal(0, 2, days), 2))
    return history(vix, spx, vvix)


def fully_hedged_book(vix=13.0):
    """VIX calls in every tier at the tier table's expiry and strike, sized 40/40/20 of a 50 % cover, bought at
    today's marks."""
    snapshot = market(vix=vix)
    ctx = context(book(CONDOR), snapshot)
    layers = []
    for i, tier in enumerate(("near", "mid", "long")):
        spec = ctx.tier_spec(tier)
        qty = round(ctx.tier_target_usd(tier) / spec.protection_usd)
        layer = vix_call(strike=spec.strikes[0], qty=qty, iv=spec.iv, expiry=TIER_EXPIRY[tier], tier=Tier(tier),
                         position_id=10 + i)
        layers.append(at_mark(layer, snapshot))
    return book(CONDOR, *layers), snapshot


def test_a_calm_fully_hedged_book_gets_no_add_roll_or_trim():
    the_book, snapshot = fully_hedged_book(13.0)
    result = run(the_book, snapshot, history=calm_history(), events=())
    assert result.report.coverage_pct == pytest.approx(50.0, abs=3.0)
    assert [s for s in result if s.action in (Action.ADD, Action.ROLL, Action.TRIM)] == []
    assert result.skipped == ()


def test_missing_history_is_explained_and_nothing_crashes():
    result = run(book(CONDOR), market(vix=25.0), history=history([15.0] * 150))
    reasons = dict(result.skipped)
    assert reasons["trend"] == "needs 200 daily VIX closes for its 200-day average, has 150"
    assert any(s.rule == "ladder" for s in result)
    empty = run(book(), market(vix=40.0))  # no positions, no history, no events
    assert list(empty) == []


def test_suggestions_are_sorted_by_severity():
    snapshot = market(vix=24.0)
    the_book = book(CONDOR)
    result = run(the_book, snapshot, settings=replace(BIG_EQUITY, equity=1_000_000.0),
                 events=[Event(NOW.date() + timedelta(days=1), EventKind.FOMC, "")])
    ranks = [s.severity.rank for s in result]
    assert ranks == sorted(ranks) and len(result) >= 3
    assert result[0].rule == "risk_cap"


def test_json_form_has_the_documented_keys_and_no_nan():
    result = run(book(CONDOR), market(vix=24.0))
    payload = result.to_json()
    text = json.dumps(payload, allow_nan=False)
    assert json.loads(text) == payload
    item = payload[0]
    assert set(item) == {"id", "rule", "action", "severity", "tier", "targets", "proposal", "reason", "reasons",
                         "figures"}
    assert {"instrument", "expiry", "strikes", "quantity", "price_pts", "cost_usd", "protection_usd",
            "coverage_after_pct", "risk_used_after_pct"} <= set(item["proposal"])


def test_ids_are_stable_for_the_same_condition():
    first = run(book(CONDOR), market(vix=24.0))
    later = suggest(book(CONDOR), market(vix=24.3), BIG_EQUITY, at=NOW + timedelta(minutes=30))
    assert [s.id for s in first] == [s.id for s in later]


def test_rules_proposing_the_same_trade_are_merged():
    result = run(book(CONDOR), market(vix=24.0))
    adds = [s for s in result if s.action is Action.ADD]
    # At VIX 24 near and mid are active, long (28) is not: ladder, coverage, break-even, one trade per tier.
    assert sorted(s.tier for s in adds) == ["mid", "near"]
    mid = next(s for s in adds if s.tier == "mid")
    assert len(mid.components) == 3 and mid.figures["plan_reasons"] == "ladder ADD, coverage ADD, breakeven ADD"
    assert len(mid.reasons) == 3 and mid.reason.startswith("3 reasons for one ADD in the mid tier")
    assert all(why in mid.reason for why in mid.reasons)
    assert mid.targets == (1,)  # the condor whose break-even drew it in


def dismiss(suggestion, at=NOW, kind=DecisionKind.DISMISS, until=None):
    return Decision(suggestion.id, suggestion.rule, str(suggestion.action), kind, at, "", until,
                    {COMPONENTS_KEY: list(suggestion.components)})


def test_dismissed_stays_quiet_until_the_condition_changes_materially():
    ladder_only = replace(BIG_EQUITY, coverage_low_pct=0.0, breakeven_move_ratio=0.0)
    shown = run(book(CONDOR), market(vix=23.0), ladder_only)
    mid = next(s for s in shown if s.tier == "mid")
    decisions = [dismiss(mid)]
    again = run(book(CONDOR), market(vix=25.0), ladder_only, decisions=decisions)
    assert mid.id not in [s.id for s in again]
    assert [s.id for s, _ in again.suppressed] == [mid.id]
    crossed = run(book(CONDOR), market(vix=28.5), ladder_only, decisions=decisions)  # the next threshold
    assert any(s.tier == "mid" and s.id != mid.id for s in crossed)


def test_a_dismissed_merge_keeps_its_parts_quiet():
    full = run(book(CONDOR), market(vix=24.0))
    mid = next(s for s in full if s.tier == "mid" and s.action is Action.ADD)
    assert len(mid.components) == 3
    alone = run(book(CONDOR), market(vix=24.0), replace(BIG_EQUITY, breakeven_move_ratio=0.0),
                decisions=[dismiss(mid)])
    assert not any(s.tier == "mid" for s in alone)


def test_snooze_lasts_until_its_date_and_accept_keeps_it_quiet():
    shown = run(book(CONDOR), market(vix=24.0))
    first = shown[0]
    until = NOW + timedelta(days=2)
    snoozed = [dismiss(first, kind=DecisionKind.SNOOZE, until=until)]
    assert first.id not in [s.id for s in run(book(CONDOR), market(vix=24.0), decisions=snoozed)]
    woke = suggest(book(CONDOR), market(vix=24.0), BIG_EQUITY, at=until + timedelta(minutes=1), decisions=snoozed)
    assert first.id in [s.id for s in woke]
    accepted = [dismiss(first, kind=DecisionKind.ACCEPT)]
    assert first.id not in [s.id for s in run(book(CONDOR), market(vix=24.0), decisions=accepted)]
    # The latest decision wins: a lapsed snooze after a dismissal brings it back.
    later = [dismiss(first), dismiss(first, at=NOW + timedelta(hours=1), kind=DecisionKind.SNOOZE,
                                     until=NOW + timedelta(hours=2))]
    assert first.id in [s.id for s in suggest(book(CONDOR), market(vix=24.0), BIG_EQUITY,
                                              at=NOW + timedelta(hours=3), decisions=later)]


def test_signal_gate_holds_back_only_its_rule_and_tier():
    options = RuleOptions(signal_gates={"ladder.long": "macro_stress"})
    off = run(book(CONDOR), market(vix=30.0), options=options, signals=[Signal("macro_stress", 0.0)])
    assert not any(s.rule == "ladder" and s.tier == "long" for s in off)
    assert any(s.rule == "coverage" and s.tier == "long" for s in off)  # other rules are not gated
    assert any(s.tier == "mid" for s in off)
    every_rule = RuleOptions(signal_gates={"*.long": "macro_stress"})
    off = run(book(CONDOR), market(vix=30.0), options=every_rule, signals=[Signal("macro_stress", 0.0)])
    assert not any(s.tier == "long" for s in off) and any(s.tier == "mid" for s in off)
    assert any("signal gate: macro_stress is off" in reason for _, reason in off.skipped)
    on = run(book(CONDOR), market(vix=30.0), options=every_rule, signals=[Signal("macro_stress", 1.0)])
    assert any(s.tier == "long" for s in on)
    unset = run(book(CONDOR), market(vix=30.0), options=every_rule)
    assert not any(s.tier == "long" for s in unset)


def test_indicator_gates_follow_the_direction_of_the_suggestion():
    rising = history(list(np.linspace(14.0, 29.0, 60)), vvix=list(np.linspace(80.0, 110.0, 60)))
    falling = history(list(np.linspace(29.0, 14.0, 60)), vvix=list(np.linspace(110.0, 80.0, 60)))
    for gate in ("rsi_gates", "macd_gates"):
        options = RuleOptions(**{gate: frozenset({"ladder"})})
        assert any(s.rule == "ladder" for s in run(book(CONDOR), market(vix=30.0), history=rising, options=options))
        held = run(book(CONDOR), market(vix=30.0), history=falling, options=options)
        assert not any(s.rule == "ladder" for s in held)
        assert any(rule == "ladder" for rule, _ in held.skipped)
    options = RuleOptions(realized_vol_gates=frozenset({"ladder"}))
    quiet_spx = history([15.0] * 30, spx=[5900.0 + (i % 2) for i in range(30)])
    held = run(book(CONDOR), market(vix=30.0), history=quiet_spx, options=options)
    assert not any(s.rule == "ladder" for s in held)
    no_history = run(book(CONDOR), market(vix=30.0), options=RuleOptions(rsi_gates=frozenset({"ladder"})))
    assert any("RSI gate: needs 15 daily VIX closes, has 0" in r for _, r in no_history.skipped)


def test_a_given_report_is_reused():
    report = analyze(book(CONDOR), market(vix=24.0), BIG_EQUITY, at=NOW)
    result = run(book(CONDOR), market(vix=24.0), risk=report)
    assert result.report is report
    assert [s.id for s in result] == [s.id for s in run(book(CONDOR), market(vix=24.0))]
    bare = analyze(book(CONDOR), market(vix=24.0), BIG_EQUITY, at=NOW, scenarios=False)  # no matrix to measure on
    again = run(book(CONDOR), market(vix=24.0), risk=bare)
    assert again.report is not bare and [s.id for s in again] == [s.id for s in result]


def test_gates_by_direction_and_from_settings():
    from types import SimpleNamespace

    from planner.rules import options_from_settings

    falling = history(list(np.linspace(29.0, 14.0, 60)))
    adds_only = RuleOptions(rsi_gates=frozenset({"adds"}))
    held = run(book(CONDOR), market(vix=30.0), history=falling, options=adds_only)
    assert not any(s.action is Action.ADD for s in held)
    gated = [reason for rule, reason in held.skipped if rule != "trend"]  # trend: 60 closes, not 200
    assert gated and all("held back by the RSI gate: RSI(14) of VIX is 0.0, below 50" in r for r in gated)
    assert options_from_settings(BIG_EQUITY) == RuleOptions()  # no gate keys yet: all off
    future = SimpleNamespace(gate_rsi_adds=True, gate_macd_exits=True, gate_rsi_rising_min=60.0)
    options = options_from_settings(future)
    assert options.rsi_gates == {"adds"} and options.macd_gates == {"exits"} and options.rsi_rising_min == 60.0
