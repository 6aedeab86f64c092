"""Reviewing relations: each link an annotator drew is an item, with each annotator's
version of it (drew it or not). Settling it (``curator.session.relation_decisions``)
writes the gold relation between the gold spans at its ends (accepted) or leaves gold
without it (rejected), and records the decision (kind ``relations``), in one undoable
step.

A relation is settled after its spans: accepting one whose ends gold has no spans for
is refused, naming the span to settle first. As with spans, an item of a document only
one annotator worked on is ``single``: nothing to compare, but it reaches gold only when
a reviewer accepts it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from curator.analysis.relation_links import Link, document_links
from curator.domain.models import GOLD
from curator.store import Store

KIND = "relations"  # the kind of their decisions


@dataclass(frozen=True)
class RelationItem:
    """One link of one document and whether each annotator who worked on it drew it."""

    doc_id: int
    doc_uid: str
    link: Link
    versions: dict[str, bool]
    in_gold: bool
    decision: str | None
    source_text: str
    target_text: str

    @property
    def key(self) -> str:
        return relation_key(self.doc_uid, self.link)

    @property
    def agreed(self) -> bool:
        return all(self.versions.values())

    @property
    def single(self) -> bool:
        return len(self.versions) == 1

    @property
    def settled(self) -> bool:
        return self.decision is not None

    @property
    def text(self) -> str:
        return f"{self.source_text} -{self.link[2]}-> {self.target_text}"


def relation_key(doc_uid: str, link: Link) -> str:
    digest = hashlib.sha1(repr(link).encode()).hexdigest()[:16]
    return f"rel:{doc_uid[:200]}:{digest}"


def relation_items(store: Store, annotators: list[str] | None = None) -> list[RelationItem]:
    """Every link drawn by an annotator (not gold), document by document: disagreements
    (some who worked on the document did not draw it), agreements and single items."""
    names = sorted(set(annotators) if annotators else set(store.annotators()) - {GOLD})
    decisions = store.decisions(KIND)
    items = []
    for document in document_links(store, names):
        worked = document.worked(names)
        drawn = sorted(set().union(*(document.links.get(name, set()) for name in worked)) if worked else set())
        for link in drawn:
            key = relation_key(document.uid, link)
            decision = decisions.get(key)
            items.append(RelationItem(document.doc_id, document.uid, link,
                                      {name: link in document.links.get(name, set()) for name in worked},
                                      link in document.links.get(GOLD, set()),
                                      decision.decision if decision else None,
                                      document.text[link[0][0]:link[0][1]], document.text[link[1][0]:link[1][1]]))
    return items


def open_relation_work(store: Store) -> dict[str, int]:
    """Relation items not settled yet, by kind."""
    counts = {"disagreements": 0, "agreements": 0, "single": 0}
    for item in relation_items(store):
        if not item.settled:
            counts["single" if item.single else "agreements" if item.agreed else "disagreements"] += 1
    return counts
