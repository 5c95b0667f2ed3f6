"""Rule 7: a condor with its hedges must not lose more than the cap in its worst plausible scenario.

The risk engine measures each condor with its share of the hedges over the
scenarios a market can produce (``planner.risk.plausible``: SPX moves with VIX
at the response's band low, central and band high, and the stress days); above
``risk_cap_pct`` of ``equity`` (or
``high_roe_cap_pct`` with ``high_roe`` on) -> WARN, with the largest number of
condors of that position that would fit under the cap with today's hedges
(measured by ``what_if`` with the condor resized). The advice follows the
worst scenario: against a fall, protection helps; against a rise (VIX falls
with it) a VIX hedge cannot, so the condor must shrink. Once per condor: the
suggestion's id names the condor and its size only, so after the trader
acknowledges it (a decision) it stays quiet until the condor is resized.
"""

from __future__ import annotations

from planner.domain.positions import Position
from planner.domain.suggestions import Action, Severity, Suggestion
from planner.domain.units import percent, usd
from planner.rules.common import describe_position
from planner.rules.context import RuleContext
from planner.rules.sizing import RISK_TOLERANCE_PCT

RISK_CAP = "risk_cap"


def largest_fitting(ctx: RuleContext, condor: Position, cap: float) -> int:
    """Most contracts of this condor whose group stays within the cap (0 when not even one)."""

    def fits(quantity: int) -> bool:
        return ctx.what_if.condor_risk_pct(condor.saved_id, quantity / condor.quantity) <= cap + RISK_TOLERANCE_PCT

    low, high = 0, condor.quantity  # low fits (no condor, no risk), high breaks
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return low


def risk_cap(ctx: RuleContext) -> list[Suggestion]:
    cap = ctx.settings.risk_cap_in_force_pct
    found = []
    for condor in ctx.condors:
        row = ctx.risk(condor)
        if row is None or row.risk_used_pct is None or not row.risk_used_pct > cap:
            continue
        worst_loss = row.risk_used_pct / 100.0 * ctx.settings.equity
        fitting = largest_fitting(ctx, condor, cap)
        scenario = row.risk_used_scenario
        falls = scenario is None or scenario["spx_move_pct"] < 0
        verb = "reduce it" if fitting else "close it"
        remedy = (f"{verb} or add protection" if falls
                  else f"{verb}; a VIX hedge does not help when SPX rises and VIX falls")
        fit_words = (f"at most {fitting} of the {condor.quantity} fit; " if fitting else "not even one fits; ") + remedy
        regime = " (high-ROE regime)" if ctx.settings.high_roe else ""
        reason = (f"{describe_position(condor)} with its hedges can lose {usd(worst_loss)} in its worst plausible "
                  f"scenario ({_scenario_words(scenario)}), {percent(row.risk_used_pct)} of equity, over the "
                  f"{percent(cap)} cap{regime}: {fit_words}.")
        figures = {"risk_used_pct": row.risk_used_pct, "risk_cap_pct": cap, "worst_loss_usd": worst_loss,
                   **({} if scenario is None else {"worst_spx_move_pct": scenario["spx_move_pct"],
                                                    "worst_vix_pts": scenario["vix"]}),
                   "equity_usd": ctx.settings.equity, "quantity": condor.quantity, "largest_quantity": fitting}
        # Once per condor and size: the id holds while risk used moves (a decision keeps it quiet then) and
        # changes when the condor is resized, which is when the largest fitting quantity means something new.
        found.append(Suggestion(RISK_CAP, Action.WARN, Severity.CRITICAL, reason, (condor.saved_id,), None, None,
                                figures, f"over|qty={condor.quantity}"))
    return found


def _scenario_words(scenario: dict | None) -> str:
    """'SPX -12.0 %, VIX 41.3' or the stress day's name."""
    if scenario is None:
        return "no scenario"
    if scenario.get("name"):
        return scenario["name"]
    return f"SPX {scenario['spx_move_pct']:+.1f} %, VIX {scenario['vix']:.1f} at the VIX {scenario['kind']}"
