"""What a ticket reads: the workspace to save through, and the state it previews against."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from planner.domain import Book, MarketSnapshot, Position, Settings

CANDIDATE_ID = -1  # the unsaved position inside a preview's what-if book


@dataclass(frozen=True)
class TicketContext:
    workspace: Any  # planner.app.Workspace: only its use cases are called, on Save
    book: Book
    market: MarketSnapshot | None
    settings: Settings
    report: Any  # the latest RiskReport, or None
    now: datetime
    equity_set: bool = True  # False while the account's equity was never given (the default is assumed)

    def with_candidate(self, candidate: Position):
        """The risk report of the book with ``candidate`` added (None without a market)."""
        if self.market is None:
            return None
        from planner.risk import analyze

        book = Book((*self.book.positions, replace(candidate, id=CANDIDATE_ID)))
        return analyze(book, self.market, self.settings, at=self.now)

    def mark_of(self, position_id: int) -> float | None:
        if self.report is None:
            return None
        row = self.report.position(position_id)
        return None if row is None else row.mark
