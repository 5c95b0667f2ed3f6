"""The points a drawn P&L curve needs.

The risk engine prices its curves on a fine, even SPX grid (401 points) so that
break-evens and kinks are found accurately. Drawn as they are, most of those
points sit on straight stretches (the flat wings beyond the strikes, the linear
parts of expiry payoffs), and an antialiased thick pen costs in proportion to
the points it strokes. ``drawn_points`` keeps only the points a polyline needs
to stay within ``tolerance`` of every point (Douglas-Peucker, vertical
distance), typically a third of them, so the drawn curve is the priced curve to
within a fraction of a pixel. The compiled kernel does it in microseconds;
without it every point is drawn.
"""

from __future__ import annotations

import numpy as np

from planner.pricing import _kernel

# A ten-thousandth of the curves' P&L span: a tenth of a pixel on the tallest plot, and no more
# than the 401-point grid's own interpolation error where the curves bend.
RELATIVE_TOLERANCE = 1e-4


def drawn_points(x: np.ndarray, curves: np.ndarray, tolerance: float) -> np.ndarray:
    """A bool mask [curves x n]: the points each curve (a row of ``curves``) needs over ``x``
    (increasing) so that no dropped point lies further than ``tolerance`` (in the curves' units)
    from the polyline through the kept ones. Non-finite values and their neighbours are kept,
    so that gaps stay gaps."""
    x = np.ascontiguousarray(x, dtype=np.float64)
    curves = np.ascontiguousarray(np.atleast_2d(curves), dtype=np.float64)
    if curves.shape[1] != x.size:
        raise ValueError(f"curves: expected {x.size} points per curve, got {curves.shape[1]}")
    keep = np.ones(curves.shape, dtype=bool)
    native = getattr(_kernel.NATIVE, "curve_points", None)  # None without the kernels (or an older build)
    if native is not None and x.size > 2:
        native(x, curves, float(tolerance), keep)
    return keep
