"""Daily closes from a CSV: Cboe's ``DATE,OPEN,HIGH,LOW,CLOSE`` (MM/DD/YYYY),
Cboe's two-column files (``DATE,VVIX``), or a generic ``date,symbol,close``
(ISO dates). Upserted on (date, symbol) in one change.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from planner.domain.errors import InputError
from planner.domain.limits import MAX_POINTS
from planner.storage import CsvTable, Repository, read_csv

# Cboe's SPX history since 1990 is about 9,000 rows: 200,000 is every index the planner reads, many
# times over. A longer file is refused at once rather than parsed and journaled for minutes.
MAX_HISTORY_ROWS = 200_000
SYMBOL_PATTERN = re.compile(r"^[A-Z0-9^._-]{1,32}$")


@dataclass(frozen=True, slots=True)
class HistoryImport:
    symbols: tuple[str, ...]
    rows: int
    inserted: int
    updated: int
    first: date | None
    last: date | None


def parse_symbol(value: str, field: str = "symbol") -> str:
    symbol = value.strip().upper()
    if not SYMBOL_PATTERN.match(symbol):
        raise InputError(field, "must be a ticker like SPX, VIX or VVIX (letters, digits, ^ . _ -)", value)
    return symbol


KNOWN_SYMBOLS = frozenset({"SPX", "VIX", "VVIX", "VRO", "VIX9D", "VIX3M", "VIX6M", "VIX1Y", "SKEW"})


def symbol_from_file(path: Path) -> str | None:
    """Cboe's naming (VIX_History.csv -> VIX) or a known index name (vvix.csv -> VVIX); else None.

    >>> symbol_from_file(Path("VIX_History.csv")), symbol_from_file(Path("vvix.csv")), symbol_from_file(Path("x.csv"))
    ('VIX', 'VVIX', None)
    """
    stem = path.stem.strip()
    if stem.lower().endswith("_history"):
        symbol = stem[: -len("_history")].upper()
        return symbol if SYMBOL_PATTERN.match(symbol) else None
    return stem.upper() if stem.upper() in KNOWN_SYMBOLS else None


def parse_day(text: str, allow_us: bool) -> date | None:
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    if allow_us:
        try:
            return datetime.strptime(text, "%m/%d/%Y").date()
        except ValueError:
            return None
    return None


def parse_close(table: CsvTable, line: int, column: str, text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise table.error(line, column, "must be a number", text) from None
    if not math.isfinite(value) or value <= 0:
        raise table.error(line, column, "must be a positive finite number", text)
    if value >= MAX_POINTS:
        raise table.error(line, column, f"must be less than {MAX_POINTS:g}", text)
    return value


def read_history(path: str | Path, symbol: str | None = None) -> list[tuple[date, str, float]]:
    """Rows (date, symbol, close) of a history file, or InputError naming line and column."""
    source = Path(path)
    table = read_csv(source, max_rows=MAX_HISTORY_ROWS)
    lower = {c.lower(): c for c in table.columns}
    rows: list[tuple[date, str, float]] = []
    if {"date", "symbol", "close"} <= set(lower):
        date_col, symbol_col, close_col = lower["date"], lower["symbol"], lower["close"]
        forced = parse_symbol(symbol) if symbol else None
        for line, record in table.rows:
            day = parse_day(record[date_col], allow_us=False)
            if day is None:
                raise table.error(line, date_col, "must be a date YYYY-MM-DD", record[date_col])
            try:
                row_symbol = forced or parse_symbol(record[symbol_col])
            except InputError:
                raise table.error(line, symbol_col, "must be a ticker like SPX or VIX", record[symbol_col]) from None
            rows.append((day, row_symbol, parse_close(table, line, close_col, record[close_col])))
    elif "date" in lower and ("close" in lower or len(table.columns) == 2):
        date_col = lower["date"]
        close_col = lower.get("close") or next(c for c in table.columns if c != date_col)
        if symbol:
            row_symbol = parse_symbol(symbol)
        elif "close" not in lower:
            row_symbol = parse_symbol(close_col, "symbol")  # Cboe's DATE,VVIX
        else:
            found = symbol_from_file(source)
            if found is None:
                raise InputError("symbol", "must be given with --symbol (the file name does not say)", source.name)
            row_symbol = found
        for line, record in table.rows:
            day = parse_day(record[date_col], allow_us=True)
            if day is None:
                raise table.error(line, date_col, "must be a date MM/DD/YYYY", record[date_col])
            rows.append((day, row_symbol, parse_close(table, line, close_col, record[close_col])))
    else:
        raise InputError(
            f"{table.name} line 1", "must have the columns DATE,OPEN,HIGH,LOW,CLOSE (Cboe) or date,symbol,close",
            ",".join(table.columns),
        )
    seen: dict[tuple[date, str], int] = {}
    for (line, _), (day, row_symbol, _) in zip(table.rows, rows, strict=True):
        if (day, row_symbol) in seen:
            raise InputError(f"{table.name} line {line}", f"must not repeat a date already on line "
                             f"{seen[(day, row_symbol)]} for {row_symbol}", day.isoformat())
        seen[(day, row_symbol)] = line
    if not rows:
        raise InputError(table.name, "must hold at least one row of closes", "a header only")
    return rows


def import_history(repo: Repository, path: str | Path, symbol: str | None = None) -> HistoryImport:
    rows = read_history(path, symbol)
    symbols = tuple(sorted({s for _, s, _ in rows}))
    with repo.change(f"history import {', '.join(symbols)} ({len(rows)} days)") as tx:
        inserted, updated = repo.upsert_history(tx, rows)
    days = [d for d, _, _ in rows]
    return HistoryImport(symbols, len(rows), inserted, updated, min(days), max(days))
