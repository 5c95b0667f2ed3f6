"""Rule 10 (event risk): an event within five trading days and before a condor's expiry."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from rules_books import BIG_EQUITY, CONDOR_EXPIRY, VIX_MAR, book, condor, fired, market, vix_call

from planner.domain import Tier
from planner.domain.records import Event, EventKind
from planner.domain.suggestions import Action
from planner.rules.events import event_risk

CONDOR = condor(qty=10)
SNAPSHOT = market(vix=16.0)
# From Monday 23 Nov 2026: Tue 24 (1), Wed 25 (2), Thanksgiving, Fri 27 (3), Mon 30 (4), Tue 1 Dec (5), Wed 2 Dec (6).
FIFTH = date(2026, 12, 1)
SIXTH = date(2026, 12, 2)


def cpi(day: date) -> Event:
    return Event(day, EventKind.CPI, "CPI release", id=1)


def test_event_five_trading_days_away_warns_and_adds_the_backstop():
    found = fired(event_risk, book(CONDOR), SNAPSHOT, events=[cpi(FIFTH)])
    warn = next(s for s in found if s.action is Action.WARN)
    assert warn.rule == "event_risk" and warn.targets == (1,)
    assert warn.figures["trading_days_to_event"] == 5
    assert "CPI (CPI release) on 2026-12-01 is in 5 trading days" in warn.reason
    add = next(s for s in found if s.action is Action.ADD)
    assert add.tier == "long" and add.proposal.instrument == "spx-put-spread"
    assert add.proposal.strikes == (5310.0, 4720.0) and add.proposal.quantity >= 1


def test_event_window_just_below_exactly_at_and_beyond():
    assert fired(event_risk, book(CONDOR), SNAPSHOT, events=[cpi(FIFTH)])
    assert fired(event_risk, book(CONDOR), SNAPSHOT, events=[cpi(SIXTH)]) == []
    assert fired(event_risk, book(CONDOR), SNAPSHOT, replace(BIG_EQUITY, event_window_days=6), events=[cpi(SIXTH)])
    assert fired(event_risk, book(CONDOR), SNAPSHOT, events=[cpi(date(2026, 11, 23))])  # today: 0 days


def test_events_after_the_condors_expiry_or_in_the_past_are_quiet():
    late = condor(qty=10, expiry=date(2026, 11, 30))
    assert fired(event_risk, book(late), SNAPSHOT, events=[cpi(FIFTH)]) == []
    assert fired(event_risk, book(late), SNAPSHOT, events=[cpi(date(2026, 11, 30))])  # on the expiry day
    assert fired(event_risk, book(CONDOR), SNAPSHOT, events=[cpi(date(2026, 11, 20))]) == []
    assert CONDOR_EXPIRY > FIFTH


def test_no_backstop_when_a_long_layer_is_open():
    held = book(CONDOR, vix_call(tier=Tier.LONG, expiry=VIX_MAR, strike=24.0))
    found = fired(event_risk, held, SNAPSHOT, events=[cpi(FIFTH)])
    assert [s.action for s in found] == [Action.WARN]


def test_one_warning_per_event():
    fomc = Event(date(2026, 11, 25), EventKind.FOMC, "", id=2)
    found = fired(event_risk, book(CONDOR), SNAPSHOT, events=[cpi(FIFTH), fomc])
    assert [s.action for s in found].count(Action.WARN) == 2
    assert len({s.id for s in found}) == 3
