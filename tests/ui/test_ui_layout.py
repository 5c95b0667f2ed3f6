"""The window at 1400x900: the positions table shows the Greeks and max loss without scrolling."""

from __future__ import annotations

from planner.ui.positions_model import COLUMN_INDEX


def test_greeks_and_max_loss_are_visible_without_scrolling(window):
    table = window.positions.table
    window.show_tab("risk")
    visible = table.viewport().width()
    widths = {key: (table.columnViewportPosition(COLUMN_INDEX[key]), table.columnWidth(COLUMN_INDEX[key]))
              for key in ("delta_spx", "delta_vix", "gamma", "vega", "theta", "protection", "max_loss")}
    for key, (left, width) in widths.items():
        assert left >= 0 and left + width <= visible, f"{key} ends at {left + width} px, the table shows {visible}"
    what = table.model().index(0, COLUMN_INDEX["what"])
    assert what.data() in what.data(3)  # the full description in the cell's tooltip, if it is cut


def test_a_long_status_message_is_complete_in_its_tooltip(window):
    message = "New suggestion: ADD mid (coverage): " + "a reason with figures, " * 12 + "end"
    window.statusBar().showMessage(message, 10000)
    assert window.statusBar().toolTip() == message
