"""time_to_expiry remembers the epoch of the last ``now`` it was given: same answers, same checks."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from planner import calendars
from planner.domain.errors import InputError


def test_repeated_moments_give_the_same_years_as_fresh_ones() -> None:
    now = datetime(2026, 11, 23, 14, 0, tzinfo=calendars.ET)
    first = calendars.time_to_expiry(now, date(2026, 11, 27))
    again = calendars.time_to_expiry(now, date(2026, 11, 27))
    same_moment = calendars.time_to_expiry(datetime(2026, 11, 23, 19, 0, tzinfo=UTC), date(2026, 11, 27))
    assert first == again == same_moment == pytest.approx(95 / (365 * 24))  # to Friday 13:00 ET, an early close
    later = datetime(2026, 11, 24, 14, 0, tzinfo=calendars.ET)
    assert calendars.time_to_expiry(later, date(2026, 11, 27)) == pytest.approx(first - 1 / 365)
    assert calendars.time_to_expiry(now, date(2026, 11, 27)) == first


def test_a_naive_moment_is_refused_after_an_aware_one() -> None:
    aware = datetime(2026, 11, 23, 14, 0, tzinfo=calendars.ET)
    calendars.time_to_expiry(aware, date(2026, 11, 27))
    with pytest.raises(InputError, match=r"^now must be timezone-aware"):
        calendars.time_to_expiry(aware.replace(tzinfo=None), date(2026, 11, 27))
    with pytest.raises(InputError, match=r"^now must be a datetime"):
        calendars.time_to_expiry("2026-11-23", date(2026, 11, 27))
