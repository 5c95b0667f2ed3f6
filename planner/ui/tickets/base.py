"""What every ticket shares: labelled fields, marks on bad ones, a live preview, Save."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.domain.bounds import ConfirmationNeeded
from planner.domain.errors import InputError, PlannerError

if TYPE_CHECKING:
    from planner.calendars import ExpiryKind

ET = ZoneInfo("America/New_York")  # a trade's time is typed and shown on the trader's clock
FUTURE_SLACK_S = 300  # clocks that disagree by a few minutes are not a typo (as the use cases allow)

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
        # Parented at once, so Save's default status is registered with this dialog; no button is an
        # auto-default, so focus landing on Cancel never turns Enter into "throw the ticket away".
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Save")
        for button in self.buttons.buttons():
            if isinstance(button, QPushButton):  # every one of a button box's standard buttons
                button.setAutoDefault(False)
        self.save_button.setDefault(True)
        self.first_field: QWidget | None = None  # where typing starts; the first enabled field by default
        self.fair_labels: dict[str, QLabel] = {}
        self.trade_time: QLineEdit | None = None
        self.now: datetime | None = None
        self.confirmed = False  # the trader saw the quote's doubts and pressed Save again
        self._confirmed_values: tuple = ()
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
        self.form.addRow(caption, self._with_fair(name, widget))
        self.fields[name] = widget
        for signal_name in ("textEdited", "valueChanged", "currentIndexChanged", "itemChanged"):
            signal = getattr(widget, signal_name, None)
            if signal is not None:
                signal.connect(self._edited)
        return widget

    def _with_fair(self, name: str, widget: QWidget) -> QWidget:
        """A price field gets the model's fair value beside it (``set_fair``)."""
        if name not in self.fair_fields:
            return widget
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(widget, 1)
        fair = QLabel("model —")
        fair.setObjectName(f"{name}_fair")
        fair.setToolTip("The model's fair value per unit at the stored quote (Black-76 / BSM with the model's "
                        "IV): a check on the typed price, not a quote")
        fair.setMinimumWidth(fair.fontMetrics().horizontalAdvance("model 10,000.00 pts") + 8)
        layout.addWidget(fair)
        self.fair_labels[name] = fair
        return row

    fair_fields: tuple[str, ...] = ()  # names of the price fields that show a fair value

    def set_fair(self, name: str, value: float | None) -> None:
        label = self.fair_labels.get(name)
        if label is not None:
            label.setText("model —" if value is None else f"model {value:,.2f} pts")

    def add_trade_time(self, name: str, now: datetime, label: str = "T&ime (ET)") -> QLineEdit:
        """When the trade was done, New York time, to the minute; now by default, never in the future.

        Typed as text (the command line's format): a date-time spin box will not take a typed year.
        """
        self.now = now
        self._time_default = f"{now.astimezone(ET):%Y-%m-%d %H:%M}"
        box = QLineEdit(self._time_default)
        box.setPlaceholderText("YYYY-MM-DD HH:MM, New York time")
        self.trade_time = box
        self.add_field(name, label, box, "When the trade was done, New York time (ET), e.g. 2026-11-20 15:30; "
                                         "now unless typed. Not in the future, not before the position opened")
        return box

    def trade_moment(self) -> datetime | None:
        """The trade-time field as an aware ET moment (None without the field); InputError when unreadable."""
        if self.trade_time is None:
            return None
        from planner.app.inputs import parse_moment

        name = next(n for n, w in self.fields.items() if w is self.trade_time)
        return parse_moment(name, self.trade_time.text().strip().replace(" ", "T", 1))

    def trade_time_text(self) -> str | None:
        """The typed moment for the use case; None while the field still shows "now" (the use case
        then takes its own clock to the second, not this minute rounded down)."""
        if self.trade_time is None or self.trade_time.text().strip() == self._time_default:
            return None
        moment = self.trade_moment()
        return None if moment is None else moment.isoformat()

    def _time_errors(self) -> dict[str, str]:
        if self.trade_time is None or self.now is None:
            return {}
        name = next(n for n, w in self.fields.items() if w is self.trade_time)
        try:
            moment = self.trade_moment()
        except InputError as error:
            return {name: str(error)}
        if moment is None:
            return {}
        if (moment - self.now).total_seconds() > FUTURE_SLACK_S:
            shown = f"{self.now.astimezone(ET):%Y-%m-%d %H:%M}"
            return {name: f"{name} must not be in the future (now {shown} ET), got {moment:%Y-%m-%d %H:%M} ET"}
        opened = self.opened_at()
        if opened is not None and moment < opened.replace(second=0, microsecond=0):
            return {name: f"{name} must not be before the position was opened "
                          f"({opened.astimezone(ET):%Y-%m-%d %H:%M} ET), got {moment:%Y-%m-%d %H:%M} ET"}
        return {}

    def opened_at(self):
        """When the position a ticket acts on was opened (a close or roll cannot come before it)."""
        return None

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

    def save(self, force: bool = False) -> Any:
        """Write through the use case; ``force`` keeps a price or quote the stored quote doubts."""
        raise NotImplementedError

    # -- behaviour ----------------------------------------------------------------------------
    def _values(self) -> tuple:
        """What the fields hold now (a spin box re-emits an unchanged value on Enter)."""
        values: list[object] = []
        for widget in self.fields.values():
            if isinstance(widget, QListWidget):  # the list of condors a layer protects: what is ticked
                values.append(tuple(item.checkState() for i in range(widget.count())
                                    if (item := widget.item(i)) is not None))
                continue
            getter = next((g for g in ("value", "currentIndex", "text") if hasattr(widget, g)), None)
            if getter is None:  # a group of editors (the VX curve): the text of each
                values.append(tuple(child.text() for child in widget.findChildren(QLineEdit)))
            else:
                values.append(getattr(widget, getter)())
        return tuple(values)

    def _edited(self, *_: object) -> None:
        """A changed field withdraws a confirmation given for the old values."""
        if self.confirmed and self._values() != self._confirmed_values:
            self.confirmed = False
            self.save_button.setText("&Save")
        self.refresh()

    def refresh(self, *_: object) -> None:
        errors: dict[str, str] = {}
        try:
            errors = self.check()
        except InputError as error:
            errors = {self._field_for(error.field): str(error)}
        errors = {**self._time_errors(), **errors}
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

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # After the button box's own show handling, which would otherwise hand focus to its first
        # enabled button (Cancel, while Save waits for valid input).
        first = self.first_field or next((w for w in self.fields.values() if w.isEnabled()), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.TabFocusReason)

    def keyPressEvent(self, event) -> None:
        """Enter is Save (kept open, with the reasons, while something is wrong); Escape cancels."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            self.accept()
            return
        super().keyPressEvent(event)

    def accept(self) -> None:
        self.refresh()
        if self.errors:
            return
        try:
            # A ticket with nothing for the quote to doubt need not take ``force``.
            result = self.save(force=True) if self.confirmed else self.save()
        except ConfirmationNeeded as doubts:
            # Doubts depend on the quote: a real fill in a fast market may break them, so the
            # trader may keep it, but only by pressing Save (or Enter) a second time.
            self.confirmed, self._confirmed_values = True, self._values()
            self.message.setText(f"{doubts}".replace(" (add --force to keep it anyway)", "")
                                 + "\nPress Save again (Enter) to keep it anyway, or change it.")
            self.message.setToolTip(self.message.text())
            self.save_button.setText("Save &anyway")
            return
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
        aliases = {"close-price": "close_price", "div": "div_yield", "credit": "credit", "id": "position",
                   "opened": "at", "asof": "at"}
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


def listed(kind: ExpiryKind, today: date, days_ahead: int) -> list[date]:
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
