"""The risk report as the command line and the CSV export show it.

`planner risk` prints a summary a trader reads at a glance (or the full JSON
contract with --json); `planner export` adds each leg's mark, P&L and Greeks.
"""

from __future__ import annotations

import math
from typing import Any

from planner.domain.units import percent, points, usd

# Leg columns the export gains when a market snapshot exists: names carry units.
RISK_COLUMNS = (
    "value_pts", "iv_used_decimal", "leg_value_usd", "leg_pnl_usd", "delta_usd_per_spx_pt",
    "delta_usd_per_vix_future_pt", "gamma_usd_per_pt_per_pt", "vega_usd_per_vol_pt", "theta_usd_per_day",
)


def leg_risk_rows(rows: list[Any], columns: tuple[str, ...], report) -> list[tuple]:
    """Export rows (tuples in ``columns`` order, or dicts) with the risk columns appended.

    Legs of positions the report does not hold (closed, expired) get empty cells.
    """
    by_leg: dict[tuple[int, int], Any] = {}
    for position in report.positions if report is not None else ():
        for seq, leg in enumerate(position.legs):
            by_leg[(position.id, seq)] = leg
    id_index, seq_index = columns.index("position_id"), columns.index("leg_seq")
    out = []
    for row in rows:
        cells = tuple(row[c] for c in columns) if isinstance(row, dict) else tuple(row)
        leg = by_leg.get((int(cells[id_index]), int(cells[seq_index])))
        if leg is None:
            out.append((*cells, *(None,) * len(RISK_COLUMNS)))
            continue
        g = leg.greeks
        iv = leg.iv if leg.iv is not None and math.isfinite(leg.iv) else None  # a future has none: empty, not nan
        # Prices and vols to 0.0001, money to the cent: what a statement shows, not float noise.
        out.append((*cells, _round(leg.mark, 4), _round(iv, 4), *(_round(v, 2) for v in (
            leg.value_usd, leg.pnl_usd, g.delta_spx_usd, g.delta_vix_usd, g.gamma_usd, g.vega_usd, g.theta_usd))))
    return out


def _round(value, digits: int):
    return None if value is None else round(float(value), digits)


def summary_text(report) -> str:
    """Positions, totals, coverage, risk used and the stress table, units on every number."""
    band = "" if report.vix_band is None else (f" (the move's VIX band {points(report.vix_band[0])} to "
                                               f"{points(report.vix_band[1])})")
    lines = [
        f"as of {report.asof.isoformat(timespec='minutes')}: SPX {points(report.spx)}, VIX {points(report.vix)}{band}",
        "",
        f"{'id':>4}  {'position':<24} {'expiry':<10} {'mark pts':>9} {'P&L':>12} {'day P&L':>11} "
        f"{'delta $/SPX pt':>14} {'vega $/vol pt':>13} {'theta $/day':>11} {'protect $/VIX pt':>16}",
    ]
    for p in report.positions:
        what = "condor" if p.kind == "condor" else f"{p.tier} {p.layer_kind}"
        g = p.greeks
        lines.append(
            f"{p.id:>4}  {what:<24} {p.expiry.isoformat():<10} {p.mark:>9.2f} {usd(p.pnl_usd):>12} "
            f"{usd(p.day_pnl_usd):>11} {usd(g.delta_spx_equiv_usd):>14} {usd(g.vega_usd):>13} "
            f"{usd(g.theta_usd):>11} {usd(g.protection_usd) if p.kind == 'layer' else '':>16}"
        )
    book = report.totals["book"]
    lines += [
        "",
        f"book P&L {usd(book.pnl_usd)} (day {usd(book.day_pnl_usd)}); condors {usd(report.totals['condors'].pnl_usd)},"
        f" hedges {usd(report.totals['hedges'].pnl_usd)}",
        f"condor vega {usd(report.condor_exposure_usd)} per vol pt; hedge protection "
        f"{usd(report.hedge_protection_usd)} per VIX pt; coverage {percent(report.coverage_pct, 1)}",
        f"risk used {percent(report.risk_used_pct, 2)} of equity (cap {percent(report.risk_cap_pct, 2)})"
        + _scenario_words(report.risk_used_scenario),
    ]
    if report.break_evens_expiry:
        lines.append("book break-evens at expiry: " + ", ".join(points(x, 2) for x in report.break_evens_expiry))
    if report.stress:
        lines += ["", f"{'stress day (applied to today)':<28} {'SPX':>9} {'VIX':>7} {'unhedged':>12} {'hedged':>12} "
                      f"{'loss cut':>9}"]
        for row in report.stress:
            cut = "" if row.loss_reduction_pct is None else percent(row.loss_reduction_pct, 1)
            lines.append(f"{row.name:<28} {row.spx_return * 100:>8.1f}% {row.vix:>7.2f} "
                         f"{usd(row.pnl_unhedged_usd):>12} {usd(row.pnl_hedged_usd):>12} {cut:>9}")
    lines.extend(f"note: {note}" for note in report.notes)
    return "\n".join(lines)


def _scenario_words(scenario: dict | None) -> str:
    """', worst at SPX -30.0 % with VIX 44.35 (band low)' or the stress day's name."""
    if not scenario:
        return ""
    if scenario.get("name"):
        return f", worst on {scenario['name']}"
    return f", worst at SPX {scenario['spx_move_pct']:+.1f} % with VIX {points(scenario['vix'])} ({scenario['kind']})"
