"""Many short labels in one plot item, drawn in screen pixels at data positions.

pyqtgraph's ``TextItem`` is a ``QGraphicsTextItem``: every new text lays out a
``QTextDocument`` (about 70 us here) and moves the item, so a chart with a
label per row paid a few milliseconds on every quote. This item keeps the
labels as plain tuples and draws them all in one ``paint`` with
``QPainter.drawText``; like ``TextItem`` the text does not scale with the
view, and ``anchor`` (0..1 of the text's width and height) says which of its
points sits on the data position.
"""

from __future__ import annotations

from typing import NamedTuple

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFontMetricsF


class Label(NamedTuple):
    x: float
    y: float
    text: str
    colour: QColor
    anchor: tuple[float, float] = (0.0, 0.5)


class LabelLayer(pg.GraphicsObject):
    def __init__(self) -> None:
        super().__init__()
        self._labels: tuple[Label, ...] = ()
        self._bounds: QRectF | None = None
        self.setFlag(self.GraphicsItemFlag.ItemHasNoContents, False)

    def set_labels(self, labels) -> None:
        """Replace every label (an unchanged list costs nothing)."""
        labels = tuple(labels)
        if labels == self._labels:
            return
        self.prepareGeometryChange()
        self._labels = labels
        self._bounds = None
        self.update()

    def labels(self) -> tuple[Label, ...]:
        return self._labels

    def texts(self) -> list[str]:
        return [label.text for label in self._labels]

    # -- QGraphicsItem -------------------------------------------------------------------------
    def viewTransformChanged(self) -> None:
        # The labels' extent in data units follows the zoom: recompute the bounds.
        self.prepareGeometryChange()
        self._bounds = None

    def boundingRect(self) -> QRectF:
        if self._bounds is None:
            self._bounds = self._measure()
        return self._bounds

    def paint(self, painter, *_args) -> None:
        if not self._labels:
            return
        to_device = painter.transform()  # this item's coordinates to the device's
        metrics = QFontMetricsF(painter.font())
        painter.save()
        painter.resetTransform()
        for label in self._labels:
            point = to_device.map(QPointF(label.x, label.y))
            width = metrics.horizontalAdvance(label.text)
            painter.setPen(label.colour)
            painter.drawText(QPointF(point.x() - label.anchor[0] * width,
                                     point.y() - label.anchor[1] * metrics.height() + metrics.ascent()), label.text)
        painter.restore()

    def _measure(self) -> QRectF:
        if not self._labels:
            return QRectF()
        pixel_x, pixel_y = self.pixelWidth(), self.pixelHeight()
        if not pixel_x or not pixel_y:  # not in a view yet
            return QRectF()
        metrics = QFontMetricsF(self.scene().font() if self.scene() is not None else pg.QtGui.QFont())
        bounds = QRectF()
        for label in self._labels:
            width, height = metrics.horizontalAdvance(label.text) * pixel_x, metrics.height() * pixel_y
            rect = QRectF(label.x - label.anchor[0] * width, label.y - label.anchor[1] * height, width, height)
            bounds = bounds.united(rect.normalized())
        margin_x, margin_y = 4 * pixel_x, 4 * pixel_y
        return bounds.adjusted(-margin_x, -margin_y, margin_x, margin_y)
