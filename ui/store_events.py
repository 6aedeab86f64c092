"""Bridges the session's (the store's) change events into a Qt signal."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from curator.store.events import Event


class StoreEvents(QObject):
    """Re-emits every store event as ``changed(event)`` on the thread that owns this object.

    Writes made on a worker thread (imports) thus reach models on the UI thread
    through a queued connection. Create and use it on the UI thread.
    """

    changed = Signal(object)

    def __init__(self, source: Any, parent: QObject | None = None) -> None:
        """``source``: a session or a store (anything with ``events``)."""
        super().__init__(parent)
        self._unsubscribe = source.events.subscribe(self._relay)

    def _relay(self, event: Event) -> None:
        self.changed.emit(event)

    def detach(self) -> None:
        self._unsubscribe()


def after_burst(parent: QObject, milliseconds: int, slot) -> QTimer:
    """A timer that calls ``slot`` once, ``milliseconds`` after the last ``start()``: a
    burst of events (a merge relinks many spans) is followed by one refresh."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(milliseconds)
    timer.timeout.connect(slot)
    return timer
