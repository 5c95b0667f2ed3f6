"""Generated paths whose answer is known before the run: calm costs carry, a crash is cushioned."""

from __future__ import annotations

import numpy as np
from backtest_paths import CRASH_AT, calm_path, crash_path

from planner.backtest.results import reduction_pct


def test_the_quiet_path_is_quiet_and_the_crash_path_crashes_once():
    calm, crash = calm_path(), crash_path()
    assert calm.vix.max() < 18.0  # under every tier's threshold: no ladder rule can fire
    assert np.abs(np.diff(np.log(calm.spx))).max() < 0.03
    assert crash.spx[CRASH_AT + 2] / crash.spx[CRASH_AT - 1] < 0.89  # 12 % down in three sessions
    assert crash.vix[CRASH_AT:CRASH_AT + 3].max() > 40.0  # VIX answers through the spot-vol model
    assert np.array_equal(calm.spx[:CRASH_AT], crash.spx[:CRASH_AT])  # same path until the crash


def test_on_a_calm_path_the_hedge_only_costs_carry(calm_report):
    runs = calm_report.runs
    assert calm_report.spikes == ()
    # Same condors, same exits: the program closes condors in both runs, the hedge rules only trade layers.
    assert [(c.entry_day, c.exit_day, c.exit_reason) for c in runs.unhedged.condors] == \
        [(c.entry_day, c.exit_day, c.exit_reason) for c in runs.hedged.condors]
    np.testing.assert_allclose(runs.hedged.condor_pnl, runs.unhedged.condor_pnl, atol=1e-6)
    # So the hedged equity is the unhedged equity plus the hedges' P&L, and that P&L is a cost.
    np.testing.assert_allclose(runs.hedged.equity, runs.unhedged.equity + runs.hedged.hedge_pnl, atol=1e-6)
    assert calm_report.hedged.hedge_pnl_usd < 0
    assert calm_report.hedged.return_pct < calm_report.unhedged.return_pct
    assert calm_report.hedged.hedge_cost_pct_of_credit > 0
    assert calm_report.hedged.actions.get("ADD", 0) > 0  # the coverage rule kept buying protection
    assert runs.unhedged.hedge_premium_usd == 0 and np.all(runs.unhedged.hedge_pnl == 0)


def test_through_a_single_crash_the_hedged_drawdown_is_smaller(crash_report):
    unhedged, hedged = crash_report.unhedged.drawdown, crash_report.hedged.drawdown
    assert hedged.usd < unhedged.usd
    assert crash_report.drawdown_reduction_pct == reduction_pct(unhedged.usd, hedged.usd) > 0
    assert unhedged.trough_day >= crash_path().dates[CRASH_AT]  # the worst fall is the crash's
    assert crash_report.hedged.hedge_pnl_usd > 0  # the layers paid
    [spike] = crash_report.spikes
    assert spike.first_day == crash_path().dates[CRASH_AT]
    assert spike.peak_vix > 40.0 and spike.condors_open_at_peak
    assert 0 < spike.hedged_loss_usd < spike.unhedged_loss_usd


def test_the_report_json_carries_the_figures_of_both_runs(crash_report):
    payload = crash_report.to_json()
    for run in ("unhedged", "hedged"):
        assert payload[run]["max_drawdown_usd"] == getattr(crash_report, run).drawdown.usd
        assert 0 < payload[run]["max_drawdown_pct"] < 100
        assert payload[run]["condors"] == len(getattr(crash_report.runs, run).condors)
    assert payload["drawdown_reduction_pct"] == crash_report.drawdown_reduction_pct
    [spike] = payload["spikes"]
    assert spike["condors_open_at_peak"] >= 1 and spike["hedged_loss_usd"] < spike["unhedged_loss_usd"]
