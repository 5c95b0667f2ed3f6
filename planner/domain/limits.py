"""The store's outer bounds, checked in the domain so that the database never refuses a row.

These mirror the CHECK constraints of planner/storage/schema.py (and SQLite's 64-bit integers):
no market or position comes near them; a value beyond is a typo or a hostile file, refused with
the field named instead of an IntegrityError or OverflowError from the database.
"""

from __future__ import annotations

import math
from datetime import date

from planner.domain.errors import InputError

MAX_POINTS = 1e9  # SPX level, strikes, prices and marks, index points (CHECK ... < 1e9)
MAX_VIX_POINTS = 1e4  # VIX, VVIX, VX futures and a leg's iv_vix, VIX points (CHECK ... < 1e4)
MAX_FEES_USD = 1e12  # dollars of fees on one leg (CHECK fees < 1e12)
MAX_IV = 100.0  # implied volatility as a decimal (CHECK iv < 100)
MAX_CONTRACTS = 1_000_000  # contracts in one position: far beyond any account, far inside 64 bits
MAX_ID = 2**63 - 1  # SQLite's largest integer key
FIRST_DAY = date(1900, 1, 1)  # dates the calendars and the date arithmetic of risk handle
LAST_DAY = date(2199, 12, 31)


def require_below(name: str, value: float | None, bound: float) -> float | None:
    """``value`` (None passes) if it is finite and below ``bound``, else InputError.

    >>> require_below("strike", 5400.0, MAX_POINTS)
    5400.0
    >>> require_below("strike", 2e9, MAX_POINTS)
    Traceback (most recent call last):
    planner.domain.errors.InputError: strike must be less than 1e+09, got 2e+09
    """
    if value is not None and not (math.isfinite(value) and value < bound):
        raise InputError(name, f"must be less than {bound:g}", value)
    return value


def require_day_in_range(name: str, day: date, shown: object = None) -> date:
    """A date between 1900 and 2199 (a year 9999 expiry would overflow the risk's date arithmetic)."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InputError(name, f"must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}",
                         day.isoformat() if shown is None else shown)
    return day
