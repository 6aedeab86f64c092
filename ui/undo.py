"""Wraps the core's edit commands for Qt's undo stack."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from curator.commands import Command
from curator.errors import CuratorError
from curator.store import Store


class CommandAdapter(QUndoCommand):
    """One user action on the undo stack, built from a command that was already applied.

    The edit is applied before the adapter is pushed (so a failing edit never
    reaches the stack); ``redo`` and ``undo`` then swap between the command and
    its inverse. UI thread only.
    """

    def __init__(
        self,
        store: Store,
        inverse: Command,
        text: str,
        on_applied: Callable[[int], None],
        on_error: Callable[[str], None],
    ) -> None:
        super().__init__(text)
        self._store = store
        self._pending = inverse  # the command that the next undo/redo applies
        self._on_applied = on_applied
        self._on_error = on_error
        self._first_redo = True

    def _swap(self) -> None:
        command = self._pending
        try:
            self._pending = command.apply(self._store)
        except CuratorError as exc:
            self.setObsolete(True)
            self._on_error(f"Could not {self.text().lower()}: {exc}")
            return
        self._on_applied(command.doc_id)

    def redo(self) -> None:
        if self._first_redo:
            self._first_redo = False
            return
        self._swap()

    def undo(self) -> None:
        self._swap()
