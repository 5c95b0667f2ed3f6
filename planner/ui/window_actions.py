"""The window's actions (with their shortcuts) and its menus: what a trader can ask of the window.

Each action calls one of the window's handlers (tickets, quote sources, book files, undo);
shortcuts work with the menu bar hidden. A read-only book switches off every action
that would write.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

REPLAY_SPEEDS = (1.0, 2.0, 5.0, 10.0, 20.0)


class WindowActions:
    """Mixed into ``MainWindow``: builds ``*_action`` attributes and the menu bar."""

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

    def show_shortcuts(self) -> None:
        lines = [f"{a.text().replace('&', '')}: {a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)}"
                 for a in self.actions() if not a.shortcut().isEmpty()]
        QMessageBox.information(self, "Keyboard shortcuts", "\n".join(lines))

    def _set_editable(self, editable: bool) -> None:
        """A read-only book: every action that would write is off (viewing and exporting stay)."""
        for action in (self.undo_action, self.redo_action, self.condor_action, self.layer_action,
                       self.close_action, self.roll_action, self.market_action, self.watch_action):
            action.setEnabled(editable)
