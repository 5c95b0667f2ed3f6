"""The positions report as CSV (one row per leg) and reading it back.

``export_rows`` builds rows; storage's ``write_csv`` writes any columns, so
mark, P&L and Greek columns can be appended by the caller. ``import_rows``
reads the columns below and ignores any other (a report with Greeks imports
the same as a plain one).
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, Literal, TypeVar, overload

from planner.app import entry_iv
from planner.app.position_checks import check_position
from planner.domain import Book, Instrument, LayerKind, Leg, Position, PositionKind, Right, Settlement, Status, Tier
from planner.domain.errors import InputError
from planner.domain.limits import FIRST_DAY, LAST_DAY, MAX_ID
from planner.storage import CsvTable, Repository, read_csv, unescape_cell
from planner.storage.repository import LEG_REPORT_FIELDS

COLUMNS = (
    "position_id", "position_kind", "tier", "layer_kind", "status", "position_qty",
    "position_open_price_pts", "position_close_price_pts", "opened_at", "closed_at",
    "rolled_from_id", "protects_ids", "settled_estimated", "note", "split_from_id",
    "leg_seq", "instrument", "right", "strike_pts", "expiry", "settlement", "leg_qty", "multiplier",
    "leg_open_price_pts", "leg_close_price_pts", "fees_usd", "iv_decimal", "iv_set_at_vix_pts", "mark_pts",
)
POSITION_COLUMNS = COLUMNS[:15]
# Columns a file from an earlier version may lack (read as empty): split_from_id came with partial closes.
OPTIONAL_COLUMNS = frozenset({"split_from_id"})
assert len(COLUMNS) == len(LEG_REPORT_FIELDS)  # report_rows' tuples line up with the columns


def export_rows(book: Book, include_closed: bool = False) -> list[dict[str, Any]]:
    rows = []
    for position in book.positions:
        if not include_closed and not position.is_open:
            continue
        head = {
            "position_id": position.id,
            "position_kind": str(position.kind),
            "tier": None if position.tier is None else str(position.tier),
            "layer_kind": None if position.layer_kind is None else str(position.layer_kind),
            "status": str(position.status),
            "position_qty": position.quantity,
            "position_open_price_pts": position.open_price,
            "position_close_price_pts": position.close_price,
            "opened_at": position.opened_at.isoformat(),
            "closed_at": None if position.closed_at is None else position.closed_at.isoformat(),
            "rolled_from_id": position.rolled_from,
            "protects_ids": ";".join(str(i) for i in position.protects),
            "settled_estimated": int(position.settled_estimated),
            "note": position.note,
            "split_from_id": position.split_from,
        }
        for seq, leg in enumerate(position.legs):
            rows.append({
                **head,
                "leg_seq": seq,
                "instrument": str(leg.instrument),
                "right": None if leg.right is None else str(leg.right),
                "strike_pts": leg.strike,
                "expiry": leg.expiry.isoformat(),
                "settlement": str(leg.settlement),
                "leg_qty": leg.quantity,
                "multiplier": leg.multiplier,
                "leg_open_price_pts": leg.open_price,
                "leg_close_price_pts": leg.close_price,
                "fees_usd": leg.fees,
                "iv_decimal": leg.iv,
                "iv_set_at_vix_pts": leg.iv_vix,
                "mark_pts": leg.mark,
            })
    return rows


def report_rows(repo: Repository, include_closed: bool = False) -> list[tuple]:
    """``export_rows`` as tuples in ``COLUMNS`` order, straight from SQL (the fast path of
    ``planner export``; a test holds it equal to ``export_rows``)."""
    return repo.leg_report_rows(include_closed)


E = TypeVar("E", bound=Enum)


class _Cells:
    """Typed access to one CSV row, with errors naming line and column."""

    def __init__(self, table: CsvTable, line: int, record: dict[str, str]) -> None:
        self.table, self.line, self.record = table, line, record

    def fail(self, column: str, rule: str) -> InputError:
        return self.table.error(self.line, column, rule, self.record.get(column, ""))

    def text(self, column: str) -> str:
        return unescape_cell(self.record.get(column, ""))

    def optional_float(self, column: str) -> float | None:
        raw = self.record.get(column, "").strip()
        if raw == "":
            return None
        try:
            return float(raw)
        except ValueError:
            raise self.fail(column, "must be a number") from None

    def number(self, column: str) -> float:
        value = self.optional_float(column)
        if value is None:
            raise self.fail(column, "must not be empty")
        return value

    @overload
    def integer(self, column: str, optional: Literal[False] = False) -> int: ...
    @overload
    def integer(self, column: str, optional: bool) -> int | None: ...
    def integer(self, column: str, optional: bool = False) -> int | None:
        raw = self.record.get(column, "").strip()
        if raw == "" and optional:
            return None
        try:
            number = int(raw)
        except ValueError:
            raise self.fail(column, "must be a whole number") from None
        if abs(number) > MAX_ID:
            raise self.fail(column, f"must be a whole number of at most {MAX_ID}")
        return number

    @overload
    def enum(self, column: str, enum: type[E], optional: Literal[False] = False) -> E: ...
    @overload
    def enum(self, column: str, enum: type[E], optional: bool) -> E | None: ...
    def enum(self, column: str, enum: type[E], optional: bool = False) -> E | None:
        raw = self.text(column).strip()
        if raw == "" and optional:
            return None
        try:
            return enum(raw)
        except ValueError:
            raise self.fail(column, "must be one of " + "|".join(str(m) for m in enum)) from None

    def day(self, column: str) -> date:
        try:
            day = date.fromisoformat(self.text(column).strip())
        except ValueError:
            raise self.fail(column, "must be a date YYYY-MM-DD") from None
        if not FIRST_DAY <= day <= LAST_DAY:
            raise self.fail(column, f"must be between {FIRST_DAY} and {LAST_DAY}")
        return day

    @overload
    def moment(self, column: str, optional: Literal[False] = False) -> datetime: ...
    @overload
    def moment(self, column: str, optional: bool) -> datetime | None: ...
    def moment(self, column: str, optional: bool = False) -> datetime | None:
        raw = self.text(column).strip()
        if raw == "" and optional:
            return None
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            raise self.fail(column, "must be an ISO date-time with a zone") from None
        if moment.tzinfo is None:
            raise self.fail(column, "must carry a time zone")
        if not FIRST_DAY <= moment.date() <= LAST_DAY:
            raise self.fail(column, f"must be between {FIRST_DAY} and {LAST_DAY}")
        return moment

    def ids(self, column: str) -> tuple[int, ...]:
        raw = self.text(column).strip()
        if not raw:
            return ()
        try:
            ids = tuple(int(part) for part in raw.split(";"))
        except ValueError:
            raise self.fail(column, "must be position ids separated by ;") from None
        if any(not 1 <= i <= MAX_ID for i in ids):
            raise self.fail(column, "must be position ids (1 or more) separated by ;")
        return ids

    def flag(self, column: str) -> bool:
        raw = self.text(column).strip().lower()
        if raw in ("", "0", "false", "no"):
            return False
        if raw in ("1", "true", "yes"):
            return True
        raise self.fail(column, "must be 0 or 1")


def _domain_error(cells: _Cells, error: InputError, columns: dict[str, str]) -> InputError:
    column = columns.get(error.field)
    if column is None:
        return InputError(f"{cells.table.name} line {cells.line}: {error.field}", error.rule, error.value)
    return cells.table.error(cells.line, column, f"{error.field} {error.rule}", error.value)


@contextlib.contextmanager
def _located_in(cells: _Cells, columns: dict[str, str]) -> Iterator[None]:
    """A domain error raised inside, placed at the row's line and the field's column."""
    try:
        yield
    except InputError as error:
        if error.field.startswith(cells.table.name):
            raise
        raise _domain_error(cells, error, columns) from None


def _leg(cells: _Cells) -> Leg:
    with _located_in(cells, LEG_FIELD_COLUMNS):
        return Leg(
            instrument=cells.enum("instrument", Instrument),
            expiry=cells.day("expiry"),
            quantity=cells.integer("leg_qty"),
            right=cells.enum("right", Right, optional=True),
            strike=cells.optional_float("strike_pts"),
            settlement=cells.enum("settlement", Settlement),
            open_price=cells.optional_float("leg_open_price_pts"),
            close_price=cells.optional_float("leg_close_price_pts"),
            fees=cells.optional_float("fees_usd") or 0.0,
            iv=cells.optional_float("iv_decimal"),
            iv_vix=cells.optional_float("iv_set_at_vix_pts"),
            mark=cells.optional_float("mark_pts"),
            multiplier=cells.integer("multiplier"),
        )


def _position(cells: _Cells, legs: tuple[Leg, ...]) -> Position:
    kind = cells.enum("position_kind", PositionKind)
    status = cells.enum("status", Status)
    with _located_in(cells, FIELD_COLUMNS):
        position = Position(
            kind=kind,
            legs=legs,
            quantity=cells.integer("position_qty"),
            open_price=cells.number("position_open_price_pts"),
            opened_at=cells.moment("opened_at"),
            tier=cells.enum("tier", Tier, optional=True),
            layer_kind=cells.enum("layer_kind", LayerKind, optional=True),
            status=status,
            closed_at=cells.moment("closed_at", optional=True),
            close_price=cells.optional_float("position_close_price_pts"),
            rolled_from=cells.integer("rolled_from_id", optional=True),
            split_from=cells.integer("split_from_id", optional=True),
            protects=cells.ids("protects_ids"),
            note=cells.text("note"),
            settled_estimated=cells.flag("settled_estimated"),
            id=cells.integer("position_id"),
        )
    if position.open_price < 0 or (position.close_price is not None and position.close_price < 0):
        raise cells.fail("position_open_price_pts", "must be 0 or more")
    if (kind is PositionKind.LAYER) != (position.tier is not None and position.layer_kind is not None):
        raise cells.fail("tier", "must be given (with layer_kind) for layers and empty for condors")
    if (status is Status.OPEN) != (position.close_price is None) or (status is Status.OPEN) != (
        position.closed_at is None
    ):
        raise cells.fail("status", "must be open exactly when close price and close time are empty")
    return position


@dataclass(frozen=True, slots=True)
class ImportResult:
    """skipped: (id in the file, id in the book) of each position the book already held."""

    positions: tuple[Position, ...]
    renumbered: bool
    dropped_links: int
    skipped: tuple[tuple[int, int], ...] = ()


def trade_key(position: Position) -> tuple:
    """What makes a position the same trade: what was opened, how many, at what price and when.
    Not its status, IVs or marks, which the book updates after the file was written."""
    legs = tuple((str(leg.instrument), leg.right and str(leg.right), leg.strike, leg.expiry, str(leg.settlement),
                  leg.quantity) for leg in position.legs)
    return (str(position.kind), position.tier and str(position.tier), position.layer_kind and str(position.layer_kind),
            position.quantity, position.open_price, position.opened_at, legs)


def read_positions(path: str | Path) -> list[Position]:
    """Positions of an exported CSV (ids as in the file), or InputError naming line and column."""
    table = read_csv(path)
    missing = [c for c in COLUMNS if c not in table.columns and c not in OPTIONAL_COLUMNS]
    if missing:
        raise InputError(f"{table.name} line 1", "must have the columns of 'planner export'",
                         "missing " + ",".join(missing))
    grouped: dict[int, list[_Cells]] = defaultdict(list)
    order: list[int] = []
    absent = dict.fromkeys((c for c in OPTIONAL_COLUMNS if c not in table.columns), "")  # an older file: empty
    for line, row in table.rows:
        record = {**absent, **row} if absent else row
        cells = _Cells(table, line, record)
        position_id = cells.integer("position_id")
        if position_id < 1:
            raise cells.fail("position_id", "must be a position number, at least 1")
        if position_id not in grouped:
            order.append(position_id)
        elif any(record[c] != grouped[position_id][0].record[c] for c in POSITION_COLUMNS):
            first = grouped[position_id][0]
            column = next(c for c in POSITION_COLUMNS if record[c] != first.record[c])
            raise cells.fail(column, f"must match the position's first row (line {first.line})")
        grouped[position_id].append(cells)
    if len(table.rows) > MAX_IMPORT_LEGS:
        raise InputError(table.name, f"must hold at most {MAX_IMPORT_LEGS:,} legs", f"{len(table.rows):,} rows")
    positions = []
    for position_id in order:
        rows = sorted(grouped[position_id], key=lambda c: c.integer("leg_seq"))
        for seq, cells in enumerate(rows):
            if cells.integer("leg_seq") != seq:
                raise cells.fail("leg_seq", f"must number the position's legs 0 to {len(rows) - 1}, once each")
        legs = tuple(_leg(cells) for cells in rows)
        position = _position(rows[0], legs)
        try:
            check_position(position)
        except InputError as error:
            raise _located(rows, error) from None
        positions.append(position)
    return positions


# A CHECK a typed position passes, named by the domain's field -> the file's column.
FIELD_COLUMNS = {
    "strikes": "strike_pts", "strike": "strike_pts", "qty": "position_qty", "legs": "leg_seq",
    "credit": "position_open_price_pts", "open_price": "position_open_price_pts",
    "close_price": "position_close_price_pts", "expiry": "expiry", "closed_at": "closed_at", "status": "status",
    "layer_kind": "layer_kind", "note": "note",
}
LEG_FIELD_COLUMNS = {
    "quantity": "leg_qty", "strike": "strike_pts", "open_price": "leg_open_price_pts",
    "close_price": "leg_close_price_pts",
    "mark": "mark_pts", "fees": "fees_usd", "iv": "iv_decimal", "iv_vix": "iv_set_at_vix_pts",
}
MAX_IMPORT_LEGS = 200_000  # 50,000 condors: four times the largest book measured (benchmarks/)


def _located(rows: list[_Cells], error: InputError) -> InputError:
    """The domain's error at the line and column of the file where the position's value is."""
    first = rows[0]
    field = error.field
    if field.startswith("leg "):
        seq_text, _, name = field[4:].partition(" ")
        cells = rows[int(seq_text)] if seq_text.isdigit() and int(seq_text) < len(rows) else first
        column = LEG_FIELD_COLUMNS.get(name, "instrument")
        return cells.table.error(cells.line, column, f"{field} {error.rule}", error.value)
    column = FIELD_COLUMNS.get(field, "position_kind")
    return first.table.error(first.line, column, f"{field} {error.rule}", error.value)


def _insert_order(positions: list[Position]) -> list[Position]:
    """Condors first, then layers, each after the position it was rolled from or split from (a part
    closed out of a position comes after it: the file lists positions by id, and a part's is higher)."""
    ordered = [p for p in positions if p.kind is PositionKind.CONDOR]
    pending = [p for p in positions if p.kind is not PositionKind.CONDOR]
    placed = {p.id for p in ordered}
    in_file = {p.id for p in positions}
    while pending:
        ready = [p for p in pending if all(link not in in_file or link in placed
                                           for link in (p.rolled_from, p.split_from))]
        if not ready:  # a cycle of rolls: cannot come from a real book
            ready = pending[:1]
        for p in ready:
            ordered.append(p)
            placed.add(p.id)
        pending = [p for p in pending if p.id not in placed]
    return ordered


def import_positions(repo: Repository, path: str | Path) -> ImportResult:
    """Add the positions of an exported CSV in one change.

    Ids are kept when none is taken in this database; otherwise every imported
    position gets a new id and links between them follow. Links to positions
    neither in the file nor (when ids are kept) in the database are dropped.
    A position the book already holds (the same trade, ``trade_key``) is
    skipped, so importing a file twice adds nothing; with nothing new, nothing
    is written at all.
    """
    positions = read_positions(path)
    held = {trade_key(p): p.saved_id for p in repo.load_book().positions}
    skipped = tuple((p.saved_id, held[trade_key(p)]) for p in positions if trade_key(p) in held)
    if len(skipped) == len(positions):
        return ImportResult((), False, 0, skipped)
    in_file = {p.saved_id for p in positions}
    dropped = 0
    settings = repo.load_settings()
    entry_iv.load_pricing()  # outside the write lock
    with repo.change(f"import {Path(path).name}") as tx:
        existing = repo.position_ids()
        skipped_ids = dict(skipped)
        keep = not ((in_file - set(skipped_ids)) & existing)
        known = in_file | (existing if keep else set())
        new_ids: dict[int, int] = dict(skipped_ids)  # links to a skipped position go to the book's copy
        stored = []
        for position in _insert_order(positions):
            if position.id in skipped_ids:
                continue
            links = {"rolled_from": position.rolled_from, "split_from": position.split_from}
            for name, link in links.items():
                if link is not None and link not in known:
                    links[name], dropped = None, dropped + 1
            protects = tuple(i for i in position.protects if i in known)
            dropped += len(position.protects) - len(protects)
            if not keep:
                links = {name: None if link is None else new_ids.get(link) for name, link in links.items()}
                protects = tuple(new_ids[i] for i in protects if i in new_ids)
            else:
                links = {name: None if link is None else skipped_ids.get(link, link) for name, link in links.items()}
                protects = tuple(skipped_ids.get(i, i) for i in protects)
            candidate = position.with_changes(id=position.id if keep else None, protects=protects, **links)
            saved = repo.insert_position(tx, candidate)
            new_ids[position.saved_id] = saved.saved_id
            if saved.is_open:  # legs exported before any snapshot get their IVs here
                saved = entry_iv.fill_position(repo, tx, saved, settings)
            stored.append(saved)
        tx.label = f"import {len(stored)} positions from {Path(path).name}"
    return ImportResult(tuple(sorted(stored, key=lambda p: p.saved_id)), not keep, dropped, skipped)
