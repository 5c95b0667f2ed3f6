"""File > Export CSV writes the same file as `planner export` (open positions) or `--all`."""

from __future__ import annotations

import csv
import io

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog

from planner.cli import run

TIMEOUT_MS = 30_000  # generous: behaviour tests, not timing tests


@pytest.mark.parametrize("choice,flags", [(0, []), (1, ["--all"])])
def test_window_export_equals_the_command_line(qtbot, pinned_window, demo_db, tmp_path, monkeypatch, choice, flags):
    window_file, cli_file = tmp_path / "window.csv", tmp_path / "cli.csv"
    monkeypatch.setattr(QInputDialog, "getItem", lambda parent, title, label, items, *a: (items[choice], True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(window_file), "CSV (*.csv)"))
    qtbot.keyClick(pinned_window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window_file.exists, timeout=TIMEOUT_MS)
    moment = pinned_window.workspace.now()  # one moment for both exports: marks depend on it
    code = run(["export", *flags, "--out", str(cli_file), "--db", str(demo_db)], io.StringIO(), io.StringIO(),
               clock=lambda: moment)
    assert code == 0
    assert window_file.read_bytes() == cli_file.read_bytes()
    rows = list(csv.DictReader(io.StringIO(window_file.read_text(encoding="utf-8"))))
    open_rows = [r for r in rows if r["status"] == "open"]
    assert open_rows and all(r["value_pts"] and r["leg_pnl_usd"] and r["vega_usd_per_vol_pt"] for r in open_rows)
    assert all(len(r["value_pts"].partition(".")[2]) <= 4 for r in open_rows)
    assert all(len(r["leg_pnl_usd"].partition(".")[2]) <= 2 for r in open_rows)
    assert (len(rows) > len(open_rows)) == bool(flags)
