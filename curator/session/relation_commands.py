"""The commands that edit relations between spans and settle relation suggestions: each
applies itself and returns its inverse, as every command in ``commands`` does (and is
kept in the history as they are). Each checks the relation rules (``relation_rules``)
inside its own transaction, so nothing invalid is ever stored."""

from __future__ import annotations

from dataclasses import dataclass

from curator.domain.models import Relation, SuggestionStatus
from curator.domain.relation_rules import relation_problems
from curator.errors import CuratorError
from curator.store import Store


def check_relation(store: Store, relation: Relation) -> None:
    """CuratorError naming what is wrong with ``relation`` as the project is now."""
    spans = store.annotations_by_id([relation.source_id, relation.target_id])
    others = store.relations_between(relation.source_id, relation.target_id)
    problems = relation_problems(relation, spans, store.label_schema, others)
    if problems:
        raise CuratorError(f"relation {relation.label}: " + "; ".join(problems))


@dataclass
class AddRelation:
    relation: Relation

    @property
    def doc_id(self) -> int:
        return self.relation.doc_id

    @property
    def text(self) -> str:
        return f"Add relation {self.relation.label}"

    def apply(self, store: Store) -> "DeleteRelation":
        with store.transaction():  # the check and the write as one
            check_relation(store, self.relation)
            store.add_relations([self.relation])
        return DeleteRelation(self.relation.id, self.relation.doc_id, self.relation.label)


@dataclass
class DeleteRelation:
    relation_id: str
    doc_id: int
    label: str = ""

    @property
    def text(self) -> str:
        return f"Delete relation {self.label}".strip()

    def apply(self, store: Store) -> AddRelation:
        return AddRelation(store.delete_relation(self.relation_id))


@dataclass
class RelabelRelation:
    """Give a relation another relation label (checked against its ends)."""

    relation_id: str
    doc_id: int
    label: str

    @property
    def text(self) -> str:
        return f"Relabel relation as {self.label}"

    def apply(self, store: Store) -> "RelabelRelation":
        with store.transaction():
            before = store.get_relation(self.relation_id)
            check_relation(store, before.model_copy(update={"label": self.label}))
            store.relabel_relation(self.relation_id, self.label)
        return RelabelRelation(self.relation_id, self.doc_id, before.label)


@dataclass
class AcceptRelationSuggestion:
    """Turn a proposed relation into a relation of its annotator."""

    suggestion_id: str
    doc_id: int
    relation_id: str | None = None  # a redo makes the relation it made before

    @property
    def text(self) -> str:
        return "Accept relation suggestion"

    def apply(self, store: Store) -> "UndoAcceptRelation":
        with store.transaction():
            proposal = store.get_relation_suggestion(self.suggestion_id)
            if proposal.status is not SuggestionStatus.OPEN:
                raise CuratorError(f"the relation suggestion was {proposal.status.value} already")
            fields = {"id": self.relation_id} if self.relation_id else {}
            relation = Relation(doc_id=proposal.doc_id, source_id=proposal.source_id, target_id=proposal.target_id,
                                label=proposal.label, annotator=proposal.annotator, **fields)
            AddRelation(relation).apply(store)
            store.set_relation_suggestion_status(self.suggestion_id, SuggestionStatus.ACCEPTED, relation.id)
        return UndoAcceptRelation(self.suggestion_id, self.doc_id, relation.id)


@dataclass
class UndoAcceptRelation:
    suggestion_id: str
    doc_id: int
    relation_id: str

    @property
    def text(self) -> str:
        return "Accept relation suggestion"

    def apply(self, store: Store) -> AcceptRelationSuggestion:
        with store.transaction():
            store.delete_relation(self.relation_id)
            store.set_relation_suggestion_status(self.suggestion_id, SuggestionStatus.OPEN)
        return AcceptRelationSuggestion(self.suggestion_id, self.doc_id, self.relation_id)


@dataclass
class SetRelationSuggestionStatus:
    """Reject a proposed relation (or reopen a rejected one)."""

    suggestion_id: str
    doc_id: int
    status: SuggestionStatus

    @property
    def text(self) -> str:
        return ("Reject relation suggestion" if self.status is SuggestionStatus.REJECTED
                else "Reopen relation suggestion")

    def apply(self, store: Store) -> "SetRelationSuggestionStatus":
        before = store.set_relation_suggestion_status(self.suggestion_id, self.status)
        return SetRelationSuggestionStatus(self.suggestion_id, self.doc_id, before.status)
