"""Generated paths with known answers, shared by the backtest tests."""

from __future__ import annotations

import math
from dataclasses import replace

from planner.backtest.engine import BacktestConfig
from planner.backtest.generator import CALM, GeneratorSettings, crash_shocks, generate
from planner.backtest.strategy import CondorProgram

# A market with no stressed regime, no jumps and a quiet VIX (13, barely moving): nothing can spike.
QUIET = GeneratorSettings(
    calm=replace(CALM, vix_mean=13.0, vix_vol_per_year=0.25, spx_drift_per_year=0.04, jumps_per_year=0.0,
                 expected_stay_days=math.inf),
    vix_start=13.0,
)
YEARS = 0.75  # about 190 sessions: every condor's life several times over, and a few seconds per hedged run
CRASH_AT = 120  # session index of the first crash day
# The program takes profit at the book's condor_take_profit_pct (50 %) in both runs, so condor for condor the
# two runs trade alike and the only difference left is the hedge.
SAME_EXITS = BacktestConfig(program=CondorProgram())


def calm_path(seed: int = 2):
    return generate(seed, YEARS, QUIET, name=f"quiet path, seed {seed}")


def crash_path(seed: int = 2):
    return generate(seed, YEARS, QUIET, shocks=crash_shocks(CRASH_AT, 12.0, 3), name=f"one crash, seed {seed}")
