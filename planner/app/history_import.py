"""Importing daily files: preview what they would store, then store it in one undoable change.

Each row is compared with what is stored under its key (history: date and
symbol; settlement values: date and SET/VRO; VX: trade date and expiry):
- new: nothing stored; written;
- filled: stored, and the file adds fields the store lacks (an OPEN where only
  the CLOSE was known); written, keeping the stored fields;
- duplicate: the same values are stored already, or the row repeats an earlier
  row of the import with the same values; nothing to do;
- conflict: a stored value differs. Kept unless the caller asks to replace it
  (``replace=True``, or the conflict's key among ``replace``): the command line
  skips and reports them, the window lets the user tick each one.
A row that repeats a key of an earlier row of the same file with different
values is a malformed file, refused with its line. The same key in two files
with different values is a conflict between the files: the first file's value
is kept unless the caller asks to replace it (then the later file's is stored),
like a conflict with a stored value. A repeat that only adds fields (an OPEN
beside a close-only file) is compared with the store like any row.
Nothing is stored unless every file reads cleanly (one transaction).
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from planner.app.history_files import FileReader, Item
from planner.domain.errors import InputError
from planner.storage import Change, DailyBar, Repository, SettlementValue, VxSettle
from planner.storage import daily_values as store

ConflictKey = tuple[str, str, str]  # (table, ISO date, symbol or ISO expiry)


@dataclass(frozen=True, slots=True)
class Conflict:
    """A file value that differs from the stored one, or from an earlier file's in the same import.

    origin: the stored value's ("file", "typed", "imported"); first: "FILE line N" of the
    earlier file's value when the conflict is between two files of the import ("" otherwise).
    """

    key: ConflictKey
    file: str
    line: int
    stored: str
    incoming: str
    origin: str
    first: str = ""

    @property
    def kept_from(self) -> str:
        """Where the value kept unless replaced comes from: the store's origin, or the earlier file's line."""
        return self.first or self.origin

    def describe(self) -> str:
        _, day, what = self.key
        kept = f"{self.first} has {self.stored}" if self.first else f"stored {self.stored} ({self.origin})"
        return f"{what} {day}: {kept}, {self.file} line {self.line} has {self.incoming}"


@dataclass(slots=True)
class SeriesSummary:
    """What one import holds for one series (a symbol, a settlement value, a VX contract)."""

    series: str
    file: str
    first: date | None = None
    last: date | None = None
    rows: int = 0
    new: int = 0
    filled: int = 0
    duplicates: int = 0
    conflicts: int = 0
    skipped: int = 0

    def add_day(self, day: date) -> None:
        self.first = day if self.first is None or day < self.first else self.first
        self.last = day if self.last is None or day > self.last else self.last


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """Per series: rows, dates, new, filled, duplicates, conflicts (listed); nothing is written."""

    series: tuple[SeriesSummary, ...]
    conflicts: tuple[Conflict, ...]
    layouts: tuple[tuple[str, str], ...]  # (file name, layout description)

    @property
    def rows(self) -> int:
        return sum(s.rows for s in self.series)


@dataclass(frozen=True, slots=True)
class HistoryImport:
    """The result of an import: what was written, what was kept (conflicts not replaced)."""

    symbols: tuple[str, ...]
    rows: int
    inserted: int
    updated: int
    first: date | None
    last: date | None
    kept: tuple[Conflict, ...] = ()
    replaced: tuple[Conflict, ...] = ()
    days: tuple[str, ...] = field(default=())


def _key(item: Item) -> ConflictKey:
    if isinstance(item, DailyBar):
        return ("history", item.day.isoformat(), item.symbol)
    if isinstance(item, SettlementValue):
        return ("settlement_values", item.day.isoformat(), item.symbol)
    return ("vx_settlements", item.day.isoformat(), item.expiry.isoformat())


def _series(item: Item) -> str:
    if isinstance(item, VxSettle):
        return f"VX {item.expiry.isoformat()}"
    if isinstance(item, SettlementValue):
        return f"{item.symbol} (settlement value)"
    return item.symbol


def _values(item: Item) -> tuple:
    if isinstance(item, DailyBar):
        return (item.open, item.high, item.low, item.close)
    if isinstance(item, SettlementValue):
        return (item.value,)
    return (item.settle,)


def _same(a: float | None, b: float | None) -> bool:
    return a is None or b is None or math.isclose(a, b, rel_tol=0.0, abs_tol=1e-9)


def _text(values: tuple) -> str:
    text = "/".join("-" if v is None else f"{v:g}" for v in values)
    return f"O/H/L/C {text}" if len(values) == 4 else text


def classify(repo: Repository, item: Item) -> tuple[str, Item, str | None, str]:
    """("new" | "filled" | "duplicate" | "conflict", the item to write, stored text, stored origin)."""
    conn = repo.conn
    if isinstance(item, DailyBar):
        stored = store.history_bar(conn, item.symbol, item.day)
        if stored is None:
            return "new", item, None, ""
        before, after = _values(stored), _values(item)
        opened, high, low = (s if n is None else n for s, n in zip((stored.open, stored.high, stored.low),
                                                                    (item.open, item.high, item.low), strict=True))
        merged = DailyBar(item.day, item.symbol, item.close, opened, high, low)
        if not all(_same(s, n) for s, n in zip(before, after, strict=True)):
            return "conflict", merged, _text(before), "imported"
        fills = any(s is None and n is not None for s, n in zip(before, after, strict=True))
        return ("filled" if fills else "duplicate"), merged, _text(before), "imported"
    if isinstance(item, SettlementValue):
        value = store.settlement_value(conn, item.day, item.symbol)
        if value is None:
            return "new", item, None, ""
        same = math.isclose(value.value, item.value, rel_tol=0.0, abs_tol=1e-9)
        return ("duplicate" if same else "conflict"), item, f"{value.value:g}", value.origin
    settle = store.vx_settle(conn, item.day, item.expiry)
    if settle is None:
        return "new", item, None, ""
    same = math.isclose(settle, item.settle, rel_tol=0.0, abs_tol=1e-9)
    return ("duplicate" if same else "conflict"), item, f"{settle:g}", "file"


class _Walk:
    """One pass over the files: classifies every row; ``tx`` given, writes what is to be written."""

    def __init__(self, repo: Repository, paths: Sequence[str | os.PathLike], symbol: str | None,
                 replace_keys: bool | Collection[ConflictKey], tx: Change | None) -> None:
        self.repo, self.paths, self.symbol, self.replace_keys, self.tx = repo, paths, symbol, replace_keys, tx
        self.summaries: dict[tuple[str, str], SeriesSummary] = {}
        self.conflicts: list[Conflict] = []
        self.replaced: list[Conflict] = []
        self.layouts: list[tuple[str, str]] = []
        # key -> (values, file, line): the import's own repeats. One small tuple per row, never the file.
        self.seen: dict[ConflictKey, tuple[tuple, str, int]] = {}
        self.inserted = self.updated = 0

    def run(self) -> _Walk:
        for path in self.paths:
            reader = FileReader(path, self.symbol)
            skipped = 0
            for line, item in reader.items():
                if item is None:
                    skipped += 1
                    continue
                self._row(reader.name, line, item)
            assert reader.layout is not None
            self.layouts.append((reader.name, reader.layout.describe()))
            if skipped:
                self._summary(reader.name, "skipped rows (no trade, no data)").skipped += skipped
        if not self.seen:
            raise InputError(", ".join(Path(p).name for p in self.paths), "must hold at least one row of values",
                             "a header only")
        return self

    def _summary(self, file: str, series: str) -> SeriesSummary:
        return self.summaries.setdefault((file, series), SeriesSummary(series, file))

    def _row(self, file: str, line: int, item: Item) -> None:
        key = _key(item)
        summary = self._summary(file, _series(item))
        summary.rows += 1
        summary.add_day(item.day)
        values = _values(item)
        earlier = self.seen.get(key)
        if earlier is not None:
            first_values, first_file, first_line = earlier
            if not all(_same(a, b) for a, b in zip(first_values, values, strict=True)):
                if first_file == file:
                    raise InputError(f"{file} line {line}", f"must not repeat a date already on line {first_line} "
                                     f"for {key[2]}", key[1])
                conflict = Conflict(key, file, line, _text(first_values), _text(values), "file",
                                    f"{first_file} line {first_line}")
                self._between_files(summary, key, item, conflict)
                return
            if not any(a is None and b is not None for a, b in zip(first_values, values, strict=True)):
                summary.duplicates += 1
                return
            # It adds fields the earlier row lacks: compared with the store (which, when writing, holds
            # the earlier row already) like any row.
            values = tuple(b if a is None else a for a, b in zip(first_values, values, strict=True))
        self.seen[key] = (values, file, line)
        kind, to_write, stored, origin = classify(self.repo, item)
        if kind == "duplicate":
            summary.duplicates += 1
            return
        if kind == "conflict":
            summary.conflicts += 1
            conflict = Conflict(key, file, line, stored or "", _text(values), origin)
            self.conflicts.append(conflict)
            if not self._replacing(key):
                return
            self.replaced.append(conflict)
        elif kind == "filled":
            summary.filled += 1
        else:
            summary.new += 1
        if self.tx is not None:
            self._write(to_write)
        if kind == "new":
            self.inserted += 1
        else:
            self.updated += 1

    def _replacing(self, key: ConflictKey) -> bool:
        return self.replace_keys is True or (self.replace_keys is not False and key in self.replace_keys)

    def _between_files(self, summary: SeriesSummary, key: ConflictKey, item: Item, conflict: Conflict) -> None:
        """Two files of the import disagree: the earlier file's value stays unless the key is to be replaced."""
        summary.conflicts += 1
        self.conflicts.append(conflict)
        if not self._replacing(key):
            return
        self.replaced.append(conflict)
        self.seen[key] = (_values(item), conflict.file, conflict.line)
        if self.tx is not None:  # merged with what the store holds now (the earlier file's row, if written)
            self._write(classify(self.repo, item)[1])
        self.updated += 1

    def _write(self, item: Item) -> None:
        assert self.tx is not None
        if isinstance(item, DailyBar):
            store.write_history_bars(self.tx, [item])
        elif isinstance(item, SettlementValue):
            store.write_settlement_values(self.tx, [replace(item, origin="file")])
        else:
            store.write_vx_settles(self.tx, [item])


def preview_import(repo: Repository, paths: Sequence[str | os.PathLike], symbol: str | None = None
                   ) -> ImportPreview:
    """Read every file and compare with the store; writes nothing. InputError for a malformed file."""
    walk = _Walk(repo, paths, symbol, False, None).run()
    return ImportPreview(tuple(walk.summaries.values()), tuple(walk.conflicts), tuple(walk.layouts))


def import_files(repo: Repository, paths: Sequence[str | os.PathLike], symbol: str | None = None,
                 replace_keys: bool | Collection[ConflictKey] = False) -> HistoryImport:
    """Store every file's values in one change (one undo step); conflicts replaced only as asked."""
    names = ", ".join(Path(p).name for p in paths)
    with repo.change(f"history import {names}") as tx:
        walk = _Walk(repo, paths, symbol, replace_keys, tx).run()
        series = sorted({s.series for s in walk.summaries.values() if s.rows})
        tx.label = f"history import {', '.join(series)} ({sum(s.rows for s in walk.summaries.values())} rows)"
    summaries = [s for s in walk.summaries.values() if s.rows]
    firsts = [s.first for s in summaries if s.first is not None]
    lasts = [s.last for s in summaries if s.last is not None]
    kept = tuple(c for c in walk.conflicts if c not in walk.replaced)
    days = tuple(sorted({key[1] for key in walk.seen if key[0] != "vx_settlements"}))
    return HistoryImport(tuple(series), sum(s.rows for s in summaries), walk.inserted, walk.updated,
                         min(firsts, default=None), max(lasts, default=None), kept, tuple(walk.replaced), days)


def import_history(repo: Repository, path: str | os.PathLike, symbol: str | None = None,
                   replace_keys: bool | Collection[ConflictKey] = False) -> HistoryImport:
    return import_files(repo, [path], symbol, replace_keys)


def read_history(path: str | os.PathLike, symbol: str | None = None) -> list[tuple[date, str, float]]:
    """(date, symbol, close) of every daily close in one file, without storing anything (the backtest's
    reader). Settlement values and VX rows are not closes and are left out; a repeated date is refused."""
    reader = FileReader(path, symbol)
    rows: list[tuple[date, str, float]] = []
    seen: dict[tuple[date, str], int] = {}
    for line, item in reader.items():
        if not isinstance(item, DailyBar):
            continue
        if (item.day, item.symbol) in seen:
            raise InputError(f"{reader.name} line {line}", f"must not repeat a date already on line "
                             f"{seen[(item.day, item.symbol)]} for {item.symbol}", item.day.isoformat())
        seen[(item.day, item.symbol)] = line
        rows.append((item.day, item.symbol, item.close))
    if not rows:
        raise InputError(reader.name, "must hold at least one row of closes", "a header only")
    return rows
