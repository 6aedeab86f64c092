"""The store's suggestion layer: pre-annotations kept per annotator, each open,
accepted or rejected (mixed into ``Store``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from curator.domain.models import Suggestion, SuggestionStatus
from curator.store.events import EventHub, SuggestionsChanged
from curator.store.label_rows import refuse_labels_gone
from curator.store.rows import _chunks, documents_present
from curator.store.tables import suggestions_table
from curator.store.transactions import Transactional


class SuggestionStore(Transactional):
    """Part of ``Store``: the suggestions of each document and annotator, and their status."""

    engine: Engine
    events: EventHub

    def add_suggestions(self, suggestions: Sequence[Suggestion]) -> None:
        if not suggestions:
            return
        # A suggestion another process stored meanwhile (two 'suggest' runs at once) is
        # already there: it is kept, not doubled.
        if self.engine.dialect.name in ("sqlite", "postgresql"):
            from importlib import import_module

            insert = import_module(f"sqlalchemy.dialects.{self.engine.dialect.name}").insert
            statement = insert(suggestions_table).on_conflict_do_nothing()
        else:
            statement = suggestions_table.insert()
        with self._begin() as conn:
            conn.execute(statement, [s.model_dump() for s in suggestions])
            refuse_labels_gone(conn, {s.label for s in suggestions})
        for doc_id in sorted({s.doc_id for s in suggestions}):
            self._emit(SuggestionsChanged(doc_id))

    def suggestions_for(self, doc_id: int, annotator: str, status: SuggestionStatus | None = None) -> list[Suggestion]:
        query = sa.select(suggestions_table).where(
            suggestions_table.c.doc_id == doc_id, suggestions_table.c.annotator == annotator
        )
        if status is not None:
            query = query.where(suggestions_table.c.status == status.value)
        query = query.order_by(suggestions_table.c.start, suggestions_table.c.end, suggestions_table.c.label)
        with self._connect() as conn:
            return [Suggestion(**row._mapping) for row in conn.execute(query)]

    def document_suggestions(self, doc_id: int) -> list[Suggestion]:
        """Every annotator's suggestions for one document."""
        query = sa.select(suggestions_table).where(suggestions_table.c.doc_id == doc_id).order_by(
            suggestions_table.c.annotator, suggestions_table.c.start, suggestions_table.c.end, suggestions_table.c.label)
        with self._connect() as conn:
            return [Suggestion(**row._mapping) for row in conn.execute(query)]

    def set_suggestion_value(self, suggestion_id: str, value: dict[str, Any] | None) -> Suggestion:
        """Change a suggestion's normalized value; returns it as it was."""
        before = self.get_suggestion(suggestion_id)
        with self._begin() as conn:
            conn.execute(suggestions_table.update().where(suggestions_table.c.id == suggestion_id).values(value=value))
        self._emit(SuggestionsChanged(before.doc_id))
        return before

    def get_suggestion(self, suggestion_id: str) -> Suggestion:
        row = self._row(sa.select(suggestions_table).where(suggestions_table.c.id == suggestion_id),
                        f"no suggestion with id {suggestion_id}")
        return Suggestion(**row._mapping)

    def set_suggestion_status(self, suggestion_id: str, status: SuggestionStatus,
                              annotation_id: str | None = None) -> Suggestion:
        """Change a suggestion's status (and accepted annotation); returns it as it was."""
        before = self.get_suggestion(suggestion_id)
        with self._begin() as conn:
            conn.execute(suggestions_table.update().where(suggestions_table.c.id == suggestion_id)
                         .values(status=status.value, annotation_id=annotation_id))
        self._emit(SuggestionsChanged(before.doc_id))
        return before

    def take_out_suggestions(self, ids: Sequence[str]) -> list[Suggestion]:
        """Delete the suggestions of these ids (an import undone); returns them as they were,
        for ``add_suggestions`` to put back."""
        s = suggestions_table.c
        taken: list[Suggestion] = []
        with self._begin() as conn:
            for chunk in _chunks(list(ids), 500):
                taken += [Suggestion(**row._mapping) for row in conn.execute(
                    sa.select(suggestions_table).where(s.id.in_(chunk)))]
                conn.execute(suggestions_table.delete().where(s.id.in_(chunk)))
        for doc_id in sorted({suggestion.doc_id for suggestion in taken}):
            self._emit(SuggestionsChanged(doc_id))
        return taken

    def put_back_suggestions(self, suggestions: Sequence[Suggestion]) -> list[str]:
        """Put back suggestions ``take_out_suggestions`` gave (an import redone), but for
        those whose document was deleted since; returns the ids of those put back."""
        with self.transaction() as conn:
            documents = documents_present(conn, {suggestion.doc_id for suggestion in suggestions})
            kept = [suggestion for suggestion in suggestions if suggestion.doc_id in documents]
            self.add_suggestions(kept)
        return [suggestion.id for suggestion in kept]

    def suggestions_on_label(self, label: str) -> list[Suggestion]:
        """Every annotator's suggestions of ``label``: what moving or deleting it changes."""
        with self._connect() as conn:
            return [Suggestion(**row._mapping) for row in conn.execute(
                sa.select(suggestions_table).where(suggestions_table.c.label == label)
                .order_by(suggestions_table.c.doc_id, suggestions_table.c.id))]

    def restore_suggestions(self, suggestions: Sequence[Suggestion], label: str) -> None:
        """Undo what moving label ``label`` did to its suggestions: those it relabelled get
        ``label`` back (their status as it is now), those it deleted come back as they were,
        their status kept (a rejected one is not proposed again); one whose place was taken
        since stays out, and one whose document was deleted since (it would have gone with it)."""
        s = suggestions_table.c
        present: set[str] = set()
        with self._begin() as conn:
            for chunk in _chunks([suggestion.id for suggestion in suggestions], 500):
                present.update(conn.execute(sa.select(s.id).where(s.id.in_(chunk))).scalars())
                conn.execute(suggestions_table.update().where(s.id.in_(chunk)).values(label=label))
            documents = documents_present(conn, {suggestion.doc_id for suggestion in suggestions})
        self.add_suggestions([suggestion for suggestion in suggestions
                              if suggestion.id not in present and suggestion.doc_id in documents])
        for doc_id in sorted({suggestion.doc_id for suggestion in suggestions if suggestion.id in present}):
            self._emit(SuggestionsChanged(doc_id))
