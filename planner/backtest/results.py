"""What a backtest shows: both runs' figures side by side, the risk-matched row and the volatility spikes.

The figures themselves are ``metrics``'s (each defined there). Here:

* ``drawdown_reduction_pct`` = 100 x (1 - hedged / unhedged max drawdown in
  dollars); positive when the hedge made the worst fall smaller;
* hedge cost = minus the hedge layers' P&L (premium, slippage, commissions,
  less what they returned; open layers at mid), per year and as a percent of
  the condor credit collected;
* trades: condor sales and buy-backs (settlement at expiry is no trade) plus
  hedge trades (a ROLL is one);
* a **volatility spike** uses the mean-reversion rule's definition: a VIX close
  at least ``spike_pct`` % above the lowest of the ``spike_window_days`` closes
  ending on it. Spike days less than a window apart form one spike; its peak
  is its highest close. Its loss in each run is ``metrics.spike_loss`` (from
  the pre-spike peak, ``spike_window_days`` sessions back, to the trough up to
  30 sessions after the VIX peak) with the sessions to recover. "Exits
  earlier" is not reported: both runs close condors by the same program, so
  it would measure nothing but noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from planner.backtest import metrics
from planner.backtest.engine import BacktestRuns, RunResult
from planner.backtest.metrics import Drawdown, Month, SpikeLoss
from planner.domain.jsonable import json_ready
from planner.rules.indicators import rolling_low

SPIKE_AFTER_PEAK_SESSIONS = 30
__all__ = ["BacktestReport", "Drawdown", "Month", "RunSummary", "Spike", "reduction_pct", "report", "summarize"]


def reduction_pct(unhedged_usd: float, hedged_usd: float) -> float | None:
    """100 x (1 - hedged / unhedged); None when the unhedged run never fell.

    >>> reduction_pct(10_000.0, 6_200.0)
    38.0
    """
    if unhedged_usd <= 0:
        return None
    return round(100.0 * (1.0 - hedged_usd / unhedged_usd), 10)


@dataclass(frozen=True)
class RunSummary:
    """The figures of one run (dollars unless ``_pct``; exits counted by reason; definitions in ``metrics``)."""

    starting_equity: float
    final_equity: float
    pnl_usd: float
    return_pct: float
    annual_return_pct: float
    years: float
    drawdown: Drawdown
    mar: float | None
    worst_drawdowns: tuple[Drawdown, ...]
    cvar95_21d_usd: float | None
    credit_usd: float
    condor_pnl_usd: float
    hedge_premium_usd: float
    hedge_pnl_usd: float
    hedge_cost_pct_of_credit: float | None
    commissions_usd: float
    worst_month: Month | None
    condors: int
    exits: dict[str, int]
    layers: int
    actions: dict[str, int]
    by_rule: dict[str, int]
    warnings: int
    trades: int
    hedge_trades: int
    round_trips: int

    @property
    def hedge_cost_per_year_usd(self) -> float:
        return -self.hedge_pnl_usd / self.years if self.years > 0 else 0.0

    @property
    def trades_per_year(self) -> float:
        return self.trades / self.years if self.years > 0 else 0.0

    def to_json(self) -> dict:
        month = self.worst_month
        return {
            "starting_equity_usd": self.starting_equity,
            "final_equity": self.final_equity,
            "return_usd": self.pnl_usd,
            "return_pct": self.return_pct,
            "annual_return_pct": self.annual_return_pct,
            "max_drawdown_usd": self.drawdown.usd,
            "max_drawdown_pct": self.drawdown.pct,
            "max_drawdown_peak": _iso(self.drawdown.peak_day),
            "max_drawdown_trough": _iso(self.drawdown.trough_day),
            "mar": self.mar,
            "worst_drawdowns": [d.to_json() for d in self.worst_drawdowns],
            "cvar95_21d_usd": self.cvar95_21d_usd,
            "worst_month": None if month is None else {"month": month.month, "pnl_usd": month.pnl_usd,
                                                       "pct": month.pct},
            "credit_collected_usd": self.credit_usd,
            "condor_pnl_usd": self.condor_pnl_usd,
            "hedge_premium_usd": self.hedge_premium_usd,
            "hedge_pnl_usd": self.hedge_pnl_usd,
            "hedge_cost_per_year_usd": self.hedge_cost_per_year_usd,
            "hedge_cost_pct_of_credit": self.hedge_cost_pct_of_credit,
            "commissions_usd": self.commissions_usd,
            "trades": self.trades,
            "trades_per_year": self.trades_per_year,
            "hedge_trades": self.hedge_trades,
            "round_trips": self.round_trips,
            "condors": self.condors,
            "exits": dict(self.exits),
            "layers": self.layers,
            "rule_actions": dict(self.actions),
            "rule_actions_by_rule": dict(self.by_rule),
            "rule_warnings": self.warnings,
        }


def summarize(run: RunResult) -> RunSummary:
    equity = run.equity
    start = run.starting_equity
    sessions = len(run.dates)
    final = float(equity[-1]) if equity.size else start
    annual = metrics.annual_return_pct(final, start, sessions)
    drawdown = metrics.max_drawdown(equity, run.dates, start)
    hedge_pnl = float(run.hedge_pnl[-1]) if equity.size else 0.0
    exits: dict[str, int] = {}
    for condor in run.condors:
        key = condor.exit_reason or "open"
        exits[key] = exits.get(key, 0) + 1
    trades = [(t.index, t.tier, t.side) for t in run.hedge_trades]
    return RunSummary(
        starting_equity=start, final_equity=final, pnl_usd=final - start,
        return_pct=100.0 * (final - start) / start, annual_return_pct=annual, years=metrics.years_of(sessions),
        drawdown=drawdown, mar=metrics.mar(annual, drawdown.pct),
        worst_drawdowns=tuple(metrics.worst_drawdowns(equity, run.dates, start)),
        cvar95_21d_usd=metrics.cvar95_21d(equity, start), credit_usd=run.credit_usd,
        condor_pnl_usd=float(run.condor_pnl[-1]) if equity.size else 0.0,
        hedge_premium_usd=run.hedge_premium_usd, hedge_pnl_usd=hedge_pnl,
        hedge_cost_pct_of_credit=(100.0 * (0.0 - hedge_pnl) / run.credit_usd + 0.0) if run.credit_usd > 0 else None,
        commissions_usd=run.commissions_usd, worst_month=metrics.worst_month(equity, run.dates, start),
        condors=len(run.condors), exits=exits, layers=len(run.layers), actions=dict(run.actions),
        by_rule=dict(run.by_rule), warnings=run.warnings, trades=run.condor_trades + len(run.hedge_trades),
        hedge_trades=len(run.hedge_trades), round_trips=metrics.round_trips(trades),
    )


# -- volatility spikes ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Spike:
    """One volatility spike: its VIX figures and its loss in each run (``metrics.spike_loss``)."""

    first_day: date
    peak_index: int
    peak_day: date
    peak_vix: float
    low_vix: float
    rise_pct: float
    condors_open_at_peak: int
    unhedged: SpikeLoss
    hedged: SpikeLoss

    @property
    def unhedged_loss_usd(self) -> float:
        return self.unhedged.loss_usd

    @property
    def hedged_loss_usd(self) -> float:
        return self.hedged.loss_usd

    @property
    def loss_reduction_pct(self) -> float | None:
        return reduction_pct(self.unhedged.loss_usd, self.hedged.loss_usd)

    def to_json(self) -> dict:
        return {
            "first_spike_day": self.first_day.isoformat(), "peak_day": self.peak_day.isoformat(),
            "peak_vix": self.peak_vix, "low_vix": self.low_vix, "rise_pct": self.rise_pct,
            "condors_open_at_peak": self.condors_open_at_peak,
            "unhedged_loss_usd": self.unhedged.loss_usd, "hedged_loss_usd": self.hedged.loss_usd,
            "loss_reduction_pct": self.loss_reduction_pct,
            "unhedged_sessions_to_recover": self.unhedged.sessions_to_recover,
            "hedged_sessions_to_recover": self.hedged.sessions_to_recover,
        }


def spike_episodes(vix: np.ndarray, window: int, spike_pct: float) -> list[tuple[int, int, float, float]]:
    """(first spike index, peak index, the 20-day low under the first spike, its rise %) per spike.

    >>> spike_episodes(np.array([15, 15, 15, 20, 24, 22, 18, 16, 15, 15.0]), 5, 30.0)
    [(3, 4, 15.0, 33.33333333333333)]
    """
    if vix.size == 0:
        return []
    lows = rolling_low(vix, window)
    flagged = np.flatnonzero(vix >= (1.0 + spike_pct / 100.0) * lows)
    episodes: list[list[int]] = []
    for i in flagged.tolist():
        if episodes and i - episodes[-1][-1] < window:
            episodes[-1].append(i)
        else:
            episodes.append([i])
    found = []
    for days in episodes:
        first, last = days[0], days[-1]
        peak = first + int(np.argmax(vix[first:last + 1]))
        found.append((first, peak, float(lows[first]), float(100.0 * (vix[first] / lows[first] - 1.0))))
    return found


def spikes(runs: BacktestRuns) -> list[Spike]:
    settings = runs.settings
    path = runs.path
    window = settings.spike_window_days
    start = runs.unhedged.starting_equity
    found = []
    for first, peak, low, rise in spike_episodes(path.vix, window, settings.spike_pct):
        open_at_peak = sum(1 for c in runs.unhedged.condors
                           if c.entry_index <= peak and (c.exit_index is None or c.exit_index >= peak))

        def loss(run: RunResult, first=first, peak=peak) -> SpikeLoss:
            return metrics.spike_loss(run.equity, start, first, peak, window, SPIKE_AFTER_PEAK_SESSIONS)

        found.append(Spike(
            first_day=path.dates[first], peak_index=peak, peak_day=path.dates[peak], peak_vix=float(path.vix[peak]),
            low_vix=low, rise_pct=rise, condors_open_at_peak=open_at_peak,
            unhedged=loss(runs.unhedged), hedged=loss(runs.hedged),
        ))
    return found


@dataclass(frozen=True, eq=False)
class BacktestReport:
    """Both runs summarised, the drawdown reduction, the risk-matched row and the spikes; ``runs`` keeps
    the curves."""

    runs: BacktestRuns
    unhedged: RunSummary
    hedged: RunSummary
    drawdown_reduction_pct: float | None
    risk_matched: metrics.RiskMatched
    spikes: tuple[Spike, ...]

    def to_json(self, with_equity: bool = True) -> dict:
        program = self.runs.config.program.resolved(self.runs.settings.condor_take_profit_pct)
        costs = self.runs.config.costs
        path = self.runs.path
        payload = {
            "data": {"name": path.name, "first": path.dates[0].isoformat(), "last": path.dates[-1].isoformat(),
                     "sessions": len(path), "vvix": path.has_vvix},
            "program": {"entry_every_days": program.entry_every_days, "target_dte_days": program.target_dte_days,
                        "short_delta": program.short_delta, "wing_width_pct": program.wing_width_pct,
                        "contracts": program.contracts, "profit_target_pct": program.profit_target_pct,
                        "loss_multiple": program.loss_multiple,
                        "exit_days_before_expiry": program.exit_days_before_expiry},
            "hedge": "on" if self.runs.config.hedge else "off",
            "costs": {"commission_per_contract": costs.commission_usd,
                      "slippage_fraction_of_spread": costs.slippage_fraction,
                      "rate": self.runs.config.rate, "div_yield": self.runs.config.div_yield},
            "starting_equity_usd": self.runs.unhedged.starting_equity,
            "unhedged": self.unhedged.to_json(),
            "hedged": self.hedged.to_json(),
            "drawdown_reduction_pct": self.drawdown_reduction_pct,
            "risk_matched": {**self.risk_matched.to_json(), "hedged_max_drawdown_usd": self.hedged.drawdown.usd},
            "spikes": [s.to_json() for s in self.spikes],
        }
        if with_equity:
            payload["equity"] = {"dates": [d.isoformat() for d in path.dates],
                                 "unhedged": self.runs.unhedged.equity.tolist(),
                                 "hedged": self.runs.hedged.equity.tolist()}
        return json_ready(payload)


def report(runs: BacktestRuns) -> BacktestReport:
    unhedged, hedged = summarize(runs.unhedged), summarize(runs.hedged)
    matched = metrics.risk_matched(runs.unhedged.equity, runs.hedged.equity, runs.unhedged.starting_equity)
    return BacktestReport(runs, unhedged, hedged, reduction_pct(unhedged.drawdown.usd, hedged.drawdown.usd),
                          matched, tuple(spikes(runs)))


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
