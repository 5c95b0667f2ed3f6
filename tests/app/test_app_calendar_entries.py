"""The event calendar and the signals: each change checked by the rules the window's editors show, one undo step."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from planner.app import Workspace
from planner.app.calendar_entries import LABEL_LIMIT, event_problems, signal_problems
from planner.domain.errors import InputError, NotFoundError
from planner.domain.records import Event, EventKind, Signal

NOW = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)  # Monday 14:00 ET
TODAY = date(2026, 11, 23)


@pytest.fixture
def ws():
    with Workspace.open(":memory:", clock=lambda: NOW) as workspace:
        yield workspace


def test_an_event_is_added_and_deleted_in_undoable_steps(ws):
    stored = ws.add_event(Event(date(2026, 12, 9), EventKind.FOMC, "  rate decision "))
    assert (stored.id is not None, stored.label) == (True, "rate decision")
    ws.delete_event(stored)
    assert ws.events() == []
    entry, _ = ws.undo()
    assert entry.label == "delete event FOMC 2026-12-09" and [e.label for e in ws.events()] == ["rate decision"]


@pytest.mark.parametrize("event, message", [
    (Event(date(2026, 11, 20), EventKind.CPI), "date must be today or later, got 2026-11-20"),
    (Event(date(2026, 12, 1), EventKind.CUSTOM, "  "),
     "label is required for a custom event (what is it?), got nothing"),
    (Event(date(2026, 12, 1), EventKind.PPI, "x" * (LABEL_LIMIT + 1)),
     f"label must be at most {LABEL_LIMIT} characters, got {LABEL_LIMIT + 1} characters"),
])
def test_a_bad_event_is_refused_and_nothing_is_written(ws, event, message):
    with pytest.raises(InputError) as raised:
        ws.add_event(event)
    assert str(raised.value) == message
    assert ws.events() == [] and ws.journal() == []


def test_today_is_new_york_s_date():
    late_evening = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # still the 23rd in New York
    with Workspace.open(":memory:", clock=lambda: late_evening) as ws:
        assert ws.today() == TODAY
        ws.add_event(Event(TODAY, EventKind.CPI))
        assert [e.date for e in ws.events()] == [TODAY]


def test_deleting_an_event_no_longer_there_is_refused(ws):
    stored = ws.add_event(Event(date(2026, 12, 9), EventKind.FOMC))
    ws.delete_event(stored)
    with pytest.raises(NotFoundError, match="event 1 does not exist"):
        ws.delete_event(stored)


def test_a_signal_is_set_and_deleted(ws):
    ws.set_signal(Signal("macro_stress", 1.0, "credit spreads widening", NOW))
    assert [(s.name, s.value) for s in ws.signals()] == [("macro_stress", 1.0)]
    ws.delete_signal("macro_stress")
    assert ws.signals() == []
    with pytest.raises(NotFoundError, match="signal macro_stress does not exist"):
        ws.delete_signal("macro_stress")


@pytest.mark.parametrize("signal, message", [
    (Signal("Macro Stress", 1.0), "name must be lower-case letters, digits and _, starting with a letter, "
                                  "got 'Macro Stress'"),
    (Signal("", 1.0), "name is required, got nothing"),
    (Signal("stress", float("nan")), "value must be a number (above 0 = on), got 'nan'"),
    (Signal("stress", 1.0, "y" * (LABEL_LIMIT + 5)), f"note must be at most {LABEL_LIMIT} characters, "
                                                      f"got {LABEL_LIMIT + 5} characters"),
])
def test_a_bad_signal_is_refused_and_nothing_is_written(ws, signal, message):
    with pytest.raises(InputError) as raised:
        ws.set_signal(signal)
    assert str(raised.value) == message
    assert ws.signals() == [] and ws.journal() == []


def test_the_editors_rules_name_every_field_at_once():
    assert set(event_problems(date(2026, 11, 1), EventKind.CUSTOM, "", TODAY)) == {"date", "label"}
    assert event_problems(TODAY, EventKind.FOMC, "", TODAY) == {}
    assert set(signal_problems("9lives", "on", "z" * 81)) == {"name", "value", "note"}
    assert signal_problems("vix_term", "-0.5", "") == {}
