"""Fixtures for the window tests: offscreen Qt, a demo book per test, isolated window state."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from planner.app import Workspace

DRAW_TIMEOUT_MS = 30_000  # generous: these are behaviour tests, not timing tests


def make_demo(path, clock=None):
    with Workspace.open(path) if clock is None else Workspace.open(path, clock=clock) as ws:
        ws.init(demo_book=True)
    return path


def copy_book(template, path):
    with Workspace.open(template) as ws:
        ws.backup(path)
    return path


@pytest.fixture
def shown(qtbot):
    """``shown(view, size=None)``: a view alone on screen, as a person sees it (resized when a
    (width, height) is given), closed with the test; returns the view."""

    def show(view, size: tuple[int, int] | None = None):
        qtbot.addWidget(view)
        if size is not None:
            view.resize(*size)
        view.show()
        qtbot.waitExposed(view)
        return view

    return show


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    return make_demo(tmp_path_factory.mktemp("demo") / "demo.db")


@pytest.fixture(scope="session")
def demo_reports(tmp_path_factory, demo_template):
    """The demo book's risk report and a what-if one (SPX 5,850, VIX 18.5) of the same instant, computed once:
    a view is tested on them without opening a whole window."""
    with Workspace.open(copy_book(demo_template, tmp_path_factory.mktemp("demo_reports") / "book.db")) as ws:
        report = ws.analyze()
        return report, ws.analyze(at=report.asof, spx=5850.0, vix=18.5)


@pytest.fixture
def demo_report(demo_reports):
    return demo_reports[0]


@pytest.fixture
def demo_db(tmp_path, demo_template):
    """A fresh copy of the demo book for one test."""
    return copy_book(demo_template, tmp_path / "book.db")


# A fixed day for the tests whose typed prices the model checks: how far the next VIX expiry is, and so every
# fair value, changes with the day of the month; on this day the demo book and its window agree with the
# prices those tests type, whatever day the suite runs. A Friday, 10:00 New York time.
FIXED_DAY = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)


def running_from(moment):
    """A clock that starts at ``moment`` and runs: dates stay fixed, time still passes (quotes stay in order)."""
    start = time.monotonic()
    return lambda: moment + timedelta(seconds=time.monotonic() - start)


@pytest.fixture(scope="session")
def fixed_day_template(tmp_path_factory):
    return make_demo(tmp_path_factory.mktemp("fixed_day") / "demo.db", clock=lambda: FIXED_DAY)


@pytest.fixture
def fixed_day_db(tmp_path, fixed_day_template):
    """A fresh copy of the demo book made on FIXED_DAY."""
    return copy_book(fixed_day_template, tmp_path / "book.db")


@pytest.fixture
def fixed_day_window(qtbot, fixed_day_db, window_state):
    """The demo window on FIXED_DAY: its clock starts a minute after the demo's quote and runs."""
    yield from _window(qtbot, fixed_day_db, window_state, running_from(FIXED_DAY + timedelta(minutes=1)))


@pytest.fixture
def spiked_demo_db(demo_db):
    """The demo book under a VIX 24 quote: near and mid active, so the rules' plan proposes trades (at the
    demo's own VIX 16 no tier is active and the plan is, rightly, empty)."""
    from planner.app.market import build_snapshot, store_snapshot
    from planner.app.requests import QuoteRequest
    from planner.storage import Repository

    repo = Repository.open(demo_db)
    try:
        spx = repo.latest_snapshot().spx
        store_snapshot(repo, build_snapshot(repo, QuoteRequest(spx=spx, vix=24.0, vvix=110.0), datetime.now(UTC)))
    finally:
        repo.close()
    return demo_db


@pytest.fixture
def window_state(tmp_path):
    from PySide6.QtCore import QSettings, QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, demo_db, window_state):
    yield from _window(qtbot, demo_db, window_state)


@pytest.fixture
def spiked_window(qtbot, spiked_demo_db, window_state):
    yield from _window(qtbot, spiked_demo_db, window_state)


@pytest.fixture
def window_on(qtbot, window_state):
    """Opens a window on a given book file with a fixed clock (tests that need the time of an expiry)."""
    opened = []

    def open_window(path, clock):
        windows = _window(qtbot, path, window_state, clock)
        opened.append(windows)
        return next(windows)

    yield open_window
    for windows in opened:
        next(windows, None)  # shut the window and close its book


def _window(qtbot, path, window_state, clock=None):
    from planner.ui.main_window import MainWindow

    win = MainWindow(state=window_state)
    qtbot.addWidget(win)
    workspace = Workspace.open(path) if clock is None else Workspace.open(path, clock=clock)
    win.resize(1400, 900)
    win.open_workspace(workspace)
    win.show()
    qtbot.waitUntil(lambda: win.session.reports_applied >= 1, timeout=DRAW_TIMEOUT_MS)
    yield win
    win.shutdown()
    workspace.close()


def stored_book(path):
    """The book as another connection sees it: what is really in the database."""
    with Workspace.open(path) as ws:
        return ws.book()


@pytest.fixture
def pinned_window(qtbot, demo_db, window_state):
    """The demo window on a stopped clock: two reports of the same quote agree to the cent."""
    from PySide6.QtWidgets import QApplication

    from planner.ui.main_window import MainWindow

    moment = datetime.now(UTC).replace(microsecond=0)
    workspace = Workspace.open(demo_db, clock=lambda: moment)
    win = MainWindow(state=window_state)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.open_workspace(workspace)
    win.show()
    qtbot.waitUntil(lambda: win.session.reports_applied >= 1, timeout=DRAW_TIMEOUT_MS)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5000)
    yield win
    win.shutdown()
    workspace.close()


class Person:
    """Drives the window as a person does: a shortcut opens a ticket, a click into a field, Ctrl+A, typing."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot

    def open_by_key(self, window, key, modifiers):
        from PySide6.QtWidgets import QApplication

        self.qtbot.keyClick(window, key, modifiers)
        self.qtbot.waitUntil(lambda: window.active_ticket is not None, timeout=5000)
        ticket = window.active_ticket
        self.qtbot.waitUntil(lambda: ticket.isVisible() and QApplication.activeWindow() is ticket, timeout=5000)
        return ticket

    def type_into(self, widget, text):
        from PySide6.QtCore import Qt

        target = widget.lineEdit() if hasattr(widget, "lineEdit") else widget
        self.qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
        self.qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        self.qtbot.keyClicks(widget, text)
        return widget


@pytest.fixture
def person(qtbot):
    return Person(qtbot)
