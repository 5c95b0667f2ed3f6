"""The main window's planning tabs: timeline, scenarios, suggestions and settings.

Each tab is built the first time it is shown (``LazyTab``: start-up pays only
for the risk tab) and then fed the way the risk graph is: the session's
signals and risk reports go to each view's ``update_*`` methods. The
suggestion board lives from the moment a book opens, whether or not its tab
was ever shown, so the tab's badge counts new suggestions and the
notifications (system tray, else the status bar) go out.

A click on a scenario cell sends it to the risk graph: VIX fixed at the
cell's level, the curves holding its SPX level exactly, the crosshair there.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from planner.ui.lazy_tab import LazyTab

TITLES = {"timeline": "Time&line", "scenarios": "&Scenarios", "suggestions": "Su&ggestions",
          "settings": "Setti&ngs"}
TOOLTIPS = {
    "timeline": "Hedge layers in time: bars by tier, roll chains, events, VIX and its tier thresholds",
    "scenarios": "Book P&L over SPX move × VIX level, with and without hedges, and the stress table",
    "suggestions": "What the hedge rules propose now; accept, dismiss or snooze each",
    "settings": "Every number of the method, the event calendar and your signals",
}


class PlanningTabs(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.workspace = None
        self.session = None
        self.board = None
        self._notifier = None
        self._placeholder = None  # an in-memory book behind the settings tab until a real one opens
        self._waiting_notices: list[str] = []
        window.statusBar().messageChanged.connect(self._status_free)
        self.tabs: dict[str, LazyTab] = {
            "timeline": LazyTab(self._make_timeline, "Loading the layer timeline…"),
            "scenarios": LazyTab(self._make_scenarios, "Loading the scenario map…"),
            "suggestions": LazyTab(self._make_suggestions, "Loading the suggestions…"),
            "settings": LazyTab(self._make_settings, "Loading the settings…"),
        }
        for name, tab in self.tabs.items():
            window.add_named_tab(name, tab, TITLES[name])
            window.tabs.setTabToolTip(window.tabs.indexOf(tab), TOOLTIPS[name])

    def view(self, name: str) -> QWidget | None:
        """The tab's view, or None while it has never been shown."""
        return self.tabs[name].content

    # -- the open book -----------------------------------------------------------------------------
    def open(self, workspace, session) -> None:
        """Follow a newly opened book; call before ``session.start()`` so its first loads arrive here."""
        self.workspace, self.session = workspace, session
        session.stored_changed.connect(self._stored_changed)
        session.book_loaded.connect(self._book_loaded)
        session.settings_loaded.connect(self._settings_loaded)
        if self.board is None:
            self._make_board(workspace, session.runner)
            self.board.book_state = session.state
        else:
            self.board.switch(workspace, session.runner, session.state)
        settings = self.view("settings")
        if settings is not None:
            settings.set_workspace(workspace)
        if self._placeholder is not None:  # the settings tab was shown before any book opened
            self._placeholder.close()
            self._placeholder = None
        timeline = self.view("timeline")
        if timeline is not None:
            self._timeline_extras(timeline)

    def _make_board(self, workspace, runner) -> None:
        from planner.ui.suggestion_board import SuggestionBoard
        from planner.ui.suggestions_view import Notifier

        self.board = SuggestionBoard(workspace, runner=runner, state=self.window.state, parent=self)
        self.board.new_count_changed.connect(self._badge)
        self._notifier = Notifier(self.window, fallback=self._status_notice)
        self.board.notice.connect(self._notice)
        self.board.failed.connect(lambda text: self.window.statusBar().showMessage(text, 15000))

    def start(self) -> None:
        """The first risk run is under way: compute the suggestions after it (same worker)."""
        if self.board is not None:
            self.board.refresh()

    def update_report(self, report, shown: str) -> None:
        """``report`` for the tab ``shown`` (the one on screen; the window feeds the others when shown)."""
        view = self.view(shown) if shown in ("scenarios", "timeline") else None
        if view is None:
            return
        if shown == "scenarios":
            view.update_report(report, self._what_if())
        else:
            view.update_report(report)

    def shutdown(self) -> None:
        if self.board is not None:
            self.board.shutdown()

    # -- feeding the views -----------------------------------------------------------------------------
    def _book_loaded(self, book) -> None:
        timeline = self.view("timeline")
        if timeline is not None:
            timeline.update_book(book)

    def _settings_loaded(self, settings) -> None:
        timeline = self.view("timeline")
        if timeline is not None:
            timeline.update_settings(settings)

    def _stored_changed(self, topics, external: bool) -> None:
        timeline = self.view("timeline")
        if timeline is None:
            return
        if external or "events" in topics:
            timeline.update_events(self.workspace.events())
        if external or "history" in topics:
            timeline.update_history(self._history())

    def _history(self):
        return self.workspace.history_frame() if self.workspace.history_symbols() else None

    def _timeline_extras(self, timeline) -> None:
        timeline.update_events(self.workspace.events())
        timeline.update_history(self._history())

    def _what_if(self) -> str:
        session = self.session
        if session is None:
            return ""
        parts = []
        if session.replay_quote is not None:
            parts.append("replayed day")
        if session.vix_shift:
            parts.append(f"VIX {session.vix_shift:+g} pts")
        return ", ".join(parts)

    # -- the tabs' contents -------------------------------------------------------------------------------
    def _make_timeline(self) -> QWidget:
        from planner.ui.timeline_view import TimelineView

        timeline = TimelineView()
        timeline.position_activated.connect(self.window.open_position_ticket)
        session = self.session
        if session is not None:
            timeline.update_settings(session.settings)
            self._timeline_extras(timeline)
            timeline.update_book(session.book)
            if session.reports_applied:
                timeline.update_report(session.report)
        return timeline

    def _make_scenarios(self) -> QWidget:
        from planner.ui.scenario_view import ScenarioView

        scenarios = ScenarioView()
        scenarios.cell_clicked.connect(self.set_what_if)
        if self.session is not None and self.session.reports_applied:
            scenarios.update_report(self.session.report, self._what_if())
        return scenarios

    def _make_suggestions(self) -> QWidget:
        from planner.ui.suggestions_view import SuggestionsView

        if self.board is None:  # shown before any book opened (``--tab suggestions``): it follows on open
            self._make_board(None, None)
        view = SuggestionsView(self.board, announce=False)
        view.message.connect(lambda text: self.window.statusBar().showMessage(text, 15000))
        if self.board.result is not None or self.board.inputs is not None:
            view.update_result(self.board.result)
        view.update_decisions(self.board.decisions)
        return view

    def _make_settings(self) -> QWidget:
        from planner.app import Workspace
        from planner.ui.settings_view import SettingsView

        if self.workspace is None:  # shown before any book opened: the defaults until one does
            self._placeholder = Workspace.open(":memory:")
        return SettingsView(self.workspace if self.workspace is not None else self._placeholder)

    # -- suggestions badge and notices ----------------------------------------------------------------------
    def _badge(self, count: int) -> None:
        tabs, tab = self.window.tabs, self.tabs["suggestions"]
        title = TITLES["suggestions"] + (f" ({count} new)" if count else "")
        tabs.setTabText(tabs.indexOf(tab), title)

    def _status_notice(self, text: str) -> None:
        """A notice never hides what the user's own action just reported: it waits for the bar to clear."""
        bar = self.window.statusBar()
        if bar.currentMessage():
            self._waiting_notices.append(text)
        else:
            bar.showMessage(text, 15000)

    def _status_free(self, message: str) -> None:
        if not message and self._waiting_notices:
            self.window.statusBar().showMessage(self._waiting_notices.pop(0), 15000)

    def _notice(self, title: str, text: str) -> None:
        view = self.view("suggestions")
        if view is not None:
            view.show_notice(title, text)
        self._notifier.notify(title, text)

    # -- the scenario map drives the risk graph's what-if -----------------------------------------------------
    def set_what_if(self, spx: float, vix: float) -> None:
        graph, session = self.window.risk_graph, self.session
        if graph is None or session is None or session.shown_market is None:
            return
        # Exactly the cell: VIX fixed at its level and the curves holding its SPX level, valued as the map
        # values it (today, same market), so the graph's readout there is the cell's figure.
        graph.set_vix_mode("fixed", fixed_vix=vix, pin_spx=spx)  # the session reruns the risk
        graph.show_crosshair_at(spx)
        self.window.statusBar().showMessage(
            f"From the scenario map: SPX {spx:,.2f} pts with VIX fixed at {vix:,.2f} pts, crosshair there on "
            "the Risk tab (Ctrl+0 resets)", 15000)
