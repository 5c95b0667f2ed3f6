"""The window's link to one workspace: change events in, risk reports out.

Follows ARCHITECTURE.md, "How a quote becomes a redrawn chart": the workspace
emits ``Changed`` (on the GUI thread, after each commit); the session reloads
only what the topics name, then asks the single risk worker for a new report
(leading edge, coalesced). Reports come back on the GUI thread as the
``report_ready`` signal, which the window hands to each view's ``update_*``.
Views never see the workspace.

What-if state lives here too: the T+n horizon, the VIX shift, the VIX
response the curves follow (central, stressed, fixed at a level, with an SPX
level the curves must hold exactly: a scenario-map cell) and a replayed day's
levels. None of it is stored; a stored quote always wins back the graph
when the what-if is cleared.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from planner.app import Changed, Workspace
from planner.domain import Book, MarketSnapshot, Settings
from planner.domain.errors import PlannerError
from planner.feeds import Quote
from planner.ui.pnl_history import PnlHistory, history_markets
from planner.ui.risk_runner import CoalescingRunner, Job

POLL_MS = 250  # other programs' writes (the CLI, another window) show within a second
HISTORY_DELAY_MS = 1200  # the P&L history waits for the quotes to calm down
SCENARIO_DELAY_MS = 150  # the matrix step waits for a pause in the quotes, never delaying a quote's curves
# (unless the scenario map is on screen: then each quote runs the whole analysis in one step)
HISTORY_SLICE = 8  # valuations per worker run, so a quote never waits long behind it


@dataclass(frozen=True)
class RiskRequest:
    """Everything one risk run needs, captured on the GUI thread: the worker never
    touches the store, whose connection belongs to the GUI thread."""

    book: Book
    snapshot: MarketSnapshot
    previous: MarketSnapshot | None
    settings: Settings
    at: datetime
    horizon_days: float | None
    replay: Quote | None = None  # a replayed day's levels (what-if)
    vix_shift: float = 0.0  # VIX points added by the graph's control (what-if)
    vix_mode: str = "central"  # the curves' VIX: "central", "stressed" (band high) or "fixed"
    fixed_vix: float | None = None  # with "fixed": the level (None: the priced market's VIX)
    pin_spx: float | None = None  # an SPX level the curves hold exactly (a scenario-map cell)
    notes: tuple[str, ...] = ()  # said of the quotes before the run (futures taken from stored VX history)
    real: object = None  # the stored quote's full report for these inputs, when one is at hand (what-if steps)


@dataclass(frozen=True)
class RiskResult:
    report: object  # planner.risk.RiskReport
    shown: MarketSnapshot  # the market the bar shows: stored, or the replayed day (before the VIX shift)
    priced: MarketSnapshot | None = None  # the market the report was valued under
    real: object = None  # under a what-if: the report at the stored quote (None: ``report`` is it)


def run_risk(request: RiskRequest, matrix: bool = True) -> RiskResult:
    """The worker's job: what ``Workspace.analyze(spx=, vix=)`` computes, on inputs
    already loaded. What-ifs move the futures with spot VIX (``planner.risk.what_if``)
    and measure day P&L against the stored quote, as ``Workspace.analyze`` does."""
    from planner.risk import analyze
    from planner.risk.what_if import what_if_market

    market, settings, at = request.snapshot, request.settings, request.at
    shown = market
    quote = request.replay
    if quote is not None:
        moved = what_if_market(market, settings, spx=quote.spx, vix=quote.vix, at=at)
        # A replayed day's stored VX settlements replace the futures the what-if moved with spot VIX.
        futures = dict(moved.vix_futures) | dict(quote.futures)
        shown = replace(moved, vvix=quote.vvix or market.vvix, asof=quote.asof or market.asof, source=quote.source,
                        vix_futures=tuple(sorted(futures.items())))
    priced = shown
    if request.vix_shift:
        vix = min(max(shown.vix + request.vix_shift, settings.vix_floor), settings.vix_cap)
        priced = what_if_market(shown, settings, vix=vix, at=at)
    previous = request.previous if priced is market else market
    # The window shows positions, never a leg's row: legs=False saves building ~300 of them per quote.
    report = analyze(request.book, priced, settings, at=at, horizon_days=request.horizon_days, previous=previous,
                     matrix=matrix, legs=False, vix_mode=request.vix_mode, fixed_vix=request.fixed_vix,
                     pin_spx=request.pin_spx)
    real = None
    if priced is not market:  # a what-if draws the risk graph; the table, status and P&L stay real
        real = request.real or analyze(request.book, market, settings, at=at, horizon_days=request.horizon_days,
                                       previous=request.previous, matrix=matrix, legs=False,
                                       vix_mode=request.vix_mode, fixed_vix=request.fixed_vix)
    if request.notes:
        report = replace(report, notes=(*report.notes, *request.notes))
        if real is not None and request.real is None:
            real = replace(real, notes=(*real.notes, *request.notes))
    return RiskResult(report, shown, priced, real)


def complete_risk(request: RiskRequest, first: RiskResult) -> RiskResult:
    """The second step of a quote: the matrix, risk used and stress for ``first``'s report."""
    from planner.risk.engine import add_scenarios

    real = first.real
    if real is not None and real.matrix is None:
        real = add_scenarios(real, request.book, request.snapshot, request.settings)
    return replace(first, report=add_scenarios(first.report, request.book, first.priced, request.settings),
                   real=real)


def carry_scenarios(report, full):
    """A curves-only report shown with the last full report's matrix figures until its own arrive
    (a few tens of milliseconds), so the table and status bar do not flicker to blanks."""
    if full is None or report.matrix is not None:
        return report
    used = {p.id: (p.risk_used_pct, p.risk_used_scenario) for p in full.positions}
    rows = tuple(p.with_risk_used(*used.get(p.id, (None, None))) for p in report.positions)
    return replace(report, positions=rows, matrix=full.matrix, stress=full.stress, risk_used_pct=full.risk_used_pct,
                   risk_used_scenario=full.risk_used_scenario, plausible=full.plausible)


class Session(QObject):
    report_ready = Signal(object)  # RiskReport, or None when there is no market yet
    book_loaded = Signal(object)  # Book
    market_loaded = Signal(object)  # MarketSnapshot in use (stored or replayed), or None
    settings_loaded = Signal(object)  # Settings
    history_ready = Signal(object)  # list[PnlPoint]
    message = Signal(str)  # one line for the status bar

    def __init__(self, workspace: Workspace, parent: QObject | None = None, poll: bool = True) -> None:
        super().__init__(parent)
        self.ws = workspace
        self.runner = CoalescingRunner(priorities=("risk", "scenarios", "history"), parent=self)
        self.book = Book()
        self.settlement_logs: dict = {}  # position id -> its settlement records, oldest first
        self.snapshot: MarketSnapshot | None = None
        self.shown_market: MarketSnapshot | None = None  # stored, or the replayed day
        self.previous: MarketSnapshot | None = None
        # The quotes risk runs price on: futures they lack taken from stored VX history, and notes saying so
        self.priced: tuple[MarketSnapshot | None, MarketSnapshot | None, tuple[str, ...]] = (None, None, ())
        self.settings = Settings()
        self.report = None
        self.real_report = None  # the report at the stored quote: a what-if never reaches real figures
        self.what_if = False
        self.history = None  # the last P&L-over-time points
        self._realized: tuple = (None, 0.0)
        self.charts_connected = False
        self.horizon_days: float | None = None
        self.vix_shift = 0.0
        self.vix_mode, self.fixed_vix, self.pin_spx = "central", None, None
        self.replay_quote: Quote | None = None
        self.live_snapshot: MarketSnapshot | None = None  # a broker feed's latest, held in memory
        self.live_marks: dict = {}  # leg id -> planner.app.leg_marks.LegMark
        self.reports_applied = 0
        self._risk_generation = 0  # each quote's two steps share one generation
        self._applied_generation = 0
        self._full_report = None  # the last report with its matrix (carried into curves-only ones)
        self._full_real = None  # the same at the stored quote, when a what-if is on
        self._full_real_inputs: tuple | None = None  # what ``_full_real`` was computed from
        self._inputs_of_generation: dict[int, tuple] = {}
        self.matrix_in_view = False  # the scenario map is on screen: every quote needs its own matrix
        self._scenario_job: Job | None = None
        self._scenario_timer = QTimer(self, singleShot=True, interval=SCENARIO_DELAY_MS)
        self._scenario_timer.timeout.connect(self._submit_scenarios)
        self._pnl_history = PnlHistory()
        self._history_generation = 0
        self._history_timer = QTimer(self, singleShot=True, interval=HISTORY_DELAY_MS)
        self._history_timer.timeout.connect(self.request_history)
        self._poll_timer = QTimer(self, interval=POLL_MS)
        self._poll_timer.timeout.connect(self._poll)
        self._unsubscribe = workspace.subscribe(self._on_changed)
        self._poll_enabled = poll

    # -- lifecycle ---------------------------------------------------------------
    def start(self, risk: bool = True) -> None:
        """Load everything and follow changes; ``risk``: also start the first risk run
        (False: the caller starts it with ``start_risk`` once the window has painted)."""
        self._reload({"book", "market", "settings"})
        if risk:
            self.start_risk()
        if self._poll_enabled:
            self._poll_timer.start()

    def start_risk(self) -> None:
        self.request_risk()
        self.request_history()

    def shutdown(self) -> None:
        self._poll_timer.stop()
        self._history_timer.stop()
        self._scenario_timer.stop()
        self._unsubscribe()
        self.runner.shutdown()

    # -- what-if controls ----------------------------------------------------------
    def set_horizon_days(self, days: float | None) -> None:
        self.horizon_days = days
        self.request_risk()

    def set_vix_shift(self, points: float) -> None:
        self.vix_shift = points
        self.request_risk()

    def set_vix_response(self, mode: str, fixed_vix: float | None = None, pin_spx: float | None = None) -> None:
        """How the curves move VIX with SPX; ``fixed_vix`` and ``pin_spx`` come with a scenario-map cell."""
        if (mode, fixed_vix, pin_spx) == (self.vix_mode, self.fixed_vix, self.pin_spx):
            return
        self.vix_mode, self.fixed_vix, self.pin_spx = mode, fixed_vix, pin_spx
        self.request_risk()

    def set_matrix_in_view(self, visible: bool) -> None:
        """The scenario map is shown (or hidden): quotes then run the full analysis at once,
        so the map follows each quote instead of waiting for the quotes to pause."""
        self.matrix_in_view = visible
        if visible and self._scenario_job is not None:  # the report on screen still carries an old matrix
            self._scenario_timer.stop()
            self._submit_scenarios()

    def set_replay_quote(self, quote: Quote | None) -> None:
        """A replayed day's levels (None: back to the stored market)."""
        self.replay_quote = quote
        if quote is None:
            self.shown_market = self.snapshot
            self.market_loaded.emit(self.snapshot)
        self.request_risk()

    def set_live(self, snapshot: MarketSnapshot | None, marks: dict | None = None) -> None:
        """A live feed's snapshot and leg marks (None: back to the stored market and the model)."""
        self.live_snapshot = snapshot
        self.live_marks = marks or {}
        self.shown_market = snapshot or self.snapshot
        self.market_loaded.emit(self.shown_market)
        self.request_risk()

    def realized_usd(self) -> float:
        """Dollars realized by the positions no longer open, net of fees (changes with the book only)."""
        if self._realized[0] is not self.book:
            total = sum(p.realized_pnl() or 0.0 for p in self.book.positions if not p.is_open)
            self._realized = (self.book, total)
        return self._realized[1]

    # -- change events ---------------------------------------------------------------
    def _on_changed(self, changed: Changed) -> None:
        topics = set(changed.topics)
        if changed.external:
            topics |= {"book", "market", "settings"}
        relevant = topics & {"book", "market", "settings", "history"}  # history: stored VX settlements
        if not relevant:
            return
        self._reload(relevant)
        self.request_risk()
        self._history_timer.start()

    def _poll(self) -> None:
        try:
            self.ws.poll()
        except Exception as exc:  # a locked or vanished file: say so, keep polling
            self.message.emit(f"Could not check the book for outside changes: {exc}")

    def _reload(self, topics: set[str]) -> None:
        if "settings" in topics:
            self.settings = self.ws.settings()
            self.settings_loaded.emit(self.settings)
        if "book" in topics:
            self.book = self.ws.book()
            self.settlement_logs = self.ws.settlement_logs()  # settling writes positions: a "book" change
            self.book_loaded.emit(self.book)
        if "market" in topics:
            self.snapshot = self.ws.latest_snapshot()
            self.previous = self.ws.previous_snapshot()
            if self.replay_quote is None and self.live_snapshot is None:
                self.shown_market = self.snapshot
                self.market_loaded.emit(self.snapshot)
        if self.snapshot is not None:  # the same quotes as ``planner risk`` (Workspace.quotes_for_risk)
            self.priced = self.ws.quotes_for_risk(self.snapshot, self.previous, self.book, self.settings)
        else:
            self.priced = (None, None, ())

    # -- risk --------------------------------------------------------------------------
    def request_risk(self) -> None:
        if self.snapshot is None:
            self.report = self.real_report = None
            self.what_if = False
            self.report_ready.emit(None)
            return
        snapshot, previous, notes = self.priced
        book, snapshot, previous = self.book, snapshot or self.snapshot, previous
        if self.live_snapshot is not None:  # live quotes price in memory; the stored one is "previous"
            from planner.app.leg_marks import with_market_marks

            snapshot, previous, notes = self.ws.quotes_for_risk(self.live_snapshot, self.snapshot, book, self.settings)
            book = with_market_marks(book, self.live_marks)
        # Moving the VIX shift step by step reuses the quote's own report: only the what-if is new.
        inputs = (book, snapshot, previous, self.settings, (self.horizon_days, self.vix_mode, self.fixed_vix))
        # Identity, not equality: comparing two books position by position costs more than it saves.
        same = self._full_real_inputs is not None and all(
            a is b for a, b in zip(self._full_real_inputs[:4], inputs[:4], strict=True)
        ) and self._full_real_inputs[4] == inputs[4]
        known = self._full_real if same else None
        request = RiskRequest(book, snapshot, previous, self.settings, self.ws.now(),
                              self.horizon_days, self.replay_quote, self.vix_shift, self.vix_mode, self.fixed_vix,
                              self.pin_spx, notes, known)
        self._risk_generation += 1
        generation = self._risk_generation
        self._inputs_of_generation = {generation: inputs}  # only the newest run's inputs are ever wanted
        if self.matrix_in_view:  # the scenario map is on screen: one step, matrix included
            self._scenario_timer.stop()
            self._scenario_job = None
            self.runner.submit(Job("risk", lambda: run_risk(request, matrix=True),
                                   lambda result: self._apply_whole(generation, result), self._failed))
            return
        # Two steps: the curves, table and Greeks first (what the risk tab shows), then the
        # SPX x VIX matrix with risk used and stress, the costliest part of a full run.
        self.runner.submit(Job("risk", lambda: run_risk(request, matrix=False),
                               lambda result: self._apply_first(request, generation, result), self._failed))

    def _apply_whole(self, generation: int, result: RiskResult) -> None:
        self._applied_generation = generation
        self._apply_full(generation, result)

    def _apply_first(self, request: RiskRequest, generation: int, result: RiskResult) -> None:
        self._applied_generation = generation
        real = None if result.real is None else carry_scenarios(result.real, self._full_real)
        self._apply_result(replace(result, report=carry_scenarios(result.report, self._full_report), real=real))
        self._scenario_job = Job("scenarios", lambda: complete_risk(request, result),
                                 lambda full: self._apply_full(generation, full), self._failed)
        self._scenario_timer.start()  # restarted by every quote: runs once they pause

    def _submit_scenarios(self) -> None:
        if self._scenario_job is not None:
            self.runner.submit(self._scenario_job)
            self._scenario_job = None

    def _apply_full(self, generation: int, result: RiskResult) -> None:
        if generation != self._applied_generation:
            return  # a newer quote is already drawn; its own matrix is on the way
        self._full_report = result.report
        self._full_real = result.real if result.real is not None else result.report
        self._full_real_inputs = self._inputs_of_generation.get(generation)
        self._apply_result(result)

    def _apply_result(self, result: RiskResult) -> None:
        if self.replay_quote is not None and result.shown is not self.snapshot:
            self.shown_market = result.shown
            self.market_loaded.emit(result.shown)
        self._apply_report(result.report, result.real)

    def _apply_report(self, report, real=None) -> None:
        self.report = report
        self.real_report = report if real is None else real  # what the table, status and P&L chart show
        self.what_if = real is not None
        self.reports_applied += 1
        self.report_ready.emit(report)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, PlannerError):
            self.message.emit(f"Risk not updated: {error}")
        else:
            self.message.emit(f"Risk not updated: unexpected {type(error).__name__}: {error}")

    # -- P&L over time ----------------------------------------------------------------------
    def request_history(self) -> None:
        if self.snapshot is None:
            self.history_ready.emit([])
            return
        book, settings = self.book, self.settings
        opened = [p.opened_at for p in book.positions]
        since = min(opened).astimezone(self.snapshot.asof.tzinfo).date() if opened else None
        markets = history_markets(self.ws.snapshots(), self.ws.history_rows(("SPX", "VIX", "VVIX")), since)
        self._history_generation += 1
        self._submit_history(self._history_generation, book, markets, settings)

    def _submit_history(self, generation: int, book, markets, settings) -> None:
        def work():
            return self._pnl_history.compute(book, markets, settings, HISTORY_SLICE)

        def done(result) -> None:
            if generation != self._history_generation:
                return  # a newer book or quote has asked for its own series
            points, finished = result
            self.history = points
            self.history_ready.emit(points)
            if not finished:
                self._submit_history(generation, book, markets, settings)

        self.runner.submit(Job("history", work, done, self._failed))
