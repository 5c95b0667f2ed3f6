"""Figures kept per object, for objects that never change (positions are frozen).

A quote re-analyses the same position objects, and the backtest keeps its
positions for weeks while the book around them changes daily: what depends on
one position alone is made once per position object. Entries are keyed by
``id`` and checked by identity (an id can be reused once its object is gone).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class PerObject(Generic[Value]):
    """``cache(obj)`` is ``make(obj)``, made once per object; forgets everything past ``limit`` entries."""

    def __init__(self, make: Callable[[object], Value], limit: int = 8192) -> None:
        self._make, self._limit = make, limit
        self._known: dict[int, tuple[object, Value]] = {}

    def __call__(self, obj: object) -> Value:
        known = self._known.get(id(obj))
        if known is None or known[0] is not obj:
            if len(self._known) >= self._limit:  # objects of books no longer open
                self._known.clear()
            known = (obj, self._make(obj))
            self._known[id(obj)] = known
        return known[1]
