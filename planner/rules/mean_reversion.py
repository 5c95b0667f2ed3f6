"""Rule 9: take profits as a volatility spike reverts; close condors that made their money.

* After a spike (a VIX close at least ``spike_pct`` % above the lowest close of
  the ``spike_window_days`` closes ending on it, within the last
  ``spike_window_days`` closes), VIX *back* under the threshold of a profitable
  layer's tier -> TAKE_PROFIT on that layer. "Back" means VIX closed at or
  above that threshold within the look-back; a spike that never reached the
  tier's threshold is not one that tier was bought for.
* A condor at ``condor_take_profit_pct`` % or more of its max profit (credit x
  multiplier x quantity, net of fees) -> CLOSE it early. This half needs no
  spike: it is the method's standing exit for winners.
"""

from __future__ import annotations

from planner.domain.suggestions import Action, Severity, Suggestion
from planner.domain.units import percent, usd
from planner.rules.common import band, close_trade, describe_position
from planner.rules.context import RuleContext, RuleSkipped
from planner.rules.indicators import recent_spike

MEAN_REVERSION = "mean_reversion"
PROFIT_BAND_PCT = 10.0  # percent of max profit per id band


def take_profit(ctx: RuleContext) -> list[Suggestion]:
    found: list[Suggestion] = []
    profitable = [layer for layer in ctx.layers if layer.tier is not None
                  and (row := ctx.risk(layer)) is not None and row.pnl_usd > 0
                  and ctx.market.vix < ctx.settings.tier_vix_threshold(str(layer.tier))]
    if not profitable:
        return found
    window = ctx.settings.spike_window_days
    series = ctx.history.get("VIX")
    if len(series) < window:
        raise RuleSkipped(f"needs {window} daily VIX closes to look for a spike, has {len(series)}")
    spike = recent_spike(series.closes, window, ctx.settings.spike_pct)
    if spike is None:
        return found
    spike_day = series.dates[spike.index]
    peak = float(series.closes[-window:].max())
    for layer in profitable:
        row = ctx.risk(layer)
        tier = str(layer.tier)
        threshold = ctx.settings.tier_vix_threshold(tier)
        if peak < threshold:
            continue
        trade = close_trade(ctx, layer)
        reason = (f"VIX spiked to {spike.close:.2f} pts on {spike_day.isoformat()}, {percent(spike.rise_pct, 0)} above "
                  f"its {window}-day low of {spike.low:.2f}, peaked at {peak:.2f} and is back at "
                  f"{ctx.market.vix:.2f} pts under the {tier} tier's {threshold:g} pts threshold: "
                  f"take {usd(row.pnl_usd)} of profit on "
                  f"{describe_position(layer)}, selling at about {trade.price_pts:.2f} pts; coverage after "
                  f"{percent(trade.coverage_after_pct, 1)}.")
        figures = {"vix_pts": ctx.market.vix, "threshold_vix_pts": threshold, "spike_vix_pts": spike.close,
                   "spike_low_vix_pts": spike.low, "spike_rise_pct": spike.rise_pct, "peak_vix_pts": peak,
                   "spike_pct": ctx.settings.spike_pct, "pnl_usd": row.pnl_usd}
        found.append(Suggestion(MEAN_REVERSION, Action.TAKE_PROFIT, Severity.MEDIUM, reason, (layer.id,), tier, trade,
                                figures, f"spike={spike_day.isoformat()}"))
    return found


def close_winners(ctx: RuleContext) -> list[Suggestion]:
    target = ctx.settings.condor_take_profit_pct
    found = []
    for condor in ctx.condors:
        row = ctx.risk(condor)
        max_profit = condor.open_price * condor.multiplier * condor.quantity - condor.fees
        if row is None or max_profit <= 0:
            continue
        share = 100.0 * row.pnl_usd / max_profit
        if share < target:
            continue
        trade = close_trade(ctx, condor)
        reason = (f"{describe_position(condor).capitalize()} has made {usd(row.pnl_usd)}, {percent(share, 0)} of its "
                  f"{usd(max_profit)} max profit, at or above {percent(target, 0)}: buy it back at about "
                  f"{trade.price_pts:.2f} pts ({usd(trade.cost_usd)}) and keep the rest of the credit.")
        figures = {"profit_pct_of_max": share, "take_profit_pct": target, "pnl_usd": row.pnl_usd,
                   "max_profit_usd": max_profit}
        found.append(Suggestion(MEAN_REVERSION, Action.CLOSE, Severity.MEDIUM, reason, (condor.id,), None, trade,
                                figures, f"profit|{band(share, PROFIT_BAND_PCT)}"))
    return found
