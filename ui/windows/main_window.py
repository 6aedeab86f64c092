"""The main window: document list, article view and annotation panel."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QThreadPool, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from curator.domain.models import Document
from curator.errors import CuratorError
from curator.session import Changes, Session, ShowRequested, Step
from curator.session.annotating import Annotating
from curator.session.changes import REDO, UNDO
from curator.session.commands import Command
from curator.session.document_list import DocumentList
from curator.session.label_edits import key_changes
from curator.session.project import Settings, open_project
from ui.change_signals import FollowsChanges
from ui.edits import HistoryActions, apply_command, show_error
from ui.models.annotation_table_model import AnnotationTableModel
from ui.models.document_table_model import DocumentTableModel
from ui.models.suggestion_table_model import SuggestionTableModel
from ui.widgets.annotation_panel import AnnotationPanel
from ui.widgets.article_view import ArticleView
from ui.widgets.table_views import ListTable, share_columns
from ui.windows.companions import Companions
from ui.windows.export_controller import ExportController
from ui.windows.geometry import RememberedLayout
from ui.windows.import_controller import ImportController
from ui.windows.main_menus import build_menus, build_schema_actions
from ui.windows.migration_dialog import open_bringing_up_to_date
from ui.windows.relation_linking import RelationLinking
from ui.windows.span_editing import SpanEditing
from ui.windows.suggestion_controller import SuggestionController
from ui.workers import BackgroundTask, run_task

if TYPE_CHECKING:
    from curator.store import Store  # (given by the app, handed to the session)


REST_AT_LATEST_MS = 40  # an opened document's suggestions and relations, if its text is not drawn sooner (hidden)


class MainWindow(FollowsChanges, QMainWindow):
    """One open project: documents on the left, the article in the middle, spans on the right.

    Every edit goes through ``apply`` as a core command done by the session, which
    commits it with its history entry before the status bar says it is saved. Other
    windows are given the session, not this window. The parts of its work live in
    their own modules (``span_editing``, ``suggestion_controller``, ``import_controller``,
    ``export_controller``, ``companions``, ``main_menus``). UI thread only.
    """

    def __init__(self, store: Store, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.annotator = self.settings.annotator
        self.session = Session(store, self.annotator)
        self.queries = Annotating(self.session)
        self.schema = self.session.schema
        self.document: Document | None = None
        self.documents = DocumentTableModel(DocumentList(store), self.annotator, self,
                                            current=lambda: self.document.id if self.document else None)
        self.documents.filtered.connect(self._on_filtered)
        self.documents.filter_failed.connect(self._on_filter_failed)
        self.documents.reading.connect(self._update_counts)
        self.spans = AnnotationTableModel(self.schema, self)
        self.suggestions = SuggestionTableModel(self.schema, self)
        self.follow(self.session).show_requested.connect(self.show_requested)
        self.history = HistoryActions(self.session, self, self.changes)
        self.schema_actions: list[QAction] = []

        self._rest_timer = QTimer(self)  # an opened document's suggestions and relations, once its text is drawn
        self._rest_timer.setSingleShot(True)
        self._rest_timer.timeout.connect(self._show_rest)
        self._build_widgets()
        self.editing = SpanEditing(self)
        self.relations = RelationLinking(self)
        self.suggestion_control = SuggestionController(self)
        self.imports, self.exports, self.companions = ImportController(self), ExportController(self), Companions(self)
        # What tests, scripts and the menus call, where it now lives.
        self.apply_label, self.toggle_done = self.editing.apply_label, self.editing.toggle_done
        self.delete_selected_span = self.editing.delete_selected_span
        self._on_entity_chosen = self.editing._on_entity_chosen
        self.suggest_for_document = self.suggestion_control.suggest_for_document
        self.accept_suggestion = self.suggestion_control.accept_suggestion
        self.go_to_suggestion = self.suggestion_control.go_to_suggestion
        self.import_dialog, self.import_paths = self.imports.import_dialog, self.imports.import_paths
        self.export_dialog, self.export_to = self.exports.export_dialog, self.exports.export_to
        self.open_review, self.open_duplicates = self.companions.open_review, self.companions.open_duplicates
        self.open_facts = self.companions.open_facts
        self.open_label_editor, self.show_help = self.companions.open_label_editor, self.companions.show_help
        self.show_problems, self.validate_project = self.companions.show_problems, self.companions.validate_project
        self.editing.on_entities_changed()
        build_menus(self)
        self.update_title()
        self.layout_memory = RememberedLayout(self, self.settings, "main", (1400, 860), {"panes": self.splitter})
        self._restore_last_document()
        self.article.setFocus()  # ready for keyboard selection and number keys at once
        # Others (another app on this project, or a team on one server) may edit too: the
        # session looks now and then, and what they changed comes as every change does.
        self.poll_changes()  # what the project is now: the next look compares with it
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(2000)
        self.refresh_timer.timeout.connect(self.poll_changes)
        self.refresh_timer.start()
        if not self.settings.has_annotator:  # a first start: the name is the user's to give, not the login's
            QTimer.singleShot(0, self.companions.welcome)

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
        # Set widths, the title taking most of the rest: measuring contents would read
        # every row of a large project. The notes (categories, duplicate) are short.
        share_columns(self.document_table, {2: 84, 3: 28, 4: 46}, {0: 3.4, 1: 1, 5: 1.1})
        self.document_table.selectionModel().currentRowChanged.connect(self._on_current_document_changed)
        left_layout.addWidget(self.document_table)

        self.article = ArticleView(self)
        self.article.setObjectName("article")
        self.article.text_drawn.connect(self._on_text_drawn)
        self.article.set_schema(self.schema)
        self.panel = AnnotationPanel(self.schema, self.spans, self.suggestions, self)

        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.article)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 4)
        splitter.setStretchFactor(2, 2)
        splitter.setSizes([450, 520, 430])  # at 1280 pixels the list keeps its titles readable
        self.setCentralWidget(splitter)

        self.saved_label = QLabel(self)
        self.counts_label = QLabel(self)
        self.annotator_label = QLabel(self)
        self.statusBar().addWidget(self.saved_label, 1)
        self.statusBar().addPermanentWidget(self.counts_label)
        self.statusBar().addPermanentWidget(self.annotator_label)
        self._update_counts()

    def _on_schema_changed(self, relabelled: bool = False) -> None:
        """The project's labels or category sets changed (here, in another window, or
        elsewhere): everything that shows them follows; a relabel reloads the spans; a
        label deleted or moved says which number keys moved."""
        before, self.schema = self.schema, self.session.schema
        moved = key_changes(before, self.schema)
        if moved:
            self.statusBar().showMessage(f"Labels changed, {moved}", 10000)
        self.article.set_schema(self.schema)
        self.spans.set_schema(self.schema)
        self.suggestions.set_schema(self.schema)
        self.panel.value_editor.set_schema(self.schema)
        self.panel.set_schema(self.schema)
        self.relations.set_schema(self.schema)
        build_schema_actions(self)
        if self.companions.help_sheet is not None:
            self.companions.help_sheet.set_schema(self.schema)
        if self.document is None:
            return
        if relabelled:
            selected = self.panel.selected_span_id()
            self.open_document(self.document.id)
            self.panel.select_span(selected)
        else:
            self.article.set_spans(self.spans.spans, self.panel.selected_span_id())  # in the new colours
            self.editing.show_categories()

    def update_title(self) -> None:
        self.setWindowTitle(f"{self.session.project_name} — Curator")
        role = "reviewer" if self.settings.reviewer else "annotator, blind"
        self.annotator_label.setText(f"Annotator: {self.annotator} ({role})")

    def _update_counts(self) -> None:
        search = self.search.text().strip()
        if self.documents.filtering:  # a large project's search or sort, read on a worker thread
            self.counts_label.setText(self._reading_rows(search))
            return  # (the counts, which read every status of the annotator, only once the rows are read)
        shown, done = self.documents.summary()
        if search:  # a filter on: say so, and how many it leaves out
            total = self.documents.total()
            self.counts_label.setText(f"{shown} of {total} documents match “{search}” · {done} done")
        else:
            self.counts_label.setText(f"{shown} documents · {done} done")

    # -- documents ----------------------------------------------------------------

    def _restore_last_document(self) -> None:
        last = self.queries.last_document()
        row = self.documents.row_of(last) if last is not None else None
        self.select_row(row if row is not None else 0)

    def select_row(self, row: int, scroll: bool = True) -> None:
        if not 0 <= row < self.documents.rowCount():
            return
        index = self.documents.index(row, 0)
        table = self.document_table
        table.setAutoScroll(scroll)  # (the view brings a new current row into view unless told not to)
        try:
            table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
        finally:
            table.setAutoScroll(True)
        if scroll:
            table.scrollTo(index)

    def select_document(self, doc_id: int) -> None:
        row = self.documents.row_of(doc_id)
        if row is None and self.search.text():
            self.search.clear()
            row = self.documents.row_of(doc_id)
        if row is not None:
            self.select_row(row)

    def go_to_relative(self, step: int) -> None:
        if step > 0 and self.suggestion_control.learning.go_to_least_sure():  # an option, off unless chosen
            return
        current = self.document_table.currentIndex().row()
        self.select_row(max(0, min(self.documents.rowCount() - 1, current + step)))

    def _on_current_document_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        doc_id = self.documents.doc_id(current.row())
        if doc_id is None or (self.document and self.document.id == doc_id):
            return
        self.open_document(doc_id)

    def open_document(self, doc_id: int) -> None:
        opened = self.queries.open(doc_id)
        self.document, spans = opened.document, opened.spans
        self.article.set_text(self.document.text, spans)  # laid out once, with its spans
        self.spans.set_document(doc_id, self.document.text, self.annotator, spans)
        self.panel.value_editor.show_span(None, "")
        self.panel.details.show_document(self.document)
        self.panel.show_status(opened.status)
        self.editing.show_categories()
        # Its suggestions and relations come just after the text is first drawn (those of
        # the document before are gone now); passing over documents quickly reads none.
        self.suggestion_control.clear()
        self.relations.clear()
        self._rest_timer.start(REST_AT_LATEST_MS)  # sooner once the text is drawn: ``_on_text_drawn``

    def _on_text_drawn(self) -> None:
        if self._rest_timer.isActive():
            self._rest_timer.start(0)  # as soon as the window is idle, the first frame shown

    def settle(self) -> None:
        """Show now the open document's suggestions and relations, if they are still to
        come (``open_document`` shows them as soon as the window is idle)."""
        if self._rest_timer.isActive():
            self._rest_timer.stop()
            self._show_rest()

    def _show_rest(self) -> None:
        if self.document is not None:
            self.suggestion_control.refresh()
            self.relations.show_document()

    @staticmethod
    def _reading_rows(search: str) -> str:
        return f"Filtering for “{search}”…" if search else "Sorting…"

    def _no_documents(self) -> str:
        search = self.search.text().strip()
        if self.documents.filtering:
            return self._reading_rows(search)
        if search:
            return f"No document's title, outlet or id contains “{search}” (Esc clears the filter)"
        return "No articles yet: File → Import files (Ctrl+I) adds text, CSV, JSON or Excel articles"

    def _on_search_changed(self, text: str) -> None:
        """The search box changed: the list is filtered, at once in a small project, else
        on a worker thread while the window goes on (``_on_filtered`` shows the result)."""
        self.documents.set_search(text.strip())
        if self.documents.filtering:  # the rows shown are the previous search's until then
            self._update_counts()
            self.document_table.viewport().update()

    def _on_filtered(self, asked: bool = True) -> None:
        """The list's rows were read anew (a search, a sort, documents added or removed):
        the open document stays selected if it is among them (brought into view if the
        curator ``asked`` for the read: not when documents came or went, perhaps someone
        else's, while they look down the list), and the count says what is shown now."""
        current = self.document.id if self.document else None
        row = self.documents.row_of(current) if current is not None else None
        if row is not None:
            self.select_row(row, scroll=asked)
        self._update_counts()

    def _on_filter_failed(self, reason: str) -> None:
        self._update_counts()
        self.statusBar().showMessage(f"Could not filter the list: {reason}", 10000)

    def focus_search(self) -> None:
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
        """Ask the session what others changed (the open document's spans compared too):
        every window follows what it publishes. A project that cannot be read now (its
        server down, its folder gone) is said in the status bar; the next tick tries again."""
        try:
            self.session.poll([self.document.id] if self.document else [])
        except CuratorError as exc:
            self.statusBar().showMessage(str(exc), 5000)

    def _show_stored(self) -> None:
        if self.document is not None:
            self.open_document(self.document.id)  # what is stored now, after someone else's edit

    def _on_stepped(self, step: Step, what: str) -> None:
        """After undo/redo (from any window): show the document the edit was in, so the
        change is visible (the open one follows its own events), and say which edit moved."""
        if step.doc_id and (self.document is None or self.document.id != step.doc_id):
            self.select_document(step.doc_id)
        self._mark_saved(f"{what}: {step.label}")

    def show_requested(self, event: ShowRequested) -> None:
        """Show a document (and a span or stretch of text in it) asked for anywhere; one
        in a layer this window does not show is opened where it can be changed."""
        if not self.companions.open_layer_of(event):
            return
        self.select_document(event.doc_id)
        if self.document is None or self.document.id != event.doc_id:
            return
        if event.annotation_id is not None and self.spans.row_of(event.annotation_id) is not None:
            self.panel.select_span(event.annotation_id)
        elif event.start is not None:
            length = len(self.document.text)
            self.article.set_selection(min(event.start, length), min(event.end or event.start, length))
            self.article.ensureCursorVisible()
        self.raise_()

    def _mark_saved(self, what: str) -> None:
        self.saved_label.setText(f"✓ Saved {datetime.now():%H:%M:%S} · {what}")

    def on_changes(self, changes: Changes) -> None:
        """Whatever changed, here, in another window, by a job or elsewhere: the lists and
        the open document follow; after an undo or redo, its document is shown."""
        self.documents.on_changes(changes)
        self.spans.on_changes(changes)
        if changes.origin in (UNDO, REDO) and changes.history is not None and changes.history.moved:
            self._on_stepped(Step(changes.history.label, changes.history.doc_id), changes.history.moved)
        if changes.entities:
            self.editing.on_entities_changed()
        if changes.schema:
            self._on_schema_changed(relabelled=bool(changes.relabelled))
        if changes.documents_removed:
            self._on_documents_removed(changes.documents_removed)
        if "documents" in changes.decisions:
            self.documents.reload_notes()  # a duplicate decision: the list's notes say it
        if changes.documents_added or changes.documents or changes.spans:
            self._update_counts()
        if self.document is not None and changes.touches(self.document.id):
            self._on_document_changes(changes, self.document.id)

    def _on_documents_removed(self, ids: tuple[int, ...]) -> None:
        """Documents went (an import undone): the list dropped them (and kept the open
        document selected, ``_on_filtered``, with a filter it is not in left on); if the
        open one went, the first document left is opened, or none."""
        if self.document is not None and self.document.id in set(ids):
            self.document = None
            self.article.set_text("")
            self.article.set_spans([], paint=False)
            self.select_row(0)
        self._update_counts()

    def _on_document_changes(self, changes: Changes, doc_id: int) -> None:
        """The open document's spans, suggestions, categories, details or status changed,
        here, in another window, by the command line or by someone else."""
        if (doc_id, self.annotator) in changes.categories:
            self.editing.show_categories()
        if doc_id in changes.documents:  # its details or status
            self.document, status = self.queries.header(doc_id)
            self.panel.details.show_document(self.document)
            self.panel.show_status(status)
        if not changes.spans_of(doc_id, self.annotator):
            if doc_id in changes.suggestions:
                self.suggestion_control.refresh()
            return
        if not changes.complete:  # changed elsewhere: what is stored now is read again
            selected = self.panel.selected_span_id()
            self.open_document(doc_id)
            self.panel.select_span(selected)
            if changes.elsewhere:
                self.statusBar().showMessage("Updated with changes made elsewhere", 3000)
            return
        self.article.set_spans(self.spans.spans, self.panel.selected_span_id())
        self.suggestion_control.refresh()
        selected = self.editing.selected_span()
        if selected is not None and selected.id in {after.id for _kind, _before, after
                                                    in changes.span_edits(doc_id, self.annotator) if after}:
            self.panel.value_editor.show_span(selected, self.document.text)
        self.panel.show_counts()

    # -- background work, the annotator, other projects ------------------------------

    def run_task(self, title: str, work, on_success, on_failure=None, origin: str = "job") -> BackgroundTask:
        """Run ``work(job)`` in the background, as one operation of ``origin``; results come
        back on the UI thread."""
        return run_task(self, self.session, title, work, on_success,
                        on_failure or (lambda exc: self._show_error(str(exc))), origin)

    def set_annotator(self, name: str) -> None:
        try:
            self.settings.annotator = name
        except CuratorError as exc:  # an empty, overlong or unprintable name
            self._show_error(str(exc))
            return
        name = self.settings.annotator
        self.annotator = name
        self.session.set_annotator(name)  # their history, their layer
        self.document = None  # (first: the list read again for them selects no row, their last is opened below)
        self.documents.set_annotator(name)
        self.saved_label.clear()  # what was saved was the previous annotator's
        self.statusBar().clearMessage()
        self.update_title()
        self._update_counts()
        self._restore_last_document()

    def open_project_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open project folder")
        if folder:
            try:  # (off the UI thread: an older project is brought up to date, which can take minutes)
                store = open_bringing_up_to_date(self, lambda job: open_project(folder, job=job))
            except CuratorError as exc:
                self._show_error(str(exc))
                return
            window = MainWindow(store, self.settings)
            window.show()
            self.close()

    def _show_error(self, message: str) -> None:
        show_error(self, message)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Nothing the window set going starts again once it is closed: its look at what
        # others changed, a retraining after a pause in the edits. (A closed window lives on
        # until it is deleted; its timers went on firing and read a project closed by then.)
        for timer in self.findChildren(QTimer):
            timer.stop()
        self.documents.stop()  # a search still being read is dropped: its rows would read a closed project
        self.session.cancel_jobs()
        # Let background jobs stop (they were asked to) before the store closes.
        QThreadPool.globalInstance().waitForDone(5000)
        self.session.stop_polling()
        self.changes.detach()
        if self.exports.notes is not None:  # a note on this project's export goes with it
            self.exports.notes.accept()
        super().closeEvent(event)
