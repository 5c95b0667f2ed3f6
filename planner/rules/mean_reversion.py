"""Rule 9: take profits as a volatility spike reverts; and the condor program's early close.

* After a spike (a VIX close at least ``spike_pct`` % above the lowest close of
  the ``spike_window_days`` closes ending on it, within the last
  ``spike_window_days`` closes), VIX at least ``take_profit_retrace_pct`` %
  below the spike's high and a layer worth at least ``take_profit_multiple``
  times its cost *after exit costs* (the half-spread given up,
  ``hedge_exit_spread_pct`` of its mark, and ``hedge_exit_fee_usd`` per
  contract and leg) -> TAKE_PROFIT on that layer. Its tier then rests
  (``RuleContext.active_tiers``) until VIX crosses its threshold upward again.
  A layer up a few dollars is no profit to take: spread and commissions eat it
  and the next review buys protection back.
* A condor at ``condor_take_profit_pct`` % or more of its max profit (credit x
  multiplier x quantity, net of fees) -> CLOSE it early. This is the condor
  program's standing exit for winners, not a hedge rule: its own kind of
  suggestion (rule ``condor_take_profit``), needing no spike.
"""

from __future__ import annotations

from planner.domain import payoff
from planner.domain.positions import Position
from planner.domain.suggestions import Action, Severity, Suggestion
from planner.domain.units import percent, usd
from planner.rules.common import band, close_trade, describe_position
from planner.rules.context import RuleContext, RuleSkipped
from planner.rules.indicators import recent_spike

MEAN_REVERSION = "mean_reversion"
CONDOR_TAKE_PROFIT = "condor_take_profit"
PROFIT_BAND_PCT = 10.0  # percent of max profit per id band


def exit_value_usd(ctx: RuleContext, layer: Position, mark: float) -> float:
    """Dollars the layer fetches if sold today: its mark less the half-spread given up, less commissions."""
    spread = ctx.settings.hedge_exit_spread_pct / 100.0
    fees = ctx.settings.hedge_exit_fee_usd * len(layer.legs) * layer.quantity
    return mark * (1.0 - spread) * layer.multiplier * layer.quantity - fees


def layer_cost_usd(layer: Position) -> float:
    """Dollars paid for the layer: premium and the fees recorded on its legs."""
    return layer.open_price * layer.multiplier * layer.quantity + layer.fees


def take_profit(ctx: RuleContext) -> list[Suggestion]:
    found: list[Suggestion] = []
    settings = ctx.settings
    multiple = settings.take_profit_multiple
    winners = []
    for layer in ctx.layers:
        row = ctx.risk(layer)
        if layer.tier is None or row is None or layer.open_price <= 0:
            continue
        value = exit_value_usd(ctx, layer, row.mark)
        cost = layer_cost_usd(layer)
        if cost > 0 and value >= multiple * cost:
            winners.append((layer, value, cost))
    if not winners:
        return found
    window = settings.spike_window_days
    series = ctx.history.get("VIX")
    if len(series) < window:
        raise RuleSkipped(f"needs {window} daily VIX closes to look for a spike, has {len(series)}")
    spike = recent_spike(series.closes, window, settings.spike_pct)
    if spike is None:
        return found
    spike_day = series.dates[spike.index]
    vix = ctx.market.vix
    peak = max(float(series.closes[-window:].max()), vix)  # today's quote may be the high of a spike still rising
    retrace = 100.0 * (1.0 - vix / peak)
    if retrace < settings.take_profit_retrace_pct:
        raise RuleSkipped(f"VIX {vix:.2f} pts is {percent(retrace, 0)} below the spike's high of {peak:.2f}; "
                          f"profits wait for {percent(settings.take_profit_retrace_pct, 0)}")
    for layer, value, cost in winners:
        tier = str(layer.tier)
        trade = close_trade(ctx, layer)
        reason = (f"VIX spiked to {spike.close:.2f} pts on {spike_day.isoformat()}, {percent(spike.rise_pct, 0)} above "
                  f"its {window}-day low of {spike.low:.2f}, peaked at {peak:.2f} and is back at {vix:.2f} pts, "
                  f"{percent(retrace, 0)} below the high; {describe_position(layer)} would fetch {usd(value)} after "
                  f"exit costs, {value / cost:.2f} times its {usd(cost)} cost: take the profit, selling at about "
                  f"{trade.price_pts:.2f} pts; the {tier} tier then rests until VIX crosses "
                  f"{settings.tier_vix_threshold(tier):g} pts upward; coverage after "
                  f"{percent(trade.coverage_after_pct, 1)}.")
        figures = {"vix_pts": vix, "spike_vix_pts": spike.close, "spike_low_vix_pts": spike.low,
                   "spike_rise_pct": spike.rise_pct, "peak_vix_pts": peak, "retrace_pct": retrace,
                   "take_profit_retrace_pct": settings.take_profit_retrace_pct, "exit_value_usd": value,
                   "cost_usd": cost, "value_multiple": value / cost, "take_profit_multiple": multiple}
        found.append(Suggestion(MEAN_REVERSION, Action.TAKE_PROFIT, Severity.MEDIUM, reason, (layer.saved_id,), tier,
                                trade, figures, f"spike={spike_day.isoformat()}"))
    return found


def close_winners(ctx: RuleContext) -> list[Suggestion]:
    target = ctx.settings.condor_take_profit_pct
    found = []
    for condor in ctx.condors:
        row = ctx.risk(condor)
        max_profit = payoff.max_profit(condor)
        if row is None or max_profit is None or max_profit <= 0:  # None: not a condor (never here)
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
        found.append(Suggestion(CONDOR_TAKE_PROFIT, Action.CLOSE, Severity.MEDIUM, reason, (condor.saved_id,), None,
                                trade, figures, f"profit|{band(share, PROFIT_BAND_PCT)}"))
    return found
