"""The shared numpy kernel: price and four Greeks of European options, chunk by chunk.

Black-Scholes-Merton with dividend yield q and Black-76 on a future are the same
formulas once written on the discounted spot Sq = S exp(-q t) and discounted
strike Kr = K exp(-r t) (Black-76 is q = r with S the future). With w = +1 for a
call and -1 for a put, d1 = ln(Sq/Kr)/(vol sqrt t) + vol sqrt(t)/2, d2 = d1 - vol sqrt t:

    price = w (Sq N(w d1) - Kr N(w d2))        delta = w exp(-q t) N(w d1)
    gamma = Sq n(d1) / (S^2 vol sqrt t)        vega  = Sq n(d1) sqrt(t) / 100
    theta = (-Sq n(d1) vol / (2 sqrt t) + w (q Sq N(w d1) - r Kr N(w d2))) / 365

Speed comes from working on cache-sized chunks with preallocated buffers and
``out=`` arguments, computing each exponential and normal CDF once, and sharing
terms between the Greeks. Puts use N(w d) rather than put-call parity so that a
far out-of-the-money put keeps its relative precision. Where the compiled
kernels of ``_native.c`` are built (the normal install on Linux), calls run the
same formulas there instead, several times faster (``NATIVE`` is None without
them, and tests set it to None to hold the two paths equal).

Two cheap checks keep the common path fast and the rare cases right:

- a non-finite d1 or a non-positive vol * sqrt(t) marks the call for the slow
  path, which validates every input exactly (raising InputError) and
  recomputes t == 0 and vol == 0 elements from their limits;
- where the price is below 1/1024 of the larger of its two terms (far out of
  the money near expiry, where they cancel), it is recomputed with the
  normalised Black function, which has no cancellation: such prices keep a
  relative accuracy of ~1e-11 or better instead of losing all their digits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import ModuleType

import numpy as np

from planner.pricing._inputs import Operand, take
from planner.pricing._normalised_black import INV_SQRT_2PI, normalised_black

NATIVE: ModuleType | None  # the compiled kernels (_native.pyi types them), None where they were not built
try:
    import planner.pricing._native as NATIVE
except ImportError:  # not built (no C compiler at install time, or another platform): numpy only
    NATIVE = None

CHUNK = 16384
DAYS_PER_YEAR = 365.0
_CANCELLATION_LIMIT = 1024.0
_BUFFERS = ("w", "sqt", "sst", "dq", "sq", "kr", "d1", "n1", "n2", "a", "tmp")


@dataclass(frozen=True, slots=True)
class Outputs:
    """The five flat output arrays the kernel fills."""

    price: np.ndarray
    delta: np.ndarray
    gamma: np.ndarray
    vega: np.ndarray
    theta: np.ndarray

    @classmethod
    def empty(cls, n: int) -> Outputs:
        return cls(*(np.empty(n) for _ in range(5)))


def _constant(value: float) -> np.ndarray:
    # A 0-d array operand costs a ufunc call less than a Python float does.
    return np.array(value, dtype=np.float64)


def price_and_greeks(
    is_call: Operand,  # bools, or one flag (broadcast_flat hands it as a Python bool)
    spot: Operand,
    strike: Operand,
    t: Operand,
    vol: Operand,
    r: Operand,
    q: Operand,
    n: int,
    black76: bool,
    exact_prices: bool = True,
) -> tuple[Outputs, bool]:
    """Fill price and Greeks for ``n`` options given as flat arrays or scalars.

    For Black-76, ``spot`` is the future and ``q`` is ignored. Returns the
    outputs and whether the slow path must run (suspicious input somewhere, or
    elements with t == 0 or vol == 0). ``exact_prices=False`` skips the refinement
    of far out-of-the-money prices (their relative digits) for callers that use
    only the Greeks, which it never changes.
    """
    if NATIVE is not None and n:
        return _run_native(is_call, spot, strike, t, vol, r, q, n, black76, exact_prices)
    from scipy.special import ndtr

    out = Outputs.empty(n)
    if n == 0:
        return out, False
    size = min(n, CHUNK)
    buffers = {name: np.empty(size) for name in _BUFFERS}
    mask_buffer = np.empty(size, dtype=np.bool_)
    to_refine: list[np.ndarray] = []
    mul, div, sub, add, exp = np.multiply, np.divide, np.subtract, np.add, np.exp
    half, two, one, hundredth = _constant(0.5), _constant(2.0), _constant(1.0), _constant(0.01)
    minus_half, inv_sqrt_2pi, limit = _constant(-0.5), _constant(INV_SQRT_2PI), _constant(_CANCELLATION_LIMIT)
    decay_scale = _constant(-0.5 / DAYS_PER_YEAR)
    per_day = _constant(1.0 / DAYS_PER_YEAR)
    if black76:
        q = r
    # Scalar rates fold their sign, and the 1/365 of theta, into one constant.
    minus_r = None if isinstance(r, np.ndarray) else _constant(-r)
    minus_q = None if isinstance(q, np.ndarray) else _constant(-q)
    r_carry: np.ndarray | None = None
    q_carry: np.ndarray | None = None
    if not (isinstance(r, np.ndarray) or isinstance(q, np.ndarray)):
        r_carry, q_carry = _constant(r / DAYS_PER_YEAR), _constant(q / DAYS_PER_YEAR)
    rates_are_scalars = r_carry is not None
    suspicious = False
    with np.errstate(all="ignore"):
        for start in range(0, n, size):
            stop = min(start + size, n)
            k = stop - start
            buf = buffers if k == size else {name: b[:k] for name, b in buffers.items()}
            cut = slice(start, stop)
            S = spot[cut] if isinstance(spot, np.ndarray) else spot
            K = strike[cut] if isinstance(strike, np.ndarray) else strike
            t_c = t[cut] if isinstance(t, np.ndarray) else t
            vol_c = vol[cut] if isinstance(vol, np.ndarray) else vol
            r_c = r[cut] if isinstance(r, np.ndarray) else r
            q_c = q[cut] if isinstance(q, np.ndarray) else q
            sqt, sst, dq, sq, kr = buf["sqt"], buf["sst"], buf["dq"], buf["sq"], buf["kr"]
            d1, n1, n2, a, tmp = buf["d1"], buf["n1"], buf["n2"], buf["a"], buf["tmp"]
            np.sqrt(t_c, out=sqt)
            mul(vol_c, sqt, out=sst)
            suspicious = suspicious or not np.minimum.reduce(sst) > 0
            # exp(-r t) becomes K exp(-r t) in place (Black-76 keeps it in dq: it discounts the future too).
            dr = dq if black76 else kr
            if minus_r is None:
                mul(r_c, t_c, out=dr)
                np.negative(dr, out=dr)
            else:
                mul(t_c, minus_r, out=dr)
            exp(dr, out=dr)
            if not black76:
                if minus_q is None:
                    mul(q_c, t_c, out=dq)
                    np.negative(dq, out=dq)
                else:
                    mul(t_c, minus_q, out=dq)
                exp(dq, out=dq)
            mul(dr, K, out=kr)
            mul(dq, S, out=sq)
            if isinstance(is_call, np.ndarray):
                w = buf["w"]
                mul(is_call[cut], two, out=w)
                sub(w, one, out=w)
            else:
                w = one if is_call else -one
            div(sq, kr, out=d1)
            np.log(d1, out=d1)
            div(d1, sst, out=d1)
            mul(sst, half, out=tmp)
            add(d1, tmp, out=d1)
            suspicious = suspicious or not math.isfinite(np.add.reduce(d1))
            sub(d1, sst, out=n2)
            mul(n2, w, out=n2)
            ndtr(n2, out=n2)
            mul(d1, w, out=n1)
            ndtr(n1, out=n1)
            b = n2
            mul(n1, sq, out=a)  # Sq N(w d1) >= 0
            mul(n2, kr, out=b)  # Kr N(w d2) >= 0
            price = out.price[cut]
            sub(a, b, out=price)
            mul(price, w, out=price)
            delta = out.delta[cut]
            mul(dq, n1, out=delta)
            mul(delta, w, out=delta)
            # Sq n(d1), the term shared by gamma, vega and theta, replaces d1.
            pdf = d1
            mul(d1, d1, out=pdf)
            mul(pdf, minus_half, out=pdf)
            exp(pdf, out=pdf)
            mul(pdf, sq, out=pdf)
            mul(pdf, inv_sqrt_2pi, out=pdf)
            vega = out.vega[cut]
            mul(pdf, sqt, out=vega)
            mul(vega, hundredth, out=vega)
            gamma = out.gamma[cut]
            mul(S, sst, out=tmp)
            mul(tmp, S, out=tmp)
            div(pdf, tmp, out=gamma)
            theta = out.theta[cut]
            mul(pdf, vol_c, out=theta)
            div(theta, sqt, out=theta)
            mul(theta, decay_scale, out=theta)
            # Carry, w (q Sq N(w d1) - r Kr N(w d2)) / 365; for Black-76 (q = r) that is r price / 365.
            r_factor = r_carry if r_carry is not None else r_c
            if black76:
                mul(price, r_factor, out=tmp)
            else:
                mul(a, q_carry if q_carry is not None else q_c, out=tmp)
                mul(b, r_factor, out=n1)
                sub(tmp, n1, out=tmp)
                mul(tmp, w, out=tmp)
            if not rates_are_scalars:
                mul(tmp, per_day, out=tmp)
            add(theta, tmp, out=theta)
            # Where the two terms cancel to under 1/1024 of the larger, recompute the price exactly.
            add(a, b, out=tmp)
            mul(price, limit, out=n1)
            cancelled = np.less(n1, tmp, out=mask_buffer[:k])
            if cancelled.any():
                to_refine.append(np.flatnonzero(cancelled) + start)
    if to_refine and exact_prices:
        refine_prices(out, np.concatenate(to_refine), is_call, spot, strike, t, vol, r, q, black76)
    return out, suspicious


def _run_native(is_call, spot, strike, t, vol, r, q, n: int, black76: bool, exact_prices: bool,
                ) -> tuple[Outputs, bool]:
    # broadcast_flat hands scalars as Python numbers, which the kernel takes as they are.
    operands = (is_call, spot, strike, t, vol, r, q)
    mask = sum(1 << k for k, value in enumerate(operands) if isinstance(value, np.ndarray))
    return _native_fill(operands, mask, n, black76, exact_prices=exact_prices)


def _native_fill(operands, mask: int, n: int, black76: bool, *, exact_prices: bool) -> tuple[Outputs, bool]:
    """One call of the compiled kernel on flat operands (bit k of ``mask``: operand k is an array of n),
    then the exact recomputation of far out-of-the-money prices. Returns the outputs and whether
    the kernel flagged the call for the general path's checks and limits."""
    block = np.empty((5, n))
    out = Outputs(block[0], block[1], block[2], block[3], block[4])
    cancelled = np.empty(n, dtype=np.bool_)
    assert NATIVE is not None  # the callers run this only where the kernels are built
    suspicious = NATIVE.greeks(*(np.ascontiguousarray(o) if (mask >> k) & 1 else o for k, o in enumerate(operands)),
                               _STEPS[mask], black76, *block, cancelled)
    if exact_prices and np.count_nonzero(cancelled):
        is_call, spot, strike, t, vol, r, q = operands
        refine_prices(out, np.flatnonzero(cancelled), is_call, spot, strike, t, vol, r, q, black76)
    return out, bool(suspicious)


# steps arrays for the native kernel by bitmask (bit k set: input k holds one value per option), read-only.
_STEPS = tuple(np.array([(mask >> k) & 1 for k in range(7)], dtype=np.int64) for mask in range(128))
for _steps in _STEPS:
    _steps.flags.writeable = False
del _steps


def refine_prices(
    out: Outputs,
    rows: np.ndarray,
    is_call: Operand,  # bools, or one flag (broadcast_flat hands it as a Python bool)
    spot: Operand,
    strike: Operand,
    t: Operand,
    vol: Operand,
    r: Operand,
    q: Operand,
    black76: bool,
) -> None:
    """Recompute the prices in ``rows`` as discounted intrinsic + sqrt(Sq Kr) b(-|ln(Sq/Kr)|, vol sqrt t).

    The normalised Black function b has no cancellation, so far out-of-the-money
    prices keep their relative precision.
    """
    t_rows = take(t, rows)
    sq = np.broadcast_to(take(spot, rows) * np.exp(-(take(r if black76 else q, rows) * t_rows)), rows.shape)
    kr = np.broadcast_to(take(strike, rows) * np.exp(-(take(r, rows) * t_rows)), rows.shape)
    w = np.where(take(is_call, rows), 1.0, -1.0)
    sst = np.broadcast_to(take(vol, rows) * np.sqrt(t_rows), rows.shape)
    with np.errstate(all="ignore"):
        intrinsic = np.maximum(w * (sq - kr), 0.0)
        out.price[rows] = intrinsic + np.sqrt(sq * kr) * normalised_black(-np.abs(np.log(sq / kr)), sst)


def limit_values(
    out: Outputs,
    rows: np.ndarray,
    is_call: Operand,  # bools, or one flag (broadcast_flat hands it as a Python bool)
    spot: Operand,
    strike: Operand,
    t: Operand,
    r: Operand,
    q: Operand,
) -> None:
    """Overwrite ``rows`` (where t == 0 or vol == 0) with the limits of the formulas.

    The option is worth its discounted intrinsic value max(w (Sq - Kr), 0); delta
    is its slope w exp(-q t) H with H the step function, H = 1/2 exactly at the
    money (the t -> 0 and vol -> 0 limit of N(d1)); gamma and vega are 0; theta is
    the carry of the intrinsic, w (q Sq - r Kr) H / 365, and 0 at t == 0. For
    Black-76 pass q = r.
    """
    t_rows = np.broadcast_to(take(t, rows), rows.shape)
    w = np.where(take(is_call, rows), 1.0, -1.0) if isinstance(is_call, np.ndarray) else (1.0 if is_call else -1.0)
    r_rows, q_rows = take(r, rows), take(q, rows)
    dr, dq = np.exp(-r_rows * t_rows), np.exp(-q_rows * t_rows)
    sq, kr = take(spot, rows) * dq, take(strike, rows) * dr
    step = np.heaviside(w * (sq - kr), 0.5)
    out.price[rows] = np.maximum(w * (sq - kr), 0.0)
    out.delta[rows] = w * dq * step
    out.gamma[rows] = 0.0
    out.vega[rows] = 0.0
    out.theta[rows] = np.where(t_rows > 0, w * (q_rows * sq - r_rows * kr) * step / DAYS_PER_YEAR, 0.0)
