"""Replay of stored daily closes, one day per tick, for "what would my book
have shown on those days". The window's timer sets the pace; quotes made here
are what-if levels and are never written to the store. A day with a stored VX
settlement curve replays that curve with its closes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from planner.feeds.quotes import Quote

ET = ZoneInfo("America/New_York")
CLOSE = time(16, 0)
SPEEDS = (1.0, 2.0, 5.0, 10.0, 20.0)  # trading days per second the replay can run at


@dataclass(frozen=True, slots=True)
class ReplayDay:
    """Closes of one session: SPX, VIX and VVIX (None when missing) in points; futures: that day's
    stored VX settlements, (expiry, price in VIX points) pairs by expiry (empty when none are stored)."""

    day: date
    spx: float
    vix: float
    vvix: float | None = None
    futures: tuple[tuple[date, float], ...] = ()

    def quote(self) -> Quote:
        return Quote(self.spx, self.vix, self.vvix, self.futures, asof=datetime.combine(self.day, CLOSE, ET),
                     source=f"replay {self.day.isoformat()}")


def replay_days(rows: Iterable[tuple[date, str, float]], start: date | None = None,
                end: date | None = None, curves: Mapping[date, Mapping[date, float]] | None = None
                ) -> list[ReplayDay]:
    """Days with both an SPX and a VIX close, ascending, from (date, symbol, close) rows; ``curves``:
    stored VX settlements by day ({day: {expiry: settle}}, ``Repository.vx_settlement_curves``).

    >>> rows = [(date(2026, 1, 2), "SPX", 5900.0), (date(2026, 1, 2), "VIX", 16.0), (date(2026, 1, 5), "VIX", 17.0)]
    >>> replay_days(rows)
    [ReplayDay(day=datetime.date(2026, 1, 2), spx=5900.0, vix=16.0, vvix=None, futures=())]
    """
    closes: dict[date, dict[str, float]] = {}
    for day, symbol, close in rows:
        if (start is None or day >= start) and (end is None or day <= end):
            closes.setdefault(day, {})[symbol.upper()] = float(close)
    curves = curves or {}
    return [ReplayDay(day, c["SPX"], c["VIX"], c.get("VVIX"),
                      tuple(sorted((e, p) for e, p in curves.get(day, {}).items() if e >= day)))
            for day, c in sorted(closes.items()) if c.get("SPX", 0) > 0 and c.get("VIX", 0) > 0]


class Replay:
    """A cursor over replay days: ``step()`` returns the next quote, None at the end.

    >>> replay = Replay([ReplayDay(date(2026, 1, 2), 5900.0, 16.0), ReplayDay(date(2026, 1, 5), 5850.0, 18.0)])
    >>> replay.step().spx, replay.step().vix, replay.step(), replay.finished
    (5900.0, 18.0, None, True)
    """

    def __init__(self, days: list[ReplayDay], speed: float = 5.0) -> None:
        self.days = days
        self.index = 0
        self.speed = speed

    @property
    def finished(self) -> bool:
        return self.index >= len(self.days)

    @property
    def interval_ms(self) -> int:
        """Milliseconds between days at ``speed`` days per second."""
        return max(1, round(1000.0 / self.speed))

    def step(self) -> Quote | None:
        if self.finished:
            return None
        day = self.days[self.index]
        self.index += 1
        return day.quote()

    def current(self) -> ReplayDay | None:
        return self.days[self.index - 1] if self.index else None

    def rewind(self) -> None:
        self.index = 0
