"""The annotation window's suggestions: suggest, walk, accept and reject, one by one or
all shown at once. A part of the main window, given it (never imported by it)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from curator.domain.models import Suggestion, SuggestionStatus
from curator.errors import CuratorError
from curator.session.commands import AcceptSuggestion, SetSuggestionStatus
from curator.session.suggesting import (
    bulk_accept,
    bulk_reject,
    visible,
)
from ui.windows.learning_controller import LearningController
from ui.workers import BackgroundTask

BY_CONFIDENCE = "suggestions.by_confidence"  # the user's choice: the surest suggestions first


class SuggestionController(QObject):
    """Suggestions of the open document, for ``window`` (the main window: its queries,
    annotator, panel, article and ``apply``). The Value box shows the suggestion walked
    to, read-only, and is cleared once that suggestion is decided. The learned
    recommender's suggestions show at or above their label's threshold, in text order or
    the surest first; ``learning`` trains it. UI thread only."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        panel = window.panel
        panel.suggestion_selected.connect(self._on_suggestion_selected)
        panel.suggestion_filter_changed.connect(self.refresh)
        panel.suggest_button.clicked.connect(self.suggest_for_document)
        panel.accept_button.clicked.connect(self.accept_suggestion)
        panel.reject_button.clicked.connect(self.reject_suggestion)
        panel.accept_all_button.clicked.connect(self.accept_all_suggestions)
        panel.reject_all_button.clicked.connect(self.reject_all_suggestions)
        window.article.suggestion_clicked.connect(self._on_suggestion_clicked)
        self.learning = LearningController(window)

    @property
    def by_confidence(self) -> bool:
        return self.window.settings.recall(BY_CONFIDENCE) == "on"

    def set_by_confidence(self, on: bool) -> None:
        self.window.settings.remember(BY_CONFIDENCE, "on" if on else "off")
        self.refresh()

    def refresh(self) -> None:
        w = self.window
        if w.document is None:
            return
        shown = self.learning.learning.shown(visible(w.queries.suggestions(w.document.id),
                                                     w.spans.spans, w.panel.bulk_label.currentData()),
                                             self.by_confidence)
        w.suggestions.set_suggestions(w.document.id, w.document.text, shown)
        w.article.set_suggestions(shown)
        w.panel.show_counts()
        editor = w.panel.value_editor
        if editor.suggestion_id is not None and editor.suggestion_id not in {s.id for s in shown}:
            editor.show_span(None, "")  # decided (here, by accept-all, or elsewhere): its value is no more

    def clear(self) -> None:
        """No suggestions shown (a document just opened: its own come with ``refresh``)."""
        w = self.window
        w.suggestions.set_suggestions(None, "", [])  # no document: the next one's come whole, not row by row
        w.article.set_suggestions([])
        w.panel.show_counts()

    def suggest_for_document(self) -> None:
        w = self.window
        if w.document is None:
            return
        added = w.queries.suggest(w.document.id)
        try:  # and the learned recommender's, if it was trained
            added += self.learning.learning.suggest(w.document.id)
        except CuratorError as exc:
            w.statusBar().showMessage(f"No learned suggestions: {exc}", 4000)
        self.refresh()
        w.panel.tabs.setCurrentIndex(1)
        w.statusBar().showMessage(f"{len(added)} new suggestion(s)", 4000)
        if w.panel.selected_suggestion_id() is None:
            self.go_to_suggestion(1)

    def suggest_for_project(self) -> BackgroundTask:
        w = self.window
        annotator = w.annotator
        learning = self.learning.for_annotator()

        def work(job) -> int:  # the rules, then the trained model if there is one
            return w.queries.suggest_everywhere(annotator, job) + learning.suggest_everywhere(job)

        return w.run_task("Suggesting", work,
                          lambda added: w.statusBar().showMessage(f"{added} new suggestion(s)", 6000))

    def _current(self) -> Suggestion | None:
        self.window.settle()
        row = self.window.panel.suggestion_table.currentIndex().row()
        return self.window.suggestions.suggestion(row if row >= 0 else 0)

    def go_to_suggestion(self, step: int) -> None:
        w = self.window
        w.settle()
        count = w.suggestions.rowCount()
        if not count:
            w.statusBar().showMessage("No suggestions: press Ctrl+G to suggest", 3000)
            return
        row = w.panel.suggestion_table.currentIndex().row()
        row = 0 if row < 0 and step > 0 else (row + step) % count
        w.panel.tabs.setCurrentIndex(1)
        w.panel.select_suggestion(w.suggestions.suggestion(row).id)

    def _decide(self, command) -> None:
        """Apply an accept/reject and move on to the suggestion now in the same row."""
        w = self.window
        row = max(0, w.panel.suggestion_table.currentIndex().row())
        if w.apply(command):
            next_one = w.suggestions.suggestion(min(row, w.suggestions.rowCount() - 1))
            w.panel.select_suggestion(next_one.id if next_one else None)
            if next_one is None:
                w.panel.value_editor.show_span(None, "")

    def accept_suggestion(self) -> None:
        suggestion = self._current()
        if suggestion is not None:
            self._decide(AcceptSuggestion(suggestion.id, suggestion.doc_id))
        else:
            self._none_to_decide()

    def reject_suggestion(self) -> None:
        suggestion = self._current()
        if suggestion is not None:
            self._decide(SetSuggestionStatus(suggestion.id, suggestion.doc_id, SuggestionStatus.REJECTED))
        else:
            self._none_to_decide()

    def _none_to_decide(self) -> None:
        self.window.statusBar().showMessage("No open suggestion in this document: Ctrl+G suggests", 4000)

    def accept_all_suggestions(self) -> None:
        self._all(bulk_accept)

    def reject_all_suggestions(self) -> None:
        self._all(bulk_reject)

    def _all(self, make) -> None:
        w = self.window
        w.settle()
        if w.document is not None:
            shown = {s.id for s in w.suggestions.suggestions}  # what the list shows: not those under a threshold
            batch = w.queries.bulk(make, w.document.id, w.panel.bulk_label.currentData(), shown)
            if batch is None:
                self._none_to_decide()
            elif w.apply(batch):
                w.panel.value_editor.show_span(None, "")  # the suggestion it showed is decided

    def _on_suggestion_selected(self, suggestion_id: str) -> None:
        w = self.window
        w.settle()
        w.article.select_span(suggestion_id)
        suggestion = next((s for s in w.suggestions.suggestions if s.id == suggestion_id), None)
        if suggestion is not None and w.document is not None:
            w.panel.value_editor.show_span(suggestion, w.document.text, suggested=True)

    def _on_suggestion_clicked(self, suggestion_id: str) -> None:
        self.window.panel.tabs.setCurrentIndex(1)
        self.window.panel.select_suggestion(suggestion_id)
