"""`planner feed ibkr` against the fake TWS: snapshots sampled into the book, bad input refused."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from fake_tws import LAST, FakeTws

from planner.app import Workspace
from planner.cli import run
from planner.domain import MarketSnapshot

NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)


def quote_on_subscribe(tws, sub):
    if sub.key == "SPX":
        tws.send_tick(sub, LAST, 5901.5)
    elif sub.key == "VIX":
        tws.send_tick(sub, LAST, 16.25)


def test_feed_stores_one_sampled_snapshot_per_interval(tmp_path, capsys):
    pytest.importorskip("ib_async")
    db = tmp_path / "book.db"
    tws = FakeTws(accept_all=True, on_subscribe=quote_on_subscribe).start()
    try:
        out, err = io.StringIO(), io.StringIO()
        code = run(["--db", str(db), "feed", "ibkr", "--port", str(tws.port), "--seconds", "3"], out, err)
    finally:
        tws.stop()
    assert code == 0, err.getvalue()
    text = capsys.readouterr().out + out.getvalue()  # progress lines, then the summary
    assert "IBKR connected" in text and "stored snapshot 1: SPX 5,901.50 VIX 16.25 (ibkr)" in text
    assert "1 stored" in text  # a few seconds of quotes: the first one only (one a minute)
    with Workspace.open(db) as ws:
        snapshots = ws.snapshots()
    assert [(s.spx, s.vix, s.source) for s in snapshots] == [(5901.5, 16.25, "ibkr")]
    kinds = {int(fields[0]) for fields in tws.received}
    assert 3 not in kinds  # never an order


@pytest.mark.parametrize("flag, value, words", [("--port", "0", "ibkr_port must be at least 1"),
                                                 ("--client-id", "x", "ibkr_client_id must be a number"),
                                                 ("--seconds", "-1", "seconds")])
def test_bad_flags_exit_2_and_leave_the_file_unchanged(tmp_path, flag, value, words):
    db = tmp_path / "book.db"
    Workspace.open(db).close()
    before = db.read_bytes()
    out, err = io.StringIO(), io.StringIO()
    assert run(["--db", str(db), "feed", "ibkr", flag, value], out, err) == 2
    assert words in err.getvalue() and "Traceback" not in err.getvalue()
    assert db.read_bytes() == before


def test_retention_removes_old_intraday_live_snapshots_only():
    with Workspace.open(":memory:", clock=lambda: NOW) as ws:
        def store(days_ago, source):
            ws.store_snapshot(MarketSnapshot(NOW - timedelta(days=days_ago), 5900.0, 16.0, source=source))

        store(40, "ibkr")
        store(40, "ibkr close")
        store(40, "manual")
        store(40, "ibkr delayed")
        store(5, "ibkr")
        assert ws.prune_intraday(30) == 2
        left = sorted((round((NOW - s.asof).days), s.source) for s in ws.snapshots())
        assert left == [(5, "ibkr"), (40, "ibkr close"), (40, "manual")]


def test_without_the_extra_the_command_says_how_to_install(tmp_path, monkeypatch):
    import planner.app.live_feed as live_feed

    monkeypatch.setattr(live_feed, "ib_available", lambda: False)
    db = tmp_path / "book.db"
    out, err = io.StringIO(), io.StringIO()
    assert run(["--db", str(db), "feed", "ibkr"], out, err) == 2
    assert "pip install 'hedge-planner[ibkr]'" in err.getvalue()


def test_the_core_imports_and_answers_without_ib_async():
    import subprocess
    import sys

    code = ("import sys; sys.modules['ib_async'] = None\n"
            "import planner.feeds.ibkr as f, planner.app.live_feed, planner.app.leg_marks, planner.app.alerts\n"
            "assert not f.ib_available()\n"
            "try:\n    f.load_ib_async()\nexcept ImportError as e:\n    print(e)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "pip install 'hedge-planner[ibkr]'" in done.stdout
