"""The layer timeline: a row per position, tier colours, roll links, markers, VIX below, in-place updates."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from planner import calendars
from planner.app import Workspace
from planner.app.requests import QuoteRequest, RollRequest
from planner.domain import PositionKind
from planner.ui.formatting import ET
from planner.ui.timeline_view import PAST_ALPHA, TimelineView, day_seconds


@pytest.fixture
def workspace(demo_db):
    ws = Workspace.open(demo_db)
    yield ws
    ws.close()


def fill(view, ws):
    view.update_settings(ws.settings())
    view.update_history(ws.history_frame())
    view.update_events(ws.events())
    view.update_book(ws.book())
    view.update_report(ws.analyze())


@pytest.fixture
def timeline(shown, workspace):
    view = shown(TimelineView(), (1100, 750))
    fill(view, workspace)
    return view


def bar_rows(bars) -> list[int]:
    return [int(y) for y in np.atleast_1d(bars.opts["y"])]


def test_one_row_per_position_bars_coloured_by_tier(timeline, workspace):
    book = workspace.book()
    assert len(timeline.rows) == len(book.positions)
    assert timeline.row_axis.names[0].startswith("#1 Condor")
    near = [p.id for p in book.positions if str(p.tier) == "near"]
    assert sorted(timeline.rows[r].id for r in bar_rows(timeline.tier_bars["near"])) == sorted(near)
    assert [timeline.rows[r].id for r in bar_rows(timeline.tier_bars["long"])] == [
        p.id for p in book.positions if str(p.tier) == "long"]
    assert bar_rows(timeline.tier_bars["mid"]) == []
    assert len(bar_rows(timeline.condor_bars)) == len([p for p in book.positions if p.kind is PositionKind.CONDOR])
    alphas = {timeline.rows[r].is_open: b.color().alpha()
              for r, b in zip(bar_rows(timeline.tier_bars["near"]), timeline.tier_bars["near"].opts["brushes"],
                              strict=True)}
    assert alphas == {True: 255, False: PAST_ALPHA}  # closed and rolled layers are faint
    layer = next(p for p in book.layers if str(p.tier) == "long")
    start, end = timeline.tier_bars["long"].opts["x0"][0], timeline.tier_bars["long"].opts["x1"][0]
    assert (start, end) == (day_seconds(layer.opened_at.astimezone(ET).date()), day_seconds(layer.expiry))


def test_a_roll_in_the_store_appears_as_a_link(timeline, workspace):
    assert timeline.roll_pairs == [(4, 5)]  # the demo's near layer #4 rolled into #5
    xs, ys = timeline.roll_links.getData()
    row_of = {p.id: i for i, p in enumerate(timeline.rows)}
    assert list(ys) == [row_of[4], row_of[5]]
    rolled = workspace.position(5)
    today = workspace.now().astimezone(ET).date()
    later = next(d for d in calendars.expirations("vix", today + timedelta(days=1), today + timedelta(days=120))
                 if d > rolled.expiry)
    # a sale far under the model's mark: confirmed, as the trader would
    _, new = workspace.roll_layer(RollRequest(
        position_id=5, close_price=0.4, expiry=later.isoformat(), price=0.9, force=True))
    timeline.update_book(workspace.book())
    assert timeline.roll_pairs == [(4, 5), (5, new.id)]
    xs, ys = timeline.roll_links.getData()
    row_of = {p.id: i for i, p in enumerate(timeline.rows)}
    assert list(ys[2:]) == [row_of[5], row_of[new.id]]
    assert xs[3] == day_seconds(new.opened_at.astimezone(ET).date())
    heads_x, _ = timeline.roll_heads.getData()
    assert len(heads_x) == 2
    assert f"rolled into #{new.id}" in timeline.details(workspace.position(5))


def test_markers_today_events_and_vix_expiries(timeline, workspace):
    events = workspace.events()
    for event in events:
        line = timeline.event_lines[str(event.kind)]
        assert day_seconds(event.date) in list(line.getData()[0])
    shown = [label.toPlainText() for label in timeline.event_labels if label.isVisible()]
    assert sorted(shown) == sorted(str(e.kind) for e in events)
    # The VX expiry lines: every listed VIX expiry across the drawn span, none skipped, the layers' own among them.
    drawn = sorted(set(timeline.vx_expiries.getData()[0]))
    today = timeline.report.asof.astimezone(ET).date()
    listed = [day_seconds(d) for d in calendars.expirations("vix", today - timedelta(days=730),
                                                             today + timedelta(days=730))]
    start = listed.index(drawn[0])
    assert drawn == listed[start:start + len(drawn)]
    layers = {day_seconds(p.expiry) for p in workspace.book().open_positions if p.kind is not PositionKind.CONDOR}
    assert layers and layers <= set(drawn)
    assert drawn[0] < day_seconds(today) < drawn[-1]
    assert timeline.today_line.value() == timeline.report.asof.timestamp()


def test_vix_history_with_tier_thresholds(timeline, workspace):
    frame = workspace.history_frame()
    xs, ys = timeline.vix_curve.getData()
    assert len(xs) == frame["VIX"].notna().sum() and ys[-1] == frame["VIX"].dropna().iloc[-1]
    assert [timeline.thresholds[t].value() for t in ("near", "mid", "long")] == [18.0, 22.0, 28.0]
    timeline.update_settings(workspace.settings().with_value("mid_vix_threshold", 24))
    assert timeline.thresholds["mid"].value() == 24.0


def test_hover_shows_cost_mark_pnl_protection_and_days_left(timeline, workspace):
    layer = workspace.position(5)
    row = next(i for i, p in enumerate(timeline.rows) if p.id == 5)
    middle = (day_seconds(layer.opened_at.astimezone(ET).date()) + day_seconds(layer.expiry)) / 2
    assert timeline.position_at(middle, row).id == 5
    text = timeline.details(layer)
    for part in ("cost $", "mark ", " pts", "P&L ", "protection $", "per VIX pt", " d left"):
        assert part in text, part
    assert "realized" in timeline.details(workspace.position(3))


def test_double_click_on_a_bar_opens_it(qtbot, timeline, workspace):
    layer = workspace.position(6)
    row = next(i for i, p in enumerate(timeline.rows) if p.id == 6)
    middle = (day_seconds(layer.opened_at.astimezone(ET).date()) + day_seconds(layer.expiry)) / 2
    scene = timeline.plot.getPlotItem().getViewBox().mapViewToScene(QPointF(middle, row))
    point = timeline.plot.mapFromScene(scene)
    with qtbot.waitSignal(timeline.position_activated, timeout=5000) as activated:
        # A real double click: press and release, then the double-click press and its release.
        qtbot.mouseClick(timeline.plot.viewport(), Qt.MouseButton.LeftButton, pos=point)
        qtbot.mouseDClick(timeline.plot.viewport(), Qt.MouseButton.LeftButton, pos=point)
        qtbot.mouseRelease(timeline.plot.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert activated.args == [6]


def test_a_quote_change_updates_in_place(timeline, workspace):
    bars = dict(timeline.tier_bars)
    items = (timeline.condor_bars, timeline.roll_links, timeline.today_line, timeline.vix_now, timeline.vix_curve)
    labels = timeline.pnl_labels
    scene_items = len(timeline.plot.scene().items())
    texts = labels.texts()
    x_before = np.array(timeline.tier_bars["near"].opts["x0"], copy=True)
    workspace.set_market(QuoteRequest(spx=5780, vix=21.5))
    timeline.update_report(workspace.analyze())
    assert timeline.tier_bars == bars
    assert (timeline.condor_bars, timeline.roll_links, timeline.today_line, timeline.vix_now,
            timeline.vix_curve) == items
    assert timeline.pnl_labels is labels and len(timeline.plot.scene().items()) == scene_items
    assert np.array_equal(timeline.tier_bars["near"].opts["x0"], x_before)  # bars stay, data moves
    _, vix_y = timeline.vix_now.getData()
    assert vix_y[0] == 21.5
    assert labels.texts() != texts and len(labels.texts()) == len(texts)


def test_chart_context_menus_save_png(timeline, tmp_path):
    from planner.ui.chart_export import export_png

    for plot in (timeline.plot, timeline.vix_plot):
        assert plot.getPlotItem().getViewBox().menu.actions()[0].text() == "Save chart as &PNG…"
    path = export_png(timeline.plot.getPlotItem(), tmp_path / "timeline.png")
    assert path.stat().st_size > 1000
    for widget in (timeline.plot, timeline.vix_plot, timeline.legend, timeline.readout):
        assert widget.toolTip()
