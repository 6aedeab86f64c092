"""What the curator's keys and clicks do to the open document: tag, relabel, delete, set
a value or an entity link, a category, the done mark, the document's details. Each is a
core command done through the main window's ``apply``. A part of the main window, given
it (never imported by it)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from curator.domain.models import Annotation, DocumentStatus
from curator.domain.schema import LabelKind
from curator.domain.text import snap_to_words
from curator.session import editing
from curator.session.commands import (
    AddSpan,
    DeleteSpan,
    EditDocument,
    EditEntity,
    EditSpan,
    SetCategories,
    SetStatus,
)


class SpanEditing(QObject):
    """Gestures on the open document of ``window`` (the main window: its document,
    schema, annotator, article, panel, span model and ``apply``) as commands.

    After a span is deleted (here, by an undo, or anywhere) nothing is selected: the
    text it covered stays selected in the article, so the next number key tags those
    words again, never a neighbouring span. UI thread only."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self._chosen_at: tuple[int, int] | None = None  # the article's selection when a span was chosen in the list
        panel, article = window.panel, window.article
        panel.label_requested.connect(self.apply_label)
        panel.category_toggled.connect(self.toggle_category)
        panel.delete_requested.connect(self.delete_selected_span)
        panel.done_toggled.connect(self._on_done_toggled)
        panel.span_selected.connect(self._on_span_selected)
        panel.span_unselected.connect(self._on_span_unselected)
        panel.details.edited.connect(self._on_document_field_edited)
        panel.details.finished.connect(article.setFocus)  # (Enter in a field: the next key is the article's)
        panel.details.refused.connect(lambda why: window.statusBar().showMessage(why, 6000))
        article.span_clicked.connect(panel.select_span)
        editor = panel.value_editor
        editor.value_edited.connect(self._on_value_edited)
        editor.entity_chosen.connect(self._on_entity_chosen)
        editor.entity_created.connect(self._on_entity_created)
        editor.finished.connect(article.setFocus)
        editor.aliases_edited.connect(
            lambda entity_id, aliases: window.apply(EditEntity(entity_id, {"aliases": aliases},
                                                               window.document.id if window.document else 0)))

    def apply_label(self, label: str) -> None:
        """Tag the selection (snapped to words) or relabel the span at the caret."""
        w = self.window
        if w.document is None:
            return
        w.panel.remember_label(label)
        start, end = w.article.selection_range()
        if start == end:
            under_caret = list(w.article.spans_at(start))
            if under_caret:
                span = min(under_caret, key=lambda s: s.end - s.start)
                command = editing.relabel(w.schema, w.document, span, label, w.panel.value_editor.entities)
                if command is not None:
                    w.apply(command)
                return
        if snap_to_words(w.document.text, start, end) is None:
            w.statusBar().showMessage("Select some words first, then press a label key", 4000)
            return
        command = editing.tag(w.schema, w.document, start, end, label, w.annotator, w.spans.spans,
                              w.panel.value_editor.entities)
        if command is None or w.apply(command):  # None: that span has that label already
            w.article.clear_selection()
            if isinstance(command, AddSpan):
                w.panel.select_span(command.annotation.id)

    def selected_span(self) -> Annotation | None:
        span_id = self.window.panel.selected_span_id()
        return next((s for s in self.window.spans.spans if s.id == span_id), None)

    def delete_selected_span(self) -> None:
        """Delete the span the article's selection or caret is on, as a number key relabels
        it, unless the caret has not moved since one was chosen in the list (a span just
        tagged, a row picked); on no span, the one selected in the list."""
        w = self.window
        span_id = w.panel.selected_span_id()
        start, end = w.article.selection_range()
        if w.document is not None and (span_id is None or (start, end) != self._chosen_at):
            mine = w.spans.spans
            on = [s for s in mine if (s.start, s.end) == (start, end)] or \
                [s for s in mine if s.start <= start and end <= s.end and (start < s.end)]
            if on:
                span_id = min(on, key=lambda s: s.end - s.start).id
        if span_id is None:
            w.statusBar().showMessage("Select a span to delete", 3000)
            return
        span = next(s for s in w.spans.spans if s.id == span_id)
        if w.apply(DeleteSpan(span.id, span.doc_id, span.label)):
            w.article.set_selection(span.start, span.end)  # the words stay selected: a number key tags them again

    def _on_span_selected(self, annotation_id: str) -> None:
        w = self.window
        w.article.select_span(annotation_id)
        self._chosen_at = w.article.selection_range()  # (Delete takes this one while the caret stays)
        w.panel.value_editor.show_span(self.selected_span(), w.document.text if w.document else "")

    def _on_span_unselected(self) -> None:
        """The selected span went (deleted, undone, moved elsewhere): nothing is selected now."""
        self.window.article.select_span(None)
        if self.window.panel.value_editor.suggestion_id is None:
            self.window.panel.value_editor.show_span(None, "")

    def _on_value_edited(self, value: dict) -> None:
        span = self.selected_span()
        if span is not None:
            self.window.apply(EditSpan(span.id, span.doc_id, {"value": value}, expected=span.updated))

    def _on_entity_chosen(self, entity_id: str) -> None:
        span = self.selected_span()
        if span is not None and (entity_id or None) != span.entity_id:
            self.window.apply(EditSpan(span.id, span.doc_id, {"entity_id": entity_id or None},
                                       expected=span.updated))

    def focus_entity_box(self) -> None:
        """L: type the entity the selected span names; Enter links it (or creates it)."""
        w = self.window
        editor = w.panel.value_editor
        span = self.selected_span()
        kind = w.schema.get(span.label) if span else None
        if kind is None or kind.kind is not LabelKind.ENTITY:
            w.statusBar().showMessage("Select a span with an entity label to link it to an entity", 4000)
            return
        editor.entity_box.setFocus()
        editor.entity_box.lineEdit().selectAll()

    def _on_entity_created(self, name: str) -> None:
        span = self.selected_span()
        if span is not None:
            self.window.apply(editing.link_to_new_entity(span, name))

    def on_entities_changed(self) -> None:
        w = self.window
        entities = w.session.entities()
        w.panel.value_editor.set_entities(entities)
        w.spans.set_entity_names({entity.id: entity.name for entity in entities})
        if w.document is not None:  # relinked spans are changed spans: edit them as they are now
            w.spans.refresh(w.queries.spans(w.document.id))

    # -- the document: categories, done, details ------------------------------------------

    def toggle_category(self, set_name: str, choice: str) -> None:
        """A category key: a single-choice set takes ``choice`` (again: clears it); a
        multiple-choice set toggles it."""
        w = self.window
        category = w.schema.category(set_name)
        if w.document is None or category is None:
            return
        mine = w.queries.categories(w.document.id)
        current = mine.get(set_name, [])
        if category.multiple:
            choices = [name for name in category.names if (name in current) != (name == choice)]
        else:
            choices = [] if current == [choice] else [choice]
        if not w.apply(SetCategories(w.document.id, w.annotator, set_name, choices)):
            self.show_categories()  # refused: the toggle shows what is stored

    def show_categories(self) -> None:
        w = self.window
        if w.document is not None:
            mine = w.queries.categories(w.document.id)
            w.panel.show_categories(mine)

    def toggle_done(self) -> None:
        self.window.panel.done_box.toggle()

    def _on_done_toggled(self, checked: bool) -> None:
        w = self.window
        if w.document is not None:
            w.apply(SetStatus(w.document.id, w.annotator, DocumentStatus.DONE if checked else DocumentStatus.TODO))
            if checked and w.settings.reviewer and not w.queries.spans(w.document.id):  # (done, no span: an annotator)
                w.statusBar().showMessage(f"Marked done in {w.annotator}'s own layer, with no span: an annotator who "
                                          "found nothing. To mark it reviewed, press Ctrl+D in the review window "
                                          "(Ctrl+Z takes this back)", 10000)

    def done_and_next(self) -> None:
        w = self.window
        if w.document is None:
            return
        if w.queries.status(w.document.id) is not DocumentStatus.DONE:
            w.apply(SetStatus(w.document.id, w.annotator, DocumentStatus.DONE))
        w.go_to_relative(1)

    def _on_document_field_edited(self, field: str, value: object) -> None:
        document = self.window.document
        if document is not None:  # a new date re-resolves the values computed from the old one
            self.window.apply(self.window.queries.redate(document.id, value).command if field == "published"
                              else EditDocument(document.id, {field: value}))
