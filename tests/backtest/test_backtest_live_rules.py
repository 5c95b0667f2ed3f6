"""The backtest and the live rules agree: same day's inputs, same suggestions; and it trades what they say."""

from __future__ import annotations

from itertools import pairwise

import pytest
from backtest_paths import SAME_EXITS, crash_path

from planner.backtest.engine import run_path
from planner.domain import Settings
from planner.domain.suggestions import Action
from planner.rules import options_from_settings, suggest


@pytest.fixture(scope="module")
def reviews():
    """Every review of a hedged run through a crash: (session index, book, market, history, result)."""
    seen = []
    path = crash_path()
    run_path(path, Settings(), SAME_EXITS, hedged=True, observer=lambda *review: seen.append(review))
    return path, seen


def test_every_session_is_reviewed_by_the_rules(reviews):
    path, seen = reviews
    indices = [review[0] for review in seen]
    assert indices == sorted(indices) and len(indices) >= len(path) - 2  # all but the days before the first condor
    assert all(review[2].asof.hour == 16 for review in seen)  # at the close, New York time


def test_the_live_rules_give_the_same_suggestions_on_the_same_inputs(reviews):
    path, seen = reviews
    settings = Settings()
    every_close = path.rows()  # the whole file, as the app's history table holds it; suggest reads days before
    checked = 0
    actions = set()
    for _, book, market, _, result in seen[::3]:
        # The backtest remembers what a trader's book would (warnings read): the same decisions go to the app.
        decisions = [decision for _, decision in result.suppressed]
        live = suggest(book, market, settings, history=every_close, at=market.asof,
                       options=options_from_settings(settings), decisions=decisions)
        assert [s.to_json() for s in live] == [s.to_json() for s in result]
        checked += 1
        actions |= {s.action for s in live}
    assert checked > 50
    assert {Action.ADD, Action.ROLL, Action.TRIM} <= actions  # the comparison covered what the rules do


def test_the_backtest_trades_what_the_rules_propose(reviews):
    _, seen = reviews
    done = {Action.ADD: 0, Action.CLOSE: 0, Action.TRIM: 0, Action.ROLL: 0}
    for (_, _, market, _, result), (_, next_book, _, _, _) in pairwise(seen):
        after = {p.id: p for p in next_book.positions}
        for s in result:
            trade = s.proposal
            if s.action is Action.ADD:
                assert any(p.opened_at == market.asof and p.tier == trade.tier and p.expiry == trade.expiry
                           and p.quantity == trade.quantity for p in after.values())
            elif s.action in (Action.CLOSE, Action.TAKE_PROFIT):
                if s.tier is None:  # a condor: the program closes condors, in both runs alike
                    continue
                assert trade.position_id not in after
            elif s.action is Action.TRIM:
                held = next(p for p in result.report.positions if p.id == trade.position_id)
                kept = held.quantity - trade.quantity
                assert (after[trade.position_id].quantity if kept else None) == (kept or None)
            elif s.action is Action.ROLL:
                assert trade.position_id not in after
                assert any(p.rolled_from == trade.position_id for p in after.values())
            else:
                continue
            done[Action.CLOSE if s.action is Action.TAKE_PROFIT else s.action] += 1
    # Through this crash the plan closes no layer outright (a CLOSE with a buy wanted in its tier is a ROLL);
    # every other kind of trade is checked against the next book.
    assert all(done[action] > 0 for action in (Action.ADD, Action.TRIM, Action.ROLL)), done
