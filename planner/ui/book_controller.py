"""The glue between the open book's state, the runner and the views.

``open_workspace`` makes a ``Session`` (the Qt adapter over
``planner.app.book_state.BookState`` and the window's one ``Runner``) and wires
its signals to each view's narrow ``update_*`` method: a report to the risk graph,
the P&L chart, the positions table and the status line; the market to the bar
and the calculator; the book to the tree. Only the tab on screen is redrawn per
report; a tab catches up when shown. The charts (pyqtgraph) load after the first
paint (``after_first_paint``).
"""

from __future__ import annotations

from planner.feeds import SourceState
from planner.ui.market_bar import MarketInputs
from planner.ui.window_parts import WindowParts


class BookController(WindowParts):
    """Mixed into ``MainWindow``: the open book's session and the views it feeds."""

    def open_workspace(self, workspace, label: str = "", charts_later: bool = False) -> None:
        """Show ``workspace``: a session starts, the tree and market bar fill, the charts draw.

        ``charts_later``: leave the charts (pyqtgraph) and the first risk run to
        ``after_first_paint``, so the first paint shows the book without waiting
        for the heavy imports.
        """
        from planner.ui.quote_sources import FileQuoteSource, ReplaySource
        from planner.ui.session import Session

        workspace.use_window_origin()  # this window's changes, and only these, are its undo steps
        if not charts_later:
            self._ensure_charts()
        if self.session is not None:
            self.stop_sources()
            self.session.shutdown()
            self.session.deleteLater()
        self.workspace = workspace
        if not hasattr(self, "file_source"):
            self.file_source = FileQuoteSource(self)
            self.file_source.quote.connect(self._store_quote)
            self.file_source.state_changed.connect(self.market_bar.update_source)
            self.replay_source = ReplaySource(self)
            self.replay_source.quote.connect(self._replayed_quote)
            self.replay_source.state_changed.connect(self.market_bar.update_source)
        session = Session(workspace, self)
        session.set_map_shown(self.current_tab_name() == "scenarios")  # before start: the first run brings it
        self.session = session
        session.report_ready.connect(self._apply_report)
        session.book_loaded.connect(lambda book: self.tree.update_book(book, session.settlement_logs))
        session.book_loaded.connect(self._replan_ibkr)
        session.book_loaded.connect(lambda _book: self._update_getting_started())
        session.market_loaded.connect(self._apply_market)
        session.market_loaded.connect(lambda _market: self._update_getting_started())
        session.settings_loaded.connect(self._apply_settings)
        session.history_ready.connect(self._apply_history)
        session.message.connect(lambda text: self.statusBar().showMessage(text, 15000))
        path = workspace.path
        self.book_label.setText(f"Book: {label or (path.name if path else 'in memory')}")
        self.book_label.setToolTip(str(path) if path else "in-memory book")
        self.setWindowTitle(f"Hedge Planner — {path.name if path else 'in memory'}"
                            + (" (read-only)" if workspace.read_only else ""))
        self._set_editable(not workspace.read_only)
        if workspace.read_only:
            self.book_label.setText(self.book_label.text() + " (read-only)")
            self.statusBar().showMessage("Read-only book: view and export only (copy it somewhere writable to edit)")
        self.planning.open(workspace, session)
        if self.backtest is not None:
            self.backtest.set_workspace(workspace)
        session.start(risk=not charts_later)
        if not charts_later:
            self._connect_charts()

    def _replayed_quote(self, quote) -> None:
        if self.session is not None:  # replay starts only on an open book (start_replay)
            self.session.set_replay_quote(quote)

    def after_first_paint(self) -> None:
        """The heavy half of start-up: charts, the first risk run, settlement, the first-run offer."""
        if self.session is not None and not self.session.reports_applied and not self.session.runner.busy:
            self.session.start_risk()
        self._ensure_charts()
        if self.workspace is not None:
            self._settle(self.workspace)
            self.offer_first_run()

    def _ensure_charts(self) -> None:
        if self.risk_graph is not None:
            return
        self.charts_placeholder.setText("Loading the charts…")
        from planner.ui.pnl_chart import PnlChart
        from planner.ui.risk_graph import RiskGraph

        self.risk_graph = RiskGraph()
        self.pnl_chart = PnlChart()
        self.charts_placeholder.hide()
        self.charts_placeholder.setParent(None)
        self.charts.addWidget(self.risk_graph)
        self.charts.addWidget(self.pnl_chart)
        self.charts.setStretchFactor(0, 3)
        self.charts.setStretchFactor(1, 1)
        self.risk_graph.reset.clicked.connect(self._reset_what_if)
        saved = self.state.value("risk/charts") if self.state is not None else None
        if saved is None or not self.charts.restoreState(saved):
            self.charts.setSizes([760, 300])
        self._connect_charts()

    def _connect_charts(self) -> None:
        """Wire the charts to the session (once per session) and draw what it already has."""
        session, graph, chart = self.session, self.risk_graph, self.pnl_chart
        if graph is None or chart is None or session is None or getattr(session, "charts_connected", False):
            return
        session.charts_connected = True
        graph.horizon_changed.connect(session.set_horizon_days)
        graph.vix_shift_changed.connect(session.set_vix_shift)
        graph.vix_mode_changed.connect(lambda mode: session.set_vix_response(mode, graph.fixed_vix, graph.pin_spx))
        market = session.shown_market
        graph.update_base_vix(market.vix if market else None)
        if session.reports_applied:
            graph.update_report(session.report)
            chart.update_now(session.real_report, session.realized_usd())
        if session.history is not None:
            chart.update_history(session.history)
        self.planning.start()

    def _apply_history(self, points) -> None:
        if self.pnl_chart is not None:
            self.pnl_chart.update_history(points)

    def _apply_report(self, report) -> None:
        # A what-if (VIX shift, a scenario cell, a replayed day) redraws the risk graph only: the
        # table, the status line, the alerts and the P&L chart keep the figures at the quote itself.
        real = self.session.real_report if self.session is not None else report
        self._update_status(real)
        if self._streaming():
            self._check_alerts(real)
        self._draw_shown_tab(report)

    def _draw_shown_tab(self, report) -> None:
        """Feed ``report`` to the views of the tab on screen only: a hidden chart redrawn on every
        quote is work nobody sees (the timeline's labels alone cost a few milliseconds). A tab
        catches up with the latest report when it is shown (``_tab_changed``)."""
        name = self.current_tab_name()
        session = self.session
        if name == "scenarios" and report is not None and report.matrix is None:
            return  # made before the map came on screen: the run with its matrix is on its way
        if name != "risk":
            self.planning.update_report(report, name)
        elif session is not None:  # a report comes from a session
            if self.risk_graph is not None and self.pnl_chart is not None:  # the two load together
                self.risk_graph.update_report(report)
                self.pnl_chart.update_now(session.real_report, session.realized_usd())
            self.positions.update_report(session.real_report, session.book)

    def _apply_market(self, market) -> None:
        self.market_bar.update_market(market, self.session.previous if self.session else None)
        if self.risk_graph is not None:
            self.risk_graph.update_base_vix(market.vix if market else None)
        calculator = self.calculator_tab.content
        if market is not None and calculator is not None:
            calculator.update_market(MarketInputs.of(market))
        live = getattr(self, "ibkr_source", None)
        if self.file_source.path is None and self.replay_source.replay is None and not (live and live.active):
            from planner.ui.quote_sources import manual_detail

            self.market_bar.update_source("manual", SourceState.IDLE, manual_detail(market))

    def _apply_settings(self, settings) -> None:
        from planner.ui.formatting import money

        if self.session is not None and not self.session.account_set:
            self.equity_label.setText(f"Equity not set ({money(settings.equity)} assumed)")
            self.equity_label.setToolTip("Account equity was never set: risk used and layer sizes assume "
                                         f"{money(settings.equity)}. Set it in Settings or File ▸ Account…")
        else:
            self.equity_label.setText(f"Equity {money(settings.equity)}")
            self.equity_label.setToolTip("Account equity the risk caps are measured against (Settings)")

    def _update_getting_started(self) -> None:
        """The getting-started panel instead of the charts while there is nothing to draw."""
        session = self.session
        if session is None:
            return
        has_positions, has_quote = bool(session.book.open_positions), session.snapshot is not None
        empty = not (has_positions and has_quote)
        self.getting_started.update_state(has_positions, has_quote)
        self.getting_started.setVisible(empty)
        self.charts.setVisible(not empty)

    def _update_status(self, report) -> None:
        from planner.ui.formatting import percent, set_style_sheet

        self.risk_notes.update_report(report)
        if report is None:
            self.risk_label.setText("Risk used — (no market)")
            self.coverage_label.setText("Coverage —")
            return
        used, cap = report.risk_used_pct, report.risk_cap_pct
        over = used is not None and used > cap
        assumed = "" if self.session is None or self.session.account_set else " (equity not set)"
        self.risk_label.setText(f"Risk used {percent(used)} of equity / cap {percent(cap)}{assumed}")
        set_style_sheet(self.risk_label, "color: #c62828; font-weight: bold;" if over else "")
        if self.session is None:  # a report comes from a session
            return
        settings = self.session.settings
        coverage = report.coverage_pct
        low = coverage is not None and coverage < settings.coverage_low_pct
        high = coverage is not None and coverage > settings.coverage_high_pct
        band = f" (aim {settings.coverage_low_pct:g}–{settings.coverage_high_pct:g} %)"
        self.coverage_label.setText(f"Coverage {percent(coverage, 0)}{band}")
        set_style_sheet(self.coverage_label, "color: #b26a00; font-weight: bold;" if (low or high) else "")
