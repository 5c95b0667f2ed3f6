"""The known-answer runs, made once per test session (each costs a few seconds)."""

from __future__ import annotations

import pytest
from backtest_paths import SAME_EXITS, calm_path, crash_path

from planner.backtest.engine import run_both
from planner.backtest.results import report
from planner.domain import Settings


@pytest.fixture(scope="session")
def calm_report():
    return report(run_both(calm_path(), Settings(), SAME_EXITS))


@pytest.fixture(scope="session")
def crash_report():
    return report(run_both(crash_path(), Settings(), SAME_EXITS))
