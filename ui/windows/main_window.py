"""The main window: document list, article view and annotation panel."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QThreadPool, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from curator.analysis.suggest import (
    bulk_accept,
    bulk_reject,
    suggest_document,
    suggest_project,
    visible,
)
from curator.domain.models import (
    Annotation,
    Document,
    DocumentStatus,
    Suggestion,
    SuggestionStatus,
)
from curator.domain.schema import LabelKind
from curator.domain.text import snap_to_words
from curator.errors import CuratorError
from curator.formats.article_files import SUPPORTED_SUFFIXES
from curator.project import Settings
from curator.session import Session, Step, editing
from curator.session.commands import (
    AcceptSuggestion,
    AddSpan,
    Command,
    DeleteSpan,
    EditDocument,
    EditEntity,
    EditSpan,
    SetCategories,
    SetStatus,
    SetSuggestionStatus,
)
from curator.session.labels import add_found_labels, unusable_labels
from curator.store import Store
from curator.store.events import (
    AnnotationAdded,
    AnnotationChanged,
    AnnotationRemoved,
    CategoriesChanged,
    EntitiesChanged,
    Event,
    HistoryChanged,
    SchemaChanged,
    ShowRequested,
    SuggestionsChanged,
)
from ui.edits import HistoryActions, apply_command, show_error
from ui.models.annotation_table_model import AnnotationTableModel
from ui.models.document_table_model import DocumentTableModel
from ui.models.suggestion_table_model import SuggestionTableModel
from ui.store_events import StoreEvents
from ui.widgets.annotation_panel import AnnotationPanel
from ui.widgets.article_view import ArticleView
from ui.widgets.table_views import ListTable, share_columns
from ui.windows.help_sheet import HelpSheet
from ui.windows.label_editor import LabelEditor
from ui.windows.validation_dialog import ValidationDialog
from ui.workers import BackgroundTask, run_task


def _suffix(file_filter: str) -> str:
    """The suffix a file dialog filter names: ".jsonl" for "JSON lines (*.jsonl)"."""
    return file_filter[file_filter.rindex("*") + 1 : -1]


class MainWindow(QMainWindow):
    """One open project: documents on the left, the article in the middle, spans on the right.

    Every edit goes through ``apply`` as a core command done by the session, which
    commits it with its history entry before the status bar says it is saved. Other
    windows are given the session, not this window. UI thread only.
    """

    def __init__(self, store: Store, settings: Settings | None = None) -> None:
        super().__init__()
        self.store = store
        self.settings = settings or Settings()
        self.annotator = self.settings.annotator
        self.schema = store.label_schema
        self.document: Document | None = None
        self.session = Session(store, self.annotator)
        self.events = StoreEvents(self.session, self)
        self.history = HistoryActions(self.session, self, self.events)

        self.documents = DocumentTableModel(store, self.annotator, self)
        self.spans = AnnotationTableModel(self.schema, self)
        self.suggestions = SuggestionTableModel(self.schema, self)
        self.events.changed.connect(self.documents.on_store_changed)
        self.events.changed.connect(self.spans.on_store_changed)
        self.events.changed.connect(self._on_store_changed)
        self.review_window = self.duplicates_window = self.help_sheet = self.label_editor = None
        self._schema_actions: list[QAction] = []

        self._build_widgets()
        self._build_actions()
        self._update_title()
        self.resize(1400, 860)
        self._restore_last_document()
        self.article.setFocus()  # ready for keyboard selection and number keys at once
        # Others (another app on this project, or a team on one server) may edit too:
        # a cheap fingerprint is polled and what changed is reloaded.
        self._revision = self.store.revision(self.document.id if self.document else None)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(2000)
        self.refresh_timer.timeout.connect(self.poll_changes)
        self.refresh_timer.start()
        if not self.settings.has_annotator:  # a first start: the name is the user's to give, not the login's
            QTimer.singleShot(0, self.welcome)

    # -- construction -------------------------------------------------------------

    def _build_widgets(self) -> None:
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        self.search = QLineEdit(left)
        self.search.setObjectName("document_search")
        self.search.setPlaceholderText("Filter by title, outlet or id  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search_changed)
        clear = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search)
        clear.setContext(Qt.ShortcutContext.WidgetShortcut)
        clear.activated.connect(self.search.clear)
        left_layout.addWidget(self.search)
        self.document_table = ListTable(left, self._no_documents)
        self.document_table.setObjectName("document_table")
        self.document_table.setModel(self.documents)
        self.document_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.document_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Unsorted (import order) before sorting is on: in the other order the view sorted the
        # list twice, by title and back, each reading every id (a second on 100,000 articles).
        self.document_table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.document_table.setSortingEnabled(True)
        self.document_table.verticalHeader().hide()
        self.document_table.verticalHeader().setDefaultSectionSize(24)
        self.document_table.setWordWrap(False)
        # Set widths, the title and outlet sharing the rest: measuring contents would read
        # every row of a large project.
        share_columns(self.document_table, {2: 86, 3: 44, 4: 50}, {0: 2.2, 1: 1})
        self.document_table.selectionModel().currentRowChanged.connect(self._on_current_document_changed)
        left_layout.addWidget(self.document_table)

        self.article = ArticleView(self)
        self.article.setObjectName("article")
        self.article.set_schema(self.schema)
        self.article.span_clicked.connect(self._on_span_clicked)

        self.article.suggestion_clicked.connect(self._on_suggestion_clicked)

        self.panel = AnnotationPanel(self.schema, self.spans, self.suggestions, self)
        self.panel.label_requested.connect(self.apply_label)
        self.panel.category_toggled.connect(self.toggle_category)
        self.panel.delete_requested.connect(self.delete_selected_span)
        self.panel.done_toggled.connect(self._on_done_toggled)
        self.panel.span_selected.connect(self._on_span_selected)
        self.panel.suggestion_selected.connect(self._on_suggestion_selected)
        self.panel.suggestion_filter_changed.connect(self._refresh_suggestions)
        self.panel.details.edited.connect(self._on_document_field_edited)
        self.panel.suggest_button.clicked.connect(self.suggest_for_document)
        self.panel.accept_button.clicked.connect(self.accept_suggestion)
        self.panel.reject_button.clicked.connect(self.reject_suggestion)
        self.panel.accept_all_button.clicked.connect(self.accept_all_suggestions)
        self.panel.reject_all_button.clicked.connect(self.reject_all_suggestions)
        editor = self.panel.value_editor
        editor.value_edited.connect(self._on_value_edited)
        editor.entity_chosen.connect(self._on_entity_chosen)
        editor.entity_created.connect(self._on_entity_created)
        editor.finished.connect(self.article.setFocus)
        editor.aliases_edited.connect(
            lambda entity_id, aliases: self.apply(EditEntity(entity_id, {"aliases": aliases},
                                                             self.document.id if self.document else 0)))
        self._on_entities_changed()

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.article)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setStretchFactor(2, 2)
        splitter.setSizes([430, 570, 440])
        self.setCentralWidget(splitter)

        self.saved_label = QLabel(self)
        self.counts_label = QLabel(self)
        self.annotator_label = QLabel(self)
        self.statusBar().addWidget(self.saved_label, 1)
        self.statusBar().addPermanentWidget(self.counts_label)
        self.statusBar().addPermanentWidget(self.annotator_label)
        self._update_counts()

    def _action(self, text: str, shortcut: QKeySequence | str | list | None, slot, menu) -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, list):
            action.setShortcuts(shortcut)
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action("&Open project…", QKeySequence.StandardKey.Open, self.open_project_dialog, file_menu)
        self._action("&Import files…", "Ctrl+I", self.import_dialog, file_menu)
        self._action("&Export dataset…", "Ctrl+E", self.export_dialog, file_menu)
        self._action("Export &clean dataset…", None, lambda: self.export_dialog(clean=True), file_menu)
        self._action("&Validate…", "Ctrl+Shift+V", self.validate_project, file_menu)
        file_menu.addSeparator()
        self._action("Set &annotator name…", None, self.annotator_dialog, file_menu)
        file_menu.addSeparator()
        self._action("&Quit", QKeySequence.StandardKey.Quit, self.close, file_menu)

        edit_menu = bar.addMenu("&Edit")
        self.undo_action, self.redo_action = self.history.undo_action, self.history.redo_action
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self.delete_action = self._action("&Delete span", QKeySequence.StandardKey.Delete,
                                          self.delete_selected_span, edit_menu)
        self._action("&Find document", QKeySequence.StandardKey.Find, self._focus_search, edit_menu)
        self._action("&Link span to an entity", "L", self.focus_entity_box, edit_menu)

        doc_menu = bar.addMenu("&Document")
        self._action("&Next document", "Ctrl+PgDown", lambda: self.go_to_relative(1), doc_menu)
        self._action("&Previous document", "Ctrl+PgUp", lambda: self.go_to_relative(-1), doc_menu)
        doc_menu.addSeparator()
        self._action("Toggle &done", "Ctrl+D", self.toggle_done, doc_menu)
        self._action("Done and ne&xt", "Ctrl+Return", self.done_and_next, doc_menu)

        suggest_menu = bar.addMenu("&Suggestions")
        self._action("&Suggest for this document", "Ctrl+G", self.suggest_for_document, suggest_menu)
        self._action("Suggest for the whole &project", None, self.suggest_for_project, suggest_menu)
        suggest_menu.addSeparator()
        self._action("&Accept suggestion", "A", self.accept_suggestion, suggest_menu)
        self._action("&Reject suggestion", "X", self.reject_suggestion, suggest_menu)
        self._action("&Next suggestion", "N", lambda: self.go_to_suggestion(1), suggest_menu)
        self._action("Pre&vious suggestion", "Shift+N", lambda: self.go_to_suggestion(-1), suggest_menu)
        self._action("Accept &all shown", "Ctrl+Shift+A", self.accept_all_suggestions, suggest_menu)
        self._action("Reject all shown", None, self.reject_all_suggestions, suggest_menu)

        review_menu = bar.addMenu("&Review")
        self.reviewer_action = QAction("Work as &reviewer (see every annotator)", self)
        self.reviewer_action.setCheckable(True)
        self.reviewer_action.setChecked(self.settings.reviewer)
        self.reviewer_action.toggled.connect(self._on_reviewer_toggled)
        review_menu.addAction(self.reviewer_action)
        self.review_action = self._action("Open &review…", "Ctrl+R", self.open_review, review_menu)
        self.review_action.setEnabled(self.settings.reviewer)
        self._action("&Duplicates across sources…", "Ctrl+U", self.open_duplicates, review_menu)

        self.label_menu = bar.addMenu("&Labels")
        self._schema_actions_end = self.label_menu.addSeparator()
        self._action("&Edit labels and categories…", "Ctrl+Shift+L", self.open_label_editor, self.label_menu)
        self._build_schema_actions()

        help_menu = bar.addMenu("&Help")
        help_keys = [QKeySequence(Qt.Key.Key_F1), QKeySequence("?"), QKeySequence("Shift+?")]  # ? is shifted
        self._action("&Keyboard and labels", help_keys, self.show_help, help_menu)

    def _build_schema_actions(self) -> None:
        """The Labels menu's actions for the schema: a label per number key, and a
        category choice per key (the keys live here, so the help sheet lists them)."""
        for action in self._schema_actions:
            self.label_menu.removeAction(action)
            action.deleteLater()
        self._schema_actions = []

        def add(text: str, key: str | None = None, slot=None) -> QAction:
            action = QAction(text, self)
            if key:
                action.setShortcut(QKeySequence(key))
            if slot is None:
                action.setSeparator(True)
            else:
                action.triggered.connect(slot)
            self.label_menu.insertAction(self._schema_actions_end, action)
            self._schema_actions.append(action)
            return action

        for label in self.schema.labels:
            action = add(label.name, self.schema.key_of(label.name),
                         lambda _=False, name=label.name: self.apply_label(name))
            action.setToolTip(label.description or label.name)
        for category in self.schema.categories:
            add("")  # a separator before each set
            for choice in category.choices:
                add(f"{category.name}: {choice.name}", choice.key,
                    lambda _=False, s=category.name, c=choice.name: self.toggle_category(s, c))

    def open_label_editor(self) -> LabelEditor:
        """Labels → Edit labels and categories: a window beside the work."""
        if self.label_editor is None:
            self.label_editor = LabelEditor(self.session, self)
        self.label_editor.show()
        self.label_editor.raise_()
        self.label_editor.activateWindow()
        return self.label_editor

    def _on_schema_changed(self, relabelled: bool = False) -> None:
        """The project's labels or category sets changed (here, in another window, or
        elsewhere): everything that shows them follows; a relabel reloads the spans."""
        self.schema = self.store.label_schema
        self.article.set_schema(self.schema)
        self.spans.set_schema(self.schema)
        self.suggestions.set_schema(self.schema)
        self.panel.value_editor.set_schema(self.schema)
        self.panel.set_schema(self.schema)
        self._build_schema_actions()
        if self.help_sheet is not None:
            self.help_sheet.set_schema(self.schema)
        if self.document is None:
            return
        if relabelled:
            selected = self.panel.selected_span_id()
            self.open_document(self.document.id)
            self.panel.select_span(selected)
        else:
            self.article.set_spans(self.spans.spans, self.panel.selected_span_id())  # in the new colours
            self._show_categories()

    def toggle_category(self, set_name: str, choice: str) -> None:
        """A category key: a single-choice set takes ``choice`` (again: clears it); a
        multiple-choice set toggles it."""
        category = self.schema.category(set_name)
        if self.document is None or category is None:
            return
        mine = self.store.categories_for(self.document.id, self.annotator).get(self.annotator, {})
        current = mine.get(set_name, [])
        if category.multiple:
            choices = [name for name in category.names if (name in current) != (name == choice)]
        else:
            choices = [] if current == [choice] else [choice]
        if not self.apply(SetCategories(self.document.id, self.annotator, set_name, choices)):
            self._show_categories()  # refused: the toggle shows what is stored

    def _show_categories(self) -> None:
        if self.document is not None:
            mine = self.store.categories_for(self.document.id, self.annotator).get(self.annotator, {})
            self.panel.show_categories(mine)

    def show_help(self) -> None:
        if self.help_sheet is None:
            self.help_sheet = HelpSheet(self.menuBar(), self.schema, self)
        self.help_sheet.show_sheet()

    def _update_title(self) -> None:
        name = self.store.project.name
        self.setWindowTitle(f"{name} — Curator")
        role = "reviewer" if self.settings.reviewer else "annotator, blind"
        self.annotator_label.setText(f"Annotator: {self.annotator} ({role})")

    def _update_counts(self) -> None:
        shown, done = self.documents.summary()
        self.counts_label.setText(f"{shown} documents · {done} done")

    # -- documents ----------------------------------------------------------------

    def _restore_last_document(self) -> None:
        last = self.store.get_state(f"last_document.{self.annotator}")
        row = self.documents.row_of(last) if last is not None else None
        self.select_row(row if row is not None else 0)

    def select_row(self, row: int) -> None:
        if not 0 <= row < self.documents.rowCount():
            return
        index = self.documents.index(row, 0)
        self.document_table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.document_table.scrollTo(index)

    def select_document(self, doc_id: int) -> None:
        row = self.documents.row_of(doc_id)
        if row is None and self.search.text():
            self.search.clear()
            row = self.documents.row_of(doc_id)
        if row is not None:
            self.select_row(row)

    def go_to_relative(self, step: int) -> None:
        current = self.document_table.currentIndex().row()
        self.select_row(max(0, min(self.documents.rowCount() - 1, current + step)))

    def _on_current_document_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        doc_id = self.documents.doc_id(current.row())
        if doc_id is None or (self.document and self.document.id == doc_id):
            return
        self.open_document(doc_id)

    def open_document(self, doc_id: int) -> None:
        self.document = self.store.get_document(doc_id)
        spans = self.store.annotations_for(doc_id, self.annotator)
        self.article.set_text(self.document.text)
        self.article.set_spans(spans, paint=False)  # painted once, with the suggestions, below
        self.spans.set_document(doc_id, self.document.text, self.annotator, spans)
        self._refresh_suggestions()
        self.panel.value_editor.show_span(None, "")
        self.panel.details.show_document(self.document)
        self.panel.show_status(self.store.status(doc_id, self.annotator))
        self._show_categories()
        self.store.set_state(f"last_document.{self.annotator}", doc_id)
        self._revision = self.store.revision(doc_id)

    def _no_documents(self) -> str:
        search = self.search.text().strip()
        if search:
            return f"No document's title, outlet or id contains “{search}” (Esc clears the filter)"
        return "No articles yet: File → Import files (Ctrl+I) adds text, CSV, JSON or Excel articles"

    def _on_search_changed(self, text: str) -> None:
        current = self.document.id if self.document else None
        self.documents.set_search(text.strip())
        row = self.documents.row_of(current) if current is not None else None
        if row is not None:
            self.select_row(row)
        self._update_counts()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- edits --------------------------------------------------------------------

    def apply(self, command: Command) -> bool:
        """Do an edit through the session (stored, and undoable from here or the command line)."""
        step = apply_command(self, self.session, command, self._show_stored)
        if step is None:
            return False
        self._mark_saved(step.label)
        return True

    def poll_changes(self) -> None:
        """Reload the list and the open document if someone else changed them."""
        doc_id = self.document.id if self.document else None
        if self.store.label_schema != self.schema:  # changed elsewhere (a relabel moves spans too: below)
            self._on_schema_changed()
        self._show_categories()
        revision = self.store.revision(doc_id)
        if revision == self._revision:
            return
        previous, self._revision = self._revision, revision
        if previous[0] != revision[0]:  # documents were added elsewhere
            self.documents.reload()
            self._update_counts()
        if doc_id is not None:
            selected = self.panel.selected_span_id()
            self.open_document(doc_id)
            self.panel.select_span(selected)
            self.statusBar().showMessage("Updated with changes made elsewhere", 3000)

    def _show_stored(self) -> None:
        if self.document is not None:
            self.open_document(self.document.id)  # what is stored now, after someone else's edit

    def _on_stepped(self, step: Step, what: str) -> None:
        """After undo/redo (from any window): show the document the edit was in, so the
        change is visible (the open one follows its own events), and say which edit moved."""
        if step.doc_id and (self.document is None or self.document.id != step.doc_id):
            self.select_document(step.doc_id)
        self._mark_saved(f"{what}: {step.label}")

    def _on_show_requested(self, event: ShowRequested) -> None:
        self.select_document(event.doc_id)
        if self.document is None or self.document.id != event.doc_id:
            return
        if event.annotation_id is not None:
            self.panel.select_span(event.annotation_id)
        elif event.start is not None:
            length = len(self.document.text)
            self.article.set_selection(min(event.start, length), min(event.end or event.start, length))
            self.article.ensureCursorVisible()
        self.raise_()

    def _mark_saved(self, what: str) -> None:
        self._revision = self.store.revision(self.document.id if self.document else None)
        self.saved_label.setText(f"✓ Saved {datetime.now():%H:%M:%S} · {what}")

    def apply_label(self, label: str) -> None:
        """Tag the selection (snapped to words) or relabel the span at the caret."""
        if self.document is None:
            return
        self.panel.remember_label(label)
        start, end = self.article.selection_range()
        if start == end:
            under_caret = [s for s in self.article.spans_at(start)]
            if under_caret:
                span = min(under_caret, key=lambda s: s.end - s.start)
                command = editing.relabel(self.schema, self.document, span, label, self.panel.value_editor.entities)
                if command is not None:
                    self.apply(command)
                return
        if snap_to_words(self.document.text, start, end) is None:
            self.statusBar().showMessage("Select some words first, then press a label key", 4000)
            return
        command = editing.tag(self.schema, self.document, start, end, label, self.annotator, self.spans.spans,
                              self.panel.value_editor.entities)
        if command is None or self.apply(command):  # None: that span has that label already
            self.article.clear_selection()
            if isinstance(command, AddSpan):
                self.panel.select_span(command.annotation.id)

    def _selected_span(self) -> Annotation | None:
        span_id = self.panel.selected_span_id()
        return next((s for s in self.spans.spans if s.id == span_id), None)

    def _on_value_edited(self, value: dict) -> None:
        span = self._selected_span()
        if span is not None:
            self.apply(EditSpan(span.id, span.doc_id, {"value": value}, expected=span.updated))

    def _on_entity_chosen(self, entity_id: str) -> None:
        span = self._selected_span()
        if span is not None and (entity_id or None) != span.entity_id:
            self.apply(EditSpan(span.id, span.doc_id, {"entity_id": entity_id or None}, expected=span.updated))

    def focus_entity_box(self) -> None:
        """L: type the entity the selected span names; Enter links it (or creates it)."""
        editor = self.panel.value_editor
        span = self._selected_span()
        kind = self.schema.get(span.label) if span else None
        if kind is None or kind.kind is not LabelKind.ENTITY:
            self.statusBar().showMessage("Select a span with an entity label to link it to an entity", 4000)
            return
        editor.entity_box.setFocus()
        editor.entity_box.lineEdit().selectAll()

    def _on_entity_created(self, name: str) -> None:
        span = self._selected_span()
        if span is None:
            return
        self.apply(editing.link_to_new_entity(span, name))

    def _on_entities_changed(self) -> None:
        entities = self.store.entities()
        self.panel.value_editor.set_entities(entities)
        self.spans.set_entity_names({entity.id: entity.name for entity in entities})
        if self.document is not None:  # relinked spans are changed spans: edit them as they are now
            self.spans.refresh(self.store.annotations_for(self.document.id, self.annotator))

    # -- suggestions ----------------------------------------------------------------------

    def _refresh_suggestions(self) -> None:
        if self.document is None:
            return
        shown = visible(self.store.suggestions_for(self.document.id, self.annotator), self.spans.spans,
                        self.panel.bulk_label.currentData())
        self.suggestions.set_suggestions(self.document.id, self.document.text, shown)
        self.article.set_suggestions(shown)
        self.panel.show_counts()

    def suggest_for_document(self) -> None:
        if self.document is None:
            return
        added = suggest_document(self.store, self.document.id, self.annotator)
        self.panel.tabs.setCurrentIndex(1)
        self.statusBar().showMessage(f"{len(added)} new suggestion(s)", 4000)
        if self.panel.selected_suggestion_id() is None:
            self.go_to_suggestion(1)

    def suggest_for_project(self) -> BackgroundTask:
        annotator = self.annotator
        return self.run_task("Suggesting", lambda job: suggest_project(self.store, annotator, job),
                             lambda added: self.statusBar().showMessage(f"{added} new suggestion(s)", 6000))

    def _current_suggestion(self) -> Suggestion | None:
        row = self.panel.suggestion_table.currentIndex().row()
        return self.suggestions.suggestion(row if row >= 0 else 0)

    def go_to_suggestion(self, step: int) -> None:
        count = self.suggestions.rowCount()
        if not count:
            self.statusBar().showMessage("No suggestions: press Ctrl+G to suggest", 3000)
            return
        row = self.panel.suggestion_table.currentIndex().row()
        row = 0 if row < 0 and step > 0 else (row + step) % count
        self.panel.tabs.setCurrentIndex(1)
        self.panel.select_suggestion(self.suggestions.suggestion(row).id)

    def _decide(self, command) -> None:
        """Apply an accept/reject and move on to the suggestion now in the same row."""
        row = max(0, self.panel.suggestion_table.currentIndex().row())
        if self.apply(command):
            next_one = self.suggestions.suggestion(min(row, self.suggestions.rowCount() - 1))
            self.panel.select_suggestion(next_one.id if next_one else None)
            if next_one is None:
                self.panel.value_editor.show_span(None, "")

    def accept_suggestion(self) -> None:
        suggestion = self._current_suggestion()
        if suggestion is not None:
            self._decide(AcceptSuggestion(suggestion.id, suggestion.doc_id))

    def reject_suggestion(self) -> None:
        suggestion = self._current_suggestion()
        if suggestion is not None:
            self._decide(SetSuggestionStatus(suggestion.id, suggestion.doc_id, SuggestionStatus.REJECTED))

    def accept_all_suggestions(self) -> None:
        if self.document is not None:
            batch = bulk_accept(self.store, self.document.id, self.annotator, self.panel.bulk_label.currentData())
            if batch is not None:
                self.apply(batch)

    def reject_all_suggestions(self) -> None:
        if self.document is not None:
            batch = bulk_reject(self.store, self.document.id, self.annotator, self.panel.bulk_label.currentData())
            if batch is not None:
                self.apply(batch)

    def _on_suggestion_selected(self, suggestion_id: str) -> None:
        self.article.select_span(suggestion_id)
        suggestion = next((s for s in self.suggestions.suggestions if s.id == suggestion_id), None)
        if suggestion is not None and self.document is not None:
            self.panel.value_editor.show_span(suggestion, self.document.text, suggested=True)

    def _on_suggestion_clicked(self, suggestion_id: str) -> None:
        self.panel.tabs.setCurrentIndex(1)
        self.panel.select_suggestion(suggestion_id)

    def delete_selected_span(self) -> None:
        span_id = self.panel.selected_span_id()
        if span_id is None and self.document is not None:
            start, _end = self.article.selection_range()
            hits = self.article.spans_at(start)
            span_id = min(hits, key=lambda s: s.end - s.start).id if hits else None
        if span_id is None:
            self.statusBar().showMessage("Select a span to delete", 3000)
            return
        span = next(s for s in self.spans.spans if s.id == span_id)
        self.apply(DeleteSpan(span.id, span.doc_id, span.label))

    def toggle_done(self) -> None:
        self.panel.done_box.toggle()

    def _on_done_toggled(self, checked: bool) -> None:
        if self.document is not None:
            status = DocumentStatus.DONE if checked else DocumentStatus.TODO
            self.apply(SetStatus(self.document.id, self.annotator, status))

    def done_and_next(self) -> None:
        if self.document is None:
            return
        if self.store.status(self.document.id, self.annotator) is not DocumentStatus.DONE:
            self.apply(SetStatus(self.document.id, self.annotator, DocumentStatus.DONE))
        self.go_to_relative(1)

    def _on_document_field_edited(self, field: str, value: object) -> None:
        if self.document is not None:
            self.apply(EditDocument(self.document.id, {field: value}))

    def _on_span_clicked(self, annotation_id: str) -> None:
        self.panel.select_span(annotation_id)

    def _on_span_selected(self, annotation_id: str) -> None:
        self.article.select_span(annotation_id)
        span = self._selected_span()
        self.panel.value_editor.show_span(span, self.document.text if self.document else "")

    def _on_store_changed(self, event: Event) -> None:
        if isinstance(event, ShowRequested):
            self._on_show_requested(event)
            return
        if isinstance(event, HistoryChanged):
            if event.moved in ("Undone", "Redone"):
                self._on_stepped(Step(event.label, event.doc_id), event.moved)
            return
        if isinstance(event, EntitiesChanged):
            self._on_entities_changed()
            return
        if isinstance(event, SchemaChanged):
            self._on_schema_changed(relabelled=bool(event.relabelled))
            return
        if self.document is None:
            return
        if isinstance(event, CategoriesChanged):
            if event.doc_id == self.document.id and event.annotator == self.annotator:
                self._show_categories()
            return
        if isinstance(event, SuggestionsChanged):
            if event.doc_id == self.document.id:
                self._refresh_suggestions()
            return
        if isinstance(event, (AnnotationAdded, AnnotationRemoved)):
            touched = event.annotation
        elif isinstance(event, AnnotationChanged):
            touched = event.after
        else:
            if getattr(event, "id", None) == self.document.id:  # its details or status, changed anywhere
                self.document = self.store.get_document(self.document.id)
                self.panel.details.show_document(self.document)
                self.panel.show_status(self.store.status(self.document.id, self.annotator))
            self._update_counts()
            return
        if touched.doc_id == self.document.id and touched.annotator == self.annotator:
            self.article.set_spans(self.spans.spans, self.panel.selected_span_id())
            self._refresh_suggestions()
            selected = self._selected_span()
            if selected is not None and selected.id == touched.id:
                self.panel.value_editor.show_span(selected, self.document.text)
            self.panel.show_counts()

    # -- import, export, settings ----------------------------------------------------

    def run_task(self, title: str, work, on_success, on_failure=None) -> BackgroundTask:
        """Run ``work(job)`` in the background; results come back on the UI thread."""
        return run_task(self, self.session, title, work, on_success,
                        on_failure or (lambda exc: self._show_error(str(exc))))

    def import_dialog(self) -> BackgroundTask | None:
        patterns = " ".join(f"*{suffix}" for suffix in sorted(SUPPORTED_SUFFIXES | {".conll", ".bio"}))
        files, _ = QFileDialog.getOpenFileNames(
            self, "Import articles or annotated files", self.settings.recall("folder.import") or "",
            f"Articles and annotated files: Curator, Label Studio, doccano, CoNLL ({patterns})")
        if files:
            self.settings.remember("folder.import", str(Path(files[0]).parent))
            return self.import_paths([Path(f) for f in files])
        return None

    def import_paths(self, paths: list[Path]) -> BackgroundTask:
        # The readers and writers of files are imported when first used, not while the window starts.
        from curator.formats.interop import import_paths

        return self.run_task("Importing", lambda job: import_paths(self.store, paths, job),
                             lambda report: self._on_imported(report, paths))

    def ask_to_add_labels(self, missing: dict[str, int], paths: list[Path]) -> QMessageBox:
        """The files use labels the project lacks: add them and import their spans, or not."""
        listed = ", ".join(f"{name} ({count:,} span{'s' if count > 1 else ''})" for name, count in sorted(missing.items()))
        box = QMessageBox(QMessageBox.Icon.Question, "Labels the project lacks",
                          f"The imported files use labels this project does not have: {listed}.\n\nAdd them "
                          "(Labels → Edit labels and categories changes them later) and import their spans?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("missing_labels")

        def answered(button: int) -> None:
            if button != QMessageBox.StandardButton.Yes:
                self.statusBar().showMessage(f"Spans with {', '.join(sorted(missing))} were not imported", 8000)
                return
            from curator.formats.interop import detect, import_paths

            unusable = unusable_labels(list(missing))
            if unusable:
                self.statusBar().showMessage(f"Spans with {', '.join(sorted(unusable))} were not imported: "
                                             "not usable as label names", 8000)
            command = add_found_labels(self.store, list(missing))
            if command is not None and self.apply(command):
                annotated = [path for path in paths if path.is_file() and detect(path)]
                self.run_task("Importing", lambda job: import_paths(self.store, annotated, job), self._on_imported)

        box.finished.connect(answered)
        box.open()
        return box

    def _on_imported(self, result, paths: list[Path] | None = None) -> None:
        report = result
        self._update_counts()
        self._mark_saved(report.summary())
        if report.missing_labels and paths:
            self.ask_to_add_labels(report.missing_labels, paths)
            return
        if report.problems or report.warnings:
            box = QMessageBox(QMessageBox.Icon.Warning, "Import", report.summary(), parent=self)
            box.setDetailedText("\n".join(str(p) for p in [*report.problems, *report.warnings]))
            box.open()
        if self.document is None and self.documents.rowCount():
            self.select_row(0)

    def export_dialog(self, clean: bool = False) -> None:
        layers = self.store.annotators()
        default = "gold" if "gold" in layers else "all"
        choices = [default, *[name for name in ["all", *layers] if name != default]]
        layer, ok = QInputDialog.getItem(self, "Export dataset", "Layer to export:", choices, 0, False)
        if not ok:
            return
        kinds = {"JSON (*.json)": "json", "JSON lines (*.jsonl)": "jsonl", "Excel workbook (*.xlsx)": "xlsx",
                 "Label Studio tasks (*.json)": "labelstudio", "doccano JSONL (*.jsonl)": "doccano",
                 "CoNLL BIO, one layer (*.conll)": "conll", "spaCy DocBin (*.spacy)": "spacy"}
        # The folder and format of the last export are offered again.
        last = self.settings.recall("format.export")
        last = last if last in kinds else "JSON (*.json)"
        suggested = Path(self.settings.recall("folder.export") or "") / f"{self.store.project.name}{_suffix(last)}"
        target, chosen = QFileDialog.getSaveFileName(self, "Export dataset", str(suggested), ";;".join(kinds), last)
        if target:
            self.settings.remember("folder.export", str(Path(target).parent))
            if chosen in kinds:
                self.settings.remember("format.export", chosen)
            fmt = kinds.get(chosen, "json")
            if not Path(target).suffix:  # the suffix the chosen filter names, "(*.jsonl)"
                target += _suffix(chosen) if chosen in kinds else ".json"
            if fmt == "conll" and layer == "all":  # CoNLL holds one layer: ask which, here and now
                single = [name for name in choices if name != "all"]
                if not single:
                    self.statusBar().showMessage("CoNLL holds one layer, and this project has no annotations yet",
                                                 6000)
                    return
                layer, ok = QInputDialog.getItem(self, "Export CoNLL", "CoNLL holds one layer. Layer to export:",
                                                 single, 0, False)
                if not ok:
                    return
            self.export_to(Path(target), None if layer == "all" else layer, fmt, clean)

    def export_to(self, target: Path, annotator: str | None = None, fmt: str | None = None,
                  clean: bool = False) -> BackgroundTask:
        from curator.exporting import export
        from curator.formats.export import TOOL_FORMATS, ExportRefused
        from curator.formats.interop import export_interop

        def work(job):
            if fmt in TOOL_FORMATS:
                return export_interop(self.store, target, fmt, annotator)
            return export(self.store, target, fmt, annotator, job, clean=clean)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ExportRefused):
                self.show_problems(exc.problems, "Export refused")
            else:
                self._show_error(str(exc))

        return self.run_task("Exporting", work, lambda _w: self._mark_saved(f"Exported to {target}"), failed)

    def _on_reviewer_toggled(self, checked: bool) -> None:
        self.settings.reviewer = checked
        self.review_action.setEnabled(checked)
        self._update_title()
        if checked:
            self.open_review()
        elif self.review_window is not None:
            self.review_window.close()  # annotators work blind

    def open_review(self):
        """The review window (reviewers only: annotators work blind)."""

        if not self.settings.reviewer:
            self.statusBar().showMessage("Annotators work blind: turn on Review → Work as reviewer first", 5000)
            return None
        if self.review_window is None:
            # Imported when first opened (it brings numpy), not while the window starts.
            from ui.windows.review_window import ReviewWindow

            self.review_window = ReviewWindow(self.session, self)
            self.review_window.duplicates_requested.connect(self.open_duplicates)
        self.review_window.show()
        self.review_window.raise_()
        return self.review_window

    def open_duplicates(self):
        """The Duplicates area: articles, entities and facts reported by several sources."""

        if self.duplicates_window is None:
            from ui.windows.duplicates_window import (
                DuplicatesWindow,  # when first opened
            )

            self.duplicates_window = DuplicatesWindow(self.session, self)
        self.duplicates_window.show()
        self.duplicates_window.raise_()
        self.duplicates_window.activateWindow()
        return self.duplicates_window

    def show_problems(self, problems, title: str):

        self.validation_dialog = ValidationDialog(self.session, problems, title, self)
        self.validation_dialog.open()
        return self.validation_dialog

    def validate_project(self) -> BackgroundTask:
        """Check the whole project in the background and list what is wrong."""
        from curator.formats.validate import validate_project

        return self.run_task("Validating", lambda job: validate_project(self.store, job=job),
                             lambda problems: self.show_problems(problems, "Validation"))

    def welcome(self) -> QInputDialog:
        """At the first start, ask the curator's name (not modal to the app: a window-modal
        sheet); until they give one, they annotate under their login name."""
        dialog = QInputDialog(self)
        dialog.setObjectName("welcome")
        dialog.setWindowTitle("Welcome to Curator")
        dialog.setLabelText("Your annotator name. It names your layer of annotations and your edits;\n"
                            "File → Set annotator name changes it later.")
        dialog.setTextValue(self.annotator)
        dialog.textValueSelected.connect(lambda name: name.strip() and self.set_annotator(name.strip()))
        dialog.rejected.connect(lambda: self.statusBar().showMessage(
            f"Annotating as {self.annotator}: File → Set annotator name to choose your name", 8000))
        dialog.open()
        return dialog

    def annotator_dialog(self) -> None:
        name, ok = QInputDialog.getText(self, "Annotator", "Your annotator name:", text=self.annotator)
        if ok and name.strip():
            self.set_annotator(name.strip())

    def set_annotator(self, name: str) -> None:
        try:
            self.settings.annotator = name
        except CuratorError as exc:  # an empty, overlong or unprintable name
            self._show_error(str(exc))
            return
        name = self.settings.annotator
        self.annotator = name
        self.session.set_annotator(name)  # their history, their layer
        self.documents.set_annotator(name)
        self.document = None
        self._update_title()
        self._update_counts()
        self._restore_last_document()

    def open_project_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open project folder")
        if folder:
            try:
                store = Store.open(folder)
            except CuratorError as exc:
                self._show_error(str(exc))
                return
            window = MainWindow(store, self.settings)
            window.show()
            self.close()

    def _show_error(self, message: str) -> None:
        show_error(self, message)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.session.cancel_jobs()
        # Let background jobs stop (they were asked to) before the store closes.
        QThreadPool.globalInstance().waitForDone(5000)
        self.events.detach()
        super().closeEvent(event)
