"""Editors for the event calendar (FOMC, CPI, PPI, custom) and the user's signals.

The event rule warns about condors that expire after an event in the
calendar; signals are named values the user sets by hand (a macro view) that
a rule can be gated on (a signal is on when its value is above 0). Both are
small lists: each editor lists them in a table and adds, changes or deletes
one at a time through the workspace, checked as typed like a ticket.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.app.calendar_entries import LABEL_LIMIT, event_problems, signal_problems
from planner.domain.errors import PlannerError
from planner.domain.records import Event, EventKind, Signal
from planner.ui.formatting import ET
from planner.ui.tickets.base import INVALID_STYLE

# The tickets' mark, with dark text: its light background must stay readable in the dark palette.
MARKED_STYLE = INVALID_STYLE + " color: #1f1f1f;"


def _table(columns: tuple[str, ...], tooltip: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setDefaultSectionSize(22)
    table.setToolTip(tooltip)
    return table



def _editor_layout(owner, heading_html: str, table, fields, buttons, top_margin: int) -> QLabel:
    """Heading, table, form (each caption the buddy of its field, for Alt+letter), the error line
    and the buttons, in that order; returns the error line."""
    message = QLabel("")
    message.setStyleSheet("color: #c62828;")
    message.setWordWrap(True)
    form = QFormLayout()
    for caption, widget in fields:
        label = QLabel(caption)
        label.setBuddy(widget)
        form.addRow(label, widget)
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, top_margin, 0, 0)
    heading = QLabel(heading_html)
    heading.setWordWrap(True)
    layout.addWidget(heading)
    layout.addWidget(table, 1)
    layout.addLayout(form)
    layout.addWidget(message)
    layout.addLayout(row)
    return message

class Subscription:
    """A workspace listener that ends with its widget and can move to another workspace (File ▸ Open)."""

    def __init__(self, widget: QWidget, workspace, listener) -> None:
        self._listener = listener
        self._cancel = workspace.subscribe(listener)
        widget.destroyed.connect(self.cancel)

    def move(self, workspace) -> None:
        self.cancel()
        self._cancel = workspace.subscribe(self._listener)

    def cancel(self, *_: object) -> None:
        self._cancel()
        self._cancel = lambda: None


def _mark(widget: QWidget, reason: str | None, tooltip: str) -> None:
    widget.setProperty("invalid", bool(reason))
    widget.setStyleSheet(MARKED_STYLE if reason else "")
    widget.setToolTip(f"{reason}\n\n{tooltip}" if reason else tooltip)


class EventEditor(QWidget):
    def __init__(self, workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eventEditor")
        self.ws = workspace
        self.events: list[Event] = []
        self.table = _table(("Date", "Kind", "Label"), "Events the event rule warns about before a condor's expiry")
        self.table.setObjectName("eventTable")
        self.date = QDateEdit()
        self.date.setObjectName("eventDate")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd ddd")
        self.kind = QComboBox()
        self.kind.setObjectName("eventKind")
        for kind in EventKind:
            self.kind.addItem(str(kind), kind)
        self.label = QLineEdit()
        self.label.setObjectName("eventLabel")
        self.label.setPlaceholderText("e.g. FOMC rate decision")
        self.tips = {
            "date": "Day of the event (New York); today or later",
            "kind": "FOMC, CPI, PPI, or custom (a custom event needs a label)",
            "label": f"Optional text shown with the event (at most {LABEL_LIMIT} characters)",
        }
        self.date.setToolTip(self.tips["date"])
        self.kind.setToolTip(self.tips["kind"])
        self.label.setToolTip(self.tips["label"])
        self.add_button = QPushButton("&Add event")
        self.add_button.setToolTip("Put the event in the calendar (Ctrl+Z undoes it)")
        self.delete_button = QPushButton("De&lete event")
        self.delete_button.setToolTip("Remove the selected event from the calendar (Ctrl+Z undoes it)")
        self.message = _editor_layout(
            self, "<b>Event calendar</b>: the event rule warns about condors expiring after these", self.table,
            (("&When", self.date), ("&Kind", self.kind), ("La&bel", self.label)), (self.add_button, self.delete_button),
            top_margin=0)
        self.add_button.clicked.connect(self.add)
        self.delete_button.clicked.connect(self.delete_selected)
        self.date.dateChanged.connect(self.check)
        self.kind.currentIndexChanged.connect(self.check)
        self.label.textChanged.connect(self.check)
        self.table.itemSelectionChanged.connect(self._selection)
        self.subscription = Subscription(self, workspace, self._workspace_changed)
        self.reload()
        tomorrow = self._today() + timedelta(days=1)
        self.date.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
        self.check()

    def _today(self) -> date:
        return self.ws.today()

    def _day(self) -> date:
        chosen = self.date.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def set_workspace(self, workspace) -> None:
        self.ws = workspace
        self.subscription.move(workspace)
        self.reload()

    def reload(self) -> None:
        self.update_events(self.ws.events())

    def update_events(self, events) -> None:
        self.events = sorted(events, key=lambda e: (e.date, e.id or 0))
        today = self._today()
        self.table.setRowCount(len(self.events))
        for r, event in enumerate(self.events):
            past = event.date < today
            for c, text in enumerate((f"{event.date.isoformat()} {event.date:%a}", str(event.kind), event.label)):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{event.kind} on {event.date.isoformat()}{' (past)' if past else ''}: {event.label}")
                if past:
                    item.setForeground(QBrush(QColor("#9e9e9e")))
                self.table.setItem(r, c, item)
        self._selection()

    def check(self, *_: object) -> dict[str, str]:
        problems = event_problems(self._day(), self.kind.currentData(), self.label.text(), self._today())
        errors = {field: str(error) for field, error in problems.items()}
        for name, widget in (("date", self.date), ("kind", self.kind), ("label", self.label)):
            _mark(widget, errors.get(name), self.tips[name])
        self.message.setText("\n".join(errors.values()))
        self.add_button.setEnabled(not errors)
        return errors

    def add(self) -> Event | None:
        if self.check():
            return None
        event = Event(self._day(), EventKind(self.kind.currentData()), self.label.text().strip())
        try:
            stored = self.ws.add_event(event)
        except PlannerError as error:
            self.message.setText(str(error))
            return None
        self.label.clear()
        return stored

    def selected(self) -> Event | None:
        rows = self.table.selectionModel().selectedRows()
        return self.events[rows[0].row()] if rows else None

    def delete_selected(self) -> None:
        event = self.selected()
        if event is None or event.id is None:
            return
        try:
            self.ws.delete_event(event)
        except PlannerError as error:
            self.message.setText(str(error))

    def _selection(self) -> None:
        self.delete_button.setEnabled(self.selected() is not None)

    def _workspace_changed(self, changed) -> None:
        if changed.external or "events" in changed.topics:
            self.reload()


class SignalEditor(QWidget):
    def __init__(self, workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signalEditor")
        self.ws = workspace
        self.signals: list[Signal] = []
        self.table = _table(("Name", "Value", "Note", "Updated (ET)"),
                            "Your signals; a rule gated on one acts only while its value is above 0")
        self.table.setObjectName("signalTable")
        self.name = QLineEdit()
        self.name.setObjectName("signalName")
        self.name.setPlaceholderText("e.g. macro_stress")
        self.value = QLineEdit()
        self.value.setObjectName("signalValue")
        self.value.setPlaceholderText("a number; above 0 = on")
        self.note = QLineEdit()
        self.note.setObjectName("signalNote")
        self.note.setPlaceholderText("optional, e.g. 'credit spreads widening'")
        self.tips = {
            "name": "Lower-case letters, digits and _, starting with a letter (how a gate names it)",
            "value": "A number: above 0 the signal is on, 0 or below it is off",
            "note": f"Optional reminder of why (at most {LABEL_LIMIT} characters)",
        }
        for key, widget in (("name", self.name), ("value", self.value), ("note", self.note)):
            widget.setToolTip(self.tips[key])
        self.set_button = QPushButton("Set si&gnal")
        self.set_button.setToolTip("Store the signal (a new one, or a new value for an existing name)")
        self.delete_button = QPushButton("Delete s&ignal")
        self.delete_button.setToolTip("Remove the selected signal (Ctrl+Z undoes it)")
        self.message = _editor_layout(
            self, "<b>User signals</b>: your own inputs (macro views) a rule can be gated on", self.table,
            (("Na&me", self.name), ("Val&ue", self.value), ("N&ote", self.note)), (self.set_button, self.delete_button),
            top_margin=6)
        self.set_button.clicked.connect(self.store)
        self.delete_button.clicked.connect(self.delete_selected)
        for widget in (self.name, self.value, self.note):
            widget.textChanged.connect(self.check)
        self.table.itemSelectionChanged.connect(self._selection)
        self.subscription = Subscription(self, workspace, self._workspace_changed)
        self.reload()
        self.check()

    def set_workspace(self, workspace) -> None:
        self.ws = workspace
        self.subscription.move(workspace)
        self.reload()

    def reload(self) -> None:
        self.update_signals(self.ws.signals())

    def update_signals(self, signals) -> None:
        self.signals = sorted(signals, key=lambda s: s.name)
        self.table.setRowCount(len(self.signals))
        for r, signal in enumerate(self.signals):
            on = signal.value is not None and signal.value > 0
            updated = signal.updated.astimezone(ET).strftime("%Y-%m-%d %H:%M") if signal.updated else "—"
            value = "not set" if signal.value is None else f"{signal.value:g} ({'on' if on else 'off'})"
            for c, text in enumerate((signal.name, value, signal.note, updated)):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{signal.name} = {value}: {signal.note}".rstrip(": "))
                self.table.setItem(r, c, item)
        self._selection()

    def check(self, *_: object) -> dict[str, str]:
        name, text = self.name.text().strip(), self.value.text().strip()
        problems = signal_problems(name, text, self.note.text())
        errors = {field: str(error) for field, error in problems.items()}
        # A blank form is not wrong yet: only what the user typed is marked; Set waits for both fields.
        shown = {k: why for k, why in errors.items() if {"name": name, "value": text}.get(k, "x")}
        for key, widget in (("name", self.name), ("value", self.value), ("note", self.note)):
            _mark(widget, shown.get(key), self.tips[key])
        self.message.setText("\n".join(shown.values()))
        self.set_button.setEnabled(not errors)
        return errors

    def store(self) -> Signal | None:
        if self.check():
            return None
        signal = Signal(self.name.text().strip(), float(self.value.text()), self.note.text().strip(), self.ws.now())
        try:
            stored = self.ws.set_signal(signal)
        except PlannerError as error:
            self.message.setText(str(error))
            return None
        return stored

    def selected(self) -> Signal | None:
        rows = self.table.selectionModel().selectedRows()
        return self.signals[rows[0].row()] if rows else None

    def delete_selected(self) -> None:
        signal = self.selected()
        if signal is None:
            return
        try:
            self.ws.delete_signal(signal.name)
        except PlannerError as error:
            self.message.setText(str(error))

    def _selection(self) -> None:
        signal = self.selected()
        self.delete_button.setEnabled(signal is not None)
        if signal is not None:  # pick a row to edit it
            self.name.setText(signal.name)
            self.value.setText("" if signal.value is None else f"{signal.value:g}")
            self.note.setText(signal.note)

    def _workspace_changed(self, changed) -> None:
        if changed.external or "signals" in changed.topics:
            self.reload()

