"""Turning what a user typed into checked values, with messages that name the
field, the rule and the value. Accepts text (the CLI) or numbers (the window).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from planner import calendars
from planner.domain.errors import InputError
from planner.domain.instruments import Settlement, require_finite, require_non_negative, require_whole_positive
from planner.domain.limits import MAX_FEES_USD, MAX_ID, MAX_POINTS, require_below, require_day_in_range

ET = ZoneInfo("America/New_York")
LISTING_NAMES = {
    "spx-daily": "SPXW (PM, daily)",
    "spx-monthly": "SPX monthly (AM, third-Friday)",
    "vix": "VIX",
}


def parse_date(field: str, value: object) -> date:
    """'2026-12-18' -> date(2026, 12, 18).

    >>> parse_date("expiry", "2026-12-18")
    datetime.date(2026, 12, 18)
    """
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            raise InputError(field, "must be a date YYYY-MM-DD", value) from None
    return require_day_in_range(field, day, value)


def parse_moment(field: str, value: object, default_time: time = time(12, 0)) -> datetime:
    """An ISO date or date-time; without a zone it is New York time (the trader's clock).

    A bare date means ``default_time`` ET that day.

    >>> parse_moment("opened", "2026-11-20T15:30").isoformat()
    '2026-11-20T15:30:00-05:00'
    >>> parse_moment("asof", "2026-11-20", time(16, 0)).isoformat()
    '2026-11-20T16:00:00-05:00'
    """
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        try:
            if len(text) == 10:
                moment = datetime.combine(date.fromisoformat(text), default_time)
            else:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(field, "must be a date or date-time like 2026-11-20T15:30 (ET unless a zone is given)",
                             value) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ET)
    require_day_in_range(field, moment.date(), value)
    return moment


def parse_quantity(field: str, value: object) -> int:
    """A whole number of contracts, at least 1 ("10" or 10, not 1.5 or 0)."""
    if isinstance(value, str):
        text = value.strip()
        try:
            number: object = int(text)
        except ValueError:
            number = text
        return require_whole_positive(field, number)
    return require_whole_positive(field, value)


def parse_price(field: str, value: object) -> float:
    """A finite price per unit, 0 or more (and below the store's bound)."""
    price = require_non_negative(field, value)
    require_below(field, price, MAX_POINTS)
    return price


def parse_fee_cents(value: object) -> int:
    """Total fees in dollars -> whole cents (a fee below a cent does not exist).

    >>> parse_fee_cents("12.34"), parse_fee_cents(0)
    (1234, 0)
    """
    dollars = require_non_negative("fees", value)
    require_below("fees", dollars, MAX_FEES_USD)
    cents = round(dollars * 100)
    if abs(cents - dollars * 100) > 1e-6 * max(1.0, dollars):
        raise InputError("fees", "must be whole cents (total dollars for the trade)", value)
    return int(cents)


def spread_cents(total_cents: int, parts: int) -> list[float]:
    """Dollars per leg: equal cents, the remainder on the first leg; sums to the total.

    >>> spread_cents(1001, 4)
    [2.51, 2.5, 2.5, 2.5]
    """
    if parts <= 0:
        return []
    share, remainder = divmod(total_cents, parts)
    return [(share + (remainder if i == 0 else 0)) / 100 for i in range(parts)]


def parse_position_id(value: object, field: str = "id") -> int:
    if isinstance(value, bool):
        raise InputError(field, "must be a position number", value)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text.isdigit():
            raise InputError(field, "must be a position number (see 'planner list')", value)
        number = int(text)
    if not 1 <= number <= MAX_ID:
        raise InputError(field, "must be a position number (see 'planner list')", value)
    return number


def parse_id_list(value: object, field: str = "protects") -> tuple[int, ...]:
    """'3,4' -> (3, 4); empty -> ()."""
    if value is None:
        return ()
    parts: list[object]
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(",")] if value.strip() else []
    elif isinstance(value, Sequence):
        parts = list(value)
    else:
        parts = [value]
    ids = []
    for part in parts:
        if isinstance(part, str) and not part.isdigit():
            raise InputError(field, "must be position numbers separated by commas", value)
        ids.append(parse_position_id(part, field))
    if len(set(ids)) != len(ids):
        raise InputError(field, "must not repeat a position", value)
    return tuple(ids)


def parse_settlement(value: object) -> Settlement:
    text = str(value).strip().upper()
    if text not in ("AM", "PM"):
        raise InputError("settlement", "must be AM or PM", value)
    return Settlement(text)


def parse_rate(field: str, value: object) -> float:
    """A decimal a year; 4.5 is refused with the hint to type 0.045."""
    number = require_finite(field, value)
    if abs(number) > 1:
        raise InputError(field, f"must be a decimal (type {number / 100:g} for {number:g} %)", value)
    return number


def parse_note(value: object) -> str:
    text = "" if value is None else str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        shown = text.encode("utf-8", "backslashreplace").decode()
        raise InputError("note", "must be valid UTF-8 text", shown) from None
    if "\x00" in text:
        raise InputError("note", "must be text without NUL characters", text.replace("\x00", "\\x00"))
    if len(text) > 2000:
        raise InputError("note", "must be at most 2000 characters", f"{len(text)} characters")
    return text


def iso_list(days: Sequence[date]) -> str:
    return ", ".join(d.isoformat() for d in days) or "none"


def listed_neighbours(listing: calendars.ExpiryKind, day: date) -> list[date]:
    """The listed expiries just before and just after ``day`` (what the user probably meant).

    >>> listed_neighbours("vix", date(2026, 12, 18))
    [datetime.date(2026, 12, 16), datetime.date(2027, 1, 20)]
    """
    candidates = calendars.nearest_listed(listing, day, 6)
    before = [d for d in candidates if d < day]
    after = [d for d in candidates if d > day]
    return ([max(before)] if before else []) + ([min(after)] if after else [])


def check_listed(field: str, listing: calendars.ExpiryKind, expiry: date) -> None:
    """InputError naming the nearest listed expiries when ``expiry`` is not one."""
    if not calendars.is_listed_expiry(listing, expiry):
        nearest = listed_neighbours(listing, expiry)
        raise InputError(
            field, f"must be a listed {LISTING_NAMES[listing]} expiry (nearest listed: {iso_list(nearest)})",
            expiry.isoformat(),
        )


def check_spx_expiry(expiry: date, settlement: Settlement) -> None:
    if settlement is Settlement.AM:
        if not calendars.is_listed_expiry("spx-monthly", expiry):
            nearest = listed_neighbours("spx-monthly", expiry)
            raise InputError(
                "expiry", f"must be a monthly (third-Friday) expiry for AM settlement (nearest: {iso_list(nearest)})",
                expiry.isoformat(),
            )
        return
    check_listed("expiry", "spx-daily", expiry)


def check_not_before_open(expiry: date, opened: datetime) -> None:
    open_day = opened.astimezone(ET).date()
    if expiry < open_day:
        raise InputError("expiry", f"must not be before the open date {open_day.isoformat()}", expiry.isoformat())


def check_not_future(field: str, moment: datetime, now: datetime) -> None:
    # A few minutes of slack for clocks that disagree.
    if (moment - now).total_seconds() > 300:
        raise InputError(field, f"must not be in the future (now {now.astimezone(ET):%Y-%m-%d %H:%M} ET)",
                         moment.astimezone(ET).isoformat(timespec="minutes"))


def is_finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)
