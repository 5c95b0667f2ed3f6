"""Which hedge protects which condor, and how much of each.

A layer linked to some condors protects those, shared pro rata by |condor
vega|; an unlinked layer protects the whole book the same way (DOMAIN.md,
"Hedge protection"). The same shares split a layer's P&L when the risk cap is
checked per condor with its hedges.
"""

from __future__ import annotations

import numpy as np

from planner.domain.positions import Position, PositionKind


def protection_targets(positions: tuple[Position, ...]) -> np.ndarray:
    """[positions x positions]: 1 where row (a layer) protects column (a condor), else 0."""
    count = len(positions)
    targets = np.zeros((count, count))
    condor_index = {p.id: i for i, p in enumerate(positions) if p.kind is PositionKind.CONDOR}
    every_condor = np.fromiter(condor_index.values(), dtype=np.intp, count=len(condor_index))
    whole_book = []
    for row, position in enumerate(positions):
        if position.kind is PositionKind.LAYER:
            named = [condor_index[c] for c in position.protects if c in condor_index]
            if named:
                targets[row, named] = 1.0
            else:
                whole_book.append(row)
    if whole_book:  # one indexed write for every whole-book layer (a row at a time cost seconds at 12,500)
        targets[np.ix_(np.asarray(whole_book, dtype=np.intp), every_condor)] = 1.0
    return targets


def coverage_shares(targets: np.ndarray, position_vega: np.ndarray) -> np.ndarray:
    """[positions x positions]: share of row (a layer) that protects column (a condor).

    targets: ``protection_targets`` of the same positions.
    """
    # Pro rata by |condor vega|; a layer whose condors have no vega splits evenly among them.
    # Computed on the block of layer rows and condor columns only: the rest is zero, and on a book
    # of 3,000 positions the whole square was most of a risk run's time.
    shares = np.zeros(targets.shape)  # calloc'd: untouched pages cost nothing (zeros_like writes them)
    rows, cols = np.flatnonzero(targets.any(axis=1)), np.flatnonzero(targets.any(axis=0))
    if not rows.size:
        return shares
    block = targets[np.ix_(rows, cols)]
    sizes = block * np.abs(np.asarray(position_vega, dtype=float))[None, cols]
    totals = sizes.sum(axis=1, keepdims=True)
    counts = block.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares[np.ix_(rows, cols)] = np.where(totals > 0, sizes / totals, np.where(counts > 0, block / counts, 0.0))
    return shares


def group_weights(weights, fixed, shares, condor_rows) -> tuple[np.ndarray, np.ndarray]:
    """Each condor with its share of its hedges: contract weights and fixed dollars."""
    condors = condor_rows.nonzero()[0]
    layers = (~condor_rows).nonzero()[0]  # only layer rows carry shares
    share = shares[np.ix_(layers, condors)]
    group = weights[condors] + share.T @ weights[layers]
    group_fixed = fixed[condors] + share.T @ fixed[layers]
    return group, group_fixed
