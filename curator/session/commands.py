"""Edits as small command objects: each applies itself and returns its inverse.

Every user action that changes a project goes through one of these, so that the
GUI's undo stack, the command line and the tests all share one implementation.
Commands address things by id and never hold Qt objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from curator.domain.models import Annotation, DocumentStatus, Entity, SuggestionStatus
from curator.store import Store


class Command(Protocol):
    """An edit. ``apply`` performs it and returns the command that undoes it."""

    doc_id: int

    @property
    def text(self) -> str: ...

    def apply(self, store: Store) -> "Command": ...


@dataclass
class AddSpan:
    annotation: Annotation

    @property
    def doc_id(self) -> int:
        return self.annotation.doc_id

    @property
    def text(self) -> str:
        return f"Add {self.annotation.label}"

    def apply(self, store: Store) -> "DeleteSpan":
        store.add_annotation(self.annotation)
        return DeleteSpan(self.annotation.id, self.annotation.doc_id, self.annotation.label)


@dataclass
class DeleteSpan:
    annotation_id: str
    doc_id: int
    label: str = ""

    @property
    def text(self) -> str:
        return f"Delete {self.label}".strip()

    def apply(self, store: Store) -> AddSpan:
        return AddSpan(store.delete_annotation(self.annotation_id))


@dataclass
class EditSpan:
    """Change a span's label, bounds, normalized value or entity link."""

    annotation_id: str
    doc_id: int
    changes: dict[str, Any] = field(default_factory=dict)
    expected: datetime | None = None  # the span's ``updated`` as the user saw it; None: no check

    @property
    def text(self) -> str:
        if set(self.changes) == {"label"}:
            return f"Relabel as {self.changes['label']}"
        return "Edit span"

    def apply(self, store: Store) -> "EditSpan":
        before = store.update_annotation(self.annotation_id, self.expected, **self.changes)
        return EditSpan(self.annotation_id, self.doc_id, {name: getattr(before, name) for name in self.changes})


@dataclass
class SetStatus:
    doc_id: int
    annotator: str
    status: DocumentStatus

    @property
    def text(self) -> str:
        return "Mark done" if self.status is DocumentStatus.DONE else "Mark to do"

    def apply(self, store: Store) -> "SetStatus":
        before = store.set_status(self.doc_id, self.annotator, self.status)
        return SetStatus(self.doc_id, self.annotator, before)


@dataclass
class EditDocument:
    """Change a document's editable metadata (title, outlet, URL, date)."""

    doc_id: int
    changes: dict[str, Any]

    @property
    def text(self) -> str:
        return "Edit " + ", ".join(sorted(self.changes))

    def apply(self, store: Store) -> "EditDocument":
        return EditDocument(self.doc_id, store.update_document(self.doc_id, **self.changes))


@dataclass
class Batch:
    """Several commands as one user action (one undo step)."""

    commands: list
    label: str
    doc_id: int

    @property
    def text(self) -> str:
        return self.label

    def apply(self, store: Store) -> "Batch":
        with store.transaction():  # all of it or, if any step fails, none of it
            inverses = [command.apply(store) for command in self.commands]
        return Batch(list(reversed(inverses)), self.label, self.doc_id)


@dataclass
class AcceptSuggestion:
    """Turn a suggestion into an annotation of the suggestion's annotator."""

    suggestion_id: str
    doc_id: int

    @property
    def text(self) -> str:
        return "Accept suggestion"

    def apply(self, store: Store) -> "UndoAccept":
        with store.transaction():  # one command, one transaction
            suggestion = store.get_suggestion(self.suggestion_id)
            annotation = Annotation(doc_id=suggestion.doc_id, start=suggestion.start, end=suggestion.end,
                                    label=suggestion.label, annotator=suggestion.annotator, value=suggestion.value,
                                    entity_id=suggestion.entity_id)
            store.add_annotation(annotation)
            store.set_suggestion_status(self.suggestion_id, SuggestionStatus.ACCEPTED, annotation.id)
            return UndoAccept(self.suggestion_id, self.doc_id, annotation.id)


@dataclass
class UndoAccept:
    suggestion_id: str
    doc_id: int
    annotation_id: str

    @property
    def text(self) -> str:
        return "Accept suggestion"

    def apply(self, store: Store) -> AcceptSuggestion:
        with store.transaction():  # one command, one transaction
            store.delete_annotation(self.annotation_id)
            store.set_suggestion_status(self.suggestion_id, SuggestionStatus.OPEN)
            return AcceptSuggestion(self.suggestion_id, self.doc_id)


@dataclass
class SetSuggestionStatus:
    """Reject a suggestion (or reopen a rejected one)."""

    suggestion_id: str
    doc_id: int
    status: SuggestionStatus

    @property
    def text(self) -> str:
        return "Reject suggestion" if self.status is SuggestionStatus.REJECTED else "Reopen suggestion"

    def apply(self, store: Store) -> "SetSuggestionStatus":
        before = store.set_suggestion_status(self.suggestion_id, self.status)
        return SetSuggestionStatus(self.suggestion_id, self.doc_id, before.status)


@dataclass
class CreateEntity:
    entity: Entity
    doc_id: int = 0

    @property
    def text(self) -> str:
        return f"Create entity {self.entity.name}"

    def apply(self, store: Store) -> "DeleteEntity":
        store.add_entity(self.entity)
        return DeleteEntity(self.entity.id, self.doc_id)


@dataclass
class DeleteEntity:
    entity_id: str
    doc_id: int = 0

    @property
    def text(self) -> str:
        return "Delete entity"

    def apply(self, store: Store) -> CreateEntity:
        return CreateEntity(store.delete_entity(self.entity_id), self.doc_id)


@dataclass
class EditEntity:
    """Rename an entity, change its type or its aliases."""

    entity_id: str
    changes: dict[str, Any]
    doc_id: int = 0

    @property
    def text(self) -> str:
        return "Edit entity"

    def apply(self, store: Store) -> "EditEntity":
        before = store.update_entity(self.entity_id, **self.changes)
        return EditEntity(self.entity_id, {name: getattr(before, name) for name in self.changes}, self.doc_id)
