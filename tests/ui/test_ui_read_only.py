"""A read-only book (a backup on a read-only mount, a file marked read-only) opens for viewing:
the window says so, editing is off, and the file is never written."""

from __future__ import annotations

from planner.app import Workspace

DRAW_TIMEOUT_MS = 30_000  # generous: behaviour tests, not timing tests (importlib mode: no conftest imports)


def test_a_read_only_book_is_shown_and_never_written(qtbot, demo_db, window_state, tmp_path):
    from PySide6.QtCore import Qt

    from planner.ui.main_window import MainWindow

    book = tmp_path / "readonly.db"
    with Workspace.open(demo_db) as ws:
        ws.backup(book)
    book.chmod(0o444)
    before = book.read_bytes()
    win = MainWindow(state=window_state)
    qtbot.addWidget(win)
    assert win.open_path(str(book))
    win.show()
    qtbot.waitUntil(lambda: win.session.reports_applied >= 1, timeout=DRAW_TIMEOUT_MS)
    assert "read-only" in win.windowTitle() and "read-only" in win.statusBar().currentMessage().lower()
    assert not win.condor_action.isEnabled() and not win.undo_action.isEnabled()
    assert win.export_action.isEnabled()
    assert win.positions.model.rowCount() > 0
    qtbot.keyClick(win, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert win.active_ticket is None or not win.active_ticket.isVisible()
    win.shutdown()
    win.workspace.close()
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("readonly")) == ["readonly.db"]


def test_file_export_over_the_book_is_refused(qtbot, window, demo_db, monkeypatch):
    """The window's File > Export reaches the same check as `planner export --out`."""
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    # File > Export first asks open positions only or all (the choice `planner export [--all]` has).
    monkeypatch.setattr(QInputDialog, "getItem", lambda parent, title, label, items, *a: (items[1], True))
    before = demo_db.read_bytes()
    for target in (demo_db, demo_db.with_name(demo_db.name + "-wal")):
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, target=target, **k: (str(target), ""))
        window.export_action.trigger()
        assert "must not be the book" in window.statusBar().currentMessage()
    assert demo_db.read_bytes()[:16] == before[:16] == b"SQLite format 3\x00"
    with Workspace.open(demo_db) as ws:
        assert ws.book().positions
