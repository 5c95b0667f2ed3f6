"""Alerts while quotes stream: which causes hold now, and which of them are news.

Four causes, each a setting that turns it off:

- a high or critical suggestion the trader has not been alerted to (by suggestion id);
- the risk cap broken: risk used (% of equity, worst scenario cell) above the cap in force;
- VIX at or above a hedge tier's threshold (near, mid, long): crossing it upward alerts;
- SPX within ``alert_breakeven_moves`` expected moves of an open condor's break-even at expiry,
  the expected move to the condor's expiry being SPX x VIX / 100 x sqrt(days / 365)
  (VIX is the market's 30-day implied vol in percent a year; the square-root-of-time
  scaling is the usual one, as Cboe's own "expected move" rule of thumb).

Each cause alerts once while it holds and again only after it has cleared: the
monitor remembers which causes held at the last check. Pure logic, no Qt; the
window decides how to show an alert (tray, notice, beep, log).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from planner.domain import Settings
from planner.domain.expected_move import expected_move as expected_move  # kept importable from here
from planner.domain.suggestions import Severity, Suggestion

TIERS = ("near", "mid", "long")
URGENT = frozenset({Severity.HIGH, Severity.CRITICAL})


@dataclass(frozen=True, slots=True)
class Alert:
    """cause: a stable key ("risk-cap", "vix-tier:mid", "breakeven:12", "suggestion:<id>");
    title and text: one line each for the notification."""

    cause: str
    title: str
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class CondorDistance:
    """An open condor's nearest break-even today and its days to expiry."""

    position_id: int
    break_evens: tuple[float, ...]
    days_to_expiry: float


def active_causes(*, settings: Settings, at: datetime, spx: float | None, vix: float | None,
                  risk_used_pct: float | None = None, risk_cap_pct: float | None = None,
                  suggestions: Sequence[Suggestion] = (), condors: Iterable[CondorDistance] = ()
                  ) -> dict[str, Alert]:
    """Every cause that holds now (the ones switched off in ``settings`` never do)."""
    found: dict[str, Alert] = {}
    if settings.alert_high_suggestion:
        for s in suggestions:
            if s.severity in URGENT:
                found[f"suggestion:{s.id}"] = Alert(f"suggestion:{s.id}", f"{s.severity.capitalize()} suggestion",
                                                    s.reason, at)
    if settings.alert_risk_cap and risk_used_pct is not None and risk_cap_pct is not None \
            and risk_used_pct > risk_cap_pct:
        found["risk-cap"] = Alert("risk-cap", "Risk cap broken",
                                  f"risk used {risk_used_pct:.2f} % of equity, cap {risk_cap_pct:.2f} %", at)
    if settings.alert_vix_tier and vix is not None:
        for tier in TIERS:
            threshold = settings.tier_vix_threshold(tier)
            if vix >= threshold:
                found[f"vix-tier:{tier}"] = Alert(f"vix-tier:{tier}", f"VIX crossed the {tier} tier",
                                                  f"VIX {vix:.2f} is at or above {threshold:g}", at)
    if settings.alert_breakeven and spx is not None and vix is not None:
        for condor in condors:
            if not condor.break_evens:
                continue
            nearest = min(condor.break_evens, key=lambda level: abs(level - spx))
            move = expected_move(spx, vix, condor.days_to_expiry)
            limit = settings.alert_breakeven_moves * move
            if abs(nearest - spx) <= limit:
                key = f"breakeven:{condor.position_id}"
                found[key] = Alert(key, f"Condor {condor.position_id} near its break-even",
                                   f"SPX {spx:,.2f} is {abs(nearest - spx):,.1f} pts from {nearest:,.1f} "
                                   f"(within {settings.alert_breakeven_moves:g} x {move:,.1f} pts expected move)", at)
    return found


@dataclass
class AlertMonitor:
    """Feed it the causes that hold at each quote; it returns only the new ones."""

    holding: set[str] = field(default_factory=set)
    log: list[Alert] = field(default_factory=list)

    def check(self, causes: dict[str, Alert]) -> list[Alert]:
        fresh = [alert for key, alert in causes.items() if key not in self.holding]
        self.holding = set(causes)  # a cause that cleared may alert again later
        self.log.extend(fresh)
        return fresh


def condor_distances(report, at: datetime) -> list[CondorDistance]:
    """The open condors of a RiskReport with their break-evens at expiry (the levels where the
    condor starts to lose if held; today's, where it shows no P&L now, sit near spot while it is
    near its entry value) and days left."""
    rows = []
    for p in getattr(report, "positions", ()):
        if p.kind != "condor" or p.id is None:
            continue
        days = (datetime.combine(p.expiry, datetime.min.time(), tzinfo=at.tzinfo) - at).total_seconds() / 86400.0
        levels = tuple(p.break_evens_expiry) or tuple(p.break_evens_today)
        rows.append(CondorDistance(p.id, levels, max(days, 0.0) + 1.0))  # +1: to the expiry's close
    return rows


def report_causes(report, settings: Settings, at: datetime, suggestions: Sequence[Suggestion] = ()
                  ) -> dict[str, Alert]:
    """``active_causes`` read from a RiskReport (SPX, VIX, risk used, the condors)."""
    if report is None:
        return active_causes(settings=settings, at=at, spx=None, vix=None, suggestions=suggestions)
    return active_causes(settings=settings, at=at, spx=report.spx, vix=report.vix,
                         risk_used_pct=report.risk_used_pct, risk_cap_pct=report.risk_cap_pct,
                         suggestions=suggestions, condors=condor_distances(report, at))
