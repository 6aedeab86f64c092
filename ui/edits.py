"""Edits from any window: a core command done through the session, with the conflict
policy's one question put to the user, and undo/redo actions that follow the session's
history. Every window uses these; none goes through another window."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from curator.errors import ConflictError, CuratorError
from curator.session import Session, Step
from curator.session.changes import Changes
from curator.session.commands import Command, EditSpan
from ui.change_signals import SessionChanges


def show_error(parent: QWidget, message: str) -> None:
    if hasattr(parent, "statusBar"):
        parent.statusBar().showMessage(message, 8000)
    QMessageBox.warning(parent, "Curator", message)


def apply_command(parent: QWidget, session: Session, command: Command,
                  show_theirs: Callable[[], None] | None = None) -> Step | None:
    """Do ``command`` through the session; the step done, or None (the user was told why).

    Someone else changed the span first: the user decides whether their edit wins; if
    not, ``show_theirs`` shows what is stored now."""
    try:
        return session.do(command)
    except ConflictError as conflict:
        answer = QMessageBox.question(parent, "Changed by someone else",
                                      f"{conflict}.\n\nOverwrite it with your change? (No shows their version.)")
        if answer == QMessageBox.StandardButton.Yes and isinstance(command, EditSpan):
            return apply_command(parent, session, dataclasses.replace(command, expected=None), show_theirs)
        if show_theirs is not None:
            show_theirs()
        return None
    except CuratorError as exc:
        show_error(parent, str(exc))
        return None


class HistoryActions(QObject):
    """Undo and Redo for one window, named after the edit they would undo or redo and
    kept current from every ``Changes`` that moved the history (whichever window, or
    the command line, moved it). UI thread only."""

    def __init__(self, session: Session, window: QWidget, changes: SessionChanges,
                 accepts: Callable[[str | None], bool] | None = None, elsewhere: str = "") -> None:
        """``accepts``: which kinds of command (``Session.next_kind``) this window's undo and
        redo take back; another kind is refused with ``elsewhere`` said in the window."""
        super().__init__(window)
        self.session, self.window = session, window
        self.accepts, self.elsewhere = accepts, elsewhere
        self.undo_action = QAction("&Undo", window)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.triggered.connect(self.undo)
        self.redo_action = QAction("&Redo", window)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.triggered.connect(self.redo)
        changes.changed.connect(self._on_changes)
        self.update()

    def undo(self) -> Step | None:
        return self._step(self.session.undo, self.session.undo_text, undo=True)

    def redo(self) -> Step | None:
        return self._step(self.session.redo, self.session.redo_text, undo=False)

    def _step(self, move, label: str | None, undo: bool) -> Step | None:
        if self.accepts is not None and label is not None and not self.accepts(self.session.next_kind(undo)):
            message = f"“{label}” is {self.elsewhere}"
            if hasattr(self.window, "say"):  # a window with a message line of its own
                self.window.say(message, error=True)
            else:
                show_error(self.window, message)
            return None
        try:
            return move()
        except CuratorError as exc:
            show_error(self.window, str(exc))
            return None

    def update(self) -> None:
        undo, redo = self.session.undo_text, self.session.redo_text
        self.undo_action.setText(f"&Undo {undo}" if undo else "&Undo")
        self.undo_action.setEnabled(undo is not None)
        self.redo_action.setText(f"&Redo {redo}" if redo else "&Redo")
        self.redo_action.setEnabled(redo is not None)

    def _on_changes(self, changes: Changes) -> None:
        if changes.history is not None:
            self.update()
