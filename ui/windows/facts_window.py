"""The Facts window: facts reported by several sources, each with its figures and sources,
the value proposed to accept or override, the figures no fact groups, and the measures
facts are grouped by. Review → Facts across sources (Ctrl+Shift+F) opens it."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QWidget

from curator.session import Session
from curator.session.changes import Changes
from curator.session.project import Settings
from ui.change_signals import FollowsChanges, after_burst
from ui.edits import HistoryActions, apply_command
from ui.widgets.table_views import select_row
from ui.windows.facts_tab import FactsTab
from ui.windows.geometry import RememberedLayout
from ui.windows.help_sheet import HelpSheet, action_sections
from ui.windows.measures_editor import MeasuresEditor

# The facts panel's parts, by the names tests and scripts use on the window.
PARTS = ("proposal_model", "proposal_table", "mention_model", "mention_table", "mention_attribution", "other_fact",
         "fact_subject", "fact_value", "fact_note", "fact_subjects", "fact_attribution", "fact_period", "fact_error",
         "record_fact", "split_fact", "merge_fact", "move_mention")


class FactsWindow(FollowsChanges, QMainWindow):
    """Facts across sources in a window of their own, given the session: every edit (record,
    split, merge, move, attribute) is a core command done through it, on the one undo
    history. The lists follow edits made anywhere (spans, review decisions, entities,
    measures), recomputed once after a burst. UI thread only."""

    def __init__(self, session: Session, parent: QWidget | None = None, settings: Settings | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.history = HistoryActions(session, self, self.follow(session))
        self.help_sheet: HelpSheet | None = None
        self.measures_editor: MeasuresEditor | None = None
        self._stale = False
        self._refresh_soon = after_burst(self, 150, self._refresh_stale)
        self.setWindowTitle(f"Facts across sources — {self.session.project_name}")
        self.facts = FactsTab(session, self)
        self.facts.setObjectName("facts")
        self.facts.command.connect(self._apply)
        self.facts.measures_requested.connect(self.open_measures)
        self.setCentralWidget(self.facts)
        for name in PARTS:
            setattr(self, name, getattr(self.facts, name))
        self.layout_memory = RememberedLayout(self, settings, "facts", (1300, 820),
                                              {"facts": self.facts.splitter, "facts_bottom": self.facts.bottom})
        self._build_actions()
        self.show_facts()

    @property
    def proposals(self) -> list:
        return self.facts.proposals

    @property
    def recorded(self) -> list:
        return self.facts.recorded

    def show_facts(self) -> int:
        """Read the facts again and show them; returns how many are open."""
        open_count = self.facts.show_facts()
        self.setWindowTitle(f"Facts across sources ({open_count} open) — {self.session.project_name}")
        return open_count

    def open_measures(self) -> MeasuresEditor:
        if self.measures_editor is None:
            self.measures_editor = MeasuresEditor(self.session, self)
        self.measures_editor.show()
        self.measures_editor.raise_()
        return self.measures_editor

    def show_help(self) -> HelpSheet:
        """F1: every key of this window."""
        if self.help_sheet is None:
            self.help_sheet = HelpSheet(lambda: action_sections("Facts", self.actions()), None, self,
                                        "Keyboard — Facts across sources")
        self.help_sheet.show_sheet()
        return self.help_sheet

    def _build_actions(self) -> None:
        def action(key: str, text: str, slot) -> None:
            act = QAction(text, self)  # the text is what F1 lists
            act.setShortcut(QKeySequence(key))
            act.triggered.connect(slot)
            self.addAction(act)

        action("Ctrl+Return", "Record the fact", self.record_fact)
        action("S", "Split the selected figure off", self.split_fact)
        action("N", "Next fact", lambda: self._step(1))
        action("P", "Previous fact", lambda: self._step(-1))
        action("F5", "Read the facts again", self.show_facts)
        action("F1", "Keyboard", self.show_help)
        self.addAction(self.history.undo_action)
        self.addAction(self.history.redo_action)

    def _step(self, step: int) -> None:
        table = self.facts.proposal_table
        select_row(table, table.currentIndex().row() + step)

    def _apply(self, command) -> bool:
        return apply_command(self, self.session, command) is not None

    def on_changes(self, changes: Changes) -> None:
        """Facts follow every change that moves them: a fact, measure or attribution at
        once; spans, review decisions, entities, documents and relabels after the burst
        they come in."""
        if changes.facts or changes.measures:
            self.show_facts()
        elif (changes.entities or changes.spans or changes.reviews or changes.documents_added
              or changes.documents_removed or changes.relabelled):
            self._mark_stale()

    def _mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            self._refresh_soon.start()

    def showEvent(self, event) -> None:  # reopened after edits made while it was closed
        super().showEvent(event)
        if self._stale:
            self._refresh_soon.start()

    def _refresh_stale(self) -> None:
        if not self._stale:
            return
        self._stale = False
        self.show_facts()
        self.statusBar().showMessage("Updated with changes made elsewhere", 4000)
