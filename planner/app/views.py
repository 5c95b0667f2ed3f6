"""Positions as plain dictionaries (the JSON of ``planner list --json``) and
the roll-chain figures: a chain is a layer and every layer it was rolled from.

Money fields are dollars (``fees``, ``cost_basis``, ``realized_pnl``,
``chain_cost_basis``, ``chain_realized_pnl``), prices are points per unit,
times are UTC ISO strings, dates ISO dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from planner.domain import Book, Leg, Position


@dataclass(frozen=True, slots=True)
class Chain:
    root_id: int
    ids: tuple[int, ...]  # root first, this position last
    cost_basis: float  # dollars, signed: the root's opening cost
    realized_pnl: float  # dollars, net of fees, of the closed members so far


@dataclass(frozen=True, slots=True)
class _Link:
    rolled_from: int | None
    cost_basis: float
    realized_pnl: float | None


def _chains(links: dict[int, _Link]) -> dict[int, Chain]:
    found: dict[int, Chain] = {}
    for position_id, link in links.items():
        if link.rolled_from is None:  # most positions: a chain of one
            found[position_id] = Chain(position_id, (position_id,), link.cost_basis, link.realized_pnl or 0.0)
            continue
        members = [position_id]
        while links[members[-1]].rolled_from in links and links[members[-1]].rolled_from not in members:
            members.append(links[members[-1]].rolled_from)
        members.reverse()
        realized = sum(links[i].realized_pnl or 0.0 for i in members)
        found[position_id] = Chain(members[0], tuple(members), links[members[0]].cost_basis, realized)
    return found


def chains(book: Book) -> dict[int, Chain]:
    """Roll chain of every position in the book, by position id."""
    return _chains({p.id: _Link(p.rolled_from, p.cost_basis, p.realized_pnl()) for p in book.positions})


def _money(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def leg_dict(leg: Leg) -> dict[str, Any]:
    return {
        "id": leg.id,
        "instrument": str(leg.instrument),
        "right": None if leg.right is None else str(leg.right),
        "strike": leg.strike,
        "expiry": leg.expiry.isoformat(),
        "settlement": str(leg.settlement),
        "quantity": leg.quantity,
        "multiplier": leg.multiplier,
        "open_price": leg.open_price,
        "close_price": leg.close_price,
        "fees": leg.fees,
        "iv": leg.iv,
        "mark": leg.mark,
        "iv_vix": leg.iv_vix,
    }


def position_dict(position: Position, chain: Chain | None = None) -> dict[str, Any]:
    chain = chain or Chain(position.id, (position.id,), position.cost_basis, position.realized_pnl() or 0.0)
    return {
        "id": position.id,
        "kind": str(position.kind),
        "tier": None if position.tier is None else str(position.tier),
        "layer_kind": None if position.layer_kind is None else str(position.layer_kind),
        "status": str(position.status),
        "quantity": position.quantity,
        "open_price": position.open_price,
        "close_price": position.close_price,
        "opened_at": position.opened_at.isoformat(),
        "closed_at": None if position.closed_at is None else position.closed_at.isoformat(),
        "expiry": position.expiry.isoformat(),
        "strikes": [leg.strike for leg in position.legs if leg.strike is not None],
        "rolled_from": position.rolled_from,
        "protects": list(position.protects),
        "note": position.note,
        "settled_estimated": position.settled_estimated,
        "fees": _money(position.fees),
        "cost_basis": _money(position.cost_basis),
        "realized_pnl": _money(position.realized_pnl()),
        "chain_root_id": chain.root_id,
        "chain_ids": list(chain.ids),
        "chain_cost_basis": _money(chain.cost_basis),
        "chain_realized_pnl": _money(chain.realized_pnl),
        "legs": [leg_dict(leg) for leg in position.legs],
    }




def record_dicts(records: list[dict[str, Any]], include_closed: bool = False) -> list[dict[str, Any]]:
    """``position_dict`` for many positions straight from ``Repository.position_records``.

    The fast path of ``planner list --json`` (no domain objects): the figures are
    computed with the same expressions, in the same order, as ``Position``'s, and
    a test holds the two paths equal.
    """
    links: dict[int, _Link] = {}
    figures: dict[int, tuple[float, float, float | None, int]] = {}
    for record in records:
        side = -1 if record["kind"] == "condor" else 1
        legs = record["legs"]
        multiplier = legs[0]["multiplier"]
        fees = sum(leg["fees"] for leg in legs)
        cost_basis = side * record["open_price"] * multiplier * record["quantity"]
        close = record["close_price"]
        realized = None if close is None else side * (close - record["open_price"]) * multiplier * record[
            "quantity"] - fees
        links[record["id"]] = _Link(record["rolled_from"], cost_basis, realized)
        figures[record["id"]] = (fees, cost_basis, realized, side)
    all_chains = _chains(links)
    rows = []
    for record in records:
        if not include_closed and record["status"] != "open":
            continue
        fees, cost_basis, realized, _ = figures[record["id"]]
        chain = all_chains[record["id"]]
        legs = record["legs"]
        rows.append({
            "id": record["id"],
            "kind": record["kind"],
            "tier": record["tier"],
            "layer_kind": record["layer_kind"],
            "status": record["status"],
            "quantity": record["quantity"],
            "open_price": record["open_price"],
            "close_price": record["close_price"],
            "opened_at": record["opened_at"],  # stored as the domain's isoformat() of the UTC moment
            "closed_at": record["closed_at"],
            "expiry": min(leg["expiry"] for leg in legs),
            "strikes": [leg["strike"] for leg in legs if leg["strike"] is not None],
            "rolled_from": record["rolled_from"],
            "protects": record["protects"],
            "note": record["note"],
            "settled_estimated": bool(record["settled_estimated"]),
            "fees": _money(fees),
            "cost_basis": _money(cost_basis),
            "realized_pnl": _money(realized),
            "chain_root_id": chain.root_id,
            "chain_ids": list(chain.ids),
            "chain_cost_basis": _money(chain.cost_basis),
            "chain_realized_pnl": _money(chain.realized_pnl),
            "legs": legs,  # already keyed and ordered as leg_dict()
        })
    return rows


def book_dicts(book: Book, include_closed: bool = False) -> list[dict[str, Any]]:
    """One dict per position (open only unless ``include_closed``), chain figures over the whole book."""
    all_chains = chains(book)
    return [
        position_dict(p, all_chains[p.id]) for p in book.positions if include_closed or p.is_open
    ]


def describe(position: Position) -> str:
    """One line for humans: 'condor 3: 10 x 5400/5450/6300/6350 PM 2026-12-22 credit 12.50'."""
    strikes = "/".join(f"{leg.strike:g}" for leg in position.legs if leg.strike is not None)
    what = "condor" if position.tier is None else f"{position.tier} {position.layer_kind}"
    price_word = "credit" if position.side < 0 else "price"
    text = f"{what} {position.id}: {position.quantity} x {strikes or 'VX'} {position.expiry.isoformat()} " \
           f"{price_word} {position.open_price:g} [{position.status}]"
    if position.close_price is not None:
        text += f" closed at {position.close_price:g}"
        if position.settled_estimated:
            text += " (estimated)"
    return text
