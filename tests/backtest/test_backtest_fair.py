"""A fair comparison: both runs trade the same condor program; the hedged one differs only by its layers."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import numpy as np
from backtest_paths import SAME_EXITS, crash_path

from planner.backtest.engine import run_both
from planner.cli import run
from planner.domain import Settings


def test_with_the_hedge_off_the_two_equity_curves_are_identical(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    code = run(["backtest", "--generate", "5", "--years", "1.5", "--hedge", "off", "--json",
                "--db", str(tmp_path / "b.db")], out, err)
    assert code == 0, err.getvalue()
    payload = json.loads(out.getvalue())
    assert payload["hedge"] == "off"
    assert payload["equity"]["hedged"] == payload["equity"]["unhedged"]
    assert payload["hedged"]["trades"] == payload["unhedged"]["trades"] > 0


def test_through_a_crash_the_runs_differ_only_by_the_hedge_layers():
    path = crash_path()
    hedged_on = run_both(path, Settings(), SAME_EXITS)
    off = run_both(path, Settings(), replace(SAME_EXITS, hedge=False))
    np.testing.assert_array_equal(off.hedged.equity, off.unhedged.equity)
    assert off.hedged.hedge_trades == () and off.hedged.layers == ()
    # With the rules on, the condors and their exits are the same, condor for condor; the equity differs by
    # exactly the hedge layers' P&L.
    assert hedged_on.hedged.hedge_trades
    assert [(c.entry_day, c.exit_day, c.exit_reason, c.pnl_usd) for c in hedged_on.hedged.condors] == \
        [(c.entry_day, c.exit_day, c.exit_reason, c.pnl_usd) for c in hedged_on.unhedged.condors]
    np.testing.assert_allclose(hedged_on.hedged.equity - hedged_on.hedged.hedge_pnl, hedged_on.unhedged.equity,
                               atol=1e-6)


def test_the_profit_target_is_the_setting_in_both_runs_unless_the_run_sets_it():
    path = crash_path()
    off = replace(SAME_EXITS, hedge=False)

    def exits(settings, config):
        runs = run_both(path, settings, config)
        return [(c.exit_day, c.exit_reason) for c in runs.unhedged.condors]

    by_setting = exits(Settings(condor_take_profit_pct=30.0), off)
    by_flag = exits(Settings(), replace(off, program=replace(off.program, profit_target_pct=30.0)))
    default = exits(Settings(), off)
    assert by_setting == by_flag != default
    assert sum(r == "profit" for _, r in by_setting) > sum(r == "profit" for _, r in default)
