"""Charts saved as PNG from their context menu, through pyqtgraph's ImageExporter.

pyqtgraph's own scene menu already offers "Export…" (a dialog of every
exporter); this adds the one-step "Save chart as PNG…" a trader expects at the
top of the plot's right-click menu.
"""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters  # registers the exporters on the pg namespace
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QWidget

EXPORT_WIDTH_PX = 1600  # wide enough to read in a report; height follows the chart's shape


def export_png(item, path: str | Path, width: int = EXPORT_WIDTH_PX) -> Path:
    """Write ``item`` (a GraphicsScene, a PlotItem or a layout) to ``path`` as PNG; returns the path."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        path = path.with_suffix(".png")
    exporter = pg.exporters.ImageExporter(item)
    source = exporter.getSourceRect()
    if source.width() > 0:
        exporter.parameters()["width"] = int(width)
        exporter.parameters()["height"] = round(width * source.height() / source.width())
    exporter.export(str(path))
    return path


def add_png_export(view_box: pg.ViewBox, item, parent: QWidget, default_name: str) -> QAction:
    """Put "Save chart as PNG…" first in ``view_box``'s context menu; it exports ``item``."""
    action = QAction("Save chart as &PNG…", parent)
    action.setToolTip("Write this chart to a PNG image file")
    action.setStatusTip("Write this chart to a PNG image file")

    def save() -> None:
        path, _ = QFileDialog.getSaveFileName(parent, "Save chart as PNG", default_name, "PNG image (*.png)")
        if path:
            export_png(item, path)

    action.triggered.connect(save)
    menu = view_box.menu
    first = menu.actions()[0] if menu.actions() else None
    menu.insertAction(first, action)
    if first is not None:
        menu.insertSeparator(first)
    return action
