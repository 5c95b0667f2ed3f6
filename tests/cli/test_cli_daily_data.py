"""`planner history import`, `planner settlement` and the risk notes on futures taken from stored VX history."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from cli_runner import json_of, runner_at

NOW = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)  # Monday 14:00 ET
cli = runner_at(NOW)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "book.db"
    json_of(cli, "market", "set", "--spx", "6600", "--vix", "17", "--future", "2026-12-16=18.1",
             "--asof", "2026-11-23T10:00", db=path)
    json_of(cli, "layer", "add", "--tier", "mid", "--kind", "vix-future", "--expiry", "2027-01-20", "--qty", "1",
             "--price", "19.5", "--opened", "2026-11-23T10:00", db=path)
    return path


def vx_file(tmp_path, rows: str):
    path = tmp_path / "VX_2027-01-20.csv"
    path.write_text("CFE data is compiled for the convenience of site visitors.\n"
                    "Trade Date,Futures,Open,High,Low,Close,Settle,Change,Total Volume,EFP,Open Interest\n" + rows,
                    encoding="utf-8")
    return path


def test_risk_notes_a_future_estimated_from_stored_history(db, tmp_path):
    before = json_of(cli, "risk", "--json", db=db)
    assert before["notes"] == ["Some VIX futures are not in the snapshot's curve: estimated from the term structure."]
    rows = "2026-11-19,F (Jan 2027),0,0,0,0,19.70,0,0,0,0\n2026-11-20,F (Jan 2027),0,0,0,0,19.85,0,0,0,0\n"
    imported = json_of(cli, "history", "import", str(vx_file(tmp_path, rows)), db=db)
    assert imported["symbols"] == ["VX 2027-01-20"]
    after = json_of(cli, "risk", "--json", db=db)
    assert after["notes"] == ["VX 2027-01-20 is not in the quote: estimated from stored history, its Cboe settlement "
                              "of 2026-11-20 (19.85)."]
    layer = after["positions"][0]
    assert layer["mark"] == pytest.approx(19.85)
    assert layer["pnl"] == pytest.approx((19.85 - 19.5) * 1000)


def test_stale_stored_settlements_are_not_used(db, tmp_path):
    json_of(cli, "history", "import", str(vx_file(tmp_path, "2026-11-10,F (Jan 2027),0,0,0,0,19.85,0,0,0,0\n")), db=db)
    notes = json_of(cli, "risk", "--json", db=db)["notes"]
    assert notes == ["Some VIX futures are not in the snapshot's curve: estimated from the term structure."]
    json_of(cli, "settings", "set", "vx_settle_max_age_days", "14", db=db)
    assert "settlement of 2026-11-10 (19.85)" in json_of(cli, "risk", "--json", db=db)["notes"][0]


def test_settlement_set_and_list(db):
    assert json_of(cli, "settlement", "set", "2026-11-20", "vro", "16.95", db=db) == {
        "date": "2026-11-20", "symbol": "VRO", "value": 16.95, "origin": "typed"}
    code, out, _ = cli("settlement", "list", db=db)
    assert (code, out) == (0, "2026-11-20  VRO       16.95  typed\n")
    assert cli("undo", db=db)[1].startswith("undid: settlement VRO 2026-11-20 = 16.95 (made ")
    assert json_of(cli, "settlement", db=db) == []


@pytest.mark.parametrize(("args", "message"), [
    (("2026-11-20", "VIX", "16"), "error: symbol must be SET (SPX AM settlement) or VRO (VIX settlement), got VIX\n"),
    (("2026-11-31", "SET", "6430"), "error: date must be a date YYYY-MM-DD, got 2026-11-31\n"),
    (("2026-11-20", "SET", "-1"), "error: value must be"),
    (("2026-11-24", "SET", "6430"), "error: date must not be after today (2026-11-23), got 2026-11-24\n"),
])
def test_bad_settlement_values_exit_2_and_change_nothing(db, args, message):
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    code, out, err = cli("settlement", "set", *args, db=db)
    assert (code, out) == (2, "") and err.startswith(message) and err.count("\n") == 1
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest


def test_conflicts_are_skipped_and_reported_then_replaced_on_request(db, tmp_path):
    json_of(cli, "settlement", "set", "2026-11-20", "SET", "6430", db=db)
    values = tmp_path / "values.csv"
    values.write_text("date,symbol,value\n2026-11-20,SET,6431.5\n2026-11-20,VRO,16.95\n", encoding="utf-8")
    code, out, _ = cli("history", "import", str(values), db=db)
    assert code == 0 and out.splitlines() == [
        "imported 2 rows of SET (settlement value), VRO (settlement value) (2026-11-20 to 2026-11-20): 1 new, "
        "0 updated",
        "skipped 1 values that differ from stored ones (--replace to replace them):",
        "  SET 2026-11-20: stored 6430 (typed), values.csv line 2 has 6431.5"]
    replaced = json_of(cli, "history", "import", str(values), "--replace", db=db)
    assert replaced["replaced_conflicts"][0]["file_value"] == "6431.5" and replaced["kept_conflicts"] == []
    assert json_of(cli, "settlement", "list", db=db)[0] == {"date": "2026-11-20", "symbol": "SET", "value": 6431.5,
                                                        "origin": "file"}


def test_malformed_file_exits_2_naming_line_and_column(db, tmp_path):
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    bad = vx_file(tmp_path, "2026-11-20,F (Jan 2027),0,0,0,0,x,0,0,0,0\n")
    code, out, err = cli("history", "import", str(bad), db=db)
    assert (code, out) == (2, "")
    assert err == "error: VX_2027-01-20.csv line 3, column 7 (Settle) must be a number, zero or more, got x\n"
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest


def test_settlement_log_shows_how_a_position_was_settled(db, tmp_path):
    layer = json_of(cli, "layer", "add", "--tier", "near", "--kind", "vix-call", "--expiry", "2026-11-18", "--strikes",
                     "16", "--qty", "2", "--price", "1.1", "--opened", "2026-11-10T10:00", db=db)
    vix = tmp_path / "VIX_History.csv"
    vix.write_text("DATE,OPEN,HIGH,LOW,CLOSE\n11/18/2026,17.40,18.00,16.90,17.10\n", encoding="utf-8")
    json_of(cli, "history", "import", str(vix), db=db)
    json_of(cli, "settlement", "set", "2026-11-18", "VRO", "17.62", db=db)
    log = json_of(cli, "settlement", "log", str(layer["id"]), db=db)
    assert [(r["close_price"], r["estimated"], r["basis"]) for r in log] == [
        (pytest.approx(1.4), True, "VIX open 17.4 (estimate)"), (pytest.approx(1.62), False, "VRO 17.62 (typed)")]
    assert cli("settlement", "log", "999", db=db)[1] == "position 999 has not been settled\n"


def test_two_files_disagreeing_keep_the_first_and_report_the_other(db, tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("date,symbol,value\n2026-11-20,SET,6430\n", encoding="utf-8")
    second.write_text("date,symbol,value\n2026-11-20,SET,6431.5\n2026-11-20,VRO,16.95\n", encoding="utf-8")
    code, out, err = cli("history", "import", str(first), str(second), db=db)
    assert (code, err) == (0, "") and out.splitlines()[1:] == [
        "skipped 1 values that differ from stored ones or an earlier file's (--replace to replace them):",
        "  SET 2026-11-20: a.csv line 2 has 6430, b.csv line 2 has 6431.5"]
    assert json_of(cli, "settlement", "list", db=db)[0]["value"] == 6430
    json_of(cli, "undo", db=db)
    replaced = json_of(cli, "history", "import", str(first), str(second), "--replace", db=db)
    assert replaced["replaced_conflicts"][0]["first_file_line"] == "a.csv line 2"
    assert json_of(cli, "settlement", "list", db=db)[0]["value"] == 6431.5
