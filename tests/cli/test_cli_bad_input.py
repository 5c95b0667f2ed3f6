"""Every bad input of issue 3: exit code 2, one line naming field, rule and value, database unchanged."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_runner import runner_at, with_value

from planner.storage import SCHEMA_VERSION

NOW = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)  # a Sunday
CONDOR = ["condor", "add", "--expiry", "2026-12-22", "--strikes", "5400,5450,6300,6350", "--qty", "10",
          "--credit", "4.5"]
LAYER = ["layer", "add", "--tier", "near", "--kind", "vix-call", "--expiry", "2026-12-16", "--strikes", "20",
         "--qty", "20", "--price", "0.85"]
cli = runner_at(NOW)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """Condor 1 open, condor 2 closed, layer 3 open protecting 1."""
    path = tmp_path_factory.mktemp("template") / "book.db"
    for argv in (CONDOR, CONDOR, ["close", "2", "--price", "1.0"], [*LAYER, "--protects", "1"]):
        code, _, err = cli(*argv, "--db", str(path))
        assert code == 0, err
    return path


def dump(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


BAD_CSV = "position_id,position_kind\n1,condor\n"
BAD_HISTORY = "DATE,OPEN,HIGH,LOW,CLOSE\n11/18/2026,17,17.5,16.8,17.1\n11/19/2026,17,17.5,16.8,abc\n"

CASES = [
    # strikes: order, count, equal, non-positive, not numbers
    (with_value(CONDOR, "--strikes", "5500,5400,6200,6300"),
     "strikes must satisfy K1 < K2 < K3 < K4, got 5500,5400,6200,6300"),
    (with_value(CONDOR, "--strikes", "5400,5450,6300"), "strikes must be four strikes K1,K2,K3,K4, got 5400,5450,6300"),
    (with_value(CONDOR, "--strikes", "5400,5400,6300,6350"),
     "strikes must satisfy K1 < K2 < K3 < K4, got 5400,5400,6300,6350"),
    (with_value(CONDOR, "--strikes", "0,5450,6300,6350"), "strikes must be greater than 0, got 0"),
    (with_value(CONDOR, "--strikes", "5400,abc,6300,6350"), "strikes must be a number, got abc"),
    (with_value(CONDOR, "--strikes", "5400,nan,6300,6350"), "strikes must be a finite number, got nan"),
    # non-positive, NaN, inf numbers
    (with_value(CONDOR, "--credit", "nan"), "credit must be a finite number, got nan"),
    (with_value(CONDOR, "--credit", "inf"), "credit must be a finite number, got inf"),
    (with_value(CONDOR, "--credit", "-1"), "credit must be greater than 0, got -1"),
    (with_value(CONDOR, "--credit", "0"), "credit must be greater than 0, got 0"),
    (with_value(LAYER, "--price", "-0.5"), "price must be greater than 0, got -0.5"),
    (with_value(LAYER, "--price", "inf"), "price must be a finite number, got inf"),
    ([*CONDOR, "--fees", "-5"], "fees must be 0 or more, got -5"),
    ([*CONDOR, "--fees", "1.234"], "fees must be whole cents (total dollars for the trade), got 1.234"),
    (["market", "set", "--spx", "-5900", "--vix", "16"], "spx must be greater than 0, got -5900"),
    (["market", "set", "--spx", "5900", "--vix", "nan"], "vix must be a finite number, got nan"),
    (["market", "set", "--spx", "5900", "--vix", "16", "--rate", "4.5"],
     "rate must be a decimal (type 0.045 for 4.5 %), got 4.5"),
    (["market", "set", "--spx", "5900", "--vix", "16", "--future", "2026-12-16:17.4"],
     "future must be YYYY-MM-DD=PRICE, got 2026-12-16:17.4"),
    (["market", "set", "--spx", "5900", "--vix", "16", "--future", "2026-12-16=0"],
     "future 2026-12-16 must be greater than 0, got 0"),
    # quantity zero or fractional
    (with_value(CONDOR, "--qty", "0"), "qty must be a whole number of contracts, at least 1, got 0"),
    (with_value(CONDOR, "--qty", "1.5"), "qty must be a whole number of contracts, at least 1, got 1.5"),
    (with_value(LAYER, "--qty", "-3"), "qty must be a whole number of contracts, at least 1, got -3"),
    # credit outside 0 < C < widest wing
    (with_value(CONDOR, "--credit", "50"), "credit must be less than the widest wing 50, got 50"),
    (with_value(CONDOR, "--credit", "75.5"), "credit must be less than the widest wing 50, got 75.5"),
    # not a listed expiry for the instrument, naming the nearest listed ones
    (with_value(CONDOR, "--expiry", "2026-12-19"),
     "expiry must be a listed SPXW (PM, daily) expiry (nearest listed: 2026-12-18, 2026-12-21), got 2026-12-19"),
    (with_value(CONDOR, "--expiry", "2026-12-25"),
     "expiry must be a listed SPXW (PM, daily) expiry (nearest listed: 2026-12-24, 2026-12-28), got 2026-12-25"),
    ([*CONDOR, "--settlement", "AM"],
     "expiry must be a monthly (third-Friday) expiry for AM settlement (nearest: 2026-12-18, 2027-01-15), "
     "got 2026-12-22"),
    (with_value(LAYER, "--expiry", "2026-12-18"),
     "expiry must be a listed VIX expiry (nearest listed: 2026-12-16, 2027-01-20), got 2026-12-18"),
    (["market", "set", "--spx", "5900", "--vix", "16", "--future", "2026-12-17=17.4"],
     "future must be a listed VIX expiry (nearest listed: 2026-12-16, 2027-01-20), got 2026-12-17"),
    (with_value(CONDOR, "--expiry", "12/22/2026"), "expiry must be a date YYYY-MM-DD, got 12/22/2026"),
    ([*CONDOR, "--settlement", "EOD"], "settlement must be AM or PM, got EOD"),
    # an expiry before the open date
    (with_value(CONDOR, "--expiry", "2026-11-20"),
     "expiry must not be before the open date 2026-11-22, got 2026-11-20"),
    ([*with_value(CONDOR, "--expiry", "2026-11-18"), "--opened", "2026-11-19"],
     "expiry must not be before the open date 2026-11-19, got 2026-11-18"),
    ([*CONDOR, "--opened", "2026-12-01T10:00"], "opened must not be in the future"),
    # a spread in the wrong order
    ([*with_value(with_value(LAYER, "--kind", "vix-call-spread"), "--strikes", "30,20")],
     "strikes must list the long (lower) call strike first for a VIX call spread, got 30,20"),
    ([*with_value(with_value(with_value(LAYER, "--kind", "spx-put-spread"), "--strikes", "4600,4800"), "--expiry",
               "2027-01-15")],
     "strikes must list the long (higher) put strike first for an SPX put spread, got 4600,4800"),
    (with_value(with_value(LAYER, "--kind", "vix-call-spread"), "--strikes", "20"),
     "strikes must be 2 strike(s) for vix-call-spread, got 20"),
    (with_value(LAYER, "--kind", "vix-future"), "strikes must be empty for a VIX future, got 20"),
    # unknown tiers, kinds, ids, keys
    (with_value(LAYER, "--tier", "huge"), "tier must be one of near|mid|long, got huge"),
    (with_value(LAYER, "--kind", "vix-put"), "kind must be one of vix-call|vix-call-spread|vix-future|spx-put-spread, "
                                          "got vix-put"),
    (["close", "99", "--price", "1"], "position 99 does not exist"),
    (["close", "abc", "--price", "1"], "id must be a position number (see 'planner list'), got abc"),
    (["roll", "42", "--close-price", "1", "--expiry", "2027-01-20", "--price", "1"], "position 42 does not exist"),
    ([*LAYER, "--protects", "99"], "position 99 does not exist"),
    ([*LAYER, "--protects", "3"], "protects must name condors, not hedge layers, got 3"),
    ([*LAYER, "--protects", "1,x"], "protects must be position numbers separated by commas, got 1,x"),
    (["roll", "1", "--close-price", "1", "--expiry", "2027-01-20", "--price", "1"],
     "id must be a hedge layer to roll (close a condor and add a new one), got 1"),
    (["settings", "set", "no_such_key", "1"], "setting no_such_key does not exist"),
    (["settings", "set", "equity", "abc"], "equity must be a number ($), got abc"),
    (["settings", "set", "near_min_days", "2.5"], "near_min_days must be a whole number (days), got 2.5"),
    # closing a closed position
    (["close", "2", "--price", "1"], "position 2 must be open to close it, got status closed"),
    (["roll", "2", "--close-price", "1", "--expiry", "2027-01-20", "--price", "1"],
     "position 2 must be open to roll it, got status closed"),
    # usage errors from argparse
    (["condor", "add", "--expiry", "2026-12-22"], "the following arguments are required: --strikes, --qty, --credit"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["list", "--colour"], "unrecognized arguments: --colour"),
]


@pytest.mark.parametrize(("argv", "message"), CASES, ids=[" ".join(a)[:60] for a, _ in CASES])
def test_bad_input_exits_2_with_one_line_and_changes_nothing(template, tmp_path, argv, message):
    db = tmp_path / "book.db"
    shutil.copy(template, db)
    before = dump(db)
    code, out, err = cli(*argv, "--db", str(db), "--json")
    assert code == 2
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert message in err
    assert "Traceback" not in err
    assert dump(db) == before


@pytest.mark.parametrize(
    ("name", "content", "command", "message"),
    [
        ("export.csv", BAD_CSV, "import", "export.csv line 1 must have the columns of 'planner export', got missing"),
        ("VIX_History.csv", BAD_HISTORY, "history",
         "VIX_History.csv line 3, column 5 (CLOSE) must be a number, got abc"),
        ("VIX_History.csv", "DATE,OPEN,HIGH,LOW,CLOSE\n2026/11/18,1,1,1,17\n", "history",
         "VIX_History.csv line 2, column 1 (DATE) must be a date MM/DD/YYYY or YYYY-MM-DD, got 2026/11/18"),
        ("prices.csv", "date,symbol,close\n2026-11-18,VIX,17.1\n2026-11-19,VIX\n", "history",
         "prices.csv line 3 must have 3 columns like the header, got 2"),
        ("prices.csv", "when,what\n1,2\n", "history",
         "prices.csv line 1 must have a header such as DATE,OPEN,HIGH,LOW,CLOSE (Cboe)"),
        ("binary.csv", "\x00\x01\x02", "import", "binary.csv line 1 must be text (found a NUL byte)"),
    ],
)
def test_malformed_csv_names_line_and_column(template, tmp_path, name, content, command, message):
    db = tmp_path / "book.db"
    shutil.copy(template, db)
    before = dump(db)
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    argv = ["history", "import", str(path)] if command == "history" else ["import", str(path)]
    code, out, err = cli(*argv, "--db", str(db))
    assert (code, out) == (2, "")
    assert message in err and err.count("\n") == 1
    assert dump(db) == before


@pytest.mark.parametrize("command", ["import", "history"])
def test_unreadable_csv(template, tmp_path, command):
    db = tmp_path / "book.db"
    shutil.copy(template, db)
    before = dump(db)
    missing = tmp_path / "missing.csv"
    argv = ["history", "import", str(missing)] if command == "history" else ["import", str(missing)]
    code, _, err = cli(*argv, "--db", str(db))
    assert code == 2
    assert f"file must be a readable file (No such file or directory), got {missing}" in err
    assert dump(db) == before


def test_a_file_that_is_not_a_database_is_left_byte_identical(tmp_path):
    notes = tmp_path / "notes.txt"
    content = b"my trading diary\n=SUM(A1)\n" * 100
    notes.write_bytes(content)
    for argv in (["list"], CONDOR, ["init", "--demo"], ["undo"]):
        code, out, err = cli(*argv, "--db", str(notes))
        assert code == 2 and out == ""
        assert f"db must be a planner database (SQLite), not another kind of file (left untouched), got {notes}" in err
    assert notes.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_database_from_a_newer_schema_is_refused(template, tmp_path):
    db = tmp_path / "newer.db"
    shutil.copy(template, db)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    code, out, err = cli("list", "--db", str(db))
    assert code == 2 and out == ""
    assert (f"db must have schema version {SCHEMA_VERSION} or older (written by a newer planner; update the planner), "
            "got version 99") in err
    assert db.read_bytes() == before


def test_other_failures_exit_1_without_traceback(tmp_path, monkeypatch):
    import planner.cli as cli_module

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(cli_module, "execute", broken)
    code, out, err = cli("list", "--db", str(tmp_path / "x.db"))
    assert code == 1 and out == ""
    assert err == "error: OperationalError: disk I/O error\n"
