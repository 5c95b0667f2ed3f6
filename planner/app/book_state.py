"""The open book in memory: what the window shows, changed only by use cases, told by typed events.

One ``BookState`` per open workspace holds the book and its settlement logs,
the latest stored quote and the one before, the quotes risk prices on
(``Workspace.quotes_for_risk``), the settings, a live feed's quote and leg
marks, the window's what-if (``risk_run.WhatIf``) and the latest risk reports.

It follows the workspace's ``Changed`` events and reads storage once per change,
only for the topics named: a quote this program stored arrives with the change
(``Changed.snapshot``) and is not read back at all. Another program's writes
(``Workspace.poll``) reload everything. Listeners (plain callables, no Qt)
receive events that carry what changed, so no view reads the database:

- ``SettingsChanged``, ``BookChanged``, ``QuoteChanged``, ``StoredDataChanged``
  (events, signals, decisions, daily history: for the views that show them);
- ``RiskInputsChanged`` last, once per change: the caller's runner asks for a new
  ``risk_request()`` and hands its result to ``apply_risk``, which sends ``ReportReady``.

The report at the stored quote (``real``) is kept with the inputs it was made
from, so stepping a what-if (a VIX shift, a replayed day) prices only the
what-if: the state knows when its own inputs change, no identity comparison.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from planner.app.pnl_history import PnlHistory, history_markets
from planner.app.risk_run import RiskRequest, RiskResult, WhatIf
from planner.domain import Book, MarketSnapshot, Settings

if TYPE_CHECKING:
    from planner.risk.contracts import Layouts
    from planner.risk.report import RiskReport

HISTORY_SYMBOLS = ("SPX", "VIX", "VVIX")


@dataclass(frozen=True)
class SettingsChanged:
    settings: Settings


@dataclass(frozen=True)
class BookChanged:
    book: Book
    settlement_logs: dict  # position id -> its settlement records, oldest first
    position_ids: tuple[int, ...] = ()  # the positions the change named (empty: unknown or all)


@dataclass(frozen=True)
class QuoteChanged:
    shown: MarketSnapshot | None  # the market on screen: live, the replayed day, else the stored quote
    previous: MarketSnapshot | None  # the stored quote before the latest (the bar's change)


@dataclass(frozen=True)
class StoredDataChanged:
    topics: frozenset[str]  # among "events", "signals", "decisions", "history"
    external: bool = False


@dataclass(frozen=True)
class RiskInputsChanged:
    """Sent last for each change that moves risk: ask for ``risk_request()`` again."""


@dataclass(frozen=True)
class ReportReady:
    report: Any  # RiskReport the graph draws (under the what-if), or None without a market
    real: Any  # the report at the stored (or live) quote: the table, status line and P&L
    shown: MarketSnapshot | None


Event = SettingsChanged | BookChanged | QuoteChanged | StoredDataChanged | RiskInputsChanged | ReportReady
Listener = Callable[[Event], None]
RISK_TOPICS = frozenset({"book", "market", "settings", "history"})  # history: stored VX settlements
STORED_TOPICS = frozenset({"events", "signals", "decisions", "history"})


class BookState:
    def __init__(self, workspace) -> None:
        self.ws = workspace
        self.book = Book()
        self.settlement_logs: dict = {}
        self.snapshot: MarketSnapshot | None = None
        self.previous: MarketSnapshot | None = None
        self.priced: tuple[MarketSnapshot | None, MarketSnapshot | None, tuple[str, ...]] = (None, None, ())
        self.settings = Settings()
        self.account_set = False  # equity was set by the trader (else the default is assumed)
        self.live_snapshot: MarketSnapshot | None = None  # a broker feed's latest, held in memory
        self.live_marks: dict = {}  # leg id -> planner.app.leg_marks.LegMark
        self.what_if = WhatIf()
        self.shown_market: MarketSnapshot | None = None
        self.report: RiskReport | None = None
        self.real_report: RiskReport | None = None
        self.reports_applied = 0
        self._real_key: tuple | None = None  # what ``real_report`` was made from (None: nothing current)
        self._inputs_version = 0  # moves with every book, quote, settings or live change
        self._stored_snapshots: list[MarketSnapshot] | None = None  # the P&L history's, loaded when first asked
        self._closes: list | None = None
        self._settles: dict = {}  # stored VX settlements looked up, until the stored history changes
        self.pnl_history = PnlHistory()  # its valuations cache lives as long as this book is open
        self._layouts: Layouts | None = None  # the book's contract layouts, kept between quotes (made when first run)
        self._listeners: list[Listener] = []
        self._unsubscribe = workspace.subscribe(self._on_changed)

    # -- listeners ---------------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _send(self, *events: Event) -> None:
        for event in events:
            for listener in list(self._listeners):
                listener(event)

    def close(self) -> None:
        self._unsubscribe()
        self._listeners.clear()

    # -- loading -----------------------------------------------------------------------------------
    def load(self) -> None:
        """Read everything once (a book opens)."""
        self._reload({"settings", "book", "market"}, external=True)

    def _on_changed(self, changed) -> None:
        topics = set(changed.topics)
        if changed.external:
            topics |= RISK_TOPICS | STORED_TOPICS
        self._reload(topics, external=changed.external, stored=changed.snapshot,
                     position_ids=tuple(changed.position_ids))

    def _reload(self, topics: set[str], external: bool = False, stored: MarketSnapshot | None = None,
                position_ids: tuple[int, ...] = ()) -> None:
        events: list[Event] = []
        if "settings" in topics:
            self.settings = self.ws.settings()
            self.account_set = self.ws.account_set()
            events.append(SettingsChanged(self.settings))
        if "book" in topics:
            self.book = self.ws.book()
            self.settlement_logs = self.ws.settlement_logs()  # settling writes positions: a "book" change
            events.append(BookChanged(self.book, self.settlement_logs, position_ids))
        if "market" in topics:
            self._take_quote(stored)
            if self.what_if.replay is None and self.live_snapshot is None:
                self.shown_market = self.snapshot
            events.append(QuoteChanged(self.shown_market, self.previous))
        if "history" in topics:
            self._closes = None
        if topics & {"history", "book"}:  # new settlements, or a VX expiry not looked up yet
            self._settles = {}
        if topics & RISK_TOPICS:
            self._reprice()
        if topics & STORED_TOPICS:
            events.append(StoredDataChanged(frozenset(topics & STORED_TOPICS), external))
        if topics & RISK_TOPICS:
            events.append(RiskInputsChanged())
        self._send(*events)

    def _take_quote(self, stored: MarketSnapshot | None) -> None:
        """The newest stored quote and the one before: from the change itself when it carries a newer one."""
        latest = self.snapshot
        if stored is not None and (latest is None or stored.asof >= latest.asof):  # None: the book's first quote
            self.previous, self.snapshot = latest, stored
            if self._stored_snapshots is not None:
                self._stored_snapshots.append(stored)
            return
        # An older quote stored late, or another program's quotes: ask the store which are the newest.
        self.snapshot, self.previous = self.ws.latest_snapshot(), self.ws.previous_snapshot()
        self._stored_snapshots = None

    def _reprice(self) -> None:
        """The quotes risk runs price on, the same as ``planner risk`` (``Workspace.quotes_for_risk``)."""
        self._inputs_version += 1
        self._real_key = None
        if self.snapshot is None:
            self.priced = (None, None, ())
            return
        if not self._settles:  # one look-up per open VX expiry now, so a quote without futures reads nothing
            self.ws.quotes_for_risk(replace(self.snapshot, vix_futures=()), None, self.book, self.settings,
                                    self._settles)
        self.priced = self.ws.quotes_for_risk(self.snapshot, self.previous, self.book, self.settings, self._settles)

    # -- what the window changes in memory ----------------------------------------------------------------
    def set_what_if(self, **changes: Any) -> bool:
        """Change the what-if (``WhatIf`` fields); True when it moved (the caller then asks for risk)."""
        what_if = replace(self.what_if, **changes)
        if what_if == self.what_if:
            return False
        self.what_if = what_if
        if "replay" in changes and what_if.replay is None:
            self.shown_market = self.live_snapshot or self.snapshot
            self._send(QuoteChanged(self.shown_market, self.previous))
        return True

    def set_live(self, snapshot: MarketSnapshot | None, marks: dict | None = None) -> None:
        """A live feed's snapshot and leg marks (None: back to the stored market and the model)."""
        self.live_snapshot = snapshot
        self.live_marks = marks or {}
        self._inputs_version += 1
        self._real_key = None
        self.shown_market = snapshot or self.snapshot
        self._send(QuoteChanged(self.shown_market, self.previous))

    # -- risk ---------------------------------------------------------------------------------------------
    def risk_request(self, at: datetime, matrix: bool = True) -> RiskRequest | None:
        """The inputs of a risk run now (None without a market: ``apply_risk(None)`` says so).

        matrix: with the SPX x VIX matrix and stress rows (False while no view shows them).
        """
        if self.snapshot is None:
            return None
        book = self.book
        snapshot, previous, notes = self.priced
        if self.live_snapshot is not None:  # live quotes price in memory; the stored one is "previous"
            from planner.app.leg_marks import with_market_marks

            snapshot, previous, notes = self.ws.quotes_for_risk(self.live_snapshot, self.snapshot, book,
                                                                self.settings, self._settles)
            book = with_market_marks(book, self.live_marks)
        real = self.real_report if self.risk_key() == self._real_key else None
        if self._layouts is None:
            from planner.risk.contracts import Layouts

            self._layouts = Layouts()
        return RiskRequest(book, snapshot or self.snapshot, previous, self.settings, at, self.what_if, notes, real,
                           matrix, self._layouts)

    def risk_key(self) -> tuple:
        """Stamp a request with this; ``apply_risk`` keeps its real report only if nothing moved since."""
        return (self._inputs_version, self.what_if.real_key())

    def apply_risk(self, result: RiskResult | None, key: tuple | None = None) -> None:
        if result is None:
            self.report = self.real_report = None
            self._send(ReportReady(None, None, self.shown_market))
            return
        self.report, self.real_report = result.report, result.real
        self._real_key = key
        self.reports_applied += 1
        events: list[Event] = []
        if self.what_if.replay is not None and result.shown is not self.shown_market:
            self.shown_market = result.shown
            events.append(QuoteChanged(result.shown, self.previous))
        events.append(ReportReady(result.report, result.real, self.shown_market))
        self._send(*events)

    @property
    def what_if_on(self) -> bool:
        return self.report is not None and self.report is not self.real_report

    def realized_usd(self) -> float:
        """Dollars realized by the positions no longer open, net of fees."""
        return sum(p.realized_pnl() or 0.0 for p in self.book.positions if not p.is_open)

    # -- P&L over time --------------------------------------------------------------------------------------
    def history_inputs(self) -> tuple[Book, list, Settings] | None:
        """(book, markets, settings) for ``pnl_history.compute``; the stored quotes and closes read once."""
        if self.snapshot is None:
            return None
        if self._stored_snapshots is None:
            self._stored_snapshots = list(self.ws.snapshots())
        if self._closes is None:
            self._closes = list(self.ws.history_rows(HISTORY_SYMBOLS))
        opened = [p.opened_at for p in self.book.positions]
        since = min(opened).astimezone(self.snapshot.asof.tzinfo).date() if opened else None
        snapshots = sorted(self._stored_snapshots, key=lambda s: (s.asof, s.id or 0))
        return self.book, history_markets(snapshots, self._closes, since), self.settings
