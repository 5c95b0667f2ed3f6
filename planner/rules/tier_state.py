"""Which tiers are active today, and what was sold in them lately (DOMAIN.md, "The hedge method as rules").

* **Active** (the ladder gates coverage): VIX at or above the tier's threshold,
  or under it by less than ``tier_hysteresis_pts`` when the VIX closes since
  the last one at or above the threshold all stayed within that margin. A
  take-profit in the tier makes it inactive until VIX crosses its threshold
  upward again (a close under it followed by one at or above it, today's quote
  counting as the last close).
* **Sales**: closed layers of a tier (not rolls, not expiries), and trims (the
  store keeps a trim as a roll into the same contract at a smaller quantity).
  A sale counts as a take-profit when an accepted TAKE_PROFIT decision named
  its position, or when its note says so (a backtest keeps its sales that way).
* **Hold**: after a sale in a tier, no buy in it for ``rebuy_hold_sessions``
  sessions unless VIX crossed the tier's threshold upward since the sale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise

import numpy as np

from planner import calendars
from planner.domain.positions import Book, Position, PositionKind, Status
from planner.domain.records import Decision, DecisionKind
from planner.rules.history import DailySeries

TAKE_PROFIT_NOTE = "take_profit"  # the note a backtest gives a layer it sold for profit


@dataclass(frozen=True, slots=True)
class Sale:
    """Contracts of a tier's layer sold at ``at`` (New York day ``day``)."""

    tier: str
    at: datetime
    day: date
    take_profit: bool
    position_id: int | None


def take_profit_ids(decisions: Iterable[Decision]) -> frozenset[int]:
    """Positions closed by an accepted TAKE_PROFIT suggestion."""
    found: set[int] = set()
    for d in decisions:
        if d.decision is not DecisionKind.ACCEPT or d.action != "TAKE_PROFIT" or not isinstance(d.figures, dict):
            continue
        proposal = d.figures.get("proposal")
        if isinstance(proposal, dict) and proposal.get("position_id") is not None:
            found.add(int(proposal["position_id"]))
        found.update(int(i) for i in d.figures.get("position_ids") or () if isinstance(i, int))
    return frozenset(found)


def _same_contract(a: Position, b: Position) -> bool:
    return a.layer_kind == b.layer_kind and a.expiry == b.expiry and \
        sorted(leg.strike or 0.0 for leg in a.legs) == sorted(leg.strike or 0.0 for leg in b.legs)


def sales(book: Book, at: datetime, decisions: Iterable[Decision] = ()) -> tuple[Sale, ...]:
    """Every sale in a tier up to ``at``, oldest first."""
    closed = [p for p in book.positions if p.kind is PositionKind.LAYER and p.tier is not None
              and p.status in (Status.CLOSED, Status.ROLLED) and p.closed_at is not None and p.closed_at <= at]
    if not closed:
        return ()
    profit_ids = take_profit_ids(decisions)
    successors: dict[int | None, Position] = {p.rolled_from: p for p in book.positions if p.rolled_from is not None}
    found = []
    for p in closed:
        if p.status is Status.ROLLED:
            successor = successors.get(p.id)
            # A roll into another contract is maintenance, not a sale; into the same one with fewer, a trim.
            if successor is None or not _same_contract(p, successor) or successor.quantity >= p.quantity:
                continue
        profit = p.id in profit_ids or p.note == TAKE_PROFIT_NOTE
        assert p.closed_at is not None  # only closed positions were taken above
        found.append(Sale(str(p.tier), p.closed_at, p.closed_at.astimezone(calendars.ET).date(), profit, p.id))
    return tuple(sorted(found, key=lambda s: s.at))


def crossed_up_since(series: DailySeries, vix_today: float, threshold: float, day: date) -> bool:
    """VIX closed under ``threshold`` and later at or above it, from the close of ``day`` on (today's quote last)."""
    start = int(np.searchsorted(np.array(series.dates, dtype="datetime64[D]"), np.datetime64(day, "D"), "left"))
    closes = [*series.closes[start:].tolist(), vix_today]
    return any(a < threshold <= b for a, b in pairwise(closes))


def active_by_hysteresis(series: DailySeries, vix_today: float, threshold: float, margin: float) -> bool:
    """At or above the threshold, or under it by less than ``margin`` ever since the last close at or above it."""
    if vix_today >= threshold:
        return True
    if vix_today < threshold - margin:
        return False
    for close in series.closes[::-1].tolist():
        if close >= threshold:
            return True
        if close < threshold - margin:
            return False
    return False


def sessions_since(day: date, today: date) -> int:
    return calendars.trading_days_between(day, today)
