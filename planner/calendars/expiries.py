"""Expiry rules: SPX AM monthlies, SPXW PM dailies, VIX futures and options, and each contract's last
trading day (the rules are in the package's docstring and shared/DOMAIN.md)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from planner.calendars.checks import (
    FIRST_SUPPORTED_DATE,
    LAST_SUPPORTED_DATE,
    ExpiryKind,
    check_date,
    check_kind,
    check_range,
    check_settlement,
)
from planner.calendars.session_table import MARGIN_AFTER, MARGIN_BEFORE, SessionTable, sessions_covering
from planner.calendars.sessions import is_trading_day, previous_trading_day
from planner.domain.errors import InputError
from planner.domain.instruments import Instrument, Settlement

# --- expiry rules ----------------------------------------------------------------------------------------------------


def _third_friday(year: int, month: int) -> date:
    first = date(year, month, 1)
    # weekday(): Monday 0 .. Friday 4; the first Friday is day 1..7, the third 15..21.
    return first + timedelta(days=(4 - first.weekday()) % 7 + 14)


def _spx_monthly(table: SessionTable, year: int, month: int) -> date:
    friday = _third_friday(year, month)
    return friday if table.index(friday) is not None else table.previous_session(friday)


def _vix(table: SessionTable, year: int, month: int) -> date:
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
    start, end = check_range(start, end)
    table = sessions_covering(start - MARGIN_BEFORE, end + MARGIN_AFTER)
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
    start, end = check_range(start, end)
    table = sessions_covering(start - MARGIN_BEFORE, end + MARGIN_AFTER)
    found = (_spx_monthly(table, year, month) for year, month in _months(start, end))
    return [expiry for expiry in found if start <= expiry <= end]


def spx_daily_expirations(start: date, end: date) -> list[date]:
    """SPXW PM expiries in [start, end]: every NYSE session, early-close days included.

    >>> spx_daily_expirations(date(2025, 1, 8), date(2025, 1, 13))  # 2025-01-09: national day of mourning
    [datetime.date(2025, 1, 8), datetime.date(2025, 1, 10), datetime.date(2025, 1, 13)]
    """
    start, end = check_range(start, end)
    return sessions_covering(start, end).sessions(start, end)


def expirations(kind: ExpiryKind, start: date, end: date) -> list[date]:
    """Listed expiries of ``kind`` ("vix", "spx-monthly" or "spx-daily") in [start, end], ascending."""
    kind = check_kind(kind)
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
    first = check_date("month", _month_start(year, month))
    table = sessions_covering(first - MARGIN_BEFORE, first + MARGIN_AFTER)
    return _vix(table, year, month)


def spx_monthly_expiration(year: int, month: int) -> date:
    """The SPX AM monthly expiry of ``year``-``month``.

    >>> spx_monthly_expiration(2025, 4)  # third Friday 2025-04-18 is Good Friday
    datetime.date(2025, 4, 17)
    """
    first = check_date("month", _month_start(year, month))
    table = sessions_covering(first - MARGIN_BEFORE, first + MARGIN_AFTER)
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
    kind = check_kind(kind)
    day = check_date("day", day)
    return expirations(kind, day, day) == [day]  # type: ignore[arg-type]


def nearest_listed(kind: ExpiryKind, day: date, n: int = 2) -> list[date]:
    """The ``n`` listed expiries of ``kind`` closest to ``day`` in calendar days, ascending.

    Ties go to the earlier date; ``day`` itself counts when it is listed. For the
    message "not a listed VIX expiry; nearest listed: ...".

    >>> nearest_listed("vix", date(2026, 12, 31))
    [datetime.date(2026, 12, 16), datetime.date(2027, 1, 20)]
    """
    kind = check_kind(kind)
    day = check_date("day", day)
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
    settlement = check_settlement(settlement)
    if instrument == Instrument.VIX_FUTURE or (instrument == Instrument.SPX_OPTION and settlement == "PM"):
        return expiry
    return previous_trading_day(expiry)


def _require_session(name: str, day: object) -> date:
    day = check_date(name, day)
    if not is_trading_day(day):
        raise InputError(name, "must be an NYSE trading session (no settlement on weekends or holidays)", day)
    return day
