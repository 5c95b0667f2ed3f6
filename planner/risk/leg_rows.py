"""Per-leg rows of the report (mark, model value, IV, years, value, P&L, Greeks), for the JSON and the CLI."""

from __future__ import annotations

from planner.risk.contracts import VIX_FUTURE
from planner.risk.report import Greeks, LegRisk


def make_leg_rows(table, today, leg_greeks) -> list[tuple[LegRisk, ...]]:
    """LegRisk rows grouped by position, built from plain lists (this runs on every refresh)."""
    c, weight = table.leg_contract, table.leg_weight
    marks = today.value[c].tolist()
    model = today.model_value[c].tolist()
    ivs = table.iv[c].tolist()
    years = table.years[c].tolist()
    # A VX future leg is worth its gain since entry (its price is a level, not a premium).
    value = today.value[c] * weight
    futures = (table.kind[c] == VIX_FUTURE).nonzero()[0]
    for i in futures.tolist():
        leg = table.legs[i]
        entry = leg.open_price if leg.open_price is not None else table.positions[table.leg_position[i]].open_price
        value[i] -= entry * weight[i]
    value = value.tolist()
    weights = weight.tolist()
    greek_rows = list(zip(*(leg_greeks[name].tolist() for name in Greeks.__slots__), strict=True))
    owners = table.leg_position.tolist()
    ids = [p.id for p in table.positions]
    grouped: list[list[LegRisk]] = [[] for _ in table.positions]
    for i, leg in enumerate(table.legs):
        p_index = owners[i]
        pnl = None if leg.open_price is None else (marks[i] - leg.open_price) * weights[i] - leg.fees
        grouped[p_index].append(LegRisk(ids[p_index], leg.id, marks[i], model[i], ivs[i], years[i], value[i], pnl,
                                        Greeks(*greek_rows[i])))
    return [tuple(legs) for legs in grouped]
