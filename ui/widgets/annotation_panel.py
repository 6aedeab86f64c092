"""The panel beside the article: label buttons and guidelines, the document's categories,
the span list, and document details."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from curator.domain.header import find_header
from curator.domain.metadata import INFERRED
from curator.domain.models import Document, DocumentStatus
from curator.domain.schema import LabelSchema
from ui.models.annotation_table_model import AnnotationTableModel
from ui.models.suggestion_table_model import SuggestionTableModel
from ui.widgets.article_view import HEADER_COLOR
from ui.widgets.table_views import make_table, select_row, share_columns
from ui.widgets.value_editor import ValueEditor

UNDATED_STYLE = "background: #fff4d6"  # an undated document's empty date field

_PER_ROW = 4  # category choices a row: more rows would take the span list's height at 1280×720


def _text_color_for(background: str) -> str:
    color = QColor(background)
    return "#000000" if color.lightness() > 140 else "#ffffff"


def _table(parent: QWidget, model, name: str, empty) -> QTableView:
    table = make_table(model, parent, empty)
    table.setObjectName(name)
    # Contents-based sizing would re-measure every row on each edit; the value, often the
    # longest (a date range), takes the larger share.
    share_columns(table, {1: 78}, {0: 2, 2: 3})
    return table


def _select_row(table: QTableView, row: int | None) -> None:
    if row is None:
        table.selectionModel().clearSelection()
    else:
        select_row(table, row)


NOT_A_DATE = "Not a date: type it as YYYY-MM-DD"  # (the field's tooltip)


class DocumentDetails(QGroupBox):
    """Editable title, outlet, date and URL of the open document, and what its text's
    header (leading metadata such as ``date 2023-11-07``) says, if it has one.

    Emits ``edited(field, value)`` when the curator finishes editing a field
    with a changed, valid value. UI thread only.
    """

    edited = Signal(str, object)
    finished = Signal()  # Enter in a field whose value was taken: the curator goes back to the article
    refused = Signal(str)  # why a field's value was not taken

    FIELDS = (("title", "Title"), ("source", "Outlet"), ("published", "Date"), ("url", "URL"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Document", parent)
        self._form = layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.editors: dict[str, QLineEdit] = {}
        self._values: dict[str, object] = {}
        for name, title in self.FIELDS:
            editor = QLineEdit(self)
            editor.setObjectName(f"document_{name}")
            editor.editingFinished.connect(lambda name=name: self._on_field_edited(name))
            # (after Qt's own handling of the key, which ends the editing first)
            editor.returnPressed.connect(lambda name=name: QTimer.singleShot(0, lambda: self._after_return(name)))
            layout.addRow(title, editor)
            self.editors[name] = editor
        self.editors["published"].setPlaceholderText("YYYY-MM-DD")
        self.header = QLabel(self)
        self.header.setObjectName("document_header")
        self.header.setStyleSheet(f"color: {HEADER_COLOR}; font-style: italic")
        self.header.setWordWrap(True)
        self.header.setToolTip("Metadata at the start of the text, before the article: nothing is suggested there")
        layout.addRow("Header", self.header)
        layout.setRowVisible(self.header, False)
        self.origin = QLabel(self)
        self.origin.setStyleSheet("color: #666")
        self.origin.setWordWrap(True)
        layout.addRow(self.origin)

    def show_document(self, document: Document | None) -> None:
        for name, editor in self.editors.items():
            value = getattr(document, name) if document else None
            self._values[name] = value
            editor.blockSignals(True)
            editor.setText(value.isoformat() if isinstance(value, date) else (value or ""))
            editor.setCursorPosition(0)
            editor.setStyleSheet("")
            editor.setEnabled(document is not None)
            editor.blockSignals(False)
        self._show_date_state(document)
        header = find_header(document.text) if document else None
        self.header.setText(header.describe() if header else "")
        self._form.setRowVisible(self.header, header is not None)
        inferred = " · the year of its date was inferred from the article" if document and document.published \
            and document.extra.get(INFERRED) else ""
        self.origin.setText(f"id {document.uid} · from {document.origin}{inferred}" if document else "")

    def _show_date_state(self, document: Document | None) -> None:
        """An undated document says so (its relative dates cannot be resolved); a date
        whose year was inferred from the article's own dates says that."""
        editor = self.editors["published"]
        undated = document is not None and document.published is None
        inferred = document is not None and document.published is not None and document.extra.get(INFERRED)
        editor.setPlaceholderText("Undated: type YYYY-MM-DD (Ctrl+Shift+D)" if undated else "YYYY-MM-DD")
        editor.setStyleSheet(UNDATED_STYLE if undated else "")
        editor.setToolTip("No date was found in the article: its relative dates stay unresolved until it is set"
                          if undated else "The year was inferred from the article's own dates" if inferred else "")

    def focus_date(self) -> None:
        """Put the caret in the date field, its text selected, to type the date."""
        editor = self.editors["published"]
        editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
        editor.selectAll()

    def _after_return(self, name: str) -> None:
        if self.editors[name].toolTip() != NOT_A_DATE:
            self.finished.emit()

    def _on_field_edited(self, name: str) -> None:
        editor = self.editors[name]
        raw = editor.text().strip()
        value: object = raw or None
        if name == "published" and raw:
            try:
                value = date.fromisoformat(raw)
            except ValueError:
                editor.setStyleSheet("background: #ffd6d6")
                editor.setToolTip(NOT_A_DATE)
                self.refused.emit(f"{raw[:40]!r} is not a date (type it as YYYY-MM-DD); the date stays as it was")
                return
        editor.setStyleSheet("")
        editor.setToolTip("")
        if value != self._values.get(name):
            self._values[name] = value
            self.edited.emit(name, value)


class AnnotationPanel(QWidget):
    """Label buttons, the open document's spans, and its details.

    The buttons show their number keys; the keys themselves are window actions
    (a button's own shortcut would fire only after its click animation).

    Under the buttons, the guideline of the label hovered or last used, and the open
    document's categories, one row of toggles per category set.

    Emits ``label_requested(name)`` for a label button, ``category_toggled(set, choice)``,
    ``delete_requested()``, ``done_toggled(bool)`` and ``span_selected(id)``. UI thread only.
    """

    label_requested = Signal(str)
    delete_requested = Signal()
    done_toggled = Signal(bool)
    span_selected = Signal(str)
    span_unselected = Signal()  # the selected span went (deleted, undone): nothing is selected
    suggestion_selected = Signal(str)
    suggestion_filter_changed = Signal()
    category_toggled = Signal(str, str)

    def __init__(self, schema: LabelSchema, model: AnnotationTableModel, suggestions: SuggestionTableModel,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.suggestion_model = suggestions
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)

        labels_box = QGroupBox("Labels", self)
        labels_layout = QVBoxLayout(labels_box)
        labels_layout.setContentsMargins(6, 4, 6, 4)
        labels_layout.setSpacing(3)
        self._label_grid = QGridLayout()
        self._label_grid.setSpacing(4)
        labels_layout.addLayout(self._label_grid)
        # The guideline of the label under the mouse, else of the one last used: the
        # description is what a curator checks before choosing.
        self.guideline = QLabel(labels_box)
        self.guideline.setObjectName("label_guideline")
        self.guideline.setStyleSheet("color: #555")
        self.guideline.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        labels_layout.addWidget(self.guideline)
        self.categories_box = QWidget(labels_box)  # rebuilt whole when the category sets change
        self.categories_box.setObjectName("categories")
        labels_layout.addWidget(self.categories_box)
        self._labels_layout = labels_layout
        self.label_buttons: dict[str, QPushButton] = {}
        self.category_buttons: dict[tuple[str, str], QToolButton] = {}
        self._schema = schema
        self._last_label: str | None = None
        layout.addWidget(labels_box)

        self.tabs = QTabWidget(self)
        spans_page = QWidget(self.tabs)
        spans_layout = QVBoxLayout(spans_page)
        spans_layout.setContentsMargins(4, 4, 4, 4)
        # When the selected span's row goes, Qt would make its neighbour current (and the
        # next key would act on it): nothing is selected instead. Connected before the table
        # has the model, so that this runs before the table's selection moves on.
        self._selected_went = False
        model.rowsAboutToBeRemoved.connect(self._on_spans_going)
        model.rowsRemoved.connect(self._on_spans_gone)
        self.span_table = _table(spans_page, model, "span_table",
                                 "No spans yet: select words and press a label's number key, or click the label")
        self.span_table.selectionModel().currentRowChanged.connect(self._on_current_span_changed)
        spans_layout.addWidget(self.span_table)
        self.delete_button = QPushButton("Delete span  (Del)", spans_page)
        self.delete_button.setObjectName("delete_span")
        self.delete_button.clicked.connect(self.delete_requested)
        spans_layout.addWidget(self.delete_button)
        self.tabs.addTab(spans_page, "Spans")

        suggestions_page = QWidget(self.tabs)
        suggestions_layout = QVBoxLayout(suggestions_page)
        suggestions_layout.setContentsMargins(4, 4, 4, 4)
        self.suggestion_table = _table(suggestions_page, suggestions, "suggestion_table", self._no_suggestions)
        self.suggestion_table.selectionModel().currentRowChanged.connect(self._on_current_suggestion_changed)
        suggestions_layout.addWidget(self.suggestion_table)
        row = QHBoxLayout()
        self.suggest_button = QPushButton("Suggest  (Ctrl+G)", suggestions_page)
        self.accept_button = QPushButton("Accept  (A)", suggestions_page)
        self.reject_button = QPushButton("Reject  (X)", suggestions_page)
        for button in (self.suggest_button, self.accept_button, self.reject_button):
            row.addWidget(button)
        suggestions_layout.addLayout(row)
        bulk = QHBoxLayout()
        self.bulk_label = QComboBox(suggestions_page)  # which suggestions are shown, and accepted or rejected at once
        self.bulk_label.setObjectName("suggestion_filter")
        self.bulk_label.setToolTip("Show (and accept or reject at once) the suggestions of one label")
        self.bulk_label.currentIndexChanged.connect(lambda _index: self.suggestion_filter_changed.emit())
        self.accept_all_button = QPushButton("Accept all  (Ctrl+Shift+A)", suggestions_page)
        self.reject_all_button = QPushButton("Reject all", suggestions_page)
        bulk.addWidget(self.bulk_label)
        bulk.addWidget(self.accept_all_button)
        bulk.addWidget(self.reject_all_button)
        suggestions_layout.addLayout(bulk)
        self.tabs.addTab(suggestions_page, "Suggestions")
        # The document's details are looked at now and then: a tab, so that the span and
        # suggestion lists keep the height (at 1280×720 too).
        self.details = DocumentDetails(self.tabs)
        self.tabs.addTab(self.details, "Document")
        layout.addWidget(self.tabs, stretch=1)

        self.value_editor = ValueEditor(schema, self)
        layout.addWidget(self.value_editor)

        self.done_box = QCheckBox("Done with this document  (Ctrl+D)", self)
        self.done_box.setObjectName("done")
        self.done_box.toggled.connect(self.done_toggled)
        layout.addWidget(self.done_box)
        self.set_schema(schema)

    # -- the labels and category sets, rebuilt when the project's schema changes ---------

    def set_schema(self, schema: LabelSchema) -> None:
        """Show ``schema``'s labels (buttons with their keys, colours and guidelines), its
        labels in the suggestion filter and its category sets."""
        self._schema = schema
        for button in self.label_buttons.values():
            self._label_grid.removeWidget(button)
            button.hide()  # gone now, not when the event loop gets to deleting it
            button.deleteLater()
        self.label_buttons = {}
        parent = self._label_grid.parentWidget()
        for index, label in enumerate(schema.labels):
            key = schema.key_of(label.name)
            button = QPushButton(f"{key}  {label.name}" if key else label.name, parent)
            button.setObjectName(f"label_{label.name}")
            button.setToolTip(f"{label.description or label.name} ({label.kind.value})"
                              + (f"\nShortcut: {key}" if key else ""))
            button.setStyleSheet(
                f"QPushButton {{ background: {label.color}; color: {_text_color_for(label.color)};"
                " border: 1px solid #888; border-radius: 4px; padding: 5px 8px; text-align: left; }"
                " QPushButton:pressed { border: 2px solid #333; }"
            )
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, name=label.name: self.label_requested.emit(name))
            button.installEventFilter(self)
            self._label_grid.addWidget(button, index // 2, index % 2)
            self.label_buttons[label.name] = button
        if self._last_label not in schema:
            self._last_label = None
        self.show_guideline(self._last_label)

        current = self.bulk_label.currentData()
        self.bulk_label.blockSignals(True)
        self.bulk_label.clear()
        self.bulk_label.addItem("all labels", None)
        for label in schema.labels:
            self.bulk_label.addItem(label.name, label.name)
        self.bulk_label.setCurrentIndex(max(0, self.bulk_label.findData(current)))
        self.bulk_label.blockSignals(False)
        if current is not None and self.bulk_label.currentData() != current:
            self.suggestion_filter_changed.emit()  # its label went: every suggestion shows again
        self._set_category_sets(schema)

    def _set_category_sets(self, schema: LabelSchema) -> None:
        old, self.categories_box = self.categories_box, QWidget(self.categories_box.parentWidget())
        self.categories_box.setObjectName("categories")
        self._labels_layout.replaceWidget(old, self.categories_box)
        old.hide()
        old.deleteLater()
        self.category_buttons = {}
        grid = QGridLayout(self.categories_box)
        grid.setContentsMargins(0, 2, 0, 0)
        grid.setSpacing(3)
        grid.setColumnStretch(1, 1)
        row = 0
        for category in schema.categories:
            title = QLabel(f"{category.name}:", self.categories_box)
            title.setToolTip(category.description or ("any of these" if category.multiple else "one of these"))
            grid.addWidget(title, row, 0)
            line: QHBoxLayout | None = None
            for index, choice in enumerate(category.choices):
                if index % _PER_ROW == 0:
                    line = QHBoxLayout()
                    line.setSpacing(3)
                    grid.addLayout(line, row, 1)
                    row += 1
                button = QToolButton(self.categories_box)
                button.setObjectName(f"category_{category.name}_{choice.name}")
                button.setText(f"{choice.key}  {choice.name}" if choice.key else choice.name)
                button.setCheckable(True)
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
                button.setMinimumWidth(24)  # as wide as its text, narrower rather than widen the panel
                button.setStyleSheet("QToolButton { border: 1px solid #999; border-radius: 3px; padding: 1px 3px; }"
                                     " QToolButton:checked { background: #3d6fb4; color: white; }")
                button.setToolTip(f"{category.name}: {choice.name}"
                                  + (f"\nShortcut: {choice.key}" if choice.key else "")
                                  + ("\nAny number of choices" if category.multiple else "\nOne choice"))
                button.clicked.connect(lambda _=False, s=category.name, c=choice.name:
                                       self.category_toggled.emit(s, c))
                line.addWidget(button)
                if index % _PER_ROW == _PER_ROW - 1 or index == len(category.choices) - 1:
                    line.addStretch(1)
                self.category_buttons[(category.name, choice.name)] = button
        self.categories_box.setVisible(bool(schema.categories))

    def show_categories(self, chosen: dict[str, list[str]]) -> None:
        """Check the choices the annotator made for the open document (set → choices)."""
        for (set_name, choice), button in self.category_buttons.items():
            button.setChecked(choice in chosen.get(set_name, ()))

    def show_guideline(self, name: str | None) -> None:
        """Show a label's description (its guideline) in the line under the buttons."""
        label = self._schema.get(name) if name else None
        if label is None:
            text = "Hover over a label to read its guideline" if self._schema.labels else \
                "No labels yet: Labels → Edit labels and categories adds them"
        else:
            text = f"{label.name}: {label.description or 'no guideline yet'}"
        self.guideline.setToolTip(text)
        width = max(self.guideline.width(), 200)
        self.guideline.setText(self.guideline.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, width))

    def remember_label(self, name: str) -> None:
        """``name`` was just used: its guideline stays shown."""
        self._last_label = name
        self.show_guideline(name)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QPushButton) and watched in self.label_buttons.values():
            if event.type() == QEvent.Type.Enter:
                self.show_guideline(watched.objectName().removeprefix("label_"))
            elif event.type() == QEvent.Type.Leave:
                self.show_guideline(self._last_label)
        return super().eventFilter(watched, event)

    def _no_suggestions(self) -> str:
        label = self.bulk_label.currentData()
        which = f"No open {label} suggestions" if label else "No open suggestions"
        return f"{which} for this document: Ctrl+G suggests figures, dates and known entities"

    def show_counts(self) -> None:
        self.tabs.setTabText(0, f"Spans ({self.model.rowCount()})")
        label = self.bulk_label.currentData()
        shown = self.suggestion_model.rowCount()
        self.tabs.setTabText(1, f"Suggestions ({shown} {label})" if label else f"Suggestions ({shown})")
        self.suggestion_table.viewport().update()  # what its empty state says follows the filter

    def selected_suggestion_id(self) -> str | None:
        suggestion = self.suggestion_model.suggestion(self.suggestion_table.currentIndex().row())
        return suggestion.id if suggestion else None

    def select_suggestion(self, suggestion_id: str | None) -> None:
        row = self.suggestion_model.row_of(suggestion_id) if suggestion_id else None
        _select_row(self.suggestion_table, row)

    def _on_current_suggestion_changed(self, current, _previous) -> None:
        suggestion = self.suggestion_model.suggestion(current.row())
        if suggestion is not None:
            self.suggestion_selected.emit(suggestion.id)

    def show_status(self, status: DocumentStatus) -> None:
        self.done_box.blockSignals(True)
        self.done_box.setChecked(status is DocumentStatus.DONE)
        self.done_box.blockSignals(False)

    def selected_span_id(self) -> str | None:
        span = self.model.annotation(self.span_table.currentIndex().row())
        return span.id if span else None

    def edit_date(self) -> None:
        """Show the Document tab with the caret in its date field."""
        self.tabs.setCurrentWidget(self.details)
        self.details.focus_date()

    def select_span(self, annotation_id: str | None) -> None:
        row = self.model.row_of(annotation_id) if annotation_id else None
        _select_row(self.span_table, row)

    def _on_spans_going(self, _parent, first: int, last: int) -> None:
        self._selected_went = first <= self.span_table.currentIndex().row() <= last
        if self._selected_went:
            self.span_table.selectionModel().clear()

    def _on_spans_gone(self, *_args) -> None:
        if self._selected_went:
            self._selected_went = False
            self.span_unselected.emit()

    def _on_current_span_changed(self, current, _previous) -> None:
        span = self.model.annotation(current.row())
        if span is not None:
            self.span_selected.emit(span.id)
