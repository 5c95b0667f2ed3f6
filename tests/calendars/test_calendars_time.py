"""Time to expiry: settlement moments, early closes, DST, errors, the vectorised form."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import calendars
from planner.domain.instruments import Settlement

ET = calendars.ET
HOUR = 1 / (365 * 24)  # one hour in calendar years


def et(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=ET).replace(fold=fold)


def test_early_close_pm_expiry_settles_at_13_00():
    # Friday after Thanksgiving 2026: the close, and so PM settlement, is 13:00 ET.
    assert calendars.time_to_expiry(et(2026, 11, 27, 12, 0), date(2026, 11, 27)) == HOUR
    assert calendars.time_to_expiry(et(2025, 12, 24, 12, 0), date(2025, 12, 24), "PM") == HOUR
    assert calendars.time_to_expiry(et(2026, 11, 27, 13, 0), date(2026, 11, 27)) == 0.0
    assert calendars.settlement_moment(date(2026, 11, 27)) == et(2026, 11, 27, 13, 0)


def test_zero_dte_pm_option_on_a_normal_day_has_two_hours_left_at_14_00():
    assert calendars.time_to_expiry(et(2026, 11, 23, 14, 0), date(2026, 11, 23)) == pytest.approx(2 * HOUR, rel=1e-12)
    # A 1-DTE condor at 14:00 has 26 hours, not one day.
    assert calendars.time_to_expiry(et(2026, 11, 23, 14, 0), date(2026, 11, 24)) == pytest.approx(26 * HOUR, rel=1e-12)
    # The same moment written in UTC gives the same answer.
    in_utc = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)
    assert calendars.time_to_expiry(in_utc, date(2026, 11, 23)) == pytest.approx(2 * HOUR, rel=1e-12)


def test_am_settlement_is_09_30_on_the_expiry_date():
    assert calendars.time_to_expiry(et(2026, 12, 18, 8, 30), date(2026, 12, 18), "AM") == HOUR
    assert calendars.time_to_expiry(et(2027, 1, 20, 9, 0), date(2027, 1, 20), Settlement.AM) == pytest.approx(
        0.5 * HOUR, rel=1e-12
    )
    assert calendars.time_to_expiry(et(2026, 12, 18, 9, 30), date(2026, 12, 18), "AM") == 0.0
    # The evening before an AM expiry: 09:30 next morning, 13.5 h away.
    assert calendars.time_to_expiry(et(2026, 12, 17, 20, 0), date(2026, 12, 18), "AM") == pytest.approx(
        13.5 * HOUR, rel=1e-12
    )
    assert calendars.settlement_moment(date(2026, 6, 17), "AM").isoformat() == "2026-06-17T09:30:00-04:00"


def test_settlement_moments_carry_the_et_offset_of_their_date():
    assert calendars.settlement_moment(date(2026, 7, 17)).isoformat() == "2026-07-17T16:00:00-04:00"
    assert calendars.settlement_moment(date(2026, 12, 18)).isoformat() == "2026-12-18T16:00:00-05:00"
    assert calendars.settlement_moment(date(2024, 7, 3)).isoformat() == "2024-07-03T13:00:00-04:00"


def test_spring_forward_sunday_to_monday_close_loses_an_hour():
    # 2026-03-08 02:00 EST -> 03:00 EDT. From 01:00 EST Sunday to 16:00 EDT Monday: 39 wall-clock hours, 38 real.
    assert calendars.time_to_expiry(et(2026, 3, 8, 1, 0), date(2026, 3, 9)) == pytest.approx(38 * HOUR, rel=1e-12)
    assert calendars.time_to_expiry(et(2026, 3, 8, 12, 0), date(2026, 3, 9)) == pytest.approx(28 * HOUR, rel=1e-12)


def test_fall_back_sunday_to_monday_close_gains_an_hour():
    # 2026-11-01 02:00 EDT -> 01:00 EST. From 00:30 EDT Sunday to 16:00 EST Monday: 39.5 wall-clock hours, 40.5 real.
    assert calendars.time_to_expiry(et(2026, 11, 1, 0, 30), date(2026, 11, 2)) == pytest.approx(40.5 * HOUR, rel=1e-12)
    # 01:30 happens twice that night: first in EDT (fold=0), then in EST (fold=1), an hour apart.
    first = calendars.time_to_expiry(et(2026, 11, 1, 1, 30, fold=0), date(2026, 11, 2))
    second = calendars.time_to_expiry(et(2026, 11, 1, 1, 30, fold=1), date(2026, 11, 2))
    assert first == pytest.approx(39.5 * HOUR, rel=1e-12)
    assert second == pytest.approx(38.5 * HOUR, rel=1e-12)


def test_past_settlement_is_zero_never_negative():
    assert calendars.time_to_expiry(et(2026, 11, 23, 16, 0, 1), date(2026, 11, 23)) == 0.0
    assert calendars.time_to_expiry(et(2026, 11, 22, 12, 0), date(2025, 3, 18), "AM") == 0.0
    just_before = et(2026, 11, 23, 15, 59, 59)
    assert calendars.time_to_expiry(just_before, date(2026, 11, 23)) == pytest.approx(1 / (365 * 86400), rel=1e-9)


def test_times_to_expiry_matches_the_scalar_form():
    now = et(2026, 11, 22, 12, 0)
    expiries = [*calendars.spx_daily_expirations(date(2026, 11, 1), date(2027, 3, 31)), date(2027, 1, 20)]
    times = calendars.times_to_expiry(now, expiries)
    assert isinstance(times, np.ndarray)
    assert times.dtype == np.float64
    assert times.tolist() == [calendars.time_to_expiry(now, expiry) for expiry in expiries]
    mixed = calendars.times_to_expiry(now, [date(2026, 12, 18), date(2026, 12, 18)], ["AM", Settlement.PM])
    assert mixed[1] - mixed[0] == pytest.approx(6.5 * HOUR, rel=1e-12)
    assert calendars.times_to_expiry(now, []).shape == (0,)
    with pytest.raises(ValueError, match="settlement must be one value or one per expiry"):
        calendars.times_to_expiry(now, [date(2026, 12, 18)], ["AM", "PM"])


@settings(max_examples=200, deadline=None)
@given(
    now=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(ET), allow_imaginary=False
    ),
    offset_days=st.integers(min_value=-30, max_value=400),
    settlement=st.sampled_from(["AM", "PM"]),
    shift_seconds=st.integers(min_value=1, max_value=5 * 86400),
)
def test_time_to_expiry_is_the_clipped_distance_to_settlement(now, offset_days, settlement, shift_seconds):
    expiry = calendars.next_trading_day(now.date() + timedelta(days=offset_days))
    moment = calendars.settlement_moment(expiry, settlement)
    years = calendars.time_to_expiry(now, expiry, settlement)
    # Via UTC: subtracting two datetimes that share one tzinfo gives the wall-clock
    # difference, an hour off across a DST switch.
    elapsed = moment.astimezone(UTC) - now.astimezone(UTC)
    expected = max(0.0, elapsed.total_seconds() / (365 * 86400))
    # abs: Unix seconds as a float resolve ~0.2 microseconds (1e-14 years) today.
    assert years == pytest.approx(expected, rel=1e-12, abs=1e-13)
    # Later never means more time; the zone now is written in does not matter.
    later = now.astimezone(UTC) + timedelta(seconds=shift_seconds)  # in UTC: ET + timedelta drops the fold
    assert calendars.time_to_expiry(later, expiry, settlement) <= years
    assert calendars.time_to_expiry(now.astimezone(timezone(timedelta(hours=9))), expiry, settlement) == years


def test_errors_name_the_argument_and_the_value():
    with pytest.raises(ValueError, match=r"now must be timezone-aware.*got 2026-11-23 14:00:00"):
        calendars.time_to_expiry(datetime(2026, 11, 23, 14, 0), date(2026, 11, 23))
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        calendars.times_to_expiry(datetime(2026, 11, 23, 14, 0), [date(2026, 11, 23)])
    with pytest.raises(ValueError, match="now must be a datetime"):
        calendars.time_to_expiry(date(2026, 11, 23), date(2026, 11, 23))
    with pytest.raises(ValueError, match=r"settlement must be 'AM' .* or 'PM' .*got XM"):
        calendars.time_to_expiry(et(2026, 11, 23, 14, 0), date(2026, 11, 23), "XM")
    with pytest.raises(ValueError, match="settlement must be 'AM'"):
        calendars.settlement_moment(date(2026, 11, 23), "pm")
    with pytest.raises(ValueError, match=r"expiry must be an NYSE trading session.*got 2026-11-26"):
        calendars.time_to_expiry(et(2026, 11, 23, 14, 0), date(2026, 11, 26))  # Thanksgiving
    with pytest.raises(ValueError, match=r"expiry must be a calendar date.*got 2026-11-23 16:00:00"):
        calendars.time_to_expiry(et(2026, 11, 23, 14, 0), datetime(2026, 11, 23, 16, 0))
    with pytest.raises(ValueError, match="expiry must be within"):
        calendars.time_to_expiry(et(2026, 11, 23, 14, 0), date(2101, 1, 3))


def test_importing_the_module_does_not_load_the_calendar_library(tmp_path):
    script = (
        "import sys, datetime\n"
        "import planner.calendars as c\n"
        "print(sorted(m for m in ('exchange_calendars', 'pandas', 'numpy') if m in sys.modules))\n"
        "c.is_trading_day(datetime.date(2026, 11, 23))\n"
        "print('exchange_calendars' in sys.modules)\n"
    )
    # An empty cache folder: the first call that needs sessions builds them with the library.
    environment = dict(os.environ, PLANNER_CACHE_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            env=environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "True"]
