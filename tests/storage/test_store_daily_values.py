"""Schema 2: OHLC history, settlement values and VX settlements; a version-1 book keeps its data."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from planner.storage import DailyBar, Repository, SettlementValue, VxSettle, migrate
from planner.storage import daily_values as store
from planner.storage.connection import connect
from planner.storage.schema import MIGRATIONS


def test_a_version_1_book_moves_its_vro_closes_to_settlement_values(tmp_path):
    path = tmp_path / "planner.db"
    db = connect(path)
    migrate(db, tuple(m for m in MIGRATIONS if m[0] == 1))
    db.execute("INSERT INTO history (date, symbol, close) VALUES ('2026-11-18', 'VRO', 17.62), "
               "('2026-11-18', 'VIX', 17.1)")
    db.close()
    with Repository.open(path) as repo:
        assert store.settlement_values(repo.conn) == [SettlementValue(date(2026, 11, 18), "VRO", 17.62, "file")]
        assert repo.history_rows() == [(date(2026, 11, 18), "VIX", 17.1)]
        assert store.history_bar(repo.conn, "VIX", date(2026, 11, 18)) == DailyBar(date(2026, 11, 18), "VIX", 17.1)


def test_checks_refuse_what_no_code_path_may_store():
    with Repository.open() as repo:
        for sql in ("INSERT INTO settlement_values (date, symbol, value) VALUES ('2026-11-18', 'SPX', 1)",
                    "INSERT INTO vx_settlements (date, expiry, settle) VALUES ('2026-11-19', '2026-11-18', 17)",
                    "INSERT INTO history (date, symbol, close, open) VALUES ('2026-11-18', 'VIX', 17, 0)"):
            with pytest.raises(sqlite3.IntegrityError):
                repo.conn.execute(sql)


def test_writes_are_one_undo_step_and_curves_read_back_by_day():
    with Repository.open() as repo:
        with repo.change("import") as tx:
            store.write_vx_settles(tx, [VxSettle(date(2026, 11, 18), date(2026, 12, 16), 18.1),
                                        VxSettle(date(2026, 11, 18), date(2027, 1, 20), 19.2),
                                        VxSettle(date(2026, 11, 19), date(2026, 12, 16), 18.4)])
            store.write_history_bars(tx, [DailyBar(date(2026, 11, 18), "VIX", 17.1, 17.4, 18.0, 16.9)])
        assert repo.vx_settlement_curves(start=date(2026, 11, 18), end=date(2026, 11, 18)) == {
            date(2026, 11, 18): {date(2026, 12, 16): 18.1, date(2027, 1, 20): 19.2}}
        assert store.latest_vx_settle(repo.conn, date(2026, 12, 16), date(2026, 11, 20)) == (date(2026, 11, 19), 18.4)
        entry = repo.undo()
        assert entry.days == ("2026-11-18",)  # the VX days are not settlement days of any position
        assert repo.vx_settlement_curves() == {} and repo.history_rows() == []
