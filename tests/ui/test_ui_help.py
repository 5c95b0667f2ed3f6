"""`planner --help` names the window; `planner gui --help` names every tab the window has."""

from __future__ import annotations

import subprocess
import sys

from planner.ui.launch import TABS


def help_text(*argv: str) -> str:
    done = subprocess.run([sys.executable, "-m", "planner", *argv, "--help"], capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout


def test_planner_help_lists_gui():
    text = help_text()
    assert "\n    gui " in text and "open the window" in text


def test_gui_help_lists_every_tab(window):
    assert set(TABS) == set(window.tab_names)
    text = " ".join(help_text("gui").split())
    for tab in TABS:
        assert tab in text.split("tab to show first:")[1], tab
