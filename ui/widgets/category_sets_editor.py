"""The category sets of a project, listed and edited in a form (in the label editor)."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from curator.domain.schema import CategorySet, choice_from_text, reason


def parse_choices(text: str) -> list[dict]:
    """The choices typed one per line, a key in brackets (``economy (E)``) or after a
    colon (``economy:E``, as on the command line)."""
    return [choice for line in text.splitlines() if (choice := choice_from_text(line))]


def choices_text(category: CategorySet) -> str:
    return "\n".join(f"{c.name} ({c.key})" if c.key else c.name for c in category.choices)


class CategorySetsEditor(QWidget):
    """The list of category sets and a form for one: name, one or several choices,
    guideline and choices with their keys. It changes nothing itself: it asks, with
    ``save_requested(CategorySet)`` and ``delete_requested(name)``, and says a form that
    is no category set with ``refused(reason)``. UI thread only."""

    save_requested = Signal(object)
    delete_requested = Signal(str)
    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sets: list[CategorySet] = []
        row = QHBoxLayout(self)
        left = QVBoxLayout()
        self.names = QStringListModel(self)
        self.list = QListView(self)
        self.list.setObjectName("category_list")
        self.list.setModel(self.names)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.selectionModel().currentRowChanged.connect(self._on_current_changed)
        left.addWidget(self.list)
        left.addWidget(self._button("New category set", self.new_set))
        row.addLayout(left, stretch=1)

        box = QGroupBox("Category set", self)
        form = QFormLayout(box)
        self.name = QLineEdit(box)
        self.name.setObjectName("category_name")
        self.name.setPlaceholderText("e.g. topic")
        form.addRow("Name", self.name)
        self.multiple = QCheckBox("Several choices per document", box)
        form.addRow("", self.multiple)
        self.description = QLineEdit(box)
        self.description.setPlaceholderText("What the set classifies, and how to choose")
        form.addRow("Guideline", self.description)
        self.choices = QPlainTextEdit(box)
        self.choices.setObjectName("category_choices")
        self.choices.setPlaceholderText("One choice a line, its key in brackets:\neconomy (E)\npolitics (P)\nother")
        form.addRow("Choices", self.choices)
        hint = QLabel("Keys are letters the window does not use already (not A, X, N or L); "
                      "in the window, a key sets the open document's choice.", box)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666")
        form.addRow(hint)
        buttons = QHBoxLayout()
        buttons.addWidget(self._button("Save set", self.save))
        buttons.addWidget(self._button("Delete set", self.delete))
        form.addRow(buttons)
        row.addWidget(box, stretch=2)

    def _button(self, text: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def set_categories(self, sets: list[CategorySet]) -> None:
        """Show these sets, keeping the one in the form if it is still there."""
        current = self.name.text().strip()
        self._sets = list(sets)
        self.names.setStringList([category.name for category in sets])
        self.select(current if any(c.name == current for c in sets) else None)

    def select(self, name: str | None) -> None:
        names = self.names.stringList()
        if name in names:
            self.list.setCurrentIndex(self.names.index(names.index(name)))
            self._show(self._sets[names.index(name)])
        else:
            self.list.clearSelection()
            self._show(None)

    def new_set(self) -> None:
        self.select(None)
        self.name.setFocus()

    def save(self) -> None:
        try:
            category = CategorySet(name=self.name.text().strip(), multiple=self.multiple.isChecked(),
                                   description=self.description.text().strip(),
                                   choices=parse_choices(self.choices.toPlainText()))
        except ValueError as exc:
            self.refused.emit(f"Category set: {reason(exc)}")
            return
        self.save_requested.emit(category)

    def delete(self) -> None:
        name = self.name.text().strip()
        if name:
            self.delete_requested.emit(name)

    def _on_current_changed(self, current, _previous) -> None:
        if 0 <= current.row() < len(self._sets):
            self._show(self._sets[current.row()])

    def _show(self, category: CategorySet | None) -> None:
        self.name.setText(category.name if category else "")
        self.multiple.setChecked(bool(category and category.multiple))
        self.description.setText(category.description if category else "")
        self.choices.setPlainText(choices_text(category) if category else "")
