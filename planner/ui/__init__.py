"""The window: the only package that imports PySide6 or pyqtgraph."""

from planner.ui.qt_env import guard_emit_refcount

guard_emit_refcount()  # before any signal is emitted (see its docstring)
