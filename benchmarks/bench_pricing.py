# ruff: noqa: E402  (thread counts must be set before numpy is imported)
"""Time price + four Greeks, and implied vol, per option: planner.pricing against py_vollib_vectorized and QuantLib.

Run from the project root, one thread:

    python benchmarks/bench_pricing.py            # 1,000,000 options (about two minutes)
    python benchmarks/bench_pricing.py --quick    # 100,000 options, a smoke run

Options are random but realistic: SPX (Black-Scholes-Merton) with spot 3500-6500,
strikes 74-113 % of spot, 1 day to 1 year, vol 8-60 %, r 0-5.5 %, q 0-2 %;
VIX (Black-76) with futures 12-45, strikes 67-270 % of the future, 1 day to 6
months, vol of vol 40-250 %. Half calls (70 % for VIX). Every input is a full
array, the worst case (a real book repeats spot, rates and expiries).

The package runs its compiled kernels (planner/pricing/_native.c) where they are
built, which is the normal install; the numpy kernel (what runs without them)
is timed as well, and so is a plain compiled loop (numba, the bench extra), the
reference the issue set: one option at a time through the scalar maths library.
Each figure is the median of several repeats of the process's CPU time (the
machine may be shared, and everything runs on one thread), in ns per option,
after a warm-up call (JIT compilation excluded). py_vollib_vectorized and
QuantLib run on subsets and are scaled per option. The script prints a Markdown
table for the README, then how far the other libraries' numbers are from ours.
Two machine references (np.exp per element, and the formulas in plain numpy on
whole arrays) let runs on different or busy machines be compared.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse
import importlib
import statistics
import sys
import time
import types
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from planner.pricing import _kernel as kernel
from planner.pricing import black76_greeks, bsm_greeks, implied_vol

TARGET_NS = 60.0
FIELDS = ("price", "delta", "gamma", "vega", "theta")


def spx_options(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    spot = rng.uniform(3500.0, 6500.0, n)
    return {
        "is_call": rng.random(n) < 0.5,
        "spot": spot,
        "strike": np.round(spot * np.exp(rng.uniform(-0.30, 0.12, n)) / 5.0) * 5.0,
        "t": rng.uniform(1 / 365, 1.0, n),
        "vol": rng.uniform(0.08, 0.60, n),
        "r": rng.uniform(0.0, 0.055, n),
        "q": rng.uniform(0.0, 0.02, n),
    }


def vix_options(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    forward = rng.uniform(12.0, 45.0, n)
    return {
        "is_call": rng.random(n) < 0.7,
        "forward": forward,
        "strike": np.maximum(np.round(forward * np.exp(rng.uniform(-0.4, 1.0, n))), 1.0),
        "t": rng.uniform(1 / 365, 0.5, n),
        "vol": rng.uniform(0.4, 2.5, n),
        "r": rng.uniform(0.0, 0.055, n),
    }


def subset(options: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    return {key: value[:n] for key, value in options.items()}


def ns_per_option(run: Callable[[], object], n: int, repeats: int) -> float:
    run()  # warm-up: imports, JIT compilation, first touch of memory
    times = []
    for _ in range(repeats):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return statistics.median(times) / n * 1e9


def compiled_loop() -> Callable[..., tuple[np.ndarray, ...]]:
    """The formulas as one numba loop over the options (raises ImportError without numba)."""
    import math

    import numba

    @numba.njit(cache=True, error_model="numpy")
    def loop(is_call, spot, strike, t, vol, r, q, price, delta, gamma, vega, theta):
        for i in range(spot.size):
            w = 1.0 if is_call[i] else -1.0
            sqrt_t = math.sqrt(t[i])
            sd = vol[i] * sqrt_t
            sq, kr = spot[i] * math.exp(-q[i] * t[i]), strike[i] * math.exp(-r[i] * t[i])
            d1 = math.log(sq / kr) / sd + 0.5 * sd
            n1 = 0.5 * math.erfc(-w * d1 / math.sqrt(2.0))
            n2 = 0.5 * math.erfc(-w * (d1 - sd) / math.sqrt(2.0))
            pdf = math.exp(-0.5 * d1 * d1) / math.sqrt(2.0 * math.pi)
            price[i] = w * (sq * n1 - kr * n2)
            delta[i] = w * sq / spot[i] * n1
            gamma[i] = sq * pdf / (spot[i] * spot[i] * sd)
            vega[i] = sq * pdf * sqrt_t / 100.0
            theta[i] = (-sq * pdf * vol[i] / (2.0 * sqrt_t) + w * (q[i] * sq * n1 - r[i] * kr * n2)) / 365.0

    def run(is_call, spot, strike, t, vol, r, q):
        outputs = tuple(np.empty(spot.size) for _ in range(5))
        loop(is_call, spot, strike, t, vol, r, q, *outputs)
        return outputs

    return run


def plain_numpy_bsm(is_call, spot, strike, t, vol, r, q) -> tuple[np.ndarray, ...]:
    """The formulas on whole arrays, each term computed once, no chunking: a reference for the machine."""
    from scipy.special import ndtr

    sign = np.where(is_call, 1.0, -1.0)
    sqrt_t = np.sqrt(t)
    sd = vol * sqrt_t
    dividend_discount, discount = np.exp(-q * t), np.exp(-r * t)
    d1 = (np.log(spot / strike) + (r - q + 0.5 * vol * vol) * t) / sd
    n1, n2 = ndtr(sign * d1), ndtr(sign * (d1 - sd))
    pdf = np.exp(-0.5 * d1 * d1) / np.sqrt(2 * np.pi)
    spot_part, strike_part = spot * dividend_discount * n1, strike * discount * n2
    price = sign * (spot_part - strike_part)
    delta = sign * dividend_discount * n1
    gamma = dividend_discount * pdf / (spot * sd)
    vega = spot * dividend_discount * pdf * sqrt_t / 100
    theta = (-spot * dividend_discount * pdf * vol / (2 * sqrt_t) + sign * (q * spot_part - r * strike_part)) / 365
    return price, delta, gamma, vega, theta


def load_py_vollib_vectorized() -> types.ModuleType:
    """Import py_vollib_vectorized 0.1.1 and make it run on this numba.

    Two repairs, both keeping its code and its algorithm: the pure-Python helpers
    it calls from compiled code (cody_special, piecewise_rational and the Let's Be
    Rational module, which ship without numba decorators here) are compiled with
    numba.njit, and its recursive ``black`` (intrinsic + the out-of-the-money
    price), which numba 0.68 refuses to type, gets the recursion unrolled.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import numba
        import py_vollib_vectorized

        helpers = ["cody_special.erf_cody", "cody_special.normaldistribution", "piecewise_rational.rationalcubic",
                   "py_lets_be_rational.lets_be_rational"]  # fmt: skip
        callers = ["py_vollib_vectorized._model_calls", "py_vollib_vectorized._numerical_greeks",
                   "py_vollib_vectorized._iv_models", "py_vollib_vectorized.util.greeks_helpers"]  # fmt: skip
        compiled: dict[types.FunctionType, object] = {}
        for name in helpers:
            module = importlib.import_module(name)
            for value in vars(module).values():
                if isinstance(value, types.FunctionType) and value.__module__ == module.__name__:
                    compiled[value] = numba.njit(value)
        for name in helpers + callers:
            module = importlib.import_module(name)
            for attribute, value in list(vars(module).items()):
                if isinstance(value, types.FunctionType) and value in compiled:
                    setattr(module, attribute, compiled[value])
        model_calls = importlib.import_module("py_vollib_vectorized._model_calls")
        numerical_greeks = importlib.import_module("py_vollib_vectorized._numerical_greeks")
        normalised_black = model_calls.normalised_black

        @numba.njit
        def black(F, K, sigma, T, q):
            intrinsic = np.abs(np.maximum((K - F if q < 0 else F - K), 0.0))
            x, s, root = np.log(F / K), sigma * np.sqrt(T), np.sqrt(F) * np.sqrt(K)
            if q * (F - K) > 0:
                return intrinsic + np.maximum(0.0, root * normalised_black(x, s, -q))
            return np.maximum(intrinsic, root * normalised_black(x, s, q))

        model_calls.black = numerical_greeks.black = black
        return py_vollib_vectorized


def py_vollib_bsm(pvv, is_call, spot, strike, t, vol, r, q) -> tuple[np.ndarray, ...]:
    """Price with vectorized_black_scholes_merton, then its four Greek functions (each a finite difference)."""
    flag = np.where(is_call, "c", "p")
    common = {"return_as": "numpy"}
    price = pvv.vectorized_black_scholes_merton(flag, spot, strike, t, r, vol, q, **common)
    greeks = (
        getattr(pvv, f"vectorized_{name}")(flag, spot, strike, t, r, vol, q, model="black_scholes_merton", **common)
        for name in ("delta", "gamma", "vega", "theta")
    )
    return (price, *greeks)


def quantlib_bsm(is_call, spot, strike, days, vol, r, q) -> np.ndarray:
    """AnalyticEuropeanEngine, one option object per contract; t in whole days (QuantLib dates)."""
    import QuantLib as ql

    today = ql.Date(2, 1, 2025)
    ql.Settings.instance().evaluationDate = today
    day_count = ql.Actual365Fixed()
    spot_q, vol_q, r_q, q_q = ql.SimpleQuote(1.0), ql.SimpleQuote(0.2), ql.SimpleQuote(0.0), ql.SimpleQuote(0.0)
    process = ql.BlackScholesMertonProcess(
        ql.QuoteHandle(spot_q),
        ql.YieldTermStructureHandle(ql.FlatForward(today, ql.QuoteHandle(q_q), day_count)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, ql.QuoteHandle(r_q), day_count)),
        ql.BlackVolTermStructureHandle(ql.BlackConstantVol(today, ql.NullCalendar(), ql.QuoteHandle(vol_q), day_count)),
    )
    engine = ql.AnalyticEuropeanEngine(process)
    out = np.empty((5, len(spot)))
    for i in range(len(spot)):
        spot_q.setValue(float(spot[i]))
        vol_q.setValue(float(vol[i]))
        r_q.setValue(float(r[i]))
        q_q.setValue(float(q[i]))
        payoff = ql.PlainVanillaPayoff(ql.Option.Call if is_call[i] else ql.Option.Put, float(strike[i]))
        option = ql.VanillaOption(payoff, ql.EuropeanExercise(today + int(days[i])))
        option.setPricingEngine(engine)
        out[:, i] = option.NPV(), option.delta(), option.gamma(), option.vega() / 100, option.thetaPerDay()
    return out


def max_difference(ours, theirs) -> str:
    """Largest |difference| per quantity, in the package's units."""
    return ", ".join(
        f"{name} {np.max(np.abs(np.asarray(b) - getattr(ours, name))):.1e}"
        for name, b in zip(FIELDS, theirs, strict=True)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 options instead of 1,000,000")
    args = parser.parse_args()
    n = 100_000 if args.quick else 1_000_000
    vollib_n, quantlib_n, iv_n = n // 10, n // 50, n // 10
    repeats = 7
    rng = np.random.default_rng(20240607)
    spx, vix = spx_options(n, rng), vix_options(n, rng)
    rows: list[tuple[str, str, int, float]] = []
    notes: list[str] = []

    # The package's default path (the compiled kernels where built), then the numpy kernel alone.
    native = kernel.NATIVE
    ours_spx = ns_per_option(lambda: bsm_greeks(**spx), n, repeats)
    ours_vix = ns_per_option(lambda: black76_greeks(**vix), n, repeats)
    kernel.NATIVE = None
    numpy_spx = ns_per_option(lambda: bsm_greeks(**spx), n, repeats)
    numpy_vix = ns_per_option(lambda: black76_greeks(**vix), n, repeats)
    kernel.NATIVE = native
    label = ("compiled kernel, " + ("libmvec vector maths" if native.VECTOR_MATH else "scalar maths")
             if native is not None else "numpy kernel: the compiled one is not built")
    rows.append(("SPX price + 4 Greeks", f"planner `bsm_greeks` ({label})", n, ours_spx))
    rows.append(("SPX price + 4 Greeks", "planner `bsm_greeks` (numpy kernel)", n, numpy_spx))
    rows.append(("VIX price + 4 Greeks", f"planner `black76_greeks` ({label})", n, ours_vix))
    rows.append(("VIX price + 4 Greeks", "planner `black76_greeks` (numpy kernel)", n, numpy_vix))
    try:
        loop = compiled_loop()
    except ImportError as error:
        notes.append(f"the numba loop did not run: {error}")
    else:
        cost = ns_per_option(lambda: loop(**spx), n, repeats)
        rows.append(("SPX price + 4 Greeks", "a compiled loop (numba, scalar libm)", n, cost))
        notes.append("numba loop vs planner (SPX): " + max_difference(bsm_greeks(**spx), loop(**spx)))

    spx_small, vix_small = subset(spx, vollib_n), subset(vix, vollib_n)
    try:
        pvv = load_py_vollib_vectorized()
    except Exception as error:  # report, do not hide: the table says it did not run
        notes.append(f"py_vollib_vectorized did not run: {type(error).__name__}: {error}")
        pvv = None
    if pvv is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cost = ns_per_option(lambda: py_vollib_bsm(pvv, **spx_small), vollib_n, 3)
            rows.append(("SPX price + 4 Greeks", "py_vollib_vectorized 0.1.1", vollib_n, cost))
            notes.append("py_vollib_vectorized vs planner (SPX): "
                         + max_difference(bsm_greeks(**spx_small), py_vollib_bsm(pvv, **spx_small))
                         + " (its Greeks are finite differences: theta steps a day, vega a vol point)")
            notes.append("py_vollib_vectorized's Black model is unusable in 0.1.1 (vectorized_black drops the "
                         "discounting, its Black Greeks raise TypeError): VIX runs through its BSM with q = r")
            vix_as_bsm = dict(vix_small, spot=vix_small["forward"], q=vix_small["r"])
            del vix_as_bsm["forward"]
            cost = ns_per_option(lambda: py_vollib_bsm(pvv, **vix_as_bsm), vollib_n, 3)
            rows.append(("VIX price + 4 Greeks", "py_vollib_vectorized 0.1.1 (BSM, q = r)", vollib_n, cost))

    quantlib_spx = subset(spx, quantlib_n)
    days = np.maximum(np.round(quantlib_spx["t"] * 365), 1)
    quantlib_inputs = {key: value for key, value in quantlib_spx.items() if key != "t"} | {"days": days}
    try:
        cost = ns_per_option(lambda: quantlib_bsm(**quantlib_inputs), quantlib_n, 3)
        rows.append(("SPX price + 4 Greeks", "QuantLib AnalyticEuropeanEngine", quantlib_n, cost))
        ours = bsm_greeks(**dict(quantlib_spx, t=days / 365))
        notes.append("QuantLib vs planner (SPX): " + max_difference(ours, quantlib_bsm(**quantlib_inputs)))
    except ImportError as error:
        notes.append(f"QuantLib did not run: {error}")

    spx_iv, vix_iv = subset(spx, iv_n), subset(vix, iv_n)
    spx_prices = bsm_greeks(**spx_iv).price
    vix_prices = black76_greeks(**vix_iv).price
    spx_args = (spx_prices, spx_iv["is_call"], spx_iv["spot"], spx_iv["strike"], spx_iv["t"], spx_iv["r"])
    cost = ns_per_option(lambda: implied_vol(*spx_args, spx_iv["q"]), iv_n, 3)
    rows.append(("SPX implied vol", "planner `implied_vol`", iv_n, cost))
    vix_args = (vix_prices, vix_iv["is_call"], vix_iv["forward"], vix_iv["strike"], vix_iv["t"], vix_iv["r"])
    cost = ns_per_option(lambda: implied_vol(*vix_args, model="black76"), iv_n, 3)
    rows.append(("VIX implied vol", "planner `implied_vol` (black76)", iv_n, cost))
    recovered = implied_vol(*spx_args, spx_iv["q"])
    vega = bsm_greeks(**spx_iv).vega * 100
    informative = vega * spx_iv["vol"] > 1e-6 * spx_prices  # the price moves with the vol beyond round-off
    worst = np.max(np.abs(recovered[informative] / spx_iv["vol"][informative] - 1))
    notes.append(f"planner implied_vol recovers the SPX vols to {worst:.1e} relative where the price depends on "
                 f"the vol ({informative.sum():,} of {iv_n:,}; in the rest no vol can be read: 0 or NaN)")  # fmt: skip
    if pvv is not None:
        flag = np.where(spx_iv["is_call"], "c", "p")

        def vollib_iv():
            return pvv.vectorized_implied_volatility(
                spx_prices, spx_iv["spot"], spx_iv["strike"], spx_iv["t"], spx_iv["r"], flag, spx_iv["q"],
                model="black_scholes_merton", return_as="numpy", on_error="ignore",
            )  # fmt: skip

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cost = ns_per_option(vollib_iv, iv_n, 3)
        rows.append(("SPX implied vol", "py_vollib_vectorized 0.1.1", iv_n, cost))

    x = np.random.default_rng(1).normal(size=n)
    exp_ns = ns_per_option(lambda: np.exp(x), n, repeats)
    plain_ns = ns_per_option(lambda: plain_numpy_bsm(**spx), n, repeats)
    rows.append(("SPX price + 4 Greeks", "plain numpy, whole arrays (machine reference)", n, plain_ns))

    print("\n| task | implementation | options | ns/option | vs planner |\n|---|---|---:|---:|---:|")
    baseline = {"SPX price + 4 Greeks": ours_spx, "VIX price + 4 Greeks": ours_vix}
    for task, name, count, cost in rows:
        base = baseline.get(task) or next(c for t, nm, _, c in rows if t == task and nm.startswith("planner"))
        print(f"| {task} | {name} | {count:,} | {cost:,.0f} | {cost / base:.2f}x |")
    print(f"\nOne thread, CPU time, median of repeats; target for price + 4 Greeks <= {TARGET_NS:.0f} ns/option.")
    print(f"Machine reference: np.exp on float64, {exp_ns:.1f} ns/element.")
    sys.path.insert(0, str(Path(__file__).parent))
    from machine import describe

    print(describe())
    for note in notes:
        print(f"- {note}")


if __name__ == "__main__":
    main()
