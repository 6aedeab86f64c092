"""Windows follow the session through one signal: every operation's ``Changes``.

``SessionChanges`` relays the session's change stream (and its requests to show a
document) into Qt signals; ``FollowsChanges`` is the part of a window that subscribes
once and hands each ``Changes`` to the window's ``on_changes``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from curator.session import Changes, ShowRequested


class SessionChanges(QObject):
    """Re-emits every ``Changes`` of the session as ``changed(changes)``, and every request
    to show a document as ``show_requested(request)``, on the thread that owns this object.

    Operations run on a worker thread (imports, jobs) thus reach windows and models on
    the UI thread through a queued connection. Create and use it on the UI thread."""

    changed = Signal(object)
    show_requested = Signal(object)

    def __init__(self, session: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stops = [session.changes.subscribe(self._relay), session.changes.subscribe_show(self._relay_show)]

    def _relay(self, changes: Changes) -> None:
        self.changed.emit(changes)

    def _relay_show(self, request: ShowRequested) -> None:
        self.show_requested.emit(request)

    def detach(self) -> None:
        for stop in self._stops:
            stop()
        self._stops = []


class FollowsChanges:
    """A window that follows the session: ``follow(session)`` once, in its constructor,
    and ``on_changes(changes)`` refreshes what it shows from the flags it cares about.
    UI thread only."""

    changes: SessionChanges

    def follow(self, session: Any) -> SessionChanges:
        self.changes = SessionChanges(session, self)  # type: ignore[arg-type]
        self.changes.changed.connect(self.on_changes)
        return self.changes

    def on_changes(self, changes: Changes) -> None:
        raise NotImplementedError


def after_burst(parent: QObject, milliseconds: int, slot) -> QTimer:
    """A timer that calls ``slot`` once, ``milliseconds`` after the last ``start()``: a
    burst of changes (a job's, another process's) is followed by one refresh."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(milliseconds)
    timer.timeout.connect(slot)
    return timer
