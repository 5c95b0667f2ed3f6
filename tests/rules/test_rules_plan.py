"""One plan per review (DOMAIN.md "The hedge method as rules"): scenario books, each asserting on the plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from rules_books import (
    BIG_EQUITY,
    ET,
    NOW,
    VIX_DEC,
    VIX_JAN,
    book,
    condor,
    context,
    history,
    market,
    vix_call,
)

from planner import calendars
from planner.domain import Tier
from planner.domain.positions import Status
from planner.domain.records import Decision, DecisionKind, Event, EventKind
from planner.domain.settings import Settings
from planner.domain.suggestions import Action
from planner.rules import suggest
from planner.rules.engine import COMPONENTS_KEY
from planner.rules.proposals import tier_vix_expiry
from planner.rules.sizing import contracts_short

CONDOR = condor(qty=20)
CALM = history([15.0] * 30)  # a month of VIX at 15: no tier was active before today


def plan(the_book, snapshot, settings=BIG_EQUITY, closes=CALM, **kwargs):
    return suggest(the_book, snapshot, settings, at=NOW, history=closes, **kwargs)


def sides(result) -> list[tuple[str, str, date]]:
    """(tier, "buy" | "sell", expiry) of every leg the plan trades; a ROLL's close is part of its one trade."""
    legs = []
    for s in result:
        trade = s.proposal
        if trade is None or trade.instrument == "condor" or s.action is Action.WARN:
            continue
        legs.append((s.tier, "buy" if trade.side == "buy" else "sell", trade.expiry))
    return legs


def assert_coherent(result) -> None:
    """One trade per tier; never a buy and a sell in one tier or on one expiry."""
    traded = [s for s in result if s.proposal is not None and s.proposal.instrument != "condor"
              and s.proposal.instrument != "spx-put-spread"]
    tiers = [s.tier for s in traded]
    assert len(tiers) == len(set(tiers)), tiers
    legs = sides(result)
    for tier in {t for t, _, _ in legs}:
        assert len({side for t, side, _ in legs if t == tier}) == 1, (tier, legs)
    for expiry in {e for _, _, e in legs}:
        assert len({side for _, side, e in legs if e == expiry}) == 1, (expiry, legs)


# -- a ROLL and an ADD into one tier ---------------------------------------------------------------------------------
def test_a_roll_and_an_add_into_one_tier_become_one_trade():
    snapshot = market(vix=24.0)  # near and mid active
    decayed = vix_call(strike=45.0, qty=2, expiry=VIX_JAN, tier=Tier.MID, position_id=10)  # delta far under 0.15
    ctx = context(book(CONDOR, decayed), snapshot, closes=CALM)
    assert ctx.report.coverage_pct < 40  # coverage wants a mid ADD, delta decay a mid ROLL
    result = plan(book(CONDOR, decayed), snapshot)
    assert_coherent(result)
    [mid] = [s for s in result if s.tier == "mid"]
    assert mid.action is Action.ROLL and mid.proposal.position_id == 10
    rules = {part.split()[0] for part in mid.figures["plan_reasons"].split(", ")}
    assert {"delta_decay", "coverage"} <= rules and len(mid.reasons) == len(mid.components) >= 2
    # Sized once, to the mid tier's goal with the rolled layer gone: not the ROLL's size plus the ADD's.
    spec = ctx.tier_spec("mid")
    goal = max(ctx.tier_target_usd("mid"), mid.figures["tier_goal_usd"])
    assert mid.proposal.quantity == contracts_short(goal, 0.0, spec.protection_usd)
    assert mid.proposal.quantity * spec.protection_usd <= ctx.tier_target_usd("mid") + 1e-6


# -- never a buy and a sell in one tier or on one expiry -------------------------------------------------------------
def aged_mid_book():
    """A big mid layer that aged onto December, the near tier's expiry: coverage far over the ceiling."""
    return book(CONDOR, vix_call(strike=18.0, qty=40, expiry=VIX_DEC, tier=Tier.MID, position_id=10))


def test_no_plan_buys_and_sells_on_one_expiry():
    snapshot = market(vix=19.0)  # near active; the trend rule and the ladder want a near layer on December
    trending = history([15.0] * 200)
    ctx = context(aged_mid_book(), snapshot, closes=trending)
    assert ctx.report.coverage_pct > 60 and ctx.tier_spec("near").expiry == VIX_DEC
    result = plan(aged_mid_book(), snapshot, closes=trending)
    assert_coherent(result)
    assert [s.action for s in result if s.tier == "near"] == [Action.ADD]
    assert not [s for s in result if s.action is Action.TRIM]  # selling December while buying it: a round trip
    assert any("selling it in the same plan would be a round trip" in why for _, why in result.skipped)
    # Dismissing the ADD re-plans the rest: the TRIM, no longer against a buy, comes back.
    add = next(s for s in result if s.tier == "near")
    dismissed = Decision(add.id, add.rule, str(add.action), DecisionKind.DISMISS, NOW, "", None,
                         {COMPONENTS_KEY: list(add.components)})
    again = plan(aged_mid_book(), snapshot, closes=trending, decisions=[dismissed])
    assert [s.action for s in again] == [Action.TRIM]


@pytest.mark.parametrize("vix", [13.0, 19.0, 24.0, 30.0, 45.0])
def test_plans_over_scenario_books_are_coherent(vix):
    snapshot = market(vix=vix)
    books = [book(CONDOR), aged_mid_book(),
             book(CONDOR, vix_call(strike=45.0, qty=2, expiry=VIX_JAN, tier=Tier.MID, position_id=10)),
             book(CONDOR, vix_call(strike=16.0, qty=3, expiry=VIX_DEC, tier=Tier.NEAR, position_id=10, price=0.2),
                  vix_call(strike=30.0, qty=30, expiry=VIX_JAN, tier=Tier.MID, position_id=11))]
    events = [Event(date(2026, 11, 25), EventKind.FOMC, "", id=1)]
    for the_book in books:
        assert_coherent(plan(the_book, snapshot, closes=history([15.0] * 200), events=events))


# -- distinct tenors -------------------------------------------------------------------------------------------------
def test_near_mid_and_long_resolve_to_three_distinct_expiries_in_order():
    result = plan(book(CONDOR), market(vix=30.0))
    expiries = {s.tier: s.proposal.expiry for s in result if s.action is Action.ADD}
    assert expiries["near"] < expiries["mid"] < expiries["long"]
    settings = Settings()
    for offset in range(0, 365, 3):  # every third day of a year: the layering never collapses
        at = datetime(2026, 1, 2, 15, 0, tzinfo=ET) + timedelta(days=offset)
        near, mid, long = (tier_vix_expiry(t, at, settings) for t in ("near", "mid", "long"))
        assert near < mid < long, (at, near, mid, long)


# -- TRIM lands on the target ----------------------------------------------------------------------------------------
def test_a_trim_lands_on_the_target_not_above_the_ceiling():
    snapshot = market(vix=17.0)  # no tier active (at 19 the ladder would buy December, where the layer sits)
    ctx = context(aged_mid_book(), snapshot, closes=CALM)
    result = plan(aged_mid_book(), snapshot)
    [trim] = [s for s in result if s.action is Action.TRIM]
    per_contract = 100 * ctx.position_protection_usd(ctx.book.get(10)) / 40 / abs(ctx.exposure_usd)
    after = trim.proposal.coverage_after_pct
    assert abs(after - 50.0) <= per_contract / 2 + 1e-9  # the whole-contract quantity nearest the target
    assert 40.0 <= after < 60.0
    assert trim.proposal.quantity > 1


# -- no buy-back within the hold -------------------------------------------------------------------------------------
def sold_near(days_ago: int, take_profit: bool = False):
    """A near layer sold ``days_ago`` sessions before NOW (closed, as the store keeps it)."""
    day = NOW.date()
    for _ in range(days_ago):
        day = calendars.previous_trading_day(day)
    closed_at = datetime(day.year, day.month, day.day, 15, 0, tzinfo=ET)
    note = "take_profit" if take_profit else ""
    return vix_call(strike=17.0, qty=10, expiry=VIX_DEC, tier=Tier.NEAR, position_id=30).with_changes(
        status=Status.CLOSED, closed_at=closed_at, close_price=2.0, note=note)


def test_an_exit_does_not_produce_a_buy_back_within_the_hold():
    snapshot = market(vix=19.0)  # near active, coverage nil: coverage and the ladder want a near layer
    near_vix = history([19.0] * 10)  # VIX has stayed above 18: no upward cross since the sale
    held = plan(book(CONDOR, sold_near(2)), snapshot, closes=near_vix)
    assert not [s for s in held if s.tier == "near" and s.action is Action.ADD]
    assert any("no buy in that tier for 5 sessions" in why for _, why in held.skipped)
    assert not [s for s in plan(book(CONDOR, sold_near(5)), snapshot, closes=near_vix) if s.tier == "near"]
    later = plan(book(CONDOR, sold_near(6)), snapshot, closes=near_vix)  # the hold is over
    assert [s.action for s in later if s.tier == "near"] == [Action.ADD]
    crossed = history([19.0] * 8 + [17.5, 17.6])  # sold at 19, fell under 18, back above: a new climb
    assert [s.action for s in plan(book(CONDOR, sold_near(2)), snapshot, closes=crossed) if s.tier == "near"] == [
        Action.ADD]


def test_after_a_take_profit_the_tier_rests_until_vix_crosses_its_threshold_upward():
    snapshot = market(vix=19.0)
    above = history([19.0] * 20)
    rested = plan(book(CONDOR, sold_near(10, take_profit=True)), snapshot, closes=above)
    assert not [s for s in rested if s.tier == "near"]  # hold long over, but the tier is not active
    crossed = history([19.0] * 12 + [17.0, 19.0])
    assert [s.action for s in plan(book(CONDOR, sold_near(10, take_profit=True)), snapshot, closes=crossed)
            if s.tier == "near"] == [Action.ADD]


# -- the ladder gates coverage ---------------------------------------------------------------------------------------
def test_at_vix_19_with_only_the_near_tier_active_no_mid_or_long_layer_is_bought_for_coverage():
    snapshot = market(vix=19.0)
    ctx = context(book(CONDOR), snapshot, closes=CALM)
    assert ctx.active_tiers == ("near",) and ctx.report.coverage_pct < 40
    result = plan(book(CONDOR), snapshot)
    assert {s.tier for s in result if s.action is Action.ADD} == {"near"}
    [near] = [s for s in result if s.tier == "near"]
    # The whole 50 % target goes to the one active tier.
    assert near.proposal.coverage_after_pct == pytest.approx(50.0, abs=100 * ctx.tier_spec("near").protection_usd
                                                             / abs(ctx.exposure_usd))


def test_hysteresis_keeps_a_tier_active_until_vix_is_two_points_under_its_threshold():
    was_above = history([15.0] * 10 + [23.0, 21.0])  # mid (22) crossed, then VIX fell within 2 points
    assert context(book(CONDOR), market(vix=20.5), closes=was_above).active_tiers == ("near", "mid")
    assert context(book(CONDOR), market(vix=19.9), closes=was_above).active_tiers == ("near",)
    assert context(book(CONDOR), market(vix=20.5), closes=CALM).active_tiers == ("near",)  # never crossed


# -- the backstop ----------------------------------------------------------------------------------------------------
def test_the_backstop_survives_beside_a_coverage_add():
    snapshot = market(vix=19.0)
    fomc = Event(date(2026, 11, 25), EventKind.FOMC, "", id=1)
    result = plan(book(CONDOR), snapshot, events=[fomc])
    adds = {(s.rule, s.proposal.instrument) for s in result if s.action is Action.ADD}
    assert ("event_risk", "spx-put-spread") in adds
    assert any(instrument == "vix-call" for _, instrument in adds)  # the near tier's coverage / ladder ADD
    backstop = next(s for s in result if s.proposal is not None and s.proposal.instrument == "spx-put-spread")
    assert backstop.tier == "long" and backstop.proposal.quantity >= 1


# -- the risk cap ----------------------------------------------------------------------------------------------------
def test_the_risk_cap_warn_appears_once_per_condor_and_size():
    small = replace(Settings(), equity=20_000.0)
    first = plan(book(CONDOR), market(vix=16.0), small)
    [warn] = [s for s in first if s.rule == "risk_cap"]
    read = Decision(warn.id, warn.rule, str(warn.action), DecisionKind.ACCEPT, NOW, "", None,
                    {COMPONENTS_KEY: list(warn.components)})
    for vix in (15.0, 16.5, 19.0, 24.0):  # risk used moves with the market: still the same warning, kept quiet
        again = plan(book(CONDOR), market(vix=vix), small, decisions=[read])
        assert not [s for s in again if s.rule == "risk_cap"], vix
    resized = condor(qty=25)
    assert [s for s in plan(book(resized), market(vix=16.0), small, decisions=[read]) if s.rule == "risk_cap"]


# -- the hedge spend budget ------------------------------------------------------------------------------------------
def test_the_hedge_budget_caps_what_the_plan_buys_and_says_so():
    snapshot = market(vix=30.0)
    free = plan(book(CONDOR), snapshot)
    cost = sum(s.proposal.cost_usd for s in free if s.action is Action.ADD)
    credit = CONDOR.open_price * 100 * CONDOR.quantity
    budget_pct = 100.0 * 0.5 * cost / credit  # half of what the unbudgeted plan spends
    capped = plan(book(CONDOR), snapshot, replace(BIG_EQUITY, hedge_budget_pct=budget_pct))
    spent = sum(s.proposal.cost_usd for s in capped if s.action is Action.ADD)
    assert 0 < spent <= 0.5 * cost + 1e-6
    assert any("hedge spend budget" in s.reason for s in capped) or any(
        "hedge spend budget" in why for _, why in capped.skipped)


# -- accepting re-plans the rest ----------------------------------------------------------------------------------
def test_saving_fewer_contracts_than_proposed_re_plans_the_rest():
    snapshot = market(vix=24.0)
    [mid] = [s for s in plan(book(CONDOR), snapshot) if s.tier == "mid"]
    proposed = mid.proposal.quantity
    saved = proposed // 2
    ctx = context(book(CONDOR), snapshot, closes=CALM)
    bought = ctx.tier_spec("mid").position(saved, NOW - timedelta(minutes=5)).with_changes(id=40)
    accepted = Decision(mid.id, mid.rule, str(mid.action), DecisionKind.ACCEPT, NOW, "", None,
                        {COMPONENTS_KEY: list(mid.components), "proposal": mid.proposal.to_json(),
                         "quantity": saved})
    again = plan(book(CONDOR, bought), snapshot, decisions=[accepted])
    [rest] = [s for s in again if s.tier == "mid"]
    assert rest.action is Action.ADD and rest.proposal.quantity == proposed - saved
