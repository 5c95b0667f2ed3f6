"""What a backtest shows: curves, drawdowns, hedge cost, worst month and the volatility spikes.

Definitions (dollars unless a name ends in ``_pct``):

* drawdown at a session: equity minus the highest equity so far (<= 0);
  ``max_drawdown`` is the largest fall in dollars, ``max_drawdown_pct`` the
  largest fall as a percent of the peak it fell from (each its own maximum);
* ``drawdown_reduction_pct`` = 100 x (1 - hedged / unhedged max drawdown in
  dollars); positive when the hedge made the worst fall smaller;
* hedge cost = minus the hedge layers' P&L (premium, slippage, commissions,
  less what they returned; open layers at mid), as a percent of the condor
  credit collected;
* worst month: the calendar month with the largest equity fall, month end to
  month end;
* a **volatility spike** uses the mean-reversion rule's definition: a VIX close
  at least ``spike_pct`` % above the lowest of the ``spike_window_days`` closes
  ending on it. Spike days less than a window apart form one spike; its peak
  is its highest close. For every condor open at the peak's close: sessions
  from the peak to its exit, unhedged and hedged (negative when it was already
  closed), and the spike's drawdown (the largest fall from ``spike_window_days``
  sessions before its first spike day to 30 sessions after the peak).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from planner.backtest.engine import BacktestRuns, CondorRecord, RunResult
from planner.domain.jsonable import json_ready
from planner.rules.indicators import rolling_low

SPIKE_AFTER_PEAK_SESSIONS = 30
TRADING_DAYS_PER_YEAR = 252


@dataclass(frozen=True, slots=True)
class Drawdown:
    """Largest fall in dollars (positive), and in percent of its peak, with the sessions it ran between."""

    usd: float
    pct: float
    peak_day: date | None
    trough_day: date | None


def drawdown_curve(equity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(dollars, percent of the running peak) at each session, both <= 0.

    >>> usd, pct = drawdown_curve(np.array([100.0, 120.0, 90.0, 130.0]))
    >>> usd.tolist(), pct.tolist()
    ([0.0, 0.0, -30.0, 0.0], [0.0, 0.0, -25.0, 0.0])
    """
    peak = np.maximum.accumulate(equity)
    usd = equity - peak
    return usd, np.where(peak > 0, 100.0 * usd / peak, 0.0)


def max_drawdown(equity: np.ndarray, dates: tuple[date, ...]) -> Drawdown:
    if equity.size == 0:
        return Drawdown(0.0, 0.0, None, None)
    usd, pct = drawdown_curve(equity)
    trough = int(np.argmin(usd))
    if usd[trough] >= 0:
        return Drawdown(0.0, 0.0, None, None)
    peak = int(np.argmax(equity[:trough + 1]))
    return Drawdown(float(-usd[trough]), float(-pct.min()), dates[peak], dates[trough])


def reduction_pct(unhedged_usd: float, hedged_usd: float) -> float | None:
    """100 x (1 - hedged / unhedged); None when the unhedged run never fell.

    >>> reduction_pct(10_000.0, 6_200.0)
    38.0
    """
    if unhedged_usd <= 0:
        return None
    return round(100.0 * (1.0 - hedged_usd / unhedged_usd), 10)


@dataclass(frozen=True, slots=True)
class Month:
    month: str
    pnl_usd: float
    pct: float


def worst_month(equity: np.ndarray, dates: tuple[date, ...], starting_equity: float) -> Month | None:
    """The calendar month whose equity fell most (month end to month end; the first from the start)."""
    if equity.size == 0:
        return None
    ends: dict[str, int] = {}
    for i, day in enumerate(dates):
        ends[f"{day.year:04d}-{day.month:02d}"] = i
    worst, before = None, starting_equity
    for month, last in ends.items():
        change = float(equity[last] - before)
        if worst is None or change < worst.pnl_usd:
            worst = Month(month, change, 100.0 * change / before if before > 0 else 0.0)
        before = float(equity[last])
    return worst


@dataclass(frozen=True)
class RunSummary:
    """The headline figures of one run (dollars unless ``_pct``; exits counted by reason)."""

    final_equity: float
    pnl_usd: float
    return_pct: float
    annual_return_pct: float
    drawdown: Drawdown
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

    def to_json(self) -> dict:
        month = self.worst_month
        return {
            "final_equity": self.final_equity,
            "pnl": self.pnl_usd,
            "return_pct": self.return_pct,
            "annual_return_pct": self.annual_return_pct,
            "max_drawdown": self.drawdown.usd,
            "max_drawdown_pct": self.drawdown.pct,
            "max_drawdown_peak": _iso(self.drawdown.peak_day),
            "max_drawdown_trough": _iso(self.drawdown.trough_day),
            "credit_collected": self.credit_usd,
            "condor_pnl": self.condor_pnl_usd,
            "hedge_premium": self.hedge_premium_usd,
            "hedge_pnl": self.hedge_pnl_usd,
            "hedge_cost_pct_of_credit": self.hedge_cost_pct_of_credit,
            "commissions": self.commissions_usd,
            "worst_month": None if month is None else {"month": month.month, "pnl": month.pnl_usd,
                                                       "pct": month.pct},
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
    final = float(equity[-1]) if equity.size else start
    years = max((len(run.dates) - 1) / TRADING_DAYS_PER_YEAR, 1e-9)
    growth = final / start if start > 0 else 1.0
    annual = 100.0 * (growth ** (1.0 / years) - 1.0) if growth > 0 else -100.0
    hedge_pnl = float(run.hedge_pnl[-1]) if equity.size else 0.0
    exits: dict[str, int] = {}
    for condor in run.condors:
        key = condor.exit_reason or "open"
        exits[key] = exits.get(key, 0) + 1
    return RunSummary(
        final_equity=final, pnl_usd=final - start, return_pct=100.0 * (final - start) / start,
        annual_return_pct=annual, drawdown=max_drawdown(equity, run.dates), credit_usd=run.credit_usd,
        condor_pnl_usd=float(run.condor_pnl[-1]) if equity.size else 0.0,
        hedge_premium_usd=run.hedge_premium_usd, hedge_pnl_usd=hedge_pnl,
        hedge_cost_pct_of_credit=(100.0 * (0.0 - hedge_pnl) / run.credit_usd + 0.0) if run.credit_usd > 0 else None,
        commissions_usd=run.commissions_usd, worst_month=worst_month(equity, run.dates, start),
        condors=len(run.condors), exits=exits, layers=len(run.layers), actions=dict(run.actions),
        by_rule=dict(run.by_rule), warnings=run.warnings,
    )


# -- volatility spikes ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SpikeCondor:
    """A condor open at a spike's peak: its exits in both runs, sessions after the peak (negative: before)."""

    entry_day: date
    expiry: date
    strikes: tuple[float, ...]
    unhedged_exit: date | None
    unhedged_reason: str | None
    unhedged_days: int | None
    hedged_exit: date | None
    hedged_reason: str | None
    hedged_days: int | None

    def to_json(self) -> dict:
        return {"entry": self.entry_day.isoformat(), "expiry": self.expiry.isoformat(), "strikes": list(self.strikes),
                "unhedged_exit": _iso(self.unhedged_exit), "unhedged_reason": self.unhedged_reason,
                "unhedged_days_from_peak": self.unhedged_days, "hedged_exit": _iso(self.hedged_exit),
                "hedged_reason": self.hedged_reason, "hedged_days_from_peak": self.hedged_days}


@dataclass(frozen=True)
class Spike:
    """One volatility spike. Days are sessions; drawdowns dollars over the spike's window."""

    first_day: date
    peak_index: int
    peak_day: date
    peak_vix: float
    low_vix: float
    rise_pct: float
    condors: tuple[SpikeCondor, ...]
    unhedged_drawdown_usd: float
    hedged_drawdown_usd: float

    @property
    def unhedged_mean_days(self) -> float | None:
        return _mean([c.unhedged_days for c in self.condors])

    @property
    def hedged_mean_days(self) -> float | None:
        return _mean([c.hedged_days for c in self.condors])

    @property
    def days_earlier(self) -> float | None:
        """Mean sessions the hedged run's exits came before the unhedged run's (negative: later)."""
        pairs = [(c.unhedged_days, c.hedged_days) for c in self.condors
                 if c.unhedged_days is not None and c.hedged_days is not None]
        return _mean([u - h for u, h in pairs])

    @property
    def drawdown_reduction_pct(self) -> float | None:
        return reduction_pct(self.unhedged_drawdown_usd, self.hedged_drawdown_usd)

    def to_json(self) -> dict:
        return {
            "first_spike_day": self.first_day.isoformat(), "peak_day": self.peak_day.isoformat(),
            "peak_vix": self.peak_vix, "low_vix": self.low_vix, "rise_pct": self.rise_pct,
            "condors_open_at_peak": len(self.condors),
            "unhedged_mean_days_to_exit": self.unhedged_mean_days, "hedged_mean_days_to_exit": self.hedged_mean_days,
            "hedged_exits_earlier_days": self.days_earlier,
            "unhedged_drawdown": self.unhedged_drawdown_usd, "hedged_drawdown": self.hedged_drawdown_usd,
            "drawdown_reduction_pct": self.drawdown_reduction_pct,
            "condors": [c.to_json() for c in self.condors],
        }


def _mean(values: list) -> float | None:
    kept = [v for v in values if v is not None]
    return float(np.mean(kept)) if kept else None


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


def _window_drawdown(equity: np.ndarray, low: int, high: int) -> float:
    segment = equity[low:high + 1]
    if segment.size == 0:
        return 0.0
    return float(-(segment - np.maximum.accumulate(segment)).min())


def _exit_days(record: CondorRecord | None, peak: int) -> tuple[date | None, str | None, int | None]:
    if record is None or record.exit_index is None:
        return None, None, None
    return record.exit_day, record.exit_reason, record.exit_index - peak


def spikes(runs: BacktestRuns) -> list[Spike]:
    settings = runs.settings
    path = runs.path
    window = settings.spike_window_days
    hedged_by_entry = {c.entry_index: c for c in runs.hedged.condors}
    found = []
    for first, peak, low, rise in spike_episodes(path.vix, window, settings.spike_pct):
        open_at_peak = [c for c in runs.unhedged.condors
                        if c.entry_index <= peak and (c.exit_index is None or c.exit_index >= peak)]
        condors = []
        for record in open_at_peak:
            u_day, u_reason, u_days = _exit_days(record, peak)
            h_day, h_reason, h_days = _exit_days(hedged_by_entry.get(record.entry_index), peak)
            condors.append(SpikeCondor(record.entry_day, record.expiry, record.strikes, u_day, u_reason, u_days,
                                       h_day, h_reason, h_days))
        low_index = max(0, first - window)
        high_index = min(len(path) - 1, peak + SPIKE_AFTER_PEAK_SESSIONS)
        found.append(Spike(
            first_day=path.dates[first], peak_index=peak, peak_day=path.dates[peak], peak_vix=float(path.vix[peak]),
            low_vix=low, rise_pct=rise, condors=tuple(condors),
            unhedged_drawdown_usd=_window_drawdown(runs.unhedged.equity, low_index, high_index),
            hedged_drawdown_usd=_window_drawdown(runs.hedged.equity, low_index, high_index),
        ))
    return found


@dataclass(frozen=True, eq=False)
class BacktestReport:
    """Both runs summarised, the drawdown reduction and the spikes; ``runs`` keeps the curves."""

    runs: BacktestRuns
    unhedged: RunSummary
    hedged: RunSummary
    drawdown_reduction_pct: float | None
    spikes: tuple[Spike, ...]

    @property
    def spike_days_earlier(self) -> float | None:
        """Mean over every spike condor of (unhedged - hedged) sessions from peak to exit."""
        pairs = [c.unhedged_days - c.hedged_days for s in self.spikes for c in s.condors
                 if c.unhedged_days is not None and c.hedged_days is not None]
        return float(np.mean(pairs)) if pairs else None

    def to_json(self) -> dict:
        program = self.runs.config.program
        costs = self.runs.config.costs
        path = self.runs.path
        return json_ready({
            "data": {"name": path.name, "first": path.dates[0].isoformat(), "last": path.dates[-1].isoformat(),
                     "sessions": len(path), "vvix": path.has_vvix},
            "program": {"entry_every_days": program.entry_every_days, "target_dte_days": program.target_dte_days,
                        "short_delta": program.short_delta, "wing_width_pct": program.wing_width_pct,
                        "contracts": program.contracts, "profit_target_pct": program.profit_target_pct,
                        "loss_multiple": program.loss_multiple,
                        "exit_days_before_expiry": program.exit_days_before_expiry},
            "costs": {"commission_per_contract": costs.commission_usd,
                      "slippage_fraction_of_spread": costs.slippage_fraction,
                      "rate": self.runs.config.rate, "div_yield": self.runs.config.div_yield},
            "unhedged": self.unhedged.to_json(),
            "hedged": self.hedged.to_json(),
            "drawdown_reduction_pct": self.drawdown_reduction_pct,
            "spike_exits_earlier_days": self.spike_days_earlier,
            "spikes": [s.to_json() for s in self.spikes],
        })


def report(runs: BacktestRuns) -> BacktestReport:
    unhedged, hedged = summarize(runs.unhedged), summarize(runs.hedged)
    return BacktestReport(runs, unhedged, hedged, reduction_pct(unhedged.drawdown.usd, hedged.drawdown.usd),
                          tuple(spikes(runs)))


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()

