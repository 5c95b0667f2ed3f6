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

The package's modules: ``checks`` (the accepted range, argument checks),
``session_table`` (the sessions, built once and cached on disk), ``sessions``
(trading days), ``expiries`` (the expiry rules) and ``settlement`` (settlement
moments, time to expiry). Import from the package: ``from planner.calendars
import time_to_expiry``.
"""

from __future__ import annotations

from planner.calendars.checks import EXPIRY_KINDS, FIRST_SUPPORTED_DATE, LAST_SUPPORTED_DATE, ExpiryKind
from planner.calendars.expiries import (
    expirations,
    is_listed_expiry,
    last_trading_day,
    nearest_listed,
    spx_daily_expirations,
    spx_monthly_expiration,
    spx_monthly_expirations,
    vix_expiration,
    vix_expirations,
)
from planner.calendars.sessions import (
    is_early_close,
    is_trading_day,
    next_trading_day,
    previous_trading_day,
    trading_days_between,
)
from planner.calendars.settlement import (
    AM_SETTLEMENT_TIME,
    ET,
    SECONDS_PER_YEAR,
    settlement_moment,
    time_to_expiry,
    times_to_expiry,
)

__all__ = [
    "AM_SETTLEMENT_TIME",
    "ET",
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
