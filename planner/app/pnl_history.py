"""Book P&L over time: the book as it stood at each past market, valued there (no Qt).

Points are the stored snapshots plus the stored daily closes (16:00 ET) since
the first position opened. At each point P&L = realized P&L of what had been
closed by then + the model value of what was open then, less its cost and
fees. Each valuation is cached on (market, positions open then, settings), so
a new quote or trade costs one or two new valuations, not the whole series.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from planner.domain import Book, MarketSnapshot, Position, Settings, Status

ET = ZoneInfo("America/New_York")
CLOSE = time(16, 0)


@dataclass(frozen=True, slots=True)
class PnlPoint:
    """Book P&L in dollars, net of fees, at ``at``; ``stored``: a stored snapshot (else a daily close)."""

    at: datetime
    pnl_usd: float
    stored: bool


def history_markets(snapshots: Sequence[MarketSnapshot], closes: Iterable[tuple[date, str, float]],
                    since: date | None) -> list[tuple[MarketSnapshot, bool]]:
    """(market, stored) pairs in time order: every snapshot, and a daily close on days without one."""
    if since is None or not snapshots:
        return []
    base = snapshots[-1]
    snapshot_days = {s.asof.astimezone(ET).date() for s in snapshots}
    by_day: dict[date, dict[str, float]] = {}
    for day, symbol, close in closes:
        if day >= since and day not in snapshot_days:
            by_day.setdefault(day, {})[symbol.upper()] = close
    markets = [(s, True) for s in snapshots if s.asof.astimezone(ET).date() >= since]
    for day, levels in by_day.items():
        if levels.get("SPX", 0) > 0 and levels.get("VIX", 0) > 0:
            market = MarketSnapshot(datetime.combine(day, CLOSE, ET), levels["SPX"], levels["VIX"], base.rate,
                                    base.div_yield, levels.get("VVIX"), (), "close")
            markets.append((market, False))
    markets.sort(key=lambda pair: pair[0].asof)
    return markets


def _as_open(position: Position) -> Position:
    """The position as it was while open: no close, no typed marks (a mark is today's)."""
    legs = tuple(leg.with_changes(mark=None, close_price=None) for leg in position.legs)
    return replace(position, status=Status.OPEN, closed_at=None, close_price=None, legs=legs)


class PnlHistory:
    """Cached valuations; ``compute`` does at most ``budget`` new ones per call (the worker calls it in slices)."""

    def __init__(self) -> None:
        self._cache: dict[tuple, float] = {}

    def _split(self, book: Book, at: datetime) -> tuple[tuple[Position, ...], float]:
        alive, realized = [], 0.0
        for position in book.positions:
            if position.opened_at > at:
                continue
            if position.status is Status.OPEN or position.closed_at is None or position.closed_at > at:
                alive.append(position)
            else:
                realized += position.realized_pnl() or 0.0
        return tuple(alive), realized

    def compute(self, book: Book, markets: Sequence[tuple[MarketSnapshot, bool]], settings: Settings,
                budget: int = 8) -> tuple[list[PnlPoint], bool]:
        """(points known so far, finished?) after valuing up to ``budget`` new points."""
        from planner.risk import analyze

        points, done = [], True
        for market, stored in markets:
            alive, realized = self._split(book, market.asof)
            key = (market, alive, settings)
            if key not in self._cache:
                if budget <= 0:
                    done = False
                    continue
                budget -= 1
                if alive:
                    # Values only: no curves, matrix or stress (a fraction of a full run).
                    report = analyze(Book(tuple(_as_open(p) for p in alive)), market, settings, at=market.asof,
                                     light=True, scenarios=False)
                    self._cache[key] = report.totals["book"].pnl_usd
                else:
                    self._cache[key] = 0.0
            points.append(PnlPoint(market.asof, realized + self._cache[key], stored))
        return points, done
