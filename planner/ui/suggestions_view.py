"""The suggestions panel: what the rules propose this morning, and what was decided before.

Current suggestions, most severe first, each with its reason, the figures
behind it and the proposed trade. Accept opens the matching ticket pre-filled
(``suggestion_tickets``); Dismiss asks for an optional reason; Snooze picks a
date. A second page lists past decisions. The model is a ``SuggestionBoard``;
the view only shows what it hands over and forwards the user's choices.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QSystemTrayIcon,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import PlannerError
from planner.domain.suggestions import ProposedTrade, Suggestion
from planner.ui.elided_label import ElidedLabel
from planner.ui.figure_text import figure, figure_label, percent, points, usd
from planner.ui.formatting import ET, KIND_NAMES
from planner.ui.suggestion_board import SuggestionBoard, headline

if TYPE_CHECKING:
    from planner.ui.tickets.base import Ticket

SEVERITY_COLOURS = {"critical": "#c62828", "high": "#e65100", "medium": "#9e7700", "low": "#607d8b"}
ID_ROLE = Qt.ItemDataRole.UserRole + 7
SECTION = object()  # a heading row in the details table
LIST_COLUMNS = ("Severity", "Suggestion", "Proposed trade")
HISTORY_COLUMNS = ("When (ET)", "Decision", "Suggestion", "Until", "Reason", "Trade shown")


def trade_text(trade: ProposedTrade | None, with_cost: bool = True) -> str:
    """'Buy 13 VIX call 20, 2026-12-16 @ 0.61 pts ($793)'; the list leaves the cost to the details."""
    if trade is None:
        return "no trade (acknowledge)"
    verb = {"buy": "Buy", "sell": "Sell", "buy-to-close": "Buy back"}.get(trade.side, trade.side)
    what = KIND_NAMES.get(trade.instrument, trade.instrument)
    strikes = "/".join(f"{k:g}" for k in trade.strikes)
    held = f" #{trade.position_id}" if trade.position_id is not None and trade.side != "buy" else ""
    cost = f" ({usd(abs(trade.cost_usd))})" if with_cost else ""
    return (f"{verb} {trade.quantity:,} {what}{held}{' ' + strikes if strikes else ''}, {trade.expiry.isoformat()} "
            f"@ {trade.price_pts:,.2f} pts{cost}")


def trade_rows(trade: ProposedTrade) -> list[tuple[str, str]]:
    rows = [
        ("Trade", trade_text(trade)),
        ("Expiry", trade.expiry.isoformat()),
        ("Strikes", ", ".join(f"{k:g}" for k in trade.strikes) or "none (future)"),
        ("Quantity", f"{trade.quantity:,} contracts"),
        ("Estimated price", points(trade.price_pts)),
        ("Cost" if trade.cost_usd >= 0 else "Proceeds", usd(abs(trade.cost_usd))),
        ("Protection added", f"{usd(trade.protection_usd)} per VIX pt"),
        ("Coverage after", percent(trade.coverage_after_pct, 1)),
        ("Risk used after", f"{percent(trade.risk_used_after_pct)} of equity"),
    ]
    if trade.future_pts is not None:
        rows.append(("Priced on VIX future", points(trade.future_pts)))
    if trade.iv is not None:
        rows.append(("Model IV", percent(trade.iv * 100.0, 1)))
    return rows


def _one_field_layout(dialog: QDialog, caption_text: str, field: QWidget, ok_text: str, ok_tip: str,
                      intro: str = "") -> None:
    """An optional explanation, one captioned field (Alt+letter reaches it) and OK/Cancel."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    ok.setToolTip(ok_tip)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form = QFormLayout()
    caption = QLabel(caption_text)
    caption.setBuddy(field)
    form.addRow(caption, field)
    layout = QVBoxLayout(dialog)
    if intro:
        text = QLabel(intro)
        text.setWordWrap(True)
        layout.addWidget(text)
    layout.addLayout(form)
    layout.addWidget(buttons)


class DismissDialog(QDialog):
    def __init__(self, suggestion: Suggestion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Dismiss: {headline(suggestion)}")
        self.reason = QLineEdit()
        self.reason.setObjectName("dismissReason")
        self.reason.setPlaceholderText("optional, e.g. 'hedged elsewhere'")
        self.reason.setToolTip("Why you pass on it; kept with the decision in the history")
        _one_field_layout(self, "&Reason", self.reason, "&Dismiss", "Record the dismissal",
                          "It stays quiet until its condition changes materially (the next threshold, a new band).")


class SnoozeDialog(QDialog):
    def __init__(self, suggestion: Suggestion, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Snooze: {headline(suggestion)}")
        self.until = QDateEdit()
        self.until.setObjectName("snoozeUntil")
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("yyyy-MM-dd ddd")
        tomorrow = today + timedelta(days=1)
        self.until.setMinimumDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
        week = today + timedelta(days=7)
        self.until.setDate(QDate(week.year, week.month, week.day))
        self.until.setToolTip("Quiet until the start of this day, New York time (tomorrow at the earliest)")
        _one_field_layout(self, "&Until", self.until, "&Snooze", "Record the snooze")

    def chosen(self) -> date:
        day = self.until.date()
        return date(day.year(), day.month(), day.day())


class Notifier:
    """A desktop notification: the system tray when there is one, else a line for the status bar."""

    def __init__(self, parent: QWidget, fallback=None) -> None:
        self.parent = parent
        self.fallback = fallback  # callable(text) -> None; the window passes its status bar
        self.tray: QSystemTrayIcon | None = None
        self.sent: list[tuple[str, str]] = []

    def notify(self, title: str, text: str) -> None:
        self.sent.append((title, text))
        if QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages():
            if self.tray is None:
                icon = self.parent.window().windowIcon()
                self.tray = QSystemTrayIcon(icon, self.parent)
                self.tray.setToolTip("Hedge Planner")
                self.tray.show()
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 15000)
        elif self.fallback is not None:
            self.fallback(f"{title}: {text}")


class SuggestionsView(QWidget):
    badge_changed = Signal(int)  # suggestions not seen since the last look
    saved = Signal(object)  # the app's Accepted, after a ticket saved
    message = Signal(str)  # a line for the status bar

    def __init__(self, board: SuggestionBoard, parent: QWidget | None = None, announce: bool = True) -> None:
        """``announce``: notify the board's notices itself (False when the window does it for every tab)."""
        super().__init__(parent)
        self.setObjectName("suggestionsView")
        self.board = board
        self.active_ticket: Ticket | None = None
        self.active_dialog = None
        self.notifier = Notifier(self, fallback=self._fallback_notice)
        self.suggestions: list[Suggestion] = []
        self.held_back: list[tuple[str, str]] = []  # (rule, why) the rules could not judge or held back

        self.header = QLabel("Computing suggestions…")
        self.header.setObjectName("suggestionsHeader")
        self.header.setWordWrap(True)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setToolTip("Run every rule again on the stored book and market")
        self.refresh_button.clicked.connect(board.refresh)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.refresh_button)

        self.list = QTreeWidget()
        self.list.setObjectName("suggestionList")
        self.list.setHeaderLabels(LIST_COLUMNS)
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setUniformRowHeights(True)
        self.list.setToolTip("Current suggestions, most severe first; bold ones are new since your last look. "
                             "Enter accepts the selected one")
        header = self.list.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.list.itemActivated.connect(lambda *_: self.accept_selected())

        self.reason = QLabel("Select a suggestion to see why, the figures behind it and the trade it proposes.")
        self.reason.setObjectName("suggestionReason")
        self.reason.setWordWrap(True)
        self.reason.setTextFormat(Qt.TextFormat.RichText)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason.setToolTip("Why the rule fired")
        self.details = QTableWidget(0, 2)
        self.details.setObjectName("suggestionDetails")
        self.details.setHorizontalHeaderLabels(("Figure", "Value"))
        self.details.verticalHeader().setVisible(False)
        self.details.verticalHeader().setDefaultSectionSize(22)
        self.details.setWordWrap(True)
        self.details.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.details.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.details.horizontalHeader().setStretchLastSection(True)
        self.details.setToolTip("The proposed trade, then the figures that triggered the rule, each with its unit")
        self.accept_button = QPushButton("&Accept…")
        self.accept_button.setToolTip("Open the trade ticket pre-filled with the proposal; confirm price and quantity")
        self.dismiss_button = QPushButton("&Dismiss…")
        self.dismiss_button.setToolTip("Pass on it (optional reason); it stays quiet until its condition changes")
        self.snooze_button = QPushButton("S&nooze…")
        self.snooze_button.setToolTip("Hide it until a date you pick")
        self.accept_button.clicked.connect(self.accept_selected)
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        self.snooze_button.clicked.connect(self.snooze_selected)
        buttons = QHBoxLayout()
        for button in (self.accept_button, self.dismiss_button, self.snooze_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(4, 0, 0, 0)
        detail_layout.addWidget(self.reason)
        detail_layout.addWidget(self.details, 1)
        detail_layout.addLayout(buttons)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setObjectName("suggestionsSplitter")
        self.split.addWidget(self.list)
        self.split.addWidget(detail)
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([540, 480])
        self.skipped = QLabel("")
        self.skipped.setObjectName("suggestionsSkipped")
        self.skipped.setWordWrap(True)
        current = QWidget()
        current_layout = QVBoxLayout(current)
        current_layout.setContentsMargins(0, 0, 0, 0)
        current_layout.addWidget(self.split, 1)
        current_layout.addWidget(self.skipped)

        self.history = QTableWidget(0, len(HISTORY_COLUMNS))
        self.history.setObjectName("decisionHistory")
        self.history.setHorizontalHeaderLabels(HISTORY_COLUMNS)
        self.history.verticalHeader().setVisible(False)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setAlternatingRowColors(True)
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setToolTip("Every accept, dismiss and snooze, newest first, with the trade it showed")

        self.pages = QTabWidget()
        self.pages.setObjectName("suggestionPages")
        self.pages.setDocumentMode(True)
        self.pages.addTab(current, "&Current")
        self.pages.addTab(self.history, "Decision hi&story")
        self.pages.setTabToolTip(0, "What the rules propose now")
        self.pages.setTabToolTip(1, "Past decisions on suggestions")
        self.last_notice = ElidedLabel("")
        self.last_notice.setObjectName("lastNotice")
        self.last_notice.setToolTip("The latest notification (the system tray shows it too when there is one)")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.last_notice)

        board.result_ready.connect(self.update_result)
        board.decisions_loaded.connect(self.update_decisions)
        board.new_count_changed.connect(self.badge_changed)
        if announce:
            board.notice.connect(self._notice)
        board.failed.connect(self.header.setText)
        self._enable_actions()

    # -- narrow update methods ------------------------------------------------------------
    def update_result(self, result) -> None:
        selected = self.selected_id()
        self.suggestions = list(result) if result is not None else []
        self.held_back = list(result.skipped) if result is not None else []
        new = self.board.new_ids
        self.list.clear()
        bold = QFont(self.list.font())
        bold.setBold(True)
        for s in self.suggestions:
            item = QTreeWidgetItem([str(s.severity), headline(s), trade_text(s.proposal, with_cost=False)])
            item.setData(0, ID_ROLE, s.id)
            item.setForeground(0, QBrush(QColor(SEVERITY_COLOURS.get(str(s.severity), "#607d8b"))))
            item.setToolTip(1, s.reason)
            item.setToolTip(2, f"{trade_text(s.proposal)}\n\n{s.reason}")
            if s.id in new:
                for column in range(len(LIST_COLUMNS)):
                    item.setFont(column, bold)
                item.setText(0, f"● {s.severity}")
            self.list.addTopLevelItem(item)
        self._select(selected)
        if result is None:
            self.header.setText("No market stored yet: enter SPX and VIX (Trade ▸ Market, Ctrl+M) for suggestions.")
            self.skipped.setText("")
        else:
            quiet = len(result.suppressed)
            at = self.board.inputs.at.astimezone(ET).strftime("%H:%M ET") if self.board.inputs else ""
            self.header.setText(
                f"<b>{len(self.suggestions)} suggestion{'s' if len(self.suggestions) != 1 else ''}</b>, "
                f"{len(new)} new since your last look · {quiet} kept quiet by earlier decisions · "
                f"computed {at} on the stored quote (VIX {result.report.vix:,.2f} pts)"
                + self._equity_note())
            skipped = list(result.skipped)
            checks = f"{len(skipped)} rule check{'s' if len(skipped) != 1 else ''}"
            self.skipped.setText(f"{checks} not judged, or held back by a gate or by the rule (hover for why)"
                                 if skipped else "Every rule was judged.")
            self.skipped.setToolTip("\n".join(f"{rule}: {why}" for rule, why in skipped) or "Nothing skipped")
        self.pages.setTabText(0, f"&Current ({len(self.suggestions)})")
        if self.isVisible():
            self.board.mark_seen()
        self._show_selected()

    def _equity_note(self) -> str:
        """The risk-cap warnings and every layer's size rest on the account's equity: say when it is a guess."""
        ws = self.board.ws
        if ws.account_set():
            return ""
        return (" · <b style='color:#b26a00'>account equity never set: risk caps and sizes assume "
                f"${ws.settings().equity:,.0f} (File ▸ Account…)</b>")

    def update_decisions(self, decisions) -> None:
        rows = list(reversed(decisions))
        self.history.setRowCount(len(rows))
        for r, d in enumerate(rows):
            shown = d.figures.get("proposal") if isinstance(d.figures, dict) else None
            trade = ""
            if isinstance(shown, dict):
                strikes = "/".join(f"{k:g}" for k in shown.get("strikes") or ())
                trade = (f"{shown.get('side', '')} {shown.get('quantity', '')} "
                         f"{KIND_NAMES.get(shown.get('instrument', ''), shown.get('instrument', ''))} {strikes} "
                         f"{shown.get('expiry', '')}").strip()
            until = d.until.astimezone(ET).date().isoformat() if d.until else ""
            texts = (d.decided_at.astimezone(ET).strftime("%Y-%m-%d %H:%M"), str(d.decision),
                     f"{d.action.replace('_', ' ')} ({d.rule}) {d.suggestion_id}", until, d.reason, trade)
            for c, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.history.setItem(r, c, item)
        self.pages.setTabText(1, f"Decision hi&story ({len(rows)})")

    # -- selection -------------------------------------------------------------------------------
    def selected_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(0, ID_ROLE) if item is not None else None

    def selected(self) -> Suggestion | None:
        chosen = self.selected_id()
        return next((s for s in self.suggestions if s.id == chosen), None)

    def select(self, suggestion_id: str) -> None:
        self._select(suggestion_id)

    def _select(self, suggestion_id: str | None) -> None:
        for i in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(i)
            if item is not None and (suggestion_id is None or item.data(0, ID_ROLE) == suggestion_id):
                self.list.setCurrentItem(item)
                return
        first = self.list.topLevelItem(0)
        if first is not None:
            self.list.setCurrentItem(first)

    def _show_selected(self) -> None:
        s = self.selected()
        self._enable_actions()
        if s is None:
            if self.suggestions:
                self.reason.setText("No suggestion selected.")
            elif self.held_back:  # say why a book that looks under-hedged gets no trade (the ladder's gate...)
                rule, why = self.held_back[0]
                self.reason.setText(f"Nothing to do now ({rule} rule): {why}.")
            else:
                self.reason.setText("Nothing to do: no rule fires.")
            self.details.setRowCount(0)
            return
        colour = SEVERITY_COLOURS.get(str(s.severity), "#607d8b")
        self.reason.setText(f"<b style='color:{colour}'>{str(s.severity).upper()}</b> <b>{headline(s)}</b>"
                            f" · id {s.id}<br>{s.reason}")
        rows = [(SECTION, "Proposed trade")]
        rows += trade_rows(s.proposal) if s.proposal is not None else [("Trade", "none: a warning to acknowledge")]
        if len(s.reasons) > 1:  # the plan merged several rules' reasons into this one trade
            rows += [(SECTION, f"Reasons that fed it ({len(s.reasons)})")]
            rows += [(f"{i}.", why) for i, why in enumerate(s.reasons, 1)]
        rows += [(SECTION, f"Figures behind it ({s.rule} rule)")]
        rows += [(figure_label(key), figure(key, value)) for key, value in s.figures.items()]
        self.details.clearSpans()
        self.details.setRowCount(len(rows))
        bold = QFont(self.details.font())
        bold.setBold(True)
        for r, (name, value) in enumerate(rows):
            if name is SECTION:
                item = QTableWidgetItem(value)
                item.setFont(bold)
                self.details.setItem(r, 0, item)
                self.details.setItem(r, 1, QTableWidgetItem(""))
                self.details.setSpan(r, 0, 1, 2)
                continue
            for c, text in enumerate((str(name), value)):  # a str: SECTION rows were handled above
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.details.setItem(r, c, item)
        self.details.resizeRowsToContents()

    def _enable_actions(self) -> None:
        chosen = self.selected() is not None
        for button in (self.accept_button, self.dismiss_button, self.snooze_button):
            button.setEnabled(chosen)

    # -- acting ---------------------------------------------------------------------------------------
    def accept_selected(self) -> None:
        s = self.selected()
        if s is None or self.board.inputs is None:
            return
        from planner.ui.suggestion_tickets import ticket_for

        def accept(**fill):
            return self.board.accept(s.id, **fill)

        ticket = ticket_for(self.board.ticket_context(), s, accept, self)
        if ticket is None:
            box = QMessageBox(QMessageBox.Icon.Question, f"Acknowledge: {headline(s)}",
                              f"{s.reason}\n\nAcknowledge this warning? It stays quiet until its condition changes.",
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
            box.button(QMessageBox.StandardButton.Yes).setText("&Acknowledge")
            box.accepted.connect(lambda: self._record("Acknowledged", lambda: self.board.accept(s.id)))
            self._open_dialog(box)
            return
        self.active_ticket = ticket
        ticket.saved.connect(self._ticket_saved)
        ticket.finished.connect(lambda _=0: self._ticket_done(ticket))
        ticket.open()

    def dismiss_selected(self) -> None:
        s = self.selected()
        if s is None:
            return
        dialog = DismissDialog(s, self)
        dialog.accepted.connect(lambda: self._record(
            "Dismissed", lambda: self.board.dismiss(s.id, dialog.reason.text())))
        self._open_dialog(dialog)

    def snooze_selected(self) -> None:
        s = self.selected()
        if s is None:
            return
        today = self.board.ws.now().astimezone(ET).date()
        dialog = SnoozeDialog(s, today, self)
        dialog.accepted.connect(lambda: self._record(
            f"Snoozed until {dialog.chosen().isoformat()}", lambda: self.board.snooze(s.id, dialog.chosen())))
        self._open_dialog(dialog)

    def _open_dialog(self, dialog) -> None:
        self.active_dialog = dialog
        dialog.finished.connect(lambda _=0: self._dialog_done(dialog))
        dialog.open()

    def _dialog_done(self, dialog) -> None:
        if self.active_dialog is dialog:
            self.active_dialog = None
        dialog.deleteLater()

    def _record(self, what: str, call) -> None:
        try:
            call()
        except PlannerError as error:
            self.message.emit(f"{what} failed: {error}")
            self.header.setText(f"{what} failed: {error}")
            return
        self.message.emit(f"{what}.")

    def _ticket_saved(self, accepted) -> None:
        ids = ", ".join(f"#{p.id}" for p in getattr(accepted, "positions", ()))
        self.message.emit(f"Accepted {headline(accepted.suggestion)}" + (f": positions {ids}" if ids else ""))
        self.saved.emit(accepted)

    def _ticket_done(self, ticket) -> None:
        if self.active_ticket is ticket:
            self.active_ticket = None
        ticket.deleteLater()

    def show_notice(self, title: str, text: str) -> None:
        self.last_notice.setText(f"Notice: {title}: {text}")

    def _notice(self, title: str, text: str) -> None:
        self.show_notice(title, text)
        self.notifier.notify(title, text)

    def _fallback_notice(self, text: str) -> None:
        self.message.emit(text)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.board.mark_seen()
