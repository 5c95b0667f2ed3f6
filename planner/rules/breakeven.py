"""Rule 3: break-evens migrating toward spot -> add a mid layer.

For each open condor: the distance from SPX to its nearer expiry break-even
(negative once spot is past it) divided by the expected move to its expiry,
SPX x VIX/100 x sqrt(days/365). Below ``breakeven_move_ratio`` the condor is
at risk; rising IV widens the expected move, so this fires as volatility
climbs. One suggestion names every condor at risk and proposes the mid tier's
layer sized to its share; it stays quiet once the mid tier holds its share
(not even one more contract short).
"""

from __future__ import annotations

from planner.domain.expected_move import expected_move
from planner.domain.payoff import position_break_evens
from planner.domain.positions import Position
from planner.domain.suggestions import Severity, Suggestion
from planner.rules.common import add_or_warn, band, pts
from planner.rules.context import RuleContext
from planner.rules.sizing import contracts_short

BREAKEVEN = "breakeven"
RATIO_BAND = 0.25  # expected moves per id band: a quarter move closer is a material change
MID = "mid"


def expiry_break_evens(condor: Position) -> tuple[float, float] | None:
    """(lower, upper) break-evens at the condor's own expiry, K2 - C and K3 + C with fees moving them
    inward (``planner.domain.payoff``); None when fees eat the whole credit."""
    found = position_break_evens(condor)
    return (found[0], found[1]) if found else None


def move_ratio(ctx: RuleContext, condor: Position) -> tuple[float, float, float, float] | None:
    """(ratio, distance pts, expected move pts, days) or None at expiry."""
    from planner import calendars

    years = calendars.time_to_expiry(ctx.at, condor.expiry, str(condor.legs[0].settlement))
    if years <= 0:
        return None
    spx = ctx.market.spx
    found = expiry_break_evens(condor)
    # No break-even at all (fees above the credit): the condor loses wherever SPX settles.
    distance = 0.0 if found is None else min(spx - found[0], found[1] - spx)
    days = years * 365.0
    expected = expected_move(spx, ctx.market.vix, days)
    return distance / expected, distance, expected, days


def breakeven(ctx: RuleContext) -> list[Suggestion]:
    limit = ctx.settings.breakeven_move_ratio
    at_risk = []
    for condor in ctx.condors:
        measured = move_ratio(ctx, condor)
        if measured is not None and measured[0] < limit:
            at_risk.append((condor, *measured))
    if not at_risk:
        return []
    spec = ctx.tier_spec(MID)
    have = ctx.tier_protection_usd(MID)
    short = contracts_short(ctx.tier_target_usd(MID), have, spec.protection_usd)
    if ctx.tier_layers(MID) and short < 1:
        return []
    worst = min(at_risk, key=lambda item: item[1])
    condor, ratio, distance, expected, days = worst
    count = len(at_risk)
    others = f" (and {count - 1} more condor{'s' if count > 2 else ''})" if count > 1 else ""
    why = (f"Condor {condor.id}{others} has its nearer break-even {pts(distance)} from SPX, {ratio:.2f} expected "
           f"moves of {pts(expected)} over {days:.1f} days, below {limit:g}")
    figures = {
        "worst_ratio_moves": ratio, "distance_pts": distance, "expected_move_pts": expected, "days": days,
        "ratio_limit_moves": limit, "spx_pts": ctx.market.spx, "vix_pts": ctx.market.vix,
        "ratios_moves": {str(c.id): r for c, r, *_ in at_risk},
    }
    return [add_or_warn(ctx, rule=BREAKEVEN, spec=spec, quantity=max(1, short), severity=Severity.HIGH, why=why,
                        figures=figures, condition=f"ratio-band={band(ratio, RATIO_BAND)}",
                        targets=tuple(c.saved_id for c, *_ in at_risk))]
