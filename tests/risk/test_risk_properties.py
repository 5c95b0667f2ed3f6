"""Hypothesis properties of the risk engine."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from risk_books import NOW, VIX_DEC, VIX_FEB, VIX_JAN, book, condor, market, vix_call

from planner.domain import Settings
from planner.risk import analyze

SETTINGS = Settings()


@st.composite
def condors(draw):
    k2 = draw(st.integers(5200, 5850)) // 5 * 5
    k3 = draw(st.integers(5950, 6600)) // 5 * 5
    put_wing = draw(st.sampled_from([25, 50, 75, 100]))
    call_wing = draw(st.sampled_from([25, 50, 75, 100]))
    credit = draw(st.floats(0.5, min(put_wing, call_wing) - 0.5))
    qty = draw(st.integers(1, 20))
    return (k2 - put_wing, k2, k3, k3 + call_wing), credit, qty


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(condors())
def test_condor_expiry_payoff_wings_are_monotone(spec):
    strikes, credit, qty = spec
    curves = analyze(book(condor(strikes, qty, credit)), market(), SETTINGS, at=NOW).curves
    spx, pnl = curves.spx, curves.expiry
    k1, k2, k3, k4 = strikes
    tol = 1e-6
    left = spx <= k2
    right = spx >= k3
    assert np.all(np.diff(pnl[left]) >= -tol)  # rising into the body from the put wing
    assert np.all(np.diff(pnl[right]) <= tol)  # falling out of the body into the call wing
    assert pnl.max() <= credit * 100 * qty + tol
    assert pnl.min() >= -(max(k2 - k1, k4 - k3) - credit) * 100 * qty - tol


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(condors(), st.floats(10.0, 45.0), st.sampled_from([VIX_DEC, VIX_JAN, VIX_FEB]),
       st.integers(12, 60), st.integers(1, 50))
def test_long_vix_calls_never_increase_the_loss_at_minus_20_and_vix_60(spec, vix0, expiry, strike, qty):
    strikes, credit, condor_qty = spec
    today = market(vix=vix0)
    base = book(condor(strikes, condor_qty, credit))
    # The call is bought at today's model value: a fair fill, no fees.
    priced = analyze(book(vix_call(strike=float(strike), qty=qty, price=0.0, expiry=expiry)), today, SETTINGS, at=NOW)
    fair = priced.positions[0].mark
    hedged_book = book(*base.positions, vix_call(strike=float(strike), qty=qty, price=fair, expiry=expiry))

    def cell(report):
        m = report.matrix
        col = int(np.argmin(np.abs(m.spx_moves + 0.20)))
        row = int(np.argmin(np.abs(m.vix_levels - 60.0)))
        return m.hedged[row, col]

    before = cell(analyze(base, today, SETTINGS, at=NOW, light=True))
    after = cell(analyze(hedged_book, today, SETTINGS, at=NOW, light=True))
    assert after >= before - 1e-6
