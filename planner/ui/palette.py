"""Light and dark palettes that follow the system's colour scheme, and chart colours to match.

Qt reports the system scheme through ``QStyleHints.colorScheme()`` and its
``colorSchemeChanged`` signal; ``follow_system`` applies the matching palette
now and whenever it changes. ``set_color_scheme`` asks Qt for a scheme (so
native dialogs follow where the platform can) and applies our palette at once,
since some platforms (offscreen rendering, older desktops) do not report the
request back. Charts are pyqtgraph items, which do not read the widget
palette: ``style_plot`` gives them the background, axes and text of the
palette in use, and views call it on ``QEvent.PaletteChange``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

if TYPE_CHECKING:  # pyqtgraph is not imported at start-up: the palette is applied before the first paint
    import pyqtgraph as pg

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

LIGHT_COLOURS = {
    Role.Window: "#efefef", Role.WindowText: "#1f1f1f", Role.Base: "#ffffff", Role.AlternateBase: "#f5f5f7",
    Role.ToolTipBase: "#ffffdc", Role.ToolTipText: "#1f1f1f", Role.PlaceholderText: "#7a7a7a",
    Role.Text: "#1f1f1f", Role.Button: "#efefef", Role.ButtonText: "#1f1f1f", Role.BrightText: "#ffffff",
    Role.Light: "#ffffff", Role.Midlight: "#e3e3e3", Role.Mid: "#b8b8b8", Role.Dark: "#9f9f9f",
    Role.Shadow: "#767676", Role.Highlight: "#3574d4", Role.HighlightedText: "#ffffff", Role.Link: "#1a5fb4",
    Role.LinkVisited: "#6c3aa8",
}
DARK_COLOURS = {
    Role.Window: "#2b2b2e", Role.WindowText: "#e8e8e8", Role.Base: "#1e1e21", Role.AlternateBase: "#27272b",
    Role.ToolTipBase: "#3a3a3e", Role.ToolTipText: "#f0f0f0", Role.PlaceholderText: "#8c8c8c",
    Role.Text: "#e8e8e8", Role.Button: "#35353a", Role.ButtonText: "#e8e8e8", Role.BrightText: "#ffffff",
    Role.Light: "#4a4a50", Role.Midlight: "#3e3e44", Role.Mid: "#2f2f33", Role.Dark: "#19191b",
    Role.Shadow: "#000000", Role.Highlight: "#4a86e0", Role.HighlightedText: "#ffffff", Role.Link: "#7fb0ff",
    Role.LinkVisited: "#c29bff",
}
DISABLED_TEXT = {False: "#a0a0a0", True: "#6e6e72"}


@dataclass(frozen=True, slots=True)
class ChartColours:
    """Colours for pyqtgraph items: the palette's base behind the data, its text for axes."""

    background: str
    foreground: str
    muted: str  # reference lines (zero, thresholds)
    label_fill: tuple[int, int, int, int]  # behind text drawn over data


def build_palette(dark: bool) -> QPalette:
    palette = QPalette()
    for role, colour in (DARK_COLOURS if dark else LIGHT_COLOURS).items():
        palette.setColor(role, QColor(colour))
    disabled = QColor(DISABLED_TEXT[dark])
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        palette.setColor(Group.Disabled, role, disabled)
    return palette


def is_dark(palette: QPalette | None = None) -> bool:
    """True when the palette in use (default: the application's) has a dark window."""
    palette = palette if palette is not None else QGuiApplication.palette()
    return palette.color(Role.Window).lightness() < 128


def system_is_dark(app: QGuiApplication | None = None) -> bool:
    found = app or QGuiApplication.instance()
    if not isinstance(found, QGuiApplication):
        return False  # no GUI application to ask (yet): the light default
    return found.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_palette(app: QGuiApplication, dark: bool) -> None:
    """Set the light or dark palette on the application (widgets get ``PaletteChange``)."""
    if is_dark(app.palette()) != dark or app.property("plannerPalette") is None:
        app.setPalette(build_palette(dark))
        app.setProperty("plannerPalette", "dark" if dark else "light")


def set_color_scheme(app: QGuiApplication, scheme: Qt.ColorScheme) -> None:
    """Ask for ``scheme`` (``Unknown``: follow the system again) and apply its palette now."""
    hints = app.styleHints()
    if scheme == Qt.ColorScheme.Unknown:
        hints.unsetColorScheme()
        apply_palette(app, system_is_dark(app))
        return
    hints.setColorScheme(scheme)
    apply_palette(app, scheme == Qt.ColorScheme.Dark)


class _SchemeFollower(QObject):
    def __init__(self, app: QGuiApplication) -> None:
        super().__init__(app)
        self.app = app
        app.styleHints().colorSchemeChanged.connect(self._changed)

    def _changed(self, scheme: Qt.ColorScheme) -> None:
        apply_palette(self.app, scheme == Qt.ColorScheme.Dark)


def follow_system(app: QGuiApplication) -> None:
    """Apply the system's scheme now and on every change (once per application)."""
    if app.findChild(_SchemeFollower) is None:
        _SchemeFollower(app)
    apply_palette(app, system_is_dark(app))


def chart_colours(palette: QPalette | None = None) -> ChartColours:
    palette = palette if palette is not None else QGuiApplication.palette()
    if is_dark(palette):
        return ChartColours("#1e1e21", "#d8d8d8", "#8a8a8a", (30, 30, 33, 210))
    return ChartColours("#ffffff", "#303030", "#9e9e9e", (255, 255, 255, 210))


def style_plot(widget: pg.GraphicsView, plots: list[pg.PlotItem] | None = None,
               palette: QPalette | None = None) -> ChartColours:
    """Background, axis lines, tick text and axis labels of ``widget``'s plots in the palette's colours."""
    colours = chart_colours(palette)
    widget.setBackground(colours.background)
    if plots is None:
        plots = [widget.getPlotItem()] if hasattr(widget, "getPlotItem") else []
    for plot in plots:
        for name in ("left", "bottom", "right", "top"):
            axis = plot.getAxis(name) if name in plot.axes else None
            if axis is None:
                continue
            axis.setPen(colours.foreground)
            axis.setTextPen(colours.foreground)  # also recolours the axis label
        title = plot.titleLabel
        if title.text:
            title.setText(title.text, color=colours.foreground)
    return colours


def is_palette_event(event: QEvent) -> bool:
    return event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
