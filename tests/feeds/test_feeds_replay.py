"""Replay: days need both SPX and VIX; the cursor walks them in order at the chosen speed."""

from __future__ import annotations

from datetime import date

from planner.feeds import Replay, ReplayDay, replay_days
from planner.feeds.replay import ET


def test_days_are_sorted_complete_and_bounded():
    rows = [(date(2026, 1, 5), "VIX", 18.0), (date(2026, 1, 5), "SPX", 5850.0), (date(2026, 1, 2), "SPX", 5900.0),
            (date(2026, 1, 2), "VIX", 16.0), (date(2026, 1, 2), "VVIX", 90.0), (date(2026, 1, 6), "SPX", 5800.0)]
    days = replay_days(rows)
    assert days == [ReplayDay(date(2026, 1, 2), 5900.0, 16.0, 90.0), ReplayDay(date(2026, 1, 5), 5850.0, 18.0)]
    assert replay_days(rows, start=date(2026, 1, 3)) == days[1:]
    assert replay_days(rows, end=date(2026, 1, 3)) == days[:1]


def test_cursor_speed_and_quotes():
    days = [ReplayDay(date(2026, 1, 2), 5900.0, 16.0, 90.0), ReplayDay(date(2026, 1, 5), 5850.0, 18.0)]
    replay = Replay(days, speed=4.0)
    assert replay.interval_ms == 250
    first = replay.step()
    assert (first.spx, first.vix, first.vvix, first.source) == (5900.0, 16.0, 90.0, "replay 2026-01-02")
    assert first.asof.tzinfo is ET and first.asof.hour == 16
    assert replay.current() == days[0]
    assert replay.step().spx == 5850.0 and replay.step() is None and replay.finished
    replay.rewind()
    assert replay.step().spx == 5900.0


def test_a_day_with_a_stored_vx_curve_replays_it():
    rows = [(date(2026, 1, 2), "SPX", 5900.0), (date(2026, 1, 2), "VIX", 16.0),
            (date(2026, 1, 5), "SPX", 5850.0), (date(2026, 1, 5), "VIX", 18.0)]
    curves = {date(2026, 1, 2): {date(2026, 2, 18): 17.35, date(2026, 1, 21): 16.6, date(2025, 12, 17): 15.9}}
    first, second = replay_days(rows, curves=curves)
    assert first.quote().futures == ((date(2026, 1, 21), 16.6), (date(2026, 2, 18), 17.35))  # expired ones left out
    assert second.quote().futures == ()
