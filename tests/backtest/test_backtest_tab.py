"""The Backtest tab: runs on a worker thread with progress, shows the charts, cancels on request."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt

from planner.app import Workspace
from planner.ui.backtest_tab import GENERATED, BacktestTab

TIMEOUT_MS = 60_000


@pytest.fixture
def tab(qtbot, tmp_path):
    workspace = Workspace.open(tmp_path / "book.db")
    widget = BacktestTab(workspace)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    yield widget
    widget.shutdown()
    workspace.close()


def test_a_run_fills_the_charts_and_the_summary(qtbot, tab):
    tab.source.setCurrentText(GENERATED)
    tab.seed.setValue(4)
    tab.years.setValue(0.4)
    seen = []
    tab.charts.hedged_equity.sigPlotChanged.connect(lambda *_: seen.append("drawn"))
    with qtbot.waitSignal(tab.finished, timeout=TIMEOUT_MS) as finished:
        qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
        assert tab.running and not tab.run_button.isEnabled() and tab.cancel_button.isEnabled()
    assert finished.args == ["done"]
    sessions = len(tab.outcome.report.runs.path)
    x, y = tab.charts.hedged_equity.getData()
    assert len(x) == len(y) == sessions and seen
    assert tab.progress.value() == tab.progress.maximum()
    assert "max drawdown" in tab.summary.toPlainText() and "generated path, seed 4" in tab.charts.title.text()
    assert tab.run_button.isEnabled() and not tab.cancel_button.isEnabled()
    first_curve = tab.charts.hedged_equity
    with qtbot.waitSignal(tab.finished, timeout=TIMEOUT_MS):
        tab.start_run()
    assert tab.charts.hedged_equity is first_curve  # redrawn, not rebuilt


def test_cancel_stops_the_run(qtbot, tab):
    tab.years.setValue(10.0)
    with qtbot.waitSignal(tab.finished, timeout=TIMEOUT_MS) as finished:
        tab.start_run()
        qtbot.waitUntil(lambda: tab.progress.value() > 0, timeout=TIMEOUT_MS)
        tab.cancel_run()
    assert finished.args == ["cancelled"]
    assert tab.outcome is None and "Cancelled" in tab.status.text()


def test_without_a_book_the_default_settings_run(qtbot):
    widget = BacktestTab()
    qtbot.addWidget(widget)
    widget.years.setValue(0.3)
    with qtbot.waitSignal(widget.finished, timeout=TIMEOUT_MS) as finished:
        widget.start_run()
        assert "default settings" in widget.status.text()
    assert finished.args == ["done"]
    widget.shutdown()


def test_bad_input_is_said_in_the_tab(qtbot, tab):
    from planner.ui.backtest_tab import FILES

    tab.source.setCurrentText(FILES)
    with qtbot.waitSignal(tab.finished, timeout=TIMEOUT_MS) as finished:
        tab.start_run()
    assert finished.args == ["failed"] and "--spx/--vix must both name a file" in tab.status.text()
