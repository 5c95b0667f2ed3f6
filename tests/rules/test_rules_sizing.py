"""Sizing a layer (DOMAIN.md), the what-if book against a full re-analysis, and the risk-cap check."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from rules_books import (
    BIG_EQUITY,
    NOW,
    VIX_DEC,
    VIX_MAR,
    book,
    condor,
    context,
    market,
    vix_call,
)

from planner.domain import Book, Settings
from planner.domain.suggestions import Action, Severity
from planner.risk import analyze
from planner.rules.common import add_or_warn, layer_quantity
from planner.rules.sizing import contracts_short, tier_target_usd


def test_target_and_contracts_follow_the_formula():
    settings = Settings()
    # 50 % x |-12,000| x 40 % = 2,400 $/pt; (2,400 - 500) / 170 = 11.2 -> 11.
    assert tier_target_usd(-12_000.0, "near", settings) == pytest.approx(2400.0)
    assert tier_target_usd(-12_000.0, "long", settings) == pytest.approx(1200.0)
    assert contracts_short(2400.0, 500.0, 170.0) == 11
    assert contracts_short(2400.0, 2390.0, 170.0) == 0
    assert contracts_short(2400.0, 2400.0 - 170.0, 170.0) == 1  # exactly one contract short


def test_layer_quantity_tops_the_tier_up_to_its_share_at_least_one():
    the_book = book(condor(qty=20), vix_call(tier="mid", qty=3, expiry=VIX_DEC, strike=20.0))
    ctx = context(the_book, market(vix=22.0))
    spec = ctx.tier_spec("mid")
    # At VIX 22 near and mid are active: mid's 40 % rescaled among them is half the target.
    assert ctx.active_tiers == ("near", "mid")
    target = 0.5 * abs(ctx.report.condor_exposure_usd) * 0.5
    have = ctx.report.totals["mid"].greeks.protection_usd
    assert layer_quantity(ctx, spec) == math.floor((target - have) / spec.protection_usd)
    assert layer_quantity(ctx, spec, have_usd=10 * target) == 1


def with_layer(the_book: Book, spec, quantity: int) -> Book:
    return Book((*the_book.positions, spec.position(quantity, NOW)))


@pytest.mark.parametrize("light", [True, False])
def test_what_if_equals_a_fresh_analysis_of_the_changed_book(light):
    the_book = book(condor(qty=10, position_id=1),
                    condor((5600, 5650, 6200, 6250), qty=4, credit=9.0, position_id=2),
                    vix_call(tier="near", qty=6, expiry=VIX_DEC, strike=19.0, position_id=10, protects=(2,)),
                    vix_call(tier="long", qty=4, expiry=VIX_MAR, strike=24.0, position_id=11))
    snapshot = market(vix=21.0)
    settings = Settings(equity=250_000.0)
    report = analyze(the_book, snapshot, settings, at=NOW, light=light)
    ctx = context(the_book, snapshot, settings)
    ctx = replace(ctx, report=report)  # the same context over that report
    spec = ctx.tier_spec("mid")
    measured = ctx.sizer.with_layer(spec, 7)
    fresh = analyze(with_layer(the_book, spec, 7), snapshot, settings, at=NOW, light=light)
    assert measured.coverage_pct == pytest.approx(fresh.coverage_pct, rel=1e-9)
    assert measured.risk_used_pct == pytest.approx(fresh.risk_used_pct, rel=1e-9)
    # Closing a layer, closing a condor, halving a condor.
    for scale in ({10: 0.0}, {2: 0.0}, {1: 0.5}):
        kept = Book(tuple(p if p.id not in scale else p.with_changes(
            quantity=int(p.quantity * scale[p.id]),
            legs=tuple(leg.with_changes(quantity=int(leg.quantity * scale[p.id])) for leg in p.legs))
            for p in the_book.positions if scale.get(p.id, 1.0) > 0))
        fresh = analyze(kept, snapshot, settings, at=NOW, light=light)
        after = ctx.what_if.measure(scale=scale)
        assert after.coverage_pct == pytest.approx(fresh.coverage_pct, rel=1e-9)
        assert after.risk_by_id == pytest.approx({r.id: r.risk_used_pct for r in fresh.positions
                                                  if r.risk_used_pct is not None}, rel=1e-9)


# The call wing twice the put wing: the condor's worst plausible scenario is a rise, where VIX falls and a
# VIX call only loses its premium, so each contract adds risk used.
RISE_WORST = (5500, 5550, 6250, 6350)


def test_a_layer_that_breaks_the_cap_is_cut_to_the_largest_quantity_that_fits():
    the_book = book(condor(RISE_WORST, qty=10))
    snapshot = market(vix=24.0)
    ctx = context(the_book, snapshot, BIG_EQUITY)
    spec = ctx.tier_spec("mid")
    before = ctx.what_if.measure().risk_used_pct
    four = ctx.sizer.with_layer(spec, 4).risk_used_pct
    five = ctx.sizer.with_layer(spec, 5).risk_used_pct
    assert before < four < five  # the premium is lost when SPX rises, so each contract adds risk
    capped = context(the_book, snapshot, replace(BIG_EQUITY, risk_cap_pct=(four + five) / 2))
    suggestion = add_or_warn(capped, rule="ladder", spec=spec, quantity=12, severity=Severity.HIGH, why="Test",
                             figures={}, condition="x")
    assert suggestion.action is Action.ADD and suggestion.proposal.quantity == 4
    assert "cut from 12 to stay under" in suggestion.reason
    fresh = analyze(with_layer(the_book, spec, 4), snapshot, BIG_EQUITY, at=NOW, light=True)
    assert suggestion.proposal.risk_used_after_pct == pytest.approx(fresh.risk_used_pct, rel=1e-9)


def test_when_even_one_contract_breaks_the_cap_the_add_becomes_a_warn():
    the_book = book(condor(RISE_WORST, qty=10))
    snapshot = market(vix=24.0)
    ctx = context(the_book, snapshot, BIG_EQUITY)
    spec = ctx.tier_spec("mid")
    before = ctx.what_if.measure().risk_used_pct
    one = ctx.sizer.with_layer(spec, 1).risk_used_pct
    tight = context(the_book, snapshot, replace(BIG_EQUITY, risk_cap_pct=(before + one) / 2))
    suggestion = add_or_warn(tight, rule="ladder", spec=spec, quantity=12, severity=Severity.HIGH,
                             why="VIX is high", figures={}, condition="x")
    assert suggestion.action is Action.WARN and suggestion.tier == "mid"
    assert suggestion.proposal.quantity == 1
    assert "even one" in suggestion.reason and "over the" in suggestion.reason
    # Exactly at the cap fits: the cap is a maximum, not a strict bound.
    at_cap = context(the_book, snapshot, replace(BIG_EQUITY, risk_cap_pct=one))
    assert add_or_warn(at_cap, rule="ladder", spec=spec, quantity=1, severity=Severity.HIGH, why="x", figures={},
                       condition="x").action is Action.ADD


def test_a_hedge_that_lowers_an_already_breached_risk_is_not_blocked():
    # With the call wing beyond the matrix's +10 %, the condor's worst cells are all on the downside,
    # where a put spread pays: it lowers the worst loss.
    the_book = book(condor((5500, 5550, 6650, 6700), qty=10))
    snapshot = market(vix=24.0)
    ctx = context(the_book, snapshot, Settings(equity=10_000.0))
    assert ctx.what_if.measure().risk_used_pct > 1.5
    spec = ctx.backstop_spec()
    assert ctx.sizer.with_layer(spec, 5).risk_used_pct < ctx.what_if.measure().risk_used_pct
    assert ctx.sizer.size(spec, 5).quantity == 5


def test_a_book_already_over_the_cap_still_gets_its_hedges():
    # The risk-cap rule warns about such a book; its hedges are not "breaking" a cap already broken.
    ctx = context(book(condor(RISE_WORST, qty=10)), market(vix=24.0), Settings(equity=100_000.0))
    assert ctx.what_if.measure().risk_used_pct > 1.5
    spec = ctx.tier_spec("mid")
    assert ctx.sizer.with_layer(spec, 3).risk_used_pct > ctx.what_if.measure().risk_used_pct
    assert ctx.sizer.size(spec, 3).quantity == 3
