"""The window's book files and journal: new, open, backup, export, undo and redo, the first-run offer."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox


class BookFiles:
    """Mixed into ``MainWindow``: what File and Edit do."""

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
        if ws is None or ws.read_only or ws.has_positions() or ws.latest_snapshot() is not None:
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
