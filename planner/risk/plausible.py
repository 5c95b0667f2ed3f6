"""Risk used: the worst loss over scenarios a market can produce (DOMAIN.md, "Risk used").

For each SPX move of the scenario matrix's axis, spot VIX at the VIX response's
band low, central path and band high for that move over ``risk_horizon_sessions``
trading sessions; and the stress days (each day's SPX return and VIX ratio from
today's levels, VIX capped). Every scenario is valued at the risk horizon, a
typed mark's gap to the model kept as today. Never a corner such as SPX -30 %
with VIX at 10, where hedges are worthless: the matrix shows those, risk used
does not count them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import numpy as np

from planner.domain.market import MarketSnapshot
from planner.domain.settings import Settings
from planner.risk.stress import STRESS_DAYS
from planner.risk.vix_response import vix_response

BAND_LOW, CENTRAL, BAND_HIGH, STRESS = "band low", "central", "band high", "stress day"


@dataclass(frozen=True, eq=False)
class Scenarios:
    """The plausible scenarios: SPX (points), spot VIX (points), SPX move (fraction), what each is
    (``BAND_LOW`` .. ``STRESS``), the stress day's name ("" for the model's), and the valuation moment."""

    spx: np.ndarray
    vix: np.ndarray
    spx_moves: np.ndarray
    kinds: tuple[str, ...]
    names: tuple[str, ...]
    at: datetime

    def describe(self, index: int) -> dict:
        """The JSON of one scenario: ``spx_move_pct``, ``vix``, ``name`` (a stress day's, else None), ``kind``."""
        return {"spx_move_pct": float(self.spx_moves[index] * 100.0), "spx": float(self.spx[index]),
                "vix": float(self.vix[index]), "name": self.names[index] or None, "kind": self.kinds[index]}


def plausible_scenarios(market: MarketSnapshot, settings: Settings, at: datetime, moves: np.ndarray) -> Scenarios:
    """The scenarios risk used is measured over, for the matrix's SPX moves ``moves`` (fractions)."""
    sessions = settings.risk_horizon_sessions
    spx = market.spx * (1.0 + np.asarray(moves, dtype=float))
    path = vix_response(spx, market.spx, market.vix, sessions, settings)
    stress_moves = np.array([day.spx_return for day in STRESS_DAYS])
    stress_vix = np.array([min(market.vix * day.vix_ratio, settings.vix_cap) for day in STRESS_DAYS])
    count = spx.size
    return Scenarios(
        spx=np.concatenate([spx, spx, spx, market.spx * (1.0 + stress_moves)]),
        vix=np.concatenate([path.low, path.central, path.high, stress_vix]),
        spx_moves=np.concatenate([moves, moves, moves, stress_moves]),
        kinds=(BAND_LOW,) * count + (CENTRAL,) * count + (BAND_HIGH,) * count + (STRESS,) * len(STRESS_DAYS),
        names=("",) * (3 * count) + tuple(day.name for day in STRESS_DAYS),
        at=sessions_ahead(at, sessions),
    )


def sessions_ahead(at: datetime, sessions: int) -> datetime:
    """``at`` moved to the same time ``sessions`` trading sessions later (a Friday + 1 is the Monday)."""
    return at + timedelta(days=(_session_after(at.date(), int(sessions)) - at.date()).days)


@lru_cache(maxsize=64)
def _session_after(day: date, sessions: int) -> date:
    from planner.calendars import next_trading_day

    for _ in range(sessions):
        day = next_trading_day(day)
    return day
