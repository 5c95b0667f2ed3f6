"""What every ticket shares: labelled fields, marks on bad ones, a live preview, Save."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import InputError, PlannerError

INVALID_STYLE = "border: 2px solid #c62828; background: #fff3f3; color: #1f1f1f;"  # readable in both palettes
PREVIEW_DELAY_MS = 120  # the engine-backed part of a preview waits for typing to pause


class Ticket(QDialog):
    saved = Signal(object)  # what the use case returned

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("ticket")
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, str] = {}
        self.message = QLabel()
        self.message.setObjectName("ticketMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        self.preview = QLabel()
        self.preview.setObjectName("ticketPreview")
        self.preview.setTextFormat(Qt.TextFormat.RichText)
        self.preview.setWordWrap(True)
        self.preview.setMinimumWidth(420)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Save")
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.preview)
        layout.addWidget(self.buttons)
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._slow_preview)
        self._tooltips: dict[str, str] = {}

    # -- building ---------------------------------------------------------------------
    def add_field(self, name: str, label: str, widget: QWidget, tooltip: str) -> QWidget:
        caption = QLabel(label)
        caption.setBuddy(widget)
        widget.setObjectName(name)
        widget.setToolTip(tooltip)
        self._tooltips[name] = tooltip
        self.form.addRow(caption, widget)
        self.fields[name] = widget
        for signal_name in ("textEdited", "valueChanged", "currentIndexChanged", "itemChanged"):
            signal = getattr(widget, signal_name, None)
            if signal is not None:
                signal.connect(self.refresh)
        return widget

    # -- what subclasses provide ----------------------------------------------------------
    def check(self) -> dict[str, str]:
        """{field: reason} for every field that is wrong now (no engine, no store)."""
        return {}

    def quick_preview(self) -> str:
        """Figures that cost nothing (rich text), shown on every keystroke."""
        return ""

    def slow_preview(self) -> str:
        """Figures from the risk engine, shown once typing pauses."""
        return ""

    def save(self) -> Any:
        raise NotImplementedError

    # -- behaviour ----------------------------------------------------------------------------
    def refresh(self, *_: object) -> None:
        errors: dict[str, str] = {}
        try:
            errors = self.check()
        except InputError as error:
            errors = {self._field_for(error.field): str(error)}
        self.errors = errors
        for name, widget in self.fields.items():
            self._mark(name, widget, errors.get(name))
        self.message.setText("\n".join(errors.values()))
        self.save_button.setEnabled(not errors)
        self._quick = "" if errors else self.quick_preview()
        self.preview.setText(self._quick)
        if not errors:
            self._preview_timer.start()

    def _slow_preview(self) -> None:
        if self.errors:
            return
        try:
            slow = self.slow_preview()
        except PlannerError as error:
            slow = f"<i>Estimate unavailable: {error}</i>"
        if slow:
            self.preview.setText(self._quick + ("<br>" if self._quick else "") + slow)

    def accept(self) -> None:
        self.refresh()
        if self.errors:
            return
        try:
            result = self.save()
        except InputError as error:
            name = self._field_for(error.field)
            self.errors = {name: str(error)}
            if name in self.fields:
                self._mark(name, self.fields[name], str(error))
            self.message.setText(str(error))
            self.save_button.setEnabled(False)
            return
        except PlannerError as error:
            self.message.setText(str(error))
            return
        self.saved.emit(result)
        super().accept()

    def _field_for(self, error_field: str) -> str:
        aliases = {"close-price": "close_price", "div": "div_yield", "credit": "credit", "id": "position"}
        name = aliases.get(error_field, error_field)
        if name.startswith("future"):
            return "futures" if "futures" in self.fields else name
        return name

    def _mark(self, name: str, widget: QWidget, reason: str | None) -> None:
        widget.setProperty("invalid", bool(reason))
        widget.setStyleSheet(INVALID_STYLE if reason else "")
        widget.setToolTip(f"{reason}\n\n{self._tooltips.get(name, '')}" if reason else self._tooltips.get(name, ""))


def expiry_combo(days: list[date], today: date, default: date | None = None) -> QComboBox:
    combo = QComboBox()
    fill_expiries(combo, days, today, default)
    return combo


def fill_expiries(combo: QComboBox, days: list[date], today: date, default: date | None = None) -> None:
    combo.blockSignals(True)
    combo.clear()
    for day in days:
        combo.addItem(f"{day.isoformat()} {day.strftime('%a')} ({(day - today).days} d)", day)
    if default in days:
        combo.setCurrentIndex(days.index(default))
    combo.blockSignals(False)


def listed(kind: str, today: date, days_ahead: int) -> list[date]:
    from planner import calendars

    return calendars.expirations(kind, today + timedelta(days=1), today + timedelta(days=days_ahead))


def nearest(days: list[date], today: date, target_days: float, at_least: bool = False) -> date | None:
    """The listed day closest to ``target_days`` out (or the first at least that far)."""
    if not days:
        return None
    if at_least:
        later = [d for d in days if (d - today).days >= target_days]
        return later[0] if later else days[-1]
    return min(days, key=lambda d: abs((d - today).days - target_days))


def guarded(compute: Callable[[], str]) -> str:
    try:
        return compute()
    except PlannerError as error:
        return f"<i>{error}</i>"
