"""The relation labels of a project, listed and edited in a form (in the label editor)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLineEdit, QWidget

from curator.domain.schema import RelationLabel
from ui.widgets.named_items_editor import NamedItemsEditor


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


class RelationLabelsEditor(NamedItemsEditor):
    """The list of relation labels and a form for one: name, direction, the span labels or
    kinds allowed at each end, colour, key (pressed with Shift) and guideline. It changes
    nothing itself: it asks, with ``save_requested(RelationLabel)`` and
    ``delete_requested(name)``, and says a form that is no relation label with
    ``refused(reason)``. UI thread only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, title="Relation label", list_name="relation_label_list",
                         name_field="relation_name", name_placeholder="e.g. attributed_to",
                         new_text="New relation label", save_text="Save relation label",
                         delete_text="Delete relation label",
                         hint="In the window, select a span and press Shift and the key: Tab walks the spans "
                              "it may link, Enter links, Esc cancels.")

    def _add_fields(self, box: QGroupBox, form: QFormLayout) -> None:
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

    def set_relations(self, relations: list[RelationLabel]) -> None:
        """Show these relation labels, keeping the one in the form if it is still there."""
        self.set_items(relations)

    def new_relation(self) -> None:
        self.new_item()

    def _entry(self) -> RelationLabel:
        return RelationLabel(name=self.name.text().strip(), directed=self.directed.isChecked(),
                             color=self.color.text().strip() or "#636363", key=self.key.text().strip() or None,
                             description=self.description.text().strip(),
                             source=_names(self.source.text()), target=_names(self.target.text()))

    def _show(self, relation: RelationLabel | None) -> None:
        self.name.setText(relation.name if relation else "")
        self.directed.setChecked(relation.directed if relation else True)
        self.source.setText(", ".join(relation.source) if relation else "")
        self.target.setText(", ".join(relation.target) if relation else "")
        self.color.setText(relation.color if relation else "")
        self.key.setText(relation.key or "" if relation else "")
        self.description.setText(relation.description if relation else "")
