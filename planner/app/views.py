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


# position id -> (rolled_from, cost basis $, realized P&L $ or None)
Links = dict[int, tuple[int | None, float, float | None]]


def chain_of(position_id: int, links: Links) -> Chain:
    """The chain ending at ``position_id``: walk ``rolled_from`` back to the root."""
    members = [position_id]
    while links[members[-1]][0] in links and links[members[-1]][0] not in members:
        members.append(links[members[-1]][0])
    members.reverse()
    realized = sum(links[i][2] or 0.0 for i in members)
    return Chain(members[0], tuple(members), links[members[0]][1], realized)


def chains(book: Book) -> dict[int, Chain]:
    """Roll chain of every position in the book, by position id."""
    links = {p.id: (p.rolled_from, p.cost_basis, p.realized_pnl()) for p in book.positions}
    return {position_id: chain_of(position_id, links) for position_id in links}


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
        "split_from": position.split_from,
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
