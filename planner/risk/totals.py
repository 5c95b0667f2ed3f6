"""Sums of value, P&L, day P&L and Greeks for the book, its condors, its hedges and each hedge tier."""

from __future__ import annotations

import numpy as np

from planner.risk.report import Greeks, GroupTotals


def group_totals(table, all_facts, values, pnl, day_pnl, position_greeks) -> dict[str, GroupTotals]:
    """Sums for the book, condors, hedges and each tier (the groups' masks are kept per book layout)."""
    masks = table.derived.get("total_masks")
    if masks is None:
        kinds = [facts.kind for facts in all_facts]
        tiers = [facts.row_head[2] or "" for facts in all_facts]
        groups = {
            "book": [True] * len(all_facts),
            "condors": [kind == "condor" for kind in kinds],
            "hedges": [kind == "layer" for kind in kinds],
        }
        for tier in ("near", "mid", "long"):
            groups[tier] = [kind == "layer" and t == tier for kind, t in zip(kinds, tiers, strict=True)]
        masks = table.derived["total_masks"] = (tuple(groups), np.array(list(groups.values()), dtype=float)
                                                .reshape(len(groups), len(all_facts)))
    names, mask_matrix = masks
    count = len(all_facts)
    # Every group's sums in one product: [groups x positions] @ [positions x figures].
    figures = [values, pnl, *(position_greeks[g] for g in Greeks.__slots__)]
    if day_pnl is not None:
        figures.append(day_pnl)
    sums = (mask_matrix @ np.array(figures, dtype=float).reshape(len(figures), count).T).tolist()
    greeks_count = len(Greeks.__slots__)
    return {
        name: GroupTotals(row[0], row[1], None if day_pnl is None else row[-1], Greeks(*row[2:2 + greeks_count]))
        for name, row in zip(names, sums, strict=True)
    }
