"""The break-even search: brackets from a grid, refined on the exact function."""

from __future__ import annotations

import numpy as np
import pytest

from planner.risk.roots import refine_roots


def _solve(functions, grid, **options):
    curves = np.array([f(grid) for f in functions])
    calls = []

    def evaluate(rows, x):
        calls.append(rows.size)
        return np.array([functions[r](np.array([v]))[0] for r, v in zip(rows, x, strict=True)])

    return refine_roots(grid, curves, evaluate, **options), calls


def test_roots_of_smooth_convex_and_kinked_curves_to_the_width_tolerance():
    grid = np.linspace(4000.0, 7000.0, 401)
    functions = [
        lambda x: (x - 5123.456789) * (x - 6543.21) / 1000.0,  # two roots of a parabola
        lambda x: np.exp((x - 5000.0) / 300.0) - 2.0,  # convex: one end is kept again and again
        lambda x: np.minimum(x - 4500.25, 6800.75 - x) * 100.0,  # piecewise linear with a kink
        lambda x: np.full_like(x, 5.0),  # no root
    ]
    roots, calls = _solve(functions, grid)
    assert roots[0] == pytest.approx([5123.456789, 6543.21], abs=1e-6)
    assert roots[1] == pytest.approx([5000.0 + 300.0 * np.log(2.0)], abs=1e-6)
    assert roots[2] == pytest.approx([4500.25, 6800.75], abs=1e-9)
    assert roots[3] == []
    assert len(calls) <= 8


def test_value_tolerance_stops_as_soon_as_the_value_is_small_enough():
    grid = np.linspace(0.0, 10.0, 11)
    functions = [lambda x: np.exp(x / 3.0) - 5.0]
    exact, _ = _solve(functions, grid)
    loose, _ = _solve(functions, grid, value_tolerance=0.01)
    assert abs(np.exp(loose[0][0] / 3.0) - 5.0) <= 0.01
    assert exact[0][0] == pytest.approx(3.0 * np.log(5.0), abs=1e-7)
