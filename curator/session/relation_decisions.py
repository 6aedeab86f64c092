"""What a reviewer's and an annotator's decisions on relations mean, as commands: settling
a relation item into gold (or rejecting it), accepting every agreed one at once, and
accepting or rejecting every relation suggestion of a document. The items and the
suggestions are found by the analysis (``relation_review``, ``relation_suggest``)."""

from __future__ import annotations

from curator.analysis.relation_links import End, end_of
from curator.analysis.relation_review import KIND, RelationItem, relation_items
from curator.analysis.relation_suggest import open_relation_suggestions
from curator.domain.models import GOLD, Relation, SuggestionStatus
from curator.errors import CuratorError
from curator.session.commands import Batch, SetDecision
from curator.session.relation_commands import (
    AcceptRelationSuggestion,
    AddRelation,
    DeleteRelation,
    SetRelationSuggestionStatus,
)
from curator.store import Store


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


def accept_all_relations(store: Store, doc_id: int, annotator: str) -> Batch | None:
    """One step accepting every open relation suggestion of a document, or None."""
    commands = [AcceptRelationSuggestion(s.id, doc_id) for s in open_relation_suggestions(store, doc_id, annotator)]
    return Batch(commands, f"Accept {len(commands)} relation suggestion(s)", doc_id) if commands else None


def reject_all_relations(store: Store, doc_id: int, annotator: str) -> Batch | None:
    """One step rejecting every open relation suggestion of a document, or None."""
    commands = [SetRelationSuggestionStatus(s.id, doc_id, SuggestionStatus.REJECTED)
                for s in open_relation_suggestions(store, doc_id, annotator)]
    return Batch(commands, f"Reject {len(commands)} relation suggestion(s)", doc_id) if commands else None
