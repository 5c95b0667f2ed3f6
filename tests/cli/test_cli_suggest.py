"""`planner suggest`: the end-to-end path of issue 5, decisions and bad input, through the command line."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from cli_runner import json_of, runner_at

from planner import calendars

NOW = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)  # Monday 14:00 ET
TODAY = NOW.astimezone(calendars.ET).date()
cli = runner_at(NOW)


@pytest.fixture
def spiked(tmp_path):
    """The demo book (mid tier empty) after VIX moves from 16 to 24."""
    db = tmp_path / "demo.db"
    assert cli("init", "--demo", db=db)[0] == 0
    assert json_of(cli, "risk", db=db)["vix"] == 16
    json_of(cli, "market", "set", "--spx", "5900", "--vix", "24", db=db)
    return db


def test_vix_16_to_24_proposes_a_sized_mid_call_and_accepting_it_records_the_layer(spiked):
    # suggest --json proposes the mid tier: a VIX call on the listed expiry nearest 37 days out.
    items = json_of(cli, "suggest", db=spiked)
    for item in items:
        assert set(item) == {"id", "rule", "action", "severity", "tier", "targets", "proposal", "reason", "reasons",
                             "figures"}
    [mid] = [i for i in items if i["action"] == "ADD" and i["tier"] == "mid"]
    trade = mid["proposal"]
    listed = calendars.vix_expirations(TODAY, TODAY + timedelta(days=120))
    near = next(e for e in listed if (e - TODAY).days >= 14)
    nearest_37 = min((e for e in listed if e > near), key=lambda e: abs((e - TODAY).days - 37))  # later than near
    assert trade["instrument"] == "vix-call" and trade["expiry"] == nearest_37.isoformat()
    # The snapshot lists no futures: the VX curve model F(T) = 20 (24 / 20) ** exp(-5.4 T) (VIX above its
    # mean of 20: the spike pull), the strike 20 % above it.
    years = calendars.time_to_expiry(NOW, nearest_37, "AM")
    future = 20 * (24 / 20) ** math.exp(-5.4 * years)
    assert trade["future_pts"] == pytest.approx(future)
    assert trade["strikes"] == [float(math.floor(future * 1.2 + 0.5))]
    # Sized: 50 % coverage x |condor vega| x the mid share (40 % of the 80 % that near and mid, the tiers active
    # at VIX 24, hold), over one contract's protection, rounded down.
    exposure = json_of(cli, "risk", db=spiked)["condor_exposure_usd"]
    figures = mid["figures"]
    assert figures["tier_target_usd"] == pytest.approx(0.5 * abs(exposure) * 0.50, rel=1e-9)
    assert figures["tier_protection_usd"] == 0
    assert trade["quantity"] == math.floor(figures["tier_target_usd"] / figures["protection_per_contract_usd"])
    assert trade["quantity"] >= 1 and trade["cost_usd"] == pytest.approx(trade["price_pts"] * 100 * trade["quantity"])
    assert "24.00 pts" in mid["reason"] and "22 pts threshold" in mid["reason"]

    # accept records a layer whose legs match the proposal, at the trader's price.
    accepted = json_of(cli, "suggest", "accept", mid["id"], "--price", "0.70", db=spiked)
    assert accepted["decision"]["decision"] == "accept" and accepted["decision"]["suggestion_id"] == mid["id"]
    [layer] = accepted["positions"]
    assert (layer["kind"], layer["tier"], layer["layer_kind"]) == ("layer", "mid", "vix-call")
    assert (layer["quantity"], layer["open_price"], layer["expiry"]) == (trade["quantity"], 0.70, trade["expiry"])
    [leg] = layer["legs"]
    assert (leg["instrument"], leg["right"], leg["strike"], leg["quantity"], leg["expiry"]) == (
        "vix-option", "C", trade["strikes"][0], trade["quantity"], trade["expiry"])
    listed_now = json_of(cli, "list", db=spiked)
    assert layer["id"] in [p["id"] for p in listed_now if p["tier"] == "mid"]

    # ... and the suggestion is gone; the history keeps the decision.
    after = json_of(cli, "suggest", db=spiked)
    assert mid["id"] not in [i["id"] for i in after]
    assert not [i for i in after if i["action"] == "ADD" and i["tier"] == "mid"]
    [decision] = json_of(cli, "suggest", "history", db=spiked)
    assert decision["suggestion_id"] == mid["id"] and decision["figures"]["position_ids"] == [layer["id"]]
    assert decision["figures"]["fill_price_pts"] == 0.70


def test_dismiss_and_snooze_keep_suggestions_quiet_and_are_listed(spiked):
    items = json_of(cli, "suggest", db=spiked)
    # The ladder's id is tied to the VIX band alone, so the snoozed one is the same suggestion three days on
    # (the coverage one's id follows its coverage band, which the days to expiry move).
    [ladder] = [i["id"] for i in items if i["rule"] == "ladder"]
    first, second = next(i["id"] for i in items if i["id"] != ladder), ladder
    code, out, _ = cli("suggest", "dismiss", first[:6], "--why", "sized by hand", db=spiked)
    assert code == 0 and out.strip() == f"dismissed {first}"
    until = (TODAY + timedelta(days=3)).isoformat()
    assert json_of(cli, "suggest", "snooze", second, "--until", until, db=spiked)["until"].startswith(until)
    shown = [i["id"] for i in json_of(cli, "suggest", db=spiked)]
    assert first not in shown and second not in shown
    later = NOW + timedelta(days=3, hours=1)
    assert second in [i["id"] for i in json_of(cli, "suggest", db=spiked, now=later)]
    code, out, _ = cli("suggest", "history", db=spiked)
    assert code == 0 and "dismiss" in out and "sized by hand" in out and f"until {until}" in out
    text = cli("suggest", db=spiked)[1]
    assert "kept quiet by earlier decisions" in text


@pytest.mark.parametrize(("argv", "message"), [
    (["suggest", "accept", "ffffffffffff", "--price", "1"],
     "error: suggestion ffffffffffff does not exist; run 'planner suggest' for the current list"),
    (["suggest", "dismiss", "ff"], "error: suggestion ff does not exist; run 'planner suggest' for the current list"),
    (["suggest", "snooze", "ffffffffffff", "--until", "2026-11-20"],
     "error: until must be a date after today (2026-11-23), got 2026-11-20"),
    (["suggest", "snooze", "ffffffffffff", "--until", "soon"], "error: until must be a date YYYY-MM-DD, got soon"),
])
def test_bad_input_exits_2_with_one_line_and_changes_nothing(spiked, argv, message):
    code, out, err = cli(*argv, db=spiked)
    assert (code, out, err.strip()) == (2, "", message)
    assert json_of(cli, "suggest", "history", db=spiked) == []


def test_accepting_a_trade_needs_a_price_and_no_snapshot_is_explained(spiked, tmp_path):
    mid = next(i for i in json_of(cli, "suggest", db=spiked) if i["action"] == "ADD")
    code, _, err = cli("suggest", "accept", mid["id"], db=spiked)
    assert (code, err.strip()) == (2, "error: price is required to accept a trade: the fill price per unit, points, "
                                      "got none")
    code, _, err = cli("suggest", "accept", mid["id"], "--price", "-1", db=spiked)
    assert (code, err.strip()) == (2, "error: price must be 0 or more, got -1")
    code, _, err = cli("suggest", "accept", mid["id"], "--price", "1", "--qty", "0", db=spiked)
    assert (code, err.strip()) == (2, "error: qty must be a whole number of contracts, at least 1, got 0")
    assert json_of(cli, "suggest", "history", db=spiked) == []
    code, _, err = cli("suggest", db=tmp_path / "empty.db")
    assert code == 2 and "no market snapshot yet" in err
