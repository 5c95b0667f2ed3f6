"""SPX and VIX expiry dates, trading sessions, early closes and time to expiry.

Everything here follows the NYSE calendar ("XNYS" of exchange_calendars): its
holidays and early closes match Cboe's for SPX options, and CFE closes VIX
futures on the same holiday dates, which is all the expiry rules need.

Rules (see shared/DOMAIN.md):

- **SPX AM monthly**: the third Friday of the month; the trading day before it
  when that Friday is a holiday (Good Friday, Juneteenth).
- **VIX futures and options** (contract month M): the Wednesday 30 calendar days
  before the SPX monthly expiry of month M+1 (that is, counted from the trading
  day before the third Friday when the Friday is a holiday); the trading day
  before that Wednesday when the Wednesday is a holiday.
- **SPXW PM dailies**: every trading session. (SPXW has listed every weekday only
  since May 2022; earlier sessions are returned too, by the same rule.)

Units: dates are ``datetime.date`` (the settlement day), moments are
timezone-aware ``datetime`` in America/New_York (ET), and times to expiry are
calendar years of 365 days with fractional days (seconds / 31 536 000).

The calendar library costs ~0.3 s to import and ~0.2 s to build, so nothing of
it (nor pandas or numpy) is imported until the first call that needs sessions:
``import planner.calendars`` stays cheap for the app's cold start.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from planner.domain.errors import InputError
from planner.domain.instruments import Instrument, Settlement

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "EXPIRY_KINDS",
    "FIRST_SUPPORTED_DATE",
    "LAST_SUPPORTED_DATE",
    "SECONDS_PER_YEAR",
    "ExpiryKind",
    "expirations",
    "is_early_close",
    "is_listed_expiry",
    "is_trading_day",
    "last_trading_day",
    "nearest_listed",
    "next_trading_day",
    "previous_trading_day",
    "settlement_moment",
    "spx_daily_expirations",
    "spx_monthly_expiration",
    "spx_monthly_expirations",
    "time_to_expiry",
    "times_to_expiry",
    "trading_days_between",
    "vix_expiration",
    "vix_expirations",
]

ET = ZoneInfo("America/New_York")
SECONDS_PER_YEAR = 365 * 86400
"""A calendar year of 365 days, in seconds: the unit of every time to expiry."""

AM_SETTLEMENT_TIME = time(9, 30)
"""AM (SOQ) settlement: the opening print at 09:30 ET on the expiry date."""

# VIX history (the CBOE file the backtest reads) starts in 1990; nothing the
# planner values lies earlier. The upper bound is where the calendar's holiday
# rules are still only a projection anyone would trust for a listed contract.
FIRST_SUPPORTED_DATE = date(1990, 1, 1)
"""Earliest date any function here accepts."""
LAST_SUPPORTED_DATE = date(2099, 12, 31)
"""Latest date any function here accepts."""

ExpiryKind = Literal["vix", "spx-monthly", "spx-daily"]
EXPIRY_KINDS: tuple[str, ...] = ("vix", "spx-monthly", "spx-daily")

# Looking up "the trading day before" needs sessions before the first asked-for
# date (holidays plus a weekend never span more than a week; 9/11 closed four
# days), and a VIX expiry needs the next month's third Friday after the last.
_MARGIN_BEFORE = timedelta(days=31)
_MARGIN_AFTER = timedelta(days=92)
_CALENDAR_MIN = FIRST_SUPPORTED_DATE - _MARGIN_BEFORE
_CALENDAR_MAX = LAST_SUPPORTED_DATE + _MARGIN_AFTER
# First build: what the app needs in practice (history from 2000, listed
# contracts up to six years out), extended on demand.
_DEFAULT_FIRST = date(2000, 1, 1)
_DEFAULT_YEARS_AHEAD = 6
_UNIX_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass(frozen=True, slots=True)
class _SessionTable:
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


_table: _SessionTable | None = None
_table_lock = threading.Lock()
# (expiry, "AM" | "PM") -> settlement moment in Unix seconds. The risk engine asks
# for the same ~100 contracts on every refresh, so this turns each into one dict hit.
_settlement_epochs: dict[tuple[date, str], float] = {}


def _build_table(first: date, last: date) -> _SessionTable:
    """The session table, from the disk cache when this library version built it before."""
    path = _cache_path(first, last)
    table = _load_cached(path) if path is not None else None
    if table is None:
        table = _table_from_library(first, last)
        if path is not None:
            _store_cached(path, table)
    return table


# A built table is kept in the user's cache folder (PLANNER_CACHE_DIR overrides it), named by the
# exchange_calendars version and the range: a later process that needs sessions then skips
# importing exchange_calendars and pandas and building the calendar, about 1 s of each command
# line run (a backtest's first second). A new library version, with new holidays, makes a new file.
_CACHE_FORMAT = 1


def _cache_path(first: date, last: date) -> Path | None:
    try:
        library = metadata.version("exchange-calendars")
    except metadata.PackageNotFoundError:  # a frozen bundle without its metadata: build each time
        return None
    folder = os.environ.get("PLANNER_CACHE_DIR")
    if not folder:
        from platformdirs import user_cache_dir

        folder = user_cache_dir("hedge-planner")
    return Path(folder) / f"xnys-sessions-{library}-{first.isoformat()}-{last.isoformat()}.json"


def _load_cached(path: Path) -> _SessionTable | None:
    """The cached table, or None when it is missing, unreadable or not what this code wrote."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != _CACHE_FORMAT:
            return None
        table = _SessionTable(
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


def _store_cached(path: Path, table: _SessionTable) -> None:
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


def _table_from_library(first: date, last: date) -> _SessionTable:
    # Imported here, not at module top: ~0.3 s the app's cold start must not pay.
    import exchange_calendars

    # Always an explicit range: the library's default ends about a year ahead.
    calendar = exchange_calendars.get_calendar("XNYS", start=first.isoformat(), end=last.isoformat())
    day_numbers = calendar.sessions.to_numpy().astype("datetime64[D]").astype("int64")
    close_seconds = calendar.closes.dt.tz_convert(None).to_numpy().astype("datetime64[s]").astype("int64")
    early = calendar.early_closes.to_numpy().astype("datetime64[D]").astype("int64")
    return _SessionTable(
        first=first,
        last=last,
        session_ordinals=[int(number) + _UNIX_EPOCH_ORDINAL for number in day_numbers],
        close_epochs=[float(seconds) for seconds in close_seconds],
        early_close_ordinals=frozenset(int(number) + _UNIX_EPOCH_ORDINAL for number in early),
    )


def _sessions_covering(first: date, last: date) -> _SessionTable:
    """The session table, built once per process and widened when a date falls outside it."""
    first = max(first, _CALENDAR_MIN)
    last = min(last, _CALENDAR_MAX)
    table = _table  # one read: another thread may swap in a wider table meanwhile
    if table is not None and table.covers(first, last):
        return table
    return _rebuild(first, last)


def _rebuild(first: date, last: date) -> _SessionTable:
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
        _table = _build_table(wanted_first, wanted_last)
        return _table


# --- argument checks -------------------------------------------------------------------------------------------------


def _check_date(name: str, value: object) -> date:
    # datetime is a date subclass; a time of day here is almost always a mix-up.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InputError(name, "must be a calendar date (datetime.date, without a time of day)", value)
    if not FIRST_SUPPORTED_DATE <= value <= LAST_SUPPORTED_DATE:
        raise InputError(
            name,
            f"must be within the exchange calendar's supported range {FIRST_SUPPORTED_DATE}..{LAST_SUPPORTED_DATE}",
            value,
        )
    return value


def _check_range(start: object, end: object) -> tuple[date, date]:
    start = _check_date("start", start)
    end = _check_date("end", end)
    if end < start:
        raise InputError("end", f"must be on or after start ({start})", end)
    return start, end


def _check_settlement(value: object) -> str:
    # Settlement is a StrEnum, so Settlement.AM == "AM" passes here too.
    if value not in ("AM", "PM"):
        raise InputError("settlement", "must be 'AM' (09:30 ET opening print) or 'PM' (the session's close)", value)
    return str(value)


def _check_kind(value: object) -> str:
    if value not in EXPIRY_KINDS:
        raise InputError("kind", f"must be one of {', '.join(EXPIRY_KINDS)}", value)
    return str(value)


# The last valid ``now`` and its epoch: a valuation asks for the time to expiry of every contract
# at one moment, and each aware datetime's timestamp() costs a time-zone lookup.
_last_now: tuple[datetime, float] | None = None


def _now_epoch(now: object) -> float:
    global _last_now
    last = _last_now  # one read: another thread may replace it meanwhile
    if last is not None and last[0] is now:  # the same (immutable) object, already checked
        return last[1]
    if not isinstance(now, datetime):
        raise InputError("now", "must be a datetime with a time zone", now)
    if now.tzinfo is None or now.utcoffset() is None:
        # A naive time could be ET, UTC or the machine's zone: hours of error on a 0-DTE option.
        raise InputError("now", "must be timezone-aware (attach a tzinfo such as America/New_York)", now)
    epoch = now.timestamp()
    _last_now = (now, epoch)
    return epoch


# --- expiry rules ----------------------------------------------------------------------------------------------------


def _third_friday(year: int, month: int) -> date:
    first = date(year, month, 1)
    # weekday(): Monday 0 .. Friday 4; the first Friday is day 1..7, the third 15..21.
    return first + timedelta(days=(4 - first.weekday()) % 7 + 14)


def _spx_monthly(table: _SessionTable, year: int, month: int) -> date:
    friday = _third_friday(year, month)
    return friday if table.index(friday) is not None else table.previous_session(friday)


def _vix(table: _SessionTable, year: int, month: int) -> date:
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    # Counted from the SPX monthly of the next month: the options whose prices set
    # the VIX settlement then have exactly 30 days left.
    wednesday = _spx_monthly(table, next_year, next_month) - timedelta(days=30)
    return wednesday if table.index(wednesday) is not None else table.previous_session(wednesday)


def _months(start: date, end: date) -> Iterable[tuple[int, int]]:
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def vix_expirations(start: date, end: date) -> list[date]:
    """VIX futures and options expiries (one per contract month) in [start, end], ascending.

    The Wednesday 30 calendar days before the next month's SPX monthly expiry,
    moved to the trading day before when that Wednesday is a holiday. Each
    contract month's expiry falls inside that month, so the months of start..end
    are all there is to scan.

    >>> vix_expirations(date(2025, 3, 1), date(2025, 4, 30))  # March: Good Friday 2025-04-18 shifts it
    [datetime.date(2025, 3, 18), datetime.date(2025, 4, 16)]
    """
    start, end = _check_range(start, end)
    table = _sessions_covering(start - _MARGIN_BEFORE, end + _MARGIN_AFTER)
    found = (_vix(table, year, month) for year, month in _months(start, end))
    return [expiry for expiry in found if start <= expiry <= end]


def spx_monthly_expirations(start: date, end: date) -> list[date]:
    """SPX AM monthly expiries (settlement dates) in [start, end], ascending.

    The third Friday, or the trading day before it when that Friday is a holiday.
    (Before 2015 the contracts' official expiration was the Saturday after; the
    settlement, which is what is priced, was this Friday.)

    >>> spx_monthly_expirations(date(2026, 6, 1), date(2026, 7, 31))  # Juneteenth: Friday 2026-06-19
    [datetime.date(2026, 6, 18), datetime.date(2026, 7, 17)]
    """
    start, end = _check_range(start, end)
    table = _sessions_covering(start - _MARGIN_BEFORE, end + _MARGIN_AFTER)
    found = (_spx_monthly(table, year, month) for year, month in _months(start, end))
    return [expiry for expiry in found if start <= expiry <= end]


def spx_daily_expirations(start: date, end: date) -> list[date]:
    """SPXW PM expiries in [start, end]: every NYSE session, early-close days included.

    >>> spx_daily_expirations(date(2025, 1, 8), date(2025, 1, 13))  # 2025-01-09: national day of mourning
    [datetime.date(2025, 1, 8), datetime.date(2025, 1, 10), datetime.date(2025, 1, 13)]
    """
    start, end = _check_range(start, end)
    return _sessions_covering(start, end).sessions(start, end)


def expirations(kind: ExpiryKind, start: date, end: date) -> list[date]:
    """Listed expiries of ``kind`` ("vix", "spx-monthly" or "spx-daily") in [start, end], ascending."""
    kind = _check_kind(kind)
    if kind == "vix":
        return vix_expirations(start, end)
    if kind == "spx-monthly":
        return spx_monthly_expirations(start, end)
    return spx_daily_expirations(start, end)


def vix_expiration(year: int, month: int) -> date:
    """The expiry of the VIX contract month ``year``-``month`` (it always falls in that month).

    >>> vix_expiration(2024, 6)  # 2024-06-19 (Juneteenth) is a Wednesday holiday
    datetime.date(2024, 6, 18)
    """
    first = _check_date("month", _month_start(year, month))
    table = _sessions_covering(first - _MARGIN_BEFORE, first + _MARGIN_AFTER)
    return _vix(table, year, month)


def spx_monthly_expiration(year: int, month: int) -> date:
    """The SPX AM monthly expiry of ``year``-``month``.

    >>> spx_monthly_expiration(2025, 4)  # third Friday 2025-04-18 is Good Friday
    datetime.date(2025, 4, 17)
    """
    first = _check_date("month", _month_start(year, month))
    table = _sessions_covering(first - _MARGIN_BEFORE, first + _MARGIN_AFTER)
    return _spx_monthly(table, year, month)


def _month_start(year: object, month: object) -> date:
    valid = isinstance(year, int) and isinstance(month, int) and not isinstance(year, bool) and 1 <= month <= 12
    if not valid:
        raise InputError("month", "must be a year and a month number 1..12", (year, month))
    return date(year, month, 1)  # type: ignore[arg-type]


def is_listed_expiry(kind: ExpiryKind, day: date) -> bool:
    """Whether ``day`` is a listed expiry of ``kind`` ("vix", "spx-monthly" or "spx-daily").

    >>> is_listed_expiry("vix", date(2026, 12, 16)), is_listed_expiry("vix", date(2026, 12, 18))
    (True, False)
    """
    kind = _check_kind(kind)
    day = _check_date("day", day)
    return expirations(kind, day, day) == [day]  # type: ignore[arg-type]


def nearest_listed(kind: ExpiryKind, day: date, n: int = 2) -> list[date]:
    """The ``n`` listed expiries of ``kind`` closest to ``day`` in calendar days, ascending.

    Ties go to the earlier date; ``day`` itself counts when it is listed. For the
    message "not a listed VIX expiry; nearest listed: ...".

    >>> nearest_listed("vix", date(2026, 12, 31))
    [datetime.date(2026, 12, 16), datetime.date(2027, 1, 20)]
    """
    kind = _check_kind(kind)
    day = _check_date("day", day)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError("n", "must be a whole number, at least 1", n)
    # Any expiry outside [day - reach, day + reach] is farther than every one
    # inside it, so once the window holds n of them they are the n nearest.
    reach = timedelta(days=7 * n if kind == "spx-daily" else 35 * n)
    while True:
        low = max(day - reach, FIRST_SUPPORTED_DATE)
        high = min(day + reach, LAST_SUPPORTED_DATE)
        candidates = expirations(kind, low, high)  # type: ignore[arg-type]
        if len(candidates) >= n or (low == FIRST_SUPPORTED_DATE and high == LAST_SUPPORTED_DATE):
            break
        reach *= 2
    closest = sorted(candidates, key=lambda expiry: (abs((expiry - day).days), expiry))[:n]
    return sorted(closest)


# --- sessions --------------------------------------------------------------------------------------------------------


def is_trading_day(day: date) -> bool:
    """Whether ``day`` is an NYSE session (early-close days count).

    >>> is_trading_day(date(2025, 1, 9)), is_trading_day(date(2025, 12, 24))
    (False, True)
    """
    day = _check_date("day", day)
    return _sessions_covering(day, day).index(day) is not None


def is_early_close(day: date) -> bool:
    """Whether ``day`` is a session that closes early (13:00 ET), e.g. the day after Thanksgiving.

    >>> is_early_close(date(2026, 11, 27)), is_early_close(date(2026, 11, 30))
    (True, False)
    """
    day = _check_date("day", day)
    return day.toordinal() in _sessions_covering(day, day).early_close_ordinals


def previous_trading_day(day: date) -> date:
    """The last session strictly before ``day``.

    >>> previous_trading_day(date(2025, 4, 21))  # Monday after Good Friday
    datetime.date(2025, 4, 17)
    """
    day = _check_date("day", day)
    return _sessions_covering(day - _MARGIN_BEFORE, day).previous_session(day)


def next_trading_day(day: date) -> date:
    """The first session strictly after ``day``.

    >>> next_trading_day(date(2026, 11, 25))  # Wednesday before Thanksgiving
    datetime.date(2026, 11, 27)
    """
    day = _check_date("day", day)
    return _sessions_covering(day, day + _MARGIN_BEFORE).next_session(day)


def trading_days_between(a: date, b: date) -> int:
    """Sessions after ``a`` up to and including ``b`` (negative when ``b`` is before ``a``).

    Monday to Friday of a normal week is 4; a Friday to the next Monday is 1.

    >>> trading_days_between(date(2026, 11, 23), date(2026, 11, 30))  # Thanksgiving week
    4
    """
    a = _check_date("a", a)
    b = _check_date("b", b)
    if b < a:
        return -trading_days_between(b, a)
    ordinals = _sessions_covering(a, b).session_ordinals
    return bisect_right(ordinals, b.toordinal()) - bisect_right(ordinals, a.toordinal())


def last_trading_day(expiry: date, instrument: Instrument | str, settlement: Settlement | str = "PM") -> date:
    """The last session on which the contract expiring on ``expiry`` trades.

    VIX options and SPX AM options stop trading the trading day before expiry
    (their settlement is the next morning's opening print). VX futures trade on
    the expiry day itself until 08:00 CT, before the SOQ, and SPXW PM options
    trade until the close. ``settlement`` matters only for "spx-option".

    >>> last_trading_day(date(2025, 3, 18), "vix-option")
    datetime.date(2025, 3, 17)
    >>> last_trading_day(date(2026, 6, 18), "spx-option", "AM"), last_trading_day(date(2026, 6, 18), "spx-option")
    (datetime.date(2026, 6, 17), datetime.date(2026, 6, 18))
    """
    expiry = _require_session("expiry", expiry)
    if instrument not in tuple(Instrument):
        raise InputError("instrument", f"must be one of {', '.join(Instrument)}", instrument)
    settlement = _check_settlement(settlement)
    if instrument == Instrument.VIX_FUTURE or (instrument == Instrument.SPX_OPTION and settlement == "PM"):
        return expiry
    return previous_trading_day(expiry)


def _require_session(name: str, day: object) -> date:
    day = _check_date(name, day)
    if not is_trading_day(day):
        raise InputError(name, "must be an NYSE trading session (no settlement on weekends or holidays)", day)
    return day


# --- settlement and time to expiry -----------------------------------------------------------------------------------


def _settlement_epoch(expiry: date, settlement: str) -> float:
    try:
        cached = _settlement_epochs.get((expiry, settlement))
    except TypeError:  # an unhashable argument: let the checks below name it
        cached = None
    if cached is not None:
        return cached
    # A miss validates; invalid keys never enter the cache, so hits need no checks.
    settlement = _check_settlement(settlement)
    expiry = _check_date("expiry", expiry)
    table = _sessions_covering(expiry, expiry)
    position = table.index(expiry)
    if position is None:
        raise InputError("expiry", "must be an NYSE trading session (no settlement on weekends or holidays)", expiry)
    if settlement == "PM":
        epoch = table.close_epochs[position]  # 16:00 ET, or 13:00 ET on early-close days
    else:
        epoch = datetime.combine(expiry, AM_SETTLEMENT_TIME, ET).timestamp()
    _settlement_epochs[(expiry, settlement)] = epoch
    return epoch


def settlement_moment(expiry: date, settlement: Settlement | str = "PM") -> datetime:
    """The moment a contract expiring on ``expiry`` settles, timezone-aware in ET.

    PM: the session's close (16:00 ET; 13:00 ET on early-close days). AM: the
    opening print, 09:30 ET on the expiry date.

    >>> settlement_moment(date(2026, 11, 27)).isoformat()  # day after Thanksgiving
    '2026-11-27T13:00:00-05:00'
    >>> settlement_moment(date(2027, 1, 20), "AM").isoformat()
    '2027-01-20T09:30:00-05:00'
    """
    return datetime.fromtimestamp(_settlement_epoch(expiry, settlement), ET)


def time_to_expiry(now: datetime, expiry: date, settlement: Settlement | str = "PM") -> float:
    """Calendar years (seconds / (365 x 86 400)) from ``now`` to the settlement moment; 0.0 once past it.

    ``now`` must be timezone-aware (any zone); ``settlement`` is "PM" (the
    session's close, 13:00 ET on early-close days) or "AM" (09:30 ET). ``expiry``
    must be a trading session. Settlement moments are cached per (expiry,
    settlement), so repeated calls cost a dict lookup.

    >>> round(time_to_expiry(datetime(2026, 11, 23, 14, 0, tzinfo=ET), date(2026, 11, 23)) * 365 * 24, 9)
    2.0
    """
    moment = _settlement_epoch(expiry, settlement)
    return max(0.0, (moment - _now_epoch(now)) / SECONDS_PER_YEAR)


def times_to_expiry(
    now: datetime, expiries: Sequence[date], settlement: Settlement | str | Sequence[Settlement | str] = "PM"
) -> np.ndarray:
    """``time_to_expiry`` for many contracts at once: a float64 array in calendar years, one per expiry.

    ``settlement`` is one value for all, or one per expiry.

    >>> times_to_expiry(datetime(2026, 11, 27, 12, 0, tzinfo=ET), [date(2026, 11, 27), date(2026, 11, 20)]) * 8760
    array([1., 0.])
    """
    import numpy as np

    now_epoch = _now_epoch(now)
    if isinstance(settlement, str):
        settlements: Sequence[str] = [settlement] * len(expiries)
    else:
        settlements = list(settlement)
        if len(settlements) != len(expiries):
            raise InputError("settlement", f"must be one value or one per expiry ({len(expiries)})", len(settlements))
    moments = np.fromiter(
        (_settlement_epoch(expiry, kind) for expiry, kind in zip(expiries, settlements, strict=True)),
        dtype=np.float64,
        count=len(expiries),
    )
    return np.maximum(0.0, (moments - now_epoch) / SECONDS_PER_YEAR)
