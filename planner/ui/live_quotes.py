"""Live quotes from Interactive Brokers in the window, and the alerts they raise.

``IbkrQuoteSource`` wraps the feed (``planner.feeds.ibkr``, on its own thread) and
hands its updates and states to the GUI thread through queued signals. The window
keeps each live snapshot in memory for the risk run, stores only the sampled ones
(``planner.feeds.snapshot_sampling``), and marks legs from the market
(``planner.app.leg_marks``). ``AlertLog`` is the alert log panel; ``notify`` shows
an alert in the system tray where the desktop has one, else as a notice in the
status bar, and beeps when the setting asks for it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QListWidget, QSystemTrayIcon, QWidget

from planner.feeds import SourceState
from planner.feeds.ibkr import FeedState, IbkrConfig, IbkrFeed, LinkState, LiveUpdate
from planner.feeds.ibkr_plan import SubscriptionPlan
from planner.feeds.snapshot_sampling import SnapshotSampler
from planner.ui.formatting import et_time

AGE_REFRESH_MS = 1000


class IbkrQuoteSource(QObject):
    update = Signal(object)  # LiveUpdate, on the GUI thread
    state_changed = Signal(str, object, str)  # name, SourceState, detail
    _from_feed = Signal(object)  # LiveUpdate or FeedState, feed thread -> GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.feed: IbkrFeed | None = None
        self.plan: SubscriptionPlan | None = None
        self.sampler: SnapshotSampler | None = None
        self.link = LinkState.STOPPED
        self.last_update: LiveUpdate | None = None
        self.last_error = ""
        self.extra = ""  # the window's word on the marks ("12 legs marked by the market")
        self._from_feed.connect(self._on_feed)
        # The quote's age keeps counting between ticks (a quiet market, a stalled line).
        self._age_timer = QTimer(self, interval=AGE_REFRESH_MS)
        self._age_timer.timeout.connect(self._refresh_age)

    @property
    def name(self) -> str:
        return "IBKR"

    @property
    def active(self) -> bool:
        return self.feed is not None

    def start(self, config: IbkrConfig, plan: SubscriptionPlan, store_every_s: int, keep_close: bool) -> None:
        self.stop()
        self.plan = plan
        self.sampler = SnapshotSampler(timedelta(seconds=store_every_s), keep_close)
        self.feed = IbkrFeed(config, plan.subscribed, self._from_feed.emit, self._from_feed.emit)
        self.feed.start()
        self._age_timer.start()

    def stop(self) -> None:
        self._age_timer.stop()
        if self.feed is not None:
            feed, self.feed = self.feed, None
            feed.stop()
        self.link = LinkState.STOPPED

    def _on_feed(self, item) -> None:
        if self.feed is None:
            return
        if isinstance(item, LiveUpdate):
            self.last_update = item
            self.update.emit(item)
            if item.quote() is not None and item.data_type != "live" and self.link is LinkState.CONNECTED:
                self._emit_state()
            return
        state: FeedState = item
        self.link = state.state
        if state.error_code is not None:
            self.last_error = state.detail
        self._emit_state(state.detail)

    def _refresh_age(self) -> None:
        if self.feed is not None and self.link is LinkState.CONNECTED and self.last_update is not None:
            self._emit_state()

    def state(self) -> SourceState:
        if self.link is LinkState.CONNECTED:
            update = self.last_update
            return SourceState.DELAYED if update is not None and update.data_type != "live" else SourceState.LIVE
        if self.link is LinkState.RECONNECTING:
            return SourceState.ERROR
        if self.link is LinkState.STOPPED:
            return SourceState.IDLE
        return SourceState.CONNECTING

    def detail(self, now: datetime, extra: str = "") -> str:
        update = self.last_update
        parts = [extra] if extra else []  # news first: the bar elides from the right
        if update is not None and self.link is LinkState.CONNECTED:
            age = max((now - update.received_at).total_seconds(), 0.0)
            parts.append(f"{update.data_type} data, quote {age:.1f} s old ({et_time(update.received_at)})")
        if self.plan is not None:
            parts.append(self.plan.describe())
        if self.extra:
            parts.append(self.extra)
        return "; ".join(parts)

    def _emit_state(self, extra: str = "") -> None:
        from datetime import UTC

        label = {LinkState.CONNECTED: "connected", LinkState.CONNECTING: "connecting",
                 LinkState.RECONNECTING: "reconnecting", LinkState.STOPPED: "disconnected"}[self.link]
        self.state_changed.emit(f"{self.name} {label}", self.state(), self.detail(datetime.now(UTC), extra))


class AlertLog(QListWidget):
    """One line per alert, newest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alertLog")
        self.setToolTip("Alerts raised while quotes stream (each cause once, again after it clears)")

    def add_alert(self, alert) -> None:
        self.insertItem(0, f"{et_time(alert.at)}  {alert.title}: {alert.text}")


def notify(window, alert, beep: bool, tray: QSystemTrayIcon | None) -> str:
    """Show ``alert``: a tray message where there is a tray, else a status-bar notice. Returns how."""
    if beep:
        QApplication.beep()
    if tray is not None and QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages():
        tray.showMessage(alert.title, alert.text, QSystemTrayIcon.MessageIcon.Warning, 10000)
        return "tray"
    window.statusBar().showMessage(f"Alert: {alert.title}: {alert.text}", 20000)
    return "window"
