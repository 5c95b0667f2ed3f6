"""Rule 3 (break-even proximity): distance to the nearer expiry break-even in expected moves."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from rules_books import BIG_EQUITY, CONDOR_EXPIRY, ET, NOW, VIX_JAN, book, condor, context, fired, market, vix_call

from planner.domain.suggestions import Action
from planner.rules.breakeven import breakeven, expiry_break_evens, move_ratio

CONDOR = condor((5500, 5550, 6250, 6300), qty=10, credit=6.0)


def hand_ratio(spx: float, vix: float) -> float:
    settles = (CONDOR_EXPIRY.toordinal() - NOW.date().toordinal()) * 86400 + 2 * 3600  # 16:00 on expiry day
    days = settles / 86400
    distance = min(spx - (5550 - 6.0), (6250 + 6.0) - spx)
    return distance / (spx * vix / 100 * math.sqrt(days / 365))


def test_break_evens_are_the_short_strikes_plus_the_credit_less_fees_per_contract():
    assert expiry_break_evens(CONDOR) == (5544.0, 6256.0)
    with_fees = condor(qty=10, credit=6.0, fees=200.0)  # $200 over 10 condors x 100 = 0.2 pts
    assert expiry_break_evens(with_fees) == pytest.approx((5544.2, 6255.8))


def test_ratio_matches_the_formula():
    ctx = context(book(CONDOR), market(vix=24.0))
    ratio, distance, _, days = move_ratio(ctx, CONDOR)
    assert ratio == pytest.approx(hand_ratio(5900.0, 24.0), rel=1e-9)
    assert distance == pytest.approx(5900 - 5544)
    assert days == pytest.approx(25 + 2 / 24)
    assert ET.key == "America/New_York"


def test_rising_vix_brings_the_break_evens_inside_one_expected_move():
    assert hand_ratio(5900.0, 16.0) > 1.0 > hand_ratio(5900.0, 24.0)
    assert fired(breakeven, book(CONDOR), market(vix=16.0)) == []
    [found] = fired(breakeven, book(CONDOR), market(vix=24.0))
    assert (found.rule, found.action, found.tier, found.targets) == ("breakeven", Action.ADD, "mid", (1,))
    assert found.proposal.expiry == VIX_JAN  # the mid tier's: later than near's December
    assert found.figures["worst_ratio_moves"] == pytest.approx(hand_ratio(5900.0, 24.0), rel=1e-9)


def test_breakeven_limit_just_below_exactly_at_and_above():
    snapshot = market(vix=20.0)
    ratio = move_ratio(context(book(CONDOR), snapshot), CONDOR)[0]  # the figure itself, to the last bit
    assert fired(breakeven, book(CONDOR), snapshot, replace(BIG_EQUITY, breakeven_move_ratio=ratio + 1e-6))
    assert fired(breakeven, book(CONDOR), snapshot, replace(BIG_EQUITY, breakeven_move_ratio=ratio)) == []
    assert fired(breakeven, book(CONDOR), snapshot, replace(BIG_EQUITY, breakeven_move_ratio=ratio - 1e-6)) == []


def test_spot_past_a_break_even_counts_as_a_negative_distance():
    [found] = fired(breakeven, book(CONDOR), market(vix=16.0, spx=5530.0))
    assert found.figures["distance_pts"] == pytest.approx(-14.0)


def test_quiet_once_the_mid_tier_holds_its_share():
    ctx = context(book(CONDOR), market(vix=24.0))
    spec = ctx.tier_spec("mid")
    full = math.ceil(ctx.tier_target_usd("mid") / spec.protection_usd) + 1
    mid = vix_call(tier="mid", qty=full, expiry=VIX_JAN, strike=spec.strikes[0], iv=spec.iv, position_id=10)
    assert fired(breakeven, book(CONDOR, mid), market(vix=24.0)) == []
    small = mid.with_changes(quantity=1, legs=tuple(leg.with_changes(quantity=1) for leg in mid.legs))
    assert fired(breakeven, book(CONDOR, small), market(vix=24.0)) != []


def test_one_suggestion_names_every_condor_at_risk():
    other = condor((5600, 5650, 6150, 6200), qty=3, credit=8.0, position_id=2)
    [found] = fired(breakeven, book(CONDOR, other), market(vix=24.0))
    assert found.targets == (1, 2)
    assert set(found.figures["ratios_moves"]) == {"1", "2"}
