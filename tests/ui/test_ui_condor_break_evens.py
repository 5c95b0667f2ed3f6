"""The condor ticket's break-evens and max loss are the risk report's: fees included in both."""

from __future__ import annotations

import json
import subprocess
import sys

from PySide6.QtCore import Qt

from planner.app import Workspace
from planner.domain import PositionKind
from planner.ui.tickets.condor import CondorTicket
from planner.ui.tickets.context import TicketContext

STRIKES = "5450,5500,6350,6400"


def typed(qtbot, widget, text):
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


def planner_risk(db) -> dict:
    done = subprocess.run([sys.executable, "-m", "planner", "risk", "--db", str(db), "--json"],
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout)


def test_the_ticket_shows_the_break_evens_and_max_loss_planner_risk_reports(qtbot, demo_db):
    with Workspace.open(demo_db) as ws:
        context = TicketContext(ws, ws.book(), ws.latest_snapshot(), ws.settings(), None, ws.now())
        ticket = CondorTicket(context)
        qtbot.addWidget(ticket)
        ticket.show()
        typed(qtbot, ticket.strikes, STRIKES)
        typed(qtbot, ticket.credit, "9.5")
        typed(qtbot, ticket.qty, "3")
        typed(qtbot, ticket.fees, "27")
        preview = ticket.preview.text()
        # $27 on 3 condors is 0.09 pts of each 9.50 credit: 5,500 - 9.41 and 6,350 + 9.41, said to be after fees.
        assert "after fees" in preview
        assert "5,490.59" in preview and "6,359.41" in preview, preview
        assert "5,490.50" not in preview
        # (50 - 9.50) x 100 x 3 + 27
        assert "12,177" in preview, preview
        qtbot.keyClick(ticket.fees, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not ticket.isVisible(), timeout=10_000)
        added = [p for p in ws.book().open_positions if p.kind is PositionKind.CONDOR
                 and sorted(leg.strike for leg in p.legs) == [5450, 5500, 6350, 6400]]
    assert len(added) == 1 and added[0].fees == 27.0

    rows = {row["id"]: row for row in planner_risk(demo_db)["positions"]}
    row = rows[added[0].id]
    shown = [f"{level:,.2f}" for level in row["break_evens"]["expiry"]]
    assert shown == ["5,490.59", "6,359.41"]
    assert all(level in preview for level in shown)
    assert round(row["max_loss"], 2) == 12_177.00
