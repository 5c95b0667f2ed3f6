"""The book after a hypothetical trade: coverage and risk used, without a new analysis.

The risk engine measures each condor with its share of the hedges over the
plausible scenarios (``planner.risk.plausible``: each SPX move of the matrix's
axis with VIX at the response's band low, central and band high, and the stress
days): group P&L = condor + sum over layers of share x layer,
shares pro rata by |condor vega| among the condors a layer protects (all of
them when it is unlinked); coverage = hedge protection / |condor vega|. All of
it is linear in each position's P&L per matrix cell, its vega and its
protection. So those are computed once, on the report's own scenarios and
with the same public valuation functions the engine uses, and a what-if (add
q contracts of a layer, close or resize a position) is a few weighted sums:
well under a millisecond, where a new ``analyze`` would take tens. The tests
hold these figures equal to ``analyze`` of the changed book.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from planner.domain.market import MarketSnapshot
from planner.domain.positions import Book, Position, PositionKind
from planner.domain.settings import Settings
from planner.risk.contracts import build_contracts, years_at
from planner.risk.engine import matrix_axes
from planner.risk.plausible import plausible_scenarios
from planner.risk.report import RiskReport
from planner.risk.valuation import ScenarioModel, contract_values


@dataclass(frozen=True, slots=True)
class Measured:
    """The book after a trade: coverage (%, None without condor vega), the worst
    condor's risk used (% of equity, None without condors) and each condor's."""

    coverage_pct: float | None
    risk_used_pct: float | None
    risk_by_id: dict[int, float]


@dataclass(frozen=True, slots=True, eq=False)
class Addition:
    """q contracts of a new layer: P&L per contract in every plausible scenario (dollars,
    net of its cost), protection per contract ($ per VIX point), the condors it protects."""

    cells: np.ndarray
    protection_usd: float
    quantity: int
    protects: tuple[int, ...] = ()


class WhatIf:
    def __init__(self, book: Book, market: MarketSnapshot, settings: Settings, at: datetime,
                 report: RiskReport) -> None:
        self.market, self.settings, self.at = market, settings, at
        self.equity = settings.equity
        self.positions = tuple(p for p in book.open_positions if p.opened_at <= at)
        rows = {row.id: row for row in report.positions}
        greeks = [rows[p.id].greeks if p.id in rows else None for p in self.positions]
        self.vega = np.array([g.vega_usd if g else 0.0 for g in greeks])
        self.protection = np.array([g.protection_usd if g else 0.0 for g in greeks])
        is_condor = np.array([p.kind is PositionKind.CONDOR for p in self.positions], dtype=bool)
        self.condors = is_condor.nonzero()[0]
        self.layers = (~is_condor).nonzero()[0]
        self.index = {p.id: i for i, p in enumerate(self.positions) if p.id is not None}
        self._column = {int(c): k for k, c in enumerate(self.condors)}  # position index -> condor column
        plausible = report.plausible
        if plausible is None:
            moves = report.matrix.spx_moves if report.matrix is not None else matrix_axes(market, True)[0]
            self.scenarios = plausible_scenarios(market, settings, at, np.asarray(moves, dtype=float))
            known = None
        else:
            self.scenarios, known = plausible.scenarios, plausible.position_pnl
        cell_count = self.scenarios.spx.size
        if known is not None and known.shape[0] == len(self.positions) and [r.id for r in report.positions] == [
                p.id for p in self.positions]:
            # A light report made these from the same positions, valuations and scenarios.
            self.cells = known
        elif self.positions:
            self.cells = self.position_cells(self.positions)
        else:
            self.cells = np.zeros((0, cell_count))
        self.linked, self.member = self._membership()
        self.size = np.abs(self.vega)
        self.shares = _shares(self.member, self.linked, self.size[self.condors])  # [layers x condors]
        self.groups = self.cells[self.condors] + self.shares.T @ self.cells[self.layers]  # [condors x cells]
        self._targets = self.member.copy()
        self._targets[~self._targets.any(axis=1)] = True  # unlinked layers protect every condor
        self._target_count = self._targets.sum(axis=1).astype(float)
        self._target_size = self._targets @ self.size[self.condors]
        self._groups_of: dict[int, tuple] = {}
        self._cells_of: dict[bytes, np.ndarray] = {}  # layers' cells by the set of layers (see _condor_group)
        self._cache: dict[tuple, Measured] = {}

    def position_cells(self, positions: tuple[Position, ...]) -> np.ndarray:
        """[positions x scenarios]: each position's P&L (dollars, net of cost and fees) in every plausible
        scenario, valued as the engine values them (at the risk horizon, a typed mark's gap kept)."""
        table = build_contracts(positions, self.market, self.settings, self.at)
        model = ScenarioModel.of(self.market, self.settings)
        offset = self._mark_offset(table, model)
        scenarios = self.scenarios
        values = contract_values(table, model, scenarios.spx, scenarios.vix, years_at(table, scenarios.at), offset)
        fixed = np.array([p.cost_basis + p.fees for p in positions])
        return table.weights @ values - fixed[:, None]

    def _mark_offset(self, table, model: ScenarioModel) -> np.ndarray | None:
        """Per contract: its typed mark less its model value today (0 without a mark), as the engine keeps it.

        None when no contract has a typed mark (all of them in the backtest, and every proposed layer):
        there is nothing to add, and no need to value the contracts today.
        """
        typed = ~np.isnan(table.mark)
        # np.count_nonzero / .nonzero()[0] here: on a handful of positions, ndarray.any() and
        # np.flatnonzero cost several times the test itself in their Python wrappers.
        if not np.count_nonzero(typed):
            return None
        today = contract_values(table, model, np.array([self.market.spx]), np.array([self.market.vix]),
                                table.years)[:, 0]
        return np.where(typed, table.mark - today, 0.0)

    def _membership(self) -> tuple[np.ndarray, np.ndarray]:
        """Per layer: whether it names its condors, and [layers x condors] which it protects."""
        column = self._column
        linked = np.zeros(self.layers.size, dtype=bool)
        member = np.zeros((self.layers.size, self.condors.size), dtype=bool)
        for row, h in enumerate(self.layers):
            named = [column[self.index[c]] for c in self.positions[h].protects
                     if c in self.index and self.index[c] in column]
            linked[row] = bool(named)
            member[row, named] = True
        return linked, member

    def addition(self, position: Position, protection_per_contract_usd: float) -> Addition:
        """A layer to add, from an unsaved position of any quantity (valued per contract)."""
        per_contract = self.position_cells((position,))[0] / position.quantity
        return Addition(per_contract, protection_per_contract_usd, position.quantity, position.protects)

    def _addition_shares(self, add: Addition, alive: np.ndarray, size: np.ndarray) -> np.ndarray:
        column = self._column
        named = [column[self.index[c]] for c in add.protects if c in self.index and self.index[c] in column]
        member = np.zeros((1, self.condors.size), dtype=bool)
        member[0, named] = True
        return _shares(member, np.array([bool(named)]), size, alive)[0]

    def measure(self, add: Addition | tuple[Addition, ...] | None = None, scale: dict[int, float] | None = None,
                key: tuple | None = None) -> Measured:
        """The book with ``add`` (one addition or several) bought and each position id in ``scale`` kept at that
        fraction (0 closes it)."""
        cache_key = None if key is None else (key, tuple(sorted((scale or {}).items())))
        if cache_key is not None and cache_key in self._cache:
            return self._cache[cache_key]
        factor = np.ones(len(self.positions))
        for position_id, fraction in (scale or {}).items():
            factor[self.index[position_id]] = fraction
        measured = self._measure(factor, add)
        if cache_key is not None:
            self._cache[cache_key] = measured
        return measured

    def _measure(self, factor: np.ndarray, add: Addition | tuple[Addition, ...] | None) -> Measured:
        adds = () if add is None else (add,) if isinstance(add, Addition) else tuple(add)
        condor_factor = factor[self.condors]
        layer_factor = factor[self.layers]
        alive = condor_factor > 0
        exposure = float(self.vega[self.condors] @ condor_factor)
        protection = float(self.protection[self.layers] @ layer_factor)
        protection += sum(a.protection_usd * a.quantity for a in adds)
        coverage = 100.0 * protection / abs(exposure) if exposure < 0 else None
        if not np.count_nonzero(alive):
            return Measured(coverage, None, {})
        size = self.size[self.condors] * condor_factor
        if not np.count_nonzero(condor_factor != 1.0):
            # Condors untouched: every layer keeps its shares, so only the changed rows move.
            groups = self.groups.copy()
            changed = (layer_factor != 1.0).nonzero()[0]
            if changed.size:
                weights = self.shares[changed] * (layer_factor[changed] - 1.0)[:, None]
                groups += weights.T @ self.cells[self.layers[changed]]
        else:
            groups = self._regrouped(condor_factor, layer_factor, size, alive)
        for one in adds:
            share = self._addition_shares(one, alive, size)
            groups = groups + np.outer(share, one.cells * one.quantity)
        used = np.maximum(0.0, -groups[alive].min(axis=1)) / self.equity * 100.0
        ids = [self.positions[c].id for c in self.condors[alive]]
        return Measured(coverage, float(used.max()), dict(zip(ids, used.tolist(), strict=True)))

    def _regrouped(self, condor_factor: np.ndarray, layer_factor: np.ndarray, size: np.ndarray,
                   alive: np.ndarray) -> np.ndarray:
        """[condors x cells]: each condor scaled, with its layers' shares (as ``_shares``).

        A layer that protects the whole book (it names no alive condor) gives every alive condor the
        same share, |vega| over the alive total: all such layers add up to one outer product, so
        their cost no longer grows with layers x condors (most of `suggest` on a big book).
        """
        groups = self.cells[self.condors] * condor_factor[:, None]
        named = (self.member & alive[None, :]).any(axis=1)
        whole = ~named
        if np.count_nonzero(whole):
            total = float(size[alive].sum())
            weights = np.where(alive, size / total, 0.0) if total > 0 else alive / np.count_nonzero(alive)
            groups += np.outer(weights, layer_factor[whole] @ self.cells[self.layers[whole]])
        if np.count_nonzero(named):
            rows = named.nonzero()[0]
            shares = _shares(self.member[rows], self.linked[rows], size, alive) * layer_factor[rows, None]
            groups += shares.T @ self.cells[self.layers[rows]]
        return groups

    def condor_risk_pct(self, condor_id: int, fraction: float) -> float:
        """Risk used by one condor's group with that condor kept at ``fraction`` (> 0) of its size."""
        k, protecting, others, cells = self._condor_group(condor_id)
        mine = self.size[self.condors[k]] * fraction
        total = others + mine
        with np.errstate(divide="ignore", invalid="ignore"):
            shares = np.where(total > 0, mine / total, self._target_count[protecting] ** -1.0)
        group = fraction * self.cells[self.condors[k]] + shares @ cells
        return max(0.0, -float(group.min())) / self.equity * 100.0

    def _condor_group(self, condor_id: int):
        """(column, layers protecting it, |vega| of their other targets, their cells), kept per condor."""
        found = self._groups_of.get(condor_id)
        if found is None:
            k = int((self.condors == self.index[condor_id]).nonzero()[0][0])
            protecting = self._targets[:, k].nonzero()[0]
            others = self._target_size[protecting] - self.size[self.condors[k]]
            # Condors protected by the same layers (all of them, for whole-book layers) share one copy
            # of those layers' cells: a copy per condor was most of `suggest` on a big book.
            cells_key = protecting.tobytes()
            cells = self._cells_of.get(cells_key)
            if cells is None:
                cells = self._cells_of[cells_key] = self.cells[self.layers[protecting]]
            found = (k, protecting, others, cells)
            self._groups_of[condor_id] = found
        return found

def _shares(member: np.ndarray, linked: np.ndarray, size: np.ndarray, alive: np.ndarray | None = None
            ) -> np.ndarray:
    """[layers x condors]: each layer's share of each condor, pro rata by |vega| among its targets.

    A layer's targets are the alive condors it names, or every alive condor when
    it names none (or none of them is left), as the risk engine's coverage_shares.
    """
    alive = np.ones(size.size, dtype=bool) if alive is None else alive
    targets = member & alive[None, :]
    targets[~targets.any(axis=1)] = alive
    weights = np.where(targets, size[None, :], 0.0)
    totals = weights.sum(axis=1, keepdims=True)
    counts = targets.sum(axis=1, keepdims=True)
    shares = np.where(targets, 1.0 / np.maximum(counts, 1), 0.0)
    # Divided only where a total is positive (no 0/0 to silence: cheaper than an errstate block).
    return np.divide(weights, totals, out=shares, where=totals > 0)
