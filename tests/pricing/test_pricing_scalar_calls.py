"""Calls of a few options, with shared values given as Python numbers: validation naming the input,
far out-of-the-money prices refined, the kernel's scalar arguments and ``bsm_delta``."""

from __future__ import annotations

import numpy as np
import pytest

from planner.domain.errors import InputError
from planner.pricing import _kernel, black76_greeks, bsm_greeks


@pytest.fixture
def native():
    if _kernel.NATIVE is None:
        pytest.skip("the compiled kernels (planner/pricing/_native.c) are not built")
    return _kernel.NATIVE


def test_far_out_of_the_money_prices_of_small_calls_are_refined(native) -> None:
    args = (np.array([False, True]), 5000.0, np.array([3000.0, 7000.0]), np.array([0.02, 0.02]), 0.15, 0.03, 0.0)
    price = bsm_greeks(*args).price
    assert np.all(price > 0.0) and np.all(price < 1e-20)


@pytest.mark.parametrize(("position", "name", "value"), [
    (1, "spot", float("nan")), (1, "spot", -1.0), (2, "strike", np.array([100.0, 0.0])), (3, "t", -0.5),
    (4, "vol", [0.2, float("inf")]), (5, "r", float("nan")), (6, "q", np.array([0.0, float("inf")])),
    (2, "strike", ["a", "b"]),
])
def test_invalid_small_inputs_still_name_the_input(native, position, name, value) -> None:
    args = [np.array([True, False]), 100.0, np.array([90.0, 110.0]), 0.25, 0.2, 0.03, 0.01]
    args[position] = value
    with pytest.raises(InputError) as raised:
        bsm_greeks(*args)
    assert raised.value.field == name
    if position != 6:
        with pytest.raises(InputError) as raised:
            black76_greeks(*args[:6])
        assert raised.value.field == ("forward" if name == "spot" else name)


def test_the_kernel_takes_python_floats_for_shared_values(native) -> None:
    """A shared value given as a Python float (bool for is_call) gets the bits of a one-item array."""
    strikes = np.array([90.0, 100.0, 130.0])
    outputs = []
    for scalar in (lambda v: v, lambda v: np.array([v], dtype=np.bool_ if isinstance(v, bool) else np.float64)):
        block, cancelled = np.empty((5, 3)), np.empty(3, dtype=np.bool_)
        steps = np.array([0, 0, 1, 0, 0, 0, 0], dtype=np.int64)
        native.greeks(scalar(False), scalar(100.0), strikes, scalar(0.25), scalar(0.2), scalar(0.03),
                      scalar(0.01), steps, False, *block, cancelled)
        outputs.append(block)
    assert np.array_equal(outputs[0].view(np.int64), outputs[1].view(np.int64))
    # A float where one value per option is expected is refused, as before.
    block, cancelled = np.empty((5, 3)), np.empty(3, dtype=np.bool_)
    with pytest.raises(TypeError):
        native.greeks(False, 100.0, 100.0, 0.25, 0.2, 0.03, 0.01, np.array([0, 0, 1, 0, 0, 0, 0]), False, *block,
                      cancelled)


@pytest.mark.parametrize("n", [1, 5, 40, 300])
def test_bsm_delta_is_the_delta_of_bsm_greeks(rng, n) -> None:
    """Bit for bit, far out-of-the-money wings (whose prices bsm_greeks refines) and limits included."""
    from planner.pricing import bsm_delta

    spot = rng.uniform(5.0, 7000.0, n)
    strike = spot * np.exp(rng.normal(0.0, 0.8, n))
    t = 10.0 ** rng.uniform(-4.0, 0.5, n)
    flags = rng.random(n) < 0.5
    for args in ((flags, spot, strike, t, 0.3, 0.03, 0.015),
                 (False, float(spot[0]), strike, float(t[0]), 0.2, 0.03, 0.0),
                 (flags, spot, strike, np.where(rng.random(n) < 0.2, 0.0, t), 0.3, 0.03, 0.015)):
        expected = bsm_greeks(*args).delta
        got = bsm_delta(*args)
        assert got.shape == expected.shape
        assert np.array_equal(got.view(np.int64), expected.view(np.int64))
    with pytest.raises(InputError) as raised:
        bsm_delta(True, 100.0, -5.0, 0.1, 0.2, 0.03, 0.0)
    assert raised.value.field == "strike"
