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


SWEEP_TIMEOUT_MS = 240_000  # generous: a behaviour test on a shared machine, not a timing test


def _type(qtbot, field, text: str) -> None:
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)


def test_a_sweep_typed_in_the_tab_draws_the_heatmap_and_the_table(qtbot, tab):
    tab.years.setValue(0.3)
    tab.pages.setCurrentIndex(1)
    panel = tab.sweep
    panel.x_key.setCurrentText("profit-target")
    panel.y_key.setCurrentText("hedge")
    _type(qtbot, panel.x_values, "40,60")
    _type(qtbot, panel.y_values, "on,off")
    with qtbot.waitSignal(panel.finished, timeout=SWEEP_TIMEOUT_MS) as finished:
        qtbot.keyClick(panel.y_values, Qt.Key.Key_Return)  # Return in the last field runs the sweep
        assert panel.running and not panel.run_button.isEnabled()
    assert finished.args == ["done"], panel.status.text()
    assert panel.table.rowCount() == 4 and panel.table.columnCount() > 10
    assert panel.figure.currentText() == "drawdown_reduction_pct"
    # The heatmap: hedge (up) x profit-target (across); each cell the figure of its configuration.
    assert panel.heatmap.cells.shape == (2, 2)
    by_config = {(c["profit-target"], c["hedge"]): f["drawdown_reduction_pct"]
                 for c, f in zip(panel.outcome.plan.configs, panel.outcome.figures, strict=True)}
    for row, hedge in enumerate((True, False)):
        for col, target in enumerate((40.0, 60.0)):
            expected = by_config[(target, hedge)]
            if hedge:
                assert panel.heatmap.cells[row, col] == pytest.approx(expected)
            else:  # hedge off: both curves alike, the reduction is 0 (or undefined with no drawdown)
                assert expected in (0.0, None)
    panel.figure.setCurrentText("hedged_mar")
    hedged_mar = [f["hedged"]["mar"] for f in panel.outcome.figures]
    drawn = sorted(v for v in panel.heatmap.cells.ravel().tolist() if v == v)
    assert drawn == pytest.approx(sorted(v for v in hedged_mar if v is not None))


def test_paths_from_the_tab_show_the_distribution(qtbot, tab):
    tab.years.setValue(0.3)
    tab.seed.setValue(40)
    panel = tab.sweep
    panel.x_key.setCurrentText("(none)")
    panel.y_key.setCurrentText("(none)")
    panel.paths.setFocus()
    panel.paths.selectAll()
    qtbot.keyClicks(panel.paths, "3")
    with qtbot.waitSignal(panel.finished, timeout=SWEEP_TIMEOUT_MS) as finished:
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert finished.args == ["done"], panel.status.text()
    assert [panel.table.item(r, 0).data(Qt.ItemDataRole.DisplayRole) for r in range(3)] == [40, 41, 42]
    assert "Over 3 paths" in panel.status.text() and "median" in panel.status.text()


def test_a_bad_sweep_value_is_said_naming_the_field(qtbot, tab):
    panel = tab.sweep
    _type(qtbot, panel.x_values, "30,abc")
    with qtbot.waitSignal(panel.finished, timeout=TIMEOUT_MS) as finished:
        qtbot.keyClick(panel.x_values, Qt.Key.Key_Return)
    assert finished.args == ["failed"]
    assert "--sweep profit-target must be a number, got abc" in panel.status.text()
    assert not panel.running


def test_cancel_stops_a_sweep_and_the_window_stays_live(qtbot, tab):
    tab.years.setValue(10.0)
    panel = tab.sweep
    _type(qtbot, panel.x_values, "30,50,75")
    with qtbot.waitSignal(panel.finished, timeout=SWEEP_TIMEOUT_MS) as finished:
        panel.start_sweep()
        qtbot.wait(50)  # the GUI thread keeps handling events while the pool works
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert finished.args == ["cancelled"] and "Cancelled" in panel.status.text()
    assert panel.run_button.isEnabled() and panel.outcome is None
