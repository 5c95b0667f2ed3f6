"""A tab whose content is built the first time it is shown (start-up pays only for what is seen)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

ContentT = TypeVar("ContentT", bound=QWidget)


class LazyTab(QWidget, Generic[ContentT]):
    """Typed by its content (``LazyTab[TimelineView]``), so callers of ``content`` know what they hold."""

    def __init__(self, factory: Callable[[], ContentT], placeholder: str = "Loading…",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self.content: ContentT | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._placeholder = QLabel(placeholder)
        self._layout.addWidget(self._placeholder)

    def ensure(self) -> ContentT:
        if self.content is None:
            self.content = self._factory()
            self._layout.removeWidget(self._placeholder)
            self._placeholder.hide()
            self._placeholder.deleteLater()
            self._layout.addWidget(self.content)
        return self.content

    def showEvent(self, event) -> None:
        self.ensure()
        super().showEvent(event)
