"""The calculation core must import and run with no Qt installed."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import planner

CORE_PACKAGES = ("domain", "calendars", "pricing", "risk", "rules", "backtest", "storage", "feeds", "app", "cli")


def core_modules() -> list[str]:
    root = Path(planner.__file__).parent
    names = []
    for info in pkgutil.walk_packages([str(root)], prefix="planner."):
        top = info.name.split(".")[1]
        if top in CORE_PACKAGES:
            names.append(info.name)
    return sorted(names)


def test_every_core_module_imports_with_qt_blocked():
    modules = core_modules()
    assert "planner.domain.positions" in modules
    script = (
        "import sys\n"
        "sys.modules['PySide6'] = None\n"
        "sys.modules['pyqtgraph'] = None\n"
        "sys.modules['shiboken6'] = None\n"
        "import importlib\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print('imported', len(sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("imported")


def test_blocking_really_blocks():
    """Guard against a test that cannot fail: importing Qt with it blocked must fail."""
    script = "import sys\nsys.modules['PySide6'] = None\nimport PySide6\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "ModuleNotFoundError" in result.stderr or "ImportError" in result.stderr
