"""Risk used: each condor's worst loss with its share of the hedges over the plausible scenarios, as a
percent of equity, and the same for the whole book."""

from __future__ import annotations

import numpy as np

from planner.risk.contracts import years_at
from planner.risk.exposure import group_weights
from planner.risk.matrix import matrix_axes
from planner.risk.plausible import plausible_scenarios
from planner.risk.report import PlausibleRisk
from planner.risk.valuation import contract_values


def plausible_risk(table, model, market, settings, positions, today, fixed, shares, at, light):
    """Each condor's risk used (% of equity) with its share of the hedges over the plausible scenarios,
    the scenario that sets it, and the scenarios (with each position's P&L in light mode)."""
    moves, _ = matrix_axes(market, light)
    scenarios = plausible_scenarios(market, settings, at, moves)
    if not positions:
        return {}, {}, PlausibleRisk(scenarios, np.zeros((0, scenarios.spx.size)) if light else None)
    values = contract_values(table, model, scenarios.spx, scenarios.vix, years_at(table, scenarios.at), today.offset)
    condor_rows = table.is_condor_row()
    groups, group_fixed = group_weights(table.weights, fixed, shares, condor_rows)
    group_pnl = groups @ values - group_fixed[:, None]
    worst_index = group_pnl.argmin(axis=1) if group_pnl.size else np.zeros(0, dtype=int)
    worst_pnl = group_pnl[np.arange(worst_index.size), worst_index]
    condor_indices = condor_rows.nonzero()[0].tolist()
    risk_used = {i: float(max(0.0, -w) / settings.equity * 100.0) for i, w in zip(condor_indices, worst_pnl.tolist(),
                                                                                  strict=True)}
    worst = {i: scenarios.describe(k) for i, k in zip(condor_indices, worst_index.tolist(), strict=True)}
    position_pnl = table.weights @ values - fixed[:, None] if light else None
    # The whole book (every condor and every hedge together) over the same scenarios.
    book_pnl = table.weights.sum(axis=0) @ values - fixed.sum()
    book_worst = int(book_pnl.argmin())
    book = (float(max(0.0, -book_pnl[book_worst]) / settings.equity * 100.0), scenarios.describe(book_worst))
    return risk_used, worst, PlausibleRisk(scenarios, position_pnl, *book)
