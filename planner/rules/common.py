"""Building blocks the rules share: sized ADD / ROLL suggestions, closing trades, bands.

A condition *band* is the coarse value of the figure that triggered a rule
(the highest VIX threshold crossed, the coverage decile...). It goes into the
suggestion's id, so the id holds still while the figure wiggles inside its
band and changes when the figure moves materially.
"""

from __future__ import annotations

import math
from datetime import date

from planner.domain.positions import LayerKind, Position, PositionKind
from planner.domain.suggestions import Action, ProposedTrade, Severity, Suggestion
from planner.domain.units import percent, usd
from planner.rules.context import TIERS, RuleContext
from planner.rules.proposals import LayerSpec
from planner.rules.sizing import Sized, contracts_short

KIND_WORDS = {
    LayerKind.VIX_CALL: "VIX call",
    LayerKind.VIX_CALL_SPREAD: "VIX call spread",
    LayerKind.VIX_FUTURE: "VIX future",
    LayerKind.SPX_PUT_SPREAD: "SPX put spread",
}


def band(value: float, step: float) -> str:
    """The band of ``value`` in steps of ``step`` (its lower edge), as text for an id.

    >>> band(34.7, 10.0), band(-0.2, 0.25)
    ('30', '-0.25')
    """
    step = step if step > 0 else 1.0
    return f"{math.floor(value / step + 1e-9) * step:g}"


def vix_band(vix: float, ctx: RuleContext) -> str:
    """The highest tier threshold VIX is at or above: 'vix>=22', or 'vix<18' below them all."""
    crossed = [ctx.settings.tier_vix_threshold(t) for t in TIERS if vix >= ctx.settings.tier_vix_threshold(t)]
    return f"vix>={max(crossed):g}" if crossed else f"vix<{ctx.first_threshold:g}"


def pts(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f} pts"


def day(value: date) -> str:
    return value.isoformat()


def describe_layer(kind: LayerKind, expiry: date, strikes: tuple[float, ...]) -> str:
    strike_text = "/".join(f"{k:g}" for k in strikes)
    words = KIND_WORDS[kind]
    if kind is LayerKind.VIX_FUTURE:
        return f"{expiry.isoformat()} {words}"
    plural = "s" if kind is LayerKind.VIX_CALL else ""
    return f"{expiry.isoformat()} {strike_text} {words}{plural}"


def describe_position(position: Position) -> str:
    if position.kind is PositionKind.CONDOR:
        strikes = "/".join(f"{leg.strike:g}" for leg in sorted(position.legs, key=lambda leg: leg.strike or 0.0))
        return f"condor {position.id} ({position.expiry.isoformat()} {strikes})"
    layer_strikes = tuple(leg.strike for leg in position.legs if leg.strike is not None)
    assert position.layer_kind is not None  # a layer always has its kind (the positions table's CHECK)
    layer = describe_layer(position.layer_kind, position.expiry, layer_strikes)
    return f"{position.tier or 'untiered'} layer {position.id} ({layer})"


def buy_trade(sized: Sized, quantity: int) -> ProposedTrade:
    spec = sized.spec
    return ProposedTrade(
        side="buy",
        instrument=str(spec.layer_kind),
        expiry=spec.expiry,
        strikes=spec.strikes,
        quantity=quantity,
        price_pts=spec.price_pts,
        cost_usd=spec.price_pts * spec.multiplier * quantity,
        protection_usd=spec.protection_usd * quantity,
        coverage_after_pct=sized.after.coverage_pct,
        risk_used_after_pct=sized.after.risk_used_pct,
        tier=spec.tier,
        settlement=str(spec.settlement),
        future_pts=spec.future_pts,
        iv=spec.iv,
    )


def sized_figures(ctx: RuleContext, sized: Sized) -> dict:
    return {
        "tier_target_usd": ctx.tier_target_usd(sized.spec.tier),
        "tier_protection_usd": ctx.tier_protection_usd(sized.spec.tier),
        "protection_per_contract_usd": sized.spec.protection_usd,
        "contracts_wanted": sized.wanted,
        "coverage_before_pct": ctx.report.coverage_pct,
        "risk_used_before_pct": sized.risk_before_pct,
        "risk_cap_pct": ctx.settings.risk_cap_in_force_pct,
    }


def trade_words(trade: ProposedTrade) -> str:
    kind = LayerKind(trade.instrument)
    return (f"{trade.quantity} {describe_layer(kind, trade.expiry, trade.strikes)} at about "
            f"{trade.price_pts:.2f} pts ({usd(trade.cost_usd)}), adding {usd(trade.protection_usd)} per VIX point")


def after_words(trade: ProposedTrade, ctx: RuleContext) -> str:
    return (f"coverage {percent(ctx.report.coverage_pct, 1)} -> {percent(trade.coverage_after_pct, 1)}, "
            f"risk used {percent(trade.risk_used_after_pct)} of equity")


def layer_quantity(ctx: RuleContext, spec: LayerSpec, *, have_usd: float | None = None,
                   target_usd: float | None = None) -> int:
    """Contracts that top the tier up to its share of the coverage target, at least 1."""
    target = ctx.tier_target_usd(spec.tier) if target_usd is None else target_usd
    have = ctx.tier_protection_usd(spec.tier) if have_usd is None else have_usd
    return max(1, contracts_short(target, have, spec.protection_usd))


def add_or_warn(
    ctx: RuleContext,
    *,
    rule: str,
    spec: LayerSpec,
    quantity: int,
    severity: Severity,
    why: str,
    figures: dict,
    condition: str,
    targets: tuple[int, ...] = (),
) -> Suggestion:
    """ADD ``quantity`` of ``spec`` (cut to what fits under the risk cap), or a WARN when none fits.

    ``why`` is the start of the sentence (the trigger, with its numbers).
    """
    sized = ctx.sizer.size(spec, quantity)
    figures = {**figures, **sized_figures(ctx, sized)}
    if sized.blocked:
        trade = buy_trade(sized, 1)
        reason = (f"{why}, but even one {describe_layer(spec.layer_kind, spec.expiry, spec.strikes)} would take "
                  f"risk used to {percent(trade.risk_used_after_pct)} of equity, over the "
                  f"{percent(ctx.settings.risk_cap_in_force_pct)} cap.")
        return Suggestion(rule, Action.WARN, Severity.HIGH, reason, targets, spec.tier, trade, figures,
                          f"{condition}|blocked", reasons=(why,))
    trade = buy_trade(sized, sized.quantity)
    capped = (f" (cut from {sized.wanted} to stay under the {percent(ctx.settings.risk_cap_in_force_pct)} risk cap)"
              if sized.capped else "")
    reason = f"{why}: buy {trade_words(trade)}{capped}; {after_words(trade, ctx)}."
    return Suggestion(rule, Action.ADD, severity, reason, targets, spec.tier, trade, figures, condition,
                      reasons=(why,))


def roll_or_warn(
    ctx: RuleContext,
    *,
    rule: str,
    layer: Position,
    severity: Severity,
    why: str,
    figures: dict,
    condition: str,
) -> Suggestion:
    """ROLL ``layer`` into the tier table's layer of today, sized to the tier's share without it."""
    spec = ctx.roll_spec(layer)
    have = ctx.tier_protection_usd(spec.tier) - ctx.position_protection_usd(layer)
    quantity = layer_quantity(ctx, spec, have_usd=have) if ctx.has_condor_exposure else layer.quantity
    sized = ctx.sizer.size(spec, quantity, remove=(layer.saved_id,))
    closing = close_value(ctx, layer)
    figures = {**figures, **sized_figures(ctx, sized), "close_price_pts": closing[0], "close_value_usd": closing[1]}
    what = describe_position(layer)
    if sized.blocked:
        trade = buy_trade(sized, 1)
        successor = describe_layer(spec.layer_kind, spec.expiry, spec.strikes)
        reason = (f"{why}, but rolling {what} into even one {successor}"
                  f" would take risk used to {percent(trade.risk_used_after_pct)} of equity, over the "
                  f"{percent(ctx.settings.risk_cap_in_force_pct)} cap; consider closing it.")
        return Suggestion(rule, Action.WARN, Severity.HIGH, reason, (layer.saved_id,), spec.tier,
                          _with_position(trade, layer), figures, f"{condition}|blocked", reasons=(why,))
    trade = _with_position(buy_trade(sized, sized.quantity), layer)
    reason = (f"{why}: sell {what} at about {closing[0]:.2f} pts ({usd(closing[1])}) and buy {trade_words(trade)}; "
              f"{after_words(trade, ctx)}.")
    return Suggestion(rule, Action.ROLL, severity, reason, (layer.saved_id,), spec.tier, trade, figures, condition,
                      reasons=(why,))


def _with_position(trade: ProposedTrade, layer: Position) -> ProposedTrade:
    from dataclasses import replace

    return replace(trade, position_id=layer.id)


def close_value(ctx: RuleContext, position: Position) -> tuple[float, float]:
    """(mark per unit, points; dollars held) of an open position today."""
    row = ctx.risk(position)
    if row is None:
        return 0.0, 0.0
    return row.mark, row.value_usd


def close_trade(ctx: RuleContext, position: Position, quantity: int | None = None) -> ProposedTrade:
    """Closing ``quantity`` (default all) of a position at today's mark, measured after."""
    quantity = position.quantity if quantity is None else quantity
    mark, _ = close_value(ctx, position)
    kept = max(0.0, 1.0 - quantity / position.quantity)
    after = ctx.what_if.measure(scale={position.saved_id: kept}, key=("keep",))
    row = ctx.risk(position)
    protection = row.greeks.protection_usd * quantity / position.quantity if row else 0.0
    is_condor = position.kind is PositionKind.CONDOR
    strikes = tuple(sorted((leg.strike for leg in position.legs if leg.strike is not None),
                           reverse=position.layer_kind is LayerKind.SPX_PUT_SPREAD))
    return ProposedTrade(
        side="buy-to-close" if is_condor else "sell",
        instrument="condor" if is_condor else str(position.layer_kind),
        expiry=position.expiry,
        strikes=strikes,
        quantity=quantity,
        price_pts=mark,
        cost_usd=(1 if is_condor else -1) * mark * position.multiplier * quantity,
        protection_usd=-protection,
        coverage_after_pct=after.coverage_pct,
        risk_used_after_pct=after.risk_used_pct,
        tier=str(position.tier) if position.tier else None,
        settlement=str(position.legs[0].settlement),
        position_id=position.id,
    )
