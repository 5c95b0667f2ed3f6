"""Text for numbers, positions and moments as the window shows them (no Qt).

Money is dollars with thousands separators, prices carry "pts", times are ET:
every number the user sees carries its unit (DOMAIN.md, "Units").
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from planner.domain import Position, PositionKind
from planner.domain.units import percent, points, usd

if TYPE_CHECKING:
    from typing_extensions import TypeIs

ET = ZoneInfo("America/New_York")
KIND_NAMES = {
    "vix-call": "VIX call",
    "vix-call-spread": "VIX call spread",
    "vix-future": "VIX future",
    "spx-put-spread": "SPX put spread",
}

__all__ = ["ET", "describe", "et_time", "money", "percent", "points", "signed_money", "usd"]


def finite(value: float | None) -> TypeIs[float]:
    return value is not None and math.isfinite(value)


def money(value: float | None, decimals: int = 0) -> str:
    """Dollars, no cents.

    >>> money(-1234.5)
    '-$1,234'
    """
    return usd(value, decimals) if finite(value) else "—"


def signed_money(value: float | None, decimals: int = 0) -> str:
    """P&L with an explicit sign.

    >>> signed_money(1234.4), signed_money(-5.0), signed_money(None)
    ('+$1,234', '-$5', '—')
    """
    if not finite(value):
        return "—"
    return ("+" if value > 0 else "") + usd(value, decimals)


def strikes_text(position: Position) -> str:
    strikes = [leg.strike for leg in position.legs if leg.strike is not None]
    return "/".join(f"{k:,.2f}".rstrip("0").rstrip(".") for k in strikes)


def describe(position: Position) -> str:
    """'Condor 5,575/5,625/6,175/6,225' or 'Near VIX call 19'."""
    if position.kind is PositionKind.CONDOR:
        return f"Condor {strikes_text(position)} {position.legs[0].settlement}"
    kind = KIND_NAMES.get(str(position.layer_kind), str(position.layer_kind))
    strikes = strikes_text(position)
    return f"{str(position.tier).capitalize()} {kind}" + (f" {strikes}" if strikes else "")


def et_time(moment: datetime | None, with_date: bool = False) -> str:
    """Time of day in New York.

    >>> from datetime import UTC
    >>> et_time(datetime(2026, 11, 20, 20, 30, tzinfo=UTC))
    '15:30:00 ET'
    """
    if moment is None:
        return "—"
    local = moment.astimezone(ET)
    return local.strftime("%Y-%m-%d %H:%M:%S ET" if with_date else "%H:%M:%S ET")


def expiry_text(expiry: date, today: date) -> str:
    """Expiry with calendar days left.

    >>> expiry_text(date(2026, 12, 18), date(2026, 11, 20))
    '2026-12-18 (28 d)'
    """
    return f"{expiry.isoformat()} ({(expiry - today).days} d)"


def set_style_sheet(widget, sheet: str) -> None:
    """``widget.setStyleSheet(sheet)`` unless it already has that sheet: each call re-polishes the
    widget (and re-lays it out), which the window would otherwise pay on every quote."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)
