"""The SPX x VIX scenario matrix: the book's P&L with and without its hedges on a grid of SPX moves and
VIX levels, its SPX prices computed on a background thread while the caller draws the curves."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from planner.domain.market import MarketSnapshot
from planner.risk.grid import THREADS
from planner.risk.report import ScenarioMatrix
from planner.risk.valuation import start_matrix_values

FULL_MATRIX = (101, 61)
LIGHT_MATRIX = (21, 15)


def matrix_axes(market: MarketSnapshot, light: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """SPX moves -30 % .. +10 % and VIX 10 .. 80, with 0 % and today's VIX exactly on their axes.

    Read-only arrays, kept per (mode, VIX level): the backtest asks for them on every review.
    """
    return _axes(light, float(market.vix))


@lru_cache(maxsize=256)
def _axes(light: bool, vix: float) -> tuple[np.ndarray, np.ndarray]:
    moves, levels = _even_axes(light)
    levels = _with_exact(levels, vix)
    levels.flags.writeable = False
    return moves, levels


@lru_cache(maxsize=2)
def _even_axes(light: bool) -> tuple[np.ndarray, np.ndarray]:
    n_spx, n_vix = LIGHT_MATRIX if light else FULL_MATRIX
    moves = _with_exact(np.linspace(-0.30, 0.10, n_spx), 0.0)
    levels = np.linspace(10.0, 80.0, n_vix)
    moves.flags.writeable = levels.flags.writeable = False
    return moves, levels


def _with_exact(axis: np.ndarray, value: float) -> np.ndarray:
    nearest = int(np.argmin(np.abs(axis - value)))
    if abs(axis[nearest] - value) <= 1e-9 * max(1.0, abs(value)):
        axis = axis.copy()
        axis[nearest] = value
        return axis
    return np.sort(np.append(axis, value))


class PendingScenarios:
    """The matrix and risk used of an analysis whose SPX prices are computing on the background thread."""

    def __init__(self, pending, finish) -> None:
        self._pending, self._finish = pending, finish

    def result(self):
        return self._finish(self._pending.result())


def start_matrix(table, model, market, settings, positions, today, fixed, shares, light):
    """``_matrix`` (the matrix and each condor's risk used), as an object whose ``result()`` gives it.

    The SPX prices (the costliest part) are left to the background thread as one
    C call without the GIL, while the caller draws the curves; everything that needs the
    interpreter stays on the caller's thread, so the two never wait on each other for the GIL.
    Light mode's coarse matrix is not worth a thread.
    """
    moves, levels = matrix_axes(market, light)
    background = not light and table.size > 0
    pending = start_matrix_values(table, model, market.spx * (1 + moves), levels, today.offset,
                                  threads=1 if light else THREADS, background=background)

    def finish(values):
        return _matrix(table, positions, fixed, (moves, levels), market.vix, values, light)

    return PendingScenarios(pending, finish)


def _matrix(table, positions, fixed, axes, vix, values, light=False):
    moves, levels = axes
    spot_index = int((moves == 0.0).nonzero()[0][0])
    vix_index = int((levels == vix).nonzero()[0][0])
    shape = (levels.size, moves.size)
    if not positions:
        zeros = np.zeros(shape)
        return ScenarioMatrix(moves, levels, zeros, zeros.copy(), spot_index, vix_index)
    spx_rows, spx_values, vix_rows, vix_values = values
    condor_rows = table.is_condor_row()
    # The rules' what-ifs start from each position's P&L in the plausible scenarios (``PlausibleRisk``),
    # not from the grid: only the two totals are needed here, in either mode.
    totals = np.vstack([table.weights.sum(axis=0), table.weights[condor_rows].sum(axis=0)])
    totals_fixed = np.array([fixed.sum(), fixed[condor_rows].sum()])
    hedged, unhedged = _grid_pnl(totals, totals_fixed, spx_rows, spx_values, vix_rows, vix_values, shape)
    return ScenarioMatrix(moves, levels, hedged, unhedged, spot_index, vix_index)


def _grid_pnl(weights, fixed, spx_rows, spx_values, vix_rows, vix_values, shape):
    """P&L grids [rows x VIX levels x SPX moves] for rows of contract weights.

    VIX contracts depend on the VIX axis only and are added as a column broadcast.
    """
    pnl = np.empty((weights.shape[0], *shape))
    pnl[...] = -fixed[:, None, None]
    if spx_rows.size:
        pnl += (weights[:, spx_rows] @ spx_values.reshape(spx_rows.size, -1)).reshape(-1, *shape)
    if vix_rows.size:
        pnl += (weights[:, vix_rows] @ vix_values)[:, :, None]
    return pnl
