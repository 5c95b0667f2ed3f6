"""Where the app's resource files are: the repository's ``resources/`` or the bundle's.

Pure (no Qt), so the command line and the tests may use it too. The PyInstaller
bundle unpacks nothing: its files sit in ``sys._MEIPASS`` (the bundle's
``_internal`` folder), where packaging/hedge-planner.spec copies ``resources/``.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_root() -> Path:
    """The folder holding ``icons/`` and the other resources, bundled or from source."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """A resource file's path, e.g. ``resource_path("icons", "planner.svg")``.

    The path is returned even when the file is missing (callers decide what a
    missing icon means); it never leaves the resources folder.

    >>> resource_path("icons", "planner.svg").parts[-2:]
    ('icons', 'planner.svg')
    """
    relative = Path(*parts)
    if relative.is_absolute() or ".." in relative.parts:
        raise ValueError(f"a resource is named relative to the resources folder, got {relative}")
    return resources_root() / relative
