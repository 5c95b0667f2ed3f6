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


def test_the_term_structure_gate_holds_adds_back_unless_vix_is_above_vix3m():
    from dataclasses import replace

    from rules_books import BIG_EQUITY, NOW, book, condor, history, market

    from planner.domain.suggestions import Action
    from planner.rules import suggest

    settings = replace(BIG_EQUITY, gate_term_structure_adds=True)
    options = options_from_settings(settings)
    vix = [15.0] * 30
    contango = history(vix) + [(d, "VIX3M", 21.0) for d, _, _ in history(vix)]
    inverted = history(vix) + [(d, "VIX3M", 19.0) for d, _, _ in history(vix)]
    snapshot = market(vix=20.0)

    def adds(closes):
        found = suggest(book(condor(qty=20)), snapshot, settings, at=NOW, history=closes, options=options)
        return [s for s in found if s.action is Action.ADD], found.skipped

    held, skipped = adds(contango)  # VIX 20 / VIX3M 21 < 1: held back, and said so
    assert held == [] and any("VIX / VIX3M is 0.952" in why for _, why in skipped)
    assert adds(inverted)[0]  # 20 / 19 > 1
    assert adds(history(vix))[0]  # no VIX3M stored: the gate stands aside
