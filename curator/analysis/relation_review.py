"""Reviewing relations: each link an annotator drew is an item, with each annotator's
version of it (drew it or not); settling it writes the gold relation between the gold
spans at its ends (accepted) or leaves gold without it (rejected), and records the
decision (kind ``relations``), all in one undoable step.

A relation is settled after its spans: accepting one whose ends gold has no spans for
is refused, naming the span to settle first. As with spans, an item of a document only
one annotator worked on is ``single``: nothing to compare, but it reaches gold only when
a reviewer accepts it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from curator.analysis.relation_links import End, Link, document_links, end_of
from curator.domain.models import GOLD, Relation
from curator.errors import CuratorError
from curator.session.commands import Batch, SetDecision
from curator.session.relation_commands import AddRelation, DeleteRelation
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


def _gold_span(store: Store, doc_id: int, end: End) -> str:
    span = next((s for s in store.annotations_for(doc_id, GOLD) if end_of(s) == end), None)
    if span is None:
        raise CuratorError(f"gold has no {end[2]} span at {end[0]}-{end[1]} for this relation to link: settle its "
                           "spans first")
    return span.id


def settle_relation(store: Store, item: RelationItem, accept: bool, reviewer: str) -> Batch:
    """The step that settles ``item``: accepted, its gold relation made between the gold
    spans at its ends; rejected, gold left without it (taken out if it was there)."""
    decision = SetDecision(item.key, KIND, "accepted" if accept else "rejected", note=reviewer, doc_id=item.doc_id)
    steps: list = [decision]
    gold = [r for r in store.relations_for(item.doc_id, GOLD)]
    if accept and not item.in_gold:
        source, target = (_gold_span(store, item.doc_id, end) for end in item.link[:2])
        steps.append(AddRelation(Relation(doc_id=item.doc_id, source_id=source, target_id=target, label=item.link[2],
                                          annotator=GOLD)))
    elif not accept and item.in_gold:
        spans = {s.id: end_of(s) for s in store.annotations_for(item.doc_id, GOLD)}
        ends = set(item.link[:2])
        steps += [DeleteRelation(r.id, item.doc_id, r.label) for r in gold
                  if r.label == item.link[2] and {spans.get(r.source_id), spans.get(r.target_id)} == ends]
    verb = "Accept" if accept else "Reject"
    return Batch(steps, f"{verb} relation {item.text}"[:300], item.doc_id)


def accept_agreed_relations(store: Store, reviewer: str) -> Batch | None:
    """One step accepting every open relation all its annotators drew (two or more) whose
    gold spans are there; None when there is none."""
    steps = []
    for item in relation_items(store):
        if item.agreed and not item.single and not item.settled:
            try:
                steps.append(settle_relation(store, item, True, reviewer))
            except CuratorError:
                continue  # its spans are not settled yet: it waits for them
    if not steps:
        return None
    return Batch(steps, f"Accept {len(steps)} agreed relations into gold", steps[0].doc_id)


def open_relation_work(store: Store) -> dict[str, int]:
    """Relation items not settled yet, by kind."""
    counts = {"disagreements": 0, "agreements": 0, "single": 0}
    for item in relation_items(store):
        if not item.settled:
            counts["single" if item.single else "agreements" if item.agreed else "disagreements"] += 1
    return counts
