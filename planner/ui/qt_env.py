"""Process-wide Qt set-up done once, before the QApplication exists."""

from __future__ import annotations

import os
import sys

_guarded = False


def prepare_environment(offscreen: bool) -> None:
    """Headless rendering for screenshots and tests; keep a user's explicit choice."""
    if offscreen or not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform != "linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def guard_emit_refcount() -> bool:
    """Work around reference leaks of ``None`` and ``True`` in PySide6 6.12.0 on Python 3.11.

    There, every call of a method returning nothing (``processEvents()``,
    ``setObjectName()``, each pyqtgraph ``setData``...) hands back ``None``
    without the reference it owes, and every Python-side ``Signal.emit()``
    does the same with ``True``. From Python 3.12 these singletons are immortal
    and nothing happens; on 3.11 the interpreter aborts ("none_dealloc",
    "bool_dealloc") after some thousands of calls, that is within minutes of
    live quotes. When a probe shows the leak, each singleton gets a reserve of
    references so large it cannot run out (they are never freed anyway), which
    is what 3.12 does by design. Returns True when the reserve was added.
    Remove once the pinned PySide6 no longer leaks.
    """
    global _guarded
    if _guarded or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(8):
        probe.setObjectName("probe")
        probe.ping.emit()
    after = sys.getrefcount(None), sys.getrefcount(True)
    if before[0] - after[0] >= 8 or before[1] - after[1] >= 8:
        import ctypes

        for singleton in (None, True, False):
            ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 48  # ob_refcnt: a PyObject's first field
        _guarded = True
    return _guarded


def application():
    """The one QApplication, created on first use."""
    from PySide6.QtWidgets import QApplication

    guard_emit_refcount()
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
    return app
