"""Duplicates across sources, for the windows: the near-duplicate search over articles
(with its threshold and the passages two articles share), the entity variants that
may name one entity, and the key a duplicate decision is kept under; ``Deduplicating``,
what the Duplicates window asks of a session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from curator.analysis.duplicates import entity_candidates, pair_key
from curator.analysis.near_duplicates import (
    THRESHOLD,
    search_near_duplicates,
    shared_passages,
)

if TYPE_CHECKING:
    from curator.domain.jobs import Job
    from curator.domain.models import Decision, Entity
    from curator.session.history import Session


class Deduplicating:
    """What the Duplicates window asks of ``session``'s project: the near-duplicate pairs
    with their titles (a job's work), two articles' texts with the passages they share,
    the entity candidates with the decisions on them and the entities, the decisions of
    a kind, and how many articles there are."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def pairs(self, job: Job | None = None) -> list[dict]:
        """Every near-duplicate pair of articles: their uids, titles, similarity and the
        key their decision is kept under."""
        store = self.session.store
        uid = store.uids()
        pairs = search_near_duplicates(store, job=job)
        rows = store.document_rows(sorted({d for p in pairs for d in (p.a, p.b)}), self.session.annotator)
        titles = {doc_id: row.title or row.uid for doc_id, row in rows.items()}
        return [{"a": uid[p.a], "b": uid[p.b], "title_a": titles[p.a], "title_b": titles[p.b],
                 "similarity": p.similarity, "key": pair_key("documents", uid[p.a], uid[p.b])}
                for p in pairs]

    def compare(self, uid_a: str, uid_b: str) -> tuple[str, str, list[tuple[int, int, int, int]]]:
        """The texts of two articles and the passages they share (offsets in each)."""
        a, b = self.session.store.document_by_uid(uid_a), self.session.store.document_by_uid(uid_b)
        return a.text, b.text, shared_passages(a.text, b.text)

    def entities(self, job: Job | None = None) -> tuple[list, dict[str, Decision], list[Entity]]:
        """The entity pairs that may be one (those marked distinct too), the decisions on
        them, and every entity."""
        candidates = entity_candidates(self.session.store, include_distinct=True, job=job)
        return candidates, self.decisions("entities"), self.session.entities()

    def decisions(self, kind: str) -> dict[str, Decision]:
        """The duplicate decisions of ``kind`` (``documents`` or ``entities``), by key."""
        return self.session.store.decisions(kind)

    def document_count(self) -> int:
        return self.session.store.document_count()


__all__ = ["THRESHOLD", "Deduplicating", "entity_candidates", "pair_key", "search_near_duplicates",
           "shared_passages"]
