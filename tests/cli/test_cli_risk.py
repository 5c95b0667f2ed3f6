"""`planner risk` and the export's risk columns, through the command line."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import UTC, datetime

import pytest
from cli_runner import runner_at

NOW = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)  # Monday 14:00 ET
cli = runner_at(NOW)


@pytest.fixture
def demo(tmp_path):
    db = tmp_path / "demo.db"
    assert cli("init", "--demo", db=db)[0] == 0
    return db


def test_risk_json_is_the_documented_contract(demo):
    code, out, err = cli("risk", "--json", db=demo)
    assert (code, err) == (0, "")
    report = json.loads(out)
    for key in ("asof", "totals", "positions", "break_evens", "coverage_pct", "risk_used_pct", "curves", "matrix",
                "stress"):
        assert key in report
    assert len(report["curves"]["spx"]) == 401
    assert len(report["matrix"]["spx_moves_pct"]) == 101 and len(report["matrix"]["vix_levels"]) == 62
    condor = next(p for p in report["positions"] if p["kind"] == "condor")
    for key in ("id", "mark", "pnl", "delta_spx_usd", "gamma_usd", "vega_usd", "theta_usd", "break_evens",
                "max_loss"):
        assert key in condor
    # Totals are the sum of the positions.
    assert report["totals"]["book"]["pnl_usd"] == pytest.approx(sum(p["pnl"] for p in report["positions"]))


def test_what_if_levels_never_touch_the_stored_snapshot(demo):
    before = hashlib.sha256(demo.read_bytes()).hexdigest()
    code, out, _ = cli("risk", "--json", "--spx", "5600", db=demo)
    assert code == 0
    moved = json.loads(out)
    assert moved["spx"] == 5600 and moved["vix"] > 16  # VIX follows the spot-vol model down-move
    code, out, _ = cli("risk", "--json", "--spx", "5600", "--vix", "30", db=demo)
    assert json.loads(out)["vix"] == 30
    assert hashlib.sha256(demo.read_bytes()).hexdigest() == before
    assert json.loads(cli("risk", "--json", db=demo)[1])["spx"] == 5900


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--spx", "abc"), "spx must be a number, got abc"),
        (("--vix", "-3"), "vix must be greater than 0, got -3"),
        (("--days", "-1"), "days must be 0 or more, got -1"),
        (("--days", "5000"), "days must be between 0 and 3650 calendar days, got 5000"),
        (("--at", "yesterday"), "at must be a date or date-time"),
    ],
)
def test_bad_risk_input_is_one_line_and_exit_2(demo, args, message):
    code, out, err = cli("risk", *args, db=demo)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1


def test_risk_without_a_snapshot_says_what_to_do(tmp_path):
    db = tmp_path / "empty.db"
    code, _, err = cli("risk", db=db)
    assert code == 2 and "planner market set" in err


def test_text_summary_carries_units(demo):
    code, out, _ = cli("risk", db=demo)
    assert code == 0
    assert "$/SPX pt" in out and "per vol pt" in out and "coverage" in out and "of equity" in out
    assert "Black Monday 1987" in out
    assert "risk used" in out and ", worst " in out  # the scenario that sets it
    code, out, _ = cli("risk", "--spx", "5400", "--over", "5", db=demo)
    assert code == 0 and "the move's VIX band" in out.splitlines()[0]


def test_export_gains_mark_pnl_and_greeks_and_still_round_trips(demo, tmp_path):
    out_file = tmp_path / "report.csv"
    assert cli("export", "--out", str(out_file), db=demo)[0] == 0
    rows = list(csv.DictReader(out_file.open(encoding="utf-8")))
    for column in ("value_pts", "leg_pnl_usd", "delta_usd_per_spx_pt", "vega_usd_per_vol_pt", "theta_usd_per_day"):
        assert column in rows[0]
    risk = json.loads(cli("risk", "--json", db=demo)[1])
    legs = {(p["id"], i): leg for p in risk["positions"] for i, leg in enumerate(p["legs"])}
    for row in rows:
        leg = legs[(int(row["position_id"]), int(row["leg_seq"]))]
        assert float(row["value_pts"]) == pytest.approx(leg["mark"], abs=5e-5)  # prices to 0.0001
        assert float(row["vega_usd_per_vol_pt"]) == pytest.approx(leg["vega_usd"], abs=5e-3)  # money to the cent
    # The export is still importable: into a fresh book, the same legs come back.
    fresh = tmp_path / "fresh.db"
    assert cli("init", db=fresh)[0] == 0
    code, _, err = cli("import", str(out_file), db=fresh)
    assert code == 0, err
    listed = json.loads(cli("list", "--json", db=fresh)[1])
    assert sum(len(p["legs"]) for p in listed) == len(rows)


def test_a_what_if_move_over_n_sessions_has_its_vix_band_and_each_curve_its_vix_path(demo):
    one = json.loads(cli("risk", "--json", "--spx", "5400", db=demo)[1])
    month = json.loads(cli("risk", "--json", "--spx", "5400", "--over", "21", db=demo)[1])
    for report in (one, month):
        low, high = report["vix_band"]
        assert low < report["vix"] < high
        for key in ("vix", "vix_horizon", "vix_expiry"):
            assert len(report["curves"][key]) == len(report["curves"]["spx"])
    assert month["vix"] < one["vix"]  # the same fall over a month lifts VIX less than in a day
    assert one["asof"].startswith("2026-11-24") and month["asof"].startswith("2026-12-23")  # valued N sessions on
    assert one["vix"] < 80  # SPX -8.5 % in a session from VIX 16: nowhere near the old model's cap
    plain = json.loads(cli("risk", "--json", db=demo)[1])
    assert plain["vix_band"] is None and plain["risk_used_scenario"]["spx_move_pct"] is not None


@pytest.mark.parametrize("over", ["-1", "nan", "inf", "abc", "2.5"])
def test_a_bad_over_exits_2_naming_the_field_and_changes_nothing(demo, over):
    before = hashlib.sha256(demo.read_bytes()).hexdigest()
    code, out, err = cli("risk", "--spx", "5400", "--over", over, db=demo)
    assert code == 2 and out == "" and "over must be" in err and err.count("\n") == 1
    assert hashlib.sha256(demo.read_bytes()).hexdigest() == before


def test_the_model_alone_on_a_book_with_no_positions(tmp_path):
    db = tmp_path / "empty.db"
    assert cli("init", db=db)[0] == 0
    assert cli("market", "set", "--spx", "6000", "--vix", "16.5", db=db)[0] == 0
    code, out, err = cli("risk", "--json", "--spx", "5400", "--over", "1", db=db)
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert 16.5 < report["vix"] < 80 and report["vix_band"][0] < report["vix"] < report["vix_band"][1]
    assert report["positions"] == [] and report["risk_used_pct"] is None


def test_a_vx_future_is_worth_its_gain_with_its_notional_apart_and_exports_no_iv(demo, tmp_path):
    code, _, err = cli("layer", "add", "--tier", "near", "--kind", "vix-future", "--expiry", "2027-01-20",
                       "--qty", "2", "--price", "17.00", db=demo)
    assert code == 0, err
    report = json.loads(cli("risk", "--json", db=demo)[1])
    future = next(p for p in report["positions"] if p["layer_kind"] == "vix-future")
    assert future["value_usd"] == pytest.approx((future["mark"] - 17.0) * 1000 * 2)
    assert future["notional_usd"] == pytest.approx(future["mark"] * 1000 * 2)
    assert future["pnl"] == pytest.approx(future["value_usd"])  # no fees: P&L since entry
    out_file = tmp_path / "report.csv"
    assert cli("export", "--out", str(out_file), db=demo)[0] == 0
    rows = [r for r in csv.DictReader(out_file.open(encoding="utf-8")) if r["position_id"] == str(future["id"])]
    assert rows and rows[0]["iv_used_decimal"] == "" and "nan" not in out_file.read_text().lower()
