"""What the main window's parts share: the attributes the layout and each mixin set, and the
handlers one mixin calls on another.

``MainWindow`` is made of mixins (``window_actions``, ``book_controller``,
``trade_tickets``, ``quote_feeds``, ``book_files``), each reading attributes
another part sets. ``WindowParts`` names them once, with their types, so each
mixin is checked on its own. It only declares: the annotations create no
attribute (a part set later, such as ``file_source``, is still absent until
then), and the handlers are declared for the checker only (``TYPE_CHECKING``),
so at run time each comes from the mixin that defines it.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtWidgets import QMainWindow

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QAction, QActionGroup
    from PySide6.QtWidgets import QDockWidget, QLabel, QSplitter, QSystemTrayIcon, QTabWidget, QWidget

    from planner.app import Workspace
    from planner.app.alerts import AlertMonitor
    from planner.domain.suggestions import Suggestion
    from planner.feeds.ibkr import IbkrConfig
    from planner.ui.backtest_tab import BacktestTab
    from planner.ui.getting_started import GettingStarted
    from planner.ui.lazy_tab import LazyTab
    from planner.ui.live_quotes import AlertLog, IbkrQuoteSource
    from planner.ui.market_bar import MarketBar
    from planner.ui.option_calculator import OptionCalculator
    from planner.ui.planning_tabs import PlanningTabs
    from planner.ui.pnl_chart import PnlChart
    from planner.ui.portfolio_tree import PortfolioTree
    from planner.ui.positions_view import PositionsView
    from planner.ui.quote_sources import FileQuoteSource, ReplaySource
    from planner.ui.risk_graph import RiskGraph
    from planner.ui.risk_notes import RiskNotes
    from planner.ui.session import Session
    from planner.ui.steady_label import SteadyLabel
    from planner.ui.tickets.base import Ticket

T = TypeVar("T")


class WindowParts(QMainWindow):
    """The main window as its mixins see it (declarations only; see the module's docstring)."""

    # -- set by MainWindow.__init__ (the layout) --------------------------------------------------
    state: QSettings | None
    persist_state: bool
    clock: Callable[[], datetime] | None
    workspace: Workspace | None
    session: Session | None
    active_ticket: Ticket | None
    risk_graph: RiskGraph | None  # the charts load after the first paint (_ensure_charts)
    pnl_chart: PnlChart | None
    replay_speed: float
    _settled_objects: bool
    market_bar: MarketBar
    tree: PortfolioTree
    positions: PositionsView
    tabs: QTabWidget
    tab_names: dict[str, QWidget]
    risk_page: QWidget
    charts: QSplitter
    charts_placeholder: QLabel
    risk_split: QSplitter
    main_split: QSplitter
    getting_started: GettingStarted
    calculator_tab: LazyTab[OptionCalculator]
    calculator: OptionCalculator
    planning: PlanningTabs
    backtest: BacktestTab | None  # built when its tab is first shown
    backtest_tab: LazyTab[BacktestTab]
    equity_label: SteadyLabel
    risk_label: SteadyLabel
    coverage_label: SteadyLabel
    book_label: QLabel
    risk_notes: RiskNotes
    _shut: bool

    # -- set by WindowActions._build_actions ------------------------------------------------------
    new_action: QAction
    open_action: QAction
    backup_action: QAction
    export_action: QAction
    account_action: QAction
    quit_action: QAction
    import_history_action: QAction
    settlement_action: QAction
    undo_action: QAction
    redo_action: QAction
    condor_action: QAction
    layer_action: QAction
    close_action: QAction
    roll_action: QAction
    market_action: QAction
    watch_action: QAction
    replay_action: QAction
    pause_action: QAction
    ibkr_action: QAction
    manual_action: QAction
    reset_what_if_action: QAction
    tree_focus_action: QAction
    table_focus_action: QAction
    speed_group: QActionGroup
    speed_actions: list[QAction]

    # -- set when a book first opens (BookController.open_workspace) --------------------------------
    file_source: FileQuoteSource
    replay_source: ReplaySource

    # -- set when Interactive Brokers first connects (QuoteFeeds) -----------------------------------
    ibkr_source: IbkrQuoteSource
    _ibkr_config: IbkrConfig
    alert_monitor: AlertMonitor
    alert_log: AlertLog
    alert_dock: QDockWidget
    tray: QSystemTrayIcon | None
    _alerts_follow_board: bool
    _live_suggestions: Sequence[Suggestion]

    if TYPE_CHECKING:
        # The handlers one part calls on another, each defined by the part named in its comment.
        @abstractmethod
        def show_tab(self, name: str) -> None: ...  # MainWindow

        @abstractmethod
        def current_tab_name(self) -> str: ...  # MainWindow

        @abstractmethod

        @abstractmethod
        def open_workspace(self, workspace: Workspace, label: str = "",
                           charts_later: bool = False) -> None: ...  # BookController

        @abstractmethod
        def _draw_shown_tab(self, report: Any) -> None: ...  # BookController

        @abstractmethod
        def _require_session(self) -> bool: ...  # TradeTickets

        @abstractmethod
        def _open_book(self) -> tuple[Workspace, Session] | None: ...  # TradeTickets

        @abstractmethod
        def new_condor(self) -> None: ...  # TradeTickets

        @abstractmethod
        def new_layer(self) -> None: ...  # TradeTickets

        @abstractmethod
        def close_position(self, position_id: int | None = None) -> None: ...  # TradeTickets

        @abstractmethod
        def roll_layer(self, position_id: int | None = None) -> None: ...  # TradeTickets

        @abstractmethod
        def enter_market(self) -> None: ...  # TradeTickets

        @abstractmethod
        def import_history(self) -> None: ...  # TradeTickets

        @abstractmethod
        def enter_settlement_value(self) -> None: ...  # TradeTickets

        @abstractmethod
        def edit_account(self) -> None: ...  # TradeTickets

        @abstractmethod
        def _store_quote(self, quote: Any) -> None: ...  # QuoteFeeds

        @abstractmethod
        def choose_quote_file(self) -> None: ...  # QuoteFeeds

        @abstractmethod
        def start_replay(self) -> None: ...  # QuoteFeeds

        @abstractmethod
        def toggle_replay(self) -> None: ...  # QuoteFeeds

        @abstractmethod
        def set_replay_speed(self, speed: float) -> None: ...  # QuoteFeeds

        @abstractmethod
        def connect_ibkr(self, host: str | None = None, port: int | None = None,
                         client_id: int | None = None) -> bool: ...  # QuoteFeeds

        @abstractmethod
        def _replan_ibkr(self, _book: Any) -> None: ...  # QuoteFeeds

        @abstractmethod
        def _streaming(self) -> bool: ...  # QuoteFeeds

        @abstractmethod
        def _check_alerts(self, report: Any) -> None: ...  # QuoteFeeds

        @abstractmethod
        def stop_sources(self) -> None: ...  # QuoteFeeds

        @abstractmethod
        def _reset_what_if(self) -> None: ...  # QuoteFeeds

        @abstractmethod
        def _run(self, what: str, call: Callable[[], T]) -> T | None: ...  # BookFiles

        @abstractmethod
        def undo(self) -> None: ...  # BookFiles

        @abstractmethod
        def redo(self) -> None: ...  # BookFiles

        @abstractmethod
        def backup(self) -> None: ...  # BookFiles

        @abstractmethod
        def export_csv(self) -> None: ...  # BookFiles

        @abstractmethod
        def new_book(self) -> None: ...  # BookFiles

        @abstractmethod
        def open_book(self) -> None: ...  # BookFiles

        @abstractmethod
        def _settle(self, workspace: Workspace) -> None: ...  # BookFiles

        @abstractmethod
        def offer_first_run(self) -> None: ...  # BookFiles

        @abstractmethod
        def _set_editable(self, editable: bool) -> None: ...  # WindowActions
