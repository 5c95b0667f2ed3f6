"""What ``analyze`` returns: every figure the window, the CLI and the rules read.

Money is in dollars; Greeks are dollars per unit move as named in each field:
delta_spx_usd per SPX point, delta_vix_usd per point of the leg's own VIX
future, delta_spx_equiv_usd per SPX point through the VIX response's one-session slope,
gamma_usd dollars of delta per point, vega_usd per 1 vol point (0.01; for VIX
options, per point of their own implied vol), theta_usd per calendar day,
protection_usd per 1-point rise of spot VIX.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np

from planner.domain.jsonable import json_ready

if TYPE_CHECKING:
    from planner.risk.plausible import Scenarios

GREEK_FIELDS = ("delta_spx_usd", "delta_vix_usd", "delta_spx_equiv_usd", "gamma_usd", "vega_usd", "theta_usd",
                "protection_usd")


@dataclass(frozen=True, slots=True)
class Greeks:
    """Dollar Greeks of a leg, a position or a group (units in the module docstring)."""

    delta_spx_usd: float = 0.0
    delta_vix_usd: float = 0.0
    delta_spx_equiv_usd: float = 0.0
    gamma_usd: float = 0.0
    vega_usd: float = 0.0
    theta_usd: float = 0.0
    protection_usd: float = 0.0

    def __add__(self, other: Greeks) -> Greeks:
        return Greeks(*(getattr(self, name) + getattr(other, name) for name in GREEK_FIELDS))


@dataclass(frozen=True, slots=True)
class LegRisk:
    """One leg. mark: per unit, points (the typed mark or the model value). iv: decimal."""

    position_id: int | None
    leg_id: int | None
    mark: float
    model_value: float
    iv: float
    years: float
    value_usd: float
    pnl_usd: float | None
    greeks: Greeks


class LegRows(Sequence):
    """One position's LegRisk rows, built for every position of a report when one is first read.

    ``analyze`` has each leg's figures as arrays already; turning some 300 legs into
    LegRisk objects costs more than the rest of a refresh's bookkeeping, and most readers
    (the window, the rules, the backtest) never look at a leg. Compares equal to the tuple
    of its rows.
    """

    __slots__ = ("_index", "_source")

    def __init__(self, source: LegRowSource, index: int) -> None:
        self._source, self._index = source, index

    def _rows(self) -> tuple[LegRisk, ...]:
        return self._source.rows()[self._index]

    def __getitem__(self, item):
        return self._rows()[item]

    def __len__(self) -> int:
        return self._source.count(self._index)

    def __iter__(self):
        return iter(self._rows())

    def __eq__(self, other) -> bool:
        if isinstance(other, LegRows | tuple | list):
            return self._rows() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._rows())

    def __repr__(self) -> str:
        return repr(self._rows())


class LegRowSource:
    """Builds every position's rows once, on first use (``build`` returns one tuple per position).

    Two threads reading at once may both build; the results are equal and either is kept.
    """

    __slots__ = ("_build", "_counts", "_rows")

    def __init__(self, build: Callable[[], list[tuple[LegRisk, ...]]], counts: list[int]) -> None:
        self._build: Callable[[], list[tuple[LegRisk, ...]]] | None = build
        self._counts = counts
        self._rows: list[tuple[LegRisk, ...]] | None = None

    def rows(self) -> list[tuple[LegRisk, ...]]:
        rows = self._rows
        if rows is None:
            build = self._build
            if build is None:  # another thread has just built them (it sets the rows before it clears build)
                rows = self._rows
                assert rows is not None
                return rows
            rows = self._rows = build()
            self._build = None  # the arrays it closed over are no longer needed
        return rows

    def count(self, index: int) -> int:
        return self._counts[index]


@dataclass(frozen=True, slots=True)
class PositionRisk:
    """One position. mark: per unit per package, positive, as prices are typed
    (a condor's cost to close, a layer's value). value_usd: signed dollars held.
    pnl_usd and day_pnl_usd are net of fees. max_loss_usd: None when unbounded."""

    id: int | None
    kind: str
    tier: str | None
    layer_kind: str | None
    quantity: int
    expiry: date
    mark: float
    value_usd: float
    pnl_usd: float
    day_pnl_usd: float | None
    greeks: Greeks
    max_loss_usd: float | None
    break_evens_today: tuple[float, ...] = ()
    break_evens_expiry: tuple[float, ...] = ()
    coverage_pct: float | None = None
    risk_used_pct: float | None = None
    legs: Sequence[LegRisk] = ()  # a tuple, or LegRows built when first read
    risk_used_scenario: dict | None = None  # the condor group's worst plausible scenario (Scenarios.describe)
    notional_usd: float | None = None  # a VX future's price x multiplier x quantity, signed; None otherwise


@dataclass(frozen=True, slots=True)
class GroupTotals:
    """Sums over a group of positions (condors, hedges, a tier, the book)."""

    value_usd: float
    pnl_usd: float
    day_pnl_usd: float | None
    greeks: Greeks


@dataclass(frozen=True)
class Curves:
    """P&L (dollars, net of fees) against SPX, with spot VIX moved by the model.

    spx: SPX levels (points); vix: spot VIX of the today curve at each (a
    one-session move); vix_horizon / vix_expiry: of the T+n and expiry curves
    (the move over their sessions). today / horizon / expiry: the book;
    *_condors: the condors alone. bands: SPX levels of the 1 and 2
    standard-deviation moves to the horizon and expiry. vix_mode: "central",
    "stressed" (every curve at the VIX band's high) or "fixed" (VIX held at
    ``vix[0]``). vix_low / vix_high: the one-session VIX band (points) and
    today_low / today_high the book today at them (priced on every 4th point,
    straight between: a shaded region read by eye).
    """

    spx: np.ndarray
    vix: np.ndarray
    today: np.ndarray
    horizon: np.ndarray
    expiry: np.ndarray
    today_condors: np.ndarray
    horizon_condors: np.ndarray
    expiry_condors: np.ndarray
    horizon_at: datetime
    expiry_at: datetime | None
    horizon_days: float
    bands_horizon: dict[str, tuple[float, float]]
    bands_expiry: dict[str, tuple[float, float]]
    vix_horizon: np.ndarray | None = None
    vix_expiry: np.ndarray | None = None
    vix_low: np.ndarray | None = None
    vix_high: np.ndarray | None = None
    today_low: np.ndarray | None = None
    today_high: np.ndarray | None = None
    vix_mode: str = "central"
    sessions: tuple[float, float, float] = (1.0, 1.0, 1.0)  # trading sessions of today, T+n, expiry moves


@dataclass(frozen=True)
class ScenarioMatrix:
    """Book P&L (dollars) over SPX move (fraction, includes 0) x VIX level (points,
    includes today's), valued today: rows are VIX levels, columns SPX moves.
    The full grid, corners no market visits included; risk used is measured over
    the plausible scenarios (``PlausibleRisk``), not over these cells.
    """

    spx_moves: np.ndarray
    vix_levels: np.ndarray
    hedged: np.ndarray
    unhedged: np.ndarray
    spot_index: int
    vix_index: int

    @property
    def hedge_benefit(self) -> np.ndarray:
        return self.hedged - self.unhedged


@dataclass(frozen=True, eq=False)
class PlausibleRisk:
    """The scenarios risk used is measured over (``planner.risk.plausible.Scenarios``) and, in a light
    report, each position's P&L in each [positions x scenarios] (the rules' what-ifs start from it)."""

    scenarios: Scenarios
    position_pnl: np.ndarray | None = None
    book_risk_used_pct: float | None = None  # the whole book's worst plausible loss, % of equity
    book_scenario: dict | None = None  # and its scenario


@dataclass(frozen=True, slots=True)
class StressRow:
    """A historical day's SPX return and VIX ratio applied to today's levels,
    valued one trading day later: change in value, dollars."""

    name: str
    day: date
    spx_return: float
    vix_ratio: float
    spx: float
    vix: float
    pnl_unhedged_usd: float
    pnl_hedged_usd: float
    loss_reduction_pct: float | None


@dataclass(frozen=True)
class RiskReport:
    asof: datetime
    spx: float
    vix: float
    positions: tuple[PositionRisk, ...]
    totals: dict[str, GroupTotals]
    curves: Curves | None
    break_evens_today: tuple[float, ...]
    break_evens_expiry: tuple[float, ...]
    matrix: ScenarioMatrix | None
    condor_exposure_usd: float
    hedge_protection_usd: float
    coverage_pct: float | None
    risk_used_pct: float | None
    risk_cap_pct: float
    stress: tuple[StressRow, ...]
    notes: tuple[str, ...] = field(default=())
    risk_used_scenario: dict | None = None  # the worst condor group's worst plausible scenario
    vix_band: tuple[float, float] | None = None  # a what-if SPX move's VIX band (points), None without one
    plausible: PlausibleRisk | None = None

    def position(self, position_id: int) -> PositionRisk | None:
        for row in self.positions:
            if row.id == position_id:
                return row
        return None

    def to_json(self, full: bool = True) -> dict:
        """The documented JSON contract of `planner risk --json` (README, "Risk JSON")."""
        payload = {
            "asof": self.asof.isoformat(),
            "spx": self.spx,
            "vix": self.vix,
            "totals": {name: _totals_json(group) for name, group in self.totals.items()},
            "positions": [_position_json(p) for p in self.positions],
            "break_evens": {"today": list(self.break_evens_today), "expiry": list(self.break_evens_expiry)},
            "condor_exposure_usd": self.condor_exposure_usd,
            "hedge_protection_usd": self.hedge_protection_usd,
            "coverage_pct": self.coverage_pct,
            "risk_used_pct": self.risk_used_pct,
            "risk_used_scenario": self.risk_used_scenario,
            "book_risk_used_pct": None if self.plausible is None else self.plausible.book_risk_used_pct,
            "book_risk_used_scenario": None if self.plausible is None else self.plausible.book_scenario,
            "risk_cap_pct": self.risk_cap_pct,
            "vix_band": None if self.vix_band is None else list(self.vix_band),
            "stress": [json_ready(asdict(row)) for row in self.stress],
            "notes": list(self.notes),
        }
        if full and self.curves is not None:
            c = self.curves
            payload["curves"] = {
                "spx": c.spx.tolist(), "vix": c.vix.tolist(), "vix_mode": c.vix_mode,
                "vix_horizon": _listed(c.vix_horizon), "vix_expiry": _listed(c.vix_expiry),
                "vix_band_low": _listed(c.vix_low), "vix_band_high": _listed(c.vix_high),
                "today_band_low": _listed(c.today_low), "today_band_high": _listed(c.today_high),
                "sessions": {"today": c.sessions[0], "horizon": c.sessions[1], "expiry": c.sessions[2]},
                "today": c.today.tolist(), "horizon": c.horizon.tolist(), "expiry": c.expiry.tolist(),
                "today_condors": c.today_condors.tolist(), "horizon_condors": c.horizon_condors.tolist(),
                "expiry_condors": c.expiry_condors.tolist(),
                "horizon_at": c.horizon_at.isoformat(), "horizon_days": c.horizon_days,
                "expiry_at": c.expiry_at.isoformat() if c.expiry_at else None,
                "bands_horizon": {k: list(v) for k, v in c.bands_horizon.items()},
                "bands_expiry": {k: list(v) for k, v in c.bands_expiry.items()},
            }
        if full and self.matrix is not None:
            m = self.matrix
            payload["matrix"] = {
                "spx_moves_pct": (m.spx_moves * 100).tolist(), "vix_levels": m.vix_levels.tolist(),
                "hedged_usd": m.hedged.tolist(), "unhedged_usd": m.unhedged.tolist(),
            }
        return json_ready(payload)


def _listed(values: np.ndarray | None) -> list | None:
    return None if values is None else values.tolist()


def _totals_json(group: GroupTotals) -> dict:
    return {"value_usd": group.value_usd, "pnl_usd": group.pnl_usd, "day_pnl_usd": group.day_pnl_usd,
            **asdict(group.greeks)}


def _position_json(p: PositionRisk) -> dict:
    return {
        "id": p.id, "kind": p.kind, "tier": p.tier, "layer_kind": p.layer_kind, "quantity": p.quantity,
        "expiry": p.expiry.isoformat(), "mark": p.mark, "value_usd": p.value_usd, "pnl": p.pnl_usd,
        "day_pnl": p.day_pnl_usd, **asdict(p.greeks), "max_loss": p.max_loss_usd,
        "break_evens": {"today": list(p.break_evens_today), "expiry": list(p.break_evens_expiry)},
        "notional_usd": p.notional_usd,
        "coverage_pct": p.coverage_pct, "risk_used_pct": p.risk_used_pct, "risk_used_scenario": p.risk_used_scenario,
        "legs": [{"leg_id": leg.leg_id, "mark": leg.mark, "model_value": leg.model_value, "iv": leg.iv,
                  "years": leg.years, "value_usd": leg.value_usd, "pnl": leg.pnl_usd, **asdict(leg.greeks)}
                 for leg in p.legs],
    }

