"""Prices within their bounds, through the command line: each bad input exits 2 with its one-line
message and leaves the database file byte-identical; a doubt (it depends on the stored quote)
names --force, and with --force the same command is kept."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_runner import runner_at, with_value

NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # a Monday, 12:00 ET
MARKET = ["market", "set", "--spx", "5900", "--vix", "19", "--future", "2026-12-16=19.2",
          "--future", "2027-01-20=19.8", "--future", "2027-02-17=20.3"]
CONDOR = ["condor", "add", "--expiry", "2026-12-22", "--strikes", "5400,5450,6300,6350", "--qty", "10",
          "--credit", "4.5", "--force"]  # the template's own fills are not under test
LAYER = ["layer", "add", "--tier", "near", "--kind", "vix-call", "--expiry", "2026-12-16", "--strikes", "22",
         "--qty", "20", "--price", "0.85"]
SPREAD = ["layer", "add", "--tier", "mid", "--kind", "vix-call-spread", "--expiry", "2027-01-20", "--strikes",
          "20,30", "--qty", "10", "--price", "2.1"]
PUT_SPREAD = ["layer", "add", "--tier", "long", "--kind", "spx-put-spread", "--expiry", "2027-03-19",
              "--strikes", "5300,4700", "--qty", "2", "--price", "40"]
VX = ["layer", "add", "--tier", "near", "--kind", "vix-future", "--expiry", "2026-12-16", "--qty", "1",
      "--price", "19.3"]
cli = runner_at(NOW)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A quote; condor 1 (10 of 50-wide wings); VIX call layer 2 (20 contracts)."""
    path = tmp_path_factory.mktemp("bounds") / "book.db"
    for argv in (MARKET, CONDOR, [*LAYER, "--force"]):
        code, _, err = cli(*argv, "--db", str(path))
        assert code == 0, err
    return path


@pytest.fixture
def db(template, tmp_path) -> Path:
    path = tmp_path / "book.db"
    shutil.copy(template, path)
    return path


REFUSED = [
    # hard bounds: whatever the market, refused
    (with_value(SPREAD, "--price", "12"),
     "price must be at most the spread's width 10 (a spread never pays more), got 12"),
    (with_value(with_value(PUT_SPREAD, "--strikes", "5300,4700"), "--price", "700"),
     "price must be at most the spread's width 600 (a spread never pays more), got 700"),
    (with_value(LAYER, "--price", "0"), "price must be greater than 0, got 0"),
    (with_value(CONDOR, "--credit", "0"), "credit must be greater than 0, got 0"),
    (with_value(CONDOR, "--credit", "50"), "credit must be less than the widest wing 50, got 50"),
    (["close", "1", "--price", "65"],
     "price must be at most the condor's widest wing 50 (a buy-back above it loses more than the max loss), got 65"),
    (["close", "1", "--price", "0"], "price must be greater than 0, got 0"),
    (["close", "2", "--price", "0.5", "--qty", "21"], "qty must be at most the 20 contracts held, got 21"),
    (["close", "2", "--price", "0.5", "--qty", "0"], "qty must be a whole number of contracts, at least 1, got 0"),
    (["roll", "2", "--close-price", "0", "--expiry", "2027-01-20", "--price", "1"],
     "close-price must be greater than 0, got 0"),
]

DOUBTED = [
    # bounds that depend on the stored quote, and quotes far from the last one: --force keeps them
    (with_value(LAYER, "--strikes", "15"), "price 0.85 is below the discounted intrinsic value 4.19"),
    (with_value(LAYER, "--price", "25"), "price 25 is above the discounted VX future 19.15"),
    (with_value(VX, "--price", "45"), "price 45 is more than 50 % from the stored VX future 19.20"),
    (with_value(CONDOR, "--credit", "49.9"), "credit 49.9 is"),
    (["close", "2", "--price", "9.5"], "price 9.5 is"),
    (with_value(MARKET, "--spx", "59000"), "spx 59000 is more than 20 % from the last quote 5,900.00"),
    (with_value(MARKET, "--vix", "500"), "vix 500 is outside 5 to 200"),
    (with_value(MARKET, "--vix", "60"), "vix 60 is 3 times or more away from the last quote 19.00"),
    (with_value(MARKET, "--future", "2026-12-16=45"), "future 2026-12-16 45 is more than 50 % from its neighbours"),
]


@pytest.mark.parametrize("argv,message", REFUSED, ids=[" ".join(a[:2] + a[-2:]) for a, _ in REFUSED])
def test_a_price_out_of_bounds_is_refused_and_nothing_changes(db, argv, message):
    before = db.read_bytes()
    code, out, err = cli(*[a for a in argv if a != "--force"], "--db", str(db))
    assert (code, out) == (2, ""), err
    assert err == f"error: {message}\n"
    assert db.read_bytes() == before
    code, _, err = cli(*argv, "--force", "--db", str(db))  # --force never overrides a hard bound
    assert code == 2 and message in err and db.read_bytes() == before


@pytest.mark.parametrize("argv,message", DOUBTED, ids=[" ".join(a[:2] + a[-2:]) for a, _ in DOUBTED])
def test_a_doubted_price_needs_force(db, argv, message):
    argv = [a for a in argv if a != "--force"]
    before = db.read_bytes()
    code, out, err = cli(*argv, "--db", str(db))
    assert (code, out) == (2, ""), err
    assert err.startswith(f"error: {message}") and err.rstrip().endswith("(add --force to keep it anyway)")
    assert err.count("\n") == 1 and db.read_bytes() == before
    code, _, err = cli(*argv, "--force", "--db", str(db))
    assert code == 0, err
    assert db.read_bytes() != before


def test_partial_close_keeps_the_rest_open_with_fees_pro_rata(db):
    import json

    code, out, err = cli("close", "2", "--price", "0.9", "--qty", "7", "--fees", "7.00", "--json", "--db", str(db))
    assert code == 0, err
    part = json.loads(out)
    assert (part["quantity"], part["status"], part["split_from"]) == (7, "closed", 2)
    code, out, _ = cli("list", "--all", "--json", "--db", str(db))
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows[2]["quantity"] == 13 and rows[2]["status"] == "open"
    assert part["realized_pnl"] == round((0.9 - 0.85) * 100 * 7 - 7.00, 2)
    code, out, _ = cli("list", "--all", "--db", str(db))
    assert code == 0 and "partial close of #2" in out


SETTINGS_REFUSED = [
    (["settings", "set", "near_share_pct", "70"],
     "near_share_pct breaks the rule: tier shares must add up to 100 % (now 130 %), got 70"),
    (["settings", "set", "coverage_low_pct", "70"],
     "coverage_low_pct breaks the rule: coverage floor ≤ target ≤ ceiling (now 70, 50, 60), got 70"),
    (["settings", "set", "mid_vix_threshold", "30"],
     "mid_vix_threshold breaks the rule: tier thresholds must rise from near to mid to long (now 18, 30, 28), "
     "got 30"),
    (["settings", "set", "near_share_pct", "50", "mid_share_pct"],
     "settings must be KEY VALUE pairs, got mid_share_pct"),
]


@pytest.mark.parametrize("argv,message", SETTINGS_REFUSED, ids=[a[2] + "-" + a[-1] for a, _ in SETTINGS_REFUSED])
def test_settings_that_disagree_are_refused(db, argv, message):
    before = db.read_bytes()
    code, out, err = cli(*argv, "--db", str(db))
    assert (code, out, err) == (2, "", f"error: {message}\n")
    assert db.read_bytes() == before


def test_tier_shares_change_together(db):
    code, out, err = cli("settings", "set", "near_share_pct", "50", "mid_share_pct", "30", "--db", str(db))
    assert code == 0, err
    assert "near_share_pct = 50" in out and "mid_share_pct = 30" in out


def test_importing_the_same_file_twice_adds_nothing(db, tmp_path):
    import json

    exported = tmp_path / "all.csv"
    assert cli("export", "--all", "--out", str(exported), "--db", str(db))[0] == 0
    fresh = tmp_path / "fresh.db"
    code, out, err = cli("import", str(exported), "--json", "--db", str(fresh))
    assert code == 0, err
    assert json.loads(out)["imported"] == 2 and json.loads(out)["skipped"] == []
    before = fresh.read_bytes()
    code, out, err = cli("import", str(exported), "--db", str(fresh))
    assert code == 0, err
    assert out.startswith(f"imported 0 positions from {exported}")
    assert "skipped 2 already in the book (the same trade: legs, quantity, price and time): #1, #2" in out
    assert fresh.read_bytes() == before
    code, out, _ = cli("import", str(exported), "--db", str(db))  # the book it came from: all there already
    assert code == 0 and "skipped 2" in out


def test_init_sets_the_account_and_a_book_without_it_says_so(tmp_path):
    bare, set_up = tmp_path / "bare.db", tmp_path / "set.db"
    code, out, _ = cli("init", "--db", str(bare))
    assert code == 0 and "account equity was never set" in out
    assert cli(*MARKET, "--db", str(bare))[0] == 0
    assert cli(*CONDOR, "--db", str(bare))[0] == 0
    for command in (["risk"], ["suggest"]):
        code, out, _ = cli(*command, "--db", str(bare))
        assert code == 0 and "account equity was never set" in out and "$100,000" in out
    code, out, err = cli("init", "--equity", "3000000", "--risk-cap-pct", "2", "--db", str(set_up))
    assert code == 0, err
    assert "account equity $3,000,000.00, risk cap 2 % of equity" in out
    assert cli(*MARKET, "--db", str(set_up))[0] == 0
    code, out, _ = cli("risk", "--db", str(set_up))
    assert code == 0 and "never set" not in out


@pytest.mark.parametrize("argv,message", [
    (["init", "--equity", "-5"], "equity must be at least 1 $, got -5"),
    (["init", "--equity", "abc"], "equity must be a number ($), got abc"),
    (["init", "--risk-cap-pct", "2"],
     "risk-cap-pct needs --equity too (the cap is a share of the account's equity), got 2"),
    (["init", "--equity", "100000", "--risk-cap-pct", "250"], "risk_cap_pct must be at most 100 % of equity, got 250"),
])
def test_init_refuses_a_bad_account(db, argv, message):
    before = db.read_bytes()
    assert cli(*argv, "--db", str(db)) == (2, "", f"error: {message}\n")
    assert db.read_bytes() == before
