"""The figures of one equity curve, and of two side by side: pure functions of arrays and dates.

Definitions (dollars unless a name ends in ``_pct``; ``equity`` is the account
equity at each session close, ``start`` the equity before the first session):

* drawdown at a session: equity minus the highest equity so far (<= 0). The
  max drawdown is the largest fall in dollars; its percent is the largest fall
  as a percent of the peak it fell from (each its own maximum). The running
  peak starts at ``start``: a loss on the first session is a drawdown too.
* worst drawdowns: the episodes between two new highs, each with its peak,
  trough, the first session back at the peak ("recovery"; None: not
  recovered) and its depth; the deepest first.
* MAR: the annual return (compounded, 252 sessions a year) in percent over the
  max drawdown in percent; None when there was no drawdown.
* CVaR 95 % of 21-session P&L: over every window of 21 sessions (overlapping,
  one starting at each session, the first from ``start``), the mean P&L of the
  worst 5 % of windows (at least one), in dollars: negative is a loss.
* risk-matched: the first curve's daily P&L times ``scale`` so that its total
  return equals the second's (defined only when both returns are positive; the
  scale may exceed 1); its max drawdown is then ``scale`` x the first curve's.
* round trips: a buy in a tier within ``window`` sessions of a sale in it made
  at another review, or the reverse; a ROLL is one trade and never counts.
  Each later trade that reverses an earlier one counts once.
* a spike's loss: from the highest equity in the sessions before the spike
  (``lookback`` sessions up to its first day) to the lowest close from there
  to ``after`` sessions past its peak; sessions to recover count from that
  trough to the first close back at the pre-spike peak (None: not recovered).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

TRADING_DAYS_PER_YEAR = 252
CVAR_WINDOW_SESSIONS = 21
CVAR_LEVEL = 0.95
ROUND_TRIP_SESSIONS = 5
WORST_DRAWDOWNS = 5


def with_start(equity: np.ndarray, start: float) -> np.ndarray:
    """The curve with the starting equity in front: the P&L of session i is ``diff`` at i."""
    return np.concatenate(([float(start)], np.asarray(equity, dtype=float)))


def drawdown_curve(equity: np.ndarray, start: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(dollars, percent of the running peak) at each session, both <= 0; the peak starts at ``start``.

    >>> usd, pct = drawdown_curve(np.array([100.0, 120.0, 90.0, 130.0]))
    >>> usd.tolist(), pct.tolist()
    ([0.0, 0.0, -30.0, 0.0], [0.0, 0.0, -25.0, 0.0])
    """
    equity = np.asarray(equity, dtype=float)
    peak = np.maximum.accumulate(equity)
    if start is not None:
        peak = np.maximum(peak, float(start))
    usd = equity - peak
    return usd, np.where(peak > 0, 100.0 * usd / np.where(peak > 0, peak, 1.0), 0.0)


@dataclass(frozen=True, slots=True)
class Drawdown:
    """One fall: depth in dollars (positive) and percent of its peak, peak and trough days,
    and the first day back at the peak (None: not recovered, or the start for a first-day peak)."""

    usd: float
    pct: float
    peak_day: date | None
    trough_day: date | None
    recovery_day: date | None = None

    def to_json(self) -> dict:
        return {"peak": _iso(self.peak_day), "trough": _iso(self.trough_day),
                "recovery": _iso(self.recovery_day) if self.recovery_day else "not recovered",
                "depth_usd": self.usd, "depth_pct": self.pct}


def max_drawdown(equity: np.ndarray, dates: Sequence[date], start: float | None = None) -> Drawdown:
    """The largest fall in dollars; ``pct`` is the largest fall in percent (not always the same fall)."""
    equity = np.asarray(equity, dtype=float)
    if equity.size == 0:
        return Drawdown(0.0, 0.0, None, None)
    usd, pct = drawdown_curve(equity, start)
    trough = int(np.argmin(usd))
    if usd[trough] >= 0:
        return Drawdown(0.0, 0.0, None, None)
    peak_value = equity[trough] - usd[trough]
    at_peak = np.flatnonzero(equity[:trough + 1] >= peak_value)
    peak_day = dates[int(at_peak[-1])] if at_peak.size else None  # None: the peak was the starting equity
    back = np.flatnonzero(equity[trough:] >= peak_value)
    recovery = dates[trough + int(back[0])] if back.size else None
    return Drawdown(float(-usd[trough]), float(-pct.min()), peak_day, dates[trough], recovery)


def worst_drawdowns(equity: np.ndarray, dates: Sequence[date], start: float,
                    count: int = WORST_DRAWDOWNS) -> list[Drawdown]:
    """The ``count`` deepest drawdown episodes (dollars), deepest first; an episode runs from a high to the
    next session at or above it."""
    full = with_start(equity, start)
    peak = np.maximum.accumulate(full)
    under = full < peak
    episodes: list[Drawdown] = []
    i, n = 1, full.size
    while i < n:
        if not under[i]:
            i += 1
            continue
        begin = i
        while i < n and under[i]:
            i += 1
        trough = begin + int(np.argmin(full[begin:i]))
        top = float(peak[trough])
        depth = top - float(full[trough])
        peak_index = begin - 1  # the last session at the high (0: the start)
        episodes.append(Drawdown(
            depth, 100.0 * depth / top if top > 0 else 0.0,
            dates[peak_index - 1] if peak_index > 0 else None, dates[trough - 1],
            dates[i - 1] if i < n else None))
    episodes.sort(key=lambda d: -d.usd)
    return episodes[:count]


def years_of(sessions: int) -> float:
    return sessions / TRADING_DAYS_PER_YEAR


def annual_return_pct(final: float, start: float, sessions: int) -> float:
    """Compounded annual return in percent over ``sessions`` sessions (-100 when the account is gone)."""
    if start <= 0 or sessions <= 0:
        return 0.0
    growth = final / start
    if growth <= 0:
        return -100.0
    return 100.0 * (growth ** (1.0 / years_of(sessions)) - 1.0)


def mar(annual_pct: float, max_drawdown_pct: float) -> float | None:
    """Annual return % over max drawdown %; None with no drawdown.

    >>> mar(6.0, 12.0)
    0.5
    """
    if max_drawdown_pct <= 0:
        return None
    return annual_pct / max_drawdown_pct


def window_pnl(equity: np.ndarray, start: float, sessions: int = CVAR_WINDOW_SESSIONS) -> np.ndarray:
    """P&L over every window of ``sessions`` sessions, one window ending at each session from the
    ``sessions``-th on (the first starts from ``start``)."""
    full = with_start(equity, start)
    if full.size <= sessions:
        return np.empty(0)
    return full[sessions:] - full[:-sessions]


def cvar(pnl: np.ndarray, level: float = CVAR_LEVEL) -> float | None:
    """Mean of the worst (1 - level) share of ``pnl`` (at least one value); None when empty.

    >>> cvar(np.arange(-10.0, 10.0), 0.9)
    -9.5
    """
    if pnl.size == 0:
        return None
    worst = max(1, math.ceil(round((1.0 - level) * pnl.size, 9)))
    return float(np.sort(pnl)[:worst].mean())


def cvar95_21d(equity: np.ndarray, start: float) -> float | None:
    return cvar(window_pnl(equity, start))


@dataclass(frozen=True, slots=True)
class RiskMatched:
    """The first curve's daily P&L scaled to the second's total return; None fields when undefined."""

    scale: float | None
    max_drawdown_usd: float | None
    why: str = ""

    def to_json(self) -> dict:
        return {"scale": self.scale, "max_drawdown_usd": self.max_drawdown_usd, "why_undefined": self.why or None}


def risk_matched(unhedged: np.ndarray, hedged: np.ndarray, start: float) -> RiskMatched:
    """The unhedged program scaled to the hedged run's return, and its max drawdown in dollars."""
    unhedged_return = float(unhedged[-1]) - start if len(unhedged) else 0.0
    hedged_return = float(hedged[-1]) - start if len(hedged) else 0.0
    if unhedged_return <= 0 or hedged_return <= 0:
        return RiskMatched(None, None, "needs a positive return in both runs")
    scale = hedged_return / unhedged_return
    scaled = start + scale * (np.asarray(unhedged, dtype=float) - start)
    return RiskMatched(scale, float(-drawdown_curve(scaled, start)[0].min()))


def round_trips(trades: Sequence[tuple[int, str, str]], window: int = ROUND_TRIP_SESSIONS) -> int:
    """Trades (session index, tier, side "buy" / "sell" / "roll") that reverse, within ``window``
    sessions, a trade of the other side in the same tier made at an earlier review.

    >>> round_trips([(0, "near", "sell"), (3, "near", "buy"), (3, "mid", "buy"), (9, "mid", "sell")])
    1
    """
    last: dict[tuple[str, str], int] = {}
    count = 0
    for index, tier, side in sorted(trades, key=lambda t: t[0]):
        if side not in ("buy", "sell"):
            continue  # a roll is one trade, never a round trip
        other = last.get((tier, "sell" if side == "buy" else "buy"))
        if other is not None and 0 < index - other <= window:
            count += 1
        last[(tier, side)] = index
    return count


@dataclass(frozen=True, slots=True)
class SpikeLoss:
    """A spike's fall: pre-spike peak, trough, loss (dollars, >= 0), sessions from trough to recovery."""

    peak_index: int
    trough_index: int
    loss_usd: float
    sessions_to_recover: int | None


def spike_loss(equity: np.ndarray, start: float, first: int, peak: int, lookback: int, after: int) -> SpikeLoss:
    """The loss a spike (first spike session ``first``, VIX peak ``peak``) caused; indices are sessions."""
    full = with_start(equity, start)  # index i + 1 is session i
    low = max(0, first + 1 - lookback)
    top = low + int(np.argmax(full[low:first + 2]))  # the highest close up to the first spike day
    high = min(full.size - 1, peak + 1 + after)
    trough = top + int(np.argmin(full[top:high + 1]))
    loss = float(full[top] - full[trough])
    back = np.flatnonzero(full[trough:] >= full[top])
    recover = int(back[0]) if back.size else None
    return SpikeLoss(top - 1, trough - 1, loss, recover)


@dataclass(frozen=True, slots=True)
class Month:
    month: str
    pnl_usd: float
    pct: float


def worst_month(equity: np.ndarray, dates: Sequence[date], starting_equity: float) -> Month | None:
    """The calendar month whose equity fell most (month end to month end; the first from the start)."""
    if len(equity) == 0:
        return None
    ends: dict[str, int] = {}
    for i, day in enumerate(dates):
        ends[f"{day.year:04d}-{day.month:02d}"] = i
    worst, before = None, starting_equity
    for month, last in ends.items():
        change = float(equity[last] - before)
        if worst is None or change < worst.pnl_usd:
            worst = Month(month, change, 100.0 * change / before if before > 0 else 0.0)
        before = float(equity[last])
    return worst


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
