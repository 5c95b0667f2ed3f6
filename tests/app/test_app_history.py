"""History files: Cboe OHLC (MM/DD/YYYY), Cboe two-column, generic date,symbol,close; upsert on (date, symbol)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from planner.app import Workspace
from planner.domain.errors import InputError
from planner.storage import daily_values as store

NOW = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)


@pytest.fixture
def ws(repo):
    return Workspace(repo, clock=lambda: NOW)


def test_cboe_file_takes_its_symbol_from_the_name(repo, ws, tmp_path):
    path = tmp_path / "VIX_History.csv"
    path.write_text("DATE,OPEN,HIGH,LOW,CLOSE\n01/02/1990,17.240000,17.240000,17.240000,17.240000\n"
                    "01/03/1990,18.190000,18.190000,18.190000,18.190000\n", encoding="utf-8")
    result = ws.import_history(path)
    assert (result.symbols, result.rows, result.inserted, result.updated) == (("VIX",), 2, 2, 0)
    assert (result.first, result.last) == (date(1990, 1, 2), date(1990, 1, 3))
    assert repo.history_close("VIX", date(1990, 1, 3)) == 18.19


def test_two_column_cboe_file_and_symbol_override(repo, ws, tmp_path):
    path = tmp_path / "VVIX_History.csv"
    path.write_text("DATE,VVIX\n11/19/2026,88.5\n11/20/2026,90.1\n", encoding="utf-8")
    assert ws.import_history(path).symbols == ("VVIX",)
    other = tmp_path / "closes.csv"
    other.write_text("\ufeffDate,Open,High,Low,Close\n11/20/2026,5880,5910,5870,5890.25\n", encoding="utf-8")
    assert ws.import_history(other, symbol="spx").symbols == ("SPX",)
    assert repo.history_close("SPX", date(2026, 11, 20)) == 5890.25


def test_generic_file_keeps_a_conflicting_stored_close_unless_replaced(repo, ws, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("date,symbol,close\n2026-11-19,SPX,5880.5\n2026-11-19,VIX,16.8\n2026-11-20,VIX,16.2\n",
                    encoding="utf-8")
    assert ws.import_history(path).inserted == 3
    path.write_text("date,symbol,close\n2026-11-20,VIX,16.4\n2026-11-21,VIX,16.9\n", encoding="utf-8")
    kept = ws.import_history(path)
    assert (kept.inserted, kept.updated) == (1, 0)
    assert [c.describe() for c in kept.kept] == ["VIX 2026-11-20: stored O/H/L/C -/-/-/16.2 (imported), mixed.csv "
                                                 "line 2 has O/H/L/C -/-/-/16.4"]
    assert repo.history_close("VIX", date(2026, 11, 20)) == 16.2
    ws.undo()
    result = ws.import_history(path, replace=True)
    assert (result.inserted, result.updated, len(result.replaced)) == (1, 1, 1)
    frame = ws.history_frame()
    assert frame.loc["2026-11-20", "VIX"] == 16.4 and frame.shape == (3, 3)
    ws.undo()
    assert repo.history_close("VIX", date(2026, 11, 20)) == 16.2
    assert repo.history_close("VIX", date(2026, 11, 21)) is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("closes.csv", "DATE,OPEN,HIGH,LOW,CLOSE\n11/20/2026,1,1,1,5\n",
         "symbol must be given with --symbol (the file name does not say), got closes.csv"),
        ("VIX_History.csv", "DATE,OPEN,HIGH,LOW,CLOSE\n11/20/2026,1,1,1,-5\n",
         "VIX_History.csv line 2, column 5 (CLOSE) must be a positive finite number, got -5"),
        ("VIX_History.csv", "DATE,OPEN,HIGH,LOW,CLOSE\n11/20/2026,1,1,1,5\n11/20/2026,1,1,1,6\n",
         "VIX_History.csv line 3 must not repeat a date already on line 2 for VIX, got 2026-11-20"),
        ("g.csv", "date,symbol,close\n2026-11-20,V I X,16\n", "g.csv line 2, column 2 (symbol) must be a ticker"),
        ("g.csv", "date,symbol,close\n11/20/2026,VIX,16\n", "g.csv line 2, column 1 (date) must be a date YYYY-MM-DD"),
        ("g.csv", "date,symbol,close\n", "g.csv must hold at least one row of values, got a header only"),
    ],
)
def test_bad_history_files(ws, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        ws.import_history(path)
    assert message in str(raised.value)
    assert ws.history_frame().empty


def test_two_files_disagreeing_on_a_day_are_a_conflict_not_a_refusal(repo, ws, tmp_path):
    """The first file's value is kept and the other reported; replacing stores the later file's."""
    first = tmp_path / "a.csv"
    first.write_text("date,symbol,close\n2026-11-19,VIX,16.8\n2026-11-20,VIX,16.2\n", encoding="utf-8")
    second = tmp_path / "b.csv"
    second.write_text("date,symbol,close\n2026-11-20,VIX,16.4\n2026-11-21,VIX,16.9\n", encoding="utf-8")
    preview = ws.preview_history([first, second])
    assert [c.describe() for c in preview.conflicts] == [
        "VIX 2026-11-20: a.csv line 3 has O/H/L/C -/-/-/16.2, b.csv line 2 has O/H/L/C -/-/-/16.4"]
    assert ws.history_frame().empty  # a preview writes nothing
    kept = ws.import_history_files([first, second])
    assert (kept.inserted, kept.updated, len(kept.kept), kept.replaced) == (3, 0, 1, ())
    assert repo.history_close("VIX", date(2026, 11, 20)) == 16.2
    ws.undo()
    assert ws.history_frame().empty
    chosen = ws.import_history_files([first, second], replace=[preview.conflicts[0].key])
    assert (len(chosen.replaced), chosen.kept) == (1, ())
    assert repo.history_close("VIX", date(2026, 11, 20)) == 16.4
    assert repo.history_close("VIX", date(2026, 11, 21)) == 16.9


def test_a_second_file_adding_the_open_to_the_same_close_is_no_conflict(repo, ws, tmp_path):
    closes = tmp_path / "SPX_History.csv"
    closes.write_text("DATE,SPX\n11/20/2026,5890.25\n", encoding="utf-8")
    ohlc = tmp_path / "ohlc.csv"
    ohlc.write_text("Date,Open,High,Low,Close\n2026-11-20,5880,5910,5870,5890.25\n", encoding="utf-8")
    result = ws.import_history_files([closes, ohlc], symbol="SPX")
    assert (result.kept, result.replaced) == ((), ())
    bar = store.history_bar(repo.conn, "SPX", date(2026, 11, 20))
    assert (bar.open, bar.close) == (5880, 5890.25)
