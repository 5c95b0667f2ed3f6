"""Every month of the supported range against a slow reference written independently here.

The reference takes third Fridays from pandas' "WOM-3FRI" offset and sessions
straight from exchange_calendars, and applies the rules with plain loops, so it
shares no code with planner.calendars.
"""

from __future__ import annotations

from datetime import date, timedelta

import exchange_calendars
import pandas as pd
import pytest

from planner import calendars


@pytest.fixture(scope="module")
def reference():
    xnys = exchange_calendars.get_calendar("XNYS", start="1989-11-01", end="2100-04-30")
    sessions = {timestamp.date() for timestamp in xnys.sessions}

    def trading_day_on_or_before(day: date) -> date:
        while day not in sessions:
            day -= timedelta(days=1)
        return day

    third_fridays = [ts.date() for ts in pd.date_range("1990-01-01", "2100-01-31", freq="WOM-3FRI")]
    spx = [trading_day_on_or_before(friday) for friday in third_fridays]
    vix = [trading_day_on_or_before(anchor - timedelta(days=30)) for anchor in spx[1:]]
    return {"spx": spx[:-1], "vix": vix, "sessions": sessions}


def test_spx_monthlies_1990_to_2099_match_the_reference(reference):
    found = calendars.spx_monthly_expirations(calendars.FIRST_SUPPORTED_DATE, calendars.LAST_SUPPORTED_DATE)
    assert len(found) == 110 * 12
    assert found == reference["spx"]


def test_vix_expiries_1990_to_2099_match_the_reference(reference):
    found = calendars.vix_expirations(calendars.FIRST_SUPPORTED_DATE, calendars.LAST_SUPPORTED_DATE)
    assert len(found) == 110 * 12
    assert found == reference["vix"]
    # Each contract month's expiry lies inside that month: the scan by month relies on it.
    months = [(year, month) for year in range(1990, 2100) for month in range(1, 13)]
    assert [(expiry.year, expiry.month) for expiry in found] == months


def test_dailies_are_exactly_the_sessions(reference):
    start, end = date(1990, 1, 1), date(2099, 12, 31)
    expected = sorted(day for day in reference["sessions"] if start <= day <= end)
    assert calendars.spx_daily_expirations(start, end) == expected
