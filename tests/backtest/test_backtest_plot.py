"""``planner backtest ... --plot FILE.png``: routed to the window layer, drawn offscreen, stdout still clean."""

from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

pytest.importorskip("PySide6")

from planner.main import main


def test_the_plot_route_writes_a_png_and_json_naming_it(tmp_path, capsys):
    png = tmp_path / "backtest.png"
    code = main(["backtest", "--generate", "4", "--years", "0.3", "--plot", str(png), "--json",
                 "--db", str(tmp_path / "none.db")])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    payload = json.loads(captured.out)
    assert payload["plot"] == str(png) and "unhedged" in payload and "hedged" in payload
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    assert not (tmp_path / "none.db").exists()  # drawing a backtest creates no book
    assert "100 %" in captured.err


def test_the_plot_route_refuses_what_it_cannot_draw(tmp_path, capsys):
    assert main(["backtest", "--generate", "4", "--plot", str(tmp_path / "x.jpg")]) == 2
    assert "--plot must name a .png file" in capsys.readouterr().err
    assert main(["backtest", "--vix", "v.csv", "--plot", str(tmp_path / "x.png")]) == 2
    assert "--spx/--vix must both name a file" in capsys.readouterr().err
