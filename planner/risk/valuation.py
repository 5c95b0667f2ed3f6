"""Contract values under scenarios: SPX and spot VIX moved together, time passed.

A scenario is an SPX level, a spot-VIX level and a valuation moment. From them:
SPX legs re-price with BSM at their IV shifted by the VIX change in vol points;
VIX options re-price with Black-76 on their own future, and futures move by
d(T) times the spot-VIX change. Results are per unit (points), one row per
contract, so callers weight them by position.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.domain.market import MarketSnapshot
from planner.domain.settings import Settings
from planner.pricing import _kernel
from planner.risk.contracts import SPX, VIX_FUTURE, VIX_OPTION, ContractTable
from planner.risk.grid import THREADS, bsm_grid, prices_on_axes

MIN_VOL = 0.01
MIN_FUTURE = 0.5


@dataclass(frozen=True)
class ScenarioModel:
    """Today's levels and the coupling settings every scenario starts from."""

    spx0: float
    vix0: float
    rate: float
    div_yield: float
    iv_per_vix_point: float
    k: float
    mean: float

    @classmethod
    def of(cls, market: MarketSnapshot, settings: Settings) -> ScenarioModel:
        return cls(market.spx, market.vix, market.rate, market.div_yield,
                   settings.spx_iv_per_vix_point, settings.futures_damping_k, settings.term_mean_vix)

    def spx_vol(self, iv, vix):
        """SPX leg IV after spot VIX moves from vix0 to ``vix`` (both broadcast)."""
        return np.maximum(iv + self.iv_per_vix_point * (vix - self.vix0) / 100.0, MIN_VOL)

    def future(self, future0, years0, years1, vix):
        """A VIX future seen at tenor ``years1`` with spot VIX at ``vix``.

        The term structure F(T) = m + (VIX - m) exp(-kT) anchored on today's
        quote: today's departure from the model (the residual) fades with the
        basis, so at T1 = T0 the future moves d(T0) times the spot move, and at
        expiry it settles on spot VIX.
        """
        decay0 = np.exp(-self.k * years0)
        decay1 = np.exp(-self.k * years1)
        residual = future0 - self.mean - (self.vix0 - self.mean) * decay0
        basis_share = np.divide(1.0 - decay1, 1.0 - decay0, out=np.zeros_like(decay1 * decay0),
                                where=(1.0 - decay0) > 1e-12)
        return np.maximum(self.mean + (vix - self.mean) * decay1 + residual * basis_share, MIN_FUTURE)


def values_at(
    table: ContractTable,
    model: ScenarioModel,
    contracts: np.ndarray,
    spx: np.ndarray,
    vix: np.ndarray,
    years: np.ndarray,
    offset: np.ndarray | None = None,
) -> np.ndarray:
    """Per-unit value of contract ``contracts[i]`` at SPX ``spx[i]``, spot VIX ``vix[i]``
    and time to settlement ``years[i]`` (all four broadcast together).

    Contracts already at settlement are worth their intrinsic value, computed
    directly rather than through the pricing kernel's limit path.
    offset: per contract, added to its value (a typed mark's gap to the model today).
    """
    contracts, spx, vix, years = np.broadcast_arrays(contracts, spx, vix, years)
    shape = contracts.shape
    c, spx, vix, years = contracts.ravel(), spx.ravel(), vix.ravel(), years.ravel()
    out = np.empty(c.size)
    kind = table.kind[c]
    is_call = table.is_call[c]
    strike = table.strike[c]
    live = years > 0.0
    on_spx = kind == SPX
    priced = on_spx & live
    # np.count_nonzero and .nonzero()[0] on these few-element masks: ndarray.any() and np.flatnonzero
    # go through Python wrappers that cost several times the test itself (a backtest runs this per review).
    if np.count_nonzero(priced):
        out[priced] = _option_prices(is_call[priced], spx[priced], strike[priced], years[priced],
                                     model.spx_vol(table.iv[c[priced]], vix[priced]), model.rate, model.div_yield)
    settled = on_spx & ~live
    if np.count_nonzero(settled):
        out[settled] = _intrinsic(is_call[settled], spx[settled], strike[settled])
    on_vix = ~on_spx
    if np.count_nonzero(on_vix):
        future = model.future(table.future[c[on_vix]], table.years[c[on_vix]], years[on_vix], vix[on_vix])
        value = future.copy()
        option = kind[on_vix] == VIX_OPTION
        live_option = option & live[on_vix]
        if np.count_nonzero(live_option):
            value[live_option] = _option_prices(is_call[on_vix][live_option], future[live_option],
                                                strike[on_vix][live_option], years[on_vix][live_option],
                                                table.iv[c[on_vix][live_option]], model.rate, model.rate)
        expired_option = option & ~live[on_vix]
        if np.count_nonzero(expired_option):
            value[expired_option] = _intrinsic(is_call[on_vix][expired_option], future[expired_option],
                                               strike[on_vix][expired_option])
        out[on_vix] = value
    if offset is not None:
        out += offset[c]
    return out.reshape(shape)


def _option_prices(is_call, underlying, strike, years, vol, rate: float, carry: float) -> np.ndarray:
    """Elementwise BSM prices (carry: the dividend yield), or Black-76 on a future (carry = rate).

    years and vol > 0. The compiled kernel takes them as one scenario per contract,
    without the public functions' validation: these inputs come from the
    contract table, already checked, and the break-even search calls this often.
    """
    if _kernel.NATIVE is None:
        from planner.pricing.prices import bsm_price

        return bsm_price(is_call, underlying, strike, years, vol, rate, carry)
    n = strike.size
    out = np.empty((n, 1))
    prices_on_axes(is_call, strike, years, vol.reshape(n, 1), underlying.reshape(n, 1), rate, carry, out,
                   vol_per_point=True, threads=1)
    return out.reshape(n)


def _intrinsic(is_call: np.ndarray, underlying: np.ndarray, strike: np.ndarray) -> np.ndarray:
    return np.where(is_call, np.maximum(underlying - strike, 0.0), np.maximum(strike - underlying, 0.0))


def contract_values(
    table: ContractTable,
    model: ScenarioModel,
    spx: np.ndarray,
    vix: np.ndarray,
    years: np.ndarray,
    offset: np.ndarray | None = None,
) -> np.ndarray:
    """Per-unit values [contracts x scenarios]; spx and vix have one entry per scenario.

    years: each contract's time to settlement at the scenario's moment.
    """
    return values_at_moments(table, model, spx, vix, [years], [offset])[0]


def values_at_moments(
    table: ContractTable,
    model: ScenarioModel,
    spx: np.ndarray,
    vix: np.ndarray,
    moments: list[np.ndarray],
    offsets: list[np.ndarray | None],
) -> np.ndarray:
    """``contract_values`` at several moments at once: [moments x contracts x scenarios].

    moments: each contract's years to settlement, one array per moment; offsets:
    per moment, the per-contract offset or None. vix: one spot VIX per scenario
    shared by the moments, or one row per moment (each curve's horizon moves VIX
    its own way). The moments share one pricing call per kind of contract (the
    risk curves: today, T+n, expiry and today's band).
    """
    spx = np.asarray(spx, dtype=float)
    vix = np.asarray(vix, dtype=float)
    per_moment = vix.ndim == 2
    years = np.asarray(moments, dtype=float).reshape(len(moments), table.size)
    out = np.empty((len(moments), table.size, spx.size))
    moment, rows = np.nonzero((table.kind == SPX) & (years > 0.0))
    if rows.size:
        if per_moment:
            # Each moment's vol shift is a row of [moments x points]; one gather-add and one in-place
            # floor over the [pairs x points] block instead of spx_vol's several passes over it.
            shift = model.iv_per_vix_point * (vix - model.vix0) / 100.0
            vols = shift[moment]
            vols += table.iv[rows, None]
            np.maximum(vols, MIN_VOL, out=vols)
        else:
            vols = model.spx_vol(table.iv[rows, None], vix[None, :])
        out[moment, rows] = bsm_grid(table.is_call[rows], table.strike[rows], years[moment, rows], vols, spx,
                                     model.rate, model.div_yield, out=np.empty((rows.size, spx.size)))
    on_vix = (table.kind != SPX).nonzero()[0]
    if on_vix.size:
        stacked = np.tile(on_vix, len(moments))
        vix_rows = np.repeat(vix, on_vix.size, axis=0) if per_moment else vix
        out[:, on_vix] = _vix_rows(table, model, stacked, vix_rows, years[:, on_vix].reshape(-1)).reshape(
            len(moments), on_vix.size, spx.size)
    moment, expired = np.nonzero((table.kind == SPX) & (years <= 0.0))
    if expired.size:
        out[moment, expired] = _intrinsic(table.is_call[expired, None], spx[None, :], table.strike[expired, None])
    for k, offset in enumerate(offsets):
        if offset is not None:
            out[k] += offset[:, None]
    return out


def _vix_rows(table: ContractTable, model: ScenarioModel, rows: np.ndarray, vix: np.ndarray,
              years: np.ndarray) -> np.ndarray:
    """VIX futures and options [rows x scenarios]: Black-76 on each row's own future.

    vix: spot VIX per scenario, or [rows x scenarios]."""
    futures = model.future(table.future[rows, None], table.years[rows, None], years[:, None],
                           vix if vix.ndim == 2 else vix[None, :])
    values = futures.copy()
    option = table.kind[rows] == VIX_OPTION
    live = option & (years > 0.0)
    if np.count_nonzero(live):
        f = futures[live]
        if _kernel.NATIVE is not None:
            c = rows[live]
            values[live] = prices_on_axes(table.is_call[c], table.strike[c], years[live], table.iv[c, None], f,
                                          model.rate, model.rate, np.empty(f.shape), vol_per_point=False)
        else:
            from scipy.special import ndtr

            strike, t = table.strike[rows[live], None], years[live, None]
            spread = table.iv[rows[live], None] * np.sqrt(t)
            sign = np.where(table.is_call[rows[live]], 1.0, -1.0)[:, None]
            d1 = np.log(f / strike) / spread + 0.5 * spread
            values[live] = np.exp(-model.rate * t) * sign * (f * ndtr(sign * d1) - strike * ndtr(sign * (d1 - spread)))
    settled = option & ~(years > 0.0)
    if np.count_nonzero(settled):
        values[settled] = _intrinsic(table.is_call[rows[settled], None], futures[settled],
                                     table.strike[rows[settled], None])
    return values


def matrix_values(
    table: ContractTable,
    model: ScenarioModel,
    spx_axis: np.ndarray,
    vix_axis: np.ndarray,
    offset: np.ndarray | None = None,
    threads: int = THREADS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Values on the SPX x VIX grid, valued today, without redundant work.

    SPX options depend on both axes; VIX contracts only on the VIX axis, so
    they are priced once per VIX level instead of once per cell. threads: as
    for ``grid.prices_on_axes``.
    Returns (spx_rows, spx_values [n x n_vix x n_spx], vix_rows, vix_values [m x n_vix]).
    """
    return start_matrix_values(table, model, spx_axis, vix_axis, offset, threads=threads).result()


class PendingMatrix:
    """``matrix_values`` whose SPX prices may still be computing on the background thread."""

    def __init__(self, values, offset, kernels) -> None:
        self._values, self._offset, self._kernels = values, offset, kernels

    def result(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        for kernel in self._kernels:
            kernel.result()
        self._kernels = []
        if self._offset is not None:
            spx_rows, spx_values, vix_rows, vix_values = self._values
            # Only contracts with a typed mark have an offset: the others' cells are left as they are.
            marked = self._offset[spx_rows].nonzero()[0]
            if marked.size:
                spx_values[marked] += self._offset[spx_rows[marked], None, None]
            vix_values += self._offset[vix_rows, None]
            self._offset = None
        return self._values


def start_matrix_values(
    table: ContractTable,
    model: ScenarioModel,
    spx_axis: np.ndarray,
    vix_axis: np.ndarray,
    offset: np.ndarray | None = None,
    threads: int = THREADS,
    background: bool = False,
) -> PendingMatrix:
    """``matrix_values``, with the SPX prices (nearly all the work) left computing on the background
    thread when ``background`` (and the compiled kernel is there): the caller prepares everything
    here, goes on with its own work, and ``result()`` waits for the one C call that remains."""
    spx_rows = (table.kind == SPX).nonzero()[0]
    vix_rows = (table.kind != SPX).nonzero()[0]
    spx_values = np.empty((spx_rows.size, vix_axis.size, spx_axis.size))
    kernels: list = []
    later = kernels if background and _kernel.NATIVE is not None else None
    if spx_rows.size:
        live = table.years[spx_rows] > 0.0
        vols = model.spx_vol(table.iv[spx_rows, None], vix_axis[None, :])
        if np.count_nonzero(live) == live.size:
            bsm_grid(table.is_call[spx_rows], table.strike[spx_rows], table.years[spx_rows], vols, spx_axis,
                     model.rate, model.div_yield, out=spx_values, threads=threads, later=later)
        else:
            rows = spx_rows[live]
            spx_values[live] = bsm_grid(table.is_call[rows], table.strike[rows], table.years[rows], vols[live],
                                        spx_axis, model.rate, model.div_yield, threads=threads)
            expired = spx_rows[~live]
            spx_values[~live] = _intrinsic(table.is_call[expired, None, None], spx_axis[None, None, :],
                                           table.strike[expired, None, None])
    vix_values = (_vix_rows(table, model, vix_rows, vix_axis, table.years[vix_rows]) if vix_rows.size
                  else np.empty((0, vix_axis.size)))
    return PendingMatrix((spx_rows, spx_values, vix_rows, vix_values), offset, kernels)


__all__ = ["VIX_FUTURE", "ScenarioModel", "contract_values", "matrix_values"]
