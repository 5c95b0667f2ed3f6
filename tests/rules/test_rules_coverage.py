"""Rule 2 (coverage band): ADD below the floor sized to the target, TRIM above the ceiling."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from rules_books import BIG_EQUITY, NOW, VIX_DEC, VIX_MAR, book, condor, context, fired, market, vix_call

from planner.domain.suggestions import Action
from planner.rules import suggest
from planner.rules.context import RuleSkipped
from planner.rules.coverage import coverage

SNAPSHOT = market(vix=16.0)
# Every tier active at VIX 16 (thresholds at 15): the coverage target counts them all, as the method's 40/40/20.
SETTINGS = replace(BIG_EQUITY, near_vix_threshold=15.0, mid_vix_threshold=15.0, long_vix_threshold=15.0)


def hedged(near_qty: int, long_qty: int = 0):
    positions = [condor(qty=20), vix_call(tier="near", qty=near_qty, expiry=VIX_DEC, strike=18.0, position_id=10)]
    if long_qty:
        positions.append(vix_call(tier="long", qty=long_qty, expiry=VIX_MAR, strike=22.0, position_id=11))
    return book(*positions)


def coverage_of(the_book) -> float:
    return context(the_book, SNAPSHOT, SETTINGS).report.coverage_pct


def test_low_coverage_tops_up_every_tier_below_its_share_toward_the_target():
    the_book = hedged(near_qty=8)
    ctx = context(the_book, SNAPSHOT, SETTINGS)
    assert ctx.report.coverage_pct < 40
    found = coverage(ctx)
    assert sorted(s.tier for s in found) == ["long", "mid", "near"]  # near has some, but less than its 20 %
    assert all((s.rule, s.action) == ("coverage", Action.ADD) for s in found)
    exposure = abs(ctx.report.condor_exposure_usd)
    for s in found:
        share = 0.5 * exposure * ctx.settings.tier_share_pct(s.tier) / 100
        have = ctx.report.totals[s.tier].greeks.protection_usd
        assert s.proposal.quantity == math.floor((share - have) / ctx.tier_spec(s.tier).protection_usd)
    added = sum(s.proposal.protection_usd for s in found)
    assert ctx.report.hedge_protection_usd + added <= 0.5 * exposure
    assert found[0].figures["coverage_pct"] == pytest.approx(ctx.report.coverage_pct)


def test_top_ups_shrink_alike_when_another_tier_is_over_its_share():
    the_book = hedged(near_qty=25)  # near at 35 %, well over its 20 %; the book still under 40 %
    ctx = context(the_book, SNAPSHOT, SETTINGS)
    assert ctx.report.totals["near"].greeks.protection_usd / abs(ctx.report.condor_exposure_usd) * 100 > 20
    assert ctx.report.coverage_pct < 40
    found = coverage(ctx)
    assert sorted(s.tier for s in found) == ["long", "mid"]
    factor = found[0].figures["top_up_factor"]
    assert 0 < factor < 1
    after = ctx.report.hedge_protection_usd + sum(s.proposal.protection_usd for s in found)
    assert after / abs(ctx.report.condor_exposure_usd) * 100 == pytest.approx(50.0, abs=1.0)


def test_coverage_floor_just_below_exactly_at_and_above():
    the_book = hedged(near_qty=8)
    now = coverage_of(the_book)
    assert fired(coverage, the_book, SNAPSHOT, replace(SETTINGS, coverage_low_pct=now + 1e-6))
    assert fired(coverage, the_book, SNAPSHOT, replace(SETTINGS, coverage_low_pct=now)) == []  # "below"
    assert fired(coverage, the_book, SNAPSHOT, replace(SETTINGS, coverage_low_pct=now - 1e-6)) == []


def test_high_coverage_trims_the_tier_most_over_its_share_back_toward_the_target():
    the_book = hedged(near_qty=60, long_qty=4)
    ctx = context(the_book, SNAPSHOT, SETTINGS)
    assert ctx.report.coverage_pct > 60
    [found] = coverage(ctx)
    assert (found.action, found.tier, found.targets) == (Action.TRIM, "near", (10,))
    trade = found.proposal
    assert trade.side == "sell" and trade.position_id == 10 and 1 <= trade.quantity < 60
    assert 50.0 <= trade.coverage_after_pct < ctx.report.coverage_pct
    assert trade.protection_usd < 0 and trade.cost_usd < 0  # protection removed, premium received


def test_no_trim_when_one_contract_would_take_the_book_under_the_floor():
    # One condor against two near calls: each call is 28 points of coverage, a bigger step than a
    # 40-50 % band. Selling one from 56 % would leave 28 %, and the next review would buy it back.
    the_book = book(condor(qty=1), vix_call(tier="near", qty=2, expiry=VIX_DEC, strike=18.0, position_id=10))
    narrow = replace(SETTINGS, coverage_low_pct=40.0, coverage_target_pct=45.0, coverage_high_pct=50.0)
    ctx = context(the_book, SNAPSHOT, narrow)
    per_contract = ctx.report.positions[1].greeks.protection_usd / 2
    left = 100 * (ctx.report.hedge_protection_usd - per_contract) / abs(ctx.report.condor_exposure_usd)
    assert ctx.report.coverage_pct > 50 and left < 40
    with pytest.raises(RuleSkipped, match=r"would leave 28\.\d %, under the 40 % floor"):
        coverage(ctx)
    result = suggest(the_book, SNAPSHOT, narrow, at=NOW)  # the engine tells the trader why nothing is proposed
    assert [s for s in result if s.rule == "coverage"] == []
    assert [rule for rule, why in result.skipped if "under the 40 % floor" in why] == ["coverage"]
    # With the floor under what one sale leaves, the same book trims one contract.
    wide = replace(narrow, coverage_low_pct=20.0)
    [found] = fired(coverage, the_book, SNAPSHOT, wide)
    assert (found.action, found.proposal.quantity) == (Action.TRIM, 1)
    assert found.proposal.coverage_after_pct == pytest.approx(left)


def test_a_trim_too_big_for_the_band_passes_to_the_tiers_next_layer():
    # Near calls worth 28, 17 and 3 x 5 points of coverage: selling the 18 call (the layer that protects
    # most) would leave 32 %, under the floor; one 20 call leaves 43 %, inside the band.
    the_book = book(condor(qty=1),
                    vix_call(tier="near", qty=1, expiry=VIX_DEC, strike=18.0, position_id=10),
                    vix_call(tier="near", qty=1, expiry=VIX_DEC, strike=20.0, position_id=11),
                    vix_call(tier="near", qty=3, expiry=VIX_DEC, strike=24.0, position_id=12))
    narrow = replace(SETTINGS, coverage_low_pct=40.0, coverage_target_pct=45.0, coverage_high_pct=50.0)
    ctx = context(the_book, SNAPSHOT, narrow)
    exposure = abs(ctx.report.condor_exposure_usd)
    protection = {row.id: row.greeks.protection_usd for row in ctx.report.positions}
    assert ctx.report.coverage_pct > 50
    assert 100 * (ctx.report.hedge_protection_usd - protection[10]) / exposure < 40
    [found] = coverage(ctx)
    assert (found.action, found.targets, found.proposal.quantity) == (Action.TRIM, (11,), 1)
    assert 40 <= found.proposal.coverage_after_pct == pytest.approx(
        100 * (ctx.report.hedge_protection_usd - protection[11]) / exposure)


def test_coverage_ceiling_just_below_exactly_at_and_above():
    the_book = hedged(near_qty=60)
    now = coverage_of(the_book)
    assert fired(coverage, the_book, SNAPSHOT, replace(SETTINGS, coverage_high_pct=now - 1e-6))
    assert fired(coverage, the_book, SNAPSHOT, replace(SETTINGS, coverage_high_pct=now)) == []  # "above"
    assert fired(coverage, the_book, SNAPSHOT, replace(SETTINGS, coverage_high_pct=now + 1e-6)) == []


def test_no_condors_no_coverage_rule():
    assert fired(coverage, book(vix_call(tier="near")), SNAPSHOT) == []


def test_coverage_id_changes_with_its_band():
    def add_id(qty):
        return fired(coverage, hedged(near_qty=qty), SNAPSHOT, SETTINGS)[0].id

    low, lower = coverage_of(hedged(near_qty=8)), coverage_of(hedged(near_qty=2))
    assert math.floor(low / 10) != math.floor(lower / 10)
    assert add_id(8) != add_id(2)
