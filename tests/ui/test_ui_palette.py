"""Light and dark palettes follow the system's colour scheme; every new view renders in both."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from planner.app import Workspace
from planner.ui import palette
from planner.ui.scenario_view import ScenarioView
from planner.ui.settings_view import SettingsView
from planner.ui.suggestion_board import SuggestionBoard
from planner.ui.suggestions_view import SuggestionsView
from planner.ui.timeline_view import TimelineView


@pytest.fixture
def app(qapp):
    """The application, its palette and colour scheme restored afterwards (other tests expect light)."""
    saved = QApplication.palette()
    yield qapp
    qapp.styleHints().unsetColorScheme()
    qapp.setPalette(saved)
    qapp.setProperty("plannerPalette", None)


@pytest.fixture
def workspace(demo_db):
    ws = Workspace.open(demo_db)
    yield ws
    ws.close()


@pytest.fixture
def views(qtbot, shown, workspace):
    report = workspace.analyze()
    scenario = ScenarioView()
    scenario.update_report(report)
    timeline = TimelineView()
    timeline.update_settings(workspace.settings())
    timeline.update_history(workspace.history_frame())
    timeline.update_events(workspace.events())
    timeline.update_book(workspace.book())
    timeline.update_report(report)
    board = SuggestionBoard(workspace)
    suggestions = SuggestionsView(board)
    board.refresh()
    qtbot.waitUntil(lambda: board.computed >= 1 and not board.runner.busy, timeout=30_000)
    settings = SettingsView(workspace)
    on_screen = {"scenarios": scenario, "timeline": timeline, "suggestions": suggestions, "settings": settings}
    for view in on_screen.values():
        shown(view, (900, 650))
    yield on_screen
    board.shutdown()


def lightness(colour) -> int:
    return QColor(colour).lightness()


@pytest.mark.parametrize("scheme", [Qt.ColorScheme.Dark, Qt.ColorScheme.Light])
def test_both_palettes_render(qtbot, app, views, scheme):
    palette.set_color_scheme(app, scheme)
    dark = scheme == Qt.ColorScheme.Dark
    assert palette.is_dark() is dark
    window = lightness(app.palette().color(palette.Role.Window))
    assert (window < 100) if dark else (window > 200)
    for name, view in views.items():
        qtbot.waitUntil(lambda v=view: palette.is_dark(v.palette()) is dark, timeout=5000)
        image = view.grab().toImage()
        assert not image.isNull() and image.width() == view.width(), name
        corner = lightness(image.pixelColor(2, image.height() - 2))
        assert (corner < 110) if dark else (corner > 190), (name, corner)
    for plot in (views["scenarios"].plot, views["timeline"].plot, views["timeline"].vix_plot):
        background = plot.backgroundBrush().color()
        assert (lightness(background) < 60) if dark else (lightness(background) > 240)
        axis = plot.getPlotItem().getAxis("bottom")
        assert (lightness(axis.textPen().color()) > 180) if dark else (lightness(axis.textPen().color()) < 80)
    # P&L colours stay readable on the background: green gains, red losses in either palette.
    cell = views["scenarios"].stress.item(0, 3)
    assert cell.foreground().color().red() > cell.foreground().color().green()


def test_the_palette_follows_the_system_scheme(app, views):
    palette.follow_system(app)
    hints = app.styleHints()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # what the platform sends when the user switches
    assert palette.is_dark()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not palette.is_dark()
    assert views["scenarios"].plot.backgroundBrush().color().name() == palette.chart_colours().background
