"""Facts → Measures…: the measures facts are grouped by, each with the words that name it
in a sentence, edited in the window (``curator measures`` edits the same list)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from curator.errors import CuratorError
from curator.session import Session
from curator.session.changes import Changes
from curator.session.commands import SetMeasures
from curator.session.fact_finding import FactFinding, measures_with
from ui.change_signals import FollowsChanges
from ui.edits import apply_command
from ui.models.record_table_model import RecordTableModel
from ui.widgets.table_views import make_table, share_columns


class MeasuresEditor(FollowsChanges, QDialog):
    """A window beside the work (not modal) listing the project's measures; adds one (or
    replaces its words) and removes the one selected, each an undoable command done
    through the session. It follows the measures wherever they change. UI thread only."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.finding = session, FactFinding(session)
        self.setWindowTitle("Measures — Curator")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("A figure is grouped into a fact by the measure word nearest it in its sentence, "
                                "and the date of that sentence.", self))
        self.model = RecordTableModel([("name", "Measure", ""), ("words", "Words that name it", "")], self)
        self.table = make_table(self.model, self)
        share_columns(self.table, {}, {0: 1, 1: 3})
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.name = QLineEdit(self)
        self.name.setObjectName("measure_name")
        self.name.setPlaceholderText("measure, e.g. fdi")
        self.words = QLineEdit(self)
        self.words.setObjectName("measure_words")
        self.words.setPlaceholderText("words, separated by commas: foreign direct investment, fdi")
        self.words.returnPressed.connect(self.add_measure)
        add = QPushButton("Add or replace", self)
        add.clicked.connect(self.add_measure)
        remove = QPushButton("Remove selected", self)
        remove.clicked.connect(self.remove_selected)
        row.addWidget(self.name, 1)
        row.addWidget(self.words, 3)
        row.addWidget(add)
        row.addWidget(remove)
        layout.addLayout(row)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.follow(session)
        self.resize(720, 420)
        self.show_measures()

    def show_measures(self) -> None:
        self.measures = self.finding.measures()
        self.model.set_rows([{"name": name, "words": ", ".join(words)} for name, words in self.measures.items()])

    def add_measure(self) -> bool:
        try:
            changed = measures_with(self.measures, self.name.text(), self.words.text().split(","))
        except CuratorError as exc:
            self.message.setText(str(exc))
            return False
        if apply_command(self, self.session, SetMeasures(changed)) is None:
            return False
        self.message.setText(f"✓ Measure {self.name.text().strip().lower()} saved (Ctrl+Z in the Duplicates window "
                             "undoes it)")
        self.name.clear()
        self.words.clear()
        return True

    def remove_selected(self) -> bool:
        row = self.table.currentIndex().row()
        if not 0 <= row < self.model.rowCount():
            return False
        name = self.model.row(row)["name"]
        kept = {other: list(words) for other, words in self.measures.items() if other != name}
        if apply_command(self, self.session, SetMeasures(kept)) is None:
            return False
        self.message.setText(f"✓ Measure {name} removed (Ctrl+Z in the Duplicates window undoes it)")
        return True

    def on_changes(self, changes: Changes) -> None:
        if changes.measures:
            self.show_measures()
