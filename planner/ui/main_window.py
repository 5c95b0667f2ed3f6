"""The main window: market bar on top, the portfolio tree beside named tabs,
the status bar at the foot.

Start-up is in two steps so the first paint comes early: ``MainWindow()``
builds only plain widgets; ``open_workspace`` (called right after the first
paint by ``launch``) loads the charts (pyqtgraph), opens the session and
starts the risk worker. Views get data only through their ``update_*``
methods, wired to the session's signals here.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.feeds import SourceState
from planner.ui.lazy_tab import LazyTab
from planner.ui.market_bar import MarketBar, MarketInputs
from planner.ui.planning_tabs import PlanningTabs
from planner.ui.portfolio_tree import PortfolioTree
from planner.ui.positions_view import PositionsView
from planner.ui.risk_notes import RiskNotes
from planner.ui.steady_label import SteadyLabel

DEFAULT_MARKET = MarketInputs(spx=5900.0, vix=16.0, rate=0.045, div_yield=0.013)
REPLAY_SPEEDS = (1.0, 2.0, 5.0, 10.0, 20.0)
ALERT_LOG_HEIGHT_PX = 110  # about five alert lines; the charts keep the room


class MainWindow(QMainWindow):
    def __init__(self, state: QSettings | None = None, db_label: str = "", clock=None,
                 restore_state: bool = True) -> None:
        super().__init__()
        self.setWindowTitle("Hedge Planner")
        self.state = state
        self.persist_state = state is not None
        self.clock = clock
        self.workspace = None
        self.session = None
        self.active_ticket = None
        self.risk_graph = None
        self.pnl_chart = None
        self.replay_speed = 5.0

        self.market_bar = MarketBar()
        self.tree = PortfolioTree()
        self.positions = PositionsView()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self.tab_names: dict[str, QWidget] = {}

        self.risk_page = QWidget()
        self.risk_page.setObjectName("riskPage")
        self.charts = QSplitter(Qt.Orientation.Horizontal)
        self.charts.setObjectName("chartsSplitter")
        self.charts_placeholder = QLabel("Loading the risk graph…")
        self.charts_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.charts.addWidget(self.charts_placeholder)
        self.risk_split = QSplitter(Qt.Orientation.Vertical)
        self.risk_split.setObjectName("riskSplitter")
        self.risk_split.addWidget(self.charts)
        self.risk_split.addWidget(self.positions)
        self.risk_split.setStretchFactor(0, 3)
        self.risk_split.setStretchFactor(1, 2)
        self.risk_split.setSizes([560, 250])  # the charts arrive after the first paint: keep their room
        risk_layout = QVBoxLayout(self.risk_page)
        risk_layout.setContentsMargins(4, 4, 4, 4)
        from planner.ui.getting_started import GettingStarted

        self.getting_started = GettingStarted()  # in place of empty charts while the book is empty
        self.getting_started.hide()
        self.getting_started.chosen.connect(self._start_with)
        risk_layout.addWidget(self.getting_started, 3)
        risk_layout.addWidget(self.risk_split, 2)
        self.add_named_tab("risk", self.risk_page, "&Risk")
        self.calculator_tab = LazyTab(self._make_calculator, "Loading the option calculator…")
        self.add_named_tab("calculator", self.calculator_tab, "&Calculator")
        self.planning = PlanningTabs(self)  # timeline, scenarios, suggestions, settings
        self.backtest = None  # built when its tab is first shown
        self.backtest_tab = LazyTab(self._make_backtest, "Loading the backtest lab…")
        self.add_named_tab("backtest", self.backtest_tab, "&Backtest")

        self.main_split = QSplitter(Qt.Orientation.Horizontal)
        self.main_split.setObjectName("mainSplitter")
        self.main_split.addWidget(self.tree)
        self.main_split.addWidget(self.tabs)
        self.main_split.setStretchFactor(0, 0)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setSizes([370, 1030])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 4, 6, 0)
        layout.setSpacing(4)
        layout.addWidget(self.market_bar)
        layout.addWidget(self.main_split, 1)
        self.setCentralWidget(central)

        self.equity_label = SteadyLabel("Equity —", "Equity $100,000,000")
        self.risk_label = SteadyLabel("Risk used —", "Risk used 100.00 % of equity / cap 100.00 %")
        self.coverage_label = SteadyLabel("Coverage —", "Coverage 1,000 % (aim 100–100 %)")
        self.book_label = QLabel(f"Book: {db_label}" if db_label else "Book: —")
        self.equity_label.setToolTip("Account equity the risk caps are measured against (Settings)")
        self.risk_label.setToolTip("Largest loss of a condor with its hedges over the scenarios a market "
                                   "can produce (VIX response band, stress days), % of equity, against the cap")
        self.coverage_label.setToolTip("Hedge protection per VIX point over the condors' vega (DOMAIN.md)")
        for label, template in ((self.equity_label, "Equity $10,000,000"),
                                (self.risk_label, "Risk used 100.00 % of equity / cap 10.00 %"),
                                (self.coverage_label, "Coverage 1,000 % (aim 40–60 %)"), (self.book_label, "")):
            label.setContentsMargins(8, 0, 8, 0)
            # Wide enough for any figure: a new number must not re-lay out the window.
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance(template) + 16)
            self.statusBar().addPermanentWidget(label)
        self.risk_notes = RiskNotes()  # left of the figures; a passing message covers it for a while
        self.statusBar().addWidget(self.risk_notes, 1)

        # A long message is cut at the status bar's width: hovering it shows the whole of it.
        self.statusBar().messageChanged.connect(lambda text: self.statusBar().setToolTip(text))
        self._build_actions()
        self._build_menus()
        self.market_bar.update_source("manual", SourceState.IDLE, "Trade ▸ Market (Ctrl+M)")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.tree.position_activated.connect(self.open_position_ticket)
        self.positions.position_activated.connect(self.open_position_ticket)
        if restore_state:
            self.restore_window_state()

    # -- tabs ------------------------------------------------------------------------------
    def add_named_tab(self, name: str, widget: QWidget, title: str) -> None:
        """A tab reachable by ``--tab name``; ``title`` carries its mnemonic."""
        self.tabs.addTab(widget, title)
        self.tab_names[name] = widget

    def show_tab(self, name: str) -> None:
        """Select a tab by its command-line name (``--tab``)."""
        if name not in self.tab_names:
            known = ", ".join(sorted(self.tab_names))
            raise ValueError(f"--tab must be one of {known}, got {name}")
        self.tabs.setCurrentWidget(self.tab_names[name])

    def current_tab_name(self) -> str:
        current = self.tabs.currentWidget()
        return next((name for name, widget in self.tab_names.items() if widget is current), "risk")

    def _tab_changed(self, _index: int) -> None:
        widget = self.tabs.currentWidget()
        if isinstance(widget, LazyTab):
            widget.ensure()
        if self.session is not None:
            self.session.set_matrix_in_view(self.current_tab_name() == "scenarios")
            if self.session.reports_applied:
                self._draw_shown_tab(self.session.report)

    def _make_backtest(self) -> QWidget:
        from planner.ui.backtest_tab import BacktestTab

        self.backtest = BacktestTab(self.workspace)
        return self.backtest

    def _make_calculator(self) -> QWidget:
        from planner.ui.option_calculator import OptionCalculator

        snapshot = self.session.snapshot if self.session else None
        self.calculator = OptionCalculator(MarketInputs.of(snapshot) if snapshot else DEFAULT_MARKET,
                                           clock=self.clock)
        return self.calculator

    # -- actions and menus -------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even with the menu bar hidden
        return action

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.new_action = self._action("&New book…", self.new_book, key.New, "Create an empty book file")
        self.open_action = self._action("&Open book…", self.open_book, key.Open, "Open another book file")
        self.backup_action = self._action("&Backup…", self.backup, "Ctrl+B", "Write a consistent copy of the book")
        self.export_action = self._action("&Export CSV…", self.export_csv, "Ctrl+E",
                                          "Positions report, one row per leg, with marks and Greeks")
        self.account_action = self._action("A&ccount…", self.edit_account, None,
                                           "Account equity and risk cap: what risk used is measured against")
        self.quit_action = self._action("&Quit", self.close, key.Quit)
        self.import_history_action = self._action("Import &history…", self.import_history, "Ctrl+Shift+H",
                                                  "Cboe index and VX files, other providers' SPX, settlement values")
        self.settlement_action = self._action("Settlement &value…", self.enter_settlement_value, None,
                                              "Type an official SET or VRO value")
        self.undo_action = self._action("&Undo", self.undo, "Ctrl+Z", "Undo the last change to the book")
        self.redo_action = self._action("&Redo", self.redo, "Ctrl+Shift+Z", "Redo the last undone change")
        self.condor_action = self._action("New &condor…", self.new_condor, "Ctrl+Shift+C", "Sell iron condors")
        self.layer_action = self._action("New hedge &layer…", self.new_layer, "Ctrl+Shift+L", "Buy a hedge layer")
        self.close_action = self._action("C&lose position…", lambda: self.close_position(), "Ctrl+Shift+X",
                                         "Close an open position at a price")
        self.roll_action = self._action("&Roll layer…", lambda: self.roll_layer(), "Ctrl+Shift+R",
                                        "Close a layer and open its successor in one step")
        self.market_action = self._action("&Market quote…", self.enter_market, "Ctrl+M",
                                          "Type SPX, VIX, VVIX and the VX curve (stored)")
        self.watch_action = self._action("&Watch quote file…", self.choose_quote_file, "Ctrl+Shift+W",
                                         "Follow a CSV or JSON file another program rewrites")
        self.replay_action = self._action("&Replay history", self.start_replay, "Ctrl+Shift+P",
                                          "Play the stored daily closes as what-if quotes (not stored)")
        self.pause_action = self._action("&Pause or resume replay", self.toggle_replay, "Ctrl+Shift+Space")
        self.ibkr_action = self._action("Connect to &Interactive Brokers", self.connect_ibkr, "Ctrl+Shift+I",
                                        "Live SPX, VIX, VVIX, VX and leg quotes from TWS or IB Gateway (read-only)")
        from planner.feeds.ibkr import INSTALL_HINT, ib_available

        if not ib_available():
            self.ibkr_action.setText(f"Connect to &Interactive Brokers (needs: {INSTALL_HINT})")
            self.ibkr_action.setToolTip(f"Install the ibkr extra first: {INSTALL_HINT}")
        self.manual_action = self._action("&Manual quotes only", self.stop_sources, "Ctrl+Shift+M",
                                          "Stop the watched file or replay")
        self.reset_what_if_action = self._action("Reset &what-if", self._reset_what_if, "Ctrl+0",
                                                 "Stored quote, no VIX shift, 7-day T+n curve")
        self.tree_focus_action = self._action("Go to &portfolio tree", lambda: self.tree.setFocus(), "Ctrl+1")
        self.table_focus_action = self._action("Go to positions &table", lambda: self.positions.table.setFocus(),
                                               "Ctrl+2")
        self.speed_group = QActionGroup(self)
        self.speed_actions = []
        for speed in REPLAY_SPEEDS:
            action = QAction(f"{speed:g} days per second", self, checkable=True)
            action.setChecked(speed == self.replay_speed)
            action.triggered.connect(lambda _=False, s=speed: self.set_replay_speed(s))
            self.speed_group.addAction(action)
            self.speed_actions.append(action)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for action in (self.new_action, self.open_action, self.account_action, None, self.import_history_action,
                       self.settlement_action, None, self.backup_action, self.export_action, None, self.quit_action):
            file_menu.addSeparator() if action is None else file_menu.addAction(action)
        edit = bar.addMenu("&Edit")
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        trade = bar.addMenu("&Trade")
        for action in (self.condor_action, self.layer_action, None, self.close_action, self.roll_action, None,
                       self.market_action):
            trade.addSeparator() if action is None else trade.addAction(action)
        quotes = bar.addMenu("&Quotes")
        self._fill_quotes_menu(quotes)
        quotes_button_menu = QMenu(self)
        self._fill_quotes_menu(quotes_button_menu)
        self.market_bar.source_button.setMenu(quotes_button_menu)
        view = bar.addMenu("&View")
        for name, widget in self.tab_names.items():
            index = self.tabs.indexOf(widget)
            action = QAction(self.tabs.tabText(index), self)
            action.setShortcut(QKeySequence(f"Alt+{index + 1}"))
            action.triggered.connect(lambda _=False, n=name: self.show_tab(n))
            self.addAction(action)
            view.addAction(action)
        view.addSeparator()
        view.addAction(self.tree_focus_action)
        view.addAction(self.table_focus_action)
        view.addAction(self.reset_what_if_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&Keyboard shortcuts", self.show_shortcuts, "F1"))

    def _fill_quotes_menu(self, menu: QMenu) -> None:
        menu.addAction(self.market_action)
        menu.addAction(self.manual_action)
        menu.addAction(self.watch_action)
        menu.addAction(self.ibkr_action)
        menu.addSeparator()
        menu.addAction(self.replay_action)
        menu.addAction(self.pause_action)
        speeds = menu.addMenu("Replay &speed")
        for action in self.speed_actions:
            speeds.addAction(action)

    # -- the workspace ------------------------------------------------------------------------
    def open_workspace(self, workspace, label: str = "", charts_later: bool = False) -> None:
        """Show ``workspace``: a session starts, the tree and market bar fill, the charts draw.

        ``charts_later``: leave the charts (pyqtgraph) and the first risk run to
        ``after_first_paint``, so the first paint shows the book without waiting
        for the heavy imports.
        """
        from planner.app.workspace import window_origin
        from planner.storage.journal import CLI_ORIGIN
        from planner.ui.quote_sources import FileQuoteSource, ReplaySource
        from planner.ui.session import Session

        if workspace.repo.origin == CLI_ORIGIN:  # this window's changes, and only these, are its undo steps
            workspace.repo.origin = window_origin()
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
            self.replay_source.quote.connect(lambda quote: self.session.set_replay_quote(quote))
            self.replay_source.state_changed.connect(self.market_bar.update_source)
        session = Session(workspace, self)
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
        path = workspace.repo.path
        self.book_label.setText(f"Book: {label or (path.name if path else 'in memory')}")
        self.book_label.setToolTip(str(path) if path else "in-memory book")
        self.setWindowTitle(f"Hedge Planner — {path.name if path else 'in memory'}"
                            + (" (read-only)" if workspace.read_only else ""))
        self._set_editable(not workspace.read_only)
        if workspace.read_only:
            self.book_label.setText(self.book_label.text() + " (read-only)")
            self.statusBar().showMessage("Read-only book: view and export only (copy it somewhere writable to edit)")
        self.planning.open(workspace, session)
        session.matrix_in_view = self.current_tab_name() == "scenarios"
        if self.backtest is not None:
            self.backtest.set_workspace(workspace)
        session.start(risk=not charts_later)
        if not charts_later:
            self._connect_charts()

    def _set_editable(self, editable: bool) -> None:
        """A read-only book: every action that would write is off (viewing and exporting stay)."""
        for action in (self.undo_action, self.redo_action, self.condor_action, self.layer_action,
                       self.close_action, self.roll_action, self.market_action, self.watch_action):
            action.setEnabled(editable)

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
        session = self.session
        if self.risk_graph is None or session is None or getattr(session, "charts_connected", False):
            return
        session.charts_connected = True
        self.risk_graph.horizon_changed.connect(session.set_horizon_days)
        self.risk_graph.vix_shift_changed.connect(session.set_vix_shift)
        graph = self.risk_graph
        graph.vix_mode_changed.connect(lambda mode: session.set_vix_response(mode, graph.fixed_vix, graph.pin_spx))
        market = session.shown_market
        self.risk_graph.update_base_vix(market.vix if market else None)
        if session.reports_applied:
            self.risk_graph.update_report(session.report)
            self.pnl_chart.update_now(session.real_report, session.realized_usd())
        if session.history is not None:
            self.pnl_chart.update_history(session.history)
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
        if name == "risk":
            if self.risk_graph is not None:
                self.risk_graph.update_report(report)
                self.pnl_chart.update_now(self.session.real_report, self.session.realized_usd())
            self.positions.update_report(self.session.real_report, self.session.book)
        else:
            self.planning.update_report(report, name)

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

        if self.workspace is not None and not self.workspace.account_set():
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

    def _start_with(self, step: str) -> None:
        if step == "quote":
            self.enter_market()
        elif step == "condor":
            self.new_condor()
        elif step == "layer":
            self.new_layer()
        elif step == "demo" and self.workspace is not None:
            self._run("Demo book not written", lambda: self.workspace.init(demo_book=True))

    def edit_account(self) -> None:
        """Account equity and risk cap (a new book asks for them first)."""
        if self._require_session():
            from planner.ui.getting_started import AccountTicket

            self._show_ticket(AccountTicket(self.workspace, self.session.settings, self))

    def _update_status(self, report) -> None:
        from planner.ui.formatting import percent, set_style_sheet

        self.risk_notes.update_report(report)
        if report is None:
            self.risk_label.setText("Risk used — (no market)")
            self.coverage_label.setText("Coverage —")
            return
        used, cap = report.risk_used_pct, report.risk_cap_pct
        over = used is not None and used > cap
        assumed = "" if self.workspace is None or self.workspace.account_set() else " (equity not set)"
        self.risk_label.setText(f"Risk used {percent(used)} of equity / cap {percent(cap)}{assumed}")
        set_style_sheet(self.risk_label, "color: #c62828; font-weight: bold;" if over else "")
        settings = self.session.settings
        coverage = report.coverage_pct
        low = coverage is not None and coverage < settings.coverage_low_pct
        high = coverage is not None and coverage > settings.coverage_high_pct
        band = f" (aim {settings.coverage_low_pct:g}–{settings.coverage_high_pct:g} %)"
        self.coverage_label.setText(f"Coverage {percent(coverage, 0)}{band}")
        set_style_sheet(self.coverage_label, "color: #b26a00; font-weight: bold;" if (low or high) else "")

    # -- tickets ----------------------------------------------------------------------------------
    def _context(self):
        from planner.ui.tickets.context import TicketContext

        session = self.session
        return TicketContext(self.workspace, session.book, session.snapshot, session.settings, session.real_report,
                             self.workspace.now(), self.workspace.account_set())

    def _show_ticket(self, ticket) -> None:
        if self.active_ticket is not None:
            self.active_ticket.close()
        self.active_ticket = ticket
        ticket.saved.connect(self._saved)
        ticket.finished.connect(lambda _=0: self._ticket_done(ticket))
        ticket.open()

    def _ticket_done(self, ticket) -> None:
        if self.active_ticket is ticket:
            self.active_ticket = None
        ticket.deleteLater()
        self.activateWindow()  # shortcuts (Ctrl+Z) belong to the active window

    def _saved(self, result) -> None:
        from planner.app.views import describe

        if isinstance(result, tuple):
            text = f"Rolled #{result[0].id} into #{result[1].id}"
        elif hasattr(result, "legs"):
            text = f"Saved: {describe(result)}"
        elif isinstance(result, list):
            text = "Account saved: " + ", ".join(f"{row['key']} {row['value']:,g} {row['unit']}" for row in result)
        else:
            text = "Market quote stored"
        self.statusBar().showMessage(text, 10000)

    def _require_session(self) -> bool:
        if self.session is None:
            self.statusBar().showMessage("The book is still opening…", 5000)
            return False
        return True

    def new_condor(self) -> None:
        if self._require_session():
            from planner.ui.tickets import CondorTicket

            self._show_ticket(CondorTicket(self._context(), self))

    def new_layer(self) -> None:
        if self._require_session():
            from planner.ui.tickets import LayerTicket

            self._show_ticket(LayerTicket(self._context(), self))

    def close_position(self, position_id: int | None = None) -> None:
        if self._require_session():
            from planner.ui.tickets import CloseTicket

            selected = position_id or self.positions.selected_position_id() or self.tree.selected_position_id()
            self._show_ticket(CloseTicket(self._context(), selected, self))

    def roll_layer(self, position_id: int | None = None) -> None:
        if self._require_session():
            from planner.ui.tickets import RollTicket

            selected = position_id or self.positions.selected_position_id() or self.tree.selected_position_id()
            self._show_ticket(RollTicket(self._context(), selected, self))

    def enter_market(self) -> None:
        if self._require_session():
            from planner.ui.tickets import MarketTicket

            self._show_ticket(MarketTicket(self._context(), self))

    def import_history(self) -> None:
        """File > Import history…: the dialog previews, the import is one undo step."""
        if self._require_session():
            from planner.ui.history_import_dialog import HistoryImportDialog

            dialog = HistoryImportDialog(self.workspace, self)
            dialog.imported.connect(lambda result: self.statusBar().showMessage(
                f"Imported {result.rows:,} rows of {', '.join(result.symbols)}", 10000))
            dialog.finished.connect(lambda _=0: (dialog.deleteLater(), self.activateWindow()))
            dialog.open()
            dialog.choose_files()

    def enter_settlement_value(self) -> None:
        if self._require_session():
            from planner.ui.tickets.settlement import SettlementTicket

            ticket = SettlementTicket(self._context(), self)
            self._show_ticket(ticket)
            ticket.saved.connect(lambda value: self.statusBar().showMessage(
                f"{value.symbol} {value.day.isoformat()} = {value.value:g} stored", 10000))

    def open_position_ticket(self, position_id: int) -> None:
        """Enter on a position: roll a layer, close a condor."""
        position = self.session.book.get(position_id) if self.session else None
        if position is None or not position.is_open:
            return
        if position.tier is not None:
            self.roll_layer(position_id)
        else:
            self.close_position(position_id)

    # -- quotes ------------------------------------------------------------------------------------
    def _store_quote(self, quote) -> None:
        from planner.domain.errors import PlannerError

        try:
            self.workspace.set_market(**quote.market_fields())
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

        repo = self.workspace.repo
        days = replay_days(repo.history_rows(("SPX", "VIX", "VVIX")), curves=repo.vx_settlement_curves())
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
        from planner.app.market import build_snapshot
        from planner.domain.errors import PlannerError

        quote = update.quote()
        if quote is None or self.session is None:
            return
        try:
            snapshot = build_snapshot(self.workspace.repo, now=self.workspace.now(), **quote.market_fields())
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

    # -- journal and files ------------------------------------------------------------------------------
    def _run(self, what: str, call):
        from planner.domain.errors import PlannerError

        try:
            return call()
        except PlannerError as error:
            self.statusBar().showMessage(f"{what}: {error}", 15000)
        except OSError as error:
            self.statusBar().showMessage(f"{what}: {error.strerror or error}", 15000)
        return None

    def undo(self) -> None:
        if self._require_session():
            done = self._run("Nothing undone", self.workspace.undo)
            if done:
                self.statusBar().showMessage(f"Undone: {done[0].label}", 10000)

    def redo(self) -> None:
        if self._require_session():
            done = self._run("Nothing redone", self.workspace.redo)
            if done:
                self.statusBar().showMessage(f"Redone: {done[0].label}", 10000)

    def backup(self) -> None:
        if not self._require_session():
            return
        path, _ = QFileDialog.getSaveFileName(self, "Back up the book", "planner-backup.db", "SQLite (*.db)")
        if path:
            written = self._run("Backup failed", lambda: self.workspace.backup(path))
            if written:
                self.statusBar().showMessage(f"Backup written: {written}", 10000)

    def export_csv(self) -> None:
        """The same report as `planner export [--all]`: one use case writes both."""
        if not self._require_session():
            return
        from PySide6.QtWidgets import QInputDialog

        scopes = ["Open positions only (planner export)", "All positions, closed too (planner export --all)"]
        scope, chosen = QInputDialog.getItem(self, "Export positions", "Positions to export:", scopes, 0, False)
        if not chosen:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export positions", "positions.csv", "CSV (*.csv)")
        if path:
            include_closed = scopes.index(scope) == 1
            done = self._run("Export failed", lambda: self._export(path, include_closed))
            if done:
                self.statusBar().showMessage(f"Exported {done[0]:,} rows to {path}", 10000)

    def _export(self, path, include_closed: bool = True):
        """`planner export`'s report, or with live quotes streaming each leg's market mark, P&L and
        Greeks and whether the mark came from the market or the model."""
        session = self.session
        if session is None or session.live_snapshot is None:
            return self.workspace.export_report(path, include_closed)
        extra, rows = self.workspace.report_rows_with_risk(include_closed, marks=session.live_marks,
                                                           market=session.live_snapshot)
        return self.workspace.export_csv(path, include_closed, extra, rows)

    def new_book(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New book", "planner.db", "Planner books (*.db)")
        if path:
            if Path(path).exists():
                self.statusBar().showMessage(f"{path} exists: choose a new file name (or File ▸ Open)", 10000)
                return
            self.open_path(path, offer_first_run=True)

    def open_book(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open book", "", "Planner books (*.db);;All files (*)")
        if path:
            self.open_path(path)

    def open_path(self, path, offer_first_run: bool = False, charts_later: bool = False) -> bool:
        """Open the book at ``path`` (created when new). ``charts_later``: see ``open_workspace``."""
        from planner.app import Workspace

        workspace = self._run("Could not open the book", lambda: Workspace.open(path))
        if workspace is None:
            return False
        old = self.workspace
        self.open_workspace(workspace, charts_later=charts_later)
        if old is not None:
            old.close()
        if self.state is not None:
            self.state.setValue("book/last", str(path))
        if not charts_later:
            QTimer.singleShot(0, lambda: self._settle(workspace))
            if offer_first_run:
                self.offer_first_run()
        return True

    def _settle(self, workspace) -> None:
        """Settle what expired since the last run, once the book is on screen (the
        calendar it needs loads meanwhile); a settlement is a change like any other."""
        if workspace is self.workspace:
            self._run("Expired positions not settled", workspace.settle_expired)

    def offer_first_run(self) -> None:
        """An empty book: offer the demo book (with a market and a year of history) or an empty one."""
        ws = self.workspace
        if ws is None or ws.read_only or ws.repo.position_ids() or ws.latest_snapshot() is not None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "New book",
                          "This book is empty. Start with the demo book (two condors, VIX layers, a market "
                          "snapshot and a year of history) or an empty one?", parent=self)
        demo = box.addButton("Load the &demo book", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Start &empty", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(demo)
        box.exec()
        if box.clickedButton() is demo:
            self._run("Demo book not written", lambda: ws.init(demo_book=True))
        else:
            self.statusBar().showMessage("Empty book: enter a market quote first (Ctrl+M), then trades.", 15000)
            if not ws.account_set():
                self.edit_account()

    def show_shortcuts(self) -> None:
        lines = [f"{a.text().replace('&', '')}: {a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)}"
                 for a in self.actions() if not a.shortcut().isEmpty()]
        QMessageBox.information(self, "Keyboard shortcuts", "\n".join(lines))

    # -- window state ------------------------------------------------------------------------------------
    def restore_window_state(self) -> None:
        if self.state is None:
            return
        geometry = self.state.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        window_state = self.state.value("window/state")
        if window_state is not None:
            self.restoreState(window_state)
        for key, splitter in (("window/main", self.main_split), ("risk/split", self.risk_split)):
            saved = self.state.value(key)
            if saved is not None:
                splitter.restoreState(saved)
        tab = self.state.value("window/tab")
        if tab in self.tab_names:
            self.show_tab(str(tab))
        speed = self.state.value("quotes/speed")
        if speed is not None:
            with contextlib.suppress(TypeError, ValueError):
                self.set_replay_speed(float(speed))
            for action, value in zip(self.speed_actions, REPLAY_SPEEDS, strict=True):
                action.setChecked(value == self.replay_speed)

    def save_window_state(self) -> None:
        if self.state is None or not self.persist_state:
            return
        self.state.setValue("window/geometry", self.saveGeometry())
        self.state.setValue("window/state", self.saveState())
        self.state.setValue("window/main", self.main_split.saveState())
        self.state.setValue("risk/split", self.risk_split.saveState())
        if self.risk_graph is not None:
            self.state.setValue("risk/charts", self.charts.saveState())
        self.state.setValue("window/tab", self.current_tab_name())
        self.state.setValue("quotes/speed", self.replay_speed)
        self.state.sync()

    def shutdown(self) -> None:
        """Stop the worker and the sources; keep the window state. Safe to call twice."""
        if getattr(self, "_shut", False):
            return
        self._shut = True
        self.save_window_state()
        if hasattr(self, "file_source"):
            self.file_source.stop()
            self.replay_source.stop()
        if getattr(self, "ibkr_source", None) is not None:
            self.ibkr_source.stop()
        self.planning.shutdown()
        if self.backtest is not None:
            self.backtest.shutdown()
        if self.session is not None:
            self.session.shutdown()
        if self.workspace is not None:  # a clean close leaves one complete file: the latest quotes too
            self._run("Book not checkpointed", self.workspace.checkpoint)

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)
