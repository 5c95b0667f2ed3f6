"""Run something right after the window's first paint (start-up work, the start-up benchmark)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


class _FirstPaint(QObject):
    def __init__(self, window: QWidget, then: Callable[[], None]) -> None:
        super().__init__(window)
        self._seen = False
        self._then = then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._seen:
            self._seen = True
            # After this paint returns the frame is complete; act on the next turn.
            QTimer.singleShot(0, self._then)
        return False


def on_first_paint(window: QWidget, then: Callable[[], None]) -> None:
    window.installEventFilter(_FirstPaint(window, then))


def report_and_quit() -> None:
    print(f"first-paint {time.time():.6f}", file=sys.stdout, flush=True)
    QApplication.quit()


def report_first_paint_and_quit(window: QWidget) -> None:
    on_first_paint(window, report_and_quit)
