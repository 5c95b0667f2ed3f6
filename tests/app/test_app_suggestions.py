"""Accepting each kind of suggestion goes through the manual-entry use cases and records the decision."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from planner.app import suggestions
from planner.app.demo import write_demo
from planner.app.market import build_snapshot, store_snapshot
from planner.app.requests import FillRequest, QuoteRequest
from planner.domain import Status
from planner.domain.errors import InputError, NotFoundError
from planner.domain.records import DecisionKind
from planner.domain.suggestions import Action
from planner.storage import Repository

NOW = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)  # Monday 14:00 ET


def demo_at(vix: float, now: datetime = NOW) -> Repository:
    repo = Repository.open()
    write_demo(repo, NOW)
    store_snapshot(repo, build_snapshot(repo, QuoteRequest(spx=5900, vix=vix), now))
    return repo


def shown(repo, now=NOW):
    return list(suggestions.compute(repo, now))


def test_trim_is_a_partial_close_with_entry_fees_pro_rata():
    repo = demo_at(24.0)
    trim = next(s for s in shown(repo) if s.action is Action.TRIM)
    held = repo.load_position(trim.proposal.position_id)
    sold = trim.proposal.quantity
    done = suggestions.accept(repo, trim.id, FillRequest(price=4.5, fees="3.10", force=True), NOW)
    (part,) = done.positions
    rest = repo.load_position(held.id)
    assert part.status is Status.CLOSED and part.split_from == held.id and part.rolled_from is None
    assert (part.quantity, part.close_price, part.open_price) == (sold, 4.5, held.open_price)
    assert rest.status is Status.OPEN and rest.quantity == held.quantity - sold and rest.open_price == held.open_price
    entry_share = round(held.fees * sold / held.quantity, 2)
    assert abs(part.fees - (entry_share + 3.10)) < 0.011  # cents per leg
    assert abs(part.fees + rest.fees - (held.fees + 3.10)) < 1e-9  # no fee lost or made up
    expected = (4.5 - held.open_price) * held.multiplier * sold - part.fees
    assert abs(part.realized_pnl() - expected) < 1e-9
    assert done.decision.decision is DecisionKind.ACCEPT
    assert done.decision.figures["position_ids"] == [part.id]
    assert trim.id not in [s.id for s in shown(repo)]


def test_a_warning_without_a_trade_is_acknowledged():
    repo = demo_at(24.0)
    with repo.change("a smaller account") as tx:
        repo.set_setting(tx, "equity", 100_000)  # the demo's condors are then far over the 1.5 % risk cap
    warn = next(s for s in shown(repo) if s.rule == "risk_cap")
    assert warn.proposal is None
    done = suggestions.accept(repo, warn.id, FillRequest(), NOW)
    assert done.positions == () and done.decision.rule == "risk_cap"
    assert warn.id not in [s.id for s in shown(repo)]


def test_a_roll_needs_the_sale_price_of_the_held_layer():
    rolled_day = datetime(2026, 12, 10, 19, 0, tzinfo=UTC)  # the near layer expires on 16 Dec: 6 days left
    repo = demo_at(20.0, now=rolled_day)
    roll = next(s for s in shown(repo, rolled_day) if s.action is Action.ROLL and s.rule == "expiry")
    with pytest.raises(InputError, match="close-price is required to accept a roll"):
        suggestions.accept(repo, roll.id, FillRequest(price=1.2), rolled_day)
    old, new = suggestions.accept(repo, roll.id, FillRequest(price=1.2, close_price=2.0), rolled_day).positions
    assert old.status is Status.ROLLED and old.close_price == 2.0
    assert (new.expiry, new.open_price, new.rolled_from) == (roll.proposal.expiry, 1.2, old.id)
    assert new.quantity == roll.proposal.quantity
    assert tuple(leg.strike for leg in new.legs) == roll.proposal.strikes


def test_ids_are_found_by_a_unique_prefix_only():
    repo = demo_at(24.0)
    result = suggestions.compute(repo, NOW)
    first = result[0]
    assert suggestions.find(result, first.id[:6].upper()) is first
    with pytest.raises(NotFoundError):
        suggestions.find(result, first.id[:3])  # too short to name one
    with pytest.raises(NotFoundError, match="run 'planner suggest'"):
        suggestions.find(result, "0000000000")
