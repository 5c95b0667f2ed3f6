"""Settlement moments (AM: the 09:30 ET opening print; PM: the session's close) and time to expiry in
calendar years with fractional days."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from planner.calendars.checks import check_date, check_settlement
from planner.calendars.session_table import sessions_covering
from planner.domain.errors import InputError
from planner.domain.instruments import Settlement

if TYPE_CHECKING:
    import numpy as np

ET = ZoneInfo("America/New_York")
SECONDS_PER_YEAR = 365 * 86400
"""A calendar year of 365 days, in seconds: the unit of every time to expiry."""

AM_SETTLEMENT_TIME = time(9, 30)
"""AM (SOQ) settlement: the opening print at 09:30 ET on the expiry date."""

# (expiry, "AM" | "PM") -> settlement moment in Unix seconds. The risk engine asks
# for the same ~100 contracts on every refresh, so this turns each into one dict hit.
_settlement_epochs: dict[tuple[date, str], float] = {}


# The last valid ``now`` and its epoch: a valuation asks for the time to expiry of every contract
# at one moment, and each aware datetime's timestamp() costs a time-zone lookup.
_last_now: tuple[datetime, float] | None = None


def _now_epoch(now: object) -> float:
    global _last_now
    last = _last_now  # one read: another thread may replace it meanwhile
    if last is not None and last[0] is now:  # the same (immutable) object, already checked
        return last[1]
    if not isinstance(now, datetime):
        raise InputError("now", "must be a datetime with a time zone", now)
    if now.tzinfo is None or now.utcoffset() is None:
        # A naive time could be ET, UTC or the machine's zone: hours of error on a 0-DTE option.
        raise InputError("now", "must be timezone-aware (attach a tzinfo such as America/New_York)", now)
    epoch = now.timestamp()
    _last_now = (now, epoch)
    return epoch


def _settlement_epoch(expiry: date, settlement: str) -> float:
    try:
        cached = _settlement_epochs.get((expiry, settlement))
    except TypeError:  # an unhashable argument: let the checks below name it
        cached = None
    if cached is not None:
        return cached
    # A miss validates; invalid keys never enter the cache, so hits need no checks.
    settlement = check_settlement(settlement)
    expiry = check_date("expiry", expiry)
    table = sessions_covering(expiry, expiry)
    position = table.index(expiry)
    if position is None:
        raise InputError("expiry", "must be an NYSE trading session (no settlement on weekends or holidays)", expiry)
    if settlement == "PM":
        epoch = table.close_epochs[position]  # 16:00 ET, or 13:00 ET on early-close days
    else:
        epoch = datetime.combine(expiry, AM_SETTLEMENT_TIME, ET).timestamp()
    _settlement_epochs[(expiry, settlement)] = epoch
    return epoch


def settlement_moment(expiry: date, settlement: Settlement | str = "PM") -> datetime:
    """The moment a contract expiring on ``expiry`` settles, timezone-aware in ET.

    PM: the session's close (16:00 ET; 13:00 ET on early-close days). AM: the
    opening print, 09:30 ET on the expiry date.

    >>> settlement_moment(date(2026, 11, 27)).isoformat()  # day after Thanksgiving
    '2026-11-27T13:00:00-05:00'
    >>> settlement_moment(date(2027, 1, 20), "AM").isoformat()
    '2027-01-20T09:30:00-05:00'
    """
    return datetime.fromtimestamp(_settlement_epoch(expiry, settlement), ET)


def time_to_expiry(now: datetime, expiry: date, settlement: Settlement | str = "PM") -> float:
    """Calendar years (seconds / (365 x 86 400)) from ``now`` to the settlement moment; 0.0 once past it.

    ``now`` must be timezone-aware (any zone); ``settlement`` is "PM" (the
    session's close, 13:00 ET on early-close days) or "AM" (09:30 ET). ``expiry``
    must be a trading session. Settlement moments are cached per (expiry,
    settlement), so repeated calls cost a dict lookup.

    >>> round(time_to_expiry(datetime(2026, 11, 23, 14, 0, tzinfo=ET), date(2026, 11, 23)) * 365 * 24, 9)
    2.0
    """
    moment = _settlement_epoch(expiry, settlement)
    return max(0.0, (moment - _now_epoch(now)) / SECONDS_PER_YEAR)


def times_to_expiry(
    now: datetime, expiries: Sequence[date], settlement: Settlement | str | Sequence[Settlement | str] = "PM"
) -> np.ndarray:
    """``time_to_expiry`` for many contracts at once: a float64 array in calendar years, one per expiry.

    ``settlement`` is one value for all, or one per expiry.

    >>> times_to_expiry(datetime(2026, 11, 27, 12, 0, tzinfo=ET), [date(2026, 11, 27), date(2026, 11, 20)]) * 8760
    array([1., 0.])
    """
    import numpy as np

    now_epoch = _now_epoch(now)
    if isinstance(settlement, str):
        settlements: Sequence[str] = [settlement] * len(expiries)
    else:
        settlements = list(settlement)
        if len(settlements) != len(expiries):
            raise InputError("settlement", f"must be one value or one per expiry ({len(expiries)})", len(settlements))
    moments = np.fromiter(
        (_settlement_epoch(expiry, kind) for expiry, kind in zip(expiries, settlements, strict=True)),
        dtype=np.float64,
        count=len(expiries),
    )
    return np.maximum(0.0, (moments - now_epoch) / SECONDS_PER_YEAR)
