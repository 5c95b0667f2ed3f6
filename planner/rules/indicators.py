"""Indicators on daily closes: SMA, Wilder RSI, MACD, realized volatility, spikes.

Inputs are closes oldest first (any sequence of floats); outputs are numpy
arrays aligned with the input, NaN where the indicator is not yet defined,
or a single latest value. Conventions, chosen to match the usual charting
packages so a trader's own chart agrees:

* SMA(n): mean of the last n closes.
* RSI(n, Wilder): the first average gain / loss is the simple mean of the
  first n changes, then avg = (avg x (n - 1) + change) / n. RSI is 100 when
  there were no losses, 50 when there was no change at all.
* EMA(n) for MACD: alpha = 2 / (n + 1), seeded with the SMA of the first n
  values; MACD = EMA(12) - EMA(26), signal = EMA(9) of MACD (seeded on the
  first nine MACD values), histogram = MACD - signal.
* Realized volatility: sample standard deviation (ddof = 1) of the last n
  close-to-close log returns, times sqrt(252); a decimal (0.15 = 15 %).
* Spike: a close at least ``pct`` % above the lowest close of the ``window``
  closes ending on it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

TRADING_DAYS_PER_YEAR = 252


def _closes(values: Sequence[float] | np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=float).ravel()


def sma(closes: Sequence[float] | np.ndarray, length: int) -> float | None:
    """Mean of the last ``length`` closes; None with fewer closes.

    >>> sma([1, 2, 3, 4], 3)
    3.0
    """
    values = _closes(closes)
    if length < 1 or values.size < length:
        return None
    return float(values[-length:].mean())


def wilder_rsi(closes: Sequence[float] | np.ndarray, length: int = 14) -> np.ndarray:
    """RSI with Wilder's smoothing; element i uses closes 0..i, NaN for i < length.

    >>> wilder_rsi([1, 2, 3, 2], 2).round(2).tolist()
    [nan, nan, 100.0, 50.0]
    """
    values = _closes(closes)
    out = np.full(values.size, np.nan)
    if length < 1 or values.size <= length:
        return out
    change = np.diff(values)
    gain = np.where(change > 0, change, 0.0)
    loss = np.where(change < 0, -change, 0.0)
    average_gain = gain[:length].mean()
    average_loss = loss[:length].mean()
    out[length] = _rsi(average_gain, average_loss)
    for i in range(length, change.size):
        average_gain = (average_gain * (length - 1) + gain[i]) / length
        average_loss = (average_loss * (length - 1) + loss[i]) / length
        out[i + 1] = _rsi(average_gain, average_loss)
    return out


def _rsi(average_gain: float, average_loss: float) -> float:
    if average_loss == 0:
        return 50.0 if average_gain == 0 else 100.0
    return 100.0 - 100.0 / (1.0 + average_gain / average_loss)


def ema(values: Sequence[float] | np.ndarray, length: int) -> np.ndarray:
    """Exponential moving average seeded with the SMA of the first ``length`` finite values.

    Leading NaNs (an EMA of an EMA) are skipped; NaN until the seed.

    >>> ema([1, 2, 3, 4, 5], 3).tolist()
    [nan, nan, 2.0, 3.0, 4.0]
    """
    data = _closes(values)
    out = np.full(data.size, np.nan)
    finite = np.flatnonzero(np.isfinite(data))
    if length < 1 or finite.size < length:
        return out
    start = int(finite[0])
    seed_end = start + length - 1
    alpha = 2.0 / (length + 1.0)
    level = float(data[start:seed_end + 1].mean())
    out[seed_end] = level
    for i in range(seed_end + 1, data.size):
        level = level + alpha * (data[i] - level)
        out[i] = level
    return out


@dataclass(frozen=True, slots=True, eq=False)
class Macd:
    """MACD line, signal line and histogram, aligned with the closes (NaN until defined)."""

    line: np.ndarray
    signal: np.ndarray
    histogram: np.ndarray


def macd(closes: Sequence[float] | np.ndarray, fast: int = 12, slow: int = 26, signal: int = 9) -> Macd:
    """MACD(fast, slow, signal): the line is defined from close ``slow - 1``, the signal
    ``signal - 1`` closes later."""
    values = _closes(closes)
    line = ema(values, fast) - ema(values, slow)
    signal_line = ema(line, signal)
    return Macd(line, signal_line, line - signal_line)


def crossovers(line: np.ndarray, signal: np.ndarray) -> np.ndarray:
    """+1 where ``line`` crosses above ``signal`` at i (bullish), -1 below (bearish), else 0.

    A cross is a change of the sign of line - signal between i - 1 and i; a
    touch (difference exactly 0) counts on the day the sign is taken.

    >>> crossovers(np.array([1.0, 2.0, 3.0, 1.0]), np.array([2.0, 2.5, 2.0, 2.0])).tolist()
    [0, 0, 1, -1]
    """
    difference = np.asarray(line, dtype=float) - np.asarray(signal, dtype=float)
    out = np.zeros(difference.size, dtype=int)
    if difference.size < 2:
        return out
    before, after = difference[:-1], difference[1:]
    defined = np.isfinite(before) & np.isfinite(after)
    out[1:][defined & (before <= 0) & (after > 0)] = 1
    out[1:][defined & (before >= 0) & (after < 0)] = -1
    return out


def last_crossover(line: np.ndarray, signal: np.ndarray) -> tuple[int, int] | None:
    """(index, +1 or -1) of the most recent crossover, None when there was none."""
    marks = crossovers(line, signal)
    found = np.flatnonzero(marks)
    if found.size == 0:
        return None
    index = int(found[-1])
    return index, int(marks[index])


def realized_vol(closes: Sequence[float] | np.ndarray, length: int = 20,
                 periods_per_year: int = TRADING_DAYS_PER_YEAR) -> float | None:
    """Annualised close-to-close volatility of the last ``length`` log returns (decimal).

    Needs length + 1 closes; None otherwise.

    >>> round(realized_vol([100, 101, 100, 101], 3), 4)
    0.1824
    """
    values = _closes(closes)
    if length < 2 or values.size < length + 1:
        return None
    returns = np.diff(np.log(values[-(length + 1):]))
    return float(returns.std(ddof=1) * math.sqrt(periods_per_year))


def rolling_low(closes: Sequence[float] | np.ndarray, window: int) -> np.ndarray:
    """Lowest close of the ``window`` closes ending at each index (fewer at the start)."""
    return _rolling(_closes(closes), window, np.inf).min(axis=1)


def rolling_high(closes: Sequence[float] | np.ndarray, window: int) -> np.ndarray:
    """Highest close of the ``window`` closes ending at each index (fewer at the start)."""
    return _rolling(_closes(closes), window, -np.inf).max(axis=1)


def _rolling(values: np.ndarray, window: int, pad: float) -> np.ndarray:
    """[values x window]: the ``window`` values ending at each index, the missing ones at the start
    filled with ``pad`` (which never wins the min or max), as one view instead of a Python loop."""
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    if values.size == 0:
        return np.zeros((0, window))
    padded = np.concatenate((np.full(window - 1, pad), values))
    return np.lib.stride_tricks.sliding_window_view(padded, window)


@dataclass(frozen=True, slots=True)
class Spike:
    """The highest spike close in the look-back: its index, close, the low under it and the rise (%)."""

    index: int
    close: float
    low: float
    rise_pct: float


def recent_spike(closes: Sequence[float] | np.ndarray, window: int, spike_pct: float) -> Spike | None:
    """The largest spike among the last ``window`` closes, None when there was none.

    A close spikes when it is at least ``spike_pct`` % above the lowest close
    of the ``window`` closes ending on it.

    >>> spike = recent_spike([15, 14, 16, 19, 17], 5, 30.0)
    >>> spike.index, spike.close, spike.low, round(spike.rise_pct, 2)
    (3, 19.0, 14.0, 35.71)
    >>> recent_spike([15, 14, 16, 18, 17], 5, 30.0) is None
    True
    """
    values = _closes(closes)
    if values.size == 0:
        return None
    start = max(0, values.size - window)
    recent = values[start:]
    # Only the look-back and the window before it matter; slicing keeps this O(window).
    lows = rolling_low(values[max(0, start - window + 1):], window)[-recent.size:]
    rise = (recent / lows - 1.0) * 100.0
    candidates = np.flatnonzero(rise >= spike_pct)
    if candidates.size == 0:
        return None
    best = int(candidates[np.argmax(rise[candidates])])
    return Spike(start + best, float(recent[best]), float(lows[best]), float(rise[best]))
