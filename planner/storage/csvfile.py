"""CSV that is safe to open in a spreadsheet and exact to read back.

Writing: UTF-8, a header row, numbers as numbers; a text cell that starts
with = + - @ tab or CR (a spreadsheet would run it as a formula) gets a
leading apostrophe. So that reading is the exact inverse, a text cell that
already starts with an apostrophe gets one too, and ``unescape_cell`` drops
exactly one. Files are written through ``output_file.atomic_output`` (never over the book,
mode kept, a crash never leaves half a file).
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.domain.errors import InputError
from planner.storage.output_file import atomic_output

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def escape_cell(value: Any) -> Any:
    """Text that a spreadsheet could run as a formula gets a leading apostrophe.

    >>> escape_cell("=SUM(A1)"), escape_cell("-5 lots"), escape_cell(-5.0), escape_cell("'quoted")
    ("'=SUM(A1)", "'-5 lots", -5.0, "''quoted")
    """
    if isinstance(value, str) and value and (value[0] in FORMULA_STARTS or value[0] == ESCAPE):
        return ESCAPE + value
    return value


def unescape_cell(text: str) -> str:
    """Inverse of ``escape_cell`` for text columns.

    >>> unescape_cell("'=SUM(A1)"), unescape_cell("''quoted"), unescape_cell("plain")
    ('=SUM(A1)', "'quoted", 'plain')
    """
    return text[1:] if text.startswith(ESCAPE) else text


def csv_text(columns: Sequence[str], rows: Iterable[Row]) -> str:
    buffer = io.StringIO(newline="")
    _write(buffer, columns, rows)
    return buffer.getvalue()


UNSAFE_FIRST = frozenset((*FORMULA_STARTS, ESCAPE))
# A cell (after the separator) that starts like a formula, or with the escape itself.
_UNSAFE_CELL = re.compile("\x00[" + re.escape("".join(sorted(UNSAFE_FIRST))) + "]")
_TEXT_ONLY = frozenset((str, type(None)))

Row = Mapping[str, Any] | Sequence[Any]


def _materialise(columns: Sequence[str], rows: Iterable[Row]) -> list[Sequence[Any]]:
    """Rows in column order: tuples and lists as they are, mappings by key."""
    return [
        row if row.__class__ in (tuple, list) else list(map(row.get, columns)) if isinstance(row, Mapping) else row
        for row in rows
    ]


def _escape_columns(table: list[Sequence[Any]]) -> None:
    """``escape_cell`` on every cell, column by column.

    A 40,000-row report has a million cells; looking at each in Python is most
    of an export's time. Per column, C-level calls decide first whether any
    cell needs work: a column without text, or whose text (joined) has no cell
    starting like a formula, is skipped whole.
    """
    copied: set[int] = set()
    for j, column in enumerate(zip(*table, strict=True) if table else ()):
        kinds = set(map(type, column))
        if bool not in kinds:
            if str not in kinds:
                continue
            if kinds <= _TEXT_ONLY and not _UNSAFE_CELL.search("\x00" + "\x00".join(filter(None, column))):
                continue
        replacement: int | str
        for i, value in enumerate(column):
            if value.__class__ is bool:
                replacement = int(value)
            elif value.__class__ is str and value and value[0] in UNSAFE_FIRST:
                replacement = ESCAPE + value
            else:
                continue
            if i not in copied:  # copy only the rows that change, never the caller's
                table[i] = list(table[i])
                copied.add(i)
            table[i][j] = replacement  # type: ignore[index]  # a list since the copy above; declared a Sequence


def _write(handle: Any, columns: Sequence[str], rows: Iterable[Row]) -> int:
    table = _materialise(columns, rows)
    _escape_columns(table)
    writer = csv.writer(handle, lineterminator="\r\n")  # writes None as an empty cell
    writer.writerow([escape_cell(c) for c in columns])
    writer.writerows(table)
    return len(table)


def write_csv(path: str | os.PathLike, columns: Sequence[str], rows: Iterable[Row], book: Path | None = None) -> int:
    """Write rows atomically; returns the number of data rows.

    A row is a mapping keyed by column (missing keys: empty cells) or a
    sequence of values in column order. ``book``: the open database, which
    (with its sidecar files) the target must not be (``output_file``).
    """
    with atomic_output(path, book) as temp, open(temp, "w", encoding="utf-8", newline="") as handle:
        return _write(handle, columns, rows)


# A book of 12,500 positions exports to about 15 MB; a file many times that is the wrong file.
MAX_CSV_BYTES = 64 * 1024 * 1024


def read_input_bytes(source: Path, limit: int, field: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or InputError at once.

    Only regular files: a pipe or a device (/dev/zero) would never end, a folder is no file.
    The type is checked with stat() (which never blocks), before the file is opened.
    """
    try:
        info = source.stat()
    except OSError as exc:
        raise InputError(field, f"must be a readable file ({exc.strerror})", str(source)) from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a pipe, device or socket"
        raise InputError(field, f"must be a regular file, not {kind}", str(source))
    if info.st_size > limit:
        shown = f"{info.st_size / 1e6:,.1f} MB in {source}"
        raise InputError(field, f"must be at most {limit // (1024 * 1024)} MB", shown)
    try:
        with source.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(field, f"must be a readable file ({exc.strerror})", str(source)) from None
    if len(raw) > limit:  # grew while being read
        raise InputError(field, f"must be at most {limit // (1024 * 1024)} MB", f"more in {source}")
    return raw


@dataclass(frozen=True, slots=True)
class CsvTable:
    """Header and raw rows (text as written, still escaped) with their first line numbers."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]

    def error(self, line: int, column: str, rule: str, value: object) -> InputError:
        position = f"{self.name} line {line}"
        if column in self.columns:
            position += f", column {self.columns.index(column) + 1} ({column})"
        return InputError(position, rule, value)


def read_csv(path: str | os.PathLike, max_rows: int | None = None) -> CsvTable:
    """Read a UTF-8 CSV with a header; InputError naming the line for anything malformed.

    ``max_rows``: refuse a longer file before parsing it (lines are counted, so a file of a
    million rows is refused in a fraction of a second instead of parsed for minutes).
    """
    source = Path(path)
    name = source.name
    raw = read_input_bytes(source, MAX_CSV_BYTES)
    if max_rows is not None:
        lines = raw.count(b"\n") + (not raw.endswith(b"\n"))
        if lines - 1 > max_rows:
            raise InputError(name, f"must hold at most {max_rows:,} rows (split it, or check it is the right file)",
                             f"{lines - 1:,} rows")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{name} line {line}", "must be UTF-8 text", f"byte 0x{raw[exc.start]:02x}") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError(f"{name} line {line}", "must be text (found a NUL byte)", "binary data")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    columns: tuple[str, ...] = ()
    next_line = 1
    try:
        for record in reader:
            start, next_line = next_line, reader.line_num + 1
            if not record or all(cell == "" for cell in record):
                continue
            if not columns:
                columns = tuple(cell.strip() for cell in record)
                if len(set(columns)) != len(columns):
                    raise InputError(f"{name} line {start}", "must have unique column names", ",".join(columns))
                continue
            if len(record) != len(columns):
                raise InputError(
                    f"{name} line {start}", f"must have {len(columns)} columns like the header", len(record)
                )
            rows.append((start, dict(zip(columns, record, strict=True))))
    except csv.Error as exc:
        raise InputError(f"{name} line {next_line}", "must be well-formed CSV", str(exc)) from None
    if not columns:
        raise InputError(name, "must have a header row", "an empty file")
    return CsvTable(name, columns, tuple(rows))
