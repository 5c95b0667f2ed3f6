"""The session table kept on disk: the same sessions as the library's, and a bad file never trusted."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from planner.calendars import session_table

FIRST, LAST = date(2019, 1, 1), date(2021, 12, 31)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_a_cached_table_equals_the_librarys(cache_dir):
    built = session_table.build_table(FIRST, LAST)  # builds and writes the file
    files = list(cache_dir.glob("xnys-sessions-*-2019-01-01-2021-12-31.json"))
    assert len(files) == 1
    loaded = session_table.load_cached(files[0])
    assert loaded == built == session_table.table_from_library(FIRST, LAST)
    assert date(2020, 11, 27).toordinal() in loaded.early_close_ordinals  # the day after Thanksgiving
    assert date(2021, 7, 5).toordinal() not in loaded.session_ordinals  # Independence Day observed


@pytest.mark.parametrize("content", ["", "{", '{"format": 99}', '{"format": 1, "first": "2019-01-01"}',
                                     json.dumps({"format": 1, "first": "2019-01-01", "last": "2021-12-31",
                                                 "session_ordinals": [3, 2, 1], "close_epochs": [0, 0, 0],
                                                 "early_close_ordinals": []})])
def test_a_damaged_or_foreign_file_is_ignored_and_replaced(cache_dir, content):
    path = session_table.cache_path(FIRST, LAST)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    assert session_table.load_cached(path) is None
    table = session_table.build_table(FIRST, LAST)
    assert table == session_table.table_from_library(FIRST, LAST)
    assert session_table.load_cached(path) == table  # rewritten whole


def test_a_later_process_needs_neither_exchange_calendars_nor_pandas(cache_dir):
    script = (
        "import sys\n"
        "from datetime import date\n"
        "from planner import calendars\n"
        "print(calendars.spx_daily_expirations(date(2020, 3, 2), date(2020, 3, 13))[-1])\n"
        "print(sorted(m for m in ('exchange_calendars', 'pandas') if m in sys.modules))\n"
    )
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert first.stdout.splitlines() == ["2020-03-13", "['exchange_calendars', 'pandas']"]
    assert second.stdout.splitlines() == ["2020-03-13", "[]"]
