"""`analyze`: the whole book, SPX and VIX together, in one pass.

Flow: positions -> distinct contracts (priced once) -> today's values and
Greeks -> curves against SPX with VIX moved by the VIX response over each
curve's sessions -> the SPX x VIX matrix -> coverage, risk used over the
plausible scenarios and stress. Every figure is a weighted
sum over the same contract table, which keeps legs, positions and totals
consistent with each other by construction.

Each part of the report has its own module; this one only puts them together:
``today`` (values and day P&L), ``greeks`` (dollar Greeks, coverage),
``leg_rows``, ``curves`` (with ``break_evens``), ``matrix``, ``risk_used``,
``stress_rows``, ``totals`` and ``position_facts`` (what a row takes from its
position alone).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np

from planner.domain.errors import InputError
from planner.domain.market import MarketSnapshot
from planner.domain.positions import Book
from planner.domain.settings import Settings
from planner.risk.contracts import Layouts, build_contracts
from planner.risk.curves import VIX_MODES, CurveVix, book_curves
from planner.risk.exposure import coverage_shares
from planner.risk.greeks import coverage_per_condor, greeks_per_leg, sum_by_position
from planner.risk.leg_rows import make_leg_rows
from planner.risk.matrix import matrix_axes as matrix_axes  # public here since before the split
from planner.risk.matrix import start_matrix
from planner.risk.position_facts import layout_facts
from planner.risk.report import Greeks, LegRisk, LegRows, LegRowSource, PositionRisk, RiskReport, ScenarioMatrix
from planner.risk.risk_used import plausible_risk
from planner.risk.stress_rows import stress_rows
from planner.risk.threads import single_threaded_blas
from planner.risk.today import pnl_since_previous, today_values
from planner.risk.totals import group_totals
from planner.risk.valuation import ScenarioModel


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
    layouts: Layouts | None = None,
) -> RiskReport:
    """Risk of the open positions of ``book`` under ``market``, valued at ``at`` (default now).

    horizon_days: the T+n curve's distance in calendar days (default 7, never
    past the nearest condor expiry). previous: the snapshot before ``market``,
    for day P&L. light: a coarse matrix (risk used) and no curves, break-even
    search, stress or per-leg rows (each position's ``legs`` is empty), for
    loops such as the rules and the backtest; each
    condor's expiry break-evens are closed form (K2 - C, K3 + C at its own
    expiry) in every mode. matrix=False: no SPX x VIX matrix and no stress rows
    (what the scenario map shows, the costliest part); risk used is computed all the same,
    for a caller that does not show the map (the window while another tab is on screen).
    legs=False: no per-leg rows (each position's ``legs`` is empty; light mode implies it), for a
    caller that shows positions only, such as the window.
    vix_mode: how the curves move spot VIX with SPX: "central" (the VIX response's central path over
    each curve's sessions), "stressed" (its band high) or "fixed" (held at ``fixed_vix``, default
    today's). pin_spx: an SPX level the curves must hold exactly (a scenario-map cell sent to the graph).
    layouts: the caller's memo of the book's layouts (``contracts.Layouts``), kept between runs.
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
    table = build_contracts(positions, market, settings, at, layouts=layouts)
    all_facts = layout_facts(table.layout)
    model = ScenarioModel.of(market, settings)
    today = today_values(table, market)
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
    day_pnl = pnl_since_previous(positions, pnl, previous, settings, layouts)

    leg_greeks = greeks_per_leg(table, today, market, settings, condor_rows)
    position_greeks = sum_by_position(table, leg_greeks, len(positions))
    exposure = float(position_greeks["vega_usd"][condor_rows].sum()) if positions else 0.0
    protection = float(position_greeks["protection_usd"][~condor_rows].sum()) if positions else 0.0
    shares = coverage_shares(table.protect_targets, position_greeks["vega_usd"])
    condor_coverage = coverage_per_condor(shares, position_greeks, condor_rows)

    nothing: list[Sequence[float]] = [[] for _ in range(len(positions) + 1)]
    curve_break_evens: dict[str, list[Sequence[float]]]  # "today" and "expiry": per position, then the book
    scenario_matrix: ScenarioMatrix | None
    # The matrix's SPX prices (the costliest part) compute on the background thread while this one
    # draws the curves (see _start_matrix).
    pending = (start_matrix(table, model, market, settings, positions, today, fixed, shares, light)
               if scenarios and matrix else None)
    if scenarios:
        if light:  # loops read the matrix (risk used) and the positions, never curves or stress
            curves, curve_break_evens = None, {"today": nothing, "expiry": [[] for _ in nothing]}
        else:
            curves, curve_break_evens = book_curves(table, model, market, settings, positions, all_facts, today,
                                                    fixed, at, horizon_days,
                                                    CurveVix(market, settings, vix_mode, fixed_vix), pin_spx)
        for index, facts in enumerate(all_facts):
            if facts.expiry_break_evens:
                curve_break_evens["expiry"][index] = facts.expiry_break_evens
        scenario_matrix = None if pending is None else pending.result()
        risk_used, worst, plausible = plausible_risk(table, model, market, settings, positions, today, fixed,
                                                      shares, at, light)
        stress = () if light or not matrix else stress_rows(table, model, market, settings, positions, today, at)
    else:
        curves, curve_break_evens, scenario_matrix, stress = None, {"today": nothing, "expiry": nothing}, None, ()
        risk_used, worst, plausible = {}, {}, None

    # Per-leg rows are for the JSON and the CLI; loops and the window never read them, so they are
    # made when first read, from the arrays computed here.
    if legs and not light:
        source = LegRowSource(lambda: make_leg_rows(table, today, leg_greeks), [len(p.legs) for p in positions])
        leg_rows: list[Sequence[LegRisk]] = [LegRows(source, index) for index in range(len(positions))]
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
    totals = group_totals(table, all_facts, shown, pnl, day_pnl, position_greeks)
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
        matrix=scenario_matrix,
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
