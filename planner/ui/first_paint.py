"""Report when the window first paints, for the start-up benchmark."""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


class _FirstPaint(QObject):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._seen:
            self._seen = True
            # After this paint returns the frame is complete; quit on the next turn.
            QTimer.singleShot(0, self._done)
        return False

    def _done(self) -> None:
        print(f"first-paint {time.time():.6f}", file=sys.stdout, flush=True)
        QApplication.quit()


def report_first_paint_and_quit(window: QWidget) -> None:
    window.installEventFilter(_FirstPaint(window))
