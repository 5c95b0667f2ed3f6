"""Daily closes per symbol, in the one shape the indicators read.

The store hands out a pandas frame (DatetimeIndex, one column per symbol) or
(date, symbol, close) rows; tests like plain lists. Everything becomes, per
symbol, dates and closes oldest first with missing closes dropped, and only
days *before* the valuation day: the live quote stands for today, and a
backtest replaying stored history must not see the future.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from operator import lt
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True, eq=False)
class DailySeries:
    dates: tuple[date, ...]
    closes: np.ndarray

    def __len__(self) -> int:
        return len(self.dates)


EMPTY = DailySeries((), np.zeros(0))


@dataclass(frozen=True, slots=True, eq=False)
class DailyHistory:
    series: dict[str, DailySeries] = field(default_factory=dict)

    def get(self, symbol: str) -> DailySeries:
        return self.series.get(symbol.upper(), EMPTY)

    def closes(self, symbol: str) -> np.ndarray:
        return self.get(symbol).closes

    @classmethod
    def of(cls, history: Any, before: date) -> DailyHistory:
        """Accepts None, a DailyHistory, a pandas DataFrame, {symbol: [(date, close)...]}
        or {symbol: [close, ...]} (undated, taken as the days up to ``before``),
        or an iterable of (date, symbol, close) rows."""
        if history is None:
            return cls()
        if isinstance(history, DailyHistory):
            return cls({s: _before(v, before) for s, v in history.series.items()})
        if hasattr(history, "columns") and hasattr(history, "index"):
            return cls(_from_frame(history, before))
        if isinstance(history, Mapping):
            return cls({str(s).upper(): _from_values(v, before) for s, v in history.items()})
        return cls(_from_rows(history, before))


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if hasattr(value, "date"):  # pandas Timestamp
        return value.date()
    return date.fromisoformat(str(value))


def _series(pairs: Iterable[tuple[date, float]], before: date) -> DailySeries:
    kept = sorted((d, float(c)) for d, c in pairs if d < before and c is not None and np.isfinite(float(c)))
    if not kept:
        return EMPTY
    return DailySeries(tuple(d for d, _ in kept), np.array([c for _, c in kept]))


def _before(series: DailySeries, before: date) -> DailySeries:
    """The days of ``series`` before ``before``.

    Every series this module builds is already in order with finite float closes,
    and the backtest hands one to ``suggest`` on every review: such a series is
    cut at ``before`` by bisection instead of being sorted again. One built by
    hand in another shape is rebuilt the long way.
    """
    if not _in_order(series):
        return _series(zip(series.dates, series.closes.tolist(), strict=True), before)
    cut = bisect_left(series.dates, before)
    if cut == 0:
        return EMPTY
    if cut == len(series):
        return series
    return DailySeries(series.dates[:cut], series.closes[:cut])


def _in_order(series: DailySeries) -> bool:
    """Strictly increasing dates, one float64 close per date, every close finite."""
    closes = series.closes
    return (isinstance(closes, np.ndarray) and closes.dtype == np.float64 and closes.ndim == 1
            and closes.size == len(series.dates) and bool(np.isfinite(closes).all())
            and all(map(lt, series.dates, islice(series.dates, 1, None))))


def _from_frame(frame: Any, before: date) -> dict[str, DailySeries]:
    import pandas as pd

    if "date" in frame.columns:
        frame = frame.set_index("date")
    index = pd.DatetimeIndex(frame.index)
    order = np.argsort(index.values, kind="stable")
    days = index.values[order]
    kept = days < np.datetime64(before)
    day_list = index[order][kept].date
    found = {}
    for column in frame.columns:
        closes = np.asarray(frame[column].to_numpy(dtype=float))[order][kept]
        finite = np.isfinite(closes)
        found[str(column).upper()] = (DailySeries(tuple(day_list[finite]), closes[finite]) if finite.any()
                                      else EMPTY)
    return found


def _from_values(values: Any, before: date) -> DailySeries:
    items = list(values)
    if items and isinstance(items[0], (tuple, list)):
        return _series(((_as_date(d), c) for d, c in items), before)
    # Undated closes: only their order matters to the indicators.
    closes = np.array([float(c) for c in items if c is not None and np.isfinite(float(c))])
    return DailySeries(tuple(date.fromordinal(before.toordinal() - closes.size + i) for i in range(closes.size)),
                       closes)


def _from_rows(rows: Iterable[tuple[Any, str, float]], before: date) -> dict[str, DailySeries]:
    grouped: dict[str, list[tuple[date, float]]] = {}
    for day, symbol, close in rows:
        grouped.setdefault(str(symbol).upper(), []).append((_as_date(day), close))
    return {symbol: _series(pairs, before) for symbol, pairs in grouped.items()}
