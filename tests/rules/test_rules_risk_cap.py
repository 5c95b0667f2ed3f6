"""Rule 7 (risk cap): a condor with its hedges over the cap in its worst plausible scenario -> WARN."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rules_books import NOW, VIX_JAN, book, condor, context, fired, market, vix_call

from planner.domain import Settings
from planner.domain.suggestions import Action, Severity
from planner.risk import analyze
from planner.rules.risk_cap import risk_cap

SNAPSHOT = market(vix=20.0)
EQUITY = Settings(equity=2_200_000.0)  # ten condors lose about $44,000 at worst: about 2 % of equity


def resized(position, quantity):
    return position.with_changes(quantity=quantity, legs=tuple(
        leg.with_changes(quantity=quantity if leg.quantity > 0 else -quantity) for leg in position.legs))


def risk_of(the_book, settings=EQUITY, condor_id=1):
    return analyze(the_book, SNAPSHOT, settings, at=NOW, light=True).position(condor_id).risk_used_pct


def test_a_condor_over_the_cap_warns_with_the_largest_quantity_that_fits():
    hedge = vix_call(tier="mid", qty=10, expiry=VIX_JAN, strike=22.0, position_id=10)
    the_book = book(condor(qty=10), hedge)
    used = risk_of(the_book)
    assert used > 1.5
    [found] = fired(risk_cap, the_book, SNAPSHOT, EQUITY)
    assert (found.rule, found.action, found.severity, found.targets) == ("risk_cap", Action.WARN,
                                                                         Severity.CRITICAL, (1,))
    assert found.figures["risk_used_pct"] == pytest.approx(used)
    fitting = found.figures["largest_quantity"]
    # Checked against full analyses of the book with the condor resized.
    assert risk_of(book(resized(condor(qty=10), fitting), hedge)) <= 1.5
    assert risk_of(book(resized(condor(qty=10), fitting + 1), hedge)) > 1.5
    assert f"at most {fitting} of the 10 fit" in found.reason


def test_risk_cap_just_below_exactly_at_and_above():
    the_book = book(condor(qty=10))
    used = risk_of(the_book)
    assert fired(risk_cap, the_book, SNAPSHOT, replace(EQUITY, risk_cap_pct=used - 1e-9))
    assert fired(risk_cap, the_book, SNAPSHOT, replace(EQUITY, risk_cap_pct=used)) == []  # "more than"
    assert fired(risk_cap, the_book, SNAPSHOT, replace(EQUITY, risk_cap_pct=used + 1e-9)) == []


def test_high_roe_regime_uses_its_own_cap():
    the_book = book(condor(qty=10))
    used = risk_of(the_book)
    assert 1.5 < used < 2.0
    assert fired(risk_cap, the_book, SNAPSHOT, EQUITY)
    assert fired(risk_cap, the_book, SNAPSHOT, replace(EQUITY, high_roe=True)) == []
    [found] = fired(risk_cap, the_book, SNAPSHOT, replace(EQUITY, high_roe=True, high_roe_cap_pct=used - 1e-6))
    assert "high-ROE" in found.reason


def test_not_even_one_fits_says_so():
    [found] = fired(risk_cap, book(condor(qty=10)), SNAPSHOT, Settings(equity=100_000.0))
    assert found.figures["largest_quantity"] == 0
    assert "not even one fits" in found.reason


def test_the_largest_quantity_uses_the_reports_own_matrix():
    the_book = book(condor(qty=10))
    ctx = context(the_book, SNAPSHOT, EQUITY)
    full = analyze(the_book, SNAPSHOT, EQUITY, at=NOW)  # 101 x 62 cells instead of 21 x 15
    assert ctx.what_if.condor_risk_pct(1, 1.0) == pytest.approx(ctx.report.position(1).risk_used_pct, rel=1e-9)
    ctx = replace(ctx, report=full)  # the same context over that report
    assert ctx.what_if.condor_risk_pct(1, 1.0) == pytest.approx(full.position(1).risk_used_pct, rel=1e-9)


@pytest.mark.parametrize(("strikes", "falls"), [((5500, 5550, 6650, 6700), True), ((5200, 5250, 6250, 6350), False)])
def test_the_warning_advises_what_would_help_in_its_worst_scenario(strikes, falls):
    the_book = book(condor(strikes, qty=10))
    tight = replace(EQUITY, equity=20_000.0)  # not even one condor fits
    [found] = fired(risk_cap, the_book, SNAPSHOT, tight)
    scenario = analyze(the_book, SNAPSHOT, tight, at=NOW, light=True).position(1).risk_used_scenario
    assert (scenario["spx_move_pct"] < 0) is falls
    assert found.figures["worst_spx_move_pct"] == scenario["spx_move_pct"]
    if falls:  # a fall: protection helps
        assert "not even one fits; close it or add protection" in found.reason
    else:  # a rise, VIX falling with it: a VIX hedge cannot help
        assert "a VIX hedge does not help when SPX rises" in found.reason and "add protection" not in found.reason


def test_the_warning_names_its_worst_scenario_and_advises_what_would_help():
    def words(found):
        return (f"SPX {found.figures['worst_spx_move_pct']:+.1f} %, VIX {found.figures['worst_vix_pts']:.1f} at the "
                f"VIX band")

    # Unhedged, the worst plausible day is a fall: protection would help.
    [alone] = fired(risk_cap, book(condor(qty=10)), SNAPSHOT, EQUITY)
    assert alone.figures["worst_spx_move_pct"] < 0
    assert f"worst plausible scenario ({words(alone)} " in alone.reason
    assert "reduce it or add protection" in alone.reason
    # Hedged, the worst day is a rise with VIX falling, where a VIX call cannot help: the advice says so.
    hedge = vix_call(tier="mid", qty=10, expiry=VIX_JAN, strike=22.0, position_id=10)
    [hedged] = fired(risk_cap, book(condor(qty=10), hedge), SNAPSHOT, EQUITY)
    assert hedged.figures["worst_spx_move_pct"] > 0 and hedged.figures["worst_vix_pts"] < SNAPSHOT.vix
    assert f"worst plausible scenario ({words(hedged)} " in hedged.reason
    assert "a VIX hedge does not help when SPX rises and VIX falls" in hedged.reason
