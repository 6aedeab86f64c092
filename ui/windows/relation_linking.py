"""Relations in the main window: made from the keyboard (a relation's key with a span
selected, the arrows or Tab to the span at the other end, Enter), by Ctrl+dragging from
span to span, listed in the panel's Relations tab and drawn over the article as arcs.
Each is a core command done through the main window's ``apply``. A part of the main
window, given it (never imported by it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from curator.domain.models import Annotation, Relation, SuggestionStatus
from curator.domain.relation_rules import ends_allowed
from curator.session.relation_commands import (
    AcceptRelationSuggestion,
    AddRelation,
    DeleteRelation,
    SetRelationSuggestionStatus,
)
from ui.models.relation_table_model import RelationTableModel
from ui.widgets.relation_arcs import RelationArcs
from ui.widgets.table_views import make_table

_NEXT = {Qt.Key.Key_Tab, Qt.Key.Key_Right, Qt.Key.Key_Down}
_PREVIOUS = {Qt.Key.Key_Backtab, Qt.Key.Key_Left, Qt.Key.Key_Up}
_MAKE = {Qt.Key.Key_Return, Qt.Key.Key_Enter}
_WATCHED = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease}


@dataclass
class _Linking:
    """A relation being made: its label, the span it was started from, the spans it may
    go to (nearest first) and the one chosen, and whether the first span is its source."""

    label: str
    anchor: Annotation
    candidates: list[Annotation]
    chosen: int = 0
    from_anchor: bool = True

    @property
    def ends(self) -> tuple[Annotation, Annotation]:
        other = self.candidates[self.chosen]
        return (self.anchor, other) if self.from_anchor else (other, self.anchor)


class RelationLinking(QObject):
    """The open document's relations in ``window`` (the main window: its document,
    schema, annotator, article, panel, spans, ``editing`` and ``apply``). UI thread only."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.model = RelationTableModel(window.schema, self)
        self.arcs = RelationArcs(window.article, window.article.offset_rect, window.article.visible_range)
        self.arcs.set_schema(window.schema)
        self.linking: _Linking | None = None
        self._drag_from: Annotation | None = None
        page = QWidget(window.panel.tabs)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        self.table = make_table(self.model, page, "No relations yet: select a span and press a relation's key "
                                                  "(Labels menu), or Ctrl+drag from span to span")
        self.table.setObjectName("relation_table")
        layout.addWidget(self.table)
        self.delete_button = QPushButton("Delete relation", page)
        self.delete_button.setObjectName("delete_relation")
        self.delete_button.clicked.connect(self.delete_selected)
        # Relations the text makes plain ("according to X"...), accepted or rejected like span suggestions.
        self.suggested = RelationTableModel(window.schema, self)
        self.suggested_table = make_table(self.suggested, page, "No suggested relations: Suggest relations "
                                                                "proposes the links the text makes plain")
        self.suggested_table.setObjectName("relation_suggestion_table")
        layout.addWidget(self.suggested_table)
        for table in (self.table, self.suggested_table):  # the panel keeps the height the window had
            table.setMinimumHeight(48)
        row = QHBoxLayout()  # one row of buttons, for the same reason
        row.addWidget(self.delete_button)
        for text, slot in (("Suggest", self.suggest), ("Accept", self.accept_suggested),
                           ("Reject", self.reject_suggested)):
            button = QPushButton(text, page)
            button.setToolTip({"Suggest": "Propose the links the text makes plain (according to X, X said, "
                                          "between A and B)"}.get(text, f"{text} the selected suggested relation"))
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            row.addWidget(button)
        layout.addLayout(row)
        window.panel.tabs.insertTab(2, page, "Relations")  # after Spans and Suggestions, whose places others use
        self._viewport = window.article.viewport()
        window.article.installEventFilter(self)
        self._viewport.installEventFilter(self)
        window.changes.changed.connect(self.on_changes)
        window.panel.span_selected.connect(self._on_span_selected)
        window.panel.span_unselected.connect(lambda: self._emphasise(None))
        self.table.selectionModel().currentRowChanged.connect(self._on_relation_row)

    # -- the labels of the selected span's relations ------------------------------------

    def _emphasise(self, span_id: str | None, relation_id: str | None = None) -> None:
        self.arcs.set_emphasis({i for i in (span_id, relation_id) if i is not None})

    def _on_span_selected(self, span_id: str) -> None:
        """A span selected: its arcs drawn bolder and their labels said in the status bar
        (an arc has no caption, which would hide words)."""
        self._emphasise(span_id)
        linked = self.arcs.relations_of(span_id)
        if linked and self.linking is None:
            said = "; ".join(self.arcs.describe(r, span_id) for r in linked[:3])
            more = f" and {len(linked) - 3} more" if len(linked) > 3 else ""
            self.window.statusBar().showMessage(f"{said}{more}", 8000)

    def _on_relation_row(self, current, _previous) -> None:
        relation = self.model.relation(current.row())
        if relation is None:
            return
        self._emphasise(None, relation.id)
        self.window.statusBar().showMessage(self.arcs.describe(relation), 8000)

    # -- what is shown ------------------------------------------------------------------

    def show_document(self) -> None:
        """The open document's relations, in the list and over the text (none: cleared)."""
        w = self.window
        self.cancel()
        document = w.document
        relations, proposed = w.queries.relations(document.id) if document is not None else ([], [])
        spans = w.spans.spans if document is not None else []
        self.model.set_relations(document.id if document else None, document.text if document else "", spans,
                                 relations)
        self.arcs.set_relations(spans, relations, document.text if document else "")
        self._emphasise(w.panel.selected_span_id() if document is not None else None)
        self.suggested.set_relations(document.id if document else None, document.text if document else "", spans,
                                     proposed)

    def clear(self) -> None:
        """None shown (a document just opened: its own come with ``show_document``)."""
        self.cancel()
        for model in (self.model, self.suggested):
            model.set_relations(None, "", [], [])  # no document: the next one's come whole, not row by row
        self.arcs.set_relations([], [])

    # -- suggested relations ---------------------------------------------------------------

    def suggest(self) -> int:
        """Propose the links the text makes plain between the annotator's spans of the document."""
        w = self.window
        if w.document is None:
            return 0
        added = w.queries.suggest_relations(w.document.id)
        self.show_document()
        w.statusBar().showMessage(f"{added} new relation suggestion(s)", 4000)
        return added

    def _suggested_one(self):
        self.window.settle()
        proposal = self.suggested.relation(self.suggested_table.currentIndex().row())
        if proposal is None:
            self.window.statusBar().showMessage("Select a suggested relation first", 3000)
        return proposal

    def accept_suggested(self) -> bool:
        proposal = self._suggested_one()
        return proposal is not None and self.window.apply(AcceptRelationSuggestion(proposal.id, proposal.doc_id))

    def reject_suggested(self) -> bool:
        proposal = self._suggested_one()
        return proposal is not None and self.window.apply(
            SetRelationSuggestionStatus(proposal.id, proposal.doc_id, SuggestionStatus.REJECTED))

    def set_schema(self, schema) -> None:
        self.model.set_schema(schema)
        self.suggested.set_schema(schema)
        self.arcs.set_schema(schema)
        self.show_document()

    def on_changes(self, changes: Any) -> None:
        """The open document's relations or spans changed (here, in another window, by an
        undo or another process): shown again; a relation being made starts again if its
        spans changed under it."""
        document = self.window.document
        if document is None:
            return
        relations = (document.id, self.window.annotator) in changes.relations
        spans = document.id in changes.spans or document.id in changes.documents_removed
        if relations or spans or not changes.complete and changes.elsewhere:
            linking = self.linking
            self.show_document()
            if linking is not None and spans:
                self.window.statusBar().showMessage("The spans changed: start the relation again", 4000)

    # -- making one from the keyboard ---------------------------------------------------

    def key_pressed(self, label: str) -> None:
        """A relation's key: with a span selected, start a relation of that label (the
        nearest span it may link first); while making one, make it (or switch label)."""
        if self.linking is not None and self.linking.label == label:
            self.make()
            return
        w = self.window
        anchor = w.editing.selected_span() if self.linking is None else self.linking.anchor
        if anchor is None:
            w.statusBar().showMessage(f"Select a span first, then press {label}'s key to link it", 4000)
            return
        self.start(label, anchor)

    def start(self, label: str, anchor: Annotation) -> bool:
        w = self.window
        others = [span for span in w.spans.spans if span.id != anchor.id]
        forward = [s for s in others if ends_allowed_directed(w.schema, label, anchor, s)]
        backward = [s for s in others if ends_allowed_directed(w.schema, label, s, anchor)]
        candidates, from_anchor = (forward, True) if forward else (backward, False)
        if not candidates:
            w.statusBar().showMessage(f"No span here that {label} may link to this {anchor.label}", 4000)
            self.cancel()
            return False
        candidates.sort(key=lambda s: (abs(s.start - anchor.start), s.start))
        self.linking = _Linking(label, anchor, candidates, 0, from_anchor)
        w.article.setFocus()
        self._show_choice()
        return True

    def step(self, by: int) -> None:
        if self.linking is not None:
            self.linking.chosen = (self.linking.chosen + by) % len(self.linking.candidates)
            self._show_choice()

    def _show_choice(self) -> None:
        linking, w = self.linking, self.window
        source, target = linking.ends
        text = w.document.text
        self.arcs.set_pending((source, target))
        other = linking.candidates[linking.chosen]
        w.article.set_selection(other.start, other.end)
        w.statusBar().showMessage(
            f"{linking.label}: {text[source.start:source.end]} → {text[target.start:target.end]}   "
            f"({linking.chosen + 1} of {len(linking.candidates)}; Tab or arrows: another span, Enter: link, "
            "Esc: cancel)")

    def make(self) -> bool:
        linking, w = self.linking, self.window
        if linking is None:
            return False
        source, target = linking.ends
        self.cancel()
        relation = Relation(doc_id=source.doc_id, source_id=source.id, target_id=target.id, label=linking.label,
                            annotator=w.annotator)
        done = w.apply(AddRelation(relation))
        w.panel.select_span(linking.anchor.id)
        return done

    def cancel(self) -> None:
        if self.linking is None:
            return
        self.linking = None
        self.arcs.set_pending(None)
        self.window.article.clear_selection()
        self.window.statusBar().clearMessage()

    def delete_selected(self) -> None:
        self.window.settle()
        relation = self.model.relation(self.table.currentIndex().row())
        if relation is None:
            self.window.statusBar().showMessage("Select a relation in the list to delete it", 3000)
            return
        self.window.apply(DeleteRelation(relation.id, relation.doc_id, relation.label))

    # -- keys while making one, and Ctrl+drag from span to span ---------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        # Only the few events it acts on are looked at: others (a window being taken down
        # sends its widgets many) must not reach into widgets that may be going.
        kind = event.type()
        if kind not in _WATCHED:
            return False
        if kind == QEvent.Type.KeyPress and self.linking is not None:
            key = QKeyEvent.key(event)  # type: ignore[arg-type]
            if key in _NEXT:
                self.step(1)
            elif key in _PREVIOUS:
                self.step(-1)
            elif key in _MAKE:
                self.make()
            elif key == Qt.Key.Key_Escape:
                self.cancel()
            else:
                return False
            return True
        if watched is self._viewport and kind != QEvent.Type.KeyPress:
            return self._drag(event)  # type: ignore[arg-type]
        return False

    def _drag(self, event: QMouseEvent) -> bool:
        article = self.window.article
        control = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if event.type() == QEvent.Type.MouseButtonPress and control and event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = self._span_under(event)
            return self._drag_from is not None
        if event.type() == QEvent.Type.MouseButtonRelease and self._drag_from is not None:
            source, self._drag_from = self._drag_from, None
            target = self._span_under(event)
            if target is not None and target.id != source.id:
                self.link_by_mouse(source, target)
            article.clear_selection()
            return True
        return False

    def _span_under(self, event: QMouseEvent) -> Annotation | None:
        article = self.window.article
        offset = article.visible_offset_at(event.position().toPoint())
        hits = article.spans_at(offset)
        return min(hits, key=lambda s: s.end - s.start) if hits else None

    def link_by_mouse(self, source: Annotation, target: Annotation) -> bool:
        """A drag from ``source`` to ``target``: the first relation label that links them
        that way round (else the other way round)."""
        w = self.window
        for first, second in ((source, target), (target, source)):
            label = next((kind.name for kind in w.schema.relations
                          if ends_allowed_directed(w.schema, kind.name, first, second)), None)
            if label is not None:
                return w.apply(AddRelation(Relation(doc_id=first.doc_id, source_id=first.id, target_id=second.id,
                                                    label=label, annotator=w.annotator)))
        w.statusBar().showMessage(f"No relation label links a {source.label} to a {target.label}", 4000)
        return False


def ends_allowed_directed(schema, label: str, source: Annotation, target: Annotation) -> bool:
    """Whether ``label`` links ``source`` to ``target`` that way round (a label without
    direction: either way)."""
    kind = schema.relation(label)
    if kind is None:
        return False
    if not kind.directed:
        return ends_allowed(schema, label, source, target)
    return kind.allows("source", schema.get(source.label)) and kind.allows("target", schema.get(target.label))
