"""Argument checks shared by the calendar functions, and the range of dates they accept."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from planner.domain.errors import InputError

# VIX history (the CBOE file the backtest reads) starts in 1990; nothing the
# planner values lies earlier. The upper bound is where the calendar's holiday
# rules are still only a projection anyone would trust for a listed contract.
FIRST_SUPPORTED_DATE = date(1990, 1, 1)
"""Earliest date any function here accepts."""
LAST_SUPPORTED_DATE = date(2099, 12, 31)
"""Latest date any function here accepts."""

ExpiryKind = Literal["vix", "spx-monthly", "spx-daily"]
EXPIRY_KINDS: tuple[str, ...] = ("vix", "spx-monthly", "spx-daily")


def check_date(name: str, value: object) -> date:
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


def check_range(start: object, end: object) -> tuple[date, date]:
    start = check_date("start", start)
    end = check_date("end", end)
    if end < start:
        raise InputError("end", f"must be on or after start ({start})", end)
    return start, end


def check_settlement(value: object) -> str:
    # Settlement is a StrEnum, so Settlement.AM == "AM" passes here too.
    if value not in ("AM", "PM"):
        raise InputError("settlement", "must be 'AM' (09:30 ET opening print) or 'PM' (the session's close)", value)
    return str(value)


def check_kind(value: object) -> str:
    if value not in EXPIRY_KINDS:
        raise InputError("kind", f"must be one of {', '.join(EXPIRY_KINDS)}", value)
    return str(value)
