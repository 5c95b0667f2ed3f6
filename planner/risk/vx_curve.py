"""The VX futures curve: stored settlements when there are any, else a model of contango and backwardation.

Model (docs/model.md "The VX futures curve"): log VIX is expected to revert
toward a long-run level m, faster from above than from below, so

    F(T) = m x (VIX / m) ** exp(-kappa T),
    kappa = ``vx_curve_reversion_calm`` when VIX <= m, ``vx_curve_reversion_spike`` above,

with m = ``vx_curve_mean_vix`` and T the years to the future's settlement. In a
calm market (VIX under m) the curve rises toward m, several percent a month
(contango); in a spike it falls toward m (backwardation), and the front
contract stays well under spot. F(0) = VIX, F(infinity) = m.

Stored history (``VxSettlements``): trade date -> {expiry: settlement price},
Cboe's per-contract daily settlements. A contract listed for the day is taken
as it settled; one the day lacks falls back to the model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np

from planner.domain.settings import Settings

VxSettlements = Mapping[date, Mapping[date, float]]  # trade date -> {VX expiry: settlement, VIX points}


def modelled_futures(years, vix: float, settings: Settings) -> np.ndarray:
    """F(T) for each of ``years`` (calendar years to settlement) at spot ``vix`` (points).

    VIX 10: a 6-month future of about 15.7 (the old fixed function gave 18.8);
    VIX 40: a 1-month future near 31.

    >>> s = Settings()
    >>> [round(float(f), 2) for f in modelled_futures([0.0, 0.5, 50.0], 10.0, s)]
    [10.0, 15.69, 20.0]
    >>> round(float(modelled_futures(1 / 12, 40.0, s)), 2)
    31.12
    """
    mean = settings.vx_curve_mean_vix
    kappa = settings.vx_curve_reversion_calm if vix <= mean else settings.vx_curve_reversion_spike
    pull = np.exp(-kappa * np.maximum(np.asarray(years, dtype=float), 0.0))
    return mean * (vix / mean) ** pull


def day_futures(day: date, expiries: Sequence[date], years, vix: float, settings: Settings,
                settlements: VxSettlements | None = None) -> np.ndarray:
    """The futures of ``expiries`` on ``day``: stored settlements where the day lists them, else the model."""
    futures = modelled_futures(years, vix, settings)
    stored = settlements.get(day) if settlements else None
    if stored:
        for i, expiry in enumerate(expiries):
            price = stored.get(expiry)
            if price is not None and price > 0:  # Cboe's files carry 0 on rows where a contract did not trade
                futures[i] = price
    return futures
