"""The category sets of a project, listed and edited in a form (in the label editor)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from curator.domain.schema import CategorySet, choice_from_text
from ui.widgets.named_items_editor import NamedItemsEditor


def parse_choices(text: str) -> list[dict]:
    """The choices typed one per line, a key in brackets (``economy (E)``) or after a
    colon (``economy:E``, as on the command line)."""
    return [choice for line in text.splitlines() if (choice := choice_from_text(line))]


def choices_text(category: CategorySet) -> str:
    return "\n".join(f"{c.name} ({c.key})" if c.key else c.name for c in category.choices)


class CategorySetsEditor(NamedItemsEditor):
    """The list of category sets and a form for one: name, one or several choices,
    guideline and choices with their keys. It changes nothing itself: it asks, with
    ``save_requested(CategorySet)`` and ``delete_requested(name)``, and says a form that
    is no category set with ``refused(reason)``. UI thread only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, title="Category set", list_name="category_list", name_field="category_name",
                         name_placeholder="e.g. topic", new_text="New category set", save_text="Save set",
                         delete_text="Delete set",
                         hint="Keys are letters the window does not use already (not A, X, N or L); "
                              "in the window, a key sets the open document's choice.")

    def _add_fields(self, box: QGroupBox, form: QFormLayout) -> None:
        self.multiple = QCheckBox("Several choices per document", box)
        form.addRow("", self.multiple)
        self.description = QLineEdit(box)
        self.description.setPlaceholderText("What the set classifies, and how to choose")
        form.addRow("Guideline", self.description)
        self.choices = QPlainTextEdit(box)
        self.choices.setObjectName("category_choices")
        self.choices.setPlaceholderText("One choice a line, its key in brackets:\neconomy (E)\npolitics (P)\nother")
        form.addRow("Choices", self.choices)

    def set_categories(self, sets: list[CategorySet]) -> None:
        """Show these sets, keeping the one in the form if it is still there."""
        self.set_items(sets)

    def new_set(self) -> None:
        self.new_item()

    def _entry(self) -> CategorySet:
        return CategorySet(name=self.name.text().strip(), multiple=self.multiple.isChecked(),
                           description=self.description.text().strip(),
                           choices=parse_choices(self.choices.toPlainText()))

    def _show(self, category: CategorySet | None) -> None:
        self.name.setText(category.name if category else "")
        self.multiple.setChecked(bool(category and category.multiple))
        self.description.setText(category.description if category else "")
        self.choices.setPlainText(choices_text(category) if category else "")
