"""The risk report, the break-even rule and the alerts read the domain's payoff and expected-move rules."""

from __future__ import annotations

import pytest
from risk_books import NOW, book, condor, market, vix_call, vix_future

from planner.app.alerts import CondorDistance, active_causes
from planner.domain import Settings
from planner.domain.expected_move import expected_move
from planner.risk import analyze
from planner.rules.breakeven import expiry_break_evens

SETTINGS = Settings()


def test_the_reports_max_loss_and_break_evens_are_fees_included():
    # 7.25 credit, $36 on 4 condors = 0.09 pts each: break-evens 5,550 - 7.16 and 6,250 + 7.16.
    iron = condor((5500, 5550, 6250, 6325), qty=4, credit=7.25, fees=36.0)
    report = analyze(book(iron, vix_call(qty=3, price=1.5), vix_future(qty=1, price=18.1)), market(), SETTINGS,
                     at=NOW)
    by_kind = {row.layer_kind or row.kind: row for row in report.positions}
    assert by_kind["condor"].break_evens_expiry == pytest.approx((5542.84, 6257.16), abs=1e-9)
    assert by_kind["condor"].max_loss_usd == pytest.approx((75 - 7.25) * 100 * 4 + 36)  # 27,136
    assert by_kind["vix-call"].max_loss_usd == pytest.approx(1.5 * 100 * 3)  # the debit
    assert by_kind["vix-future"].max_loss_usd == pytest.approx(18.1 * 1000)  # VX to zero, $1,000 a point
    assert expiry_break_evens(iron) == pytest.approx((5542.84, 6257.16), abs=1e-9)


def test_the_curves_bands_are_the_expected_move():
    report = analyze(book(condor()), market(spx=5900.0, vix=16.0), SETTINGS, at=NOW)
    days = report.curves.horizon_days
    low, high = report.curves.bands_horizon["1sd"]
    assert high - 5900.0 == pytest.approx(5900.0 * 0.16 * (days / 365) ** 0.5)
    assert 5900.0 - low == pytest.approx(expected_move(5900.0, 16.0, days))


def test_the_break_even_alert_uses_the_same_expected_move():
    # 10 days at VIX 16 from SPX 5,900: 156.25 pts. A break-even 150 pts away is within one move.
    settings = Settings(alert_breakeven_moves=1.0)
    near = CondorDistance(7, (5750.0, 6300.0), 10.0)
    assert "breakeven:7" in active_causes(settings=settings, at=NOW, spx=5900.0, vix=16.0, condors=[near])
    far = CondorDistance(8, (5740.0, 6300.0), 10.0)  # 160 pts: outside
    assert "breakeven:8" not in active_causes(settings=settings, at=NOW, spx=5900.0, vix=16.0, condors=[far])
