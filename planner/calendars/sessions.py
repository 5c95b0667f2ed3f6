"""Trading sessions: whether a day trades, closes early, and the sessions before, after and between days."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date

from planner.calendars.checks import check_date
from planner.calendars.session_table import MARGIN_BEFORE, sessions_covering

# --- sessions --------------------------------------------------------------------------------------------------------


def is_trading_day(day: date) -> bool:
    """Whether ``day`` is an NYSE session (early-close days count).

    >>> is_trading_day(date(2025, 1, 9)), is_trading_day(date(2025, 12, 24))
    (False, True)
    """
    day = check_date("day", day)
    return sessions_covering(day, day).index(day) is not None


def is_early_close(day: date) -> bool:
    """Whether ``day`` is a session that closes early (13:00 ET), e.g. the day after Thanksgiving.

    >>> is_early_close(date(2026, 11, 27)), is_early_close(date(2026, 11, 30))
    (True, False)
    """
    day = check_date("day", day)
    return day.toordinal() in sessions_covering(day, day).early_close_ordinals


def previous_trading_day(day: date) -> date:
    """The last session strictly before ``day``.

    >>> previous_trading_day(date(2025, 4, 21))  # Monday after Good Friday
    datetime.date(2025, 4, 17)
    """
    day = check_date("day", day)
    return sessions_covering(day - MARGIN_BEFORE, day).previous_session(day)


def next_trading_day(day: date) -> date:
    """The first session strictly after ``day``.

    >>> next_trading_day(date(2026, 11, 25))  # Wednesday before Thanksgiving
    datetime.date(2026, 11, 27)
    """
    day = check_date("day", day)
    return sessions_covering(day, day + MARGIN_BEFORE).next_session(day)


def trading_days_between(a: date, b: date) -> int:
    """Sessions after ``a`` up to and including ``b`` (negative when ``b`` is before ``a``).

    Monday to Friday of a normal week is 4; a Friday to the next Monday is 1.

    >>> trading_days_between(date(2026, 11, 23), date(2026, 11, 30))  # Thanksgiving week
    4
    """
    a = check_date("a", a)
    b = check_date("b", b)
    if b < a:
        return -trading_days_between(b, a)
    ordinals = sessions_covering(a, b).session_ordinals
    return bisect_right(ordinals, b.toordinal()) - bisect_right(ordinals, a.toordinal())
