"""Which live snapshots are stored: at most one per interval, plus each session's close.

Live snapshots arrive a few times a second and stay in memory at that rate; the
book file keeps only a sample, so it grows by about one row a minute while the
market is open. The session's close is kept too: the last snapshot before the
close (16:00 New York, 13:00 on an early-close day) is stored once a snapshot
from after the close, or from a later day, shows that the session has ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

ET = ZoneInfo("America/New_York")
CLOSE = time(16, 0)
EARLY_CLOSE = time(13, 0)

Item = TypeVar("Item")


def session_close(moment: datetime) -> datetime:
    """The close of ``moment``'s New York trading day (regular or early)."""
    from planner.calendars import is_early_close

    local = moment.astimezone(ET)
    closing = EARLY_CLOSE if is_early_close(local.date()) else CLOSE
    return datetime.combine(local.date(), closing, tzinfo=ET)


@dataclass
class SnapshotSampler(Generic[Item]):
    """``offer(item, asof)`` returns the items to store now, each with ``is_close``."""

    interval: timedelta
    keep_close: bool = True
    last_stored: datetime | None = None
    _held: tuple[Item, datetime] | None = field(default=None, repr=False)
    offered: int = 0
    stored: int = 0

    def offer(self, item: Item, asof: datetime) -> list[tuple[Item, bool]]:
        self.offered += 1
        out: list[tuple[Item, bool]] = []
        if self.keep_close and self._held is not None:
            held, held_at = self._held
            close = session_close(held_at)
            if held_at < close <= asof and (self.last_stored is None or self.last_stored < held_at):
                out.append((held, True))  # the last quote of the session that just ended
                self.last_stored = held_at
        if self.last_stored is None or asof - self.last_stored >= self.interval:
            out.append((item, False))
            self.last_stored = asof
            self._held = None
        else:
            self._held = (item, asof)
        self.stored += len(out)
        return out
