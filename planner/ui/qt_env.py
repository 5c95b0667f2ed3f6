"""Process-wide Qt set-up done once, before the QApplication exists."""

from __future__ import annotations

import os
import sys


def prepare_environment(offscreen: bool) -> None:
    """Headless rendering for screenshots and tests; keep a user's explicit choice."""
    if offscreen or not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform != "linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def application():
    """The one QApplication, created on first use."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Hedge Planner")
        app.setOrganizationName("hedge-planner")
        app.setStyle("Fusion")
    return app
