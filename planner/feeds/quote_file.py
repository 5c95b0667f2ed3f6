"""A quote file another program rewrites: JSON or CSV, parsed into a ``Quote``.

JSON, one object::

    {"spx": 5912.4, "vix": 16.8, "vvix": 91.2, "asof": "2026-11-20T15:30:00-05:00",
     "rate": 0.045, "div": 0.013, "futures": {"2026-12-16": 17.45, "2027-01-20": 18.1}}

CSV, either ``symbol,value`` rows (SPX, VIX, VVIX, RATE, DIV, ASOF and one
``VX 2026-12-16`` row per future) or a header of field names with one row of
values (``spx,vix,vvix,asof``). Only spx and vix are required. Rates and
yields are decimals; a zone-less ``asof`` is New York time.

Every problem raises ``InputError`` naming the field, so the window can show
"error: ..." and keep the last good quote.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from planner.domain.errors import InputError
from planner.domain.instruments import require_finite, require_positive
from planner.feeds.quotes import Quote
from planner.storage.csvfile import read_input_bytes

ET = ZoneInfo("America/New_York")
MAX_BYTES = 1_000_000  # a quote file is a few hundred bytes; anything huge is the wrong file
SCALARS = ("spx", "vix", "vvix", "rate", "div", "asof")
FUTURE_KEY = re.compile(r"^(?:vx|future)[\s:=_-]*(\d{4}-\d{2}-\d{2})$", re.IGNORECASE)
ALIASES = {"div_yield": "div", "dividend": "div", "time": "asof", "timestamp": "asof"}


def read_quote_file(path: str | os.PathLike, source: str | None = None) -> Quote:
    """Parse the file at ``path`` (format from its suffix, else sniffed)."""
    target = Path(path)
    return quote_from_bytes(read_quote_bytes(target), target.suffix.lower(), source or f"file {target.name}")


def read_quote_bytes(path: Path) -> bytes:
    """The file's bytes: a regular file under MAX_BYTES, else InputError at once (a pipe would
    freeze the window that reads it; /dev/zero would never end)."""
    if not path.exists() and not path.is_symlink():
        raise InputError("quote file", "must exist", str(path))
    return read_input_bytes(path, MAX_BYTES, field="quote file")


def quote_from_bytes(data: bytes, suffix: str = "", source: str = "file") -> Quote:
    """``parse_quote_text`` of UTF-8 bytes; every problem is an InputError naming the field."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("quote file", "must be UTF-8 text", f"byte 0x{data[exc.start]:02x}") from None
    if "\x00" in text:
        raise InputError("quote file", "must be text (found a NUL byte)", "binary data")
    try:
        return parse_quote_text(text, suffix, source)
    except RecursionError:
        raise InputError("quote file", "must be one flat JSON object", "nesting too deep") from None
    except csv.Error as exc:
        raise InputError("quote file", "must be well-formed CSV", str(exc)) from None


def parse_quote_text(text: str, suffix: str = "", source: str = "file") -> Quote:
    """JSON when the suffix says so or the text starts with "{", else CSV.

    >>> parse_quote_text('{"spx": 5900, "vix": 16.5}').vix
    16.5
    >>> parse_quote_text("symbol,value\\nSPX,5900\\nVIX,17\\nVX 2026-12-16,18.2").futures
    ((datetime.date(2026, 12, 16), 18.2),)
    """
    stripped = text.strip()
    if not stripped:
        raise InputError("quote file", "must not be empty", "an empty file")
    if suffix == ".json" or (suffix != ".csv" and stripped.startswith("{")):
        return _from_mapping(_json_object(stripped), source)
    return _from_mapping(_csv_mapping(stripped), source)


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError("quote file", f"must be valid JSON (line {exc.lineno}: {exc.msg})", "the file") from None
    if not isinstance(value, dict):
        raise InputError("quote file", "must hold one JSON object with spx and vix", type(value).__name__)
    return value


def _csv_mapping(text: str) -> dict[str, Any]:
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        raise InputError("quote file", "must hold spx and vix", "only empty cells")
    header = [cell.strip().lower() for cell in rows[0]]
    if len(header) >= 2 and header[0] in ("symbol", "field", "name") and header[1] in ("value", "price", "close"):
        mapping: dict[str, Any] = {}
        for line, row in enumerate(rows[1:], start=2):
            if len(row) < 2:
                raise InputError(f"line {line}", "must be symbol,value", ",".join(row))
            mapping[row[0].strip()] = row[1].strip()
        return mapping
    if len(rows) != 2:
        raise InputError("quote file", "must be CSV rows symbol,value or a header row and one row of values",
                         f"{len(rows)} rows")
    return {name: cell.strip() for name, cell in zip(rows[0], rows[1], strict=False)}


def _from_mapping(raw: dict[str, Any], source: str) -> Quote:
    values: dict[str, Any] = {}
    futures: dict[date, float] = {}
    for key, value in raw.items():
        name = ALIASES.get(str(key).strip().lower(), str(key).strip().lower())
        if name == "futures":
            futures.update(_futures(value))
            continue
        match = FUTURE_KEY.match(str(key).strip())
        if match:
            futures[_date(match.group(1))] = require_positive(f"VX {match.group(1)}", value)
        elif name in SCALARS:
            if isinstance(value, (bool, list, dict)) or (name == "asof" and not isinstance(value, str)):
                raise InputError(name, "must be a number" if name != "asof" else "must be an ISO date-time text",
                                 json.dumps(value)[:80])
            values[name] = value
        else:
            raise InputError("quote file", f"must name only {', '.join(SCALARS)} and VX YYYY-MM-DD", key)
    for needed in ("spx", "vix"):
        if values.get(needed) in (None, ""):
            raise InputError(needed, "must be in the quote file", "nothing")
    return Quote(
        spx=require_positive("spx", values["spx"]),
        vix=require_positive("vix", values["vix"]),
        vvix=_optional(values, "vvix", require_positive),
        futures=tuple(sorted(futures.items())),
        rate=_optional(values, "rate", _decimal_rate),
        div=_optional(values, "div", _decimal_rate),
        asof=_optional(values, "asof", _moment),
        source=source,
    )


def _optional(values: dict[str, Any], name: str, parse):
    value = values.get(name)
    return None if value in (None, "") else parse(name, value)


def _futures(value: object) -> dict[date, float]:
    pairs = value.items() if isinstance(value, dict) else value
    if not isinstance(pairs, (list, tuple, type({}.items()))):
        raise InputError("futures", "must map expiry dates to prices", value)
    found = {}
    item: object
    for item in pairs:
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise InputError("futures", "must be [expiry, price] pairs", item)
        day = _date(item[0])
        found[day] = require_positive(f"VX {day.isoformat()}", item[1])
    return found


def _date(value: object) -> date:
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError("future", "must be dated YYYY-MM-DD", value) from None


def _decimal_rate(name: str, value: object) -> float:
    number = require_finite(name, value)
    if abs(number) > 1:
        raise InputError(name, "must be a decimal between -1 and 1 (0.045 for 4.5 %)", value)
    return number


def _moment(name: str, value: object) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(name, "must be an ISO date-time like 2026-11-20T15:30 (ET unless a zone is given)",
                         value) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ET)
