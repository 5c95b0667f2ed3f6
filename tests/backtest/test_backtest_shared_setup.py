"""Both runs of run_both share one PathSetup (expiries, model, condor choices): sharing changes no figure."""

from __future__ import annotations

import numpy as np
import pytest

from planner.backtest.engine import BacktestConfig, PathSetup, run_both, run_path
from planner.backtest.generator import generate
from planner.backtest.strategy import CondorProgram
from planner.domain import Settings

PATH = generate(5, 0.3)  # about 75 sessions: a dozen entries, some of them closed by the rules


def _same(first, second) -> None:
    np.testing.assert_array_equal(first.equity, second.equity)
    np.testing.assert_array_equal(first.hedge_pnl, second.hedge_pnl)
    assert first.condors == second.condors
    assert first.layers == second.layers
    assert (first.actions, first.warnings) == (second.actions, second.warnings)


def test_runs_sharing_a_setup_match_runs_made_alone():
    settings, config = Settings(), BacktestConfig()
    both = run_both(PATH, settings, config)
    assert len(both.unhedged.condors) > 5
    _same(both.unhedged, run_path(PATH, settings, config, hedged=False))
    _same(both.hedged, run_path(PATH, settings, config, hedged=True))


def test_a_setup_made_for_another_path_or_config_is_refused():
    settings, config = Settings(), BacktestConfig()
    setup = PathSetup(PATH, settings, config)
    other = BacktestConfig(program=CondorProgram(short_delta=0.10))
    with pytest.raises(ValueError, match="another path"):
        run_path(PATH, settings, other, hedged=False, setup=setup)
    with pytest.raises(ValueError, match="another path"):
        run_path(generate(6, 0.3), settings, config, hedged=False, setup=setup)
