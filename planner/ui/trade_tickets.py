"""The window's tickets: condor, layer, close, roll, market quote, settlement value, account.

One ticket is open at a time; each previews against the book state on screen
(``TicketContext``) and saves through the workspace's use cases; the saved
change reaches the views through the book state like any other.
"""

from __future__ import annotations


class TradeTickets:
    """Mixed into ``MainWindow``: opening tickets and saying what they saved."""

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

    def edit_account(self) -> None:
        """Account equity and risk cap (a new book asks for them first)."""
        if self._require_session():
            from planner.ui.getting_started import AccountTicket

            self._show_ticket(AccountTicket(self.workspace, self.session.settings, self))

    def _start_with(self, step: str) -> None:
        if step == "quote":
            self.enter_market()
        elif step == "condor":
            self.new_condor()
        elif step == "layer":
            self.new_layer()
        elif step == "demo" and self.workspace is not None:
            self._run("Demo book not written", lambda: self.workspace.init(demo_book=True))
