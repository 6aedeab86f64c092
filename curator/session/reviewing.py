"""Reviewing, for the windows: the items where annotators' versions differ or agree
(spans and category choices), what sets each version apart, what settling an item
means as a command (accept a version, merge, reject, settle with edits, accept all
agreements or single annotators' work), and the agreement figures with what each means; relations' items, decisions and agreement too."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from curator.analysis.agreement import (
    EXPLANATIONS,
    AgreementReport,
    compute_agreement,
    figure_text,
)
from curator.analysis.relation_agreement import relation_agreement
from curator.analysis.relation_review import RelationItem, relation_items
from curator.analysis.review import (
    CategoryItem,
    ReviewItem,
    category_items,
    items_for,
    iter_items,
    span_differences,
)
from curator.domain.models import GOLD, DocumentStatus
from curator.session.commands import SetStatus
from curator.session.relation_decisions import accept_agreed_relations, settle_relation
from curator.session.review_decisions import (
    accept_agreements,
    accept_single,
    accept_version,
    merge_versions,
    reject_item,
    settle_category,
    settle_with,
)

if TYPE_CHECKING:
    from curator.domain.jobs import Job
    from curator.domain.models import Annotation, Document, Review
    from curator.session.commands import Command
    from curator.session.history import Session

__all__ = ["EXPLANATIONS", "AgreementReport", "Reviewing", "CategoryItem", "RelationItem", "ReviewItem", "accept_agreed_relations",
           "accept_agreements", "accept_single", "accept_version", "category_items", "compute_agreement", "figure_text",
           "items_for", "iter_items", "merge_versions", "reject_item", "relation_agreement", "relation_items",
           "settle_category", "settle_relation", "settle_with", "span_differences"]


class Reviewing:
    """What the review window asks of ``session``'s project, grouped by what it shows:
    the agreement with every item to review (a job's work), the documents of the items,
    the decisions taken, one document's items again, the category items with their
    titles, and the relation items with their agreement; and the commands that settle
    everything agreed or single at once. The reviewer is the session's annotator."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def _store(self):
        return self.session.store

    def load(self, job: Job | None = None) -> tuple[AgreementReport, list[ReviewItem], dict[str, str]]:
        """The agreement figures, every item to review, and the entities' names by id."""
        report = compute_agreement(self._store, job=job)
        entity_names = {entity.id: entity.name for entity in self._store.entities()}
        return report, list(iter_items(self._store, job=job)), entity_names

    def agreement(self, job: Job | None = None) -> AgreementReport:
        return compute_agreement(self._store, job=job)

    def documents(self, ids: Iterable[int]) -> list[Document]:
        """The documents of ``ids``, in that order."""
        return [self._store.get_document(doc_id) for doc_id in ids]

    def decisions(self) -> dict[str, Review]:
        """The review decisions taken, by item key."""
        return self._store.reviews()

    def spans(self, doc_id: int, layer: str | None = None) -> list[Annotation]:
        """The document's spans, every annotator's (or one layer's, say gold)."""
        return self._store.annotations_for(doc_id, layer)

    def items_of(self, doc_id: int, annotators: list[str]) -> list[ReviewItem]:
        """The document's items as they are now, among ``annotators``' versions."""
        document = self._store.get_document(doc_id)
        return items_for(doc_id, document.uid, self._store.annotations_for(doc_id), annotators)

    def done_by(self, doc_id: int) -> set[str]:
        """The annotators who marked the document done (not the reviewed mark: gold's)."""
        return set(self._store.done_by(None, doc_id, doc_id).get(doc_id, ())) - {GOLD}

    def reviewed(self) -> set[int]:
        """The documents marked reviewed: the gold layer's 'done', which the export of gold
        takes as the document's status."""
        return {doc_id for doc_id, status in self._store.statuses(GOLD).items() if status is DocumentStatus.DONE}

    def mark_reviewed(self, doc_id: int, reviewed: bool) -> Command:
        """The command that marks a document reviewed (or not): the gold layer's status, so
        the reviewer joins no annotator's count (their own 'done' would make them one, with
        every span missed)."""
        return SetStatus(doc_id, GOLD, DocumentStatus.DONE if reviewed else DocumentStatus.TODO)

    def categories(self, titles: dict[int, str]) -> tuple[list[CategoryItem], dict[int, str]]:
        """The category items, and each item's document title (``titles`` first, else
        the document's title, else its uid)."""
        items = category_items(self._store)
        named = {doc_id: titles.get(doc_id) or self._store.get_document(doc_id).title or uid
                 for doc_id, uid in {(i.doc_id, i.doc_uid) for i in items}}
        return items, named

    def accept_agreements(self, reviewer: str) -> Command | None:
        """Every open agreement into gold, as one command (None: nothing open)."""
        return accept_agreements(self._store, reviewer)

    def accept_single(self, reviewer: str) -> Command | None:
        """Single annotators' work outside gold into gold, as one command (None: none left)."""
        return accept_single(self._store, reviewer)

    def relations(self) -> tuple[list[RelationItem], dict]:
        """The relation items and the agreement on relations."""
        return relation_items(self._store), relation_agreement(self._store)

    def settle_relation(self, item: RelationItem, accept: bool) -> Command | None:
        return settle_relation(self._store, item, accept, self.session.annotator)

    def accept_agreed_relations(self) -> Command | None:
        return accept_agreed_relations(self._store, self.session.annotator)
