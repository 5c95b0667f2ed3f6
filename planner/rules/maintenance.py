"""Rules 4, 5 and 6: layers that decay, expire or cost more to carry than they protect.

4. Delta decay: an option layer whose delta per contract (dV/dF, 0..1, net
   for a spread) is below ``delta_decay_min`` -> ROLL the shortest such layer
   to its tier's expiry and strike. Futures never trigger it, and neither do
   SPX put spreads, whose delta is to SPX, not to a VIX future.
5. Expiry: an option layer with ``expiry_roll_days`` calendar days or fewer
   left -> ROLL when its tier is still wanted, else CLOSE.
6. Carry: an option layer worth ``carry_value_pct`` % of its cost or less, with
   ``carry_days`` days or fewer left, while VIX is under the lowest tier
   threshold -> ROLL when its tier is still wanted, else CLOSE.

A tier is *still wanted* when condors are open and either VIX is at or above
the tier's threshold or the book's coverage without the layer would fall below
``coverage_low_pct``. Layers without a tier cannot be rolled by the tier table:
they are closed (rules 5, 6) or left alone (rule 4).
"""

from __future__ import annotations

from planner.domain.positions import LayerKind, Position
from planner.domain.suggestions import Action, Severity, Suggestion
from planner.domain.units import percent, usd
from planner.rules.common import close_trade, describe_position, roll_or_warn
from planner.rules.context import RuleContext

DELTA_DECAY, EXPIRY, CARRY = "delta_decay", "expiry", "carry"


def delta_per_contract(ctx: RuleContext, layer: Position) -> float | None:
    row = ctx.risk(layer)
    if row is None:
        return None
    return row.greeks.delta_vix_usd / (layer.quantity * layer.multiplier)


def still_wanted(ctx: RuleContext, layer: Position) -> tuple[bool, str]:
    """Whether the layer's tier is still wanted, and the words saying why (or why not)."""
    if layer.tier is None:
        return False, "it has no tier to roll into"
    if not ctx.has_condor_exposure:
        return False, "no condors are open"
    tier = str(layer.tier)
    threshold = ctx.settings.tier_vix_threshold(tier)
    if ctx.market.vix >= threshold:
        return True, f"VIX {ctx.market.vix:.2f} pts is at or above the {tier} tier's {threshold:g} pts threshold"
    without = ctx.what_if.measure(scale={layer.saved_id: 0.0}, key=("keep",)).coverage_pct
    low = ctx.settings.coverage_low_pct
    if without is not None and without < low:
        return True, f"coverage would fall to {percent(without, 1)} without it, below {percent(low, 0)}"
    return False, (f"VIX {ctx.market.vix:.2f} pts is under the {tier} tier's {threshold:g} pts threshold and coverage "
                   f"stays at {percent(without, 1)} without it")


def _roll_or_close(ctx: RuleContext, layer: Position, *, rule: str, severity: Severity, why: str, figures: dict,
                   condition: str) -> Suggestion:
    wanted, because = still_wanted(ctx, layer)
    if wanted:
        return roll_or_warn(ctx, rule=rule, layer=layer, severity=severity, why=f"{why} and {because}",
                            figures=figures, condition=f"{condition}|roll")
    trade = close_trade(ctx, layer)
    reason = (f"{why} and {because}: sell {describe_position(layer)} at about {trade.price_pts:.2f} pts "
              f"({usd(-trade.cost_usd)}); coverage after {percent(trade.coverage_after_pct, 1)}.")
    return Suggestion(rule, Action.CLOSE, severity, reason, (layer.saved_id,), str(layer.tier) if layer.tier else None,
                      trade, figures, f"{condition}|close", reasons=(f"{why} and {because}",))


def delta_decay(ctx: RuleContext) -> list[Suggestion]:
    limit = ctx.settings.delta_decay_min
    decayed = []
    for layer in ctx.option_layers():
        if layer.layer_kind is LayerKind.SPX_PUT_SPREAD or layer.tier is None:
            continue
        delta = delta_per_contract(ctx, layer)
        if delta is not None and delta < limit:
            decayed.append((layer, delta))
    if not decayed:
        return []
    layer, delta = min(decayed, key=lambda item: (item[0].expiry, item[0].id or 0))
    spec = ctx.roll_spec(layer)
    if spec.expiry == layer.expiry and spec.strikes == tuple(leg.strike for leg in layer.legs):
        return []  # the tier table would buy this very contract again
    why = (f"{describe_position(layer)} has a delta of {delta:.3f} per contract, below {limit:g}, "
           f"so it barely follows its VIX future")
    figures = {"delta_per_contract": delta, "delta_min": limit, "days": ctx.days_left(layer),
               "decayed_layers": len(decayed)}
    band = "below-half" if delta < limit / 2 else "below"
    return [roll_or_warn(ctx, rule=DELTA_DECAY, layer=layer, severity=Severity.MEDIUM, why=why, figures=figures,
                         condition=band)]


def expiry(ctx: RuleContext) -> list[Suggestion]:
    limit = ctx.settings.expiry_roll_days
    found = []
    for layer in ctx.option_layers():
        days = ctx.days_left(layer)
        if days > limit:
            continue
        why = f"{describe_position(layer)} has {days} day{'s' if days != 1 else ''} left, {limit} or fewer"
        figures = {"days": days, "expiry_roll_days": limit, "vix_pts": ctx.market.vix}
        found.append(_roll_or_close(ctx, layer, rule=EXPIRY, severity=Severity.HIGH, why=why, figures=figures,
                                    condition=f"days<={limit}"))
    return found


def carry(ctx: RuleContext) -> list[Suggestion]:
    settings = ctx.settings
    vix = ctx.market.vix
    if not vix < ctx.first_threshold:
        return []
    found = []
    for layer in ctx.option_layers():
        days = ctx.days_left(layer)
        row = ctx.risk(layer)
        if row is None or layer.open_price <= 0 or days > settings.carry_days:
            continue
        value_pct = 100.0 * row.mark / layer.open_price
        if value_pct > settings.carry_value_pct:
            continue
        why = (f"{describe_position(layer)} is worth {row.mark:.2f} pts, {percent(value_pct, 0)} of the "
               f"{layer.open_price:.2f} pts paid, with {days} days left while VIX {vix:.2f} pts is under "
               f"{ctx.first_threshold:g}")
        figures = {"value_pct_of_cost": value_pct, "carry_value_pct": settings.carry_value_pct, "days": days,
                   "carry_days": settings.carry_days, "vix_pts": vix, "mark_pts": row.mark,
                   "open_price_pts": layer.open_price}
        found.append(_roll_or_close(ctx, layer, rule=CARRY, severity=Severity.LOW, why=why, figures=figures,
                                    condition="carry"))
    return found
