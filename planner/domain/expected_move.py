"""The expected move: one standard deviation of SPX over a number of calendar days, in points.

SPX x VIX/100 x sqrt(days/365). VIX is the market's 30-day implied volatility of
SPX in percent a year (Cboe VIX white paper), and the square root of time scales
it to any horizon, as Cboe's own "expected move" rule of thumb does. The risk
curves' shaded bands, the break-even rule, the break-even alert and the demo
book's strikes all use this one function.
"""

from __future__ import annotations

import math

DAYS_PER_YEAR = 365.0  # calendar days: VIX annualises over the calendar year


def expected_move(spx: float, vix: float, days: float) -> float:
    """Points: SPX x VIX/100 x sqrt(days/365); 0 for a horizon of 0 days or less.

    >>> round(expected_move(6000.0, 16.0, 365 / 4), 1)  # a quarter: 6000 x 0.16 x 0.5
    480.0
    >>> round(expected_move(5900.0, 16.0, 10.0), 2)
    156.25
    """
    return spx * vix / 100.0 * math.sqrt(max(days, 0.0) / DAYS_PER_YEAR)


def expected_move_bands(spx: float, vix: float, days: float) -> dict[str, tuple[float, float]]:
    """SPX levels one ("1sd") and two ("2sd") expected moves below and above ``spx``.

    >>> expected_move_bands(6000.0, 16.0, 365 / 4)["1sd"]
    (5520.0, 6480.0)
    """
    move = expected_move(spx, vix, days)
    return {"1sd": (spx - move, spx + move), "2sd": (spx - 2 * move, spx + 2 * move)}
