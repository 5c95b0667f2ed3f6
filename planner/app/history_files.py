"""Reading the exchange's daily files, row by row, in whichever layout they come.

Layouts, told apart by the header (the first of the first three non-empty
rows that names known columns; rows above it, such as the disclaimer line of
Cboe's VX files, are skipped):

- Cboe index history, ``DATE,OPEN,HIGH,LOW,CLOSE`` (VIX, VIX3M, VIX9D;
  MM/DD/YYYY dates), and other providers' OHLC files for SPX:
  ``Date,Open,High,Low,Close,Adj Close,Volume`` (Yahoo; "null" rows are days
  without data), ``Date,Open,High,Low,Close,Volume`` (Stooq, ISO dates),
  ``Date,Price,Open,High,Low,...`` (Investing.com: "Price" is the close,
  numbers with thousands separators). The symbol comes from ``--symbol`` or
  the file name (VIX_History.csv, ^GSPC.csv).
- Cboe two-column history, ``DATE,VVIX`` / ``DATE,SKEW`` / ``DATE,SPX``: the
  column names the symbol.
- Generic ``date,symbol,close`` (optional open, high, low) and, for official
  settlement values, ``date,symbol,value`` (ISO dates).
- Cboe VX futures, one contract per file: ``Trade Date,Futures,Open,High,Low,
  Close,Settle,...`` below a disclaimer line. Prices before 2007-03-26 are
  quoted on ten times the index (divided by 10 here); a zero settle marks a
  day the contract did not trade (skipped); dates are MM/DD/YYYY in older files
  and ISO in newer ones.

A row for SET or VRO (in any layout) is an official settlement value, never a
close. The file is read as a stream (never whole), and only a regular file is
opened: a FIFO or a device would block or never end.
"""

from __future__ import annotations

import csv
import math
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from planner import calendars
from planner.domain.errors import InputError
from planner.storage import DailyBar, SettlementValue, VxSettle
from planner.storage.daily_values import SETTLEMENT_SYMBOLS

SYMBOL_PATTERN = re.compile(r"^[A-Z0-9^._-]{1,32}$")
KNOWN_SYMBOLS = frozenset({"SPX", "VIX", "VVIX", "VRO", "SET", "VIX9D", "VIX3M", "VIX6M", "VIX1Y", "SKEW"})
# Other providers' tickers for the same indexes (Yahoo's ^GSPC is the S&P 500, Cboe's SPX).
TICKER_ALIASES = {"GSPC": "SPX", "SPX": "SPX", "INX": "SPX"}
# VX prices were quoted on ten times the VIX until Cboe rescaled the contract on this day.
VX_RESCALED = date(2007, 3, 26)
MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
MONTH_CODES = {code: number for number, code in enumerate("FGHJKMNQUVXZ", start=1)}
HEADER_SEARCH_ROWS = 3
MISSING = frozenset({"null", "nan", "n/a", "na", "-"})

Item = DailyBar | SettlementValue | VxSettle


@dataclass(frozen=True, slots=True)
class Layout:
    """How one file is read: its kind, the columns that matter and where its symbol comes from."""

    kind: str  # "ohlc", "two-column", "generic", "settlement", "vx"
    columns: tuple[str, ...]  # the header as written
    date_column: str
    symbol: str | None = None  # fixed for the whole file (None: per row)
    expiry: date | None = None  # a VX file's contract

    def describe(self) -> str:
        return {"ohlc": "daily OHLC", "two-column": "daily closes", "generic": "date,symbol,close",
                "settlement": "settlement values", "vx": "VX settlements"}[self.kind]


class RowError(InputError):
    """A malformed cell: names the file, the line and the column."""

    def __init__(self, name: str, line: int, columns: tuple[str, ...], column: str | None, rule: str,
                 value: object) -> None:
        where = f"{name} line {line}"
        if column is not None and column in columns:
            where += f", column {columns.index(column) + 1} ({column})"
        super().__init__(where, rule, value)
        self.line = line


def parse_symbol(value: str, field: str = "symbol") -> str:
    symbol = value.strip().upper()
    if not SYMBOL_PATTERN.match(symbol):
        raise InputError(field, "must be a ticker like SPX, VIX or VVIX (letters, digits, ^ . _ -)", value)
    return symbol


def symbol_from_file(path: Path) -> str | None:
    """Cboe's naming (VIX_History.csv -> VIX), a known index (vvix.csv), a provider's ticker (^GSPC.csv -> SPX).

    >>> [symbol_from_file(Path(n)) for n in ("VIX_History.csv", "vvix.csv", "^GSPC.csv", "^spx_d.csv", "x.csv")]
    ['VIX', 'VVIX', 'SPX', 'SPX', None]
    """
    stem = path.stem.strip().upper()
    if stem.endswith("_HISTORY"):
        stem = stem[: -len("_HISTORY")]
        return stem if SYMBOL_PATTERN.match(stem) else None
    stem = stem.lstrip("^").removesuffix("_D")  # Stooq names its daily files ^spx_d.csv
    if stem in TICKER_ALIASES:
        return TICKER_ALIASES[stem]
    return stem if stem in KNOWN_SYMBOLS else None


def regular_file(path: str | os.PathLike) -> Path:
    """The path, if it names a readable regular file; InputError otherwise."""
    source = Path(path)
    try:
        mode = os.stat(source).st_mode
    except OSError as exc:
        raise InputError("file", f"must be a readable file ({exc.strerror})", str(source)) from None
    if not stat.S_ISREG(mode):
        raise InputError("file", "must be a regular file (not a folder, pipe or device)", str(source))
    return source


def stream_records(source: Path) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) of each non-empty CSV record, read a line at a time."""
    name = source.name
    next_line = 1
    try:
        with open(source, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            for record in reader:
                start, next_line = next_line, reader.line_num + 1
                if any("\x00" in cell for cell in record):
                    raise InputError(f"{name} line {start}", "must be text (found a NUL byte)", "binary data")
                if record and any(cell.strip() for cell in record):
                    yield start, record
    except UnicodeDecodeError as exc:
        raise InputError(f"{name} line {next_line}", "must be UTF-8 text", f"byte 0x{exc.object[exc.start]:02x}"
                         ) from None
    except csv.Error as exc:
        raise InputError(f"{name} line {next_line}", "must be well-formed CSV", str(exc)) from None
    except OSError as exc:
        raise InputError("file", f"must be a readable file ({exc.strerror})", str(source)) from None


def detect_layout(source: Path, cells: list[str], symbol: str | None) -> Layout | None:
    """The layout a header row announces, or None when the row is not a header."""
    columns = tuple(cell.strip() for cell in cells)
    lower = [c.lower() for c in columns]
    names = set(lower)
    if len(names) != len(lower):
        return None

    def col(name: str) -> str:
        return columns[lower.index(name)]

    if {"trade date", "futures", "settle"} <= names:
        return Layout("vx", columns, col("trade date"), expiry=expiry_from_file_name(source))
    if {"date", "symbol", "value"} <= names:
        return Layout("settlement", columns, col("date"))
    if {"date", "symbol", "close"} <= names:
        return Layout("generic", columns, col("date"))
    if "date" in names and ("close" in names or "price" in names):
        fixed = parse_symbol(symbol) if symbol else symbol_from_file(source)
        if fixed is None:
            raise InputError("symbol", "must be given with --symbol (the file name does not say)", source.name)
        return Layout("ohlc", columns, col("date"), symbol=fixed)
    if len(columns) == 2 and lower[0] == "date":
        fixed = parse_symbol(symbol) if symbol else parse_symbol(columns[1], "symbol")  # Cboe's DATE,VVIX
        return Layout("two-column", columns, columns[0], symbol=fixed)
    return None


def expiry_from_file_name(source: Path) -> date | None:
    """A VX file named by its expiry (VX_2024-01-17.csv) or its month code (CFE_F07_VX.csv -> Jan 2007).

    >>> expiry_from_file_name(Path("VX_2024-01-17.csv")), expiry_from_file_name(Path("CFE_F07_VX.csv"))
    (datetime.date(2024, 1, 17), datetime.date(2007, 1, 17))
    """
    stem = source.stem
    found = re.search(r"(\d{4})-(\d{2})-(\d{2})", stem)
    if found:
        try:
            return date(*map(int, found.groups()))
        except ValueError:
            return None
    coded = re.search(r"(?:^|_)([FGHJKMNQUVXZ])(\d{2})(?:_|$)", stem.upper())
    if coded:
        return calendars.vix_expiration(2000 + int(coded.group(2)), MONTH_CODES[coded.group(1)])
    return None


def expiry_from_contract(text: str) -> date | None:
    """Cboe's contract column, "F (Jan 07)" or "F (Jan 2024)", as the contract month's VIX expiry.

    >>> expiry_from_contract("F (Jan 2024)"), expiry_from_contract("K (May 06)"), expiry_from_contract("?")
    (datetime.date(2024, 1, 17), datetime.date(2006, 5, 17), None)
    """
    found = re.search(r"\(\s*([A-Za-z]{3})\w*\s+(\d{2}|\d{4})\s*\)", text)
    if not found or found.group(1).lower() not in MONTHS:
        return None
    year = int(found.group(2))
    return calendars.vix_expiration(year + 2000 if year < 100 else year, MONTHS[found.group(1).lower()])


ISO_ONLY = ("%Y-%m-%d",)
ANY_DATE = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%b %d, %Y", "%d-%b-%Y")


US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})$")


def parse_day(text: str, formats: tuple[str, ...]) -> date | None:
    """A date in one of ``formats``; the two everyday ones without strptime, which costs most of a read.

    >>> parse_day("12/18/2026", ANY_DATE), parse_day("5/15/07", ANY_DATE), parse_day("Jan 02, 2024", ANY_DATE)
    (datetime.date(2026, 12, 18), datetime.date(2007, 5, 15), datetime.date(2024, 1, 2))
    """
    text = text.strip()
    try:
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            return date(int(text[:4]), int(text[5:7]), int(text[8:]))
        us = US_DATE.match(text) if "%m/%d/%Y" in formats else None
        if us:
            month, day, year = (int(part) for part in us.groups())
            return date(year + (2000 if year < 69 else 1900) if len(us.group(3)) == 2 else year, month, day)
    except ValueError:
        return None
    for form in formats:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def parse_number(text: str) -> float | None:
    """A price cell: None for an empty or "null" cell; thousands separators allowed ("4,742.83")."""
    cleaned = text.strip().replace(",", "")
    if not cleaned or cleaned.lower() in MISSING:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else math.nan


class FileReader:
    """Reads one file: ``items()`` yields (line, item or None for a skipped row) in file order."""

    def __init__(self, path: str | os.PathLike, symbol: str | None = None) -> None:
        self.source = regular_file(path)
        self.name = self.source.name
        self.symbol = symbol
        self.layout: Layout | None = None

    def items(self) -> Iterator[tuple[int, Item | None]]:
        records = stream_records(self.source)
        first_line = None
        for count, (line, cells) in enumerate(records):
            first_line = first_line or line
            self.layout = detect_layout(self.source, cells, self.symbol)
            if self.layout is not None:
                break
            if count + 1 >= HEADER_SEARCH_ROWS:
                break
        if self.layout is None:
            if first_line is None:
                raise InputError(self.name, "must have a header row", "an empty file")
            raise InputError(f"{self.name} line {first_line}",
                             "must have a header such as DATE,OPEN,HIGH,LOW,CLOSE (Cboe), Date,Open,High,Low,Close "
                             "(Yahoo, Stooq), DATE,VVIX, date,symbol,close, date,symbol,value or Cboe's VX "
                             "Trade Date,Futures,...,Settle", "no known columns")
        layout = self.layout
        lower = {c.lower(): c for c in layout.columns}
        width = len(layout.columns)
        for line, cells in records:
            if len(cells) != width:
                raise RowError(self.name, line, layout.columns, None, f"must have {width} columns like the header",
                               len(cells))
            row = dict(zip(layout.columns, cells, strict=True))
            yield line, self._item(layout, lower, line, row)

    # -- one row --------------------------------------------------------------------------------------------------
    def _error(self, line: int, column: str | None, rule: str, value: object) -> RowError:
        assert self.layout is not None
        return RowError(self.name, line, self.layout.columns, column, rule, value)

    def _day(self, line: int, column: str, text: str, formats: tuple[str, ...]) -> date:
        day = parse_day(text, formats)
        if day is None:
            rule = "must be a date YYYY-MM-DD" if formats == ISO_ONLY else "must be a date MM/DD/YYYY or YYYY-MM-DD"
            raise self._error(line, column, rule, text)
        return day

    def _price(self, line: int, column: str, text: str, required: bool) -> float | None:
        value = parse_number(text)
        if value is None and not required and text.strip() == "":
            return None
        if value is None or math.isnan(value):
            raise self._error(line, column, "must be a number", text)
        if value < 0 or value >= 1e9:
            raise self._error(line, column, "must be a positive finite number", text)
        if value == 0:
            if required:
                raise self._error(line, column, "must be a positive finite number", text)
            return None  # Cboe writes 0 for an open, high or low it did not record
        return value

    def _row_symbol(self, line: int, column: str, text: str) -> str:
        try:
            return parse_symbol(self.symbol) if self.symbol else parse_symbol(text)
        except InputError:
            raise self._error(line, column, "must be a ticker like SPX or VIX", text) from None

    def _item(self, layout: Layout, lower: dict[str, str], line: int, row: dict[str, str]) -> Item | None:
        if layout.kind == "vx":
            return self._vx(layout, lower, line, row)
        if layout.kind == "settlement":
            day = self._day(line, layout.date_column, row[layout.date_column], ISO_ONLY)
            symbol = self._row_symbol(line, lower["symbol"], row[lower["symbol"]])
            if symbol not in SETTLEMENT_SYMBOLS:
                raise self._error(line, lower["symbol"], "must be SET (SPX AM) or VRO (VIX)", symbol)
            value = self._price(line, lower["value"], row[lower["value"]], required=True)
            assert value is not None
            return SettlementValue(day, symbol, value, "file")
        generic = layout.kind == "generic"
        day = self._day(line, layout.date_column, row[layout.date_column], ISO_ONLY if generic else ANY_DATE)
        if generic:
            symbol = self._row_symbol(line, lower["symbol"], row[lower["symbol"]])
        else:
            assert layout.symbol is not None
            symbol = layout.symbol
        close_column = lower.get("close") or lower.get("price") or layout.columns[1]
        prices = {field: row[lower[field]] for field in ("open", "high", "low") if field in lower}
        close_text = row[close_column]
        if parse_number(close_text) is None and close_text.strip() and all(
                parse_number(text) is None and text.strip() for text in prices.values()):
            return None  # Yahoo's "null" row: a day the provider has no data for
        close = self._price(line, close_column, row[close_column], required=True)
        assert close is not None
        if symbol in SETTLEMENT_SYMBOLS:
            return SettlementValue(day, symbol, close, "file")
        others = {field: self._price(line, lower[field], text, required=False) for field, text in prices.items()}
        return DailyBar(day, symbol, close, others.get("open"), others.get("high"), others.get("low"))

    def _vx(self, layout: Layout, lower: dict[str, str], line: int, row: dict[str, str]) -> VxSettle | None:
        day = self._day(line, layout.date_column, row[layout.date_column], ANY_DATE)
        contract = lower["futures"]
        expiry = layout.expiry or expiry_from_contract(row[contract])
        if expiry is None:
            raise self._error(line, contract, "must name the contract month like F (Jan 2024)", row[contract])
        settle_column = lower["settle"]
        value = parse_number(row[settle_column])
        if value is None or math.isnan(value) or value < 0:
            raise self._error(line, settle_column, "must be a number, zero or more", row[settle_column])
        if value == 0:
            return None  # a day the contract did not trade
        if day < VX_RESCALED:
            value /= 10.0
        if value >= 1e4:
            raise self._error(line, settle_column, "must be below 10000 VIX points", row[settle_column])
        if day > expiry:
            raise self._error(line, layout.date_column, f"must be on or before the contract's expiry {expiry}",
                              row[layout.date_column])
        return VxSettle(day, expiry, value)
