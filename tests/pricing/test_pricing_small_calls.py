"""Small calls go straight to the compiled kernel (``_kernel.small_call``): the same bits as the general
path, and the same validation (InputError naming the input) wherever the kernel flags a call."""

from __future__ import annotations

import numpy as np
import pytest

from planner.domain.errors import InputError
from planner.pricing import _kernel, black76_greeks, black_scholes, bsm_greeks
from planner.pricing.prices import black76_price, bsm_price

FIELDS = ("price", "delta", "gamma", "vega", "theta")


@pytest.fixture
def native():
    if _kernel.NATIVE is None:
        pytest.skip("the compiled kernels (planner/pricing/_native.c) are not built")
    return _kernel.NATIVE


def _both_paths(monkeypatch, function, *args):
    """(fast, general): the call as is, and again with the small-call path turned off."""
    fast = function(*args)
    with monkeypatch.context() as patch:
        patch.setattr(black_scholes, "small_call", lambda *_: None)
        general = function(*args)
    return fast, general


def _assert_same_bits(fast, general) -> None:
    for field in FIELDS:
        a, b = np.asarray(getattr(fast, field)), np.asarray(getattr(general, field))
        assert a.shape == b.shape, field
        assert a.dtype == b.dtype == np.float64, field
        assert np.array_equal(a.view(np.int64), b.view(np.int64)), field


def _input_forms(rng, n):
    spot = rng.uniform(5.0, 7000.0, n)
    strike = spot * np.exp(rng.normal(0.0, 0.6, n))  # many far out of the money: the refinement runs
    t = 10.0 ** rng.uniform(-4.0, 0.5, n)
    vol = rng.uniform(0.05, 2.0, n)
    flags = rng.random(n) < 0.5
    yield flags, spot, strike, t, vol, 0.03, 0.015
    yield flags.tolist(), float(spot[0]), strike.tolist(), float(t[0]), vol.tolist(), 0.03, 0.015
    yield bool(flags[0]), float(spot[0]), float(strike[0]), float(t[0]), float(vol[0]), 0.03, 0
    yield bool(flags[0]), np.float64(spot[0]), np.array(strike[0]), t[:1], vol[:1], 3, np.float64(0.015)
    yield flags[:, None], spot[None, :], strike[:, None], t[:, None], vol[:, None], 0.03, 0.015
    yield flags, spot[::-1], strike[::-1], t, vol, rng.uniform(0.0, 0.05, n), rng.uniform(0.0, 0.03, n)
    if n >= 2:
        yield flags[: n // 2 * 2].reshape(2, -1), spot[0], strike[: n // 2 * 2].reshape(2, -1), 0.1, 0.25, 0.03, 0.0


@pytest.mark.parametrize("n", [1, 2, 3, 7, 16, 257])
def test_small_calls_give_the_bits_of_the_general_path(monkeypatch, native, rng, n) -> None:
    for is_call, spot, strike, t, vol, r, q in _input_forms(rng, n):
        assert _kernel.small_call(is_call, (spot, strike, t, vol, r, q), False) is not None
        _assert_same_bits(*_both_paths(monkeypatch, bsm_greeks, is_call, spot, strike, t, vol, r, q))
        _assert_same_bits(*_both_paths(monkeypatch, black76_greeks, is_call, spot, strike, t, vol, r))
        fast, general = _both_paths(monkeypatch, bsm_price, is_call, spot, strike, t, vol, r, q)
        assert np.array_equal(fast, general)
        fast, general = _both_paths(monkeypatch, black76_price, is_call, spot, strike, t, vol, r)
        assert np.array_equal(fast, general)


def test_far_out_of_the_money_prices_are_refined_on_the_small_path(monkeypatch, native) -> None:
    args = (np.array([False, True]), 5000.0, np.array([3000.0, 7000.0]), np.array([0.02, 0.02]), 0.15, 0.03, 0.0)
    fast, general = _both_paths(monkeypatch, bsm_greeks, *args)
    _assert_same_bits(fast, general)
    assert np.all(fast.price > 0.0) and np.all(fast.price < 1e-20)


def test_limits_and_invalid_inputs_take_the_general_path(monkeypatch, native) -> None:
    # t == 0 and vol == 0: the kernel flags the call; the general path applies the limits.
    for t, vol in ((0.0, 0.2), (0.1, 0.0), (np.array([0.0, 0.1]), np.array([0.2, 0.0]))):
        assert _kernel.small_call(True, (100.0, 100.0, t, vol, 0.03, 0.0), False) is None
        _assert_same_bits(*_both_paths(monkeypatch, bsm_greeks, True, 100.0, 100.0, t, vol, 0.03, 0.0))
    # Empty, integer flags, other dtypes and shapes that do not broadcast are left to the general path.
    assert _kernel.small_call(np.array([], dtype=bool), (1.0, 1.0, 1.0, 1.0, 0.0, 0.0), False) is None
    assert _kernel.small_call(np.array([1, 0]), (1.0, 1.0, 1.0, 1.0, 0.0, 0.0), False) is None
    assert _kernel.small_call(True, (np.array([1.0], dtype=np.float32), 1.0, 1.0, 1.0, 0.0, 0.0), False) is None
    assert _kernel.small_call(True, (np.ones(2), np.ones(3), 1.0, 1.0, 0.0, 0.0), False) is None


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


def test_short_kernel_blocks_give_the_bits_of_long_ones(native, rng) -> None:
    """Calls of up to 16 and up to 64 options run in shorter padded blocks than larger ones: same bits."""
    n = 600
    spot = rng.uniform(5.0, 7000.0, n)
    args = (rng.random(n) < 0.5, spot, spot * np.exp(rng.normal(0.0, 0.5, n)), 10.0 ** rng.uniform(-4.0, 0.5, n),
            rng.uniform(0.02, 2.5, n), rng.uniform(-0.01, 0.08, n), rng.uniform(0.0, 0.04, n))
    for black76 in (False, True):
        batch = np.empty((5, n))
        native.greeks(*args, np.ones(7, dtype=np.int64), black76, *batch, np.empty(n, dtype=np.bool_))
        for size in (1, 2, 15, 16, 17, 63, 64, 65):
            for start in range(0, n - size, 97):
                part = np.empty((5, size))
                native.greeks(*(a[start:start + size] for a in args), np.ones(7, dtype=np.int64), black76, *part,
                              np.empty(size, dtype=np.bool_))
                assert np.array_equal(part.view(np.int64), batch[:, start:start + size].view(np.int64)), size


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
