"""Rule 2: keep coverage (hedge protection / |condor exposure|) inside its band.

With condors open (coverage counts every layer's protection, active tier or not):
* coverage below ``coverage_low_pct`` -> ADD in every *active* tier (the
  ladder gates coverage: ``RuleContext.active_tiers``) below its share of the
  ``coverage_target_pct`` target, the shares rescaled among the active tiers,
  each topped up toward its share and all scaled down alike when other tiers
  are over theirs, so the book lands on the target; no active tier, no ADD;
* coverage above ``coverage_high_pct`` -> TRIM back to the target: the
  whole-contract quantity nearest it without going under ``coverage_low_pct``,
  first from the tier most over its share (an inactive tier's share is nil;
  an active tier gives up only what it holds over its share), its layer that
  can reach the target alone (else the one that protects most), then one
  candidate in each further tier over its share. The plan
  (``planner.rules.plan``) sizes them in turn against the book after its
  buys and leaves out those it does not need. A tier bought into within
  ``rebuy_hold_sessions`` sells nothing (that would be a round trip); when
  nothing fits, nothing is sold and the skipped reasons say why (RuleSkipped).
"""

from __future__ import annotations

import math
from typing import NamedTuple

from planner.domain.positions import Position
from planner.domain.suggestions import Action, Severity, Suggestion
from planner.domain.units import percent, usd
from planner.rules.common import add_or_warn, band, close_trade, describe_position
from planner.rules.context import TIERS, RuleContext, RuleSkipped
from planner.rules.sizing import contracts_short

COVERAGE = "coverage"


class _Sale(NamedTuple):
    layer: Position
    quantity: int  # contracts to sell
    left_pct: float  # the book's coverage after the sale, %
    reaches: bool  # the sale lands on the target (the layer holds enough contracts)


def _sale(ctx: RuleContext, layer: Position, excess: float, exposure: float) -> _Sale:
    """The whole-contract sale of ``layer`` nearest ``excess`` dollars of protection per VIX point, never taking
    the book under the floor; at most all of it."""
    per_contract = ctx.position_protection_usd(layer) / layer.quantity
    nearest = max(1, math.floor(excess / per_contract + 0.5))
    floor_room = ctx.report.hedge_protection_usd - ctx.settings.coverage_low_pct / 100.0 * exposure
    while nearest > 1 and per_contract * nearest > floor_room + 1e-9:
        nearest -= 1
    quantity = min(layer.quantity, nearest)
    left = 100.0 * (ctx.report.hedge_protection_usd - per_contract * quantity) / exposure
    return _Sale(layer, quantity, left, nearest <= layer.quantity)


def _top_up(ctx: RuleContext, now: float, exposure: float, shortfall: dict[str, float], figures: dict
            ) -> list[Suggestion]:
    settings = ctx.settings
    book_short = settings.coverage_target_pct / 100.0 * exposure - ctx.report.hedge_protection_usd
    wanting = {t: short for t, short in shortfall.items() if short > 0 and t in ctx.active_tiers}
    if not wanting:
        raise RuleSkipped(f"coverage is {percent(now, 1)}, below the {percent(settings.coverage_low_pct, 0)} floor, "
                          f"but no tier is active at VIX {ctx.market.vix:.2f} pts (the ladder gates coverage)"
                          if not ctx.active_tiers else
                          f"coverage is {percent(now, 1)}, below the {percent(settings.coverage_low_pct, 0)} floor, "
                          f"but every active tier ({', '.join(ctx.active_tiers)}) holds its share")
    # Each tier below its share is topped up toward it; when other tiers are over their share, every top-up
    # shrinks by the same factor so the book lands on the target rather than past it.
    factor = max(0.0, min(1.0, book_short / sum(wanting.values())))
    step = settings.coverage_target_pct - settings.coverage_low_pct
    found = []
    for tier, short in wanting.items():
        spec = ctx.tier_spec(tier)
        quantity = max(1, contracts_short(short * factor, 0.0, spec.protection_usd))
        why = (f"Coverage is {percent(now, 1)}, below the {percent(settings.coverage_low_pct, 0)} floor "
               f"({usd(ctx.report.hedge_protection_usd)} of protection per VIX point against "
               f"{usd(exposure)} of condor vega), and the {tier} tier, active at VIX {ctx.market.vix:.2f} pts "
               f"with {percent(ctx.active_share_pct(tier), 0)} of the target, is {usd(short)} per VIX point "
               f"below its share")
        found.append(add_or_warn(ctx, rule=COVERAGE, spec=spec, quantity=quantity, severity=Severity.HIGH, why=why,
                                 figures={**figures, "coverage_low_pct": settings.coverage_low_pct,
                                          "book_shortfall_usd": book_short, "tier_shortfall_usd": short,
                                          "top_up_factor": factor, "active_share_pct": ctx.active_share_pct(tier),
                                          "tier_goal_usd": ctx.tier_protection_usd(tier) + short * factor},
                                 condition=f"below|{band(now, step)}"))
    return found


def _trim(ctx: RuleContext, now: float, exposure: float, shortfall: dict[str, float], figures: dict
          ) -> list[Suggestion]:
    settings = ctx.settings
    excess = ctx.report.hedge_protection_usd - settings.coverage_target_pct / 100.0 * exposure
    over = sorted((t for t in TIERS if shortfall[t] < 0), key=lambda t: (shortfall[t], TIERS.index(t)))
    sales: list[tuple[str, _Sale]] = []
    recent = []
    for tier in over:
        layers = sorted((p for p in ctx.tier_layers(tier) if ctx.position_protection_usd(p) > 0),
                        key=ctx.position_protection_usd, reverse=True)
        if ctx.bought_lately(tier):
            recent += layers
            continue
        # An active tier gives up only what it holds over its share, or the ladder buys it back; an inactive
        # tier's share is nil.
        room = min(excess, -shortfall[tier]) if tier in ctx.active_tiers else excess
        for layer in layers:
            sale = _sale(ctx, layer, room, exposure)
            sales.append((tier, sale._replace(reaches=sale.reaches and room >= excess - 1e-9)))
    fitting = [(tier, sale) for tier, sale in sales if sale.left_pct >= settings.coverage_low_pct - 1e-9]
    if not fitting:
        if not sales:
            if recent:
                raise RuleSkipped(f"coverage is {percent(now, 1)}, above the {percent(settings.coverage_high_pct, 0)} "
                                  f"ceiling, but the layers over their share were bought within "
                                  f"{settings.rebuy_hold_sessions} sessions: selling them now would be a round trip")
            return []
        tier, (layer, quantity, left_pct, _) = max(sales, key=lambda item: item[1].left_pct)
        raise RuleSkipped(f"coverage is {percent(now, 1)}, above the {percent(settings.coverage_high_pct, 0)} "
                          f"ceiling, but selling {quantity} of {describe_position(layer)}, the {tier} tier's "
                          f"smallest step, would leave {percent(left_pct, 1)}, under the "
                          f"{percent(settings.coverage_low_pct, 0)} floor")
    # The first layer (most over-share tier, most protective layer first) that lands on the target alone;
    # failing that, the sale that comes nearest. Then a candidate in each further tier over its share: the
    # plan sizes them in turn against the book after its buys and the sales before, so together they land
    # on the target, and leaves out those it does not need.
    first = next((item for item in fitting if item[1].reaches),
                 min(fitting, key=lambda item: abs(item[1].left_pct - settings.coverage_target_pct)))
    chosen = [first]
    for item in fitting:
        if item[0] not in {tier for tier, _ in chosen}:
            chosen.append(item)
    step = settings.coverage_high_pct - settings.coverage_target_pct
    found = []
    for tier, (layer, quantity, left_pct, _) in chosen:
        trade = close_trade(ctx, layer, quantity)
        why = (f"Coverage is {percent(now, 1)}, above the {percent(settings.coverage_high_pct, 0)} ceiling and the "
               f"{tier} tier is {usd(-shortfall[tier])} per VIX point over its share")
        reason = (f"{why}: sell {quantity} of {describe_position(layer)} at about {trade.price_pts:.2f} pts "
                  f"({usd(-trade.cost_usd)}), back to the {percent(settings.coverage_target_pct, 0)} target; "
                  f"coverage after {percent(trade.coverage_after_pct, 1)}.")
        found.append(Suggestion(COVERAGE, Action.TRIM, Severity.LOW, reason, (layer.saved_id,), tier, trade,
                                {**figures, "coverage_high_pct": settings.coverage_high_pct,
                                 "tier_excess_usd": -shortfall[tier], "coverage_after_pct": left_pct},
                                f"above|{band(now, step)}", reasons=(why,)))
    return found


def coverage(ctx: RuleContext) -> list[Suggestion]:
    if not ctx.has_condor_exposure or ctx.report.coverage_pct is None:
        return []
    settings = ctx.settings
    now = ctx.report.coverage_pct
    exposure = abs(ctx.exposure_usd)
    shortfall = {t: ctx.tier_target_usd(t) - ctx.tier_protection_usd(t) if t in ctx.active_tiers
                 else -ctx.tier_protection_usd(t) for t in TIERS}
    figures = {"coverage_pct": now, "condor_exposure_usd": ctx.exposure_usd,
               "hedge_protection_usd": ctx.report.hedge_protection_usd,
               "active_tiers": ", ".join(ctx.active_tiers) or "none"}
    if now < settings.coverage_low_pct:
        return _top_up(ctx, now, exposure, shortfall, figures)
    if now > settings.coverage_high_pct:
        return _trim(ctx, now, exposure, shortfall, figures)
    return []
