"""The calendars package answers every name the single module did, from the package itself."""

from __future__ import annotations

from datetime import date

import planner.calendars as calendars

NAMES = (
    "AM_SETTLEMENT_TIME", "ET", "EXPIRY_KINDS", "FIRST_SUPPORTED_DATE", "LAST_SUPPORTED_DATE", "SECONDS_PER_YEAR",
    "ExpiryKind", "expirations", "is_early_close", "is_listed_expiry", "is_trading_day", "last_trading_day",
    "nearest_listed", "next_trading_day", "previous_trading_day", "settlement_moment", "spx_daily_expirations",
    "spx_monthly_expiration", "spx_monthly_expirations", "time_to_expiry", "times_to_expiry",
    "trading_days_between", "vix_expiration", "vix_expirations",
)


def test_every_name_of_the_module_is_in_the_package():
    assert set(NAMES) <= set(calendars.__all__)
    missing = [name for name in NAMES if not hasattr(calendars, name)]
    assert missing == []


def test_the_package_s_functions_agree_with_each_other():
    # The VIX expiry of December 2026 (the Wednesday 30 days before the 15 January 2027 SPX monthly) is listed,
    # trades, and its last trading day is the session before it.
    expiry = calendars.vix_expiration(2026, 12)
    assert expiry == date(2026, 12, 16)
    assert calendars.is_listed_expiry("vix", expiry) and calendars.is_trading_day(expiry)
    assert calendars.last_trading_day(expiry, "vix-option") == calendars.previous_trading_day(expiry)
    assert calendars.spx_monthly_expiration(2027, 1) == date(2027, 1, 15)
