"""What a quote source delivers, and the states a source can be in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class SourceState(StrEnum):
    """Shown next to the source's name in the market bar."""

    IDLE = "idle"  # manual entry: nothing runs
    WATCHING = "watching"  # waiting for the file's first good quote
    LIVE = "live"  # the last file read was good
    ERROR = "error"  # the last file read was bad; the last good quote stays
    PLAYING = "playing"
    PAUSED = "paused"
    FINISHED = "finished"
    CONNECTING = "connecting"  # a broker feed: connecting or waiting to reconnect
    DELAYED = "delayed"  # a broker feed streaming delayed (not live) data


@dataclass(frozen=True, slots=True)
class Quote:
    """Levels from one source.

    spx, vix, vvix and futures prices: index or VIX points. rate and div:
    decimals a year (0.045), None to keep the previous snapshot's. futures:
    (VIX expiry, price) pairs. asof: aware moment of the quote, None for "when
    received". source: the name stored with the snapshot.
    """

    spx: float
    vix: float
    vvix: float | None = None
    futures: tuple[tuple[date, float], ...] = ()
    rate: float | None = None
    div: float | None = None
    asof: datetime | None = None
    source: str = "manual"

    def market_fields(self) -> dict[str, Any]:
        """Keyword arguments of ``Workspace.set_market`` (which checks listings and ranges).

        >>> Quote(5900.0, 16.0, source="file").market_fields()
        {'spx': 5900.0, 'vix': 16.0, 'source': 'file'}
        """
        fields: dict[str, Any] = {"spx": self.spx, "vix": self.vix, "source": self.source}
        optional = {"vvix": self.vvix, "rate": self.rate, "div": self.div, "asof": self.asof}
        fields.update({key: value for key, value in optional.items() if value is not None})
        if self.futures:
            fields["futures"] = list(self.futures)
        return fields
