"""The scenario map: the matrix as a heat map centred at zero, modes, today, hover, click, stress, in-place updates."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractButton

from planner.app import Workspace
from planner.app.requests import QuoteRequest
from planner.ui.chart_export import export_png
from planner.ui.scenario_view import ScenarioView


@pytest.fixture
def workspace(demo_db):
    ws = Workspace.open(demo_db)
    yield ws
    ws.close()


@pytest.fixture
def report(workspace):
    """The demo book's report: the one the view is fed, so the tests hold what is drawn to it."""
    return workspace.analyze()


@pytest.fixture
def scenario(shown, report):
    view = shown(ScenarioView(), (1100, 700))
    view.update_report(report)
    return view


def test_heat_map_shows_the_matrix_with_a_colour_bar_centred_at_zero(scenario, report):
    m = report.matrix
    assert np.array_equal(scenario.image.image, m.hedged)
    low, high = scenario.colour_bar.levels()
    assert low == -high and high == pytest.approx(float(np.max(np.abs(m.hedged))))
    xs, ys = scenario.today_marker.getData()
    assert (xs[0], ys[0]) == (m.spot_index + 0.5, m.vix_index + 0.5)
    assert m.vix_levels[m.vix_index] == report.vix and m.spx_moves[m.spot_index] == 0.0
    assert "today: SPX 5,900, VIX 16.0" in scenario.today_label.toPlainText()
    ticks = scenario.plot.getPlotItem().getAxis("bottom")._tickLevels[0]
    assert ("0 %" in [text for _, text in ticks]) and all(text.endswith("%") for _, text in ticks)


def test_toggles_show_unhedged_and_what_the_hedge_buys(qtbot, scenario, report):
    m = report.matrix
    qtbot.mouseClick(scenario.mode_buttons["unhedged"], Qt.MouseButton.LeftButton)
    assert np.array_equal(scenario.image.image, m.unhedged)
    qtbot.mouseClick(scenario.mode_buttons["difference"], Qt.MouseButton.LeftButton)
    assert np.allclose(scenario.image.image, m.hedged - m.unhedged)
    low, high = scenario.colour_bar.levels()
    assert low == -high
    assert "What the hedge buys" in scenario.title.text()


def test_clicking_a_cell_emits_its_spx_and_vix(qtbot, scenario, report):
    m = report.matrix
    row = int(np.argmin(np.abs(m.vix_levels - 30.0)))
    column = int(np.argmin(np.abs(m.spx_moves + 0.05)))
    point = scenario.plot.mapFromScene(scenario.scene_point_of(row, column))
    with qtbot.waitSignal(scenario.cell_clicked, timeout=5000) as clicked:
        qtbot.mouseClick(scenario.plot.viewport(), Qt.MouseButton.LeftButton, pos=point)
    spx, vix = clicked.args
    assert spx == pytest.approx(report.spx * (1 + m.spx_moves[column]))
    assert vix == pytest.approx(m.vix_levels[row])
    assert scenario.picked == (row, column)
    assert "sent to the risk graph" in scenario.readout.text()


def test_hover_readout_carries_units(scenario, report):
    m = report.matrix
    text = scenario.readout_for(m.vix_index, m.spot_index)
    assert "(today)" in text and "pts" in text and "$" in text and "%" in text
    assert "hedge buys" in text


def test_stress_table_lists_named_days_with_reduction(scenario, report):
    rows = report.stress
    table = scenario.stress
    assert table.rowCount() == len(rows) >= 5
    assert [table.item(r, 0).text() for r in range(len(rows))] == [row.name for row in rows]
    first = rows[0]
    assert table.item(0, 3).text().startswith(("-$", "+$", "$"))
    assert table.item(0, 5).text() == f"{first.loss_reduction_pct:,.0f} %"
    assert "Black Monday 1987" in table.item(0, 0).text()
    assert "median" in scenario.stress_summary.text()


def test_map_and_table_update_in_place_on_a_quote_change(scenario, workspace):
    items = (scenario.image, scenario.colour_bar, scenario.today_marker, scenario.break_even, scenario.today_label)
    cells = [scenario.stress.item(r, c) for r in range(scenario.stress.rowCount()) for c in range(6)]
    scene_items = len(scenario.plot.scene().items())
    image_before = np.array(scenario.image.image, copy=True)
    stress_before = [cell.text() for cell in cells]
    workspace.set_market(QuoteRequest(spx=5820, vix=19.5))
    scenario.update_report(workspace.analyze())
    assert (scenario.image, scenario.colour_bar, scenario.today_marker, scenario.break_even,
            scenario.today_label) == items
    assert [scenario.stress.item(r, c) for r in range(scenario.stress.rowCount()) for c in range(6)] == cells
    assert len(scenario.plot.scene().items()) == scene_items
    assert not np.array_equal(scenario.image.image, image_before)
    assert [cell.text() for cell in cells] != stress_before
    assert "VIX 19.5" in scenario.today_label.toPlainText()


def test_no_market_empties_the_map(scenario):
    scenario.update_report(None)
    assert scenario.image.image is None
    assert "no market yet" in scenario.title.text()
    assert scenario.stress.rowCount() == 0


def test_chart_exports_to_png_from_its_context_menu(scenario, tmp_path):
    menu = scenario.plot.getPlotItem().getViewBox().menu
    assert menu.actions()[0].text() == "Save chart as &PNG…"
    path = export_png(scenario.plot.getPlotItem(), tmp_path / "map.png")
    image = QImage(str(path))
    assert image.width() == 1600 and image.height() > 200


def test_every_control_has_a_tooltip(scenario):
    for button in scenario.findChildren(QAbstractButton):
        if button.isVisibleTo(scenario):
            assert button.toolTip(), button.text()
    for widget in (scenario.plot, scenario.stress, scenario.readout):
        assert widget.toolTip()
    for column in range(scenario.stress.columnCount()):
        assert scenario.stress.horizontalHeaderItem(column).toolTip()


def test_the_map_draws_the_vix_responses_path_and_band_over_its_full_grid(scenario, report):
    from planner.domain import Settings
    from planner.risk.vix_response import vix_response

    m = report.matrix
    assert m.hedged.shape == (m.vix_levels.size, m.spx_moves.size)  # the explicit grid, corners included
    assert m.vix_levels.min() == 10.0 and m.spx_moves.min() == pytest.approx(-0.30)
    path = vix_response(5900 * (1 + m.spx_moves), 5900, 16.0, 1, Settings())
    rows = np.arange(m.vix_levels.size) + 0.5
    for key, vix in (("low", path.low), ("central", path.central), ("high", path.high)):
        xs, ys = scenario.model_path[key].getData()
        assert np.allclose(xs, np.arange(m.spx_moves.size) + 0.5)
        assert np.allclose(ys, np.interp(vix, m.vix_levels, rows))  # in cell coordinates
    assert "central path solid" in scenario.title.text()
