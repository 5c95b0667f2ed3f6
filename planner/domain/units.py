"""How numbers are shown: every figure with its unit, one format per kind.

Shared by the command line and the window so a number reads the same in both.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import TypeIs


def _finite(value: float | None) -> TypeIs[float]:
    return value is not None and math.isfinite(value)


def usd(value: float | None, decimals: int = 0) -> str:
    """Dollars with thousands separators and a real minus sign.

    >>> usd(-12345.678)
    '-$12,346'
    >>> usd(1234.5, 2)
    '$1,234.50'
    """
    if not _finite(value):
        return "—"
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.{decimals}f}"


def points(value: float | None, decimals: int = 2, unit: str = "pts") -> str:
    """Index or VIX points.

    >>> points(5912.345)
    '5,912.35 pts'
    """
    if not _finite(value):
        return "—"
    return f"{value:,.{decimals}f} {unit}"


def percent(value: float | None, decimals: int = 2) -> str:
    """A number already in percent.

    >>> percent(1.5)
    '1.50 %'
    """
    if not _finite(value):
        return "—"
    return f"{value:,.{decimals}f} %"


def vol_percent(decimal_vol: float | None, decimals: int = 2) -> str:
    """A decimal volatility shown as percent (storage keeps decimals, the window shows %).

    >>> vol_percent(0.1834)
    '18.34 %'
    """
    if not _finite(decimal_vol):
        return "—"
    return percent(decimal_vol * 100.0, decimals)
