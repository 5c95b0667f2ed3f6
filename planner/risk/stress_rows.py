"""The stress table: each named historical day's SPX return and VIX ratio applied to today's book at the
next session, with and without the hedges."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from planner.risk.contracts import years_at
from planner.risk.report import StressRow
from planner.risk.stress import STRESS_DAYS
from planner.risk.valuation import contract_values


def stress_rows(table, model, market, settings, positions, today, at) -> tuple[StressRow, ...]:
    from planner.calendars import next_trading_day

    next_day = next_trading_day(at.date())
    moment = at + timedelta(days=(next_day - at.date()).days)
    rows = []
    if positions:
        years = years_at(table, moment)
        spx = np.array([market.spx * (1 + day.spx_return) for day in STRESS_DAYS])
        vix = np.array([min(market.vix * day.vix_ratio, settings.vix_cap) for day in STRESS_DAYS])
        change = table.weights @ (contract_values(table, model, spx, vix, years, today.offset) - today.value[:, None])
        condor_rows = table.is_condor_row()
        hedged = change.sum(axis=0)
        unhedged = change[condor_rows].sum(axis=0)
    else:
        spx = np.array([market.spx * (1 + day.spx_return) for day in STRESS_DAYS])
        vix = np.array([min(market.vix * day.vix_ratio, settings.vix_cap) for day in STRESS_DAYS])
        hedged = unhedged = np.zeros(len(STRESS_DAYS))
    for k, day in enumerate(STRESS_DAYS):
        reduction = 100.0 * (1.0 - hedged[k] / unhedged[k]) if unhedged[k] < 0 else None
        rows.append(StressRow(day.name, day.day, day.spx_return, day.vix_ratio, float(spx[k]), float(vix[k]),
                              float(unhedged[k]), float(hedged[k]), reduction))
    return tuple(rows)
