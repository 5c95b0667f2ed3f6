"""Text for the figures the rules and views show: every number with its unit.

Built on ``planner.domain.units`` (the CLI's formats) so a figure reads the
same in both. A rule's figure names carry their unit (``vix_pts``,
``coverage_pct``, ``tier_shortfall_usd``...), and ``figure`` reads it from there.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from planner.domain.units import percent, points, usd

__all__ = ["figure", "figure_label", "percent", "points", "signed_usd", "usd", "vol_points"]

UNIT_SUFFIXES = (
    ("_usd", "usd"),
    ("_pts", "pts"),
    ("_pct", "pct"),
    ("_days", "days"),
    ("_moves", "moves"),
)
WORDS = {"vix": "VIX", "spx": "SPX", "sma": "SMA", "usd": "$", "pts": "pts", "pct": "%", "pnl": "P&L"}


def signed_usd(value: float | None, decimals: int = 0) -> str:
    """Dollars with an explicit sign for P&L.

    >>> signed_usd(1234.4), signed_usd(-5.0), signed_usd(None)
    ('+$1,234', '-$5', '—')
    """
    if value is None or not math.isfinite(value):
        return "—"
    return ("+" if value > 0 else "") + usd(value, decimals)


def vol_points(value: float | None, decimals: int = 1) -> str:
    """Volatility points (1 point = 0.01 of vol; one VIX point).

    >>> vol_points(2.345)
    '2.3 vol pts'
    """
    return points(value, decimals, "vol pts")


def figure_label(key: str) -> str:
    """'tier_shortfall_usd' -> 'Tier shortfall ($)'.

    >>> figure_label("spike_low_vix_pts"), figure_label("days")
    ('Spike low VIX (pts)', 'Days')
    """
    unit = ""
    for suffix, name in UNIT_SUFFIXES:
        if key.endswith(suffix):
            key, unit = key.removesuffix(suffix), {"usd": "$", "pts": "pts", "pct": "%", "days": "days",
                                                   "moves": "expected moves"}[name]
            break
    words = [WORDS.get(word, word) for word in key.split("_")]
    text = " ".join(words)
    text = text[:1].upper() + text[1:]
    return f"{text} ({unit})" if unit else text


def figure(key: str, value: object) -> str:
    """One figure as text, its unit read from the key's suffix.

    >>> figure("coverage_pct", 31.44), figure("worst_loss_usd", -38314.2), figure("vix_pts", 16.4)
    ('31.44 %', '-$38,314', '16.40 pts')
    >>> figure("days", 3), figure("also_flagged_by", ["coverage", "ladder"])
    ('3 d', 'coverage, ladder')
    """
    if isinstance(value, bool) or value is None:
        return {True: "yes", False: "no", None: "—"}[value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return "; ".join(f"{k}: {figure(str(k), v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(figure(key, v) for v in value)
    if not isinstance(value, (int, float)):
        return str(value)
    number = float(value)
    if key.endswith("_usd"):
        return usd(number)
    if key.endswith("_pts"):
        return points(number)
    if key.endswith("_pct"):
        return percent(number)
    if key == "days" or key.endswith("_days"):
        return f"{number:,.0f} d"
    if key.endswith("_moves"):
        return f"{number:,.2f} expected moves"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{number:,.4g}"
