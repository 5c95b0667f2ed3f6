"""Rows <-> domain objects. Times are stored as UTC ISO strings, exactly what
``datetime.isoformat()`` gives for the UTC moment (microseconds only when not
zero; text order is still time order, as "+" sorts before "."); dates as ISO dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from planner.domain import (
    Instrument,
    LayerKind,
    Leg,
    MarketSnapshot,
    Position,
    PositionKind,
    Right,
    Settlement,
    Status,
    Tier,
)

POSITION_COLUMNS = (
    "id", "kind", "tier", "layer_kind", "status", "quantity", "open_price", "close_price",
    "opened_at", "closed_at", "rolled_from", "note", "settled_estimated", "split_from",
)
LEG_COLUMNS = (
    "id", "position_id", "seq", "instrument", "option_right", "strike", "expiry", "settlement",
    "quantity", "multiplier", "open_price", "close_price", "fees", "iv", "mark", "iv_vix",
)


def moment_text(moment: datetime) -> str:
    """UTC ISO text of an aware datetime.

    >>> from datetime import timezone, timedelta
    >>> moment_text(datetime(2026, 11, 20, 16, 0, tzinfo=timezone(timedelta(hours=-5))))
    '2026-11-20T21:00:00+00:00'
    >>> moment_text(datetime(2026, 11, 20, 21, 0, 0, 500, tzinfo=UTC))
    '2026-11-20T21:00:00.000500+00:00'
    """
    if moment.tzinfo is None:
        raise ValueError("naive datetime reached storage")
    return moment.astimezone(UTC).isoformat()


def parse_moment_text(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def position_row(position: Position) -> dict[str, Any]:
    return {
        "id": position.id,
        "kind": str(position.kind),
        "tier": None if position.tier is None else str(position.tier),
        "layer_kind": None if position.layer_kind is None else str(position.layer_kind),
        "status": str(position.status),
        "quantity": int(position.quantity),
        "open_price": float(position.open_price),
        "close_price": None if position.close_price is None else float(position.close_price),
        "opened_at": moment_text(position.opened_at),
        "closed_at": None if position.closed_at is None else moment_text(position.closed_at),
        "rolled_from": position.rolled_from,
        "note": position.note,
        "settled_estimated": int(bool(position.settled_estimated)),
        "split_from": position.split_from,
    }


def leg_row(leg: Leg, position_id: int, seq: int) -> dict[str, Any]:
    return {
        "id": leg.id,
        "position_id": position_id,
        "seq": seq,
        "instrument": str(leg.instrument),
        "option_right": None if leg.right is None else str(leg.right),
        "strike": None if leg.strike is None else float(leg.strike),
        "expiry": leg.expiry.isoformat(),
        "settlement": str(leg.settlement),
        "quantity": int(leg.quantity),
        "multiplier": int(leg.multiplier),
        "open_price": _float_or_none(leg.open_price),
        "close_price": _float_or_none(leg.close_price),
        "fees": float(leg.fees),
        "iv": _float_or_none(leg.iv),
        "mark": _float_or_none(leg.mark),
        "iv_vix": _float_or_none(leg.iv_vix),
    }


def _float_or_none(value: float | None) -> float | None:
    return None if value is None else float(value)


def leg_from_row(row: dict[str, Any]) -> Leg:
    right = row["option_right"]
    return Leg(
        instrument=Instrument(row["instrument"]),
        expiry=date.fromisoformat(row["expiry"]),
        quantity=int(row["quantity"]),
        right=None if right is None else Right(right),
        strike=row["strike"],
        settlement=Settlement(row["settlement"]),
        open_price=row["open_price"],
        close_price=row["close_price"],
        fees=row["fees"],
        iv=row["iv"],
        mark=row["mark"],
        iv_vix=row["iv_vix"],
        multiplier=int(row["multiplier"]),
        id=row["id"],
    )


def position_from_row(row: dict[str, Any], legs: Iterable[Leg], protects: Iterable[int]) -> Position:
    return Position(
        kind=PositionKind(row["kind"]),
        legs=tuple(legs),
        quantity=int(row["quantity"]),
        open_price=row["open_price"],
        opened_at=datetime.fromisoformat(row["opened_at"]),
        tier=None if row["tier"] is None else Tier(row["tier"]),
        layer_kind=None if row["layer_kind"] is None else LayerKind(row["layer_kind"]),
        status=Status(row["status"]),
        closed_at=parse_moment_text(row["closed_at"]),
        close_price=row["close_price"],
        rolled_from=row["rolled_from"],
        protects=tuple(sorted(protects)),
        note=row["note"],
        settled_estimated=bool(row["settled_estimated"]),
        split_from=row.get("split_from"),
        id=row["id"],
    )


def snapshot_row(snapshot: MarketSnapshot) -> dict[str, Any]:
    return {
        "id": snapshot.id,
        "asof": moment_text(snapshot.asof),
        "spx": float(snapshot.spx),
        "vix": float(snapshot.vix),
        "vvix": _float_or_none(snapshot.vvix),
        "rate": float(snapshot.rate),
        "div_yield": float(snapshot.div_yield),
        "source": snapshot.source,
    }


def snapshot_from_row(row: dict[str, Any], futures: Iterable[tuple[str, float]]) -> MarketSnapshot:
    return MarketSnapshot(
        asof=datetime.fromisoformat(row["asof"]),
        spx=row["spx"],
        vix=row["vix"],
        rate=row["rate"],
        div_yield=row["div_yield"],
        vvix=row["vvix"],
        vix_futures=tuple(sorted((date.fromisoformat(d), p) for d, p in futures)),
        source=row["source"],
        id=row["id"],
    )
