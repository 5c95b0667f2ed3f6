"""Rules 1 and 8: climb the ladder as VIX rises.

1. Ladder: VIX at or above a tier's threshold (``<tier>_vix_threshold``) and
   no open layer in that tier -> ADD that tier, sized to its share among the
   active tiers (a tier resting after a take-profit is not active).
8. Trend gate: VIX above its ``trend_sma_days``-day average and no near layer
   -> ADD near.

Both need open condors: a hedge with nothing to protect is only a cost.
"""

from __future__ import annotations

from datetime import date

from planner import calendars
from planner.domain.suggestions import Severity, Suggestion
from planner.rules.common import add_or_warn, layer_quantity, pts, vix_band
from planner.rules.context import TIERS, RuleContext, RuleSkipped
from planner.rules.indicators import sma

LADDER, TREND = "ladder", "trend"


def episode_start(ctx: RuleContext, threshold: float) -> date | None:
    """First day of the current run of VIX closes at or above ``threshold`` (today's quote included).

    It goes into the id, so a dismissal holds for this climb above the
    threshold and a later, separate climb shows again. None without history.
    """
    series = ctx.history.get("VIX")
    if len(series) == 0:
        return None
    closes = series.closes
    below = [i for i in range(closes.size) if closes[i] < threshold]
    if not below:
        return series.dates[0]
    last_below = below[-1]
    if last_below + 1 < closes.size:
        return series.dates[last_below + 1]
    return calendars.next_trading_day(series.dates[-1])


def ladder(ctx: RuleContext) -> list[Suggestion]:
    vix = ctx.market.vix
    # A tier resting after a take-profit waits for VIX to cross its threshold upward again.
    active = [t for t in TIERS if vix >= ctx.settings.tier_vix_threshold(t) and t in ctx.active_tiers
              and not ctx.tier_layers(t)]
    if not active:
        return []
    ctx.require_condors()
    found = []
    for tier in active:
        threshold = ctx.settings.tier_vix_threshold(tier)
        spec = ctx.tier_spec(tier)
        start = episode_start(ctx, threshold)
        why = f"VIX is {pts(vix)}, at or above the {tier} tier's {threshold:g} pts threshold, with no {tier} layer open"
        figures = {"vix_pts": vix, "threshold_vix_pts": threshold, "tier_share_pct": ctx.settings.tier_share_pct(tier)}
        condition = f"{vix_band(vix, ctx)}|since={start.isoformat() if start else ''}"
        found.append(add_or_warn(ctx, rule=LADDER, spec=spec, quantity=layer_quantity(ctx, spec),
                                 severity=Severity.HIGH, why=why, figures=figures, condition=condition))
    return found


def trend(ctx: RuleContext) -> list[Suggestion]:
    if ctx.tier_layers("near"):
        return []
    length = ctx.settings.trend_sma_days
    closes = ctx.history.closes("VIX")
    average = sma(closes, length)
    if average is None:
        raise RuleSkipped(f"needs {length} daily VIX closes for its {length}-day average, has {closes.size}")
    vix = ctx.market.vix
    if not vix > average:
        return []
    ctx.require_condors()
    spec = ctx.tier_spec("near")
    why = f"VIX is {pts(vix)}, above its {length}-day average of {pts(average)}, with no near layer open"
    figures = {"vix_pts": vix, "vix_sma_pts": average, "sma_days": length}
    return [add_or_warn(ctx, rule=TREND, spec=spec, quantity=layer_quantity(ctx, spec), severity=Severity.MEDIUM,
                        why=why, figures=figures, condition=f"above-sma|{vix_band(vix, ctx)}")]
