"""`analyze`: the whole book, SPX and VIX together, in one pass.

Flow: positions -> distinct contracts (priced once) -> today's values and
Greeks -> curves against SPX with VIX moved by the VIX response over each
curve's sessions -> the SPX x VIX matrix -> coverage, risk used over the
plausible scenarios and stress. Every figure is a weighted
sum over the same contract table, which keeps legs, positions and totals
consistent with each other by construction.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from planner.domain.errors import InputError
from planner.domain.expected_move import expected_move_bands
from planner.domain.market import MarketSnapshot
from planner.domain.payoff import max_loss, position_break_evens
from planner.domain.positions import Book, Position
from planner.domain.settings import Settings
from planner.risk.contracts import SPX, VIX_FUTURE, ContractTable, build_contracts, years_at
from planner.risk.exposure import coverage_shares, group_weights
from planner.risk.grid import THREADS
from planner.risk.per_object import PerObject
from planner.risk.plausible import plausible_scenarios
from planner.risk.report import (
    Curves,
    Greeks,
    GroupTotals,
    LegRisk,
    LegRows,
    LegRowSource,
    PlausibleRisk,
    PositionRisk,
    RiskReport,
    ScenarioMatrix,
    StressRow,
)
from planner.risk.roots import refine_roots
from planner.risk.stress import STRESS_DAYS
from planner.risk.threads import single_threaded_blas
from planner.risk.valuation import ScenarioModel, contract_values, start_matrix_values, values_at, values_at_moments
from planner.risk.vix_response import dvix_dspx, vix_response

FULL_CURVE_POINTS = 401
BAND_STEP = 4  # today's book at the VIX band is priced on every 4th curve point (a shaded region, not a figure)
FULL_MATRIX = (101, 61)
LIGHT_MATRIX = (21, 15)
CURVE_RANGE = 0.20
DEFAULT_HORIZON_DAYS = 7.0
VIX_MODES = ("central", "stressed", "fixed")


def analyze(
    book: Book,
    market: MarketSnapshot,
    settings: Settings,
    *,
    at: datetime | None = None,
    horizon_days: float | None = None,
    light: bool = False,
    previous: MarketSnapshot | None = None,
    scenarios: bool = True,
    matrix: bool = True,
    legs: bool = True,
    vix_mode: str = "central",
    fixed_vix: float | None = None,
    pin_spx: float | None = None,
) -> RiskReport:
    """Risk of the open positions of ``book`` under ``market``, valued at ``at`` (default now).

    horizon_days: the T+n curve's distance in calendar days (default 7, never
    past the nearest condor expiry). previous: the snapshot before ``market``,
    for day P&L. light: a coarse matrix (risk used) and no curves, break-even
    search, stress or per-leg rows (each position's ``legs`` is empty), for
    loops such as the rules and the backtest; each
    condor's expiry break-evens are closed form (K2 - C, K3 + C at its own
    expiry) in every mode. matrix=False: curves
    and break-evens without the SPX x VIX matrix, risk used and stress (the
    costliest part); ``add_scenarios`` completes such a report later.
    legs=False: no per-leg rows (each position's ``legs`` is empty; light mode implies it), for a
    caller that shows positions only, such as the window.
    vix_mode: how the curves move spot VIX with SPX: "central" (the VIX response's central path over
    each curve's sessions), "stressed" (its band high) or "fixed" (held at ``fixed_vix``, default
    today's). pin_spx: an SPX level the curves must hold exactly (a scenario-map cell sent to the graph).
    Risk used is the worst loss over the plausible scenarios (``planner.risk.plausible``).
    """
    single_threaded_blas()
    at = at or datetime.now(UTC)
    if at.tzinfo is None:
        raise InputError("at", "must carry a time zone", at.isoformat())
    if horizon_days is not None and not (0 <= horizon_days <= 3650):
        raise InputError("days", "must be between 0 and 3650 calendar days", horizon_days)
    if vix_mode not in VIX_MODES:
        raise InputError("vix_mode", f"must be one of {', '.join(VIX_MODES)}", vix_mode)
    positions = tuple(p for p in book.open_positions if p.opened_at <= at)
    all_facts = [_position_facts(p) for p in positions]
    table = build_contracts(positions, market, settings, at)
    model = ScenarioModel.of(market, settings)
    today = _today(table, market)
    weights = table.weights
    condor_rows = table.is_condor_row()
    fixed = table.fixed
    values = weights @ today.value if positions else np.zeros(0)
    pnl = values - fixed
    # A VX future is worth its gain since entry, not its notional (shown apart): the book's value sums
    # what the positions are worth, and a future's price is a level, not a premium paid.
    futures = [i for i, facts in enumerate(all_facts) if facts.row_head[3] == "vix-future"]
    notional = dict.fromkeys(futures)
    shown = values
    if futures:
        shown = values.copy()
        for i in futures:
            notional[i] = float(values[i])
            shown[i] = values[i] - all_facts[i].position.cost_basis
    day_pnl = _day_pnl(positions, pnl, previous, settings)

    leg_greeks = _leg_greeks(table, today, market, settings, condor_rows)
    position_greeks = _sum_by_position(table, leg_greeks, len(positions))
    exposure = float(position_greeks["vega_usd"][condor_rows].sum()) if positions else 0.0
    protection = float(position_greeks["protection_usd"][~condor_rows].sum()) if positions else 0.0
    shares = coverage_shares(table.protect_targets, position_greeks["vega_usd"])
    condor_coverage = _condor_coverage(shares, position_greeks, condor_rows)

    nothing = [[] for _ in range(len(positions) + 1)]
    # The matrix's SPX prices (the costliest part) compute on the background thread while this one
    # draws the curves (see _start_matrix).
    pending = (_start_matrix(table, model, market, settings, positions, today, fixed, shares, light)
               if scenarios and matrix else None)
    if scenarios:
        if light:  # loops read the matrix (risk used) and the positions, never curves or stress
            curves, curve_break_evens = None, {"today": nothing, "expiry": [[] for _ in nothing]}
        else:
            curves, curve_break_evens = _curves(table, model, market, settings, positions, all_facts, today, fixed, at,
                                                horizon_days, _CurveVix(market, settings, vix_mode, fixed_vix), pin_spx)
        for index, facts in enumerate(all_facts):
            if facts.expiry_break_evens:
                curve_break_evens["expiry"][index] = facts.expiry_break_evens
        if matrix:
            matrix = pending.result()
            risk_used, worst, plausible = _plausible_risk(table, model, market, settings, positions, today, fixed,
                                                          shares, at, light)
            stress = () if light else _stress(table, model, market, settings, positions, today, at)
        else:
            matrix, risk_used, worst, plausible, stress = None, {}, {}, None, ()
    else:
        curves, curve_break_evens, matrix, stress = None, {"today": nothing, "expiry": nothing}, None, ()
        risk_used, worst, plausible = {}, {}, None

    # Per-leg rows are for the JSON and the CLI; loops and the window never read them, so they are
    # made when first read, from the arrays computed here.
    if legs and not light:
        source = LegRowSource(lambda: _leg_rows(table, today, leg_greeks), [len(p.legs) for p in positions])
        leg_rows = [LegRows(source, index) for index in range(len(positions))]
    else:
        leg_rows = [()] * len(positions)
    # Plain lists: indexing numpy arrays element by element costs more than the rows themselves.
    greek_rows = list(zip(*(position_greeks[name].tolist() for name in Greeks.__slots__), strict=True))
    value_list, pnl_list, mark_list = shown.tolist(), pnl.tolist(), values.tolist()
    day_list = None if day_pnl is None else day_pnl.tolist()
    rows = []
    for p_index, facts in enumerate(all_facts):
        rows.append(PositionRisk(
            *facts.row_head,
            mark_list[p_index] * facts.mark_per_usd, value_list[p_index], pnl_list[p_index],
            None if day_list is None else day_list[p_index],
            Greeks(*greek_rows[p_index]), facts.max_loss, tuple(curve_break_evens["today"][p_index]),
            tuple(curve_break_evens["expiry"][p_index]), condor_coverage.get(p_index), risk_used.get(p_index),
            leg_rows[p_index], worst.get(p_index), notional.get(p_index),
        ))
    totals = _totals(table, all_facts, shown, pnl, day_pnl, position_greeks)
    notes = []
    # np.count_nonzero / .nonzero()[0] on small masks in this module: ndarray.any() and np.flatnonzero
    # go through Python wrappers that cost several times the test itself on a few elements.
    if np.count_nonzero(table.future_estimated):
        notes.append("Some VIX futures are not in the snapshot's curve: estimated from the term structure.")
    coverage = 100.0 * protection / abs(exposure) if exposure < 0 else None
    return RiskReport(
        asof=at,
        spx=market.spx,
        vix=market.vix,
        positions=tuple(rows),
        totals=totals,
        curves=curves,
        break_evens_today=tuple(curve_break_evens["today"][-1]),
        break_evens_expiry=tuple(curve_break_evens["expiry"][-1]),
        matrix=matrix,
        condor_exposure_usd=exposure,
        hedge_protection_usd=protection,
        coverage_pct=coverage,
        risk_used_pct=max(risk_used.values()) if risk_used else None,
        risk_cap_pct=settings.risk_cap_in_force_pct,
        stress=stress,
        notes=tuple(notes),
        risk_used_scenario=worst[max(risk_used, key=risk_used.get)] if risk_used else None,
        plausible=plausible,
    )


def add_scenarios(report: RiskReport, book: Book, market: MarketSnapshot, settings: Settings, *,
                  light: bool = False) -> RiskReport:
    """``report`` (made with matrix=False from the same inputs) with its matrix, risk used and stress.

    Everything else is kept as the same objects, so a view can tell its curves
    did not change. Lets a window draw the curves first and the matrix after.
    """
    single_threaded_blas()
    at = report.asof
    positions = tuple(p for p in book.open_positions if p.opened_at <= at)
    table = build_contracts(positions, market, settings, at)
    model = ScenarioModel.of(market, settings)
    today = _today(table, market)
    fixed = table.fixed
    leg_greeks = _leg_greeks(table, today, market, settings, table.is_condor_row())
    vega = _sum_by_position(table, leg_greeks, len(positions))["vega_usd"]
    shares = coverage_shares(table.protect_targets, vega)
    matrix = _start_matrix(table, model, market, settings, positions, today, fixed, shares, light,
                           overlap=False).result()
    risk_used, worst, plausible = _plausible_risk(table, model, market, settings, positions, today, fixed, shares,
                                                  at, light)
    stress = _stress(table, model, market, settings, positions, today, at)
    rows = tuple(row.with_risk_used(risk_used.get(index), worst.get(index))
                 for index, row in enumerate(report.positions))
    return replace(report, positions=rows, matrix=matrix, stress=stress,
                   risk_used_pct=max(risk_used.values()) if risk_used else None,
                   risk_used_scenario=worst[max(risk_used, key=risk_used.get)] if risk_used else None,
                   plausible=plausible)


class _Today:
    """Per contract today: model value, the value used (mark or model), Greeks per unit."""

    def __init__(self, model_value, value, delta, gamma, vega, theta):
        self.model_value, self.value = model_value, value
        self.delta, self.gamma, self.vega, self.theta = delta, gamma, vega, theta

    @property
    def offset(self) -> np.ndarray:
        return self.value - self.model_value


def _today(table: ContractTable, market: MarketSnapshot) -> _Today:
    from planner.pricing import black76_greeks, bsm_greeks

    n = table.size
    price, delta, gamma, vega, theta = (np.zeros(n) for _ in range(5))
    spx = table.kind == SPX
    if np.count_nonzero(spx):
        g = bsm_greeks(table.is_call[spx], market.spx, table.strike[spx], table.years[spx], table.iv[spx],
                       market.rate, market.div_yield)
        price[spx], delta[spx], gamma[spx], vega[spx], theta[spx] = g.price, g.delta, g.gamma, g.vega, g.theta
    option = (table.kind != SPX) & (table.kind != VIX_FUTURE)
    if np.count_nonzero(option):
        g = black76_greeks(table.is_call[option], table.future[option], table.strike[option], table.years[option],
                           table.iv[option], market.rate)
        price[option], delta[option], gamma[option] = g.price, g.delta, g.gamma
        vega[option], theta[option] = g.vega, g.theta
    future = table.kind == VIX_FUTURE
    price[future] = table.future[future]
    delta[future] = 1.0
    value = np.where(np.isnan(table.mark), price, table.mark)
    return _Today(price, value, delta, gamma, vega, theta)


def _leg_greeks(table, today, market, settings, condor_rows) -> dict[str, np.ndarray]:
    """Dollar Greeks per leg: leg weight (signed qty x multiplier) times per-unit Greeks."""
    c, w = table.leg_contract, table.leg_weight
    is_spx = table.kind[c] == SPX
    delta = w * today.delta[c]
    delta_spx = np.where(is_spx, delta, 0.0)
    delta_vix = np.where(is_spx, 0.0, delta)
    spot_vix_delta = delta_vix * table.damping[c]
    vega = w * today.vega[c]
    in_hedge = ~condor_rows[table.leg_position] if table.leg_position.size else np.zeros(0, dtype=bool)
    protection = np.where(in_hedge, np.where(is_spx, vega, spot_vix_delta), 0.0)
    return {
        "delta_spx_usd": delta_spx,
        "delta_vix_usd": delta_vix,
        "delta_spx_equiv_usd": delta_spx + spot_vix_delta * dvix_dspx(market.spx, market.vix, settings),
        "gamma_usd": w * today.gamma[c],
        "vega_usd": vega,
        "theta_usd": w * today.theta[c],
        "protection_usd": protection,
    }


def _sum_by_position(table, leg_greeks, count) -> dict[str, np.ndarray]:
    return {name: np.bincount(table.leg_position, weights=per_leg, minlength=count).astype(float)
            for name, per_leg in leg_greeks.items()}


def _leg_rows(table, today, leg_greeks) -> list[tuple[LegRisk, ...]]:
    """LegRisk rows grouped by position, built from plain lists (this runs on every refresh)."""
    c, weight = table.leg_contract, table.leg_weight
    marks = today.value[c].tolist()
    model = today.model_value[c].tolist()
    ivs = table.iv[c].tolist()
    years = table.years[c].tolist()
    # A VX future leg is worth its gain since entry (its price is a level, not a premium).
    value = today.value[c] * weight
    futures = (table.kind[c] == VIX_FUTURE).nonzero()[0]
    for i in futures.tolist():
        leg = table.legs[i]
        entry = leg.open_price if leg.open_price is not None else table.positions[table.leg_position[i]].open_price
        value[i] -= entry * weight[i]
    value = value.tolist()
    weights = weight.tolist()
    greek_rows = list(zip(*(leg_greeks[name].tolist() for name in Greeks.__slots__), strict=True))
    owners = table.leg_position.tolist()
    ids = [p.id for p in table.positions]
    grouped: list[list[LegRisk]] = [[] for _ in table.positions]
    for i, leg in enumerate(table.legs):
        p_index = owners[i]
        pnl = None if leg.open_price is None else (marks[i] - leg.open_price) * weights[i] - leg.fees
        grouped[p_index].append(LegRisk(ids[p_index], leg.id, marks[i], model[i], ivs[i], years[i], value[i], pnl,
                                        Greeks(*greek_rows[i])))
    return [tuple(legs) for legs in grouped]


def _day_pnl(positions, pnl, previous, settings) -> np.ndarray | None:
    """P&L now minus P&L at the previous snapshot; a position opened since counts from its cost."""
    if previous is None or not positions:
        return None
    then = tuple(p for p in positions if p.opened_at <= previous.asof)
    result = pnl.copy()
    if then:
        table = build_contracts(then, previous, settings, previous.asof)
        past = _today(table, previous)
        pnl_then = table.weights @ past.value - table.fixed
        index = {id(p): i for i, p in enumerate(positions)}
        for j, p in enumerate(then):
            result[index[id(p)]] -= pnl_then[j]
    return result


def _condor_coverage(shares, position_greeks, condor_rows) -> dict[int, float]:
    coverage = {}
    protection = position_greeks["protection_usd"]
    vega = position_greeks["vega_usd"]
    # One product for every condor (a column at a time walked the whole square, strided).
    protected = protection @ shares
    for i in condor_rows.nonzero()[0]:
        if vega[i] < 0:
            coverage[int(i)] = float(100.0 * protected[i] / abs(vega[i]))
    return coverage


class _CurveVix:
    """Spot VIX along a curve: the VIX response over the curve's sessions (central or band high), or
    held fixed."""

    def __init__(self, market: MarketSnapshot, settings: Settings, mode: str, fixed_vix: float | None) -> None:
        self.market, self.settings, self.mode = market, settings, mode
        self.fixed = market.vix if fixed_vix is None else float(fixed_vix)

    def __call__(self, spx: np.ndarray, sessions: float) -> np.ndarray:
        if self.mode == "fixed":
            return np.full(np.shape(spx), self.fixed)
        path = vix_response(spx, self.market.spx, self.market.vix, sessions, self.settings)
        return path.high if self.mode == "stressed" else path.central

    def band(self, spx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The one-session band (points): today's curve at its low and high."""
        path = vix_response(spx, self.market.spx, self.market.vix, 1, self.settings)
        return path.low, path.high


def _curve_grid(market, points, pin_spx=None):
    """SPX levels of the curves: +-20 % around today's level (exactly on it), widened to hold
    ``pin_spx`` exactly when one is given."""
    if pin_spx is None:
        spx = market.spx * (1.0 + np.linspace(-CURVE_RANGE, CURVE_RANGE, points))
        spx[points // 2] = market.spx  # exactly today's level at the centre
        return spx
    move = pin_spx / market.spx - 1.0
    low, high = min(-CURVE_RANGE, move - 0.02), max(CURVE_RANGE, move + 0.02)
    return np.unique(np.concatenate([market.spx * (1.0 + np.linspace(low, high, points)), [market.spx, pin_spx]]))


def _sessions_to(at: datetime, moment: datetime | None) -> float:
    """Trading sessions from ``at`` to ``moment`` (at least one: a move takes a session)."""
    if moment is None:
        return 1.0
    from planner.calendars import trading_days_between

    return float(max(1, trading_days_between(at.date(), moment.date())))


def _curves(table, model, market, settings, positions, all_facts, today, fixed, at, horizon_days, curve_vix,
            pin_spx=None):
    points = FULL_CURVE_POINTS
    spx = _curve_grid(market, points, pin_spx)
    points = spx.size
    count = len(positions)
    empty = {"today": [[] for _ in range(count + 1)], "expiry": [[] for _ in range(count + 1)]}
    condors = [facts for facts in all_facts if facts.kind == "condor"]
    expiry_at = None
    if condors:
        nearest = min(condors, key=lambda facts: facts.row_head[5])  # the expiry, kept with the facts
        from planner.calendars import settlement_moment

        expiry_at = max(settlement_moment(nearest.row_head[5], str(nearest.position.legs[0].settlement)), at)
    days_to_expiry = (expiry_at - at).total_seconds() / 86400 if expiry_at else None
    if horizon_days is None:
        horizon_days = DEFAULT_HORIZON_DAYS if days_to_expiry is None else min(DEFAULT_HORIZON_DAYS, days_to_expiry)
    horizon_at = at + timedelta(days=horizon_days)
    bands_horizon = _bands(market, horizon_days)
    bands_expiry = _bands(market, days_to_expiry) if days_to_expiry is not None else {}
    # Today is a one-session shock; T+n and expiry a move over their sessions (a slide lifts VIX less).
    sessions = (1.0, _sessions_to(at, horizon_at), _sessions_to(at, expiry_at))
    vix_today, vix_horizon = curve_vix(spx, sessions[0]), curve_vix(spx, sessions[1])
    vix_expiry = curve_vix(spx, sessions[2])
    vix_low, vix_high = curve_vix.band(spx)
    paths = {"vix_horizon": vix_horizon, "vix_expiry": vix_expiry, "vix_low": vix_low, "vix_high": vix_high,
             "vix_mode": curve_vix.mode, "sessions": sessions}
    if not count:
        zeros = np.zeros(points)
        curves = Curves(spx, vix_today, zeros, zeros, zeros, zeros, zeros, zeros, horizon_at, expiry_at, horizon_days,
                        bands_horizon, bands_expiry, today_low=zeros, today_high=zeros, **paths)
        return curves, empty
    weights = table.weights
    condor_rows = table.condor_rows
    years_horizon = years_at(table, horizon_at)
    years_expiry = years_at(table, expiry_at) if expiry_at else years_horizon
    values = values_at_moments(table, model, spx, np.vstack([vix_today, vix_horizon, vix_expiry]),
                               [table.years, years_horizon, years_expiry], [today.offset, None, None])
    # The book and its condors at the three curves in one product: [2 x contracts] @ [contracts x
    # (3 x points)]; each condor alone only today (its break-evens).
    groups = np.vstack([weights.sum(axis=0), weights[condor_rows].sum(axis=0)])
    groups_fixed = np.array([fixed.sum(), fixed[condor_rows].sum()])
    summed = (groups @ values.transpose(1, 0, 2).reshape(table.size, -1)).reshape(2, 3, points)
    summed -= groups_fixed[:, None, None]
    (book_today, book_horizon, book_expiry), (condors_today, condors_horizon, condors_expiry) = summed
    book_low, book_high = _band_curves(table, model, spx, vix_low, vix_high, today.offset, groups[0],
                                       groups_fixed[0])
    each_condor_today = weights[condor_rows] @ values[0] - fixed[condor_rows, None]
    break_evens = _break_evens(table, model, market, positions, spx, each_condor_today, book_today,
                               book_expiry, fixed, today.offset, years_expiry, curve_vix, sessions[2])
    no_expiry = np.full(points, np.nan)
    curves = Curves(
        spx=spx, vix=vix_today,
        today=book_today, horizon=book_horizon,
        expiry=book_expiry if expiry_at else no_expiry,
        today_condors=condors_today,
        horizon_condors=condors_horizon,
        expiry_condors=condors_expiry if expiry_at else no_expiry,
        horizon_at=horizon_at, expiry_at=expiry_at, horizon_days=float(horizon_days),
        bands_horizon=bands_horizon, bands_expiry=bands_expiry,
        today_low=book_low, today_high=book_high, **paths,
    )
    return curves, break_evens


def _band_curves(table, model, spx, vix_low, vix_high, offset, book_weights, book_fixed):
    """The book today with VIX at the band's low and high, priced on every ``BAND_STEP``-th point of the
    curve (and its last) and drawn straight between: a shaded region, read by eye, at a fifth of the cost."""
    coarse = np.unique(np.append(np.arange(0, spx.size, BAND_STEP), spx.size - 1))
    values = values_at_moments(table, model, spx[coarse], np.vstack([vix_low[coarse], vix_high[coarse]]),
                               [table.years, table.years], [offset, offset])
    low, high = (book_weights @ values.transpose(1, 0, 2).reshape(table.size, -1)).reshape(2, -1) - book_fixed
    return np.interp(spx, spx[coarse], low), np.interp(spx, spx[coarse], high)


class _Facts(NamedTuple):
    """What a position's report row takes from the position alone (no market, no moment)."""

    position: Position
    row_head: tuple  # PositionRisk's first fields: id, kind, tier, layer_kind, quantity, expiry
    mark_per_usd: float  # mark = value_usd x this: signed, per unit per package
    expiry_break_evens: tuple[float, ...]
    max_loss: float | None

    @property
    def kind(self) -> str:
        return self.row_head[1]


def _make_facts(position: Position) -> _Facts:
    break_evens = position_break_evens(position)
    head = (position.id, str(position.kind), str(position.tier) if position.tier else None,
            str(position.layer_kind) if position.layer_kind else None, position.quantity, position.expiry)
    return _Facts(position, head, position.side / (position.multiplier * position.quantity), break_evens,
                  max_loss(position))


# Each position object (immutable; a quote re-analyses the same ones) computes its facts once.
_position_facts = PerObject(_make_facts)


def _break_evens(table, model, market, positions, grid, each_condor_today, book_today, book_expiry,
                 fixed, offset, years_expiry, curve_vix, expiry_sessions) -> dict[str, list[list[float]]]:
    """Break-evens today (each condor and the book) and at the curve's expiry (the book), in one search.

    Per position and a last row for the book; other positions get none. The
    rows are solved together, each valued at its own moment, and each bracket
    on the contracts its row holds only (four for a condor), so the cost grows
    with the legs involved, not the whole book.
    """
    condor_rows, row_start, row_length, held, held_weight = _break_even_rows(table)
    rows_fixed = np.concatenate([fixed[condor_rows], [fixed.sum(), fixed.sum()]])
    rows_curves = np.vstack([each_condor_today, book_today, book_expiry])
    at_expiry = np.zeros(rows_curves.shape[0], dtype=bool)
    at_expiry[-1] = True

    def evaluate(rows, x):
        # Each bracket's (row's) contracts, gathered from the rows' ranges of ``held``.
        counts = row_length[rows]
        bracket = np.repeat(np.arange(rows.size), counts)
        pair = np.arange(counts.sum()) + np.repeat(row_start[rows] - np.cumsum(counts) + counts, counts)
        contracts = held[pair]
        spx = x[bracket]
        expiring = at_expiry[rows[bracket]]
        # VIX as on each curve: a one-session shock today, the move over the sessions to expiry there.
        vix = np.where(expiring, curve_vix(spx, expiry_sessions), curve_vix(spx, 1.0))
        years = np.where(expiring, years_expiry[contracts], table.years[contracts])
        values = values_at(table, model, contracts, spx, vix, years)
        values += np.where(expiring, 0.0, offset[contracts])  # a typed mark's gap applies today only
        return np.bincount(bracket, values * held_weight[pair], minlength=rows.size) - rows_fixed[rows]

    # A tenth of a cent of P&L: the break-even to the precision P&L is shown at, in two or three steps.
    roots = refine_roots(grid, rows_curves, evaluate, value_tolerance=0.001)
    today: list[list[float]] = [[] for _ in range(len(positions) + 1)]
    for k, row in enumerate(condor_rows):
        today[row] = sorted(round(x, 6) for x in roots[k])
    today[-1] = sorted(round(x, 6) for x in roots[-2])
    expiry: list[list[float]] = [[] for _ in range(len(positions) + 1)]
    expiry[-1] = sorted(round(x, 6) for x in roots[-1])
    return {"today": today, "expiry": expiry}


def _break_even_rows(table: ContractTable) -> tuple:
    """The break-even search's rows (each condor, the book today, the book at expiry) as ranges of
    (contract, weight) pairs: (condor positions, row_start, row_length, contracts, weights).
    Made once per book layout."""
    known = table.derived.get("break_even_rows")
    if known is None:
        condor_rows = table.condor_rows.nonzero()[0]
        book_weights = table.weights.sum(axis=0)
        rows_weights = np.vstack([table.weights[condor_rows], book_weights, book_weights])
        row_of, held = np.nonzero(rows_weights)  # row-major: each row's pairs together
        row_length = np.bincount(row_of, minlength=rows_weights.shape[0])
        row_start = np.concatenate([[0], np.cumsum(row_length)[:-1]])
        known = table.derived["break_even_rows"] = (condor_rows, row_start, row_length, held,
                                                    rows_weights[row_of, held])
    return known


def _bands(market: MarketSnapshot, days: float) -> dict[str, tuple[float, float]]:
    """SPX levels one and two expected moves away (``planner.domain.expected_move``)."""
    return expected_move_bands(market.spx, market.vix, days)


def matrix_axes(market: MarketSnapshot, light: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """SPX moves -30 % .. +10 % and VIX 10 .. 80, with 0 % and today's VIX exactly on their axes.

    Read-only arrays, kept per (mode, VIX level): the backtest asks for them on every review.
    """
    return _axes(light, float(market.vix))


@lru_cache(maxsize=256)
def _axes(light: bool, vix: float) -> tuple[np.ndarray, np.ndarray]:
    moves, levels = _even_axes(light)
    levels = _with_exact(levels, vix)
    levels.flags.writeable = False
    return moves, levels


@lru_cache(maxsize=2)
def _even_axes(light: bool) -> tuple[np.ndarray, np.ndarray]:
    n_spx, n_vix = LIGHT_MATRIX if light else FULL_MATRIX
    moves = _with_exact(np.linspace(-0.30, 0.10, n_spx), 0.0)
    levels = np.linspace(10.0, 80.0, n_vix)
    moves.flags.writeable = levels.flags.writeable = False
    return moves, levels


def _with_exact(axis: np.ndarray, value: float) -> np.ndarray:
    nearest = int(np.argmin(np.abs(axis - value)))
    if abs(axis[nearest] - value) <= 1e-9 * max(1.0, abs(value)):
        axis = axis.copy()
        axis[nearest] = value
        return axis
    return np.sort(np.append(axis, value))


class _PendingScenarios:
    """The matrix and risk used of an analysis whose SPX prices are computing on the background thread."""

    def __init__(self, pending, finish) -> None:
        self._pending, self._finish = pending, finish

    def result(self):
        return self._finish(self._pending.result())


def _start_matrix(table, model, market, settings, positions, today, fixed, shares, light, overlap=True):
    """``_matrix`` (the matrix and each condor's risk used), as an object whose ``result()`` gives it.

    With ``overlap`` the SPX prices (the costliest part) are left to the background thread as one
    C call without the GIL, while the caller draws the curves; everything that needs the
    interpreter stays on the caller's thread, so the two never wait on each other for the GIL.
    Light mode's coarse matrix is not worth a thread.
    """
    moves, levels = matrix_axes(market, light)
    background = overlap and not light and table.size > 0
    pending = start_matrix_values(table, model, market.spx * (1 + moves), levels, today.offset,
                                  threads=1 if light else THREADS, background=background)

    def finish(values):
        return _matrix(table, positions, fixed, (moves, levels), market.vix, values, light)

    return _PendingScenarios(pending, finish)


def _matrix(table, positions, fixed, axes, vix, values, light=False):
    moves, levels = axes
    spot_index = int((moves == 0.0).nonzero()[0][0])
    vix_index = int((levels == vix).nonzero()[0][0])
    shape = (levels.size, moves.size)
    if not positions:
        zeros = np.zeros(shape)
        return ScenarioMatrix(moves, levels, zeros, zeros.copy(), spot_index, vix_index)
    spx_rows, spx_values, vix_rows, vix_values = values
    condor_rows = table.is_condor_row()
    # The rules' what-ifs start from each position's P&L in the plausible scenarios (``PlausibleRisk``),
    # not from the grid: only the two totals are needed here, in either mode.
    totals = np.vstack([table.weights.sum(axis=0), table.weights[condor_rows].sum(axis=0)])
    totals_fixed = np.array([fixed.sum(), fixed[condor_rows].sum()])
    hedged, unhedged = _grid_pnl(totals, totals_fixed, spx_rows, spx_values, vix_rows, vix_values, shape)
    return ScenarioMatrix(moves, levels, hedged, unhedged, spot_index, vix_index)


def _plausible_risk(table, model, market, settings, positions, today, fixed, shares, at, light):
    """Each condor's risk used (% of equity) with its share of the hedges over the plausible scenarios,
    the scenario that sets it, and the scenarios (with each position's P&L in light mode)."""
    moves, _ = matrix_axes(market, light)
    scenarios = plausible_scenarios(market, settings, at, moves)
    if not positions:
        return {}, {}, PlausibleRisk(scenarios, np.zeros((0, scenarios.spx.size)) if light else None)
    values = contract_values(table, model, scenarios.spx, scenarios.vix, years_at(table, scenarios.at), today.offset)
    condor_rows = table.is_condor_row()
    groups, group_fixed = group_weights(table.weights, fixed, shares, condor_rows)
    group_pnl = groups @ values - group_fixed[:, None]
    worst_index = group_pnl.argmin(axis=1) if group_pnl.size else np.zeros(0, dtype=int)
    worst_pnl = group_pnl[np.arange(worst_index.size), worst_index]
    condor_indices = condor_rows.nonzero()[0].tolist()
    risk_used = {i: float(max(0.0, -w) / settings.equity * 100.0) for i, w in zip(condor_indices, worst_pnl.tolist(),
                                                                                  strict=True)}
    worst = {i: scenarios.describe(k) for i, k in zip(condor_indices, worst_index.tolist(), strict=True)}
    position_pnl = table.weights @ values - fixed[:, None] if light else None
    # The whole book (every condor and every hedge together) over the same scenarios.
    book_pnl = table.weights.sum(axis=0) @ values - fixed.sum()
    book_worst = int(book_pnl.argmin())
    book = (float(max(0.0, -book_pnl[book_worst]) / settings.equity * 100.0), scenarios.describe(book_worst))
    return risk_used, worst, PlausibleRisk(scenarios, position_pnl, *book)


def _grid_pnl(weights, fixed, spx_rows, spx_values, vix_rows, vix_values, shape):
    """P&L grids [rows x VIX levels x SPX moves] for rows of contract weights.

    VIX contracts depend on the VIX axis only and are added as a column broadcast.
    """
    pnl = np.empty((weights.shape[0], *shape))
    pnl[...] = -fixed[:, None, None]
    if spx_rows.size:
        pnl += (weights[:, spx_rows] @ spx_values.reshape(spx_rows.size, -1)).reshape(-1, *shape)
    if vix_rows.size:
        pnl += (weights[:, vix_rows] @ vix_values)[:, :, None]
    return pnl


def _stress(table, model, market, settings, positions, today, at) -> tuple[StressRow, ...]:
    from planner.calendars import next_trading_day

    next_day = next_trading_day(at.date())
    moment = at + timedelta(days=(next_day - at.date()).days)
    rows = []
    if positions:
        years = years_at(table, moment)
        spx = np.array([market.spx * (1 + day.spx_return) for day in STRESS_DAYS])
        vix = np.array([min(market.vix * day.vix_ratio, settings.vix_cap) for day in STRESS_DAYS])
        change = table.weights @ (contract_values(table, model, spx, vix, years, today.offset) - today.value[:, None])
        condor_rows = table.is_condor_row()
        hedged = change.sum(axis=0)
        unhedged = change[condor_rows].sum(axis=0)
    else:
        spx = np.array([market.spx * (1 + day.spx_return) for day in STRESS_DAYS])
        vix = np.array([min(market.vix * day.vix_ratio, settings.vix_cap) for day in STRESS_DAYS])
        hedged = unhedged = np.zeros(len(STRESS_DAYS))
    for k, day in enumerate(STRESS_DAYS):
        reduction = 100.0 * (1.0 - hedged[k] / unhedged[k]) if unhedged[k] < 0 else None
        rows.append(StressRow(day.name, day.day, day.spx_return, day.vix_ratio, float(spx[k]), float(vix[k]),
                              float(unhedged[k]), float(hedged[k]), reduction))
    return tuple(rows)


def _totals(table, all_facts, values, pnl, day_pnl, position_greeks) -> dict[str, GroupTotals]:
    """Sums for the book, condors, hedges and each tier (the groups' masks are kept per book layout)."""
    masks = table.derived.get("total_masks")
    if masks is None:
        kinds = [facts.kind for facts in all_facts]
        tiers = [facts.row_head[2] or "" for facts in all_facts]
        groups = {
            "book": [True] * len(all_facts),
            "condors": [kind == "condor" for kind in kinds],
            "hedges": [kind == "layer" for kind in kinds],
        }
        for tier in ("near", "mid", "long"):
            groups[tier] = [kind == "layer" and t == tier for kind, t in zip(kinds, tiers, strict=True)]
        masks = table.derived["total_masks"] = (tuple(groups), np.array(list(groups.values()), dtype=float)
                                                .reshape(len(groups), len(all_facts)))
    names, mask_matrix = masks
    count = len(all_facts)
    # Every group's sums in one product: [groups x positions] @ [positions x figures].
    figures = [values, pnl, *(position_greeks[g] for g in Greeks.__slots__)]
    if day_pnl is not None:
        figures.append(day_pnl)
    sums = (mask_matrix @ np.array(figures, dtype=float).reshape(len(figures), count).T).tolist()
    greeks_count = len(Greeks.__slots__)
    return {
        name: GroupTotals(row[0], row[1], None if day_pnl is None else row[-1], Greeks(*row[2:2 + greeks_count]))
        for name, row in zip(names, sums, strict=True)
    }
