"""Daily history in the store's frame, as rows or as plain lists reads the same; the future is never read."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from planner.rules.history import DailyHistory

DAYS = pd.bdate_range("2026-11-02", "2026-11-20")  # 15 sessions (holidays do not matter here)
FRAME = pd.DataFrame({"SPX": np.linspace(5800, 5900, 15), "VIX": np.linspace(15, 17, 15)},
                     index=pd.DatetimeIndex(DAYS, name="date"))


def test_frame_and_rows_agree_and_missing_closes_are_dropped():
    frame = FRAME.copy()
    frame.iloc[3, 1] = np.nan
    rows = [(d.date(), s, float(frame.loc[d, s])) for d in frame.index for s in frame.columns]
    from_frame = DailyHistory.of(frame.iloc[::-1], before=date(2026, 11, 23))  # order does not matter
    from_rows = DailyHistory.of(rows, before=date(2026, 11, 23))
    for symbol in ("SPX", "vix"):
        assert from_frame.get(symbol).dates == from_rows.get(symbol).dates
        np.testing.assert_array_equal(from_frame.closes(symbol), from_rows.closes(symbol))
    assert len(from_frame.get("VIX")) == 14 and len(from_frame.get("SPX")) == 15
    assert len(DailyHistory.of(FRAME.reset_index(), before=date(2026, 11, 23)).get("VIX")) == 15


def test_days_on_or_after_the_valuation_day_are_left_out():
    history = DailyHistory.of(FRAME, before=date(2026, 11, 20))
    assert history.get("VIX").dates[-1] == date(2026, 11, 19)
    assert len(DailyHistory.of(FRAME, before=date(2026, 11, 1)).get("VIX")) == 0


def test_plain_lists_are_taken_as_the_days_up_to_the_valuation_day():
    history = DailyHistory.of({"vix": [15.0, None, 16.0]}, before=date(2026, 11, 23))
    assert history.closes("VIX").tolist() == [15.0, 16.0]
    assert DailyHistory.of(None, before=date(2026, 11, 23)).closes("VIX").size == 0


def test_a_daily_history_is_cut_at_the_valuation_day_like_rows_are():
    built = DailyHistory.of(FRAME, before=date(2026, 11, 23))
    for before in (date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 11), date(2026, 11, 20), date(2026, 11, 23)):
        cut = DailyHistory.of(built, before=before)
        rows = DailyHistory.of([(d.date(), s, float(FRAME.loc[d, s])) for d in FRAME.index for s in FRAME.columns],
                               before=before)
        for symbol in ("SPX", "VIX"):
            assert cut.get(symbol).dates == rows.get(symbol).dates
            np.testing.assert_array_equal(cut.closes(symbol), rows.closes(symbol))
            assert cut.closes(symbol).dtype == np.float64


def test_a_hand_built_series_out_of_order_or_with_gaps_is_still_sorted_and_cleaned():
    from planner.rules.history import DailySeries

    days = (date(2026, 11, 5), date(2026, 11, 3), date(2026, 11, 4), date(2026, 11, 6))
    history = DailyHistory({"VIX": DailySeries(days, np.array([17.0, 15.0, np.nan, 18.0]))})
    cut = DailyHistory.of(history, before=date(2026, 11, 6))
    assert cut.get("VIX").dates == (date(2026, 11, 3), date(2026, 11, 5))
    assert cut.closes("VIX").tolist() == [15.0, 17.0]
    whole = DailyHistory({"VIX": DailySeries(days[1:2] + days[:1], np.array([15, 17]))})  # integer closes
    assert DailyHistory.of(whole, before=date(2026, 11, 6)).closes("VIX").dtype == np.float64
