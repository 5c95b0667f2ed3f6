"""Gates switched on in Settings reach the rules (keys exist with their documented defaults)."""

from planner.domain import Settings
from planner.rules.gates import RuleOptions, options_from_settings


def test_gates_are_off_by_default():
    options = options_from_settings(Settings())
    assert options.rsi_gates == options.macd_gates == options.realized_vol_gates == frozenset()
    assert (options.rsi_days, options.realized_vol_days) == (RuleOptions().rsi_days, RuleOptions().realized_vol_days)


def test_settings_switch_each_gate_and_its_parameters():
    settings = (Settings().with_value("gate_rsi_adds", "on").with_value("gate_macd_exits", "true")
                .with_value("gate_realized_vol_adds", "1").with_value("gate_rsi_days", "10")
                .with_value("gate_rsi_rising_min", "55"))
    options = options_from_settings(settings)
    assert options.rsi_gates == frozenset({"adds"})
    assert options.macd_gates == frozenset({"exits"})
    assert options.realized_vol_gates == frozenset({"adds"})
    assert (options.rsi_days, options.rsi_rising_min) == (10, 55.0)
