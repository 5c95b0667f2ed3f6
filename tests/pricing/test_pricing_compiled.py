"""The optional numba kernel: same results as the numpy kernel, and loaded only by a large call."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from planner.pricing import _kernel, black76_greeks, bsm_greeks

FIELDS = ("price", "delta", "gamma", "vega", "theta")


def _scaled(greeks, underlying) -> dict[str, np.ndarray]:
    """The dimensionless quantities of the reference tests: price/U, delta, gamma U, vega 100/U, theta 365/U."""
    return {
        "price": greeks.price / underlying,
        "delta": greeks.delta,
        "gamma": greeks.gamma * underlying,
        "vega": greeks.vega * 100 / underlying,
        "theta": greeks.theta * 365 / underlying,
    }


def test_compiled_kernel_matches_the_numpy_kernel(monkeypatch, rng) -> None:
    if _kernel.compiled_fill() is None:
        pytest.skip("numba is not installed")
    n = 300_000
    spot = rng.uniform(5.0, 7000.0, n)
    args = {
        "is_call": rng.random(n) < 0.5,
        "strike": spot * np.exp(rng.normal(0.0, 0.3, n)),
        "t": 10.0 ** rng.uniform(-5.0, 0.5, n),
        "vol": rng.uniform(0.02, 2.5, n),
        "r": rng.uniform(-0.01, 0.08, n),
    }
    args["t"][::1000] = 0.0
    args["vol"][5::1000] = 0.0
    q = rng.uniform(-0.01, 0.04, n)
    runs = {}
    for path, threshold in (("numpy", 2**62), ("compiled", 1)):
        monkeypatch.setattr(_kernel, "COMPILED_MIN_SIZE", threshold)
        runs[path] = (
            bsm_greeks(spot=spot, q=q, **args),
            black76_greeks(args["is_call"], spot, args["strike"], args["t"], args["vol"], args["r"]),
            bsm_greeks(args["is_call"], spot, args["strike"], 0.25, 0.3, 0.045, 0.013),  # scalar time inputs
        )
    for ours, theirs in zip(runs["compiled"], runs["numpy"], strict=True):
        a, b = _scaled(ours, spot), _scaled(theirs, spot)
        for field in FIELDS:
            error = np.abs(a[field] - b[field]) / np.maximum(1.0, np.abs(b[field]))
            assert error.max() <= 1e-12, (field, error.max())


def test_numba_is_imported_by_the_first_large_call_only() -> None:
    if _kernel.compiled_fill() is None:
        pytest.skip("numba is not installed")
    code = (
        "import sys\n"
        "import numpy as np\n"
        "from planner.pricing import _kernel, bsm_greeks\n"
        "bsm_greeks(True, np.full(100, 100.0), 100.0, 0.5, 0.2, 0.03, 0.0)\n"
        "print('numba' in sys.modules)\n"
        "bsm_greeks(True, np.full(_kernel.COMPILED_MIN_SIZE, 100.0), 100.0, 0.5, 0.2, 0.03, 0.0)\n"
        "print('numba' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    assert result.stdout.split() == ["False", "True"]
