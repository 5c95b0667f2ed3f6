"""Window state kept between runs (QSettings), and where the book lives by default."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

APP_NAME = "hedge-planner"  # the same folder the command line uses
STATE_ENV = "PLANNER_UI_STATE"  # an .ini path: tests and screenshots keep the user's state untouched


def default_db_path() -> Path:
    """``$PLANNER_DB``, else planner.db in the user data folder (as ``planner`` on the command line)."""
    configured = os.environ.get("PLANNER_DB")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "planner.db"


def window_settings() -> QSettings:
    path = os.environ.get(STATE_ENV)
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, "window")
