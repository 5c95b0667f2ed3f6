"""The drawn curve keeps what the eye needs: every dropped point stays within tolerance of it."""

import itertools

import numpy as np
import pytest

from planner.pricing import _kernel
from planner.risk.curve_points import drawn_points

native_only = pytest.mark.skipif(_kernel.NATIVE is None, reason="compiled kernels not built")


def worst_miss(x, y, keep):
    """Independent check: the largest vertical distance of a dropped point from the straight
    line between the kept points either side of it."""
    kept = np.flatnonzero(keep)
    worst = 0.0
    for left, right in itertools.pairwise(kept):
        inside = np.arange(left + 1, right)
        if inside.size:
            line = np.interp(x[inside], [x[left], x[right]], [y[left], y[right]])
            worst = max(worst, float(np.max(np.abs(line - y[inside]))))
    return worst


def condor_like(x):
    """Flat wings, a smooth hump, a kink: the shapes of the risk graph's curves."""
    hump = 4000 * np.exp(-((x - 5900) / 150) ** 2)
    wings = np.clip((x - 5600) * 40, -20000, 0) + np.clip((6200 - x) * 40, -20000, 0)
    return hump + wings


@native_only
def test_no_dropped_point_strays_further_than_the_tolerance():
    x = np.linspace(4700, 7100, 401)
    rng = np.random.default_rng(7)
    curves = np.vstack([condor_like(x), condor_like(x) * 0.5 + 300, rng.normal(size=x.size).cumsum() * 50])
    for tolerance in (0.0, 0.5, 5.0, 50.0):
        keep = drawn_points(x, curves, tolerance)
        for y, kept in zip(curves, keep, strict=True):
            assert kept[0] and kept[-1]
            assert worst_miss(x, y, kept) <= tolerance + 1e-9


@native_only
def test_straight_stretches_shrink_to_their_ends():
    x = np.linspace(0.0, 1.0, 401)
    flat_then_ramp = np.where(x < 0.5, 10.0, 10.0 + (x - 0.5) * 100)
    keep = drawn_points(x, flat_then_ramp, 1e-6)[0]
    assert np.flatnonzero(keep).tolist() == [0, 200, 400]
    # A real curve: far fewer points, none of the shape lost at a tenth of a pixel on a 600-pixel plot.
    y = condor_like(np.linspace(4700, 7100, 401))
    keep = drawn_points(np.linspace(4700, 7100, 401), y, np.ptp(y) * 1e-4)[0]
    assert keep.sum() < 0.6 * keep.size


@native_only
def test_gaps_stay_gaps():
    x = np.linspace(0.0, 1.0, 11)
    y = np.zeros(11)
    y[5] = np.nan
    keep = drawn_points(x, y, 1.0)[0]
    assert keep[[0, 4, 5, 6, 10]].all()
    assert not keep[[1, 2, 3, 7, 8, 9]].any()


def test_without_the_compiled_kernel_every_point_is_drawn(monkeypatch):
    monkeypatch.setattr(_kernel, "NATIVE", None)
    x = np.linspace(0.0, 1.0, 50)
    assert drawn_points(x, np.zeros((2, 50)), 1.0).all()


@native_only
def test_bad_calls_are_refused():
    from planner.pricing import _native

    x = np.linspace(0.0, 1.0, 5)
    with pytest.raises(ValueError, match="increasing"):
        _native.curve_points(x[::-1].copy(), np.zeros((1, 5)), 1.0, np.ones((1, 5), dtype=bool))
    with pytest.raises(ValueError, match="finite"):
        _native.curve_points(np.array([0.0, 1.0, np.inf]), np.zeros((1, 3)), 1.0, np.ones((1, 3), dtype=bool))
    with pytest.raises(ValueError, match="tolerance"):
        _native.curve_points(x, np.zeros((1, 5)), float("nan"), np.ones((1, 5), dtype=bool))
    with pytest.raises(ValueError, match="keep"):
        _native.curve_points(x, np.zeros((2, 5)), 1.0, np.ones((1, 5), dtype=bool))
    with pytest.raises(ValueError, match="curves"):
        drawn_points(x, np.zeros((1, 4)), 1.0)
