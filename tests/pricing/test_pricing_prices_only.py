"""Price-only functions (scenario grids) against the mpmath reference."""

from __future__ import annotations

import numpy as np
import pytest

from planner.pricing.prices import black76_price, bsm_price
from planner.risk.grid import bsm_grid


def _inputs(rng, n):
    spot = rng.uniform(1000, 8000, n)
    strike = spot * np.exp(rng.normal(0, 0.25, n))
    t = np.exp(rng.uniform(np.log(1e-5), np.log(3.0), n))  # minutes to three years
    vol = rng.uniform(0.02, 2.5, n)
    return rng.random(n) < 0.5, spot, strike, t, vol


def test_bsm_price_matches_the_reference_to_1e12_of_the_underlying(rng, reference, kernel_path):
    is_call, spot, strike, t, vol = _inputs(rng, 400)
    r, q = 0.045, 0.013
    got = bsm_price(is_call, spot, strike, t, vol, r, q)
    for i in range(got.size):
        expected = float(reference.bsm(bool(is_call[i]), spot[i], strike[i], t[i], vol[i], r, q).price)
        assert abs(got[i] - expected) <= 1e-12 * max(spot[i], strike[i]), i


def test_black76_price_matches_the_reference(rng, reference, kernel_path):
    forward = rng.uniform(10, 80, 300)
    strike = rng.uniform(8, 100, 300)
    t = np.exp(rng.uniform(np.log(1e-4), np.log(1.0), 300))
    vol = rng.uniform(0.3, 2.5, 300)  # vol of vol up to 250 %
    is_call = rng.random(300) < 0.7
    got = black76_price(is_call, forward, strike, t, vol, 0.045)
    for i in range(got.size):
        expected = float(reference.black76(bool(is_call[i]), forward[i], strike[i], t[i], vol[i], 0.045).price)
        assert abs(got[i] - expected) <= 1e-12 * max(forward[i], strike[i]), i


def test_expired_and_zero_vol_give_discounted_intrinsic(kernel_path):
    assert bsm_price(True, 110.0, 100.0, 0.0, 0.2, 0.05, 0.0) == pytest.approx(10.0)
    assert bsm_price(False, 90.0, 100.0, 1.0, 0.0, 0.0, 0.0) == pytest.approx(10.0)
    with pytest.raises(ValueError, match=r"spot must be finite and > 0, got -1"):
        bsm_price(True, -1.0, 100.0, 1.0, 0.2, 0.0, 0.0)


@pytest.mark.parametrize("curve", [False, True])
@pytest.mark.parametrize("count", [9, 120])  # 120 contracts: split over the worker threads
def test_risk_grid_kernel_agrees_with_the_price_function(rng, curve, count, kernel_path):
    rows, spots = 62, np.linspace(4000, 6500, 101)
    is_call = rng.random(count) < 0.5
    strike = rng.uniform(4500, 6500, count)
    years = rng.uniform(0.001, 0.5, count)
    vols = rng.uniform(0.05, 0.9, (count, spots.size if curve else rows))
    out = np.empty((count, spots.size)) if curve else None
    got = bsm_grid(is_call, strike, years, vols, spots, 0.045, 0.013, out=out)
    if curve:
        expected = bsm_price(is_call[:, None], spots[None, :], strike[:, None], years[:, None], vols, 0.045, 0.013)
    else:
        expected = bsm_price(is_call[:, None, None], spots[None, None, :], strike[:, None, None],
                             years[:, None, None], vols[:, :, None], 0.045, 0.013)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def test_black76_on_each_contracts_own_futures_agrees_with_the_price_function(rng, kernel_path):
    from planner.pricing import _kernel
    from planner.risk.grid import prices_on_axes

    if _kernel.NATIVE is None:
        pytest.skip("the compiled kernels are not built")
    count, points = 7, 45
    futures = rng.uniform(12, 60, (count, points))
    is_call, strike = rng.random(count) < 0.7, rng.uniform(10, 50, count)
    years, vols = rng.uniform(0.01, 0.5, count), rng.uniform(0.4, 2.5, count)
    got = prices_on_axes(is_call, strike, years, vols[:, None], futures, 0.045, 0.045, np.empty((count, points)),
                         vol_per_point=False)
    expected = black76_price(is_call[:, None], futures, strike[:, None], years[:, None], vols[:, None], 0.045)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12 * 60)
