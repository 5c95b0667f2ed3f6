"""A new book: the account's figures first, then a short way in instead of empty charts."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from planner.domain.settings import SPEC_BY_KEY
from planner.ui.inputs import number_box
from planner.ui.tickets.base import Ticket

STEPS = (
    ("quote", "Enter a market &quote", "Ctrl+M", "SPX, VIX and the VX curve: every figure is valued on it"),
    ("condor", "Sell an iron &condor", "Ctrl+Shift+C", "Strikes, credit and quantity; max loss and break-evens"),
    ("layer", "Buy a hedge &layer", "Ctrl+Shift+L", "A VIX call, call spread, VX future or SPX put spread"),
    ("demo", "Load the &demo book", "", "Two condors, VIX layers, a quote and a year of history, to look around"),
)


class AccountTicket(Ticket):
    """Account equity and risk cap: what risk used and every layer's size are measured against."""

    def __init__(self, workspace, settings, parent: QWidget | None = None) -> None:
        super().__init__("Account", parent)
        self.workspace = workspace
        cap = SPEC_BY_KEY["risk_cap_pct"]
        assert cap.minimum is not None and cap.maximum is not None  # the risk cap's spec bounds it both ways
        self.equity = number_box(1.0, 1e12, settings.equity, 0, 10_000.0, "", "Account equity, dollars", prefix="$")
        self.risk_cap = number_box(cap.minimum, cap.maximum, settings.risk_cap_pct, 2, 0.1, "% of equity",
                                   "Largest loss a condor with its hedges may show in its worst scenario")
        intro = QLabel("Risk used and the size of every proposed layer are measured against the account. "
                       "Until it is set the planner assumes $100,000 and says so.")
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.add_field("equity", "&Equity", self.equity, "Account equity, dollars")
        self.add_field("risk_cap", "&Risk cap", self.risk_cap,
                       "Largest worst-scenario loss of a condor with its hedges, percent of equity")
        self.refresh()

    def quick_preview(self) -> str:
        loss = self.equity.value() * self.risk_cap.value() / 100
        return f"A condor with its hedges may lose at most <b>${loss:,.0f}</b> in its worst scenario."

    def save(self, force: bool = False):
        return self.workspace.set_settings({"equity": self.equity.value(), "risk_cap_pct": self.risk_cap.value()})


class GettingStarted(QFrame):
    """Shown on the Risk tab while the book has no position or no quote, in place of empty charts."""

    chosen = Signal(str)  # "quote", "condor", "layer" or "demo"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gettingStarted")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel("<b>Getting started</b>")
        self.text = QLabel()
        self.text.setWordWrap(True)
        grid = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        for row, (key, label, shortcut, tip) in enumerate(STEPS):
            button = QPushButton(label)
            button.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, k=key: self.chosen.emit(k))
            grid.addWidget(button, row, 0)
            hint = QLabel(f"{tip}{f' · {shortcut}' if shortcut else ''}")
            hint.setWordWrap(True)
            grid.addWidget(hint, row, 1)
            self.buttons[key] = button
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)

    def update_state(self, has_positions: bool, has_quote: bool) -> None:
        """What the book still needs, in the order a trader does it."""
        if not has_quote and not has_positions:
            self.text.setText("This book is empty. Enter a quote, then your condors and hedge layers; or load the "
                              "demo book to see every chart filled in.")
        elif not has_quote:
            self.text.setText("No market yet: enter a quote (SPX, VIX, the VX curve) to value the book and draw the "
                              "risk graph.")
        else:
            self.text.setText("No open position yet: sell a condor or buy a hedge layer, or load the demo book.")
        self.buttons["demo"].setEnabled(not has_positions)
