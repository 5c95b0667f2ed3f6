"""Expiry dates against lists derived by hand from the exchange rules.

Every expected date below was worked out from a wall calendar and the rules in
shared/DOMAIN.md, not produced by planner.calendars:

- SPX monthly = third Friday (the 15th..21st), or the trading day before when
  that Friday is an NYSE holiday.
- VIX (contract month M) = SPX monthly of month M+1 minus 30 calendar days (a
  Wednesday when the Friday stands), or the trading day before that day when
  it is a holiday.

NYSE holidays that touch these years' expiries: Juneteenth Wednesday 2024-06-19,
Good Friday 2025-04-18, Juneteenth Friday 2026-06-19, Juneteenth observed Friday
2027-06-18 (the 19th is a Saturday). The VIX lists agree with Cboe's published
2024 and 2025 calendars (2024: Jan 17, Feb 14, Mar 20, Apr 17, May 22, Jun 18,
...; 2025: Jan 22, Feb 19, Mar 18, ...).
"""

from __future__ import annotations

from datetime import date

import pytest

from planner import calendars
from planner.domain.errors import InputError


def d(text: str) -> date:
    return date.fromisoformat(text)


SPX_MONTHLY = {
    2024: [
        d("2024-01-19"), d("2024-02-16"), d("2024-03-15"), d("2024-04-19"),
        d("2024-05-17"), d("2024-06-21"), d("2024-07-19"), d("2024-08-16"),
        d("2024-09-20"), d("2024-10-18"), d("2024-11-15"), d("2024-12-20"),
    ],
    2025: [
        d("2025-01-17"), d("2025-02-21"), d("2025-03-21"),
        d("2025-04-17"),  # third Friday 2025-04-18 is Good Friday -> Thursday
        d("2025-05-16"), d("2025-06-20"), d("2025-07-18"), d("2025-08-15"),
        d("2025-09-19"), d("2025-10-17"), d("2025-11-21"), d("2025-12-19"),
    ],
    2026: [
        d("2026-01-16"), d("2026-02-20"), d("2026-03-20"), d("2026-04-17"),
        d("2026-05-15"),
        d("2026-06-18"),  # third Friday 2026-06-19 is Juneteenth -> Thursday
        d("2026-07-17"), d("2026-08-21"), d("2026-09-18"), d("2026-10-16"),
        d("2026-11-20"), d("2026-12-18"),
    ],
    2027: [
        d("2027-01-15"), d("2027-02-19"), d("2027-03-19"), d("2027-04-16"),
        d("2027-05-21"),
        d("2027-06-17"),  # third Friday 2027-06-18 is Juneteenth observed (19th is a Saturday) -> Thursday
        d("2027-07-16"), d("2027-08-20"), d("2027-09-17"), d("2027-10-15"),
        d("2027-11-19"), d("2027-12-17"),
    ],
}

VIX = {
    2024: [
        d("2024-01-17"),  # Fri 2024-02-16 - 30 d
        d("2024-02-14"),  # Fri 2024-03-15 - 30 d (leap February)
        d("2024-03-20"),  # Fri 2024-04-19 - 30 d (Good Friday 2024-03-29 is not a third Friday)
        d("2024-04-17"), d("2024-05-22"),
        d("2024-06-18"),  # Fri 2024-07-19 - 30 d = Wed 2024-06-19, Juneteenth -> Tuesday before
        d("2024-07-17"), d("2024-08-21"), d("2024-09-18"), d("2024-10-16"), d("2024-11-20"),
        d("2024-12-18"),  # Fri 2025-01-17 - 30 d
    ],
    2025: [
        d("2025-01-22"), d("2025-02-19"),
        d("2025-03-18"),  # counted from Thu 2025-04-17 (Good Friday shift): 30 d before is Tuesday
        d("2025-04-16"), d("2025-05-21"),
        d("2025-06-18"),  # Juneteenth 2025 is Thursday 06-19: the Wednesday stands
        d("2025-07-16"), d("2025-08-20"), d("2025-09-17"), d("2025-10-22"), d("2025-11-19"),
        d("2025-12-17"),  # Fri 2026-01-16 - 30 d
    ],
    2026: [
        d("2026-01-21"), d("2026-02-18"), d("2026-03-18"), d("2026-04-15"),
        d("2026-05-19"),  # counted from Thu 2026-06-18 (Juneteenth shift): 30 d before is Tuesday
        d("2026-06-17"), d("2026-07-22"), d("2026-08-19"), d("2026-09-16"), d("2026-10-21"),
        d("2026-11-18"),
        d("2026-12-16"),  # Fri 2027-01-15 - 30 d
    ],
    2027: [
        d("2027-01-20"), d("2027-02-17"), d("2027-03-17"), d("2027-04-21"),
        d("2027-05-18"),  # counted from Thu 2027-06-17 (Juneteenth observed shift): 30 d before is Tuesday
        d("2027-06-16"), d("2027-07-21"), d("2027-08-18"), d("2027-09-15"), d("2027-10-20"),
        d("2027-11-17"),
        d("2027-12-22"),  # Fri 2028-01-21 - 30 d (New Year 2028 is a Saturday, not observed by NYSE)
    ],
}


@pytest.mark.parametrize("year", sorted(SPX_MONTHLY))
def test_spx_monthlies_of_a_year_match_the_hand_derived_list(year):
    assert calendars.spx_monthly_expirations(date(year, 1, 1), date(year, 12, 31)) == SPX_MONTHLY[year]


@pytest.mark.parametrize("year", sorted(VIX))
def test_vix_expiries_of_a_year_match_the_hand_derived_list(year):
    assert calendars.vix_expirations(date(year, 1, 1), date(year, 12, 31)) == VIX[year]


@pytest.mark.parametrize("year", sorted(VIX))
def test_per_month_helpers_agree_with_the_lists(year):
    assert [calendars.vix_expiration(year, month) for month in range(1, 13)] == VIX[year]
    assert [calendars.spx_monthly_expiration(year, month) for month in range(1, 13)] == SPX_MONTHLY[year]


def test_holiday_shifts_named_in_the_rules():
    # Good Friday 2025: SPX April monthly to Thursday, and March VIX counts from that Thursday.
    assert calendars.spx_monthly_expiration(2025, 4) == date(2025, 4, 17)
    assert calendars.vix_expiration(2025, 3) == date(2025, 3, 18)
    # Juneteenth 2024 on the VIX Wednesday itself.
    assert calendars.vix_expiration(2024, 6) == date(2024, 6, 18)
    # Juneteenth 2026 on the third Friday of June.
    assert calendars.spx_monthly_expiration(2026, 6) == date(2026, 6, 18)
    assert calendars.vix_expiration(2026, 5) == date(2026, 5, 19)


def test_range_is_inclusive_at_both_ends_and_may_be_one_day():
    assert calendars.vix_expirations(date(2026, 5, 19), date(2026, 5, 19)) == [date(2026, 5, 19)]
    assert calendars.vix_expirations(date(2026, 5, 20), date(2026, 6, 16)) == []
    assert calendars.spx_monthly_expirations(date(2024, 12, 20), date(2025, 1, 17)) == [
        date(2024, 12, 20),
        date(2025, 1, 17),
    ]


def test_spx_dailies_skip_weekends_and_holidays_and_keep_early_closes():
    days = calendars.spx_daily_expirations(date(2025, 1, 6), date(2025, 1, 13))
    # 2025-01-09: NYSE closed for the national day of mourning for President Carter.
    assert days == [d("2025-01-06"), d("2025-01-07"), d("2025-01-08"), d("2025-01-10"), d("2025-01-13")]
    thanksgiving_week = calendars.spx_daily_expirations(date(2026, 11, 23), date(2026, 11, 29))
    # Thursday 11-26 closed; Friday 11-27 closes at 13:00 and still expires.
    assert thanksgiving_week == [d("2026-11-23"), d("2026-11-24"), d("2026-11-25"), d("2026-11-27")]
    christmas = calendars.spx_daily_expirations(date(2025, 12, 22), date(2026, 1, 2))
    assert christmas == [
        d("2025-12-22"), d("2025-12-23"), d("2025-12-24"), d("2025-12-26"),
        d("2025-12-29"), d("2025-12-30"), d("2025-12-31"), d("2026-01-02"),
    ]
    assert calendars.spx_daily_expirations(date(2024, 6, 15), date(2024, 6, 16)) == []  # a weekend


def test_sessions_and_early_closes():
    assert calendars.is_early_close(date(2026, 11, 27))
    assert calendars.is_early_close(date(2025, 12, 24))
    assert calendars.is_early_close(date(2024, 7, 3))
    assert not calendars.is_early_close(date(2026, 7, 2))  # July 4 2026 is a Saturday: Friday 07-03 closed instead
    assert not calendars.is_early_close(date(2026, 11, 26))  # a holiday is not an early close
    assert not calendars.is_trading_day(date(2025, 1, 9))
    assert not calendars.is_trading_day(date(2026, 7, 3))
    assert calendars.is_trading_day(date(2026, 11, 27))
    assert calendars.previous_trading_day(date(2025, 1, 10)) == date(2025, 1, 8)
    assert calendars.next_trading_day(date(2026, 12, 24)) == date(2026, 12, 28)


def test_trading_days_between_counts_sessions_after_a_up_to_b():
    assert calendars.trading_days_between(date(2026, 11, 16), date(2026, 11, 20)) == 4
    assert calendars.trading_days_between(date(2026, 11, 20), date(2026, 11, 23)) == 1
    assert calendars.trading_days_between(date(2026, 11, 23), date(2026, 11, 23)) == 0
    assert calendars.trading_days_between(date(2025, 1, 8), date(2025, 1, 10)) == 1  # Carter day closed
    assert calendars.trading_days_between(date(2026, 11, 30), date(2026, 11, 23)) == -4
    # A whole year: 252 sessions in 2024, 250 in 2025 (Carter day), 251 in 2026.
    assert calendars.trading_days_between(date(2023, 12, 31), date(2024, 12, 31)) == 252
    assert calendars.trading_days_between(date(2024, 12, 31), date(2025, 12, 31)) == 250
    assert calendars.trading_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 251


def test_last_trading_day_by_instrument():
    assert calendars.last_trading_day(date(2025, 3, 18), "vix-option") == date(2025, 3, 17)
    assert calendars.last_trading_day(date(2025, 3, 18), "vix-future") == date(2025, 3, 18)
    # AM monthly after a holiday shift: Thursday 2025-04-17 expiry, last trade Wednesday.
    assert calendars.last_trading_day(date(2025, 4, 17), "spx-option", "AM") == date(2025, 4, 16)
    assert calendars.last_trading_day(date(2025, 4, 17), "spx-option", "PM") == date(2025, 4, 17)
    # Tuesday 2026-01-20 follows MLK Monday: the trading day before it is Friday 01-16.
    assert calendars.last_trading_day(date(2026, 1, 20), "spx-option", "AM") == date(2026, 1, 16)
    with pytest.raises(InputError, match="instrument"):
        calendars.last_trading_day(date(2025, 3, 18), "vix")
    with pytest.raises(InputError, match=r"expiry must be an NYSE trading session.*2025-01-09"):
        calendars.last_trading_day(date(2025, 1, 9), "vix-option")


def test_listed_expiry_checks_and_nearest_listed():
    assert calendars.is_listed_expiry("vix", date(2024, 6, 18))
    assert not calendars.is_listed_expiry("vix", date(2024, 6, 19))
    assert calendars.is_listed_expiry("spx-monthly", date(2026, 6, 18))
    assert not calendars.is_listed_expiry("spx-monthly", date(2026, 6, 19))
    assert calendars.is_listed_expiry("spx-daily", date(2026, 11, 27))
    assert not calendars.is_listed_expiry("spx-daily", date(2026, 11, 28))
    assert calendars.nearest_listed("vix", date(2026, 12, 31)) == [date(2026, 12, 16), date(2027, 1, 20)]
    assert calendars.nearest_listed("vix", date(2026, 12, 17)) == [date(2026, 11, 18), date(2026, 12, 16)]
    assert calendars.nearest_listed("vix", date(2026, 12, 16), n=1) == [date(2026, 12, 16)]
    assert calendars.nearest_listed("spx-monthly", date(2025, 4, 18)) == [date(2025, 3, 21), date(2025, 4, 17)]
    # Thanksgiving: Wednesday and Friday are both one day away.
    assert calendars.nearest_listed("spx-daily", date(2026, 11, 26)) == [date(2026, 11, 25), date(2026, 11, 27)]
    assert len(calendars.nearest_listed("vix", date(2026, 12, 31), n=7)) == 7
    with pytest.raises(InputError, match="kind must be one of vix, spx-monthly, spx-daily, got VX"):
        calendars.is_listed_expiry("VX", date(2026, 12, 16))
    with pytest.raises(InputError, match="n must be"):
        calendars.nearest_listed("vix", date(2026, 12, 16), n=0)


def test_range_errors_name_argument_rule_and_value():
    with pytest.raises(ValueError, match=r"end must be on or after start \(2026-12-31\), got 2026-01-01"):
        calendars.vix_expirations(date(2026, 12, 31), date(2026, 1, 1))
    with pytest.raises(ValueError, match=r"start must be within .*1990-01-01\.\.2099-12-31, got 1985-06-03"):
        calendars.spx_monthly_expirations(date(1985, 6, 3), date(1986, 1, 1))
    with pytest.raises(ValueError, match=r"end must be within .*, got 2150-01-01"):
        calendars.spx_daily_expirations(date(2026, 1, 1), date(2150, 1, 1))
    with pytest.raises(ValueError, match="start must be a calendar date"):
        calendars.vix_expirations("2026-01-01", date(2026, 12, 31))
    with pytest.raises(ValueError, match="month must be a year and a month number"):
        calendars.vix_expiration(2026, 13)


def test_dates_far_beyond_the_first_build_extend_the_calendar():
    # The first build covers 2000 .. today + 6 years; both ends of the supported range still work.
    assert calendars.spx_monthly_expiration(2099, 12) == date(2099, 12, 18)
    assert calendars.vix_expiration(2099, 12) == date(2099, 12, 16)  # from Friday 2100-01-15
    assert calendars.spx_monthly_expiration(1990, 1) == date(1990, 1, 19)
    # 2001-09-11..14 closed after the attacks: the trading day before Monday 09-17 is Monday 09-10.
    assert calendars.previous_trading_day(date(2001, 9, 17)) == date(2001, 9, 10)
