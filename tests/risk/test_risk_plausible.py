"""Risk used over scenarios a market can produce (DOMAIN.md, "Risk used")."""

from __future__ import annotations

import math

import numpy as np
import pytest
from risk_books import NOW, book, condor, market, vix_call
from scipy.stats import norm

from planner.calendars import time_to_expiry
from planner.domain import Settings
from planner.domain.instruments import Right
from planner.risk import analyze
from planner.risk.vix_response import vix_response

SETTINGS = Settings()
RATE, DIV = 0.045, 0.013


def bsm(is_call, spot, strike, years, vol):
    """Textbook BSM with a dividend yield, written here, independent of planner.pricing."""
    d1 = (math.log(spot / strike) + (RATE - DIV + 0.5 * vol * vol) * years) / (vol * math.sqrt(years))
    d2 = d1 - vol * math.sqrt(years)
    call = spot * math.exp(-DIV * years) * norm.cdf(d1) - strike * math.exp(-RATE * years) * norm.cdf(d2)
    return call if is_call else call - spot * math.exp(-DIV * years) + strike * math.exp(-RATE * years)


def condor_pnl(position, spx, vix, at, vix0=16.0):
    """A condor's P&L (dollars) at SPX ``spx`` and spot VIX ``vix``, valued at ``at``: each leg by hand."""
    value = 0.0
    for leg in position.legs:
        years = time_to_expiry(at, leg.expiry, str(leg.settlement))
        vol = max(leg.iv + (vix - vix0) / 100.0, 0.01)
        value += leg.quantity * 100 * bsm(leg.right is Right.CALL, spx, leg.strike, years, vol)
    return value - position.cost_basis - position.fees


def test_risk_used_is_the_worst_plausible_loss_checked_by_hand_at_its_scenario():
    the_condor = condor(qty=4)
    report = analyze(book(the_condor), market(), SETTINGS, at=NOW)
    scenario = report.risk_used_scenario
    scenarios = report.plausible.scenarios
    assert scenarios.at.date().isoformat() == "2026-11-24"  # one session later (Monday -> Tuesday)
    by_hand = condor_pnl(the_condor, scenario["spx"], scenario["vix"], scenarios.at)
    assert report.risk_used_pct == pytest.approx(-by_hand / SETTINGS.equity * 100, rel=1e-9)
    assert report.positions[0].risk_used_scenario == scenario
    # Every plausible scenario loses no more than the named one (hand-valued on a sample of them).
    for k in range(0, scenarios.spx.size, 17):
        assert condor_pnl(the_condor, scenarios.spx[k], scenarios.vix[k], scenarios.at) >= by_hand - 1e-6


def test_the_scenarios_are_the_model_band_for_each_matrix_move_and_the_stress_days():
    report = analyze(book(condor()), market(), SETTINGS, at=NOW)
    scenarios = report.plausible.scenarios
    moves = report.matrix.spx_moves
    path = vix_response(5900 * (1 + moves), 5900, 16.0, 1, SETTINGS)
    count = moves.size
    np.testing.assert_allclose(scenarios.vix[:count], path.low)
    np.testing.assert_allclose(scenarios.vix[count:2 * count], path.central)
    np.testing.assert_allclose(scenarios.vix[2 * count:3 * count], path.high)
    assert scenarios.names[-5:] == tuple(row.name for row in report.stress)
    # Never a corner no market visits: SPX -30 % comes with VIX far above 10.
    assert scenarios.vix[:count][moves == moves.min()].min() > 30


def test_a_vix_call_lowers_risk_used_when_the_worst_scenario_is_a_fall():
    # The call wing beyond +10 %: the condor's worst plausible scenario is a fall.
    the_condor = condor((5500, 5550, 6650, 6700), qty=10)
    alone = analyze(book(the_condor), market(), SETTINGS, at=NOW)
    assert alone.risk_used_scenario["spx_move_pct"] < 0
    hedged = analyze(book(the_condor, vix_call(strike=25.0, qty=10, price=0.862)), market(), SETTINGS, at=NOW)
    assert hedged.risk_used_pct < alone.risk_used_pct
    assert hedged.plausible.book_risk_used_pct < alone.plausible.book_risk_used_pct  # the book's figure too
    # And it never raises it by more than the call's own loss in the new worst scenario (a linear bound).
    assert hedged.risk_used_pct <= alone.risk_used_pct + 10 * 0.862 * 100 / SETTINGS.equity * 100 + 1e-9
