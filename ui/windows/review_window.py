"""The reviewer's window: agreement figures, and annotators' work settled into gold."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
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

from curator.domain.models import GOLD, Annotation
from curator.domain.text import snap_to_words
from curator.session import Session
from curator.session.changes import Changes
from curator.session.commands import AddSpan, DeleteSpan, Unsettle
from curator.session.project import Settings
from curator.session.reviewing import (
    Reviewing,
    ReviewItem,
    accept_version,
    merge_versions,
    reject_item,
    settle_category,
    settle_with,
    span_differences,
)
from ui.change_signals import FollowsChanges, after_burst
from ui.edits import HistoryActions, apply_command
from ui.models.review_item_table_model import ReviewItemTableModel
from ui.widgets.article_view import ArticleView
from ui.widgets.table_views import make_table, select_row
from ui.widgets.version_panel import VersionPanel
from ui.windows.geometry import RememberedLayout
from ui.windows.help_sheet import HelpSheet, action_sections
from ui.windows.review_tabs import AgreementTab, CategoriesTab
from ui.workers import run_task

# The item lists a reviewer walks through: a name, and whether an item (settled or not) is in it.
FILTERS: tuple[tuple[str, Callable[[ReviewItem, bool], bool]], ...] = (
    ("Open disagreements", lambda item, settled: not item.agreed and not settled),
    ("All disagreements", lambda item, settled: not item.agreed),
    ("Open agreements", lambda item, settled: item.agreed and not item.single and not settled),
    ("Single annotator, not in gold", lambda item, settled: item.single and not settled),
    ("Settled", lambda item, settled: settled),
    ("Everything", lambda item, settled: True),
)


class ReviewWindow(FollowsChanges, QMainWindow):
    """Agreement figures and the walk through annotators' work, into gold.

    Annotators are numbered alike in every tab (1 is the first by name), and a number
    key accepts that annotator's version. Only the annotators who worked on an item's
    document have a panel beside it, so four fit a 1280-pixel screen. Work only one
    annotator did is listed too ("Single annotator") and accepted all at once with
    Ctrl+Shift+S. Decisions are core commands done by the session, stored at once, in
    one history with every other window; the items follow the session's changes. Emits
    ``duplicates_requested`` for Ctrl+U. UI thread only.
    """

    duplicates_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None, settings: Settings | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.reviewing = Reviewing(session)
        self.reviewer = session.annotator
        self.history = HistoryActions(session, self, self.follow(session))
        self._refresh_soon = after_burst(self, 150, self._refresh_after_changes)
        # Agreement is counted again, in the background, once a burst of span edits is over.
        self._agreement_soon = after_burst(self, 600, self._recount_agreement)
        self.report = None
        self._items: list[ReviewItem] = []
        self._texts: dict[int, str] = {}
        self._titles: dict[int, str] = {}
        self._entity_names: dict[str, str] = {}
        self.annotators: list[str] = []
        self._touched: set[int] | None = None  # documents changed while a decision is applied
        self.help_sheet: HelpSheet | None = None
        self.setWindowTitle(f"Review — {session.project_name}")
        self.tabs = QTabWidget(self)
        self.agreement_tab = AgreementTab(self)
        self.agreement_tab.refresh_requested.connect(self.refresh)
        self.categories_tab = CategoriesTab(self)
        self.tabs.addTab(self.agreement_tab, "Agreement")
        self.tabs.addTab(self._build_disagreement_tab(), "Disagreements")
        self.tabs.addTab(self.categories_tab, "Categories")
        self.tabs.setCurrentIndex(1)
        self.setCentralWidget(self.tabs)
        # The tabs' parts, by the names the rest of the window (and its tests) use.
        self.overall, self.label_model = self.agreement_tab.overall, self.agreement_tab.label_model
        self.pair_model, self.document_model = self.agreement_tab.pair_model, self.agreement_tab.document_model
        self.category_model, self.category_table = self.categories_tab.model, self.categories_tab.table
        self.layout_memory = RememberedLayout(self, settings, "review", (1400, 860), {"items": self.splitter})
        self._show_categories()
        self._build_actions()
        self.refresh()

    def numbered(self, name: str) -> str:
        """An annotator as every tab shows them: "1. aigerim"."""
        return f"{self.annotators.index(name) + 1}. {name}" if name in self.annotators else name

    # -- the disagreements tab -----------------------------------------------------------

    def _build_disagreement_tab(self) -> QWidget:
        page = QWidget(self)
        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal, page)
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        self.filter = QComboBox(left)
        self.filter.addItems([name for name, _shown in FILTERS])
        self.filter.currentIndexChanged.connect(self._on_filter_changed)
        self.document_filter = QComboBox(left)  # one document's items, or every document's
        self.document_filter.setObjectName("review_document_filter")
        self.document_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.document_filter.setMinimumContentsLength(16)
        self.document_filter.currentIndexChanged.connect(self._on_filter_changed)
        self.progress = QLabel(left)
        self.progress.setWordWrap(True)
        for widget in (self.filter, self.document_filter, self.progress):
            left_layout.addWidget(widget)
        self.item_model = ReviewItemTableModel(self)
        self.item_table = make_table(self.item_model, left, self._no_items)
        header = self.item_table.horizontalHeader()
        # Titles get the room; the other columns are short (an item's words, why, status).
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 100), (2, 76), (3, 66)):
            self.item_table.setColumnWidth(column, width)
        self.item_table.selectionModel().currentRowChanged.connect(lambda current, _p: self._show_item())
        left_layout.addWidget(self.item_table)
        self.accept_agreed = QPushButton("Accept all agreements  (Ctrl+Shift+A)", left)
        self.accept_agreed.setToolTip("Every open item on which the annotators agree goes into gold, in one step")
        self.accept_agreed.clicked.connect(self.accept_all_agreements)
        self.accept_alone = QPushButton("Accept single-annotator work  (Ctrl+Shift+S)", left)
        self.accept_alone.setToolTip("Every open item of a document only one annotator worked on (and every "
                                     "category set only one chose in) goes into gold as they made it, in one step")
        self.accept_alone.clicked.connect(self.accept_single_work)
        left_layout.addWidget(self.accept_agreed)
        left_layout.addWidget(self.accept_alone)

        right = QWidget(splitter)
        right_layout = QVBoxLayout(right)
        self.item_heading = QLabel(right)
        self.item_heading.setTextFormat(Qt.TextFormat.PlainText)
        self.item_heading.setWordWrap(True)  # a long title wraps; it never widens the window
        right_layout.addWidget(self.item_heading)
        self.versions_row = QHBoxLayout()
        right_layout.addLayout(self.versions_row, 3)
        self.version_panels: dict[str, VersionPanel] = {}
        self.version_views: dict[str, ArticleView] = {}
        gold_box = QGroupBox("Gold", right)
        gold_layout = QVBoxLayout(gold_box)
        self.gold_view = ArticleView(gold_box)
        self.gold_view.set_schema(self.session.schema)
        self.gold_view.span_clicked.connect(lambda span_id: setattr(self, "_gold_selected", span_id))
        gold_layout.addWidget(self.gold_view)
        edit_row = QHBoxLayout()
        self.gold_label = QComboBox(gold_box)
        self.gold_label.addItems(self.session.schema.names)
        add_gold = QPushButton("Add selection  (G)", gold_box)
        add_gold.setToolTip("Add the words selected in the gold text, with the label chosen, to gold")
        add_gold.clicked.connect(self.add_gold_span)
        delete_gold = QPushButton("Delete gold span  (Del)", gold_box)
        delete_gold.clicked.connect(self.delete_gold_span)
        for widget in (self.gold_label, add_gold, delete_gold):
            edit_row.addWidget(widget)
        gold_layout.addLayout(edit_row)
        right_layout.addWidget(gold_box, 2)
        buttons_row = QHBoxLayout()
        for text, slot in (("Merge  (M)", self.merge), ("Reject  (R)", self.reject),
                           ("Settle as edited  (E)", self.settle_edited), ("Reopen  (U)", self.reopen)):
            button = QPushButton(text, right)
            button.clicked.connect(slot)
            buttons_row.addWidget(button)
        right_layout.addLayout(buttons_row)
        self._gold_selected: str | None = None

        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([470, 900])
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
        for index in range(9):  # the help lists the first for all nine
            action("Accept annotator 1's version (2-9: annotator 2's to 9's)" if index == 0 else "", str(index + 1),
                   lambda _=False, i=index: self.accept(i))
        action("Merge versions", "M", self.merge)
        action("Reject", "R", self.reject)
        action("Settle as edited", "E", self.settle_edited)
        action("Reopen", "U", self.reopen)
        action("Add the gold text's selection to gold", "G", self.add_gold_span)
        action("Delete gold span", "Del", self.delete_gold_span)
        action("Accept all agreements into gold", "Ctrl+Shift+A", self.accept_all_agreements)
        action("Accept all single-annotator work into gold", "Ctrl+Shift+S", self.accept_single_work)
        action("Mark the item's document reviewed (again: not reviewed)", "Ctrl+D", self.toggle_reviewed)
        action("Refresh", "F5", self.refresh)
        action("Duplicates across sources", "Ctrl+U", self.duplicates_requested.emit)
        action("Keyboard", "F1", self.show_help)
        self.addAction(self.history.undo_action)
        self.addAction(self.history.redo_action)

    def show_help(self) -> HelpSheet:
        """F1: every key of this window, and the labels."""
        if self.help_sheet is None:
            self.help_sheet = HelpSheet(lambda: action_sections("Review", self.actions()), self.session.schema,
                                        self, "Keyboard — Review")
        self.help_sheet.show_sheet()
        return self.help_sheet

    # -- loading -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute agreement and items (in the background; results arrive on this thread)."""
        self.task = run_task(self, self.session, "Computing agreement", self.reviewing.load, self._loaded)

    def _loaded(self, result) -> None:
        report, items, self._entity_names = result
        self.annotators = sorted({*report.annotators, *(name for item in items for name in item.versions)})
        self._items = items
        documents = self.reviewing.documents(sorted({i.doc_id for i in items}))
        self._texts = {document.id: document.text for document in documents}
        self._titles = {document.id: document.title or document.uid for document in documents}
        self._show_report(report)
        self._fill_document_filter()
        self._build_version_views()
        self._show_items()
        self._show_categories()
        if self.item_table.currentIndex().row() < 0:
            self.go(1)
        self._show_item()  # the versions as they are now (an entity renamed, say)

    def _show_report(self, report) -> None:
        self.report = report
        titles = {item.doc_uid: self._titles.get(item.doc_id, item.doc_uid) for item in self._items}
        self.agreement_tab.show_report(report, self.numbered, titles)

    def _fill_document_filter(self) -> None:
        current = self.document_filter.currentData()
        self.document_filter.blockSignals(True)
        self.document_filter.clear()
        self.document_filter.addItem("All documents", None)
        for doc_id, title in self._titles.items():
            self.document_filter.addItem(title, doc_id)
        self.document_filter.setCurrentIndex(max(0, self.document_filter.findData(current)))
        self.document_filter.blockSignals(False)

    def _build_version_views(self) -> None:
        """A panel per annotator, numbered; each item shows those who worked on its document."""
        for index, name in enumerate(self.annotators):
            if name in self.version_panels:
                self.version_panels[name].setTitle(f"{index + 1}: {name}")
                continue
            panel = VersionPanel(f"{index + 1}: {name}", self.session.schema, self, str(index + 1))
            panel.accept_button.clicked.connect(lambda _=False, who=name: self.accept(self.annotators.index(who)))
            self.versions_row.addWidget(panel)
            self.version_panels[name] = panel
        for name in [n for n in self.version_panels if n not in self.annotators]:
            self.version_panels.pop(name).deleteLater()
        for index, name in enumerate(self.annotators):  # in their numbers' order
            self.versions_row.insertWidget(index, self.version_panels[name])
        self.version_views = {name: panel.view for name, panel in self.version_panels.items()}

    def _show_items(self) -> None:
        reviews = self.reviewing.decisions()
        _name, visible = FILTERS[self.filter.currentIndex()]
        document = self.document_filter.currentData()
        shown = [item for item in self._items if visible(item, item.key in reviews)
                 and (document is None or item.doc_id == document)]
        self.item_model.set_items(shown, self._texts, self._titles, reviews)
        disagreements = [i for i in self._items if not i.agreed]
        open_count = sum(1 for i in disagreements if i.key not in reviews)
        agreed_open = sum(1 for i in self._items if i.agreed and not i.single and i.key not in reviews)
        single_open = sum(1 for i in self._items if i.single and i.key not in reviews)
        reviewed = len(self.reviewing.reviewed() & self._texts.keys())
        self.progress.setText(f"{open_count} of {len(disagreements)} disagreements open · {agreed_open} agreements "
                              f"not yet in gold · {single_open} single-annotator items not yet in gold · "
                              f"{reviewed} of {len(self._texts)} documents reviewed (Ctrl+D)")

    def toggle_reviewed(self) -> None:
        """Mark the current item's document reviewed, or not: the gold export's status of it
        (the reviewer's own 'done' in the main window would count them as an annotator)."""
        item = self.current_item()
        if item is None:
            self.statusBar().showMessage("No item: nothing to mark reviewed", 3000)
            return
        reviewed = item.doc_id not in self.reviewing.reviewed()
        if self._apply(self.reviewing.mark_reviewed(item.doc_id, reviewed)):
            title = self._titles.get(item.doc_id, item.doc_uid)
            self.statusBar().showMessage(f"{title}: reviewed, done in the gold export" if reviewed else
                                         f"{title}: not reviewed", 5000)  # (the list follows the change)

    def _on_filter_changed(self) -> None:
        current = self.current_item()
        self._show_items()
        row = None if current is None else self.item_model.row_of(current.key)
        self._select_row(0 if row is None else row)
        self._show_item()

    def show_document(self, doc_id: int) -> None:
        """List the items of one document (asked for elsewhere: a problem in the gold layer)."""
        self.tabs.setCurrentIndex(1)
        index = self.document_filter.findData(doc_id)
        if index >= 0:
            self.filter.setCurrentIndex(len(FILTERS) - 1)  # every item of it, settled or not
            self.document_filter.setCurrentIndex(index)

    def _no_items(self) -> str:
        """Why the list is empty, in the reviewer's terms."""
        if not self.annotators:
            return "Nothing to review: nobody has annotated yet"
        if not self._items:
            return f"No spans to review in the documents {', '.join(self.annotators)} worked on"
        name = FILTERS[self.filter.currentIndex()][0].lower()
        where = "" if self.document_filter.currentData() is None else " of this document"
        return f"No {name} among {len(self._items)} items{where}: choose another list above"

    def current_item(self) -> ReviewItem | None:
        return self.item_model.item(self.item_table.currentIndex().row())

    def _show_item(self) -> None:
        item = self.current_item()
        if item is None:
            self.item_heading.clear()
            return
        text = self._texts[item.doc_id]
        review = self.item_model.review(item)
        why = f"only {', '.join(item.versions)}" if item.single else ', '.join(item.kinds()) or 'agreed'
        self.item_heading.setText(f"{self._titles.get(item.doc_id) or item.doc_uid}  ·  {item.doc_uid}  ·  "
                                  f"{why}  ·  {review.decision if review else 'open'}")
        spans = self.reviewing.spans(item.doc_id)
        differences = span_differences(item)
        for name, panel in self.version_panels.items():
            panel.setVisible(name in item.versions)  # no room for those who did not work on it
            if name in item.versions:
                panel.show_version(text, name, [s for s in spans if s.annotator == name], item, differences,
                                   self._entity_names)
        if self.gold_view.text != text:
            self.gold_view.set_text(text)
        self.gold_view.set_spans([s for s in spans if s.annotator == GOLD])
        self.gold_view.set_region(item.start, item.end)
        self.gold_view.scroll_to(item.start)

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
        if item.key in self.reviewing.decisions():
            self.statusBar().showMessage("Already settled: press U to reopen it first", 4000)
            return None
        return item

    def accept(self, index: int) -> None:
        """Accept annotator ``index + 1``'s version (numbered as every tab numbers them)."""
        name = self.annotators[index] if index < len(self.annotators) else None
        if self.tabs.currentIndex() == 2:  # a category item: that annotator's choices into gold
            item = self.categories_tab.current()
            if item is not None and name in item.versions:
                self._decide_category(settle_category(item, item.versions[name]))
            elif item is not None:
                self.statusBar().showMessage(f"Annotator {index + 1} did not choose in this set", 4000)
            return
        item = self._open_item()
        if item is None:
            return
        if name not in item.versions:
            self.statusBar().showMessage(f"Annotator {index + 1} did not work on this document", 4000)
            return
        self._decide(accept_version(item, name, self.reviewer))

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
            category = self.categories_tab.current()
            if category is not None and category.settled:
                self._decide_category(settle_category(category, []), advance=False)
            return
        item = self.current_item()
        if item is not None and item.key in self.reviewing.decisions():
            self._decide(Unsettle(item.key, item.doc_id), advance=False)

    def accept_all_agreements(self) -> None:
        self._accept_all(self.reviewing.accept_agreements(self.reviewer), "No open agreements")

    def accept_single_work(self) -> None:
        self._accept_all(self.reviewing.accept_single(self.reviewer), "No single-annotator work left outside gold")

    def _accept_all(self, batch, nothing: str) -> None:
        if batch is None:
            self.statusBar().showMessage(nothing, 4000)
            return
        self._decide(batch, advance=False)
        self._show_categories()
        self.statusBar().showMessage(f"{batch.label}: done (Ctrl+Z takes it back in one step)", 6000)

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
        gold = {s.id: s for s in self.reviewing.spans(item.doc_id, GOLD)}
        if span_id in gold and self._apply(DeleteSpan(span_id, item.doc_id, gold[span_id].label)):
            self._gold_selected = None
            self._show_item()

    def _apply(self, command) -> bool:
        return apply_command(self, self.session, command) is not None

    def _recount_agreement(self) -> None:
        if self.report is None:
            return
        self.agreement_task = run_task(self, self.session, "Counting agreement",
                                       self.reviewing.agreement, self._show_report)

    def _refresh_after_changes(self) -> None:
        self.statusBar().showMessage("Updated: entities or documents changed elsewhere", 5000)
        self.refresh()

    # -- categories ---------------------------------------------------------------------

    def _show_categories(self) -> None:
        items, titles = self.reviewing.categories(self._titles)
        open_count = self.categories_tab.show_items(items, titles, self.numbered)
        self.tabs.setTabText(2, f"Categories ({open_count} open)")

    def _decide_category(self, command, advance: bool = True) -> None:
        row = self.category_table.currentIndex().row()
        if self._apply(command):
            self._show_categories()
            select_row(self.category_table, row + 1 if advance else row)

    # -- following the session -----------------------------------------------------------

    def on_changes(self, changes: Changes) -> None:
        """Keep one document's items current when spans or decisions change; recompute
        everything when what the items are made of changed across documents (entities
        merged or split, documents added)."""
        if changes.schema:  # labels renamed, recoloured, merged...: shown as they are now
            schema = self.session.schema
            for view in [self.gold_view, *(panel.view for panel in self.version_panels.values())]:
                view.set_schema(schema)
            self.gold_label.clear()
            self.gold_label.addItems(schema.names)
            if changes.relabelled:
                self._refresh_soon.start()  # the spans moved between labels: items and agreement change
            else:
                self._show_item()
        if changes.schema or changes.categories:
            self._show_categories()
            if any(annotator != GOLD for _doc_id, annotator in changes.categories):
                self._agreement_soon.start()
        if changes.entities or changes.documents_added or changes.documents_removed or len(changes.documents) > 20 \
                or any(self._worked_changed(doc_id) for doc_id in changes.documents):  # (many: recomputed at once)
            self._refresh_soon.start()
            return
        if changes.documents:  # a document marked reviewed, or its details
            self._show_items()
        layers = changes.span_layers()  # whose spans changed, by document (None: not known)
        touched = []
        for doc_id in sorted(changes.spans | changes.reviews):
            changed_by = (layers.get(doc_id, set()) if layers is not None else {"?"}) - {GOLD}
            if changed_by:
                self._agreement_soon.start()  # an annotator's span: the agreement figures move
            if doc_id not in self._texts and changed_by and self.report is not None:
                self._refresh_soon.start()  # a document newly worked on: it has items now
                return
            if doc_id in self._texts and self.annotators:
                touched.append(doc_id)
        if not touched:
            return
        if self._touched is not None:
            self._touched.update(touched)
            return
        for doc_id in touched:
            self._reload_document(doc_id)
        self._show_items()
        current = self.current_item()
        if current is not None and current.doc_id in touched:
            self._show_item()

    def _worked_changed(self, doc_id: int) -> bool:
        """Whether an annotator marked the document done, or to do again, since its items
        were made (who worked on it: its items change)."""
        if doc_id not in self._texts:
            return bool(self.reviewing.done_by(doc_id))
        versions = [item.versions for item in self._items if item.doc_id == doc_id]
        shown = {name for version in versions for name in version}
        with_spans = {name for version in versions for name, spans in version.items() if spans}
        done = self.reviewing.done_by(doc_id)
        return not done <= shown or not shown <= done | with_spans

    def _reload_document(self, doc_id: int) -> None:
        worked = sorted({i_name for item in self._items if item.doc_id == doc_id for i_name in item.versions})
        fresh = self.reviewing.items_of(doc_id, worked or self.annotators)
        first = next((n for n, item in enumerate(self._items) if item.doc_id == doc_id), len(self._items))
        self._items = [item for item in self._items if item.doc_id != doc_id]
        self._items[first:first] = fresh
