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
from planner.domain.records import Decision, Event, Signal
from planner.domain.settings import Settings
from planner.risk.report import PositionRisk, RiskReport
from planner.rules.history import DailyHistory
from planner.rules.proposals import LayerSpec, backstop_spec, roll_spec, tier_spec
from planner.rules.sizing import Sizer, tier_target_usd
from planner.rules.tier_state import Sale, active_by_hysteresis, crossed_up_since, sales, sessions_since
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
    decisions: tuple[Decision, ...] = ()

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
        return None if position.id is None else self.risk_by_id.get(position.id)

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
        """The tier's protection target: its share rescaled among the active tiers when it is active, its base
        share when it is not (an ADD rules 3, 8 or 10 want in an inactive tier is sized on that share)."""
        if tier in self.active_tiers:
            share = self.active_share_pct(tier) / 100.0
            return self.settings.coverage_target_pct / 100.0 * abs(self.exposure_usd) * share
        return tier_target_usd(self.exposure_usd, tier, self.settings)

    def active_share_pct(self, tier: str) -> float:
        """The tier's share of the coverage target among today's active tiers, % (0 when inactive)."""
        if tier not in self.active_tiers:
            return 0.0
        total = sum(self.settings.tier_share_pct(t) for t in self.active_tiers)
        return 100.0 * self.settings.tier_share_pct(tier) / total if total > 0 else 0.0

    # -- the ladder's state and the hold after a sale ---------------------------------------------------
    @cached_property
    def sales(self) -> tuple[Sale, ...]:
        return sales(self.book, self.at, self.decisions)

    def last_sale(self, tier: str, *, take_profit: bool = False) -> Sale | None:
        return next((s for s in reversed(self.sales) if s.tier == tier and (s.take_profit or not take_profit)), None)

    def crossed_up_since(self, tier: str, day: date) -> bool:
        return crossed_up_since(self.history.get("VIX"), self.market.vix, self.settings.tier_vix_threshold(tier), day)

    def took_profit_in(self, tier: str) -> Sale | None:
        """The take-profit that keeps ``tier`` inactive (VIX has not crossed its threshold upward since)."""
        sale = self.last_sale(tier, take_profit=True)
        return sale if sale is not None and not self.crossed_up_since(tier, sale.day) else None

    @cached_property
    def active_tiers(self) -> tuple[str, ...]:
        """Tiers active at today's VIX, with hysteresis, less those still resting after a take-profit."""
        series = self.history.get("VIX")
        margin = self.settings.tier_hysteresis_pts
        return tuple(t for t in TIERS
                     if active_by_hysteresis(series, self.market.vix, self.settings.tier_vix_threshold(t), margin)
                     and self.took_profit_in(t) is None)

    def bought_lately(self, tier: str) -> bool:
        """A layer of ``tier`` bought (not rolled into) within ``rebuy_hold_sessions``: a discretionary sale in
        the tier now would be a round trip."""
        hold = self.settings.rebuy_hold_sessions
        return hold > 0 and any(p.rolled_from is None and sessions_since(p.opened_at.astimezone(calendars.ET).date(),
                                                                         self.today) <= hold
                                for p in self.tier_layers(tier))

    def rebuy_hold(self, tier: str) -> str | None:
        """Why a buy in ``tier`` waits (a recent sale in it), or None."""
        sale = self.last_sale(tier)
        hold = self.settings.rebuy_hold_sessions
        if sale is None or hold <= 0:
            return None
        since = sessions_since(sale.day, self.today)
        # "Within 5 sessions" includes the fifth: the first buy allowed is the sixth session after the sale.
        if since > hold or self.crossed_up_since(tier, sale.day):
            return None
        what = "took profit on" if sale.take_profit else "sold"
        return (f"the plan {what} a {tier} layer {since} session{'s' if since != 1 else ''} ago "
                f"({sale.day.isoformat()}): no buy in that tier for {hold} sessions unless VIX crosses its "
                f"{self.settings.tier_vix_threshold(tier):g} pts threshold upward")

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

