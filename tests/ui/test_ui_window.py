"""The window as a whole: tree, table, status bar, keyboard, state between runs, screenshots."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from planner.app import Workspace
from planner.app.requests import QuoteRequest
from planner.ui import launch
from planner.ui.main_window import MainWindow
from planner.ui.positions_model import COLUMN_INDEX, COLUMNS

DRAW_TIMEOUT_MS = 30_000  # generous: behaviour tests, not timing tests (importlib mode: no conftest imports)


def tree_texts(tree):
    found = []

    def walk(item):
        found.append(item.text(0))
        for i in range(item.childCount()):
            walk(item.child(i))

    for i in range(tree.topLevelItemCount()):
        walk(tree.topLevelItem(i))
    return found


def test_tree_groups_condors_tiers_and_roll_chains(window):
    texts = tree_texts(window.tree)
    assert texts[0] == "Condors (2 open)"
    assert any(t.startswith("Near tier (1)") for t in texts) and any(t.startswith("Mid tier (0)") for t in texts)
    assert any(t.startswith("Rolls #4 → #5: -$") for t in texts)
    # Condor legs under the condor: the demo's strikes follow the day it is made, so read them from the book.
    first = min((p for p in window.session.book.positions if p.kind == "condor"), key=lambda p: p.id or 0)
    long_put = min(leg.strike or 0.0 for leg in first.legs)
    assert any(t.startswith(f"+{first.quantity} SPX {long_put:,.0f} put, IV ") for t in texts)


def test_table_headers_carry_units_and_sort_by_number(qtbot, window):
    model = window.positions.model
    headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    for column in ("P&L\n($)", "Vega\n($/vol pt)", "Θ\n($/day)", "Δ SPX\n($/pt)", "Mark\n(pts)"):
        assert column in headers
    proxy, pnl = window.positions.model, COLUMN_INDEX["pnl"]
    window.positions.table.sortByColumn(pnl, Qt.SortOrder.DescendingOrder)
    values = [proxy.index(r, pnl).data(Qt.ItemDataRole.UserRole + 1) for r in range(proxy.rowCount())]
    assert values == sorted(values, reverse=True)
    texts = [proxy.index(r, pnl).data() for r in range(proxy.rowCount())]
    assert all(t.startswith(("+$", "-$", "$")) for t in texts)
    assert len(COLUMNS) == model.columnCount()


def test_status_bar_shows_equity_risk_and_coverage(window):
    assert window.equity_label.text() == f"Equity ${window.session.settings.equity:,.0f}"
    assert "of equity / cap 1.50 %" in window.risk_label.text()
    assert window.coverage_label.text().startswith("Coverage ")
    assert "%" in window.coverage_label.text()


def test_menus_reach_every_action_by_keyboard(window):
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&Trade", "&Quotes", "&View", "&Help"]
    for action in (window.condor_action, window.layer_action, window.close_action, window.roll_action,
                   window.market_action, window.undo_action, window.redo_action, window.export_action,
                   window.backup_action, window.new_action, window.open_action, window.watch_action,
                   window.replay_action):
        assert "&" in action.text() and not action.shortcut().isEmpty(), action.text()
    assert window.redo_action.shortcut().toString() == "Ctrl+Shift+Z"


def test_window_state_is_kept_between_runs(qtbot, demo_db, window_state):
    first = MainWindow(state=window_state)
    qtbot.addWidget(first)
    first.show()
    first.resize(700, 500)  # the offscreen screen is 800 x 600
    first.show_tab("calculator")
    first.risk_split.setSizes([200, 100])
    saved_split = first.risk_split.sizes()
    first.close()
    second = MainWindow(state=window_state)
    qtbot.addWidget(second)
    second.show()
    assert second.current_tab_name() == "calculator"
    assert second.height() == 500  # the width is held at least at the window's minimum
    top, bottom = second.risk_split.sizes()
    assert abs(top / bottom - saved_split[0] / saved_split[1]) < 0.05  # same split, scaled to the window


def test_calculator_tab_follows_the_stored_market(qtbot, window):
    window.show_tab("calculator")
    calculator = window.calculator_tab.ensure()
    window.workspace.set_market(QuoteRequest(spx=5800, vix=19))
    qtbot.waitUntil(lambda: calculator._market.spx == 5800, timeout=DRAW_TIMEOUT_MS)


def test_empty_book_says_what_to_do(qtbot, tmp_path, window_state):
    win = MainWindow(state=window_state)
    qtbot.addWidget(win)
    workspace = Workspace.open(tmp_path / "empty.db")
    win.open_workspace(workspace)
    qtbot.waitUntil(lambda: "No market yet" in win.risk_graph.title.text(), timeout=DRAW_TIMEOUT_MS)
    assert "Ctrl+M" in win.positions.totals.text()
    win.shutdown()
    workspace.close()


def test_screenshot_option_writes_the_png(qtbot, demo_db, tmp_path):
    out = tmp_path / "shots" / "risk.png"
    code = launch.main(["--db", str(demo_db), "--screenshot", str(out), "--tab", "risk", "--size", "1200x800"])
    assert code == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 800)


def test_bad_gui_arguments_are_one_line_errors(capsys):
    assert launch.main(["--size", "12x"]) == 2
    assert launch.main(["--screenshot", "x.jpg"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["--size must be WIDTHxHEIGHT in pixels, got 12x", "--screenshot must name a .png file, got x.jpg"]


def test_calculator_prices_vix_options_on_their_future(qtbot, window):
    window.show_tab("calculator")
    calculator = window.calculator_tab.ensure()
    calculator.instrument.setCurrentIndex(1)  # VIX option
    assert calculator.future.isVisibleTo(calculator) and not calculator.settlement.isEnabled()
    assert calculator.settlement.currentText().startswith("AM")


def test_first_run_offers_the_demo_book(qtbot, tmp_path, window_state, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    def choose_demo(box):
        demo = next(b for b in box.buttons() if "demo" in b.text())
        box.setDefaultButton(demo)
        demo.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", choose_demo)
    win = MainWindow(state=window_state)
    qtbot.addWidget(win)
    assert win.open_path(tmp_path / "first.db", offer_first_run=True)
    qtbot.waitUntil(lambda: len(win.session.book.open_positions) == 4, timeout=DRAW_TIMEOUT_MS)
    qtbot.waitUntil(lambda: win.session.report is not None and win.session.report.spx == 5900.0,
                    timeout=DRAW_TIMEOUT_MS)
    win.shutdown()
    win.workspace.close()


def test_a_quote_repaints_the_market_columns_and_a_changed_position_every_column(qtbot, window):
    from planner.domain import Book

    model = window.positions.model
    changed: list[int] = []
    model.dataChanged.connect(lambda first, last, roles=(): changed.extend(range(first.column(), last.column() + 1)))
    applied = window.session.reports_applied
    window.workspace.set_market(QuoteRequest(spx=5850, vix=17))
    qtbot.waitUntil(lambda: window.session.reports_applied > applied and window.session.report.spx == 5850,
                    timeout=DRAW_TIMEOUT_MS)
    market = {i for i, column in enumerate(COLUMNS) if column.market}
    assert set(changed) == market
    assert {COLUMN_INDEX["mark"], COLUMN_INDEX["pnl"], COLUMN_INDEX["vega"]} <= market
    assert not {COLUMN_INDEX["what"], COLUMN_INDEX["qty"], COLUMN_INDEX["expiry"]} & market
    pnl = [model.index(r, COLUMN_INDEX["pnl"]).data() for r in range(model.rowCount())]
    expected = {p.id: p.pnl_usd for p in window.session.report.positions}
    ids = [model.index(r, COLUMN_INDEX["id"]).data() for r in range(model.rowCount())]
    assert pnl == [COLUMNS[COLUMN_INDEX["pnl"]].text(expected[int(i)]) for i in ids]

    # The same positions by id, but one of them changed (an edit, a partial close): every column.
    changed.clear()
    book = window.session.book
    edited = Book(tuple(p.with_changes(note="edited") if p.is_open else p for p in book.positions))
    model.update_report(window.session.report, edited)
    assert set(changed) == set(range(len(COLUMNS)))

    # The same position objects, but a report row with another quantity (a report made before an
    # edit, applied after it, then the report made after it): every column again.
    changed.clear()
    report = window.session.report
    first = report.positions[0]
    row = object.__new__(type(first))
    for name in type(first).__slots__:
        object.__setattr__(row, name, getattr(first, name))
    object.__setattr__(row, "quantity", first.quantity + 1)
    model.update_report(replace(report, positions=(row, *report.positions[1:])), edited)
    assert set(changed) == set(range(len(COLUMNS)))
    qty = COLUMN_INDEX["qty"]
    assert f"{first.quantity + 1:,}" in [model.index(r, qty).data() for r in range(model.rowCount())]
