"""Break-evens: where a P&L curve crosses zero, refined on the exact valuation.

The grid finds each crossing; a batched Anderson-Bjorck (regula falsi) step then
solves every bracket at once on the real pricing function, so an expiry
break-even of a condor comes out at K2 - C to machine precision instead of
wherever linear interpolation between grid points happens to land.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def crossing_brackets(grid: np.ndarray, curves: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, i) of every sign change between grid[i] and grid[i+1] of each curve row."""
    signs = np.sign(curves)
    change = signs[:, :-1] * signs[:, 1:] < 0
    exact = (signs[:, :-1] == 0) & (signs[:, 1:] != 0)
    rows, cols = np.nonzero(change | exact)
    return rows, cols


def refine_roots(
    grid: np.ndarray,
    curves: np.ndarray,
    evaluate: Callable[[np.ndarray, np.ndarray], np.ndarray],
    tolerance: float = 1e-7,
    max_iterations: int = 60,
    value_tolerance: float = 0.0,
) -> list[list[float]]:
    """Roots per curve row. ``evaluate(rows, x)`` returns each row's P&L at x.

    Stops when the bracket is narrower than ``tolerance`` (grid units) or the
    value is zero to 1e-9 of the bracket's end values or to ``value_tolerance``
    (the curve's units), whichever is looser.
    """
    rows, cols = crossing_brackets(grid, curves)
    result: list[list[float]] = [[] for _ in range(curves.shape[0])]
    if rows.size == 0:
        return result
    a, b = grid[cols].astype(float), grid[cols + 1].astype(float)
    fa, fb = curves[rows, cols].astype(float), curves[rows, cols + 1].astype(float)
    x = np.where(fa == 0, a, b)
    done = fa == 0
    width_tolerance = tolerance  # in the grid's units (index points): far below a displayed cent
    value_tolerances = np.maximum(value_tolerance, 1e-9 * np.maximum(1.0, np.abs(fa) + np.abs(fb)))
    last = np.zeros(rows.size)  # +1: b was replaced last step, -1: a was
    for _ in range(max_iterations):
        active = np.flatnonzero(~done)
        if active.size == 0:
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            c = (a[active] * fb[active] - b[active] * fa[active]) / (fb[active] - fa[active])
        c = np.where(np.isfinite(c), c, 0.5 * (a[active] + b[active]))
        fc = evaluate(rows[active], c)
        x[active] = c
        fa_old, fb_old = fa[active], fb[active]
        same_b = np.sign(fc) == np.sign(fb_old)
        # Anderson-Bjorck: an end kept twice in a row has its value scaled by
        # 1 - fc / f(the end just replaced) (by 1/2 when that is not positive), so
        # the secant stops creeping from one side on convex pieces; close to the
        # root the factor is near 1 and the step is nearly the plain secant's.
        with np.errstate(divide="ignore", invalid="ignore"):
            scale_a, scale_b = 1.0 - fc / fb_old, 1.0 - fc / fa_old
        scale_a = np.where(scale_a > 0, scale_a, 0.5)
        scale_b = np.where(scale_b > 0, scale_b, 0.5)
        fa[active] = np.where(same_b & (last[active] == 1), fa_old * scale_a, fa_old)
        fb[active] = np.where(~same_b & (last[active] == -1), fb_old * scale_b, fb_old)
        b[active] = np.where(same_b, c, b[active])
        fb[active] = np.where(same_b, fc, fb[active])
        a[active] = np.where(same_b, a[active], c)
        fa[active] = np.where(same_b, fa[active], fc)
        last[active] = np.where(same_b, 1, -1)
        converged = (np.abs(fc) <= value_tolerances[active]) | (np.abs(b[active] - a[active]) <= width_tolerance)
        done[active] = converged
    for row, root in zip(rows, x, strict=True):
        result[int(row)].append(float(root))
    return result
