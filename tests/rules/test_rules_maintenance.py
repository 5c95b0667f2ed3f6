"""Rules 4 (delta decay), 5 (expiry) and 6 (carry): fire, just below, exactly at."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from rules_books import (
    BIG_EQUITY,
    ET,
    NOW,
    VIX_DEC,
    VIX_JAN,
    VIX_MAR,
    book,
    condor,
    curve,
    fired,
    market,
    vix_call,
    vix_call_spread,
    vix_future,
)

from planner.domain import Tier
from planner.domain.suggestions import Action
from planner.risk import analyze
from planner.rules.maintenance import carry, delta_decay, expiry

CONDOR = condor(qty=20)
SNAPSHOT = market(vix=16.0)


def delta_of(the_book, layer_id):
    """dV/dF per contract, from the risk engine's dollar delta."""
    row = analyze(the_book, SNAPSHOT, BIG_EQUITY, at=NOW).position(layer_id)
    return row.greeks.delta_vix_usd / (row.quantity * 100)


# --- rule 4: delta decay ------------------------------------------------------------------------------------------

def test_delta_decay_rolls_the_shortest_decayed_layer_to_its_tier():
    far_dec = vix_call(strike=30.0, expiry=VIX_DEC, tier=Tier.MID, position_id=10)
    far_jan = vix_call(strike=40.0, expiry=VIX_JAN, tier=Tier.MID, position_id=11)
    healthy = vix_call(strike=18.0, expiry=VIX_JAN, tier=Tier.NEAR, position_id=12)
    the_book = book(CONDOR, far_dec, far_jan, healthy)
    assert delta_of(the_book, 10) < 0.15 and delta_of(the_book, 11) < 0.15 and delta_of(the_book, 12) > 0.15
    [found] = fired(delta_decay, the_book, SNAPSHOT)
    assert (found.rule, found.action, found.targets, found.tier) == ("delta_decay", Action.ROLL, (10,), "mid")
    trade = found.proposal
    assert trade.position_id == 10 and trade.expiry == VIX_JAN and trade.strikes[0] < 30.0
    assert found.figures["decayed_layers"] == 2
    assert "close_value_usd" in found.figures


def test_delta_decay_threshold_just_below_exactly_at_and_above():
    layer = vix_call(strike=24.0, expiry=VIX_JAN, tier=Tier.MID, position_id=10)
    the_book = book(CONDOR, layer)
    delta = delta_of(the_book, 10)
    assert fired(delta_decay, the_book, SNAPSHOT, replace(BIG_EQUITY, delta_decay_min=delta + 1e-9))
    assert fired(delta_decay, the_book, SNAPSHOT, replace(BIG_EQUITY, delta_decay_min=delta)) == []  # "below"
    assert fired(delta_decay, the_book, SNAPSHOT, replace(BIG_EQUITY, delta_decay_min=delta - 1e-9)) == []


def test_futures_never_decay_and_a_spread_uses_its_net_delta():
    assert fired(delta_decay, book(CONDOR, vix_future()), SNAPSHOT, replace(BIG_EQUITY, delta_decay_min=1.0)) == []
    spread = vix_call_spread(strikes=(22.0, 23.0), expiry=VIX_DEC, tier=Tier.MID, position_id=11)
    the_book = book(CONDOR, spread)
    net = delta_of(the_book, 11)
    assert 0 < net < 0.15
    [found] = fired(delta_decay, the_book, SNAPSHOT)
    assert found.figures["delta_per_contract"] == pytest.approx(net)
    assert found.proposal.instrument == "vix-call-spread"
    assert found.proposal.strikes[1] - found.proposal.strikes[0] == 1.0


# --- rule 5: expiry -----------------------------------------------------------------------------------------------

def on(day: int, month: int = 12) -> datetime:
    return datetime(2026, month, day, 14, 0, tzinfo=ET)


NEAR_DEC = vix_call(strike=19.0, expiry=VIX_DEC, tier=Tier.NEAR, position_id=10)


def test_expiry_rolls_a_wanted_layer_with_seven_days_left_and_not_eight():
    the_book = book(CONDOR, NEAR_DEC)
    high = market(vix=19.0)
    [found] = fired(expiry, the_book, high, at=on(9))  # 16 Dec is 7 days away: "7 days or fewer"
    assert (found.rule, found.action, found.targets) == ("expiry", Action.ROLL, (10,))
    assert found.proposal.expiry == VIX_JAN and found.figures["days"] == 7
    assert "at or above the near tier's 18 pts threshold" in found.reason
    assert fired(expiry, the_book, high, at=on(8)) == []  # 8 days
    assert fired(expiry, the_book, high, replace(BIG_EQUITY, expiry_roll_days=8), at=on(8))


def test_expiry_closes_a_layer_no_longer_wanted():
    long_layer = vix_call(strike=18.0, expiry=VIX_MAR, tier=Tier.LONG, qty=60, position_id=11)
    the_book = book(CONDOR, NEAR_DEC, long_layer)  # coverage stays above 40 % without the near layer
    [found] = fired(expiry, the_book, SNAPSHOT, at=on(9))
    assert found.action is Action.CLOSE and found.proposal.side == "sell" and found.proposal.position_id == 10
    assert "under the near tier's 18 pts threshold" in found.reason
    # With no condors left to protect the layer is closed, whatever VIX does.
    [alone] = fired(expiry, book(NEAR_DEC), market(vix=30.0), at=on(9))
    assert alone.action is Action.CLOSE and "no condors are open" in alone.reason


def test_expiry_rolls_when_coverage_would_fall_below_the_floor_without_the_layer():
    [found] = fired(expiry, book(CONDOR, NEAR_DEC), SNAPSHOT, at=on(9))  # VIX 16, but the only hedge
    assert found.action is Action.ROLL and "coverage would fall to 0.0 %" in found.reason


# --- rule 6: carry ------------------------------------------------------------------------------------------------

def carried(open_price: float) -> object:
    return vix_call(strike=19.0, expiry=VIX_DEC, tier=Tier.NEAR, position_id=10, price=open_price)


def value_pct(snapshot, at, open_price):
    layer = carried(open_price)
    row = analyze(book(CONDOR, layer), snapshot, BIG_EQUITY, at=at).position(10)
    return 100.0 * row.mark / open_price


def test_carry_fires_at_forty_percent_with_21_days_left_under_the_first_threshold():
    price = 2.0
    pct = value_pct(SNAPSHOT, on(25, 11), price)  # 16 Dec is 21 days after 25 Nov
    assert pct < 40.0
    [found] = fired(carry, book(CONDOR, carried(price)), SNAPSHOT, at=on(25, 11))
    assert found.rule == "carry" and found.action in (Action.ROLL, Action.CLOSE) and found.targets == (10,)
    assert found.figures["value_pct_of_cost"] == pytest.approx(pct)
    assert found.figures["days"] == 21


def test_carry_value_days_and_vix_each_just_below_exactly_at_and_above():
    price = 2.0
    at = on(25, 11)
    pct = value_pct(SNAPSHOT, at, price)
    the_book = book(CONDOR, carried(price))
    assert fired(carry, the_book, SNAPSHOT, replace(BIG_EQUITY, carry_value_pct=pct), at=at)  # "40 % or less"
    assert fired(carry, the_book, SNAPSHOT, replace(BIG_EQUITY, carry_value_pct=pct - 1e-9), at=at) == []
    assert fired(carry, the_book, SNAPSHOT, at=on(24, 11)) == []  # 22 days left
    same_curve = curve(16.0)  # spot VIX moves, the layer's future (and so its value) does not
    assert fired(carry, the_book, market(vix=17.99, futures=same_curve), at=at)
    assert fired(carry, the_book, market(vix=18.0, futures=same_curve), at=at) == []  # "under the first threshold"


def test_carry_does_not_touch_a_layer_holding_its_value():
    assert fired(carry, book(CONDOR, carried(0.05)), SNAPSHOT, at=on(25, 11)) == []
