"""The risk notes in the status line: what the last risk run estimated rather than read from the quote.

``planner risk`` prints them as ``note:`` lines; the window shows the first one,
shortened to the room there is, with the count, and every note in full in the
tooltip, so the trader sees when a VX future is "estimated from stored history".
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from planner.ui.elided_label import ElidedLabel

EMPTY_TIP = "Notes of the risk run: futures estimated from stored history or the term structure (none now)"


class RiskNotes(ElidedLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName("riskNotes")
        self.setContentsMargins(8, 0, 8, 0)
        self.setToolTip(EMPTY_TIP)

    def update_report(self, report) -> None:
        notes = tuple(report.notes) if report is not None else ()
        if not notes:
            self.setText("")
            self.setToolTip(EMPTY_TIP)
            return
        count = f"Notes ({len(notes)}): " if len(notes) > 1 else "Note: "
        self.setText(count + notes[0])
        self.setToolTip("\n".join(notes))  # after setText, which puts the shortened line there
