"""Named historical days, applied to today's book.

Each day is its SPX return and its VIX ratio (after / before) from real closes,
so the table asks "what would that day do to this book, from here" rather
than replaying old price levels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class StressDay:
    name: str
    day: date
    spx_before: float
    spx_after: float
    vix_before: float
    vix_after: float

    @property
    def spx_return(self) -> float:
        return self.spx_after / self.spx_before - 1.0

    @property
    def vix_ratio(self) -> float:
        return self.vix_after / self.vix_before


STRESS_DAYS: tuple[StressDay, ...] = (
    # 19 Oct 1987: SPX -20.5 %; VIX did not exist, the old VXO went about 4.1x.
    StressDay("Black Monday 1987", date(1987, 10, 19), 282.70, 224.84, 36.37, 150.19),
    StressDay("China devaluation 2015", date(2015, 8, 24), 1970.89, 1893.21, 28.03, 40.74),
    StressDay("Volmageddon 2018", date(2018, 2, 5), 2762.13, 2648.94, 17.31, 37.32),
    StressDay("Covid crash 2020", date(2020, 3, 16), 2711.02, 2386.13, 57.83, 82.69),
    StressDay("Yen carry unwind 2024", date(2024, 8, 5), 5346.56, 5186.33, 23.39, 38.57),
)
