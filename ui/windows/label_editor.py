"""Labels → Edit labels and categories: the project's labels (add, rename, recolour,
reorder, describe, change kind, merge, delete) and its document category sets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from curator.domain.schema import CategorySet, Label, LabelKind
from curator.errors import CuratorError
from curator.session import Session
from curator.session import label_edits as schema_edits
from curator.session.changes import Changes
from ui.change_signals import FollowsChanges, after_burst
from ui.edits import HistoryActions
from ui.models.label_table_model import LabelTableModel
from ui.widgets.category_sets_editor import CategorySetsEditor
from ui.widgets.relation_labels_editor import RelationLabelsEditor

# Readable behind black text; a new label takes the first one no label has yet.
_NEW_COLORS = ("#9ecae1", "#fdae6b", "#a1d99b", "#dadaeb", "#fdd0a2", "#f4a6c6", "#c7e9c0", "#e6d28a",
               "#bcbddc", "#fee391", "#c6dbef", "#d9d9d9")
SCHEMA_EDITS = {"ChangeSchema", "MoveLabel", "RestoreLabel",  # the commands (and inverses) of label edits
                "RemoveRelationLabel", "RestoreRelationLabel"}


def _is_schema_edit(kind: str | None) -> bool:
    return kind in SCHEMA_EDITS


class LabelEditor(FollowsChanges, QDialog):
    """A window beside the work (not modal) that edits the project's labels and category
    sets. Every change is a command done through the session, so it is stored with its
    history entry and undone with Ctrl+Z here or in any window; a refusal is said in the
    window's message line. It follows the schema's changes, whoever made them.

    Deleting a label in use asks, inline, whether its spans move to another label of its
    kind or go with it (``request_delete`` then ``answer_delete``). UI thread only.
    """

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.edits = session, schema_edits.LabelEdits(session)
        self.setWindowTitle("Labels and categories — Curator")
        self.setModal(False)
        self.follow(session)
        # Ctrl+Z here undoes label edits only: an edit made in another window (a category
        # chosen for a document) is undone there, never from here by surprise.
        self.history = HistoryActions(session, self, self.changes, accepts=_is_schema_edit,
                                      elsewhere="not a label edit: Ctrl+Z in the window where it was made undoes it")
        self.addActions([self.history.undo_action, self.history.redo_action])
        self._saying = False  # while this editor says what it did (its own step's events pass)
        self._recount = after_burst(self, 300, self._update_counts)
        self._selected: str | None = None
        self._pending_delete: str | None = None

        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_labels_page(), "Span labels")
        self.tabs.addTab(self._build_categories_page(), "Document categories")
        self.tabs.addTab(self._build_relations_page(), "Relations")
        layout.addWidget(self.tabs, stretch=1)
        bottom = QHBoxLayout()
        self.message = QLabel(self)
        self.message.setObjectName("label_editor_message")
        self.message.setWordWrap(True)
        bottom.addWidget(self.message, stretch=1)
        close = QPushButton("Close", self)
        close.setAutoDefault(False)
        close.clicked.connect(self.close)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self.resize(860, 560)
        self._on_schema_changed()

    # -- construction -------------------------------------------------------------

    def _build_labels_page(self) -> QWidget:
        page = QWidget(self)
        row = QHBoxLayout(page)
        left = QVBoxLayout()
        self.labels = LabelTableModel(self)
        self.table = QTableView(page)
        self.table.setObjectName("label_table")
        self.table.setModel(self.labels)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((36, 150, 70)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_label_changed)
        left.addWidget(self.table)
        order = QHBoxLayout()
        self.up_button = self._button("Move up  (Alt+Up)", lambda: self.move_selected(-1), order,
                                      "Earlier: a lower number key")
        self.down_button = self._button("Move down  (Alt+Down)", lambda: self.move_selected(1), order)
        self.up_button.setShortcut("Alt+Up")
        self.down_button.setShortcut("Alt+Down")
        left.addLayout(order)
        add = QHBoxLayout()
        self.new_name = QLineEdit(page)
        self.new_name.setObjectName("new_label_name")
        self.new_name.setPlaceholderText("New label, e.g. EVENT")
        self.new_name.returnPressed.connect(self._on_add_clicked)
        self.new_kind = self._kind_box(page)
        add.addWidget(self.new_name, stretch=1)
        add.addWidget(self.new_kind)
        self._button("Add", self._on_add_clicked, add)
        left.addLayout(add)
        row.addLayout(left, stretch=3)

        self.form_box = QGroupBox("Label", page)
        form = QFormLayout(self.form_box)
        name_row = QHBoxLayout()
        self.name = QLineEdit(self.form_box)
        self.name.setObjectName("label_name")
        self.name.returnPressed.connect(self._on_rename_clicked)
        name_row.addWidget(self.name, stretch=1)
        self._button("Rename", self._on_rename_clicked, name_row, "Every span of the label takes the new name")
        form.addRow("Name", name_row)
        self.kind = self._kind_box(self.form_box)
        self.kind.setObjectName("label_kind")
        self.kind.activated.connect(lambda _i: self.edit_selected(kind=self.kind.currentData()))
        form.addRow("Kind", self.kind)
        color_row = QHBoxLayout()
        self.color = QLineEdit(self.form_box)
        self.color.setObjectName("label_color")
        self.color.setPlaceholderText("#rrggbb")
        self.color.editingFinished.connect(self._on_color_typed)
        self.swatch = QLabel(self.form_box)
        self.swatch.setFixedSize(22, 22)
        color_row.addWidget(self.swatch)
        color_row.addWidget(self.color, stretch=1)
        self._button("Choose…", self.choose_color, color_row)
        form.addRow("Colour", color_row)
        self.description = QPlainTextEdit(self.form_box)
        self.description.setObjectName("label_description")
        self.description.setPlaceholderText("The guideline: what this label marks, and what it does not")
        self.description.setFixedHeight(72)
        form.addRow("Guideline", self.description)
        self._button("Save guideline", self._on_description_saved, form).setObjectName("save_guideline")
        merge_row = QHBoxLayout()
        self.merge_target = QComboBox(self.form_box)
        self.merge_target.setObjectName("merge_target")
        merge_row.addWidget(self.merge_target, stretch=1)
        self._button("Merge into", self._on_merge_clicked, merge_row,
                     "Every span of this label takes the other label, and this label goes")
        form.addRow("Merge", merge_row)
        self.delete_button = self._button("Delete label…", lambda: self.request_delete(), form)

        # The question a delete of a label in use asks, here rather than in a modal box.
        self.delete_prompt = QFrame(self.form_box)
        self.delete_prompt.setObjectName("delete_prompt")
        self.delete_prompt.setFrameShape(QFrame.Shape.StyledPanel)
        prompt = QVBoxLayout(self.delete_prompt)
        self.delete_question = QLabel(self.delete_prompt)
        self.delete_question.setWordWrap(True)
        prompt.addWidget(self.delete_question)
        move_row = QHBoxLayout()
        self.move_target = QComboBox(self.delete_prompt)
        self.move_target.setObjectName("move_target")
        move_row.addWidget(self.move_target, stretch=1)
        self.move_button = self._button("Move them and delete", lambda: self.answer_delete(
            self.move_target.currentData()), move_row)
        prompt.addLayout(move_row)
        answers = QHBoxLayout()
        self._button("Delete them with the label", lambda: self.answer_delete(None), answers)
        self._button("Cancel", lambda: self.answer_delete(False), answers)
        prompt.addLayout(answers)
        self.delete_prompt.hide()
        form.addRow(self.delete_prompt)
        row.addWidget(self.form_box, stretch=2)
        return page

    def _build_categories_page(self) -> QWidget:
        self.categories = CategorySetsEditor(self)
        self.categories.save_requested.connect(self.save_category)
        self.categories.delete_requested.connect(lambda name: self._do(schema_edits.remove_category, name))
        self.categories.refused.connect(lambda text: self.say(text, error=True))
        return self.categories

    def _build_relations_page(self) -> QWidget:
        self.relations = RelationLabelsEditor(self)
        self.relations.save_requested.connect(self.save_relation)
        self.relations.delete_requested.connect(lambda name: self._do(schema_edits.remove_relation_label, name))
        self.relations.refused.connect(lambda text: self.say(text, error=True))
        return self.relations

    def save_relation(self, relation) -> bool:
        """Add ``relation``, or change the relation label of its name."""
        if self._do(schema_edits.set_relation_label, relation):
            self.relations.select(relation.name)
            return True
        return False

    def _button(self, text: str, slot, layout, tip: str = "") -> QPushButton:
        button = QPushButton(text, self)
        button.setAutoDefault(False)  # Enter in a field is that field's, not a button's
        button.setToolTip(tip)
        button.clicked.connect(slot)
        if isinstance(layout, QFormLayout):
            layout.addRow(button)
        else:
            layout.addWidget(button)
        return button

    def _kind_box(self, parent: QWidget) -> QComboBox:
        box = QComboBox(parent)
        for kind, tip in ((LabelKind.ENTITY, "linked to the entity register"),
                          (LabelKind.FIGURE, "a normalized amount"), (LabelKind.DATE, "a normalized interval"),
                          (LabelKind.PLAIN, "no value")):
            box.addItem(kind.value, kind)
            box.setItemData(box.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        return box

    # -- doing a change -------------------------------------------------------------

    def _do(self, make, *args, **kwargs) -> bool:
        """Build a command with one of ``curator.session.label_edits``' rules and do it; a
        refusal is said in the message line."""
        self._saying = True
        try:
            step, moved = self.edits.do(make, *args, **kwargs)
        except CuratorError as exc:
            self.say(str(exc), error=True)
            return False
        finally:
            self._saying = False
        self.say(f"✓ {step.label} (Ctrl+Z undoes it)" + (f"; {moved}" if moved else ""))
        return True

    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020" if error else "color: #2e7d32")
        self.message.setText(text)

    # -- labels -----------------------------------------------------------------------

    @property
    def selected(self) -> Label | None:
        return self.session.schema.get(self._selected) if self._selected else None

    def select_label(self, name: str | None) -> None:
        row = self.labels.row_of(name)
        if row is None:
            self.table.clearSelection()
            self._show_label(None)
        else:
            self.table.selectRow(row)
            self._show_label(self.labels.label(row))

    def add_label(self, name: str, kind: LabelKind = LabelKind.ENTITY) -> bool:
        used = {label.color for label in self.session.schema.labels}
        color = next((c for c in _NEW_COLORS if c not in used), _NEW_COLORS[0])
        try:
            label = Label(name=name, kind=kind, color=color)
        except ValueError as exc:
            self.say(f"Label {name!r}: {schema_edits.reason(exc)}", error=True)
            return False
        previous, self._selected = self._selected, name
        if not self._do(schema_edits.add_label, label):
            self._selected = previous
            return False
        return True

    def rename_selected(self, new: str) -> bool:
        old = self._selected
        if old is None or new == old:
            return False
        self._selected = new
        if not self._do(schema_edits.rename_label, old, new):
            self._selected = old
            return False
        return True

    def edit_selected(self, **changes) -> bool:
        return self._selected is not None and self._do(schema_edits.edit_label, self._selected, **changes)

    def move_selected(self, step: int) -> bool:
        row = self.labels.row_of(self._selected)
        if row is None or not 0 <= row + step < self.labels.rowCount():
            return False
        return self._do(schema_edits.move_label_to, self._selected, row + step)

    def merge_selected_into(self, target: str) -> bool:
        source = self._selected
        self._selected = target
        if not self._do(schema_edits.merge_labels, source, target):
            self._selected = source
            return False
        return True

    def choose_color(self) -> QColorDialog:
        dialog = QColorDialog(QColor(self.color.text() or "#ffffff"), self)
        dialog.colorSelected.connect(lambda color: self.edit_selected(color=color.name()))
        dialog.open()
        return dialog

    def request_delete(self, name: str | None = None) -> bool:
        """Delete a label; one in use asks first, inline, what becomes of its spans
        (False: the question is shown, ``answer_delete`` gives the answer)."""
        name = name or self._selected
        label = self.session.schema.get(name) if name else None
        if label is None:
            return False
        count = self.edits.counts().get(name, 0)
        if not count:
            return self._do(schema_edits.remove_label, name)
        self._pending_delete = name
        same_kind = [x.name for x in self.session.schema.labels if x.kind == label.kind and x.name != name]
        self.move_target.clear()
        for other in same_kind:
            self.move_target.addItem(other, other)
        self.move_target.setEnabled(bool(same_kind))
        self.move_button.setEnabled(bool(same_kind))
        self.delete_question.setText(
            f"{name} labels {count} span{'s' if count != 1 else ''} (every annotator's). Move them to "
            f"another {label.kind.value} label, or delete them with the label?"
            + ("" if same_kind else f" (No other {label.kind.value} label to move them to.)"))
        self.delete_prompt.show()
        return False

    def answer_delete(self, move_to: str | None | bool) -> bool:
        """The answer to the delete question: a label to move the spans to, None to
        delete them with the label, False to keep the label."""
        name, self._pending_delete = self._pending_delete, None
        self.delete_prompt.hide()
        if name is None or move_to is False:
            return False
        done = self._do(schema_edits.remove_label, name, move_to=move_to)
        if done and move_to:
            self._selected = move_to
            self._refresh_labels()
        return done

    def _on_add_clicked(self) -> None:
        if self.add_label(self.new_name.text().strip().upper(), self.new_kind.currentData()):
            self.new_name.clear()

    def _on_rename_clicked(self) -> None:
        self.rename_selected(self.name.text().strip())

    def _on_color_typed(self) -> None:
        label = self.selected
        color = self.color.text().strip()
        if label is not None and color and color.lower() != label.color.lower():
            self.edit_selected(color=color)

    def _on_description_saved(self) -> None:
        self.edit_selected(description=self.description.toPlainText().strip())

    def _on_merge_clicked(self) -> None:
        target = self.merge_target.currentData()
        if target:
            self.merge_selected_into(target)

    def _on_current_label_changed(self, current, _previous) -> None:
        label = self.labels.label(current.row())
        if label is not None and label.name != self._selected:
            self._selected = label.name
            self.answer_delete(False)
            self._show_label(label)

    def _show_label(self, label: Label | None) -> None:
        self.form_box.setEnabled(label is not None)
        self.form_box.setTitle(f"Label {label.name}" if label else "Label")
        self.name.setText(label.name if label else "")
        self.kind.setCurrentIndex(max(0, self.kind.findData(label.kind)) if label else 0)
        self.color.setText(label.color if label else "")
        self.swatch.setStyleSheet(f"background: {label.color}; border: 1px solid #888" if label else "")
        self.description.setPlainText(label.description if label else "")
        self.merge_target.clear()
        if label is not None:
            for other in self.session.schema.labels:
                if other.kind == label.kind and other.name != label.name:
                    self.merge_target.addItem(other.name, other.name)
        self.merge_target.setEnabled(self.merge_target.count() > 0)
        row = self.labels.row_of(label.name) if label else None
        self.up_button.setEnabled(bool(row))
        self.down_button.setEnabled(row is not None and row + 1 < self.labels.rowCount())

    def _refresh_labels(self) -> None:
        schema = self.session.schema
        if self._selected not in schema:
            self._selected = schema.labels[0].name if schema.labels else None
        self.labels.set_schema(schema, self.edits.counts())
        self.select_label(self._selected)

    def _update_counts(self) -> None:
        self.labels.set_counts(self.edits.counts())

    # -- category sets ---------------------------------------------------------------------

    def save_category(self, category: CategorySet) -> bool:
        """Add ``category``, or change the set of its name."""
        if self._do(schema_edits.set_category, category):
            self.categories.select(category.name)
            return True
        return False

    # -- following the project --------------------------------------------------------------

    def _on_schema_changed(self) -> None:
        self._refresh_labels()
        self.categories.set_categories(self.session.schema.categories)
        self.relations.set_relations(self.session.schema.relations)

    def on_changes(self, changes: Changes) -> None:
        moved = changes.history.moved if changes.history is not None else None
        if moved and not self._saying:
            # The history moved elsewhere (an edit, an undo): "Ctrl+Z undoes it" no longer holds.
            self.say(f"{moved} elsewhere: {changes.history.label}" if moved != "Done" else "")
        if changes.schema:
            self._on_schema_changed()
        elif changes.spans and self.isVisible():
            self._recount.start()

    def showEvent(self, event: QShowEvent) -> None:
        self._on_schema_changed()  # counts may have moved while it was closed
        super().showEvent(event)
