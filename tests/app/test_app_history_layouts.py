"""Every layout the exchange (and other providers) write, with its traps; malformed files refused, nothing stored.

The files in history_files/ were written for these tests in each provider's layout.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from planner.app import Workspace
from planner.app.history_files import FileReader
from planner.domain.errors import InputError
from planner.storage import daily_values as store

FILES = Path(__file__).parent / "history_files"
NOW = datetime(2026, 12, 20, 17, 0, tzinfo=UTC)


@pytest.fixture
def ws(repo):
    return Workspace(repo, clock=lambda: NOW)


def bar(repo, symbol, day):
    found = store.history_bar(repo.conn, symbol, day)
    return None if found is None else (found.open, found.high, found.low, found.close)


def test_cboe_vix_ohlc_with_crlf_and_a_blank_last_line(repo, ws):
    result = ws.import_history(FILES / "VIX_History.csv")
    assert (result.symbols, result.rows, result.first, result.last) == (("VIX",), 3, date(1990, 1, 2),
                                                                        date(2026, 12, 16))
    assert bar(repo, "VIX", date(2026, 12, 16)) == (22.4, 23.1, 20.9, 21.2)


def test_cboe_vix3m_zero_open_is_not_recorded(repo, ws):
    ws.import_history(FILES / "VIX3M_History.csv")
    assert bar(repo, "VIX3M", date(2007, 12, 4)) == (None, None, None, 24.32)  # Cboe's 0: no open that day
    assert bar(repo, "VIX3M", date(2007, 12, 5)) == (24.1, 24.87, 23.65, 23.79)


def test_cboe_vix9d(repo, ws):
    assert ws.import_history(FILES / "VIX9D_History.csv").symbols == ("VIX9D",)
    assert bar(repo, "VIX9D", date(2011, 1, 4)) == (16.9, 17.33, 16.22, 16.51)


@pytest.mark.parametrize(("name", "symbol", "day", "close"), [
    ("VVIX_History.csv", "VVIX", date(2007, 1, 4), 88.42),
    ("SKEW_History.csv", "SKEW", date(1990, 1, 3), 123.34),
    ("SPX_History.csv", "SPX", date(2026, 12, 18), 6520.0),
])
def test_cboe_two_column_files_name_their_symbol_in_the_header(repo, ws, name, symbol, day, close):
    assert ws.import_history(FILES / name).symbols == (symbol,)
    assert bar(repo, symbol, day) == (None, None, None, close)


def test_yahoo_spx_skips_its_null_rows(repo, ws):
    preview = ws.preview_history([FILES / "^GSPC.csv"])
    assert [(s.series, s.rows, s.new, s.skipped) for s in preview.series] == [
        ("SPX", 2, 2, 0), ("skipped rows (no trade, no data)", 0, 0, 1)]
    ws.import_history(FILES / "^GSPC.csv")
    assert bar(repo, "SPX", date(2024, 1, 2)) == (4745.200195, 4754.330078, 4722.669922, 4742.830078)
    assert bar(repo, "SPX", date(2024, 1, 4)) is None


def test_stooq_and_investing_spx_agree_with_yahoo_to_the_cent(repo, ws):
    ws.import_history(FILES / "^spx_d.csv")
    assert bar(repo, "SPX", date(2024, 1, 3)) == (4725.07, 4729.29, 4699.71, 4704.81)
    preview = ws.preview_history([FILES / "S&P 500 Historical Data.csv"], symbol="SPX")  # Price is the close
    assert [(s.rows, s.duplicates, s.conflicts) for s in preview.series] == [(2, 2, 0)]
    assert preview.layouts == (("S&P 500 Historical Data.csv", "daily OHLC"),)


def test_cboe_vx_contract_across_the_2007_rescale(ws):
    result = ws.import_history(FILES / "CFE_K07_VX.csv")  # disclaimer line above the header
    assert result.symbols == ("VX 2007-05-16",) and result.rows == 3  # the zero-settle row is not stored
    assert ws.vx_settlement_curves() == {
        date(2007, 3, 22): {date(2007, 5, 16): 15.23},  # quoted x10 before 2007-03-26
        date(2007, 3, 26): {date(2007, 5, 16): 15.31},
        date(2007, 5, 15): {date(2007, 5, 16): 12.97},  # M/D/YYYY without the leading zero
    }


def test_cboe_vx_iso_dates_and_the_read_api_for_a_range(ws):
    ws.import_history_files([FILES / "VX_2024-01-17.csv", FILES / "CFE_K07_VX.csv"])
    curves = ws.vx_settlement_curves(date(2023, 12, 19), date(2024, 1, 31))
    assert curves == {date(2023, 12, 19): {date(2024, 1, 17): 13.875}}


def test_settlement_values_file_and_cboe_files_in_one_undoable_import(repo, ws):
    result = ws.import_history_files([FILES / "settlement_values.csv", FILES / "VIX_History.csv"])
    assert result.symbols == ("SET (settlement value)", "VIX", "VRO (settlement value)")
    assert store.settlement_value(repo.conn, date(2026, 12, 18), "SET").value == 6430
    assert ws.history_frame(["VRO"]).empty  # a settlement value is never stored as a close
    ws.undo()
    assert store.settlement_values(repo.conn) == [] and ws.history_frame(["VIX"]).empty


def test_a_file_value_never_silently_replaces_a_typed_one(repo, ws):
    ws.set_settlement_value("2026-12-16", "VRO", "22.70")
    preview = ws.preview_history([FILES / "settlement_values.csv"])
    assert [c.describe() for c in preview.conflicts] == [
        "VRO 2026-12-16: stored 22.7 (typed), settlement_values.csv line 2 has 22.75"]
    kept = ws.import_history(FILES / "settlement_values.csv")
    assert len(kept.kept) == 1 and store.settlement_value(repo.conn, date(2026, 12, 16), "VRO").value == 22.70
    ws.undo()
    chosen = ws.import_history_files([FILES / "settlement_values.csv"], replace=[preview.conflicts[0].key])
    assert len(chosen.replaced) == 1
    assert store.settlement_value(repo.conn, date(2026, 12, 16), "VRO") == store.SettlementValue(
        date(2026, 12, 16), "VRO", 22.75, "file")


def test_an_open_added_to_a_stored_close_is_filled_not_a_conflict(repo, ws, tmp_path):
    closes = tmp_path / "closes.csv"
    closes.write_text("date,symbol,close\n2024-01-02,SPX,4742.83\n2024-01-03,SPX,4704.81\n", encoding="utf-8")
    ws.import_history(closes)
    preview = ws.preview_history([FILES / "^spx_d.csv"])
    assert preview.conflicts == () and [(s.new, s.filled) for s in preview.series] == [(0, 2)]
    ws.import_history(FILES / "^spx_d.csv")
    assert bar(repo, "SPX", date(2024, 1, 2)) == (4745.2, 4754.33, 4722.67, 4742.83)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


MALFORMED = [
    ("VIX_History.csv", "DATE,OPEN,HIGH,LOW,CLOSE\n12/15/2026,21,22,20,21.5\n12/16/2026,22.4,23.1,20.9,abc\n",
     "VIX_History.csv line 3, column 5 (CLOSE) must be a number, got abc"),
    ("VIX_History.csv", "DATE,OPEN,HIGH,LOW,CLOSE\n12/15/2026,21,22,20,21.5\n2026/12/16,22.4,23.1,20.9,21.2\n",
     "VIX_History.csv line 3, column 1 (DATE) must be a date MM/DD/YYYY or YYYY-MM-DD, got 2026/12/16"),
    ("VVIX_History.csv", "DATE,VVIX\n01/03/2007,87.63\n01/04/2007,88.42,1\n",
     "VVIX_History.csv line 3 must have 2 columns like the header, got 3"),
    ("CFE_K07_VX.csv", "Disclaimer, as Cboe writes it.\nTrade Date,Futures,Open,High,Low,Close,Settle,Change\n"
     "03/26/2007,K (May 07),15.3,15.4,15.1,15.2,-15.31,0.1\n",
     "CFE_K07_VX.csv line 3, column 7 (Settle) must be a number, zero or more, got -15.31"),
    ("vx.csv", "Trade Date,Futures,Open,High,Low,Close,Settle\n2024-01-18,F (Jan 2024),14,14,14,14,14.1\n",
     "vx.csv line 2, column 1 (Trade Date) must be on or before the contract's expiry 2024-01-17, got 2024-01-18"),
    ("vx.csv", "Trade Date,Futures,Open,High,Low,Close,Settle\n2024-01-02,January,14,14,14,14,14.1\n",
     "vx.csv line 2, column 2 (Futures) must name the contract month like F (Jan 2024), got January"),
    ("values.csv", "date,symbol,value\n2026-12-18,SET,6430\n2026-12-18,SPX,6431\n",
     "values.csv line 3, column 2 (symbol) must be SET (SPX AM) or VRO (VIX), got SPX"),
    ("values.csv", "date,symbol,value\n2026-12-18,SET,6430\n2026-12-18,SET,6431\n",
     "values.csv line 3 must not repeat a date already on line 2 for SET, got 2026-12-18"),
    ("notes.csv", "a,b,c\n1,2,3\n", "notes.csv line 1 must have a header such as DATE,OPEN,HIGH,LOW,CLOSE"),
    ("VIX_History.csv", "DATE,OPEN,HIGH,LOW,CLOSE\n12/15/2026,21,22,20,\"21.5\n",
     "VIX_History.csv line 2 must be well-formed CSV"),
]


@pytest.mark.parametrize(("name", "content", "message"), MALFORMED)
def test_malformed_file_refused_with_line_and_column_and_nothing_stored(tmp_path, name, content, message):
    db = tmp_path / "book.db"
    with Workspace.open(db, clock=lambda: NOW) as ws:
        ws.import_history(FILES / "SKEW_History.csv")
    before = digest(db)
    good, bad = tmp_path / "good" / "VIX_History.csv", tmp_path / name
    good.parent.mkdir()
    good.write_text("DATE,OPEN,HIGH,LOW,CLOSE\n12/14/2026,20,21,19,20.5\n", encoding="utf-8")
    bad.write_text(content, encoding="utf-8")
    with Workspace.open(db, clock=lambda: NOW) as ws:
        with pytest.raises(InputError) as raised:
            ws.import_history_files([good, bad])  # the good file is not stored either
        assert message in str(raised.value)
        assert ws.history_frame(["VIX"]).empty and len(ws.journal()) == 1
    assert digest(db) == before


def test_only_regular_files_are_read(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="must be a regular file"):
        FileReader(fifo)
    with pytest.raises(InputError, match="must be a regular file"):
        FileReader(tmp_path)


def test_a_long_file_is_read_as_a_stream(tmp_path):
    """The reader holds a line at a time: its items come before the file's end is reached."""
    path = tmp_path / "VIX_History.csv"
    path.write_text("DATE,OPEN,HIGH,LOW,CLOSE\n" + "".join(
        f"01/{day:02d}/2000,20,21,19,20.5\n" for day in range(1, 29)) + "12/99/2000,1,1,1,1\n", encoding="utf-8")
    items = FileReader(path).items()
    assert next(items)[1].day == date(2000, 1, 1)  # read before the malformed last line
    with pytest.raises(InputError, match="line 30, column 1"):
        list(items)
