"""Process-wide Qt set-up done once, before the QApplication exists."""

from __future__ import annotations

import os
import sys

_collector = None  # the GUI-thread garbage collector, once the application exists


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
        from PySide6.QtGui import QIcon

        from planner.resources import resource_path

        app.setWindowIcon(QIcon(str(resource_path("icons", "planner.svg"))))
        # Ties the window to its menu entry under Wayland (packaging/*.desktop).
        app.setDesktopFileName("org.hedgeplanner.HedgePlanner")
    collect_garbage_on_gui_thread()
    return app


def collect_garbage_on_gui_thread() -> bool:
    """Run Python's cyclic garbage collection from a GUI-thread timer instead of wherever it falls due.

    Automatic collection runs in whichever thread allocates when a threshold is passed. In the
    risk worker that can destroy Qt objects left in a cycle (a closed window's menus), and
    their destructors then wait on Qt locks the GUI thread holds while it waits on the GIL:
    a deadlock, seen as a hang of the window's tests. pyqtgraph's GarbageCollector switches
    automatic collection off and collects on a one-second timer of the GUI thread, where Qt
    objects may be destroyed. Needs the QApplication; returns True when it was started here.
    """
    global _collector
    from PySide6.QtCore import QCoreApplication

    if _collector is not None or QCoreApplication.instance() is None:
        return False
    from pyqtgraph.util.garbage_collector import GarbageCollector

    _collector = GarbageCollector(interval=1.0)
    return True
