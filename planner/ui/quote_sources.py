"""Live quote sources with Qt timing: a watched file and a replay.

The file source watches the file's folder, not just the file: programs that
write safely replace the file (write a temporary, then rename), which a
watch on the old file never sees. Each change is read and parsed by
``planner.feeds``; a bad file sets the error state and the last good quote
stays in force. The replay plays stored daily closes at a chosen speed as
what-if levels (never stored).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from planner.domain.errors import PlannerError
from planner.feeds import Quote, Replay, ReplayDay, SourceState
from planner.feeds.quote_file import quote_from_bytes, read_quote_bytes
from planner.ui.formatting import et_time

SETTLE_MS = 50  # a writer may touch the folder several times per update; read once it settles


class FileQuoteSource(QObject):
    quote = Signal(object)  # Quote, each time the file holds a new good quote
    state_changed = Signal(str, object, str)  # name, SourceState, detail

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path: Path | None = None
        self.state = SourceState.IDLE
        self.detail = ""
        self.last_good: Quote | None = None
        self._digest = b""
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._changed)
        self._watcher.fileChanged.connect(self._changed)
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self.read_now)

    @property
    def name(self) -> str:
        return f"file {self.path.name}" if self.path else "file"

    def watch(self, path: str | os.PathLike) -> None:
        self.stop()
        self.path = Path(path).resolve()
        self._watcher.addPath(str(self.path.parent))
        if self.path.exists():
            self._watcher.addPath(str(self.path))
        self._set(SourceState.WATCHING, f"waiting for {self.path.name}")
        self.read_now()

    def stop(self) -> None:
        watched = self._watcher.files() + self._watcher.directories()
        if watched:
            self._watcher.removePaths(watched)
        self._settle.stop()
        self._digest = b""
        self.path = None
        self.state = SourceState.IDLE

    def report_rejected(self, error: PlannerError) -> None:
        """The store refused a parsed quote (say, an unlisted future): same as a bad file."""
        self._set(SourceState.ERROR, f"{error}; keeping {self._kept()}")

    def _changed(self, _path: str) -> None:
        if self.path is not None:
            self._settle.start()

    def read_now(self) -> None:
        if self.path is None:
            return
        if self.path.exists() and str(self.path) not in self._watcher.files():
            self._watcher.addPath(str(self.path))  # the rename replaced the file we watched
        if not self.path.exists():
            if self.state is not SourceState.WATCHING:
                self._set(SourceState.ERROR, f"{self.path.name} is missing; keeping {self._kept()}")
            return
        try:  # a regular file under the size limit only: a pipe here would freeze the window
            data = read_quote_bytes(self.path)
        except PlannerError as error:
            self._digest = b""
            self._set(SourceState.ERROR, f"{error}; keeping {self._kept()}")
            return
        digest = hashlib.sha256(data).digest()
        if digest == self._digest:
            return
        self._digest = digest
        try:
            quote = quote_from_bytes(data, self.path.suffix.lower(), source=self.name)
        except PlannerError as error:
            self._set(SourceState.ERROR, f"{error}; keeping {self._kept()}")
            return
        except Exception as exc:  # a parser gap must not leave the source "live" on a bad file
            self._set(SourceState.ERROR, f"unreadable quote ({type(exc).__name__}: {exc}); keeping {self._kept()}")
            return
        self.last_good = quote
        self._set(SourceState.LIVE, f"SPX {quote.spx:,.2f} VIX {quote.vix:,.2f}")
        self.quote.emit(quote)

    def _kept(self) -> str:
        if self.last_good is None:
            return "the stored quote"
        return f"the last good quote (SPX {self.last_good.spx:,.2f})"

    def _set(self, state: SourceState, detail: str) -> None:
        self.state, self.detail = state, detail
        self.state_changed.emit(self.name, state, detail)


class ReplaySource(QObject):
    quote = Signal(object)  # Quote of the next replayed day
    state_changed = Signal(str, object, str)
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.replay: Replay | None = None
        self.state = SourceState.IDLE
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)

    def start(self, days: list[ReplayDay], speed: float) -> None:
        self.replay = Replay(days, speed)
        self._timer.setInterval(self.replay.interval_ms)
        self._timer.start()
        self._set(SourceState.PLAYING, f"{len(days):,} days at {speed:g} days/s")

    def set_speed(self, speed: float) -> None:
        if self.replay is not None:
            self.replay.speed = speed
            self._timer.setInterval(self.replay.interval_ms)

    def pause(self) -> None:
        if self.replay is not None and self._timer.isActive():
            self._timer.stop()
            self._set(SourceState.PAUSED, self._where())

    def resume(self) -> None:
        if self.replay is not None and not self.replay.finished:
            self._timer.start()
            self._set(SourceState.PLAYING, self._where())

    def stop(self) -> None:
        self._timer.stop()
        self.replay = None
        self.state = SourceState.IDLE

    def _tick(self) -> None:
        replay = self.replay
        quote = replay.step() if replay else None
        if replay is None or quote is None:
            self._timer.stop()
            self._set(SourceState.FINISHED, self._where())
            self.finished.emit()
            return
        if replay.index == 1 or replay.index % 5 == 0:
            self._set(SourceState.PLAYING, self._where())
        self.quote.emit(quote)

    def _where(self) -> str:
        replay = self.replay
        if replay is None:
            return ""
        day = replay.current()
        where = f"day {replay.index:,}/{len(replay.days):,}"
        return f"{where} ({day.day.isoformat()}) at {replay.speed:g} days/s" if day else where

    def _set(self, state: SourceState, detail: str) -> None:
        self.state = state
        self.state_changed.emit("replay", state, detail)


def manual_detail(snapshot) -> str:
    return f"last quote {et_time(snapshot.asof)}" if snapshot is not None else "no quote yet"
