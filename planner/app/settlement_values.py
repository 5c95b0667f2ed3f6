"""Official settlement values typed by hand: ``planner settlement set DATE SYMBOL VALUE`` and the window's
Settlement dialog. One journaled change each (undoable); what the value settles follows from it."""

from __future__ import annotations

from datetime import date, datetime

from planner.app.inputs import ET, parse_date, parse_price
from planner.domain.errors import InputError
from planner.storage import Repository, SettlementValue
from planner.storage import daily_values as store

SYMBOL_NAMES = {"SET": "SPX AM settlement (special opening quotation)", "VRO": "VIX settlement (VRO)"}


def parse_settlement_symbol(value: object) -> str:
    symbol = str(value).strip().upper()
    if symbol not in SYMBOL_NAMES:
        raise InputError("symbol", "must be SET (SPX AM settlement) or VRO (VIX settlement)", value)
    return symbol


def parse_settlement_value(day: object, symbol: object, value: object, now: datetime) -> SettlementValue:
    """Checked inputs: an ISO date not after today, SET or VRO, a positive finite number of points."""
    parsed_day = parse_date("date", day)
    today = now.astimezone(ET).date()
    if parsed_day > today:
        raise InputError("date", f"must not be after today ({today.isoformat()})", parsed_day.isoformat())
    price = parse_price("value", value)
    if price <= 0:
        raise InputError("value", "must be a positive number of index points", value)
    return SettlementValue(parsed_day, parse_settlement_symbol(symbol), price, "typed")


def set_value(repo: Repository, value: SettlementValue) -> SettlementValue | None:
    """Store a typed value (replacing a stored one of that day); returns the one it replaced."""
    before = store.settlement_value(repo.conn, value.day, value.symbol)
    with repo.change(f"settlement {value.symbol} {value.day.isoformat()} = {value.value:g}") as tx:
        store.write_settlement_values(tx, [value])
    return before


def stored_values(repo: Repository, start: date | None = None) -> list[SettlementValue]:
    return [v for v in store.settlement_values(repo.conn) if start is None or v.day >= start]
