"""Everything a rule reads, gathered once per run.

A rule is a pure function ``(RuleContext) -> list[Suggestion]``. It raises
``RuleSkipped`` when it cannot judge (missing history, nothing to judge), and
the engine reports the reason instead of a suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from planner import calendars
from planner.domain.market import MarketSnapshot
from planner.domain.positions import Book, LayerKind, Position, Tier
from planner.domain.records import Event, Signal
from planner.domain.settings import Settings
from planner.risk.report import PositionRisk, RiskReport
from planner.rules.history import DailyHistory
from planner.rules.proposals import LayerSpec, backstop_spec, roll_spec, tier_spec
from planner.rules.sizing import Sizer, tier_target_usd
from planner.rules.what_if import WhatIf

TIERS: tuple[str, ...] = tuple(str(t) for t in Tier)


class RuleSkipped(Exception):
    """The rule could not judge, or holds back on purpose; ``str(exc)`` says why in words a trader understands."""


@dataclass(eq=False)
class RuleContext:
    """The book, the market, the risk report and the inputs of the indicators.

    today: the valuation day in New York. history: daily closes before today.
    signals: by name. Proposals and what-if measurements are cached here, so
    two rules asking for the same tier's layer price and measure it once.
    """

    book: Book
    market: MarketSnapshot
    settings: Settings
    report: RiskReport
    at: datetime
    history: DailyHistory
    events: tuple[Event, ...] = ()
    signals: dict[str, Signal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._specs: dict[tuple, LayerSpec] = {}

    @cached_property
    def what_if(self) -> WhatIf:
        """Built on first use: a calm book, where no rule proposes a trade, never pays for it."""
        return WhatIf(self.book, self.market, self.settings, self.at, self.report)

    @cached_property
    def sizer(self) -> Sizer:
        return Sizer(self.what_if, self.settings)

    @cached_property
    def today(self) -> date:
        return self.at.astimezone(calendars.ET).date()

    @cached_property
    def risk_by_id(self) -> dict[int, PositionRisk]:
        return {row.id: row for row in self.report.positions if row.id is not None}

    def risk(self, position: Position) -> PositionRisk | None:
        return self.risk_by_id.get(position.id)

    @cached_property
    def condors(self) -> tuple[Position, ...]:
        return tuple(p for p in self.book.condors if p.opened_at <= self.at)

    @cached_property
    def layers(self) -> tuple[Position, ...]:
        return tuple(p for p in self.book.layers if p.opened_at <= self.at)

    def tier_layers(self, tier: str) -> tuple[Position, ...]:
        return tuple(p for p in self.layers if p.tier is not None and str(p.tier) == tier)

    def option_layers(self) -> tuple[Position, ...]:
        return tuple(p for p in self.layers if p.layer_kind is not LayerKind.VIX_FUTURE
                     and all(leg.is_option for leg in p.legs))

    @property
    def exposure_usd(self) -> float:
        """Condor vega, dollars per SPX vol point (negative for short condors)."""
        return self.report.condor_exposure_usd

    @property
    def has_condor_exposure(self) -> bool:
        return bool(self.condors) and self.exposure_usd < 0

    def tier_protection_usd(self, tier: str) -> float:
        group = self.report.totals.get(tier)
        return group.greeks.protection_usd if group else 0.0

    def tier_target_usd(self, tier: str) -> float:
        return tier_target_usd(self.exposure_usd, tier, self.settings)

    def position_protection_usd(self, position: Position) -> float:
        row = self.risk(position)
        return row.greeks.protection_usd if row else 0.0

    def days_left(self, position: Position) -> int:
        """Calendar days from today to the position's (first) expiry."""
        return (position.expiry - self.today).days

    def tier_spec(self, tier: str) -> LayerSpec:
        key = ("tier", tier)
        if key not in self._specs:
            self._specs[key] = tier_spec(tier, self.market, self.settings, self.at, self.book)
        return self._specs[key]

    def backstop_spec(self) -> LayerSpec:
        key = ("backstop",)
        if key not in self._specs:
            self._specs[key] = backstop_spec(self.market, self.settings, self.at)
        return self._specs[key]

    def roll_spec(self, layer: Position) -> LayerSpec:
        key = ("roll", layer.id)
        if key not in self._specs:
            if layer.layer_kind is LayerKind.VIX_CALL and layer.tier is not None:
                # A single call rolls into its tier table's call: the very spec tier_spec prices.
                self._specs[key] = self.tier_spec(str(layer.tier))
            else:
                self._specs[key] = roll_spec(layer, self.market, self.settings, self.at, self.book)
        return self._specs[key]

    def require_condors(self) -> None:
        if not self.has_condor_exposure:
            raise RuleSkipped("no open condors to protect")

    @property
    def first_threshold(self) -> float:
        """The lowest VIX level at which any tier activates."""
        return min(self.settings.tier_vix_threshold(t) for t in TIERS)

