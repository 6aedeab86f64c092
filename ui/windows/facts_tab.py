"""The facts panel of the Facts window (``facts_window``): facts reported by several sources, the value
proposed from the sources' weights, and the form that records one; the figures no fact
groups, each with why; the measures facts are grouped by."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from curator.domain.jobs import Job
from curator.errors import CuratorError
from curator.session import Session
from curator.session import fact_edits as fact_edits
from curator.session.commands import SaveFact, SetAttribution
from curator.session.fact_finding import (
    FactFinding,
    FactProposal,
    FactRow,
    amount_text,
    fact_from,
    parse_accepted,
    parse_period,
)
from ui.models.record_table_model import RecordTableModel
from ui.widgets.table_views import make_table, select_row, share_columns
from ui.workers import show_failures

NO_FACTS = ("No facts proposed: figures of one measure and period must come from two or more articles (tag "
            "figures and dates, or suggest them, first; “Figures not grouped” says why each is not)")


class FactsTab(QWidget):
    """Facts across sources, from one report (``fact_report``) that ``curator facts`` prints
    too: each fact's figures (a recorded fact's are those it was recorded with), every
    figure's source, attribution, weight and why, and the value proposed to accept
    (Ctrl+Return) or override. Edits are emitted as commands (``command``) for the
    window to do; refusals are said in the form. UI thread only."""

    command = Signal(object)  # a core command to do through the session
    measures_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.finding = session, FactFinding(session)
        self.rows: list[FactRow] = []
        self.left: list = []
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        measures = QPushButton("Measures…", self)
        measures.setToolTip("The measures facts are grouped by, and the words that name each")
        measures.clicked.connect(self.measures_requested)
        top.addWidget(self.status, 1)
        top.addWidget(measures)
        layout.addLayout(top)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter = splitter
        self.lists = QTabWidget(splitter)
        self.proposal_model = RecordTableModel([("measure", "Measure", ""), ("period", "Period", ""),
                                                ("values", "Values reported", ""),
                                                ("spread", "Spread", "(largest - smallest) / largest"),
                                                ("proposed", "Proposed value", "What truth discovery proposes: each "
                                                 "source weighted by how often it agrees with the consensus across "
                                                 "facts, copies counted once, rounded figures consistent"),
                                                ("status", "Status", "")], self)
        self.proposal_table = make_table(self.proposal_model, self.lists, NO_FACTS)
        self.proposal_table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_proposal())
        self.left_model = RecordTableModel([("text", "Figure", ""), ("document", "Document", ""),
                                            ("source", "Source", ""), ("why", "Why it is in no fact", "")], self)
        left_table = make_table(self.left_model, self.lists, "Every figure is in a fact")
        share_columns(left_table, {}, {0: 1, 1: 2, 2: 1, 3: 3})
        self.lists.addTab(self.proposal_table, "Facts")
        self.lists.addTab(left_table, "Figures not grouped")
        bottom = QSplitter(Qt.Orientation.Horizontal, splitter)
        self.bottom = bottom
        bottom.addWidget(self._build_mentions(bottom))
        bottom.addWidget(self._build_form(bottom))
        bottom.setStretchFactor(0, 3)
        bottom.setStretchFactor(1, 2)
        bottom.setSizes([720, 480])  # the form's fields wide enough to read what they hold
        splitter.addWidget(self.lists)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)

    def _build_mentions(self, parent: QWidget) -> QWidget:
        page = QWidget(parent)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.mention_model = RecordTableModel([("text", "As written", ""), ("amount", "Amount", ""),
                                               ("source", "Source", ""), ("attribution", "Attributed to", ""),
                                               ("weight", "Weight", "The source's vote in the proposed value"),
                                               ("why", "Why", ""), ("document", "Document", ""),
                                               ("published", "Published", "")], self)
        self.mention_table = make_table(self.mention_model, page)
        share_columns(self.mention_table, {4: 58, 7: 86}, {0: 1.2, 1: 1.2, 2: 1.3, 3: 1.1, 5: 2.6, 6: 1.6})
        layout.addWidget(self.mention_table, 1)
        edits = QHBoxLayout()  # on a recorded fact: the selected figure, or the whole fact
        split = QPushButton("Split off  (S)", page)
        split.setToolTip("Split the selected figure off into a fact of its own")
        split.clicked.connect(self.split_fact)
        self.other_fact = QComboBox(page)
        self.other_fact.setObjectName("other_fact")
        self.other_fact.setMinimumContentsLength(14)
        self.other_fact.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        move = QPushButton("Move figure to", page)
        move.clicked.connect(self.move_mention)
        merge = QPushButton("Merge fact into", page)
        merge.clicked.connect(self.merge_fact)
        for widget in (split, move, merge):
            edits.addWidget(widget)
        edits.addWidget(self.other_fact, 1)
        layout.addLayout(edits)
        self.mention_attribution = QLineEdit(page)  # the selected figure's attribution, to correct
        self.mention_attribution.setObjectName("mention_attribution")
        self.mention_attribution.setPlaceholderText("the selected figure is attributed to… (Enter sets it)")
        self.mention_attribution.returnPressed.connect(self.attribute_mention)
        layout.addWidget(self.mention_attribution)
        self.mention_table.selectionModel().currentRowChanged.connect(
            lambda _c, _p: self.mention_attribution.setText((self._selected_mention().attribution or "")
                                                            if self._selected_mention() else ""))
        return page

    def _build_form(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox("Record the fact", parent)
        form = QFormLayout(box)
        self.fact_subject = QLineEdit(box)
        self.fact_subject.setPlaceholderText("e.g. Kazakhstan-China")
        self.fact_value = QLineEdit(box)
        self.fact_value.setPlaceholderText("e.g. 24.2 billion or 24200000000")
        self.fact_value.setObjectName("fact_value")
        self.fact_note = QLineEdit(box)
        self.fact_note.setPlaceholderText("why this value (source, rounding, ...)")
        self.fact_subjects = QLineEdit(box)  # entities of the register, by name
        self.fact_subjects.setObjectName("fact_subjects")
        self.fact_subjects.setPlaceholderText("entities, separated by ; e.g. Kazakhstan; China")
        self.fact_attribution = QLineEdit(box)
        self.fact_attribution.setObjectName("fact_attribution")
        self.fact_attribution.setPlaceholderText("the authority, e.g. Chinese customs")
        self.fact_period = QLineEdit(box)
        self.fact_period.setObjectName("fact_period")
        self.fact_period.setPlaceholderText("YYYY-MM-DD – YYYY-MM-DD")
        self.fact_period.setToolTip("2022, and its first nine months, are two periods")
        for title, field in (("Subject", self.fact_subject), ("Period", self.fact_period),
                             ("Entities", self.fact_subjects), ("Attributed to", self.fact_attribution),
                             ("Accepted value", self.fact_value), ("Why", self.fact_note)):
            form.addRow(title, field)
        self.fact_error = QLabel(box)  # why the typed value is not a figure, until it is
        self.fact_error.setObjectName("fact_error")
        self.fact_error.setStyleSheet("color: #b00020")
        self.fact_error.setWordWrap(True)
        self.fact_error.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # Room for the message kept when there is none: the fields never jump when one appears.
        self.fact_error.setFixedHeight(self.fact_error.fontMetrics().lineSpacing() * 3 + 4)
        form.addRow(self.fact_error)
        self.fact_value.textEdited.connect(lambda _text: self.fact_error.clear())
        record = QPushButton("Record fact  (Ctrl+Return)", box)
        record.clicked.connect(self.record_fact)
        form.addRow(record)
        return box

    # -- showing ---------------------------------------------------------------------------

    @property
    def proposals(self) -> list[FactProposal]:
        return [row.proposal for row in self.rows]

    @property
    def recorded(self) -> list:
        return [row.fact for row in self.rows]

    def show_facts(self) -> int:
        """Read the facts again and show them; returns how many are open (not recorded)."""
        row = self.proposal_table.currentIndex().row()
        self.rows, self.left = self.finding.rows(job := Job())
        show_failures(self, job)  # a document whose figures the rules failed on, named
        self.proposal_model.set_rows([{"measure": r.proposal.measure,
                                       "period": f"{r.proposal.period_start} – {r.proposal.period_end}",
                                       "values": "; ".join(m.text for m in r.proposal.mentions),
                                       "spread": f"{r.proposal.spread:.1%}" if r.proposal.mentions else "",
                                       "proposed": r.proposed, "status": r.status} for r in self.rows])
        self.left_model.set_rows([{"text": m.text, "document": m.document.title or m.document.uid,
                                   "source": m.outlet, "why": why} for m, why in self.left])
        open_count = sum(1 for r in self.rows if r.fact is None)
        self.status.setText(f"{len(self.rows)} fact(s), {open_count} open; {len(self.left)} figure(s) in no fact "
                            "(“Figures not grouped” says why)" if self.rows or self.left else NO_FACTS)
        self.lists.setTabText(0, f"Facts ({len(self.rows)})")
        self.lists.setTabText(1, f"Figures not grouped ({len(self.left)})")
        select_row(self.proposal_table, max(row, 0))
        return open_count

    def _current(self) -> FactRow | None:
        row = self.proposal_table.currentIndex().row()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _show_proposal(self) -> None:
        current = self._current()
        if current is None:
            return
        proposal, fact = current.proposal, current.fact
        self.mention_model.set_rows([{
            "text": m.text, "amount": amount_text(m.amount), "source": m.outlet, "attribution": m.attribution or "",
            "weight": f"{current.votes[m.annotation.id].weight:.2f}" if m.annotation.id in current.votes else None,
            "why": current.votes[m.annotation.id].why if m.annotation.id in current.votes else "",
            "document": m.document.title or m.document.uid, "published": m.document.published}
            for m in proposal.mentions])
        names = {entity.id: entity.name for entity in self.session.entities()}
        held = fact or proposal
        self.fact_period.setText(f"{held.period_start} – {held.period_end}" if held.period_start else "")
        self.other_fact.clear()
        for other in self.rows:
            if other.fact is not None and other.fact is not fact:
                named = f"{other.fact.subject}: {other.fact.measure} {other.proposal.period_start or ''}"
                self.other_fact.addItem(named + (f" ({other.fact.attribution})" if other.fact.attribution else ""),
                                        other.fact.id)
        if fact is not None:  # what was recorded, to read or change
            self.fact_subjects.setText("; ".join(names.get(e, e) for e in fact.subjects))
            self.fact_attribution.setText(fact.attribution or "")
            self.fact_subject.setText(fact.subject)
            self.fact_value.setText(amount_text(fact.accepted_amount) if fact.accepted_amount else "")
            self.fact_note.setText(fact.note or "")
        else:  # the proposed value, to accept (Ctrl+Return) or override
            subjects = dict.fromkeys(e for m in proposal.mentions for e in m.subjects)
            self.fact_subjects.setText("; ".join(names.get(e, e) for e in subjects))
            attributions = {m.attribution for m in proposal.mentions}
            self.fact_attribution.setText((attributions.pop() or "") if len(attributions) == 1 else "")
            self.fact_value.setText(amount_text(current.truths[0].value) if len(current.truths) == 1 else "")
            self.fact_note.setText("proposed by the sources' weights" if len(current.truths) == 1 else "")
        self.fact_error.clear()

    # -- recording and editing ----------------------------------------------------------------

    def record_fact(self) -> None:
        current = self._current()
        if current is None:
            return
        proposal = current.proposal
        try:
            value = parse_accepted(self.fact_value.text(), proposal.unit)
        except CuratorError as exc:  # the form holds a figure or nothing: never text that breaks an export
            self._refuse(str(exc), self.fact_value)
            return
        try:
            period = parse_period(self.fact_period.text())
        except CuratorError as exc:
            self._refuse(str(exc), self.fact_period)
            return
        subjects = []
        for name in (part.strip() for part in self.fact_subjects.text().split(";")):
            entity = self.finding.entity_named(name)
            if name and entity is None:
                self._refuse(f"no entity named {name!r} in the register (the Entities tab lists them)",
                             self.fact_subjects)
                return
            if entity is not None:
                subjects.append(entity.id)
        self.fact_error.clear()
        fact = fact_from(proposal, self.fact_subject.text().strip() or proposal.measure, value,
                         self.fact_note.text().strip() or None, self.fact_attribution.text().strip() or None)
        fact.subjects = list(dict.fromkeys(subjects))
        fact.period_start, fact.period_end = period
        if current.fact is not None:
            fact.id = current.fact.id
            fact.mentions = current.fact.mentions
        self.command.emit(SaveFact(fact))

    def _refuse(self, message: str, field: QLineEdit) -> None:
        self.fact_error.setText(message)
        field.setFocus()

    def _recorded(self):
        current = self._current()
        if current is not None and current.fact is None:
            self.fact_error.setText("record the fact first: splitting, moving and merging work on recorded facts")
        return current.fact if current is not None else None

    def _selected_mention(self):
        current, row = self._current(), self.mention_table.currentIndex().row()
        mentions = current.proposal.mentions if current is not None else []
        return mentions[row] if 0 <= row < len(mentions) else None

    def _edit(self, make) -> None:
        try:
            self.command.emit(make())
        except CuratorError as exc:
            self.fact_error.setText(str(exc))

    def split_fact(self) -> None:
        fact, mention = self._recorded(), self._selected_mention()
        if fact is not None and mention is not None:
            self._edit(lambda: self.finding.split(fact.id, [mention.annotation.id], mention.attribution))

    def move_mention(self) -> None:
        fact, mention, target = self._recorded(), self._selected_mention(), self.other_fact.currentData()
        if fact is not None and mention is not None and target:
            self._edit(lambda: self.finding.move_mention(mention.annotation.id, fact.id, target))

    def attribute_mention(self) -> None:
        """Correct whom the selected figure is attributed to (empty: as its sentence says)."""
        mention = self._selected_mention()
        if mention is not None:
            self.command.emit(SetAttribution(mention.annotation.id, self.mention_attribution.text().strip() or None,
                                             mention.document.id))

    def merge_fact(self) -> None:
        fact, target = self._recorded(), self.other_fact.currentData()
        if fact is not None and target:
            self._edit(lambda: self.finding.merge(target, fact.id))
