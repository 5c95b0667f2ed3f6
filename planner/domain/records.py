"""Calendar events, user-defined signals and suggestion decisions.

Plain records the rules read and the store keeps; dates are calendar dates in
New York, moments are timezone-aware.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class EventKind(StrEnum):
    FOMC = "FOMC"
    CPI = "CPI"
    PPI = "PPI"
    CUSTOM = "custom"


class DecisionKind(StrEnum):
    ACCEPT = "accept"
    DISMISS = "dismiss"
    SNOOZE = "snooze"


@dataclass(frozen=True, slots=True)
class Event:
    """A scheduled market event (FOMC decision, CPI release...) on ``date``."""

    date: date
    kind: EventKind
    label: str = ""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Signal:
    """A named value the user sets by hand (a macro view) that a rule can be gated on."""

    name: str
    value: float | None
    note: str = ""
    updated: datetime | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """What the user did with a suggestion; ``figures`` are the numbers it showed."""

    suggestion_id: str
    rule: str
    action: str
    decision: DecisionKind
    decided_at: datetime
    reason: str = ""
    until: datetime | None = None
    figures: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
