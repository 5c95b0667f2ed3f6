"""The window's quote sources: a watched file, a replay of stored closes, Interactive Brokers.

A watched file's quote is stored through ``Workspace.set_market`` (the stored
change then carries the quote to the book state: see docs/development.md, "A
quote's path to the screen"); a replayed day and a live IBKR quote are what-ifs
held in memory (``Session.set_replay_quote``, ``Session.set_live``). Live
quotes also drive the alerts.
"""

from __future__ import annotations

import sqlite3

from PySide6.QtWidgets import QFileDialog

from planner.app.requests import QuoteRequest
from planner.feeds import SourceState

ALERT_LOG_HEIGHT_PX = 110  # about five alert lines; the charts keep the room


class QuoteFeeds:
    """Mixed into ``MainWindow``: starting, stopping and following the quote sources."""

    def _store_quote(self, quote) -> None:
        from planner.domain.errors import PlannerError

        try:
            self.workspace.set_market(QuoteRequest(**quote.market_fields()))
        except PlannerError as error:
            self.file_source.report_rejected(error)
        except sqlite3.Error as error:  # a locked or full disk: the quote is not stored, the window says why
            self.file_source.report_rejected(PlannerError(f"quote not stored ({error})"))

    def watch_quote_file(self, path) -> None:
        self.replay_source.stop()
        self.session.set_replay_quote(None)
        self.file_source.watch(path)
        if self.state is not None:
            self.state.setValue("quotes/file", str(path))

    def choose_quote_file(self) -> None:
        if not self._require_session():
            return
        start = self.state.value("quotes/file", "") if self.state is not None else ""
        path, _ = QFileDialog.getOpenFileName(self, "Watch a quote file", str(start),
                                              "Quote files (*.json *.csv);;All files (*)")
        if path:
            self.watch_quote_file(path)

    def start_replay(self) -> None:
        if not self._require_session():
            return
        from planner.feeds import replay_days

        ws = self.workspace
        days = replay_days(ws.history_rows(("SPX", "VIX", "VVIX")), curves=ws.vx_settlement_curves())
        if not days:
            self.statusBar().showMessage("No stored daily closes to replay: import history first "
                                         "(planner history import FILE)", 10000)
            return
        self.file_source.stop()
        self.replay_source.start(days, self.replay_speed)

    def toggle_replay(self) -> None:
        if self.replay_source.replay is None:
            return
        if self.replay_source.state is SourceState.PLAYING:
            self.replay_source.pause()
        else:
            self.replay_source.resume()

    def set_replay_speed(self, speed: float) -> None:
        self.replay_speed = speed
        if hasattr(self, "replay_source"):
            self.replay_source.set_speed(speed)

    # -- Interactive Brokers --------------------------------------------------------------------
    def connect_ibkr(self, host: str | None = None, port: int | None = None, client_id: int | None = None) -> bool:
        """Start the IBKR feed on the open book (settings give port, client id, line limit)."""
        from planner.feeds.ibkr import INSTALL_HINT, IbkrConfig, ib_available

        if not ib_available():
            self.ibkr_action.setToolTip(f"Needs the ibkr extra: {INSTALL_HINT}")
            self.statusBar().showMessage(f"Interactive Brokers quotes need the ibkr extra: {INSTALL_HINT}", 30000)
            return False
        if not self._require_session():
            return False
        from planner.ui.live_quotes import IbkrQuoteSource

        self.stop_sources()
        settings = self.session.settings
        if not hasattr(self, "ibkr_source"):
            self.ibkr_source = IbkrQuoteSource(self)
            self.ibkr_source.update.connect(self._live_update)
            self.ibkr_source.state_changed.connect(self.market_bar.update_source)
            self.ibkr_source.state_changed.connect(self._ibkr_trouble)
        plan = self._ibkr_plan()
        saved_host = self.state.value("ibkr/host", "127.0.0.1") if self.state is not None else "127.0.0.1"
        config = IbkrConfig(host or str(saved_host), port or settings.ibkr_port,
                            settings.ibkr_client_id if client_id is None else client_id,
                            settings.live_snapshots_per_s, settings.ibkr_reconnect_max_s)
        from planner.app.alerts import AlertMonitor

        self.alert_monitor = AlertMonitor()
        board = self.planning.board
        if board is not None and not getattr(self, "_alerts_follow_board", False):
            self._alerts_follow_board = True
            board.result_ready.connect(self._suggestions_for_alerts)
        self._ibkr_config = config
        self.ibkr_source.start(config, plan, settings.live_store_interval_s, settings.live_store_session_close)
        self._show_alert_log()
        return True

    def _ibkr_trouble(self, _name: str, state, detail: str) -> None:
        """The bar has little room: a connection problem is said in full in the status bar too."""
        if state is SourceState.ERROR and detail:
            self.statusBar().showMessage(f"Interactive Brokers: {detail.split('; ')[0]}", 15000)

    def _ibkr_plan(self):
        from planner.app.leg_marks import leg_risk_weights
        from planner.feeds.ibkr_plan import plan_subscriptions

        session, settings = self.session, self.session.settings
        spx = session.snapshot.spx if session.snapshot is not None else None
        # One valuation with per-leg Greeks, so the line limit keeps the legs that carry most risk.
        report = self.workspace.analyze(scenarios=False) if session.snapshot is not None else None
        return plan_subscriptions(session.book, self.workspace.now().date(), settings.ibkr_line_limit,
                                  settings.ibkr_vx_months, risk=leg_risk_weights(report), spx=spx)

    def _replan_ibkr(self, _book) -> None:
        """A position opened, closed or rolled while quotes stream: subscribe what the book now holds."""
        source = getattr(self, "ibkr_source", None)
        if source is None or not source.active or source.plan is None:
            return
        plan = self._ibkr_plan()
        if [(s.key, s.leg_ids) for s in plan.subscribed] == [(s.key, s.leg_ids) for s in source.plan.subscribed]:
            return
        settings = self.session.settings
        source.start(self._ibkr_config, plan, settings.live_store_interval_s, settings.live_store_session_close)

    def _live_update(self, update) -> None:
        from planner.app.leg_marks import market_marks
        from planner.domain.errors import PlannerError

        quote = update.quote()
        if quote is None or self.session is None:
            return
        try:
            snapshot = self.workspace.quote_snapshot(QuoteRequest(**quote.market_fields()))
        except PlannerError as error:  # a bad quote is never used nor stored
            self.market_bar.update_source("IBKR", SourceState.ERROR, f"quote refused: {error}")
            return
        source = self.ibkr_source
        marks = market_marks(update, source.plan.subscribed, self.session.book, snapshot, snapshot.asof)
        from planner.app.leg_marks import position_mark_sources

        self.positions.model.mark_sources = position_mark_sources(self.session.book, marks)
        for item, is_close in source.sampler.offer(snapshot, snapshot.asof):
            from dataclasses import replace

            try:
                self.workspace.store_snapshot(replace(item, source=f"{item.source} close") if is_close else item)
            except PlannerError as error:
                self.statusBar().showMessage(f"Live quote not stored: {error}", 10000)
        self.session.set_live(snapshot, marks)
        source.extra = f"{len(marks)} legs marked by the market"
        self.market_bar.update_source("IBKR connected", source.state(), source.detail(self.workspace.now()))

    def _suggestions_for_alerts(self, result) -> None:
        self._live_suggestions = tuple(result) if result is not None else ()
        if self._streaming():
            self._check_alerts(self.session.report)

    def _streaming(self) -> bool:
        """Live quotes in use: alerts are about the market as it moves, not a stored quote."""
        source = getattr(self, "ibkr_source", None)
        return source is not None and source.active and self.session is not None \
            and self.session.live_snapshot is not None

    def _check_alerts(self, report) -> None:
        from planner.app.alerts import report_causes
        from planner.ui.live_quotes import notify

        settings = self.session.settings
        suggestions = getattr(self, "_live_suggestions", ())
        for alert in self.alert_monitor.check(report_causes(report, settings, self.workspace.now(), suggestions)):
            self.alert_log.add_alert(alert)
            notify(self, alert, settings.alert_beep, getattr(self, "tray", None))

    def _show_alert_log(self) -> None:
        if getattr(self, "alert_dock", None) is not None:
            self.alert_dock.show()
            return
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QDockWidget, QSystemTrayIcon

        from planner.ui.live_quotes import AlertLog

        self.alert_log = AlertLog()
        self.alert_dock = QDockWidget("Alerts", self)
        self.alert_dock.setObjectName("alertDock")
        self.alert_dock.setWidget(self.alert_log)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.alert_dock)
        self.resizeDocks([self.alert_dock], [ALERT_LOG_HEIGHT_PX], Qt.Orientation.Vertical)
        self.tray = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(self.windowIcon(), self)
            self.tray.show()

    def stop_sources(self) -> None:
        if not hasattr(self, "file_source"):
            return
        if getattr(self, "ibkr_source", None) is not None and self.ibkr_source.active:
            self.ibkr_source.stop()
            self.positions.model.mark_sources = {}
            if self.session is not None:
                self.session.set_live(None)
        self.file_source.stop()
        self.replay_source.stop()
        if self.session is not None:
            self.session.set_replay_quote(None)

    def _reset_what_if(self) -> None:
        if self.risk_graph is not None:
            self.risk_graph.vix_shift.setValue(0)
            self.risk_graph.horizon.setValue(min(7, self.risk_graph.horizon.maximum()))
            self.risk_graph.set_vix_mode("central")
        if hasattr(self, "replay_source") and self.replay_source.replay is not None:
            self.stop_sources()
