"""The main window's layout: market bar on top, the portfolio tree beside named tabs,
the status bar at the foot; its tabs and its saved state.

What the window does is in the mixins it is made of, one file each:
``window_actions`` (actions, shortcuts, menus), ``book_controller`` (the open
book's session wired to the views), ``trade_tickets``, ``quote_feeds`` (watched
file, replay, Interactive Brokers, alerts) and ``book_files`` (new, open, backup,
export, undo). None holds use-case logic: they call the workspace and the session.

Start-up is in two steps so the first paint comes early: ``MainWindow()``
builds only plain widgets; ``open_workspace`` (called right after the first
paint by ``launch``) loads the charts (pyqtgraph), opens the session and
starts the risk worker.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from planner.feeds import SourceState
from planner.ui.book_controller import BookController
from planner.ui.book_files import BookFiles
from planner.ui.lazy_tab import LazyTab
from planner.ui.market_bar import MarketBar, MarketInputs
from planner.ui.planning_tabs import PlanningTabs
from planner.ui.portfolio_tree import PortfolioTree
from planner.ui.positions_view import PositionsView
from planner.ui.quote_feeds import QuoteFeeds
from planner.ui.risk_notes import RiskNotes
from planner.ui.steady_label import SteadyLabel
from planner.ui.trade_tickets import TradeTickets
from planner.ui.window_actions import REPLAY_SPEEDS, WindowActions

if TYPE_CHECKING:
    from planner.ui.backtest_tab import BacktestTab
    from planner.ui.option_calculator import OptionCalculator

DEFAULT_MARKET = MarketInputs(spx=5900.0, vix=16.0, rate=0.045, div_yield=0.013)


class MainWindow(WindowActions, BookController, TradeTickets, QuoteFeeds, BookFiles):
    """The layout; the behaviour comes from the mixins above (see the module's docstring)."""

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
            self.session.set_map_shown(self.current_tab_name() == "scenarios")
            if self.session.reports_applied:
                self._draw_shown_tab(self.session.report)

    def _make_backtest(self) -> BacktestTab:
        from planner.ui.backtest_tab import BacktestTab

        backtest = BacktestTab(self.workspace)
        self.backtest = backtest
        return backtest

    def _make_calculator(self) -> OptionCalculator:
        from planner.ui.option_calculator import OptionCalculator

        snapshot = self.session.snapshot if self.session else None
        self.calculator = OptionCalculator(MarketInputs.of(snapshot) if snapshot else DEFAULT_MARKET,
                                           clock=self.clock)
        return self.calculator

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
