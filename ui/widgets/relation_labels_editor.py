"""The relation labels of a project, listed and edited in a form (in the label editor)."""

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
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from curator.domain.schema import RelationLabel, reason


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


class RelationLabelsEditor(QWidget):
    """The list of relation labels and a form for one: name, direction, the span labels or
    kinds allowed at each end, colour, key (pressed with Shift) and guideline. It changes
    nothing itself: it asks, with ``save_requested(RelationLabel)`` and
    ``delete_requested(name)``, and says a form that is no relation label with
    ``refused(reason)``. UI thread only."""

    save_requested = Signal(object)
    delete_requested = Signal(str)
    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._relations: list[RelationLabel] = []
        row = QHBoxLayout(self)
        left = QVBoxLayout()
        self.names = QStringListModel(self)
        self.list = QListView(self)
        self.list.setObjectName("relation_label_list")
        self.list.setModel(self.names)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.selectionModel().currentRowChanged.connect(self._on_current_changed)
        left.addWidget(self.list)
        left.addWidget(self._button("New relation label", self.new_relation))
        row.addLayout(left, stretch=1)

        box = QGroupBox("Relation label", self)
        form = QFormLayout(box)
        self.name = QLineEdit(box)
        self.name.setObjectName("relation_name")
        self.name.setPlaceholderText("e.g. attributed_to")
        form.addRow("Name", self.name)
        self.directed = QCheckBox("From the first span to the second (else either way round)", box)
        self.directed.setChecked(True)
        form.addRow("", self.directed)
        self.source = QLineEdit(box)
        self.source.setPlaceholderText("span labels or kinds, e.g. figure (empty: any span)")
        form.addRow("From", self.source)
        self.target = QLineEdit(box)
        self.target.setPlaceholderText("e.g. PERSON, ORG (empty: any span)")
        form.addRow("To", self.target)
        self.color = QLineEdit(box)
        self.color.setPlaceholderText("#rrggbb")
        form.addRow("Colour", self.color)
        self.key = QLineEdit(box)
        self.key.setMaxLength(1)
        self.key.setPlaceholderText("a letter: Shift and it links the selected span")
        form.addRow("Key", self.key)
        self.description = QLineEdit(box)
        self.description.setPlaceholderText("When to draw it")
        form.addRow("Guideline", self.description)
        hint = QLabel("In the window, select a span and press Shift and the key: Tab walks the spans it may "
                      "link, Enter links, Esc cancels.", box)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666")
        form.addRow(hint)
        buttons = QHBoxLayout()
        buttons.addWidget(self._button("Save relation label", self.save))
        buttons.addWidget(self._button("Delete relation label", self.delete))
        form.addRow(buttons)
        row.addWidget(box, stretch=2)

    def _button(self, text: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def set_relations(self, relations: list[RelationLabel]) -> None:
        """Show these relation labels, keeping the one in the form if it is still there."""
        current = self.name.text().strip()
        self._relations = list(relations)
        self.names.setStringList([relation.name for relation in relations])
        self.select(current if any(r.name == current for r in relations) else None)

    def select(self, name: str | None) -> None:
        names = self.names.stringList()
        if name in names:
            self.list.setCurrentIndex(self.names.index(names.index(name)))
            self._show(self._relations[names.index(name)])
        else:
            self.list.clearSelection()
            self._show(None)

    def new_relation(self) -> None:
        self.select(None)
        self.name.setFocus()

    def save(self) -> None:
        try:
            relation = RelationLabel(name=self.name.text().strip(), directed=self.directed.isChecked(),
                                     color=self.color.text().strip() or "#636363", key=self.key.text().strip() or None,
                                     description=self.description.text().strip(),
                                     source=_names(self.source.text()), target=_names(self.target.text()))
        except ValueError as exc:
            self.refused.emit(f"Relation label: {reason(exc)}")
            return
        self.save_requested.emit(relation)

    def delete(self) -> None:
        name = self.name.text().strip()
        if name:
            self.delete_requested.emit(name)

    def _on_current_changed(self, current, _previous) -> None:
        if 0 <= current.row() < len(self._relations):
            self._show(self._relations[current.row()])

    def _show(self, relation: RelationLabel | None) -> None:
        self.name.setText(relation.name if relation else "")
        self.directed.setChecked(relation.directed if relation else True)
        self.source.setText(", ".join(relation.source) if relation else "")
        self.target.setText(", ".join(relation.target) if relation else "")
        self.color.setText(relation.color if relation else "")
        self.key.setText(relation.key or "" if relation else "")
        self.description.setText(relation.description if relation else "")
