"""Optional gates a user switches on per rule: user signals, RSI, MACD, realized vol.

A gate holds back a rule's suggestions unless it agrees. Gates are keyed by
rule and tier ("ladder.long"), rule ("ladder"), tier for every rule ("*.long"),
direction ("adds": ADD and ROLL; "exits": TAKE_PROFIT, CLOSE, TRIM) or
everything ("*"): "only add the long tier when signal macro_stress is on" is
``signal_gates={"*.long": "macro_stress"}``. Indicator gates read the direction of the suggestion:
protective actions (ADD, ROLL, WARN) want volatility rising, exits (TAKE_PROFIT,
CLOSE, TRIM) want it falling:

* RSI(``rsi_days``, Wilder) of VIX: rising when >= ``rsi_rising_min``,
  falling when <= ``rsi_falling_max``;
* MACD(fast, slow, signal) of VVIX: rising when the MACD line is above its
  signal line (the last crossover was bullish), falling when below;
* realized SPX volatility over ``realized_vol_days`` (annualised with 252)
  against VIX / 100: rising when realized >= implied, falling when below;
* the term structure (``gate_term_structure_adds``): an ADD only while VIX /
  VIX3M is above 1 (an inverted curve), today's VIX against the last stored
  VIX3M close. It applies only when VIX3M history is stored (without it the
  gate has nothing to read and stands aside), and never to a ROLL, which
  keeps protection already held.

A signal is on when the user set it to a value above 0. A gate that lacks
the history it needs holds the suggestion back and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.domain.suggestions import Action, Suggestion
from planner.rules.context import RuleContext
from planner.rules.indicators import macd, realized_vol, wilder_rsi

EXITS = frozenset({Action.TAKE_PROFIT, Action.CLOSE, Action.TRIM})
ADDS = frozenset({Action.ADD, Action.ROLL})


@dataclass(frozen=True)
class RuleOptions:
    """Which gates are on; all off by default, so every rule runs on the book alone."""

    signal_gates: Mapping[str, str] = field(default_factory=dict)
    rsi_gates: frozenset[str] = frozenset()
    macd_gates: frozenset[str] = frozenset()
    realized_vol_gates: frozenset[str] = frozenset()
    rsi_days: int = 14
    rsi_rising_min: float = 50.0
    rsi_falling_max: float = 50.0
    macd_fast: int = 12
    macd_slow: int = 26
    macd_signal: int = 9
    realized_vol_days: int = 20
    term_structure_adds: bool = False


def _keys(suggestion: Suggestion) -> tuple[str, ...]:
    """Gate keys that apply, most specific first: "ladder.long", "ladder", "*.long", "adds" or "exits", "*"."""
    rule, tier = suggestion.rule, suggestion.tier
    direction = ("exits",) if suggestion.action in EXITS else ("adds",) if suggestion.action in ADDS else ()
    specific = (f"{rule}.{tier}", rule, f"*.{tier}") if tier else (rule,)
    return (*specific, *direction, "*")


def options_from_settings(settings: Any) -> RuleOptions:
    """Gates switched on in the settings (keys ``gate_<rsi|macd|realized_vol>_<adds|exits>`` and the
    indicator parameters); a key the settings do not have yet counts as off / its default."""
    defaults = RuleOptions()

    def enabled(gate: str) -> frozenset[str]:
        return frozenset(side for side in ("adds", "exits") if getattr(settings, f"gate_{gate}_{side}", False))

    def number(name: str):
        return getattr(settings, f"gate_{name}", getattr(defaults, name))

    return RuleOptions(
        rsi_gates=enabled("rsi"), macd_gates=enabled("macd"), realized_vol_gates=enabled("realized_vol"),
        rsi_days=number("rsi_days"), rsi_rising_min=number("rsi_rising_min"),
        rsi_falling_max=number("rsi_falling_max"), realized_vol_days=number("realized_vol_days"),
        term_structure_adds=bool(getattr(settings, "gate_term_structure_adds", False)),
    )


def _first(keys: tuple[str, ...], enabled) -> str | None:
    return next((k for k in keys if k in enabled), None)


class Gates:
    """Evaluates the gates of one run; each indicator is computed at most once."""

    def __init__(self, ctx: RuleContext, options: RuleOptions) -> None:
        self.ctx, self.options = ctx, options
        self._cache: dict[str, tuple[float | None, str]] = {}

    def hold_back(self, suggestion: Suggestion) -> str | None:
        """None when every gate on this suggestion agrees, else the reason it is held back."""
        keys = _keys(suggestion)
        rising = suggestion.action not in EXITS
        name_key = _first(keys, self.options.signal_gates)
        if name_key is not None:
            name = self.options.signal_gates[name_key]
            signal = self.ctx.signals.get(name)
            if signal is None or signal.value is None or not signal.value > 0:
                value = "not set" if signal is None or signal.value is None else f"{signal.value:g}"
                return f"signal gate: {name} is off ({value})"
        for enabled, check in ((self.options.rsi_gates, self._rsi), (self.options.macd_gates, self._macd),
                               (self.options.realized_vol_gates, self._realized)):
            if _first(keys, enabled) is not None:
                refusal = check(rising)
                if refusal:
                    return refusal
        if self.options.term_structure_adds and suggestion.action is Action.ADD:
            return self._term_structure()
        return None

    def _term_structure(self) -> str | None:
        closes = self.ctx.history.closes("VIX3M")
        if closes.size == 0:
            return None  # no VIX3M history stored: the gate stands aside
        ratio = self.ctx.market.vix / float(closes[-1])
        if ratio > 1.0:
            return None
        return (f"term-structure gate: VIX / VIX3M is {ratio:.3f} (VIX {self.ctx.market.vix:.2f}, VIX3M "
                f"{float(closes[-1]):.2f}), not above 1")

    def _indicator(self, name: str, compute) -> tuple[float | None, str]:
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name]

    def _rsi(self, rising: bool) -> str | None:
        days = self.options.rsi_days

        def compute():
            closes = self.ctx.history.closes("VIX")
            values = wilder_rsi(closes, days)
            if values.size == 0 or values[-1] != values[-1]:
                return None, f"needs {days + 1} daily VIX closes, has {closes.size}"
            return float(values[-1]), ""

        value, missing = self._indicator("rsi", compute)
        if value is None:
            return f"RSI gate: {missing}"
        if rising and value < self.options.rsi_rising_min:
            return f"RSI gate: RSI({days}) of VIX is {value:.1f}, below {self.options.rsi_rising_min:g}"
        if not rising and value > self.options.rsi_falling_max:
            return f"RSI gate: RSI({days}) of VIX is {value:.1f}, above {self.options.rsi_falling_max:g}"
        return None

    def _macd(self, rising: bool) -> str | None:
        o = self.options

        def compute():
            closes = self.ctx.history.closes("VVIX")
            result = macd(closes, o.macd_fast, o.macd_slow, o.macd_signal)
            last = result.histogram[-1] if result.histogram.size else float("nan")
            if last != last:
                return None, f"needs {o.macd_slow + o.macd_signal - 1} daily VVIX closes, has {closes.size}"
            return float(last), ""

        value, missing = self._indicator("macd", compute)
        if value is None:
            return f"MACD gate: {missing}"
        if rising and not value > 0:
            return f"MACD gate: VVIX MACD is {-value:.3f} below its signal line"
        if not rising and not value < 0:
            return f"MACD gate: VVIX MACD is {value:.3f} above its signal line"
        return None

    def _realized(self, rising: bool) -> str | None:
        days = self.options.realized_vol_days

        def compute():
            closes = self.ctx.history.closes("SPX")
            value = realized_vol(closes, days)
            if value is None:
                return None, f"needs {days + 1} daily SPX closes, has {closes.size}"
            return value, ""

        value, missing = self._indicator("realized", compute)
        if value is None:
            return f"realized-vol gate: {missing}"
        implied = self.ctx.market.vix / 100.0
        if rising and value < implied:
            return (f"realized-vol gate: {days}-day realized SPX vol {value * 100:.1f} % is under VIX "
                    f"{implied * 100:.1f}")
        if not rising and value >= implied:
            return (f"realized-vol gate: {days}-day realized SPX vol {value * 100:.1f} % is at or above VIX "
                    f"{implied * 100:.1f}")
        return None
