"""Rule 9 (mean reversion): take profit on layers after a spike; close condors at 50 % of max profit."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rules_books import (
    BIG_EQUITY,
    NOW,
    VIX_DEC,
    at_mark,
    book,
    condor,
    context,
    curve,
    fired,
    history,
    market,
    vix_call,
)

from planner.domain import Tier
from planner.domain.suggestions import Action
from planner.risk import analyze
from planner.rules.context import RuleSkipped
from planner.rules.mean_reversion import close_winners, exit_value_usd, take_profit

CONDOR = condor(qty=10)
WINNER = vix_call(strike=17.0, expiry=VIX_DEC, tier=Tier.NEAR, price=0.05, position_id=10)  # bought cheap
LOSER = vix_call(strike=17.0, expiry=VIX_DEC, tier=Tier.NEAR, price=9.0, position_id=11)
SPIKED = history([15.0] * 25 + [19.5, 18.0, 17.0])  # 19.5 is exactly 30 % above the 15.0 low
NO_SPIKE = history([15.0] * 25 + [19.49, 18.0, 17.0])


def after(vix: float):
    return market(vix=vix, futures=curve(17.0))


def test_take_profit_once_vix_is_20_percent_below_the_spikes_high():
    [found] = fired(take_profit, book(CONDOR, WINNER), after(15.6), closes=SPIKED)  # 19.5 x 0.8 = 15.6
    assert (found.rule, found.action, found.targets, found.tier) == ("mean_reversion", Action.TAKE_PROFIT, (10,),
                                                                     "near")
    assert found.proposal.side == "sell" and found.proposal.quantity == WINNER.quantity
    assert found.figures["spike_rise_pct"] == pytest.approx(30.0)
    assert found.figures["retrace_pct"] == pytest.approx(20.0)
    assert "20 % below the high" in found.reason and "rests until VIX crosses 18 pts upward" in found.reason


def test_take_profit_waits_until_vix_is_far_enough_below_the_spikes_high():
    with pytest.raises(RuleSkipped, match=r"below the spike's high of 19\.50; profits wait for 20 %"):
        take_profit(context(book(CONDOR, WINNER), after(15.61), closes=SPIKED))
    closer = replace(BIG_EQUITY, take_profit_retrace_pct=19.9)
    assert fired(take_profit, book(CONDOR, WINNER), after(15.61), closer, closes=SPIKED)


def test_a_layer_up_five_dollars_is_no_take_profit():
    snapshot = after(15.0)
    bought = at_mark(WINNER, snapshot)
    up_five = bought.with_changes(open_price=bought.open_price - 5.0 / (100 * bought.quantity))
    row = analyze(book(CONDOR, up_five), snapshot, BIG_EQUITY, at=NOW, light=True).position(10)
    assert row.pnl_usd == pytest.approx(5.0, abs=1e-6)
    assert fired(take_profit, book(CONDOR, up_five), snapshot, closes=SPIKED) == []


def test_take_profit_needs_the_multiple_after_exit_costs():
    snapshot = after(15.0)
    ctx = context(book(CONDOR, WINNER), snapshot, closes=SPIKED)
    value = exit_value_usd(ctx, WINNER, ctx.risk(WINNER).mark)  # mark less 5 % and $1.30 a contract
    assert value == pytest.approx(ctx.risk(WINNER).mark * 0.95 * 100 * 5 - 1.30 * 5)
    exactly = WINNER.with_changes(open_price=value / (1.5 * 100 * WINNER.quantity))
    assert fired(take_profit, book(CONDOR, exactly), snapshot, closes=SPIKED)  # "at least 1.5 times"
    dearer = WINNER.with_changes(open_price=exactly.open_price * 1.001)
    assert fired(take_profit, book(CONDOR, dearer), snapshot, closes=SPIKED) == []


def test_take_profit_needs_a_spike_of_at_least_the_setting():
    assert fired(take_profit, book(CONDOR, WINNER), after(15.0), closes=NO_SPIKE) == []
    looser = replace(BIG_EQUITY, spike_pct=29.9)
    assert fired(take_profit, book(CONDOR, WINNER), after(15.0), looser, closes=NO_SPIKE)


def test_take_profit_ignores_losing_layers_and_skips_without_history():
    assert fired(take_profit, book(CONDOR, LOSER), after(15.0), closes=SPIKED) == []
    with pytest.raises(RuleSkipped, match="needs 20 daily VIX closes to look for a spike, has 5"):
        take_profit(context(book(CONDOR, WINNER), after(17.0), closes=history([15.0] * 5)))


RICH = condor(qty=10, credit=12.0)  # sold for about twice what it is worth today


def profit_share(the_book) -> float:
    row = analyze(the_book, market(vix=16.0), BIG_EQUITY, at=NOW, light=True).position(1)
    max_profit = RICH.open_price * 100 * RICH.quantity - RICH.fees
    return 100.0 * row.pnl_usd / max_profit


def test_close_a_condor_at_or_above_its_take_profit_share():
    the_book = book(RICH)
    share = profit_share(the_book)
    assert 0 < share < 100
    [found] = fired(close_winners, the_book, market(vix=16.0), replace(BIG_EQUITY, condor_take_profit_pct=share))
    assert (found.action, found.targets, found.proposal.side) == (Action.CLOSE, (1,), "buy-to-close")
    assert found.rule == "condor_take_profit"  # the condor program's own kind, not a hedge rule
    assert found.figures["profit_pct_of_max"] == pytest.approx(share)
    assert fired(close_winners, the_book, market(vix=16.0),
                 replace(BIG_EQUITY, condor_take_profit_pct=share + 1e-9)) == []
    assert fired(close_winners, the_book, market(vix=16.0),
                 replace(BIG_EQUITY, condor_take_profit_pct=share - 1e-9))


def test_a_losing_condor_is_not_closed_early():
    assert fired(close_winners, book(condor(qty=10, credit=1.0)), market(vix=16.0)) == []
