"""One validation for every way in: an imported position passes the checks of a typed one.

A CSV with a three- or five-legged condor was once accepted (exit 0), after which `planner export`
and `planner risk` failed on every run with "not enough values to unpack".
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_runner import runner_at

NOW = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
CONDOR = ["condor", "add", "--expiry", "2026-12-22", "--strikes", "5400,5450,6300,6350", "--qty", "10",
          "--credit", "4.5", "--note", "first"]
SPREAD = ["layer", "add", "--tier", "mid", "--kind", "vix-call-spread", "--expiry", "2027-01-20", "--strikes",
          "20,30", "--qty", "5", "--price", "1.2"]
MARKET = ["market", "set", "--spx", "5900", "--vix", "16.5"]
cli = runner_at(NOW)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> list[dict[str, str]]:
    folder = tmp_path_factory.mktemp("source")
    book = folder / "source.db"
    for argv in (MARKET, CONDOR, SPREAD):
        code, _, err = cli(*argv, "--db", str(book))
        assert code == 0, err
    code, _, err = cli("export", "--all", "--out", str(folder / "all.csv"), "--db", str(book))
    assert code == 0, err
    with open(folder / "all.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def target(tmp_path) -> Path:
    book = tmp_path / "target.db"
    code, _, err = cli(*MARKET, "--db", str(book))
    assert code == 0, err
    return book


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.name.endswith(".csv")}


def condor_rows(rows):
    return [dict(r) for r in rows if r["position_kind"] == "condor"]


def spread_rows(rows):
    return [dict(r) for r in rows if r["position_kind"] == "layer"]


def three_legs(rows):
    return condor_rows(rows)[:3]


def five_legs(rows):
    legs = condor_rows(rows)
    return [*legs, {**legs[3], "leg_seq": "4"}]


def strikes_out_of_order(rows):
    legs = condor_rows(rows)
    legs[0]["strike_pts"], legs[1]["strike_pts"] = legs[1]["strike_pts"], legs[0]["strike_pts"]
    return legs


def wrong_leg_quantity(rows):
    legs = condor_rows(rows)
    legs[2]["leg_qty"] = "-9"
    return legs


def put_instead_of_call(rows):
    legs = condor_rows(rows)
    legs[3]["right"] = "P"
    return legs


def spread_reversed(rows):
    legs = spread_rows(rows)
    legs[0]["strike_pts"], legs[1]["strike_pts"] = legs[1]["strike_pts"], legs[0]["strike_pts"]
    return legs


def credit_above_width(rows):
    legs = condor_rows(rows)
    for leg in legs:
        leg["position_open_price_pts"] = "75"
    return legs


def huge_price(rows):
    legs = condor_rows(rows)
    legs[1]["mark_pts"] = "1e300"
    return legs


def long_note(rows):
    legs = condor_rows(rows)
    for leg in legs:
        leg["note"] = "x" * 3000
    return legs


def unlisted_expiry(rows):
    legs = condor_rows(rows)
    for leg in legs:
        leg["expiry"] = "2026-12-26"  # a Saturday
    return legs


def seq_gap(rows):
    legs = condor_rows(rows)
    legs[3]["leg_seq"] = "7"
    return legs


CASES = [
    (three_legs, "leg_seq", "must be four"),
    (five_legs, "leg_seq", "must be four"),
    (strikes_out_of_order, "strike_pts", "K1 < K2 < K3 < K4"),
    (wrong_leg_quantity, "instrument", "leg 2 must be"),
    (put_instead_of_call, "instrument", "leg 3 must be"),
    (spread_reversed, "strike_pts", "long (lower) call strike first"),
    (credit_above_width, "position_open_price_pts", "less than the widest wing"),
    (huge_price, "mark_pts", "must be less than"),
    (long_note, "note", "at most 2000 characters"),
    (unlisted_expiry, "expiry", "listed"),
    (seq_gap, "leg_seq", "must number the position's legs"),
]


@pytest.mark.parametrize(("mutate", "column", "rule"), CASES, ids=[c[0].__name__ for c in CASES])
def test_a_file_with_one_bad_position_is_refused_whole(exported, target, tmp_path, mutate, column, rule):
    good = spread_rows(exported) if mutate is not spread_reversed else condor_rows(exported)
    bad = mutate(exported)
    path = write(tmp_path / "in.csv", [*good, *bad])  # the good position first: nothing of it may land
    before = folder_bytes(tmp_path)
    code, out, err = cli("import", str(path), "--db", str(target))
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and "in.csv line " in err and f"({column})" in err and rule in err, err
    assert folder_bytes(tmp_path) == before
    code, out, _ = cli("list", "--json", "--db", str(target))
    assert out.strip() == "[]"


def test_what_the_app_exported_imports_and_analyses(exported, target, tmp_path):
    path = write(tmp_path / "in.csv", exported)
    code, _, err = cli("import", str(path), "--db", str(target))
    assert code == 0, err
    for argv in (["export"], ["risk"], ["suggest"], ["list", "--all"]):
        code, _, err = cli(*argv, "--db", str(target))
        assert code == 0, (argv, err)


def test_too_many_rows_are_refused_with_the_limit(exported, target, tmp_path, monkeypatch):
    from planner.app import transfer

    monkeypatch.setattr(transfer, "MAX_IMPORT_LEGS", 5)
    path = write(tmp_path / "in.csv", exported)
    code, _, err = cli("import", str(path), "--db", str(target))
    assert code == 2 and "must hold at most 5 legs, got 6 rows" in err, err


def test_too_big_a_file_is_refused_before_reading(target, tmp_path, monkeypatch):
    from planner.storage import csvfile

    monkeypatch.setattr(csvfile, "MAX_CSV_BYTES", 1024 * 1024)
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * (2 * 1024 * 1024))
    code, _, err = cli("import", str(path), "--db", str(target))
    assert code == 2 and "must be at most 1 MB" in err, err


@pytest.mark.parametrize("command", [["import"], ["history", "import"]])
def test_a_pipe_a_device_or_a_folder_is_refused_at_once(target, tmp_path, command):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    before = folder_bytes(tmp_path)
    for source in (str(fifo), "/dev/zero", str(tmp_path)):
        proc = subprocess.run([sys.executable, "-m", "planner", *command, source, "--db", str(target)],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2, proc.stderr
        assert "must be a regular file" in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    assert folder_bytes(tmp_path) == before


def test_a_history_file_refused_at_line_2_leaves_the_book_byte_identical(target, tmp_path):
    path = tmp_path / "VIX_History.csv"
    path.write_text("DATE,OPEN,HIGH,LOW,CLOSE\n11/18/2026,17,17.5,16.8,1e12\n11/19/2026,17,17.5,16.8,17\n")
    before = folder_bytes(tmp_path)
    code, _, err = cli("history", "import", str(path), "--db", str(target))
    assert code == 2 and "line 2" in err and "(CLOSE)" in err, err
    assert folder_bytes(tmp_path) == before
