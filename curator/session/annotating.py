"""What the annotator's window asks of the project, grouped by what it shows: a document
opened with the annotator's spans and status (and remembered as the one to reopen), its
header, categories, relations and suggestions; finding suggestions; the commands a
date edit or a bulk decision stands for; validating; the labels an import found.
The window asks these, never the store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from curator.domain.models import (
    Annotation,
    Document,
    DocumentStatus,
    Relation,
    Suggestion,
    SuggestionStatus,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from curator.domain.jobs import Job
    from curator.formats.validate import Problem
    from curator.session.commands import Command
    from curator.session.history import Session


@dataclass(frozen=True)
class OpenDocument:
    """A document as the annotator's window shows it: its text and details, the
    annotator's spans and the annotator's status."""

    document: Document
    spans: list[Annotation]
    status: DocumentStatus


class Annotating:
    """The annotator's window's queries and commands over ``session`` (its annotator is
    the session's). UI thread, but for what a job is given."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def _store(self):
        return self.session.store

    @property
    def _annotator(self) -> str:
        return self.session.annotator

    def _last_key(self) -> str:
        return f"last_document.{self._annotator}"

    # -- documents -----------------------------------------------------------------------

    def open(self, doc_id: int) -> OpenDocument:
        """The document with the annotator's spans and status; it is remembered as the
        annotator's last document (``last_document``)."""
        document = self._store.get_document(doc_id)
        spans = self._store.annotations_for(doc_id, self._annotator)
        status = self._store.status(doc_id, self._annotator)
        self._store.set_state(self._last_key(), doc_id)
        return OpenDocument(document, spans, status)

    def header(self, doc_id: int) -> tuple[Document, DocumentStatus]:
        """The document's details and the annotator's status of it, as stored now."""
        return self._store.get_document(doc_id), self._store.status(doc_id, self._annotator)

    def last_document(self) -> int | None:
        """The document the annotator last opened, or None."""
        return self._store.get_state(self._last_key())

    def document_count(self) -> int:
        return self._store.document_count()

    def spans(self, doc_id: int) -> list[Annotation]:
        """The annotator's spans of the document, as stored now."""
        return self._store.annotations_for(doc_id, self._annotator)

    def categories(self, doc_id: int) -> dict[str, list[str]]:
        """The annotator's category choices of the document, by category set."""
        return self._store.categories_for(doc_id, self._annotator).get(self._annotator, {})

    def status(self, doc_id: int) -> DocumentStatus:
        return self._store.status(doc_id, self._annotator)

    def redate(self, doc_id: int, value: str) -> Any:
        """What setting the article's date to ``value`` means (``article_date.redate``)."""
        from curator.session.article_date import redate

        return redate(self._store, doc_id, value)

    # -- relations and suggestions ----------------------------------------------------------

    def relations(self, doc_id: int) -> tuple[list[Relation], list[Any]]:
        """The annotator's relations of the document and the relation suggestions still open."""
        return (self._store.relations_for(doc_id, self._annotator),
                self._store.relation_suggestions_for(doc_id, self._annotator, SuggestionStatus.OPEN))

    def suggest_relations(self, doc_id: int) -> int:
        from curator.analysis.relation_suggest import suggest_relations

        return suggest_relations(self._store, doc_id, self._annotator)

    def suggestions(self, doc_id: int) -> list[Suggestion]:
        """The annotator's suggestions of the document, every status."""
        return self._store.suggestions_for(doc_id, self._annotator)

    def suggest(self, doc_id: int) -> int:
        """Find suggestions for the document; how many were added."""
        from curator.analysis.suggest import suggest_document

        return suggest_document(self._store, doc_id, self._annotator)

    def suggest_everywhere(self, annotator: str, job: Job | None = None) -> int:
        """Find suggestions for every document of ``annotator`` (a job's work)."""
        from curator.analysis.suggest import suggest_project

        return suggest_project(self._store, annotator, job)

    def bulk(self, make: Callable[..., Command | None], doc_id: int, label: str | None,
             shown: Collection[str]) -> Command | None:
        """The one command of a bulk accept or reject (``suggesting.bulk_accept`` or
        ``bulk_reject``) of the suggestions ``shown``."""
        return make(self._store, doc_id, self._annotator, label, shown)

    # -- checks and imports ---------------------------------------------------------------

    def validate(self, job: Job | None = None) -> list[Problem]:
        """Every problem of the project, errors first."""
        from curator.session.validating import validate

        return validate(self._store, job=job)

    def add_found_labels(self, names: list[str]) -> Command | None:
        """The command adding the labels an import found that the project lacks."""
        from curator.session.label_edits import add_found_labels

        return add_found_labels(self._store, names)

    def equivalent_labels(self, names: Collection[str]) -> dict[str, str | None]:
        """For each label an import found that the project lacks, the project's label it
        conventionally is (GPE a LOCATION), or None."""
        from curator.formats.schema_files import equivalent_label

        ours = [label.name for label in self._store.label_schema.labels]
        return {name: equivalent_label(name, ours) for name in names}
