"""Rule 2: keep coverage (hedge protection / |condor exposure|) inside its band.

With condors open:
* coverage below ``coverage_low_pct`` -> ADD in every tier below its share of
  the ``coverage_target_pct`` target, each topped up to its share (the sizing
  rule), all scaled down alike when other tiers are over their share, so the
  book lands on the target ("sized to reach 50 %") and the ladder's split holds;
* coverage above ``coverage_high_pct`` -> TRIM the tier most over its share:
  sell contracts of its layer that protects most, enough to bring the book
  back to the target without taking the tier below its share (at least one);
  never a sale that takes the book under ``coverage_low_pct``: then the
  tier's next layer, and when every one is a bigger step than the band (a
  small book), nothing, which the skipped reasons say (RuleSkipped).
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


def _sale(ctx: RuleContext, layer: Position, excess: float, exposure: float) -> _Sale:
    """Enough of ``layer`` to remove ``excess`` dollars of protection per VIX point, at least one, at most all."""
    per_contract = ctx.position_protection_usd(layer) / layer.quantity
    quantity = min(layer.quantity, max(1, math.floor(excess / per_contract + 1e-9)))
    return _Sale(layer, quantity, 100.0 * (ctx.report.hedge_protection_usd - per_contract * quantity) / exposure)


def _top_up(ctx: RuleContext, now: float, exposure: float, shortfall: dict[str, float], figures: dict
            ) -> list[Suggestion]:
    settings = ctx.settings
    book_short = settings.coverage_target_pct / 100.0 * exposure - ctx.report.hedge_protection_usd
    wanting = {t: short for t, short in shortfall.items() if short > 0}
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
               f"{usd(exposure)} of condor vega), and the {tier} tier is {usd(short)} per VIX point below its share")
        found.append(add_or_warn(ctx, rule=COVERAGE, spec=spec, quantity=quantity, severity=Severity.HIGH, why=why,
                                 figures={**figures, "coverage_low_pct": settings.coverage_low_pct,
                                          "book_shortfall_usd": book_short, "tier_shortfall_usd": short,
                                          "top_up_factor": factor},
                                 condition=f"below|{band(now, step)}"))
    return found


def coverage(ctx: RuleContext) -> list[Suggestion]:
    if not ctx.has_condor_exposure or ctx.report.coverage_pct is None:
        return []
    settings = ctx.settings
    now = ctx.report.coverage_pct
    exposure = abs(ctx.exposure_usd)
    shortfall = {t: ctx.tier_target_usd(t) - ctx.tier_protection_usd(t) for t in TIERS}
    figures = {"coverage_pct": now, "condor_exposure_usd": ctx.exposure_usd,
               "hedge_protection_usd": ctx.report.hedge_protection_usd}
    if now < settings.coverage_low_pct:
        return _top_up(ctx, now, exposure, shortfall, figures)
    if now > settings.coverage_high_pct:
        tier = min(TIERS, key=lambda t: (shortfall[t], TIERS.index(t)))
        layers = [p for p in ctx.tier_layers(tier) if ctx.position_protection_usd(p) > 0]
        if not layers:
            return []
        excess = min(-shortfall[tier], ctx.report.hedge_protection_usd - settings.coverage_target_pct / 100 * exposure)
        # The layer that protects most first; past it, any of the tier's layers whose sale keeps the book
        # on or above the floor. Where one contract is a bigger step than the band (a small book), selling
        # it would take the book under the floor, where this rule buys it back on the next review: spread
        # and commissions both ways, nothing gained. Then nothing is sold, and the skipped reasons say so.
        sales = [_sale(ctx, layer, excess, exposure) for layer in sorted(layers, key=ctx.position_protection_usd,
                                                                          reverse=True)]
        fitting = [sale for sale in sales if sale.left_pct >= settings.coverage_low_pct]
        if not fitting:
            layer, quantity, left_pct = max(sales, key=lambda sale: sale.left_pct)
            raise RuleSkipped(f"coverage is {percent(now, 1)}, above the {percent(settings.coverage_high_pct, 0)} "
                              f"ceiling, but selling {quantity} of {describe_position(layer)}, the {tier} tier's "
                              f"smallest step, would leave {percent(left_pct, 1)}, under the "
                              f"{percent(settings.coverage_low_pct, 0)} floor")
        layer, quantity, _ = fitting[0]
        trade = close_trade(ctx, layer, quantity)
        reason = (f"Coverage is {percent(now, 1)}, above the {percent(settings.coverage_high_pct, 0)} ceiling and the "
                  f"{tier} tier is {usd(-shortfall[tier])} per VIX point over its share: sell {quantity} of "
                  f"{describe_position(layer)} at about {trade.price_pts:.2f} pts ({usd(-trade.cost_usd)}); "
                  f"coverage after {percent(trade.coverage_after_pct, 1)}.")
        step = settings.coverage_high_pct - settings.coverage_target_pct
        return [Suggestion(COVERAGE, Action.TRIM, Severity.LOW, reason, (layer.id,), tier, trade,
                           {**figures, "coverage_high_pct": settings.coverage_high_pct,
                            "tier_excess_usd": -shortfall[tier]},
                           f"above|{band(now, step)}")]
    return []
