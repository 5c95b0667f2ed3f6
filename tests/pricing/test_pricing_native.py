"""The compiled kernels of _native.c: the same results as the numpy kernel, limits and scalars included."""

from __future__ import annotations

import platform
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


def test_native_kernel_matches_the_numpy_kernel(monkeypatch, rng) -> None:
    native = _kernel.NATIVE
    if native is None:
        pytest.skip("the compiled kernels are not built")
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
    for path, module in (("numpy", None), ("native", native)):
        monkeypatch.setattr(_kernel, "NATIVE", module)
        runs[path] = (
            bsm_greeks(spot=spot, q=q, **args),
            black76_greeks(args["is_call"], spot, args["strike"], args["t"], args["vol"], args["r"]),
            bsm_greeks(args["is_call"], spot, args["strike"], 0.25, 0.3, 0.045, 0.013),  # scalar time inputs
        )
    for ours, theirs in zip(runs["native"], runs["numpy"], strict=True):
        a, b = _scaled(ours, spot), _scaled(theirs, spot)
        for field in FIELDS:
            error = np.abs(a[field] - b[field]) / np.maximum(1.0, np.abs(b[field]))
            assert error.max() <= 1e-12, (field, error.max())


def test_the_install_builds_the_compiled_kernels_where_it_can() -> None:
    """On Linux with a C compiler the editable install compiles _native.c; a failed build would only show as
    slowness, so it fails here instead."""
    import shutil

    if not (sys.platform.startswith("linux") and shutil.which("cc")):
        pytest.skip("no C compiler here: the package runs its numpy kernels")
    assert _kernel.NATIVE is not None, "planner/pricing/_native.c was not built: reinstall with pip install -e ."
    libc, version = platform.libc_ver()
    has_vector_erfc = (platform.machine() == "x86_64" and libc == "glibc"
                       and tuple(int(part) for part in version.split(".")[:2]) >= (2, 35))
    assert bool(_kernel.NATIVE.VECTOR_MATH) == has_vector_erfc
