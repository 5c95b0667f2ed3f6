"""The suggestions of one open book: computed on the worker, acted on through the app's use cases.

The board is the suggestions panel's model. On every change of what the
rules read (book, market, settings, history, events, signals, decisions) it
takes the book, quote and settings from the open book's state
(``planner.app.book_state``), reads the rest through the workspace on the GUI
thread (the store's connection lives there) and runs ``planner.rules.suggest``
on the window's runner (``planner.ui.runner``), leading edge then coalesced
like the risk. Accept, dismiss and snooze go through ``planner.app.suggestions``,
the very use cases of ``planner suggest``, so the window and the command line
record the same decisions.

It also keeps what the user has looked at: ``new_count`` is the number of
current suggestions not seen since the last ``mark_seen`` (the tab's badge),
and ``notice`` announces, once each, new ADD / ROLL / WARN suggestions and
expiries or last trading days within two trading days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from planner.domain import Book, MarketSnapshot, PositionKind, Settings
from planner.domain.suggestions import Action, Suggestion
from planner.ui.formatting import ET, describe
from planner.ui.runner import Job, Runner

TOPICS = frozenset({"book", "settings", "events", "signals", "decisions"})  # refresh at once
QUOTE_TOPICS = frozenset({"market", "history"})  # refresh once quotes calm down
QUOTE_DELAY_MS = 1500  # a burst of quotes asks for one computation, after it
ANNOUNCED = frozenset({Action.ADD, Action.ROLL, Action.WARN})
EXPIRY_NOTICE_TRADING_DAYS = 2
SEEN_KEY = "suggestions/seen"
SEEN_KEPT = 500  # ids remembered between runs (old ones fall off)


@dataclass(frozen=True)
class Inputs:
    """What one computation read, kept so a ticket previews against the same state."""

    book: Book
    market: MarketSnapshot
    settings: Settings
    at: datetime


class SuggestionBoard(QObject):
    result_ready = Signal(object)  # SuggestionResult, or None without a market
    decisions_loaded = Signal(object)  # list[Decision], oldest first
    new_count_changed = Signal(int)  # suggestions not seen since the last look
    notice = Signal(str, str)  # title, text: something the trader should hear about now
    failed = Signal(str)

    def __init__(self, workspace=None, runner: Runner | None = None, state=None,
                 parent: QObject | None = None) -> None:
        """``workspace`` may come later through ``switch`` (a window shows the tab before a book opens)."""
        super().__init__(parent)
        self.ws = workspace
        self._own_runner = runner is None
        self.runner = runner if runner is not None else Runner(("suggestions",), parent=self)
        self.state = state  # QSettings (or None): the seen ids survive a restart
        self.result = None
        self.inputs: Inputs | None = None
        self.book_state = None  # planner.app.book_state.BookState: the book, quote and settings in memory
        self.decisions: list = []
        self.computed = 0  # results applied (tests wait on it)
        self.seen: set[str] = set(self._load_seen())
        self.announced: set[str] = set()
        self.new_ids: frozenset[str] = frozenset()
        self._quotes_timer = QTimer(self, singleShot=True, interval=QUOTE_DELAY_MS)
        self._quotes_timer.timeout.connect(self.refresh)
        self._unsubscribe = workspace.subscribe(self._changed) if workspace is not None else (lambda: None)

    def switch(self, workspace, runner: Runner | None = None, book_state=None) -> None:
        """Follow another workspace (File ▸ Open); what the user has seen is kept."""
        self._unsubscribe()
        self._quotes_timer.stop()
        self.ws = workspace
        if runner is not None:
            if self._own_runner:
                self.runner.shutdown()
            self.runner, self._own_runner = runner, False
        self.result, self.inputs, self.decisions = None, None, []
        self.book_state = book_state
        self._unsubscribe = workspace.subscribe(self._changed)

    # -- computing ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the inputs now, suggest on the worker; ``result_ready`` follows."""
        ws = self.ws
        if ws is None:
            return
        self.decisions = ws.decisions()
        self.decisions_loaded.emit(self.decisions)
        known = self.book_state
        market = known.snapshot if known is not None else ws.latest_snapshot()
        if market is None:
            self.result, self.inputs = None, None
            self._apply(None, None)
            return
        if known is not None:
            inputs = Inputs(known.book, market, known.settings, ws.now())
        else:
            inputs = Inputs(ws.book(), market, ws.settings(), ws.now())
        history = ws.history_frame() if ws.history_symbols() else None
        events, signals, decisions = ws.events(), ws.signals(), list(self.decisions)

        def work(_token):
            from planner.rules import options_from_settings, suggest

            settings = inputs.settings
            return inputs, suggest(inputs.book, inputs.market, settings, history=history, events=events,
                                   signals=signals, decisions=decisions, at=inputs.at,
                                   options=options_from_settings(settings))

        self.runner.submit(Job("suggestions", work, lambda done: self._apply(*done), self._failed))

    def _apply(self, inputs: Inputs | None, result) -> None:
        self.inputs, self.result = inputs, result
        self.computed += 1
        current = {s.id for s in result} if result is not None else set()
        self.new_ids = frozenset(current - self.seen)
        if result is not None:  # before the views see it: a visible list marks everything seen
            self._announce(result, inputs)
        self.result_ready.emit(result)
        self.new_count_changed.emit(len(self.new_ids))

    def _failed(self, error: BaseException) -> None:
        self.failed.emit(f"Suggestions not updated: {type(error).__name__}: {error}")

    def _changed(self, changed) -> None:
        if changed.external or set(changed.topics) & TOPICS:
            self._quotes_timer.stop()
            self.refresh()
        elif set(changed.topics) & QUOTE_TOPICS:
            self._quotes_timer.start()

    def shutdown(self) -> None:
        self._quotes_timer.stop()
        self._unsubscribe()
        if self._own_runner:
            self.runner.shutdown()

    # -- what the user has seen ------------------------------------------------------------
    @property
    def new_count(self) -> int:
        return len(self.new_ids)

    def mark_seen(self) -> None:
        """The user looked at the list: every current suggestion counts as seen."""
        if self.result is not None:
            self.seen |= {s.id for s in self.result}
        self.new_ids = frozenset()
        self._save_seen()
        self.new_count_changed.emit(0)

    def _load_seen(self) -> Iterable[str]:
        if self.state is None:
            return ()
        value = self.state.value(SEEN_KEY, [])
        return [value] if isinstance(value, str) else list(value or [])

    def _save_seen(self) -> None:
        if self.state is not None:
            current = [s.id for s in self.result] if self.result is not None else []
            older = [i for i in self.seen if i not in current]
            self.state.setValue(SEEN_KEY, (current + older)[:SEEN_KEPT])

    # -- notices --------------------------------------------------------------------------------
    def _announce(self, result, inputs: Inputs) -> None:
        for s in result:
            if s.action in ANNOUNCED and s.id not in self.announced and s.id not in self.seen:
                self.announced.add(s.id)
                self.notice.emit(f"New suggestion: {headline(s)}", s.reason)
        for key, text in expiry_notices(inputs.book, inputs.at):
            if key not in self.announced:
                self.announced.add(key)
                self.notice.emit("Expiry ahead", text)

    # -- acting (the app's use cases) --------------------------------------------------------------
    def accept(self, suggestion_id: str, **fill: Any):
        """Trade what the suggestion proposes at the trader's fill (``price``, ``qty``, ``close_price``, ``fees``)."""
        from planner.app.requests import FillRequest

        return self.ws.accept_suggestion(suggestion_id, FillRequest(**fill))

    def dismiss(self, suggestion_id: str, why: str = ""):
        return self.ws.dismiss_suggestion(suggestion_id, why=why)

    def snooze(self, suggestion_id: str, until: date):
        return self.ws.snooze_suggestion(suggestion_id, until=until.isoformat())

    def ticket_context(self):
        """What a ticket previews against: the state the suggestions were computed on."""
        from planner.ui.tickets.context import TicketContext

        inputs = self.inputs
        report = self.result.report if self.result is not None else None
        return TicketContext(self.ws, inputs.book, inputs.market, inputs.settings, report, self.ws.now())


def headline(s: Suggestion) -> str:
    """'ADD mid (coverage)'; 'ROLL mid (delta_decay + 2 reasons)' when the plan merged several; the condor
    program's early close is its own kind: 'CLOSE condor (condor program)'."""
    if s.rule == "condor_take_profit":
        return f"{str(s.action).replace('_', ' ')} condor (condor program)"
    more = f" + {len(s.reasons) - 1} reason{'s' if len(s.reasons) > 2 else ''}" if len(s.reasons) > 1 else ""
    return " ".join(part for part in (str(s.action).replace("_", " "), s.tier or "", f"({s.rule}{more})") if part)


def expiry_notices(book: Book, at: datetime) -> list[tuple[str, str]]:
    """(key, text) for open positions whose last trading day or expiry is at most two trading days away."""
    from planner import calendars
    from planner.domain.errors import PlannerError

    today = at.astimezone(ET).date()
    notices = []
    for position in book.open_positions:
        leg = position.legs[0]
        try:
            last = calendars.last_trading_day(position.expiry, leg.instrument, leg.settlement)
        except PlannerError:
            last = position.expiry
        for day, what in ((last, "last trading day"), (position.expiry, "expiry")):
            if day < today:
                continue
            try:
                away = calendars.trading_days_between(today, day)
            except PlannerError:
                away = (day - today).days
            if away <= EXPIRY_NOTICE_TRADING_DAYS:
                when = "today" if day == today else f"{day:%a %b %d} ({away} trading day{'s' if away != 1 else ''})"
                kind = "condor" if position.kind is PositionKind.CONDOR else "layer"
                notices.append((f"{what}:{position.id}:{day.isoformat()}",
                                f"#{position.id} {describe(position)} ({kind}): {what} {when}"))
                if day == last and last != position.expiry:
                    break  # one notice at a time: the last trading day comes first
    return notices
