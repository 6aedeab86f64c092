"""The review window's Relations tab: agreement on relations per relation label, and every
link an annotator drew as an item to settle into a gold relation between gold spans.
Given the review window's session; decisions are session commands (Ctrl+Z undoes them)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from curator.errors import CuratorError
from curator.session.reviewing import (
    RelationItem,
    Reviewing,
    figure_text,
)
from ui.change_signals import SessionChanges, after_burst
from ui.models.record_table_model import RecordTableModel
from ui.widgets.table_views import make_table, select_row

COLUMNS = [("document", "Document", ""), ("relation", "Relation", "Its first span, its label, its second span"),
           ("versions", "Drawn by", "Who of those who worked on the document drew it"),
           ("state", "State", "open disagreement, agreement or single annotator; or settled")]


def _state(item: RelationItem) -> str:
    if item.settled:
        return item.decision or ""
    return "single annotator" if item.single else "agreement" if item.agreed else "disagreement"


class RelationReviewTab(QWidget):
    """Relation items and relation agreement, refreshed as the project changes. UI thread only."""

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.reviewing = session, Reviewing(session)
        self.items: list[RelationItem] = []
        layout = QVBoxLayout(self)
        self.figures = QLabel(self)
        self.figures.setObjectName("relation_agreement")
        self.figures.setWordWrap(True)
        layout.addWidget(self.figures)
        self.model = RecordTableModel(COLUMNS, self)
        self.table = make_table(self.model, self, "No relations drawn yet")
        self.table.setObjectName("relation_items")
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        for text, slot in (("Accept into gold", lambda: self.settle(True)), ("Reject", lambda: self.settle(False)),
                           ("Accept all agreements", self.accept_agreed), ("Refresh", self.refresh)):
            button = QPushButton(text, self)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self._soon = after_burst(self, 200, self.refresh)
        self.changes = SessionChanges(session, self)
        self.changes.changed.connect(self.on_changes)
        self.refresh()

    def refresh(self) -> None:
        current = self.table.currentIndex().row()
        self.items, report = self.reviewing.relations()
        titles = {}
        for item in self.items:
            titles.setdefault(item.doc_id, item.doc_uid)
        self.model.set_rows([{"document": titles[item.doc_id], "relation": item.text,
                              "versions": ", ".join(f"{name} {'✓' if drawn else '✗'}"
                                                    for name, drawn in item.versions.items()),
                              "state": _state(item)} for item in self.items])
        if self.items:
            select_row(self.table, max(0, current))
        rows = [f"{row['label']}: F1 {figure_text(row['f1'])}, κ {figure_text(row['kappa'])} "
                f"({row['relations']} relations)" for row in report["labels"]]
        open_count = sum(1 for item in self.items if not item.settled)
        self.figures.setText(("Agreement on relations (a match: both ends and the label). " + " · ".join(rows)
                              if rows else "No relations to compare yet.") + f"  {open_count} open.")

    def current(self) -> RelationItem | None:
        row = self.table.currentIndex().row()
        return self.items[row] if 0 <= row < len(self.items) else None

    def settle(self, accept: bool) -> bool:
        item = self.current()
        if item is None:
            self.say("Choose a relation in the list first", error=True)
            return False
        return self._do(lambda: self.reviewing.settle_relation(item, accept))

    def accept_agreed(self) -> bool:
        return self._do(self.reviewing.accept_agreed_relations)

    def _do(self, make) -> bool:
        try:
            command = make()
            if command is None:
                self.say("Nothing to accept: no open agreement has its gold spans yet")
                return False
            step = self.session.do(command)
        except CuratorError as exc:
            self.say(str(exc), error=True)
            return False
        self.say(f"✓ {step.label} (Ctrl+Z undoes it)")
        self.refresh()
        return True

    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020" if error else "color: #2e7d32")
        self.message.setText(text)

    def on_changes(self, changes: Any) -> None:
        if (changes.relations or changes.spans or changes.reviews or changes.decisions or changes.documents_removed
                or changes.elsewhere):
            self._soon.start()
