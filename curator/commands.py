"""Edits as small command objects: each applies itself and returns its inverse.

Every user action that changes a project goes through one of these, so that the
GUI's undo stack, the command line and the tests all share one implementation.
Commands address things by id and never hold Qt objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from curator.models import Annotation, DocumentStatus
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

    @property
    def text(self) -> str:
        if set(self.changes) == {"label"}:
            return f"Relabel as {self.changes['label']}"
        return "Edit span"

    def apply(self, store: Store) -> "EditSpan":
        before = store.update_annotation(self.annotation_id, **self.changes)
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
