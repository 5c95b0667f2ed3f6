"""Rule 1 (ladder) and rule 8 (trend gate): fire, just below, exactly at."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from rules_books import BIG_EQUITY, NOW, VIX_DEC, VIX_JAN, book, condor, context, fired, history, market, vix_call

from planner.domain.suggestions import Action
from planner.rules.context import RuleSkipped
from planner.rules.ladder import ladder, trend

CONDOR = condor(qty=20)


def tiers(suggestions):
    return sorted(s.tier for s in suggestions)


def test_ladder_adds_every_active_tier_without_a_layer():
    found = fired(ladder, book(CONDOR), market(vix=30.0))
    assert tiers(found) == ["long", "mid", "near"]
    assert all(s.action is Action.ADD and s.rule == "ladder" for s in found)
    mid = next(s for s in found if s.tier == "mid")
    assert mid.proposal.instrument == "vix-call" and mid.proposal.expiry == VIX_JAN
    assert mid.proposal.quantity >= 1 and mid.proposal.coverage_after_pct > 0
    assert mid.figures["vix_pts"] == 30.0 and mid.figures["threshold_vix_pts"] == 22.0
    assert "30.00 pts" in mid.reason and "22 pts threshold" in mid.reason


def test_ladder_mid_just_below_exactly_at_and_above_its_threshold():
    assert "mid" not in tiers(fired(ladder, book(CONDOR), market(vix=21.99)))
    assert "mid" in tiers(fired(ladder, book(CONDOR), market(vix=22.0)))  # "at or above"
    assert "mid" in tiers(fired(ladder, book(CONDOR), market(vix=22.01)))


@pytest.mark.parametrize(("tier", "key"), [("near", "near_vix_threshold"), ("long", "long_vix_threshold")])
def test_ladder_reads_each_threshold_from_settings(tier, key):
    settings = replace(BIG_EQUITY, **{key: 25.0})
    assert tier not in tiers(fired(ladder, book(CONDOR), market(vix=24.99), settings))
    assert tier in tiers(fired(ladder, book(CONDOR), market(vix=25.0), settings))


def test_ladder_is_quiet_for_a_tier_that_has_a_layer_and_skips_without_condors():
    held = book(CONDOR, vix_call(tier="mid", expiry=VIX_DEC, strike=25.0))
    assert "mid" not in tiers(fired(ladder, held, market(vix=24.0)))
    with pytest.raises(RuleSkipped, match="no open condors"):
        fired(ladder, book(), market(vix=24.0))
    assert fired(ladder, book(), market(vix=12.0)) == []  # nothing to say, nothing skipped


def test_ladder_id_holds_within_a_band_and_changes_when_the_next_threshold_is_crossed():
    def mid_id(vix):
        return next(s.id for s in fired(ladder, book(CONDOR), market(vix=vix)) if s.tier == "mid")

    assert mid_id(22.5) == mid_id(25.0)
    assert mid_id(25.0) != mid_id(28.0)


def test_ladder_id_changes_with_a_new_climb_above_the_threshold():
    calm_then_high = history([16.0] * 10 + [23.0, 24.0])
    high_again = history([16.0] * 5 + [23.0] * 3 + [16.0] * 4)

    def mid_id(closes, at=NOW):
        found = fired(ladder, book(CONDOR), market(vix=24.0), closes=closes, at=at)
        return next(s.id for s in found if s.tier == "mid")

    assert mid_id(calm_then_high) != mid_id(high_again)
    # The same climb seen the next day, with that day's close stored, keeps its id.
    tomorrow = NOW + timedelta(days=1)
    one_more = history([16.0] * 10 + [23.0, 24.0, 25.0], before=tomorrow.date())
    assert mid_id(calm_then_high) == mid_id(one_more, tomorrow)
    # And so does the next day with no new close imported.
    assert mid_id(calm_then_high) == mid_id(calm_then_high, tomorrow)


VIX_200 = [14.0] * 100 + [18.0] * 100  # 200-day average 16.0


def test_trend_adds_near_when_vix_is_above_its_200_day_average():
    found = fired(trend, book(CONDOR), market(vix=16.01), closes=history(VIX_200))
    assert [(s.rule, s.action, s.tier) for s in found] == [("trend", Action.ADD, "near")]
    assert found[0].figures["vix_sma_pts"] == pytest.approx(16.0)


def test_trend_just_below_and_exactly_at_the_average_is_quiet():
    assert fired(trend, book(CONDOR), market(vix=15.99), closes=history(VIX_200)) == []
    assert fired(trend, book(CONDOR), market(vix=16.0), closes=history(VIX_200)) == []  # "above"


def test_trend_is_quiet_with_a_near_layer_and_reads_its_length_from_settings():
    held = book(CONDOR, vix_call(tier="near", expiry=VIX_DEC, strike=18.0))
    assert fired(trend, held, market(vix=17.0), closes=history(VIX_200)) == []
    short = replace(BIG_EQUITY, trend_sma_days=100)  # the last 100 closes average 18
    assert fired(trend, book(CONDOR), market(vix=17.0), short, closes=history(VIX_200)) == []
    assert fired(trend, book(CONDOR), market(vix=18.5), short, closes=history(VIX_200)) != []


def test_trend_with_150_days_of_history_is_skipped_and_says_why():
    ctx = context(book(CONDOR), market(vix=25.0), closes=history([15.0] * 150))
    with pytest.raises(RuleSkipped, match="needs 200 daily VIX closes for its 200-day average, has 150"):
        trend(ctx)


def test_history_after_the_valuation_day_is_not_read():
    # 200 closes, the last of them dated after NOW: only 199 are usable.
    rows = history(VIX_200, before=NOW.date().replace(day=24))
    with pytest.raises(RuleSkipped, match="has 199"):
        trend(context(book(CONDOR), market(vix=25.0), closes=rows))
