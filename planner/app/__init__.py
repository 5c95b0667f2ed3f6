"""Use cases the command line and the window share, over one ``Workspace``.

    ws = Workspace.open(path)          # creates / migrates the database
    ws.subscribe(on_change)            # Changed(topics, position_ids, label)
    ws.add_condor(expiry="2026-12-18", strikes="5400,5450,6300,6350", qty=10, credit=4.5)
    ws.book(); ws.latest_snapshot(); ws.settings(); ws.history_frame()

May import risk, rules, storage, pricing, calendars and domain; never ui or Qt.
"""

from planner.app.workspace import Changed, Workspace

__all__ = ["Changed", "Workspace"]
