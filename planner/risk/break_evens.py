"""Break-evens found on the curves: each condor today, and the book today and at the curve's expiry.

A condor's own expiry break-evens need no search (``planner.domain.payoff``);
these are the levels where a row of the book crosses zero with VIX moving along
the curve, refined to a tenth of a cent of P&L.
"""

from __future__ import annotations

import numpy as np

from planner.risk.contracts import ContractTable
from planner.risk.roots import refine_roots
from planner.risk.valuation import values_at


def curve_break_evens(table, model, market, positions, grid, each_condor_today, book_today, book_expiry,
                 fixed, offset, years_expiry, curve_vix, expiry_sessions) -> dict[str, list[list[float]]]:
    """Break-evens today (each condor and the book) and at the curve's expiry (the book), in one search.

    Per position and a last row for the book; other positions get none. The
    rows are solved together, each valued at its own moment, and each bracket
    on the contracts its row holds only (four for a condor), so the cost grows
    with the legs involved, not the whole book.
    """
    condor_rows, row_start, row_length, held, held_weight = break_even_rows(table)
    rows_fixed = np.concatenate([fixed[condor_rows], [fixed.sum(), fixed.sum()]])
    rows_curves = np.vstack([each_condor_today, book_today, book_expiry])
    at_expiry = np.zeros(rows_curves.shape[0], dtype=bool)
    at_expiry[-1] = True

    def evaluate(rows, x):
        # Each bracket's (row's) contracts, gathered from the rows' ranges of ``held``.
        counts = row_length[rows]
        bracket = np.repeat(np.arange(rows.size), counts)
        pair = np.arange(counts.sum()) + np.repeat(row_start[rows] - np.cumsum(counts) + counts, counts)
        contracts = held[pair]
        spx = x[bracket]
        expiring = at_expiry[rows[bracket]]
        # VIX as on each curve: a one-session shock today, the move over the sessions to expiry there.
        vix = np.where(expiring, curve_vix(spx, expiry_sessions), curve_vix(spx, 1.0))
        years = np.where(expiring, years_expiry[contracts], table.years[contracts])
        values = values_at(table, model, contracts, spx, vix, years)
        values += np.where(expiring, 0.0, offset[contracts])  # a typed mark's gap applies today only
        return np.bincount(bracket, values * held_weight[pair], minlength=rows.size) - rows_fixed[rows]

    # A tenth of a cent of P&L: the break-even to the precision P&L is shown at, in two or three steps.
    roots = refine_roots(grid, rows_curves, evaluate, value_tolerance=0.001)
    today: list[list[float]] = [[] for _ in range(len(positions) + 1)]
    for k, row in enumerate(condor_rows):
        today[row] = sorted(round(x, 6) for x in roots[k])
    today[-1] = sorted(round(x, 6) for x in roots[-2])
    expiry: list[list[float]] = [[] for _ in range(len(positions) + 1)]
    expiry[-1] = sorted(round(x, 6) for x in roots[-1])
    return {"today": today, "expiry": expiry}


def break_even_rows(table: ContractTable) -> tuple:
    """The break-even search's rows (each condor, the book today, the book at expiry) as ranges of
    (contract, weight) pairs: (condor positions, row_start, row_length, contracts, weights).
    Made once per book layout."""
    known = table.derived.get("break_even_rows")
    if known is None:
        condor_rows = table.condor_rows.nonzero()[0]
        book_weights = table.weights.sum(axis=0)
        rows_weights = np.vstack([table.weights[condor_rows], book_weights, book_weights])
        row_of, held = np.nonzero(rows_weights)  # row-major: each row's pairs together
        row_length = np.bincount(row_of, minlength=rows_weights.shape[0])
        row_start = np.concatenate([[0], np.cumsum(row_length)[:-1]])
        known = table.derived["break_even_rows"] = (condor_rows, row_start, row_length, held,
                                                    rows_weights[row_of, held])
    return known
