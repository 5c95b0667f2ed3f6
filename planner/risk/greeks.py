"""Dollar Greeks per leg and per position, and each condor's coverage by the hedges.

Per leg: its weight (signed quantity x multiplier) times the contract's Greeks
per unit; per position: the sum over its legs. A hedge's protection is its vega
(SPX legs) or its delta to spot VIX through the damping d(T) (VIX legs).
"""

from __future__ import annotations

import numpy as np

from planner.risk.contracts import SPX
from planner.risk.vix_response import dvix_dspx


def greeks_per_leg(table, today, market, settings, condor_rows) -> dict[str, np.ndarray]:
    """Dollar Greeks per leg: leg weight (signed qty x multiplier) times per-unit Greeks."""
    c, w = table.leg_contract, table.leg_weight
    is_spx = table.kind[c] == SPX
    delta = w * today.delta[c]
    delta_spx = np.where(is_spx, delta, 0.0)
    delta_vix = np.where(is_spx, 0.0, delta)
    spot_vix_delta = delta_vix * table.damping[c]
    vega = w * today.vega[c]
    in_hedge = ~condor_rows[table.leg_position] if table.leg_position.size else np.zeros(0, dtype=bool)
    protection = np.where(in_hedge, np.where(is_spx, vega, spot_vix_delta), 0.0)
    return {
        "delta_spx_usd": delta_spx,
        "delta_vix_usd": delta_vix,
        "delta_spx_equiv_usd": delta_spx + spot_vix_delta * dvix_dspx(market.spx, market.vix, settings),
        "gamma_usd": w * today.gamma[c],
        "vega_usd": vega,
        "theta_usd": w * today.theta[c],
        "protection_usd": protection,
    }


def sum_by_position(table, leg_greeks, count) -> dict[str, np.ndarray]:
    return {name: np.bincount(table.leg_position, weights=per_leg, minlength=count).astype(float)
            for name, per_leg in leg_greeks.items()}


def coverage_per_condor(shares, position_greeks, condor_rows) -> dict[int, float]:
    coverage = {}
    protection = position_greeks["protection_usd"]
    vega = position_greeks["vega_usd"]
    # One product for every condor (a column at a time walked the whole square, strided).
    protected = protection @ shares
    for i in condor_rows.nonzero()[0]:
        if vega[i] < 0:
            coverage[int(i)] = float(100.0 * protected[i] / abs(vega[i]))
    return coverage
