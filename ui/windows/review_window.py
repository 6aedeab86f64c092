"""The reviewer's window: agreement figures, and disagreements settled into gold."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from curator.analysis.agreement import EXPLANATIONS, AgreementReport, compute_agreement, figure_text
from curator.analysis.review import (
    GOLD,
    CategoryItem,
    ReviewItem,
    accept_agreements,
    accept_version,
    category_items,
    items_for,
    iter_items,
    merge_versions,
    reject_item,
    settle_category,
    settle_with,
    span_differences,
)
from curator.domain.models import Annotation
from curator.domain.text import snap_to_words
from curator.exporting import export_agreement
from curator.session import Session
from curator.session.commands import AddSpan, DeleteSpan, Unsettle
from curator.store.events import (
    AnnotationAdded,
    AnnotationChanged,
    AnnotationRemoved,
    CategoriesChanged,
    DocumentsAdded,
    EntitiesChanged,
    Event,
    ReviewsChanged,
    SchemaChanged,
)
from ui.edits import HistoryActions, apply_command
from ui.models.record_table_model import RecordTableModel
from ui.models.review_item_table_model import ReviewItemTableModel
from ui.store_events import StoreEvents, after_burst
from ui.widgets.agreement_chart import LabelBarChart
from ui.widgets.article_view import ArticleView
from ui.widgets.table_views import make_table, select_row
from ui.widgets.version_panel import VersionPanel
from ui.workers import run_task

METRICS = [("f1_exact", "F1 exact", EXPLANATIONS["f1_exact"]), ("f1_overlap", "F1 overlap", EXPLANATIONS["f1_overlap"]),
           ("kappa", "κ", EXPLANATIONS["kappa"]), ("alpha", "α", EXPLANATIONS["alpha"])]
# The item lists a reviewer walks through: a name, and whether an item (settled or not) is in it.
FILTERS: tuple[tuple[str, Callable[[ReviewItem, bool], bool]], ...] = (
    ("Open disagreements", lambda item, settled: not item.agreed and not settled),
    ("All disagreements", lambda item, settled: not item.agreed),
    ("Open agreements", lambda item, settled: item.agreed and not settled),
    ("Settled", lambda item, settled: settled),
    ("Everything", lambda item, settled: True),
)


class ReviewWindow(QMainWindow):
    """Agreement figures and the disagreement walk-through for one project.

    Decisions are core commands done by the session, so they are stored at once and
    share one history with every other window. The items follow the session's events:
    an edit made anywhere (a span, a merge of entities, new documents) shows here.
    Emits ``duplicates_requested`` when the reviewer asks for the duplicates window
    (Ctrl+U), which whoever opened this window shows. UI thread only.
    """

    duplicates_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.store = session.store
        self.reviewer = session.annotator
        self.events = StoreEvents(session, self)
        self.history = HistoryActions(session, self, self.events)
        self._refresh_soon = after_burst(self, 150, self._refresh_after_changes)
        # Agreement is counted again, in the background, once a burst of span edits is over.
        self._agreement_soon = after_burst(self, 600, self._recount_agreement)
        self.report: AgreementReport | None = None
        self._items: list[ReviewItem] = []
        self._texts: dict[int, str] = {}
        self._titles: dict[int, str] = {}
        self._entity_names: dict[str, str] = {}
        self.annotators: list[str] = []
        self._touched: set[int] | None = None  # documents changed while a decision is applied
        self.setWindowTitle(f"Review — {self.store.project.name}")
        self.resize(1400, 860)
        tabs = QTabWidget(self)
        tabs.addTab(self._build_agreement_tab(), "Agreement")
        tabs.addTab(self._build_disagreement_tab(), "Disagreements")
        tabs.addTab(self._build_category_tab(), "Categories")
        tabs.setCurrentIndex(1)
        self.tabs = tabs
        self.setCentralWidget(tabs)
        self._show_categories()
        self._build_actions()
        self.events.changed.connect(self._on_store_changed)
        self.refresh()

    # -- agreement tab -------------------------------------------------------------------

    def _build_agreement_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        self.overall = QLabel(page)
        self.overall.setWordWrap(True)
        top.addWidget(self.overall, 1)
        refresh = QPushButton("Refresh  (F5)", page)
        refresh.clicked.connect(self.refresh)
        export = QPushButton("Export agreement…", page)
        export.clicked.connect(self.export_dialog)
        top.addWidget(refresh)
        top.addWidget(export)
        layout.addLayout(top)
        self.chart = LabelBarChart(page)
        layout.addWidget(self.chart, 2)
        tables = QTabWidget(page)
        self.label_model = RecordTableModel([("label", "Label", ""), ("spans", "Spans", "Spans of all annotators"),
                                             *METRICS], self)
        self.pair_model = RecordTableModel([("annotator_a", "Annotator A", ""), ("annotator_b", "Annotator B", ""),
                                            ("documents", "Documents", "Documents both worked on"),
                                            ("precision_exact", "P exact", EXPLANATIONS["precision_exact"]),
                                            ("recall_exact", "R exact", EXPLANATIONS["recall_exact"]),
                                            *METRICS[:3]], self)
        self.document_model = RecordTableModel([("document", "Document", ""), ("tokens", "Tokens", ""),
                                                ("f1_exact", "F1 exact", EXPLANATIONS["f1_exact"]),
                                                ("f1_overlap", "F1 overlap", EXPLANATIONS["f1_overlap"]),
                                                ("alpha", "α", EXPLANATIONS["alpha"])], self)
        self.category_agreement_model = RecordTableModel([
            ("set", "Category set", ""), ("documents", "Documents", "Documents two or more annotators classified"),
            ("kappa", "κ", "Cohen's kappa (mean over annotator pairs); a several-choice set counts each choice as "
                           "yes or no"),
            ("alpha", "α", "Krippendorff's alpha (nominal), all annotators at once")], self)
        for model, title in ((self.label_model, "Per label"), (self.pair_model, "Per annotator pair"),
                             (self.document_model, "Per document"),
                             (self.category_agreement_model, "Per category set")):
            tables.addTab(make_table(model, tables), title)
        layout.addWidget(tables, 3)
        return page

    def _show_report(self, report: AgreementReport) -> None:
        self.report = report
        overall = report.overall

        fmt = figure_text

        self.overall.setText(
            f"<b>{', '.join(report.annotators) or 'No annotators'}</b>: {report.documents} documents worked on by two "
            f"or more, {report.tokens} tokens.  F1 exact {fmt(overall['f1_exact'])} · F1 overlap "
            f"{fmt(overall['f1_overlap'])} · κ {fmt(overall['kappa'])} · α {fmt(overall['alpha'])}")
        self.overall.setToolTip("\n".join(f"{k}: {v}" for k, v in EXPLANATIONS.items()))
        self.label_model.set_rows(report.labels)
        self.pair_model.set_rows(report.pairs)
        self.document_model.set_rows(report.per_document)
        self.category_agreement_model.set_rows(report.categories)
        self.chart.set_rows(report.labels)

    def export_dialog(self) -> None:
        target, _ = QFileDialog.getSaveFileName(self, "Export agreement", "agreement.xlsx",
                                                "Excel workbook (*.xlsx);;JSON (*.json)")
        if target and self.report is not None:
            export_agreement(self.report, Path(target))

    # -- disagreements tab -------------------------------------------------------------

    def _build_disagreement_tab(self) -> QWidget:
        page = QWidget(self)
        splitter = QSplitter(Qt.Orientation.Horizontal, page)
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        self.filter = QComboBox(left)
        self.filter.addItems([name for name, _shown in FILTERS])
        self.filter.currentIndexChanged.connect(self._on_filter_changed)
        self.progress = QLabel(left)
        left_layout.addWidget(self.filter)
        left_layout.addWidget(self.progress)
        self.item_model = ReviewItemTableModel(self)
        self.item_table = make_table(self.item_model, left, self._no_items)
        header = self.item_table.horizontalHeader()
        # Titles get the room; the other columns are short (an item's words, why, status).
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 110), (2, 80), (3, 70)):
            self.item_table.setColumnWidth(column, width)
        self.item_table.selectionModel().currentRowChanged.connect(lambda current, _p: self._show_item())
        left_layout.addWidget(self.item_table)
        self.accept_agreed = QPushButton("Accept all agreements into gold  (Ctrl+Shift+A)", left)
        self.accept_agreed.clicked.connect(self.accept_all_agreements)
        left_layout.addWidget(self.accept_agreed)

        right = QWidget(splitter)
        right_layout = QVBoxLayout(right)
        self.item_heading = QLabel(right)
        self.item_heading.setTextFormat(Qt.TextFormat.PlainText)
        right_layout.addWidget(self.item_heading)
        self.versions_row = QHBoxLayout()
        right_layout.addLayout(self.versions_row, 3)
        self.version_panels: dict[str, VersionPanel] = {}
        self._panels_for: list[str] | None = None  # the annotators the panels were built for
        self.version_views: dict[str, ArticleView] = {}
        gold_box = QGroupBox("Gold", right)
        gold_layout = QVBoxLayout(gold_box)
        self.gold_view = ArticleView(gold_box)
        self.gold_view.set_schema(self.store.label_schema)
        self.gold_view.span_clicked.connect(lambda span_id: setattr(self, "_gold_selected", span_id))
        gold_layout.addWidget(self.gold_view)
        edit_row = QHBoxLayout()
        self.gold_label = QComboBox(gold_box)
        self.gold_label.addItems(self.store.label_schema.names)
        add_gold = QPushButton("Add selection to gold  (G)", gold_box)
        add_gold.clicked.connect(self.add_gold_span)
        delete_gold = QPushButton("Delete gold span  (Del)", gold_box)
        delete_gold.clicked.connect(self.delete_gold_span)
        for widget in (self.gold_label, add_gold, delete_gold):
            edit_row.addWidget(widget)
        gold_layout.addLayout(edit_row)
        right_layout.addWidget(gold_box, 2)
        self.buttons_row = QHBoxLayout()
        right_layout.addLayout(self.buttons_row)
        self._gold_selected: str | None = None

        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([500, 900])
        layout = QVBoxLayout(page)
        layout.addWidget(splitter)
        return page

    def _build_actions(self) -> None:
        def action(text: str, key: str, slot) -> QAction:
            act = QAction(text, self)
            act.setShortcut(QKeySequence(key))
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        action("Next item", "N", lambda: self.go(1))
        action("Next item", "J", lambda: self.go(1))
        action("Previous item", "P", lambda: self.go(-1))
        action("Previous item", "K", lambda: self.go(-1))
        action("Merge versions", "M", self.merge)
        action("Reject", "R", self.reject)
        action("Settle as edited", "E", self.settle_edited)
        action("Reopen", "U", self.reopen)
        action("Add to gold", "G", self.add_gold_span)
        action("Delete gold span", "Del", self.delete_gold_span)
        action("Accept all agreements", "Ctrl+Shift+A", self.accept_all_agreements)
        action("Refresh", "F5", self.refresh)
        action("Duplicates across sources", "Ctrl+U", self.duplicates_requested.emit)
        for index in range(9):
            action(f"Accept version {index + 1}", str(index + 1), lambda _=False, i=index: self.accept(i))
        self.addAction(self.history.undo_action)
        self.addAction(self.history.redo_action)

    # -- loading -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute agreement and items (in the background; results arrive on this thread)."""
        def work(job):
            report = compute_agreement(self.store, job=job)
            entity_names = {entity.id: entity.name for entity in self.store.entities()}
            return report, list(iter_items(self.store, job=job)), entity_names

        self.task = run_task(self, self.session, "Computing agreement", work, self._loaded)

    def _loaded(self, result) -> None:
        report, items, self._entity_names = result
        self._show_report(report)
        self.annotators = report.annotators
        self._items = items
        documents = [self.store.get_document(doc_id) for doc_id in {i.doc_id for i in items}]
        self._texts = {document.id: document.text for document in documents}
        self._titles = {document.id: document.title or document.uid for document in documents}
        self._build_version_views()
        self._show_items()
        if self.item_table.currentIndex().row() < 0:
            self.go(1)
        self._show_item()  # the versions as they are now (an entity renamed, say)

    def _build_version_views(self) -> None:
        if self._panels_for == self.annotators:
            return  # the same annotators: the panels stay, and only show the item anew
        self._panels_for = list(self.annotators)
        while self.versions_row.count():
            widget = self.versions_row.takeAt(0).widget()
            if widget:
                widget.deleteLater()
        while self.buttons_row.count():
            widget = self.buttons_row.takeAt(0).widget()
            if widget:
                widget.deleteLater()
        self.version_panels = {}
        for index, name in enumerate(self.annotators):
            panel = VersionPanel(f"{index + 1}: {name}", self.store.label_schema, self)
            self.versions_row.addWidget(panel)
            self.version_panels[name] = panel
        self.version_views = {name: panel.view for name, panel in self.version_panels.items()}
        for index, name in enumerate(self.annotators):
            button = QPushButton(f"Accept {name}  ({index + 1})", self)
            button.clicked.connect(lambda _=False, i=index: self.accept(i))
            self.buttons_row.addWidget(button)
        for text, slot in (("Merge  (M)", self.merge), ("Reject  (R)", self.reject),
                           ("Settle as edited  (E)", self.settle_edited), ("Reopen  (U)", self.reopen)):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            self.buttons_row.addWidget(button)

    def _show_items(self) -> None:
        reviews = self.store.reviews()
        _name, visible = FILTERS[self.filter.currentIndex()]
        shown = [item for item in self._items if visible(item, item.key in reviews)]
        self.item_model.set_items(shown, self._texts, self._titles, reviews)
        disagreements = [i for i in self._items if not i.agreed]
        open_count = sum(1 for i in disagreements if i.key not in reviews)
        agreed_open = sum(1 for i in self._items if i.agreed and i.key not in reviews)
        self.progress.setText(f"{open_count} of {len(disagreements)} disagreements open · "
                              f"{agreed_open} agreements not yet in gold")

    def _on_filter_changed(self) -> None:
        current = self.current_item()
        self._show_items()
        row = None if current is None else self.item_model.row_of(current.key)
        self._select_row(0 if row is None else row)

    def _no_items(self) -> str:
        """Why the list is empty, in the reviewer's terms."""
        if not self.annotators or len(self.annotators) < 2:
            return ("Nothing to review: reviewing compares two or more annotators' work on a document, and "
                    f"{'only ' + self.annotators[0] + ' has' if self.annotators else 'nobody has'} annotated yet")
        if not self._items:
            return f"No document was worked on by two or more of {', '.join(self.annotators)}"
        name = FILTERS[self.filter.currentIndex()][0].lower()
        return f"No {name} among {len(self._items)} items: choose another list above"

    def current_item(self) -> ReviewItem | None:
        return self.item_model.item(self.item_table.currentIndex().row())

    def _show_item(self) -> None:
        item = self.current_item()
        if item is None:
            self.item_heading.clear()
            return
        text = self._texts[item.doc_id]
        review = self.item_model.review(item)
        self.item_heading.setText(f"{self._titles.get(item.doc_id) or item.doc_uid}  ·  {item.doc_uid}  ·  "
                                  f"{', '.join(item.kinds()) or 'agreed'}  ·  "
                                  f"{review.decision if review else 'open'}")
        spans = self.store.annotations_for(item.doc_id)
        differences = span_differences(item)
        for name, panel in self.version_panels.items():
            panel.show_version(text, name, [s for s in spans if s.annotator == name], item, differences,
                               self._entity_names)
        if self.gold_view.text != text:
            self.gold_view.set_text(text)
        self.gold_view.set_spans([s for s in spans if s.annotator == GOLD])
        self.gold_view.set_region(item.start, item.end)

    def go(self, step: int) -> None:
        if self.tabs.currentIndex() == 2:
            select_row(self.category_table, self.category_table.currentIndex().row() + step)
            return
        count = self.item_model.rowCount()
        if not count:
            return
        row = self.item_table.currentIndex().row()
        row = 0 if row < 0 else max(0, min(count - 1, row + step))
        self._select_row(row)

    def _select_row(self, row: int) -> None:
        select_row(self.item_table, row)

    # -- decisions -----------------------------------------------------------------------

    def _decide(self, command, advance: bool = True) -> None:
        """Do a decision, then go on to the item that followed the current one (``advance``)
        or stay on it, whether or not the decided item is still in the list."""
        current, before = self.current_item(), self.item_model.keys()
        # Events of a batch only collect the documents touched; each is re-read once after.
        self._touched = set()
        try:
            applied = self._apply(command)
        finally:
            touched, self._touched = self._touched, None
        for doc_id in sorted(touched):
            self._reload_document(doc_id)
        if applied:
            self._show_items()
            self._select_after(current, before, advance)
            self._show_item()

    def _select_after(self, current: ReviewItem | None, before: list[str], advance: bool) -> None:
        """Select, of the items listed ``before`` a decision, the first still listed after
        the current one (or from it, when not ``advance``); else the nearest before it."""
        rows = {key: row for row, key in enumerate(self.item_model.keys())}
        if not rows:
            return
        if current is None or current.key not in before:
            following, preceding = before, []
        else:
            at = before.index(current.key)
            following, preceding = before[at + 1 if advance else at :], before[at::-1]
        row = next((rows[key] for key in [*following, *preceding] if key in rows), 0)
        self._select_row(row)

    def _open_item(self) -> ReviewItem | None:
        item = self.current_item()
        if item is None:
            return None
        if item.key in self.store.reviews():
            self.statusBar().showMessage("Already settled: press U to reopen it first", 4000)
            return None
        return item

    def accept(self, index: int) -> None:
        if self.tabs.currentIndex() == 2:  # a category item: that annotator's choices into gold
            self.accept_category(index)
            return
        item = self._open_item()
        if item is not None and index < len(self.annotators):
            self._decide(accept_version(item, self.annotators[index], self.reviewer))

    def merge(self) -> None:
        item = self._open_item()
        if item is not None:
            self._decide(merge_versions(item, self.reviewer))

    def reject(self) -> None:
        item = self._open_item()
        if item is not None:
            self._decide(reject_item(item, self.reviewer))

    def settle_edited(self) -> None:
        """Settle with the gold spans the reviewer wrote in the region (kept as they are)."""
        item = self._open_item()
        if item is not None:
            self._decide(settle_with(item, [], self.reviewer))

    def reopen(self) -> None:
        if self.tabs.currentIndex() == 2:
            category = self.current_category()
            if category is not None and category.settled:
                self._decide_category(settle_category(category, []), advance=False)
            return
        item = self.current_item()
        if item is not None and item.key in self.store.reviews():
            self._decide(Unsettle(item.key, item.doc_id), advance=False)

    def accept_all_agreements(self) -> None:
        batch = accept_agreements(self.store, self.reviewer)
        if batch is not None:
            self._decide(batch, advance=False)

    def add_gold_span(self) -> None:
        item = self.current_item()
        if item is None:
            return
        start, end = self.gold_view.selection_range()
        snapped = snap_to_words(self.gold_view.text, start, end)
        if snapped is None:
            self.statusBar().showMessage("Select words in the gold text first", 3000)
            return
        span = Annotation(doc_id=item.doc_id, start=snapped[0], end=snapped[1], label=self.gold_label.currentText(),
                          annotator=GOLD)
        if self._apply(AddSpan(span)):
            self._show_item()

    def delete_gold_span(self) -> None:
        item = self.current_item()
        span_id = self._gold_selected
        if item is None or span_id is None:
            return
        gold = {s.id: s for s in self.store.annotations_for(item.doc_id, GOLD)}
        if span_id in gold and self._apply(DeleteSpan(span_id, item.doc_id, gold[span_id].label)):
            self._gold_selected = None
            self._show_item()

    def _apply(self, command) -> bool:
        return apply_command(self, self.session, command) is not None

    def _recount_agreement(self) -> None:
        if self.report is None:
            return
        self.agreement_task = run_task(self, self.session, "Counting agreement",
                                       lambda job: compute_agreement(self.store, job=job), self._show_report)

    def _refresh_after_changes(self) -> None:
        self.statusBar().showMessage("Updated: entities or documents changed elsewhere", 5000)
        self.refresh()

    # -- categories tab ---------------------------------------------------------------------

    def _build_category_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.category_status = QLabel(page)
        layout.addWidget(self.category_status)
        self.category_model = RecordTableModel([("document", "Document", ""), ("set", "Category set", ""),
                                                ("versions", "Each annotator's choices", "1-9 accepts that "
                                                 "annotator's choices into gold"),
                                                ("gold", "Gold", ""), ("status", "Status", "")], self)
        self.category_table = make_table(self.category_model, page, "No document was classified by two or more "
                                                                    "annotators in a category set")
        layout.addWidget(self.category_table)
        hint = QLabel("1-9: accept that annotator's choices into gold · U: reopen · N / P: next / previous", page)
        hint.setStyleSheet("color: #666")
        layout.addWidget(hint)
        self.category_items: list[CategoryItem] = []
        return page

    def _show_categories(self) -> None:
        row = self.category_table.currentIndex().row()
        self.category_items = category_items(self.store)
        titles = {doc_id: self._titles.get(doc_id) or self.store.get_document(doc_id).title or uid
                  for doc_id, uid in {(i.doc_id, i.doc_uid) for i in self.category_items}}
        self.category_model.set_rows([{
            "document": titles[item.doc_id], "set": item.set_name,
            "versions": " · ".join(f"{n}. {who}: {', '.join(choices)}"
                                   for n, (who, choices) in enumerate(sorted(item.versions.items()), start=1)),
            "gold": ", ".join(item.gold) if item.gold else "",
            "status": "settled" if item.settled else "agreed" if item.agreed else "open"}
            for item in self.category_items])
        open_count = sum(1 for item in self.category_items if not item.settled and not item.agreed)
        self.category_status.setText(f"{len(self.category_items)} classified by two or more, {open_count} open "
                                     "disagreement(s)")
        self.tabs.setTabText(2, f"Categories ({open_count} open)")
        if self.category_items:
            select_row(self.category_table, max(row, 0))

    def current_category(self) -> CategoryItem | None:
        row = self.category_table.currentIndex().row()
        return self.category_items[row] if 0 <= row < len(self.category_items) else None

    def accept_category(self, index: int) -> None:
        item = self.current_category()
        if item is not None and index < len(item.versions):
            self._decide_category(settle_category(item, item.versions[sorted(item.versions)[index]]))

    def _decide_category(self, command, advance: bool = True) -> None:
        row = self.category_table.currentIndex().row()
        if self._apply(command):
            self._show_categories()
            select_row(self.category_table, row + 1 if advance else row)

    def _on_store_changed(self, event: Event) -> None:
        """Keep one document's items current when spans or decisions change; recompute
        everything when what the items are made of changed across documents (entities
        merged or split, documents added)."""
        if isinstance(event, SchemaChanged):  # labels renamed, recoloured, merged...: shown as they are now
            schema = self.store.label_schema
            for view in [self.gold_view, *(panel.view for panel in self.version_panels.values())]:
                view.set_schema(schema)
            self.gold_label.clear()
            self.gold_label.addItems(schema.names)
            if event.relabelled:
                self._refresh_soon.start()  # the spans moved between labels: items and agreement change
            else:
                self._show_item()
        if isinstance(event, (CategoriesChanged, SchemaChanged)):
            self._show_categories()
            if isinstance(event, CategoriesChanged) and event.annotator != GOLD:
                self._agreement_soon.start()
            return
        if isinstance(event, (EntitiesChanged, DocumentsAdded)):
            self._refresh_soon.start()
            return
        if isinstance(event, ReviewsChanged):
            doc_id = event.doc_id
        elif isinstance(event, (AnnotationAdded, AnnotationRemoved)):
            doc_id = event.annotation.doc_id
        elif isinstance(event, AnnotationChanged):
            doc_id = event.after.doc_id
        else:
            return
        spans = (event.after,) if isinstance(event, AnnotationChanged) else (getattr(event, "annotation", None),)
        if any(span is not None and span.annotator != GOLD for span in spans):
            self._agreement_soon.start()  # an annotator's span: the agreement figures move
        if doc_id not in self._texts or not self.annotators:
            return
        if self._touched is not None:
            self._touched.add(doc_id)
            return
        self._reload_document(doc_id)
        self._show_items()
        current = self.current_item()
        if current is not None and current.doc_id == doc_id:
            self._show_item()

    def _reload_document(self, doc_id: int) -> None:
        document = self.store.get_document(doc_id)
        worked = sorted({i_name for item in self._items if item.doc_id == doc_id for i_name in item.versions})
        fresh = items_for(doc_id, document.uid, self.store.annotations_for(doc_id), worked or self.annotators)
        first = next((n for n, item in enumerate(self._items) if item.doc_id == doc_id), len(self._items))
        self._items = [item for item in self._items if item.doc_id != doc_id]
        self._items[first:first] = fresh
