"""What a position's report row takes from the position alone (no market, no moment)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from planner.domain.payoff import max_loss, position_break_evens
from planner.domain.positions import Position
from planner.risk.contracts import BookLayout

# PositionRisk's first fields: id, kind, tier, layer_kind, quantity, expiry.
RowHead = tuple[int | None, str, str | None, str | None, int, date]


class Facts(NamedTuple):
    """What a position's report row takes from the position alone (no market, no moment)."""

    position: Position
    row_head: RowHead
    mark_per_usd: float  # mark = value_usd x this: signed, per unit per package
    expiry_break_evens: tuple[float, ...]
    max_loss: float | None

    @property
    def kind(self) -> str:
        return self.row_head[1]


def position_facts(position: Position) -> Facts:
    break_evens = position_break_evens(position)
    head = (position.id, str(position.kind), str(position.tier) if position.tier else None,
            str(position.layer_kind) if position.layer_kind else None, position.quantity, position.expiry)
    return Facts(position, head, position.side / (position.multiplier * position.quantity), break_evens,
                 max_loss(position))


def layout_facts(layout: BookLayout) -> tuple[Facts, ...]:
    """Each of the layout's positions' facts, kept in its memo: made once per layout."""
    known = layout.derived.get("facts")
    if known is None:
        known = layout.derived["facts"] = tuple(position_facts(p) for p in layout.positions)
    return known
