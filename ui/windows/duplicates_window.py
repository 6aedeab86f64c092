"""The Duplicates area: near-duplicate articles and entity variants across sources. (Facts
across sources have a window of their own, ``facts_window``.)"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from curator.domain.jobs import Job
from curator.session import Session
from curator.session.changes import Changes
from curator.session.commands import MergeEntities, SetDecision, SplitEntity
from curator.session.deduplicating import (
    THRESHOLD,
    Deduplicating,
)
from curator.session.project import Settings
from ui.change_signals import FollowsChanges, after_burst
from ui.edits import HistoryActions, apply_command
from ui.models.record_table_model import RecordTableModel
from ui.widgets.article_view import ArticleView
from ui.widgets.table_views import make_table, select_row
from ui.windows.geometry import RememberedLayout
from ui.windows.help_sheet import HelpSheet, action_sections
from ui.workers import run_task, show_failures


class DuplicatesWindow(FollowsChanges, QMainWindow):
    """Two lists of duplicate candidates (articles, entities) with their open-decision counts.

    The near-duplicate search runs in the background; every decision is a core
    command applied through the main window (same undo stack, stored at once).
    UI thread only.
    """

    def __init__(self, session: Session, parent: QWidget | None = None, settings: Settings | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.deduplicating = Deduplicating(session)
        self.history = HistoryActions(session, self, self.follow(session))
        self.pairs: list[dict] = []
        self.entities: list = []
        self._searching = False
        self.help_sheet: HelpSheet | None = None
        # Edits elsewhere (a review decision, a span, new documents) come in bursts: the
        # lists they change are recomputed once, after the burst.
        self._stale: set[str] = set()
        self._refresh_soon = after_burst(self, 150, self._refresh_stale)
        self.setWindowTitle(f"Duplicates — {session.project_name}")
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_documents_tab(), "Articles")
        self.tabs.addTab(self._build_entities_tab(), "Entities")
        self.setCentralWidget(self.tabs)
        self.layout_memory = RememberedLayout(self, settings, "duplicates", (1400, 860),
                                              {"articles": self.articles_splitter})
        self._build_actions()
        self.refresh()

    def show_help(self) -> HelpSheet:
        """F1: every key of this window."""
        if self.help_sheet is None:
            self.help_sheet = HelpSheet(lambda: action_sections("Duplicates", self.actions()), None, self,
                                        "Keyboard — Duplicates across sources")
        self.help_sheet.show_sheet()
        return self.help_sheet

    # -- articles ------------------------------------------------------------------------

    def _build_documents_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.documents_status = QLabel(page)
        layout.addWidget(self.documents_status)
        splitter = QSplitter(Qt.Orientation.Vertical, page)
        self.articles_splitter = splitter
        self.pair_model = RecordTableModel([("similarity", "Similarity", "Estimated Jaccard similarity of word "
                                             "3-shingles (MinHash)"), ("title_a", "Article A", ""),
                                            ("title_b", "Article B", ""), ("status", "Decision", "")], self)
        self.pair_table = make_table(self.pair_model, splitter, self._no_pairs)
        self.pair_table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_pair())
        views = QWidget(splitter)
        row = QHBoxLayout(views)
        self.left_view, self.right_view = ArticleView(views), ArticleView(views)
        for view in (self.left_view, self.right_view):
            view.set_schema(self.session.schema)
            row.addWidget(view)
        splitter.addWidget(self.pair_table)
        splitter.addWidget(views)
        splitter.setSizes([250, 600])
        layout.addWidget(splitter)
        buttons = QHBoxLayout()
        for text, slot in (("Duplicate, keep A  (L)", lambda: self.decide_pair("duplicate", 0)),
                           ("Duplicate, keep B  (R)", lambda: self.decide_pair("duplicate", 1)),
                           ("Distinct  (D)", lambda: self.decide_pair("distinct", None)),
                           ("Reopen  (U)", lambda: self.decide_pair(None, None))):
            button = QPushButton(text, page)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout.addLayout(buttons)
        return page

    def _no_pairs(self) -> str:
        if self._searching:
            return "Searching for near-duplicate articles…"
        return (f"No near-duplicate articles among {self.deduplicating.document_count():,} "
                f"(similarity threshold {THRESHOLD})")

    def _pair_rows(self) -> list[dict]:
        decisions = self.deduplicating.decisions("documents")
        rows = []
        for pair in self.pairs:
            decision = decisions.get(pair["key"])
            kept = pair["title_a"] if decision and decision.keep == pair["a"] else pair["title_b"]
            status = "open" if decision is None else (
                f"duplicate, keep {'A' if decision.keep == pair['a'] else 'B'}: {kept}"
                if decision.decision == "duplicate" else decision.decision)
            rows.append({**pair, "status": status})
        return rows

    def _show_pairs(self) -> None:
        row = self.pair_table.currentIndex().row()
        rows = self._pair_rows()
        self.pair_model.set_rows(rows)
        open_count = sum(1 for r in rows if r["status"] == "open")
        self.documents_status.setText(f"{len(rows)} near-duplicate pair(s), {open_count} open")
        self.tabs.setTabText(0, f"Articles ({open_count} open)")
        select_row(self.pair_table, max(row, 0))

    def _show_pair(self) -> None:
        row = self.pair_table.currentIndex().row()
        if row < 0:
            return
        pair = self.pair_model.row(row)
        text_a, text_b, passages = self.deduplicating.compare(pair["a"], pair["b"])
        self.left_view.set_text(text_a)
        self.right_view.set_text(text_b)
        self.left_view.set_regions([(p[0], p[1]) for p in passages])
        self.right_view.set_regions([(p[2], p[3]) for p in passages])

    def decide_pair(self, decision: str | None, keep_side: int | None) -> None:
        row = self.pair_table.currentIndex().row()
        if row < 0:
            return
        pair = self.pair_model.row(row)
        keep = pair["a"] if keep_side == 0 else pair["b"] if keep_side == 1 else None
        if self._apply(SetDecision(pair["key"], "documents", decision, keep=keep)):
            self._show_pairs()
            select_row(self.pair_table, row + 1 if decision else row)

    # -- entities -----------------------------------------------------------------------

    def _build_entities_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.entities_status = QLabel(page)
        layout.addWidget(self.entities_status)
        self.candidate_model = RecordTableModel([("score", "Score", "0-100: how alike the closest names are"),
                                                 ("a", "Entity A", ""), ("b", "Entity B", ""), ("type", "Type", ""),
                                                 ("reason", "Why", ""), ("names", "Closest names", ""),
                                                 ("status", "Decision", "")], self)
        self.candidate_table = make_table(
            self.candidate_model, page,
            lambda: f"No two of the {len(self.entities)} entities look like one (similar names or aliases "
                    "of one type)")
        layout.addWidget(self.candidate_table, 2)
        buttons = QHBoxLayout()
        for text, slot in (("Merge into A  (M)", lambda: self.merge(0)), ("Merge into B", lambda: self.merge(1)),
                           ("Distinct  (D)", self.mark_entities_distinct),
                           ("Reopen  (U)", self.reopen_entities)):
            button = QPushButton(text, page)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout.addLayout(buttons)
        box = QGroupBox("All entities", page)
        box_layout = QVBoxLayout(box)
        self.entity_model = RecordTableModel([("name", "Name", ""), ("type", "Type", ""),
                                              ("aliases", "Aliases", "")], self)
        self.entity_table = make_table(self.entity_model, box)
        box_layout.addWidget(self.entity_table)
        entity_buttons = QHBoxLayout()
        rename = QPushButton("Rename…", box)
        rename.clicked.connect(self.rename_entity)
        split = QPushButton("Split names off…", box)
        split.clicked.connect(self.split_entity)
        entity_buttons.addWidget(rename)
        entity_buttons.addWidget(split)
        box_layout.addLayout(entity_buttons)
        layout.addWidget(box, 2)
        return page

    def _show_entities(self) -> None:
        row = self.candidate_table.currentIndex().row()
        self.candidates, distinct, entities = self.deduplicating.entities(job := Job())
        show_failures(self, job)  # a pair the rules failed on, named
        self.candidate_model.set_rows([{"score": c.score, "a": c.a.name, "b": c.b.name, "type": c.a.type,
                                        "reason": c.reason, "names": " ~ ".join(c.names),
                                        "status": "distinct" if c.key in distinct else "open"}
                                       for c in self.candidates])
        open_count = sum(1 for c in self.candidates if c.key not in distinct)
        self.entities = entities
        self.entity_model.set_rows([{"name": e.name, "type": e.type, "aliases": "; ".join(e.aliases)}
                                    for e in self.entities])
        self.entities_status.setText(f"{len(self.candidates)} candidate merge(s), {open_count} open; "
                                     f"{len(self.entities)} entities")
        self.tabs.setTabText(1, f"Entities ({open_count} open)")
        select_row(self.candidate_table, max(row, 0))

    def _candidate(self):
        row = self.candidate_table.currentIndex().row()
        return self.candidates[row] if 0 <= row < len(self.candidates) else None

    def merge(self, side: int) -> None:
        candidate = self._candidate()
        if candidate is not None:
            keep, other = (candidate.a, candidate.b) if side == 0 else (candidate.b, candidate.a)
            self._apply(MergeEntities(keep.id, [other.id]))

    def mark_entities_distinct(self) -> None:
        candidate = self._candidate()
        if candidate is not None:
            self._apply(SetDecision(candidate.key, "entities", "distinct"))

    def reopen_entities(self) -> None:
        candidate = self._candidate()
        if candidate is not None and candidate.key in self.deduplicating.decisions("entities"):
            self._apply(SetDecision(candidate.key, "entities", None))

    def _selected_entity(self):
        row = self.entity_table.currentIndex().row()
        return self.entities[row] if 0 <= row < len(self.entities) else None

    def rename_entity(self) -> None:
        from curator.session.commands import EditEntity

        entity = self._selected_entity()
        if entity is None:
            return
        name, ok = QInputDialog.getText(self, "Rename entity", "Canonical name:", text=entity.name)
        if ok and name.strip() and name.strip() != entity.name:
            aliases = [a for a in entity.aliases if a != name.strip()]
            if entity.name not in aliases:
                aliases.append(entity.name)
            self._apply(EditEntity(entity.id, {"name": name.strip(), "aliases": aliases}))

    def split_entity(self) -> None:
        entity = self._selected_entity()
        if entity is None:
            return
        names, ok = QInputDialog.getText(self, "Split entity",
                                         f"Names to move to a new entity (of: {'; '.join(entity.names)}), "
                                         "separated by ;")
        if ok and names.strip():
            self._apply(SplitEntity(entity.id, [n.strip() for n in names.split(";") if n.strip()]))

    # -- plumbing ------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        def action(key: str, text: str, slot) -> None:
            act = QAction(text, self)  # the text is what F1 lists
            act.setShortcut(QKeySequence(key))
            act.triggered.connect(slot)
            self.addAction(act)

        def on_tab(index: int, slot):
            return lambda: slot() if self.tabs.currentIndex() == index else None

        action("L", "Articles: duplicate, keep A", on_tab(0, lambda: self.decide_pair("duplicate", 0)))
        action("R", "Articles: duplicate, keep B", on_tab(0, lambda: self.decide_pair("duplicate", 1)))
        action("D", "Articles, entities: distinct", lambda: self.decide_pair("distinct", None)
               if self.tabs.currentIndex() == 0 else self.mark_entities_distinct()
               if self.tabs.currentIndex() == 1 else None)
        action("U", "Articles, entities: reopen", lambda: self.decide_pair(None, None)
               if self.tabs.currentIndex() == 0 else self.reopen_entities() if self.tabs.currentIndex() == 1 else None)
        action("M", "Entities: merge into A", on_tab(1, lambda: self.merge(0)))
        action("N", "Next in the list", lambda: self._step(1))
        action("P", "Previous in the list", lambda: self._step(-1))
        action("F5", "Search again", self.refresh)
        action("F1", "Keyboard", self.show_help)
        self.addAction(self.history.undo_action)
        self.addAction(self.history.redo_action)

    def _step(self, step: int) -> None:
        table = (self.pair_table, self.candidate_table)[self.tabs.currentIndex()]
        select_row(table, table.currentIndex().row() + step)

    def refresh(self) -> None:
        """Search near-duplicate articles in the background, then fill both lists."""
        self._searching = True
        self.task = run_task(self, self.session, "Searching duplicates", self.deduplicating.pairs, self._loaded)
        self.task.finished.connect(self._searched)
        self._show_entities()

    def _searched(self) -> None:
        self._searching = False
        self.pair_table.viewport().update()

    def _loaded(self, pairs: list[dict]) -> None:
        self.pairs = pairs
        self._show_pairs()

    def _apply(self, command) -> bool:
        return apply_command(self, self.session, command) is not None

    def on_changes(self, changes: Changes) -> None:
        """Keep both lists current with edits made anywhere: a pair or entity decision
        updates its list at once; new documents (or documents gone) mean a new search."""
        if "documents" in changes.decisions:
            self._show_pairs()
        if "entities" in changes.decisions or changes.entities:
            self._show_entities()
        if changes.documents_added or changes.documents_removed:
            self._mark_stale("documents", "entities")
        if changes.schema:  # colours and labels as they are now
            for view in (self.left_view, self.right_view):
                view.set_schema(self.session.schema)
            if changes.relabelled:
                self._mark_stale("entities")

    def _mark_stale(self, *parts: str) -> None:
        self._stale.update(parts)
        if self.isVisible():
            self._refresh_soon.start()

    def showEvent(self, event) -> None:  # reopened after edits made while it was closed
        super().showEvent(event)
        if self._stale:
            self._refresh_soon.start()

    def _refresh_stale(self) -> None:
        stale, self._stale = self._stale, set()
        if "documents" in stale:
            self.refresh()
        elif "entities" in stale:
            self._show_entities()
        self.statusBar().showMessage("Updated with changes made elsewhere", 4000)

