"""Value objects of the planner: contracts, positions, market data, settings, errors.

Frozen dataclasses with units in their docstrings; no I/O and no pricing.
"""

from planner.domain.errors import InputError, NotFoundError, PlannerError, StateError
from planner.domain.instruments import MULTIPLIER, Instrument, Leg, Right, Settlement
from planner.domain.market import MarketSnapshot
from planner.domain.positions import Book, LayerKind, Position, PositionKind, Status, Tier
from planner.domain.settings import SPECS, Settings

__all__ = [
    "MULTIPLIER",
    "SPECS",
    "Book",
    "InputError",
    "Instrument",
    "LayerKind",
    "Leg",
    "MarketSnapshot",
    "NotFoundError",
    "PlannerError",
    "Position",
    "PositionKind",
    "Right",
    "Settings",
    "Settlement",
    "StateError",
    "Status",
    "Tier",
]
