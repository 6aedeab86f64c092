"""The Duplicates area: near-duplicate articles, entity variants, and facts across sources."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from curator.analysis.duplicates import entity_candidates, pair_key
from curator.analysis.facts import (
    FactProposal,
    fact_from,
    facts_overview,
    parse_accepted,
    parse_period,
    proposed_values,
)
from curator.analysis.near_duplicates import (
    THRESHOLD,
    search_near_duplicates,
    shared_passages,
)
from curator.domain.models import Fact
from curator.errors import CuratorError
from curator.jobs import Job
from curator.session import Session
from curator.session import facts as fact_edits
from curator.session.commands import (
    MergeEntities,
    SaveFact,
    SetAttribution,
    SetDecision,
    SplitEntity,
)
from curator.store.events import (
    AnnotationAdded,
    AnnotationChanged,
    AnnotationRemoved,
    DecisionsChanged,
    DocumentsAdded,
    EntitiesChanged,
    Event,
    ReviewsChanged,
    SchemaChanged,
)
from ui.edits import HistoryActions, apply_command
from ui.models.record_table_model import RecordTableModel
from ui.store_events import StoreEvents, after_burst
from ui.widgets.article_view import ArticleView
from ui.widgets.table_views import make_table, select_row, share_columns
from ui.workers import run_task, show_failures


class DuplicatesWindow(QMainWindow):
    """Three lists of duplicate candidates with their open-decision counts.

    The near-duplicate search runs in the background; every decision is a core
    command applied through the main window (same undo stack, stored at once).
    UI thread only.
    """

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.store = session.store
        self.events = StoreEvents(session, self)
        self.history = HistoryActions(session, self, self.events)
        self.pairs: list[dict] = []
        self.truths: dict[str, list] = {}  # each proposal's proposed value(s), by key
        self.entities: list = []
        self._searching = False
        self.proposals: list[FactProposal] = []
        self.recorded: list[Fact | None] = []  # the fact recorded for each proposal row
        # Edits elsewhere (a review decision, a span, new documents) come in bursts: the
        # lists they change are recomputed once, after the burst.
        self._stale: set[str] = set()
        self._refresh_soon = after_burst(self, 150, self._refresh_stale)
        self.setWindowTitle(f"Duplicates — {self.store.project.name}")
        self.resize(1400, 860)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_documents_tab(), "Articles")
        self.tabs.addTab(self._build_entities_tab(), "Entities")
        self.tabs.addTab(self._build_facts_tab(), "Facts")
        self.setCentralWidget(self.tabs)
        self._build_actions()
        self.events.changed.connect(self._on_store_changed)
        self.refresh()

    # -- articles ------------------------------------------------------------------------

    def _build_documents_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.documents_status = QLabel(page)
        layout.addWidget(self.documents_status)
        splitter = QSplitter(Qt.Orientation.Vertical, page)
        self.pair_model = RecordTableModel([("similarity", "Similarity", "Estimated Jaccard similarity of word "
                                             "3-shingles (MinHash)"), ("a", "Article A", ""), ("b", "Article B", ""),
                                            ("status", "Decision", "")], self)
        self.pair_table = make_table(self.pair_model, splitter, self._no_pairs)
        self.pair_table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_pair())
        views = QWidget(splitter)
        row = QHBoxLayout(views)
        self.left_view, self.right_view = ArticleView(views), ArticleView(views)
        for view in (self.left_view, self.right_view):
            view.set_schema(self.store.label_schema)
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
        return (f"No near-duplicate articles among {self.store.document_count():,} "
                f"(similarity threshold {THRESHOLD})")

    def _pair_rows(self) -> list[dict]:
        decisions = self.store.decisions("documents")
        rows = []
        for pair in self.pairs:
            decision = decisions.get(pair["key"])
            status = "open" if decision is None else (
                f"duplicate, keep {decision.keep}" if decision.decision == "duplicate" else decision.decision)
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
        a, b = self.store.document_by_uid(pair["a"]), self.store.document_by_uid(pair["b"])
        passages = shared_passages(a.text, b.text)
        self.left_view.set_text(a.text)
        self.right_view.set_text(b.text)
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
        self.candidates = entity_candidates(self.store, include_distinct=True, job=(job := Job()))
        show_failures(self, job)  # a pair the rules failed on, named
        distinct = self.store.decisions("entities")
        self.candidate_model.set_rows([{"score": c.score, "a": c.a.name, "b": c.b.name, "type": c.a.type,
                                        "reason": c.reason, "names": " ~ ".join(c.names),
                                        "status": "distinct" if c.key in distinct else "open"}
                                       for c in self.candidates])
        open_count = sum(1 for c in self.candidates if c.key not in distinct)
        self.entities = self.store.entities()
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
        if candidate is not None and candidate.key in self.store.decisions("entities"):
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

    # -- facts ------------------------------------------------------------------------------

    def _build_facts_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.facts_status = QLabel(page)
        layout.addWidget(self.facts_status)
        self.proposal_model = RecordTableModel([("measure", "Measure", ""), ("period", "Period", ""),
                                                ("values", "Values reported", ""),
                                                ("spread", "Spread", "(largest - smallest) / largest"),
                                                ("proposed", "Proposed value", "What truth discovery proposes: each "
                                                 "source weighted by how often it agrees with the consensus across "
                                                 "facts, copies counted once, rounded figures consistent"),
                                                ("status", "Status", "")], self)
        self.proposal_table = make_table(
            self.proposal_model, page, "No facts proposed: figures of one measure and period must come from two or "
                                       "more articles (tag figures and dates, or suggest them, first)")
        self.proposal_table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_proposal())
        layout.addWidget(self.proposal_table, 2)
        self.mention_model = RecordTableModel([("text", "As written", ""), ("amount", "Amount", ""),
                                               ("source", "Source", ""), ("attribution", "Attributed to", ""),
                                               ("weight", "Weight", "The source's vote in the proposed value"),
                                               ("why", "Why", ""), ("document", "Document", ""),
                                               ("published", "Published", "")], self)
        self.mention_table = make_table(self.mention_model, page)
        share_columns(self.mention_table, {4: 64, 7: 92}, {0: 1.2, 1: 1.2, 2: 1.4, 3: 1.1, 5: 3.2, 6: 1.2})
        layout.addWidget(self.mention_table, 2)
        edits = QHBoxLayout()  # on a recorded fact: the selected figure, or the whole fact
        split = QPushButton("Split off the selected figure  (S)", page)
        split.clicked.connect(self.split_fact)
        self.other_fact = QComboBox(page)
        self.other_fact.setObjectName("other_fact")
        self.other_fact.setMinimumContentsLength(18)
        self.other_fact.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        move = QPushButton("Move the figure to", page)
        move.clicked.connect(self.move_mention)
        merge = QPushButton("Merge this fact into", page)
        merge.clicked.connect(self.merge_fact)
        for widget in (split, move, merge):
            edits.addWidget(widget)
        edits.addWidget(self.other_fact, 1)
        self.mention_attribution = QLineEdit(page)  # the selected figure's attribution, to correct
        self.mention_attribution.setObjectName("mention_attribution")
        self.mention_attribution.setPlaceholderText("the selected figure is attributed to… (Enter sets it)")
        self.mention_attribution.returnPressed.connect(self.attribute_mention)
        edits.addWidget(self.mention_attribution, 1)
        layout.addLayout(edits)
        self.mention_table.selectionModel().currentRowChanged.connect(
            lambda _c, _p: self.mention_attribution.setText((self._selected_mention().attribution or "")
                                                            if self._selected_mention() else ""))
        form_box = QGroupBox("Record the fact", page)
        form = QFormLayout(form_box)
        self.fact_subject = QLineEdit(form_box)
        self.fact_subject.setPlaceholderText("e.g. Kazakhstan-China")
        self.fact_value = QLineEdit(form_box)
        self.fact_value.setPlaceholderText("a figure in the fact's unit, e.g. 24.2 billion or 24200000000")
        self.fact_value.setObjectName("fact_value")
        self.fact_note = QLineEdit(form_box)
        self.fact_note.setPlaceholderText("why this value (source, rounding, ...)")
        self.fact_subjects = QLineEdit(form_box)  # entities of the register, by name
        self.fact_subjects.setObjectName("fact_subjects")
        self.fact_subjects.setPlaceholderText("entities the fact is about, separated by ; e.g. Kazakhstan; China")
        self.fact_attribution = QLineEdit(form_box)
        self.fact_attribution.setObjectName("fact_attribution")
        self.fact_attribution.setPlaceholderText("the authority its figures come from, e.g. Chinese customs")
        self.fact_period = QLineEdit(form_box)
        self.fact_period.setObjectName("fact_period")
        self.fact_period.setPlaceholderText("YYYY-MM-DD – YYYY-MM-DD: 2022 and its first nine months are two periods")
        form.addRow("Subject", self.fact_subject)
        form.addRow("Period", self.fact_period)
        form.addRow("Entities", self.fact_subjects)
        form.addRow("Attributed to", self.fact_attribution)
        form.addRow("Accepted value", self.fact_value)
        form.addRow("Why", self.fact_note)
        self.fact_error = QLabel(form_box)  # why the typed value is not a figure, until it is
        self.fact_error.setObjectName("fact_error")
        self.fact_error.setStyleSheet("color: #b00020")
        self.fact_error.setWordWrap(True)
        form.addRow(self.fact_error)
        self.fact_value.textEdited.connect(lambda _text: self.fact_error.clear())
        record = QPushButton("Record fact  (Ctrl+Return)", form_box)
        record.clicked.connect(self.record_fact)
        form.addRow(record)
        layout.addWidget(form_box)
        return page

    def _show_facts(self) -> None:
        row = self.proposal_table.currentIndex().row()
        overview = facts_overview(self.store, job := Job())  # recorded facts stay listed, whatever the layers say
        show_failures(self, job)
        self.proposals = [proposal for proposal, _fact in overview]
        self.recorded = [fact for _proposal, fact in overview]
        self.truths = proposed_values(self.store, [p for p in self.proposals if p.mentions])
        rows = []
        for proposal, fact in overview:
            truths = self.truths.get(proposal.key, [])
            if fact:
                status = f"recorded: {_amount(fact.accepted_amount)} {fact.unit or ''}".rstrip()
            elif len(truths) > 1:
                status = f"{len(truths)} authorities: one fact each"
            else:
                status = "CONFLICT" if truths and truths[0].conflict else "consistent (allowing rounding)"
            proposed = " · ".join((f"{t.attribution}: " if t.attribution else "") + _amount(t.value) for t in truths)
            rows.append({"measure": proposal.measure, "period": f"{proposal.period_start} – {proposal.period_end}",
                         "values": "; ".join(m.text for m in proposal.mentions),
                         "spread": f"{proposal.spread:.1%}" if proposal.mentions else "", "proposed": proposed,
                         "status": status})
        self.proposal_model.set_rows(rows)
        open_count = sum(1 for fact in self.recorded if fact is None)
        self.facts_status.setText(f"{len(rows)} fact(s), {open_count} open" if rows else
                                  "No facts proposed: figures of one measure and period must come from two or more "
                                  "articles (tag figures and dates, or suggest them, first)")
        self.tabs.setTabText(2, f"Facts ({open_count} open)")
        select_row(self.proposal_table, max(row, 0))

    def _proposal(self) -> FactProposal | None:
        row = self.proposal_table.currentIndex().row()
        return self.proposals[row] if 0 <= row < len(self.proposals) else None

    def _show_proposal(self) -> None:
        proposal = self._proposal()
        if proposal is None:
            return
        truths = self.truths.get(proposal.key, [])
        votes = {(vote.source, vote.value): vote for truth in truths for vote in truth.votes}
        rows = []
        for m in proposal.mentions:
            vote = votes.get((m.outlet, m.amount))
            rows.append({"text": m.text, "amount": _amount(m.amount), "source": m.outlet,
                         "attribution": m.attribution or "", "weight": round(vote.weight, 2) if vote else None,
                         "why": vote.reason if vote else "", "document": m.document.uid,
                         "published": m.document.published})
        self.mention_model.set_rows(rows)
        fact = self.recorded[self.proposal_table.currentIndex().row()]
        names = {entity.id: entity.name for entity in self.store.entities()}
        held = fact or proposal
        self.fact_period.setText(f"{held.period_start} – {held.period_end}" if held.period_start else "")
        others = [(other, index) for index, other in enumerate(self.recorded) if other is not None and other is not fact]
        self.other_fact.clear()
        for other, index in others:
            self.other_fact.addItem(f"{other.subject}: {other.measure} {self.proposals[index].period_start or ''}"
                                    + (f" ({other.attribution})" if other.attribution else ""), other.id)
        if fact is not None:  # what was recorded, to read or change
            self.fact_subjects.setText("; ".join(names.get(e, e) for e in fact.subjects))
            self.fact_attribution.setText(fact.attribution or "")
            self.fact_subject.setText(fact.subject)
            self.fact_value.setText(_amount(fact.accepted_amount) if fact.accepted_amount else "")
            self.fact_note.setText(fact.note or "")
        else:  # the proposed value, to accept (Ctrl+Return) or override
            subjects = dict.fromkeys(e for m in proposal.mentions for e in m.subjects)
            self.fact_subjects.setText("; ".join(names.get(e, e) for e in subjects))
            attributions = {m.attribution for m in proposal.mentions}
            self.fact_attribution.setText((attributions.pop() or "") if len(attributions) == 1 else "")
            self.fact_value.setText(_amount(truths[0].value) if len(truths) == 1 else "")
            self.fact_note.setText("proposed by the sources' weights" if len(truths) == 1 else "")
        self.fact_error.clear()

    def record_fact(self) -> None:
        proposal = self._proposal()
        if proposal is None:
            return
        try:
            value = parse_accepted(self.fact_value.text(), proposal.unit)
        except CuratorError as exc:  # the form holds a figure or nothing: never text that breaks an export
            self.fact_error.setText(str(exc))
            self.fact_value.setFocus()
            return
        try:
            period = parse_period(self.fact_period.text())
        except CuratorError as exc:
            self.fact_error.setText(str(exc))
            self.fact_period.setFocus()
            return
        subjects = []
        for name in (part.strip() for part in self.fact_subjects.text().split(";")):
            entity = next((e for e in self.store.entities() if name and name.casefold() in
                           {n.casefold() for n in e.names}), None)
            if name and entity is None:
                self.fact_error.setText(f"no entity named {name!r} in the register (the Entities tab lists them)")
                self.fact_subjects.setFocus()
                return
            if entity is not None:
                subjects.append(entity.id)
        self.fact_error.clear()
        subject = self.fact_subject.text().strip() or proposal.measure
        existing = self.recorded[self.proposal_table.currentIndex().row()]
        fact = fact_from(proposal, subject, value, self.fact_note.text().strip() or None,
                         self.fact_attribution.text().strip() or None)
        fact.subjects = list(dict.fromkeys(subjects))
        fact.period_start, fact.period_end = period
        if existing is not None:
            fact.id = existing.id
            fact.mentions = existing.mentions
        self._apply(SaveFact(fact))

    def _recorded(self):
        fact = self.recorded[self.proposal_table.currentIndex().row()] if self._proposal() else None
        if fact is None:
            self.fact_error.setText("record the fact first: splitting, moving and merging work on recorded facts")
        return fact

    def _selected_mention(self):
        proposal, row = self._proposal(), self.mention_table.currentIndex().row()
        return proposal.mentions[row] if proposal is not None and 0 <= row < len(proposal.mentions) else None

    def split_fact(self) -> None:
        fact, mention = self._recorded(), self._selected_mention()
        if fact is not None and mention is not None:
            try:
                self._apply(fact_edits.split_fact(self.store, fact.id, [mention.annotation.id], mention.attribution))
            except CuratorError as exc:
                self.fact_error.setText(str(exc))

    def move_mention(self) -> None:
        fact, mention, target = self._recorded(), self._selected_mention(), self.other_fact.currentData()
        if fact is not None and mention is not None and target:
            try:
                self._apply(fact_edits.move_mention(self.store, mention.annotation.id, fact.id, target))
            except CuratorError as exc:
                self.fact_error.setText(str(exc))

    def attribute_mention(self) -> None:
        """Correct whom the selected figure is attributed to (empty: as its sentence says)."""
        mention = self._selected_mention()
        if mention is not None:
            self._apply(SetAttribution(mention.annotation.id, self.mention_attribution.text().strip() or None,
                                       mention.document.id))

    def merge_fact(self) -> None:
        fact, target = self._recorded(), self.other_fact.currentData()
        if fact is not None and target:
            self._apply(fact_edits.merge_facts(self.store, target, fact.id))

    # -- plumbing ------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        def action(key: str, slot) -> None:
            act = QAction(self)
            act.setShortcut(QKeySequence(key))
            act.triggered.connect(slot)
            self.addAction(act)

        def on_tab(index: int, slot):
            return lambda: slot() if self.tabs.currentIndex() == index else None

        action("L", on_tab(0, lambda: self.decide_pair("duplicate", 0)))
        action("R", on_tab(0, lambda: self.decide_pair("duplicate", 1)))
        action("D", lambda: self.decide_pair("distinct", None) if self.tabs.currentIndex() == 0
               else self.mark_entities_distinct() if self.tabs.currentIndex() == 1 else None)
        action("U", lambda: self.decide_pair(None, None) if self.tabs.currentIndex() == 0
               else self.reopen_entities() if self.tabs.currentIndex() == 1 else None)
        action("M", on_tab(1, lambda: self.merge(0)))
        action("Ctrl+Return", on_tab(2, self.record_fact))
        action("S", on_tab(2, self.split_fact))
        action("N", lambda: self._step(1))
        action("P", lambda: self._step(-1))
        action("F5", self.refresh)
        self.addAction(self.history.undo_action)
        self.addAction(self.history.redo_action)

    def _step(self, step: int) -> None:
        table = (self.pair_table, self.candidate_table, self.proposal_table)[self.tabs.currentIndex()]
        select_row(table, table.currentIndex().row() + step)

    def refresh(self) -> None:
        """Search near-duplicate articles in the background, then fill all three lists."""
        def work(job):
            uid = self.store.uids()
            return [{"a": uid[p.a], "b": uid[p.b], "similarity": p.similarity,
                     "key": pair_key("documents", uid[p.a], uid[p.b])}
                    for p in search_near_duplicates(self.store, job=job)]

        self._searching = True
        self.task = run_task(self, self.session, "Searching duplicates", work, self._loaded)
        self.task.finished.connect(self._searched)
        self._show_entities()
        self._show_facts()

    def _searched(self) -> None:
        self._searching = False
        self.pair_table.viewport().update()

    def _loaded(self, pairs: list[dict]) -> None:
        self.pairs = pairs
        self._show_pairs()

    def _apply(self, command) -> bool:
        return apply_command(self, self.session, command) is not None

    def _on_store_changed(self, event: Event) -> None:
        """Keep every list current with edits made anywhere: a pair or entity decision
        updates its row at once; spans, review decisions and entities change the facts;
        new documents mean a new search."""
        if isinstance(event, DecisionsChanged):
            if event.key.startswith("documents:"):
                self._show_pairs()
            elif event.key.startswith("entities:"):
                self._show_entities()
            else:
                self._show_facts()
        elif isinstance(event, EntitiesChanged):
            self._show_entities()
            self._mark_stale("facts")
        elif isinstance(event, (AnnotationAdded, AnnotationRemoved, AnnotationChanged, ReviewsChanged)):
            self._mark_stale("facts")
        elif isinstance(event, DocumentsAdded):
            self._mark_stale("documents", "entities", "facts")
        elif isinstance(event, SchemaChanged):  # colours and labels as they are now
            for view in (self.left_view, self.right_view):
                view.set_schema(self.store.label_schema)
            if event.relabelled:
                self._mark_stale("entities", "facts")

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
        else:
            if "entities" in stale:
                self._show_entities()
            if "facts" in stale:
                self._show_facts()
        self.statusBar().showMessage("Updated with changes made elsewhere", 4000)


def _amount(amount) -> str:
    """An exact amount with thousands separators, as people read figures: 24,100,000,000."""
    from decimal import Decimal

    try:
        value = Decimal(str(amount))
    except ArithmeticError:
        return str(amount)
    return f"{value:,f}" if value.is_finite() else str(amount)
