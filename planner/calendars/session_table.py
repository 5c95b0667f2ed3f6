"""The NYSE sessions and early closes as plain lists: built from exchange_calendars once per process (or
read from the disk cache a previous process wrote), and widened when a date falls outside them.

The calendar library costs ~0.3 s to import and ~0.2 s to build, so nothing of
it (nor pandas or numpy) is imported until the first call that needs sessions.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path

from planner.calendars.checks import FIRST_SUPPORTED_DATE, LAST_SUPPORTED_DATE

# Looking up "the trading day before" needs sessions before the first asked-for
# date (holidays plus a weekend never span more than a week; 9/11 closed four
# days), and a VIX expiry needs the next month's third Friday after the last.
MARGIN_BEFORE = timedelta(days=31)
MARGIN_AFTER = timedelta(days=92)
_CALENDAR_MIN = FIRST_SUPPORTED_DATE - MARGIN_BEFORE
_CALENDAR_MAX = LAST_SUPPORTED_DATE + MARGIN_AFTER
# First build: what the app needs in practice (history from 2000, listed
# contracts up to six years out), extended on demand.
_DEFAULT_FIRST = date(2000, 1, 1)
_DEFAULT_YEARS_AHEAD = 6
_UNIX_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass(frozen=True, slots=True)
class SessionTable:
    """The NYSE sessions between ``first`` and ``last`` (inclusive), as plain lists.

    Plain lists and ``bisect`` beat numpy for the one-date-at-a-time lookups made
    here, and keep the table usable without touching pandas after the build.
    """

    first: date
    last: date
    session_ordinals: list[int]  # date.toordinal() of each session, ascending
    close_epochs: list[float]  # each session's close, seconds since the Unix epoch
    early_close_ordinals: frozenset[int]

    def covers(self, first: date, last: date) -> bool:
        return self.first <= first and last <= self.last

    def index(self, day: date) -> int | None:
        ordinal = day.toordinal()
        position = bisect_left(self.session_ordinals, ordinal)
        if position < len(self.session_ordinals) and self.session_ordinals[position] == ordinal:
            return position
        return None

    def previous_session(self, day: date) -> date:
        position = bisect_left(self.session_ordinals, day.toordinal())
        return date.fromordinal(self.session_ordinals[position - 1])

    def next_session(self, day: date) -> date:
        position = bisect_right(self.session_ordinals, day.toordinal())
        return date.fromordinal(self.session_ordinals[position])

    def sessions(self, start: date, end: date) -> list[date]:
        low = bisect_left(self.session_ordinals, start.toordinal())
        high = bisect_right(self.session_ordinals, end.toordinal())
        return [date.fromordinal(ordinal) for ordinal in self.session_ordinals[low:high]]


_table: SessionTable | None = None
_table_lock = threading.Lock()


def build_table(first: date, last: date) -> SessionTable:
    """The session table, from the disk cache when this library version built it before."""
    path = cache_path(first, last)
    table = load_cached(path) if path is not None else None
    if table is None:
        table = table_from_library(first, last)
        if path is not None:
            store_cached(path, table)
    return table


# A built table is kept in the user's cache folder (PLANNER_CACHE_DIR overrides it), named by the
# exchange_calendars version and the range: a later process that needs sessions then skips
# importing exchange_calendars and pandas and building the calendar, about 1 s of each command
# line run (a backtest's first second). A new library version, with new holidays, makes a new file.
_CACHE_FORMAT = 1


def cache_path(first: date, last: date) -> Path | None:
    try:
        library = metadata.version("exchange-calendars")
    except metadata.PackageNotFoundError:  # a frozen bundle without its metadata: build each time
        return None
    folder = os.environ.get("PLANNER_CACHE_DIR")
    if not folder:
        from platformdirs import user_cache_dir

        folder = user_cache_dir("hedge-planner")
    return Path(folder) / f"xnys-sessions-{library}-{first.isoformat()}-{last.isoformat()}.json"


def load_cached(path: Path) -> SessionTable | None:
    """The cached table, or None when it is missing, unreadable or not what this code wrote."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != _CACHE_FORMAT:
            return None
        table = SessionTable(
            first=date.fromisoformat(data["first"]),
            last=date.fromisoformat(data["last"]),
            session_ordinals=[int(x) for x in data["session_ordinals"]],
            close_epochs=[float(x) for x in data["close_epochs"]],
            early_close_ordinals=frozenset(int(x) for x in data["early_close_ordinals"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    sessions = table.session_ordinals
    if not sessions or len(sessions) != len(table.close_epochs) or sessions != sorted(sessions):
        return None
    return table


def store_cached(path: Path, table: SessionTable) -> None:
    """Write the table atomically (a reader sees the old file or the new one); a cache that cannot be
    written (a read-only home) only costs the next process the build."""
    payload = {
        "format": _CACHE_FORMAT,
        "first": table.first.isoformat(),
        "last": table.last.isoformat(),
        "session_ordinals": table.session_ordinals,
        "close_epochs": table.close_epochs,
        "early_close_ordinals": sorted(table.early_close_ordinals),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=path.name,
                                         suffix=".tmp", delete=False) as handle:
            json.dump(payload, handle)
        os.replace(handle.name, path)
    except OSError:
        pass


def table_from_library(first: date, last: date) -> SessionTable:
    # Imported here, not at module top: ~0.3 s the app's cold start must not pay.
    import exchange_calendars

    # Always an explicit range: the library's default ends about a year ahead.
    calendar = exchange_calendars.get_calendar("XNYS", start=first.isoformat(), end=last.isoformat())
    day_numbers = calendar.sessions.to_numpy().astype("datetime64[D]").astype("int64")
    close_seconds = calendar.closes.dt.tz_convert(None).to_numpy().astype("datetime64[s]").astype("int64")
    early = calendar.early_closes.to_numpy().astype("datetime64[D]").astype("int64")
    return SessionTable(
        first=first,
        last=last,
        session_ordinals=[int(number) + _UNIX_EPOCH_ORDINAL for number in day_numbers],
        close_epochs=[float(seconds) for seconds in close_seconds],
        early_close_ordinals=frozenset(int(number) + _UNIX_EPOCH_ORDINAL for number in early),
    )


def sessions_covering(first: date, last: date) -> SessionTable:
    """The session table, built once per process and widened when a date falls outside it."""
    first = max(first, _CALENDAR_MIN)
    last = min(last, _CALENDAR_MAX)
    table = _table  # one read: another thread may swap in a wider table meanwhile
    if table is not None and table.covers(first, last):
        return table
    return _rebuild(first, last)


def _rebuild(first: date, last: date) -> SessionTable:
    global _table
    with _table_lock:
        table = _table
        if table is not None and table.covers(first, last):
            return table
        if table is None:
            wanted_first = _DEFAULT_FIRST
            wanted_last = date(date.today().year + _DEFAULT_YEARS_AHEAD, 12, 31)
        else:
            wanted_first, wanted_last = table.first, table.last
        # Widen to whole years, a spare year past the end, so a scan across the
        # calendar (a backtest, a chain of nearest_listed calls) rebuilds rarely.
        wanted_first = max(_CALENDAR_MIN, min(wanted_first, date(first.year, 1, 1)))
        wanted_last = min(_CALENDAR_MAX, max(wanted_last, date(last.year + 1, 12, 31)))
        _table = build_table(wanted_first, wanted_last)
        return _table
