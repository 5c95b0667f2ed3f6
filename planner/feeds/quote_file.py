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

ET = ZoneInfo("America/New_York")
MAX_BYTES = 1_000_000  # a quote file is a few hundred bytes; anything huge is the wrong file
SCALARS = ("spx", "vix", "vvix", "rate", "div", "asof")
FUTURE_KEY = re.compile(r"^(?:vx|future)[\s:=_-]*(\d{4}-\d{2}-\d{2})$", re.IGNORECASE)
ALIASES = {"div_yield": "div", "dividend": "div", "time": "asof", "timestamp": "asof"}


def read_quote_file(path: str | os.PathLike, source: str | None = None) -> Quote:
    """Parse the file at ``path`` (format from its suffix, else sniffed)."""
    target = Path(path)
    try:
        size = target.stat().st_size
        if size > MAX_BYTES:
            raise InputError("quote file", f"must be under {MAX_BYTES:,} bytes", f"{size:,} bytes")
        text = target.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("quote file", "must exist", str(target)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError("quote file", f"must be readable UTF-8 text ({type(exc).__name__})", str(target)) from None
    return parse_quote_text(text, target.suffix.lower(), source or f"file {target.name}")


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
