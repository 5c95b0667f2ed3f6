"""What the hedge rules propose: a Suggestion, with the trade it would make.

A suggestion's ``id`` is a hash of what it is about (rule, action, target
positions, tier) and of a *condition key*: the band of the figure that
triggered it (the VIX threshold crossed, the coverage band...). The same
condition therefore gives the same id on every refresh, so a dismissed
suggestion stays quiet, and a material change (the next threshold crossed)
gives a new id that shows again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Action(StrEnum):
    ADD = "ADD"
    ROLL = "ROLL"
    TRIM = "TRIM"
    CLOSE = "CLOSE"
    TAKE_PROFIT = "TAKE_PROFIT"
    WARN = "WARN"


class Severity(StrEnum):
    """How urgently the trader should look; ``rank`` sorts the list (0 first)."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return _SEVERITY_ORDER.index(self)


_SEVERITY_ORDER = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)


@dataclass(frozen=True, slots=True)
class ProposedTrade:
    """The trade a suggestion would make, priced by the model.

    side: "buy" opens a layer (ADD, and the new leg of a ROLL); "sell" closes
        or trims held contracts (TRIM, CLOSE, TAKE_PROFIT on a layer);
        "buy-to-close" buys back a condor.
    instrument: a LayerKind value ("vix-call", "vix-call-spread",
        "vix-future", "spx-put-spread") or "condor".
    strikes: VIX or SPX points, long strike first for spreads; () for a future.
    quantity: contracts (packages).
    price_pts: estimated price per unit, points (Black-76 on the VIX future,
        BSM for SPX, or the position's mark when closing).
    cost_usd: signed dollars, paid when positive, received when negative.
    protection_usd: dollars per 1-point rise of spot VIX this trade adds
        (negative when it removes protection).
    coverage_after_pct / risk_used_after_pct: the book's coverage and the
        worst condor's risk used (% of equity) with the trade done; None when
        there are no condors to measure against.
    future_pts / iv: the VIX future and the decimal vol the price came from.
    position_id: the held position a sell / roll acts on.
    """

    side: str
    instrument: str
    expiry: date
    strikes: tuple[float, ...]
    quantity: int
    price_pts: float
    cost_usd: float
    protection_usd: float
    coverage_after_pct: float | None = None
    risk_used_after_pct: float | None = None
    tier: str | None = None
    settlement: str = "AM"
    future_pts: float | None = None
    iv: float | None = None
    position_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return _clean({
            "side": self.side,
            "instrument": self.instrument,
            "tier": self.tier,
            "expiry": self.expiry.isoformat(),
            "settlement": self.settlement,
            "strikes": list(self.strikes),
            "quantity": self.quantity,
            "price_pts": self.price_pts,
            "cost_usd": self.cost_usd,
            "protection_usd": self.protection_usd,
            "coverage_after_pct": self.coverage_after_pct,
            "risk_used_after_pct": self.risk_used_after_pct,
            "future_pts": self.future_pts,
            "iv": self.iv,
            "position_id": self.position_id,
        })


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One thing the trader could do, why, and the numbers behind it.

    targets: ids of the positions it is about (the condors at risk, the layer
        to roll...). condition: the condition key hashed into ``id``.
    figures: the numbers that triggered it, units in the key names
        (``vix_pts``, ``coverage_pct``, ``days``...).
    components: ids of the rule-level suggestions (intents) the review's plan
        merged into this one; ``(id,)`` when alone.
    reasons: every reason that fed it, one sentence each (the trigger, without
        the trade); ``(reason,)`` when it has one.
    """

    rule: str
    action: Action
    severity: Severity
    reason: str
    targets: tuple[int, ...] = ()
    tier: str | None = None
    proposal: ProposedTrade | None = None
    figures: dict[str, Any] = field(default_factory=dict)
    condition: str = ""
    id: str = ""
    components: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "targets", tuple(sorted(self.targets)))
        if not self.id:
            object.__setattr__(self, "id", suggestion_id(self.rule, self.action, self.targets, self.tier,
                                                         self.condition))
        if not self.components:
            object.__setattr__(self, "components", (self.id,))
        if not self.reasons:
            object.__setattr__(self, "reasons", (self.reason,))

    def to_json(self) -> dict[str, Any]:
        """The documented JSON form of ``planner suggest --json`` (one list item)."""
        return _clean({
            "id": self.id,
            "rule": self.rule,
            "action": str(self.action),
            "severity": str(self.severity),
            "tier": self.tier,
            "targets": list(self.targets),
            "proposal": self.proposal.to_json() if self.proposal else None,
            "reason": self.reason,
            "reasons": list(self.reasons),
            "figures": dict(self.figures),
        })


def suggestion_id(rule: str, action: str, targets: tuple[int, ...], tier: str | None, condition: str) -> str:
    """Twelve hex digits that depend only on what the suggestion is about.

    >>> suggestion_id("ladder", "ADD", (), "mid", "vix>=22")
    '2cf0e774a0c8'
    """
    key = (rule, str(action), tuple(sorted(targets)), tier, condition)
    try:
        return _cached_id(key)
    except TypeError:  # an unhashable part: hash it uncached, as json.dumps sees it
        return _id_of(key)


def _id_of(key: tuple) -> str:
    rule, action, targets, tier, condition = key
    payload = json.dumps([rule, action, list(targets), tier, condition], separators=(",", ":"))
    return hashlib.sha1(payload.encode()).hexdigest()[:12]


# The rules raise the same few hundred suggestions review after review (a backtest: ~14,000 of them).
_cached_id = functools.lru_cache(maxsize=4096)(_id_of)


def _clean(value: Any) -> Any:
    """JSON has no NaN, dates or numpy scalars: None, ISO text and plain numbers instead."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number.is_integer() and type(value).__name__.startswith("int"):
        return int(number)
    return number if math.isfinite(number) else None
