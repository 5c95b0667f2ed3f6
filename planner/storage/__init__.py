"""The portfolio store: a local SQLite file.

Open it with ``Repository.open(path)`` (":memory:" for tests). Every write goes
through ``with repo.change(label) as tx:`` (one transaction, one undo step).
Reads and writes use the sqlite3 connection ``repo.conn`` directly (a 10,000-
position report in under a second); ``repo.db`` is the same connection through
sqlite-utils for table access, built on first use because importing sqlite-utils
imports pandas. Imports only ``planner.domain`` (and may use ``planner.calendars``).
"""

from planner.storage.backup import backup_database
from planner.storage.csvfile import CsvTable, csv_text, escape_cell, read_csv, unescape_cell, write_csv
from planner.storage.daily_values import DailyBar, SettlementValue, VxSettle
from planner.storage.journal import Change, JournalEntry
from planner.storage.migrations import latest_version, migrate, schema_version
from planner.storage.repository import HISTORY_SYMBOLS, Repository

SCHEMA_VERSION = latest_version()

__all__ = [
    "HISTORY_SYMBOLS",
    "SCHEMA_VERSION",
    "Change",
    "CsvTable",
    "DailyBar",
    "JournalEntry",
    "Repository",
    "SettlementValue",
    "VxSettle",
    "backup_database",
    "csv_text",
    "escape_cell",
    "latest_version",
    "migrate",
    "read_csv",
    "schema_version",
    "unescape_cell",
    "write_csv",
]
