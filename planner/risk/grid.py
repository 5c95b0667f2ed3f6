"""BSM prices for many SPX contracts over a spot axis, in cache-sized blocks on two threads.

Two shapes share this kernel:
* the scenario grid: each contract's vol varies along VIX rows only and spot
  along SPX columns only, so d1 for a block is an outer product plus a row term;
* a risk curve: VIX moves with SPX, so each contract has one vol per spot.
Per-contract terms (discount factors, ln K, drift) are computed once per block.
The two normal CDFs dominate (about 20 ns each per cell here), so blocks of
contracts are spread over a small thread pool: scipy's ufuncs release the GIL.
Puts come from calls by parity; the absolute error that costs is about 1e-12
of the index level, far below a cent on any cell.

Where the compiled kernels are built (``planner.pricing._native``), the same
prices come from ``prices_on_axes`` instead: vector erfc makes a cell about
ten times cheaper, and the work is split in contract ranges over the same pool
(the kernel releases the GIL). The numpy blocks below are the fallback.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from planner.pricing import _kernel

_POOL: ThreadPoolExecutor | None = None
THREADS = max(1, min(2, os.cpu_count() or 1))
BLOCK_CELLS = 16_384  # about 128 kB per float64 temporary: stays in L2
_ROOT_HALF = 1.0 / np.sqrt(2.0)


_BACKGROUND: ThreadPoolExecutor | None = None


def background() -> ThreadPoolExecutor:
    """One thread for a whole valuation that overlaps the caller's own work (the scenario matrix)."""
    global _BACKGROUND
    if _BACKGROUND is None:
        _BACKGROUND = ThreadPoolExecutor(max_workers=1, thread_name_prefix="risk-matrix")
    return _BACKGROUND


def pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="risk-grid")
    return _POOL


def bsm_grid(
    is_call: np.ndarray,
    strike: np.ndarray,
    years: np.ndarray,
    vols: np.ndarray,
    spots: np.ndarray,
    rate: float,
    div_yield: float,
    out: np.ndarray | None = None,
    threads: int = THREADS,
    later: list | None = None,
) -> np.ndarray:
    """Prices (points) of European options on spot, for many contracts at once.

    is_call, strike, years: per contract (years > 0). spots: the SPX levels.
    vols: decimals > 0, either [contracts x rows] (the grid: result
    [contracts x rows x spots]) or, when ``curve`` shapes match, one vol per
    spot [contracts x spots] (a curve: result [contracts x spots]).
    """
    count = strike.size
    curve = vols.ndim == 2 and vols.shape[1] == spots.size and (out is None or out.ndim == 2)
    shape = (count, spots.size) if curve else (count, vols.shape[1], spots.size)
    out = np.empty(shape) if out is None else out
    if count == 0:
        return out
    if _kernel.NATIVE is not None:
        return prices_on_axes(is_call, strike, years, vols, spots, rate, div_yield, out, vol_per_point=curve,
                              threads=threads, later=later)
    from scipy.special import erfc

    log_spots = np.log(spots)
    cells = spots.size if curve else vols.shape[1] * spots.size
    block = max(1, BLOCK_CELLS // cells)

    def work(start: int) -> None:
        # N(d) = erfc(-d / sqrt 2) / 2: d is built already scaled by -1/sqrt 2, and the
        # one-half folds into the discounted spot and strike (terms made once per contract).
        stop = min(start + block, count)
        t = years[start:stop, None]
        spread = vols[start:stop] * np.sqrt(t)
        discounted_spots = spots[None, :] * (0.5 * np.exp(-div_yield * t))
        discounted_strike = strike[start:stop, None] * (0.5 * np.exp(-rate * t))
        moneyness = (log_spots[None, :] - np.log(strike[start:stop, None]) + (rate - div_yield) * t) * -_ROOT_HALF
        half_spread = -_ROOT_HALF * 0.5 * spread
        scaled_spread = _ROOT_HALF * spread
        if curve:
            d1 = moneyness / spread
            d1 += half_spread
            d2 = d1 + scaled_spread
        else:
            discounted_spots = discounted_spots[:, None, :]
            discounted_strike = discounted_strike[:, :, None]
            d1 = moneyness[:, None, :] / spread[:, :, None]
            d1 += half_spread[:, :, None]
            d2 = d1 + scaled_spread[:, :, None]
        erfc(d1, out=d1)
        erfc(d2, out=d2)
        d1 *= discounted_spots
        d2 *= discounted_strike
        target = out[start:stop]
        np.subtract(d1, d2, out=target)
        puts = ~is_call[start:stop]
        if puts.any():
            target[puts] += 2.0 * (discounted_strike - discounted_spots)[puts]

    starts = range(0, count, block)
    if len(starts) == 1 or threads == 1:
        for start in starts:
            work(start)
    else:
        list(pool().map(work, starts))
    return out


# Below this many cells (about half a millisecond of kernel) handing half to a pool thread costs
# more than it saves: a curve (30,000 cells) runs on the calling thread, a matrix (450,000) on two.
MIN_CELLS_PER_THREAD = 65_536


def prices_on_axes(is_call, strike, years, vols, spots, rate: float, carry: float, out: np.ndarray, *,
                   vol_per_point: bool, threads: int = THREADS, later: list | None = None) -> np.ndarray:
    """The compiled kernel: out[c, j, i] (or out[c, i]) for contract c, vol row j, scenario point i.

    spots: [points] shared by all contracts, or [contracts x points] (Black-76: each
    contract's own future, with carry = rate). vols: [contracts x rows], or
    [contracts x points] when vol_per_point. years and vols must be > 0.
    threads: at most this many of the pool's threads (1 runs on the calling thread; work already
    running on a pool thread must pass 1, or it could wait for a pool it occupies).
    later: a list to which the kernel's Future is appended instead of waiting: the kernel then
    runs on the background thread, one C call without the GIL, while the caller goes on; ``out``
    is filled once the Future is done.
    """
    native = _kernel.NATIVE
    assert native is not None  # the callers run this only where the kernels are built
    count = strike.size
    spots = np.ascontiguousarray(spots, dtype=np.float64)
    vols = np.ascontiguousarray(vols, dtype=np.float64)
    arguments = (np.ascontiguousarray(is_call, dtype=np.bool_), np.ascontiguousarray(strike, dtype=np.float64),
                 np.ascontiguousarray(years, dtype=np.float64), float(rate), float(carry), spots, spots.ndim == 2,
                 vols, vol_per_point, 1 if vol_per_point else vols.shape[1], out)
    if later is not None:
        later.append(background().submit(lambda: native.prices_on_axes(*arguments, 0, count)))
        return out
    threads = min(threads, count, max(1, out.size // MIN_CELLS_PER_THREAD))
    if threads == 1:
        native.prices_on_axes(*arguments, 0, count)
    else:
        edges = np.linspace(0, count, threads + 1).astype(int)
        list(pool().map(lambda k: native.prices_on_axes(*arguments, int(edges[k]), int(edges[k + 1])),
                        range(threads)))
    return out
