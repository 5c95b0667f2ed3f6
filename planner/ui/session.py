"""The window's Qt adapter over one open book: book-state events in, signals out, work on the runner.

The state itself (book, quotes, settings, what-if, reports) is
``planner.app.book_state.BookState``, changed only by use cases and told by
typed events; this adapter turns those events into Qt signals for the views,
runs each risk run and P&L-history slice on the window's ``Runner`` (leading
edge, coalesced, results on the GUI thread) and polls for other programs'
writes. Views never see the workspace nor the state's internals.

One quote, one risk run, one complete report of what the window shows: the
curves, table, Greeks and risk used always; the SPX x VIX matrix and the stress
rows only while the scenario map is on screen (``set_map_shown``), since no other
view draws them and they are the costliest part. Showing the map asks for a run
with them at once, so it never draws a matrix older than the quote.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from planner.app import Workspace
from planner.app.book_state import (
    BookChanged,
    BookState,
    QuoteChanged,
    ReportReady,
    RiskInputsChanged,
    SettingsChanged,
    StoredDataChanged,
)
from planner.app.risk_run import run_risk
from planner.domain.errors import PlannerError
from planner.feeds import Quote
from planner.ui.runner import Job, Runner

POLL_MS = 250  # other programs' writes (the CLI, another window) show within a second
HISTORY_DELAY_MS = 1200  # the P&L history waits for the quotes to calm down
HISTORY_SLICE = 8  # valuations per worker run, so a quote never waits long behind it


def _state_attribute(name: str, doc: str = "") -> property:
    return property(lambda self: getattr(self.state, name), doc=doc or f"The book state's ``{name}``.")


class Session(QObject):
    report_ready = Signal(object)  # RiskReport, or None when there is no market yet
    book_loaded = Signal(object)  # Book
    market_loaded = Signal(object)  # MarketSnapshot in use (stored, live or replayed), or None
    settings_loaded = Signal(object)  # Settings
    stored_changed = Signal(object, bool)  # topics (events, signals, decisions, history), external
    history_ready = Signal(object)  # list[PnlPoint]
    message = Signal(str)  # one line for the status bar

    book = _state_attribute("book")
    settlement_logs = _state_attribute("settlement_logs")
    snapshot = _state_attribute("snapshot", "The latest stored quote.")
    previous = _state_attribute("previous")
    settings = _state_attribute("settings")
    live_snapshot = _state_attribute("live_snapshot")
    live_marks = _state_attribute("live_marks")
    shown_market = _state_attribute("shown_market")
    report = _state_attribute("report", "The report the risk graph draws (under the what-if).")
    real_report = _state_attribute("real_report", "The report at the quote itself: table, status, P&L.")
    reports_applied = _state_attribute("reports_applied")
    account_set = _state_attribute("account_set", "Equity was set by the trader (else the default is assumed).")
    what_if = _state_attribute("what_if_on", "A what-if moves the graph's market.")

    def __init__(self, workspace: Workspace, parent: QObject | None = None, poll: bool = True) -> None:
        super().__init__(parent)
        self.ws = workspace
        self.state = BookState(workspace)
        self.runner = Runner(priorities=("risk", "suggestions", "history"), parent=self)
        self.history = None  # the last P&L-over-time points
        self.risk_requests = 0  # risk runs asked for so far (benchmarks match a report to its request)
        self.risk_applied = 0  # the number of the request whose report is on screen
        self.charts_connected = False
        self._risk_on = False  # the first risk run waits for ``start_risk`` (after the first paint)
        self.map_shown = False  # the scenario map is on screen: risk runs bring the matrix and stress rows
        self._history_timer = QTimer(self, singleShot=True, interval=HISTORY_DELAY_MS)
        self._history_timer.timeout.connect(self.request_history)
        self._poll_timer = QTimer(self, interval=POLL_MS)
        self._poll_timer.timeout.connect(self._poll)
        self._poll_enabled = poll
        self._unsubscribe = self.state.subscribe(self._on_event)

    # -- the what-if, read by the views ---------------------------------------------------------
    vix_shift = property(lambda self: self.state.what_if.vix_shift)
    vix_mode = property(lambda self: self.state.what_if.vix_mode)
    fixed_vix = property(lambda self: self.state.what_if.fixed_vix)
    pin_spx = property(lambda self: self.state.what_if.pin_spx)
    replay_quote = property(lambda self: self.state.what_if.replay)

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self, risk: bool = True) -> None:
        """Load everything and follow changes; ``risk``: also start the first risk run
        (False: the caller starts it with ``start_risk`` once the window has painted)."""
        self.state.load()
        if risk:
            self.start_risk()
        if self._poll_enabled:
            self._poll_timer.start()

    def start_risk(self) -> None:
        self._risk_on = True
        self.request_risk()
        self.request_history()

    def shutdown(self) -> None:
        self._poll_timer.stop()
        self._history_timer.stop()
        self._unsubscribe()
        self.state.close()
        self.runner.shutdown()

    # -- what-if controls ------------------------------------------------------------------------------
    def _what_if(self, **changes) -> None:
        if self.state.set_what_if(**changes):
            self.request_risk()

    def set_horizon_days(self, days: float | None) -> None:
        self._what_if(horizon_days=days)

    def set_vix_shift(self, points: float) -> None:
        self._what_if(vix_shift=points)

    def set_vix_response(self, mode: str, fixed_vix: float | None = None, pin_spx: float | None = None) -> None:
        """How the curves move VIX with SPX; ``fixed_vix`` and ``pin_spx`` come with a scenario-map cell."""
        self._what_if(vix_mode=mode, fixed_vix=fixed_vix, pin_spx=pin_spx)

    def set_replay_quote(self, quote: Quote | None) -> None:
        """A replayed day's levels (None: back to the stored market)."""
        self._what_if(replay=quote)

    def set_map_shown(self, shown: bool) -> None:
        """The scenario map came on screen (or left it): from now on risk runs bring (or skip) the
        matrix and stress rows; a report without them is followed at once by one with them."""
        self.map_shown = shown
        report = self.state.report
        if shown and self._risk_on and report is not None and report.matrix is None:
            self.request_risk()

    def set_live(self, snapshot, marks: dict | None = None) -> None:
        """A live feed's snapshot and leg marks (None: back to the stored market and the model)."""
        self.state.set_live(snapshot, marks)
        self.request_risk()

    def realized_usd(self) -> float:
        return self.state.realized_usd()

    # -- book-state events -> signals ----------------------------------------------------------------------
    def _on_event(self, event) -> None:
        if isinstance(event, ReportReady):
            self.report_ready.emit(event.report)
        elif isinstance(event, QuoteChanged):
            self.market_loaded.emit(event.shown)
        elif isinstance(event, BookChanged):
            self.book_loaded.emit(event.book)
        elif isinstance(event, SettingsChanged):
            self.settings_loaded.emit(event.settings)
        elif isinstance(event, StoredDataChanged):
            self.stored_changed.emit(event.topics, event.external)
        elif isinstance(event, RiskInputsChanged) and self._risk_on:
            self.request_risk()
            self._history_timer.start()

    def _poll(self) -> None:
        try:
            self.ws.poll()
        except Exception as exc:  # a locked or vanished file: say so, keep polling
            self.message.emit(f"Could not check the book for outside changes: {exc}")

    # -- risk ------------------------------------------------------------------------------------------------
    def request_risk(self) -> None:
        request = self.state.risk_request(self.ws.now(), matrix=self.map_shown)
        if request is None:
            self.state.apply_risk(None)
            return
        self.risk_requests += 1
        number, key = self.risk_requests, self.state.risk_key()

        def done(result) -> None:
            self.risk_applied = number
            self.state.apply_risk(result, key)

        self.runner.submit(Job("risk", lambda _token: run_risk(request), done, self._failed))

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, PlannerError):
            self.message.emit(f"Risk not updated: {error}")
        else:
            self.message.emit(f"Risk not updated: unexpected {type(error).__name__}: {error}")

    # -- P&L over time ----------------------------------------------------------------------------------------
    def request_history(self) -> None:
        inputs = self.state.history_inputs()
        if inputs is None:
            self.history_ready.emit([])
            return
        self.runner.discard("history")  # a slice of an older series never arrives now
        self._submit_history(*inputs)

    def _submit_history(self, book, markets, settings) -> None:
        cache = self.state.pnl_history

        def done(result) -> None:
            points, finished = result
            self.history = points
            self.history_ready.emit(points)
            if not finished:
                self._submit_history(book, markets, settings)

        self.runner.submit(Job("history", lambda _token: cache.compute(book, markets, settings, HISTORY_SLICE),
                               done, self._failed))
