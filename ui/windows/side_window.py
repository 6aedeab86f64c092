"""What the windows beside the work (duplicates, facts) share: keys listed by F1, commands
done on the one undo history, and lists recomputed once after a burst of changes made
elsewhere, or when the window is shown again."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QWidget

from curator.session import Session
from ui.change_signals import FollowsChanges, after_burst
from ui.edits import HistoryActions, apply_command
from ui.windows.help_sheet import HelpSheet, action_sections


class SideWindow(FollowsChanges, QMainWindow):
    """A window that follows the session: ``_key`` adds a key F1 lists (``help_heading``,
    ``help_title``), ``_apply`` does a command through the session's history, and
    ``_mark_stale(part, …)`` has ``_refresh_parts(parts)`` called once, 150 ms after the last
    mark while the window is visible or when it is shown again. UI thread only."""

    help_heading = ""
    help_title = ""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.history = HistoryActions(session, self, self.follow(session))
        self.help_sheet: HelpSheet | None = None
        self._stale: set[str] = set()
        self._refresh_soon = after_burst(self, 150, self._refresh_stale)

    def show_help(self) -> HelpSheet:
        """F1: every key of this window."""
        if self.help_sheet is None:
            self.help_sheet = HelpSheet(lambda: action_sections(self.help_heading, self.actions()), None, self,
                                        self.help_title)
        self.help_sheet.show_sheet()
        return self.help_sheet

    def _key(self, key: str, text: str, slot) -> None:
        act = QAction(text, self)  # the text is what F1 lists
        act.setShortcut(QKeySequence(key))
        act.triggered.connect(slot)
        self.addAction(act)

    def _add_history_keys(self) -> None:
        self.addAction(self.history.undo_action)
        self.addAction(self.history.redo_action)

    def _apply(self, command) -> bool:
        return apply_command(self, self.session, command) is not None

    def _mark_stale(self, *parts: str) -> None:
        self._stale.update(parts)
        if self.isVisible():
            self._refresh_soon.start()

    def showEvent(self, event) -> None:  # reopened after edits made while it was closed
        super().showEvent(event)
        if self._stale:
            self._refresh_soon.start()

    def _refresh_stale(self) -> None:
        if not self._stale:
            return
        stale, self._stale = self._stale, set()
        self._refresh_parts(stale)
        self.statusBar().showMessage("Updated with changes made elsewhere", 4000)

    def _refresh_parts(self, parts: set[str]) -> None:
        """Recompute the parts marked stale."""
        raise NotImplementedError
