"""What a reviewer's decisions mean, as commands: accepting one annotator's version of a
review item, merging the versions, rejecting the region, writing gold spans of one's
own, settling a document's category set, and accepting every agreement (or every
single annotator's work) at once. The items themselves are found by the analysis
(``curator.analysis.review``); settling one writes gold and records the decision in
one command, undone together."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from curator.analysis.review import CategoryItem, ReviewItem, category_items, open_items
from curator.domain.jobs import Job
from curator.domain.models import GOLD, Annotation, new_id
from curator.session.commands import Batch, SetCategories, Settle
from curator.store import Store

SINGLE = "single annotator"  # the decision that accepts the work of a document's only annotator


def gold_copy(spans: list[Annotation] | tuple[Annotation, ...], reviewer: str) -> list[Annotation]:
    """Gold-layer copies of spans (new ids; values and links kept), without duplicates."""
    seen: set[tuple] = set()
    copies = []
    for span in spans:
        key = (span.start, span.end, span.label)
        if key in seen:
            continue
        seen.add(key)
        copies.append(Annotation(doc_id=span.doc_id, start=span.start, end=span.end, label=span.label,
                                 annotator=GOLD, value=span.value, entity_id=span.entity_id))
    return copies


def accept_version(item: ReviewItem, annotator: str, reviewer: str) -> Settle:
    """Settle the item with ``annotator``'s version, copied into gold."""
    return Settle(item.key, item.doc_id, item.start, item.end, f"accepted:{annotator}",
                  gold_copy(item.versions[annotator], reviewer), reviewer)


def merge_versions(item: ReviewItem, reviewer: str) -> Settle:
    """Every distinct span of every version (the first annotator's value where bounds and label agree)."""
    spans = [s for name in sorted(item.versions) for s in item.versions[name]]
    return Settle(item.key, item.doc_id, item.start, item.end, "merged", gold_copy(spans, reviewer), reviewer)


def reject_item(item: ReviewItem, reviewer: str) -> Settle:
    """Settle the item with no gold span in its region."""
    return Settle(item.key, item.doc_id, item.start, item.end, "rejected", [], reviewer)


def settle_with(item: ReviewItem, spans: list[Annotation], reviewer: str) -> Settle:
    """Settle with spans the reviewer wrote themselves (the "edit" decision)."""
    gold = [Annotation(doc_id=item.doc_id, start=s.start, end=s.end, label=s.label, annotator=GOLD, value=s.value,
                       entity_id=s.entity_id, id=new_id()) for s in spans]
    return Settle(item.key, item.doc_id, item.start, item.end, "edited", gold, reviewer)


def settle_category(item: CategoryItem, choices: Iterable[str]) -> SetCategories:
    """Write ``choices`` as the gold choices of the item's set (undone by the command's inverse)."""
    return SetCategories(item.doc_id, GOLD, item.set_name, list(choices))


def accept_agreements(store: Store, reviewer: str, job: Job | None = None) -> Batch | None:
    """One command settling every open item on which two or more annotators agree, or
    None (found among the stored items; only their documents' items are built in full)."""
    return _accept_open(store, reviewer, lambda item: item.agreed and not item.single, "agreed", job,
                        "Accept {} agreed items into gold")


def accept_single(store: Store, reviewer: str, job: Job | None = None) -> Batch | None:
    """One command accepting into gold every open item of a document only one annotator
    worked on (and every category set only one annotator chose in), or None."""
    return _accept_open(store, reviewer, lambda item: item.single, SINGLE, job,
                        "Accept {} single-annotator items into gold")


def _accept_open(store: Store, reviewer: str, wanted: Callable, decision: str, job: Job | None,
                 label: str) -> Batch | None:
    commands: list[Settle | SetCategories] = []
    for item in open_items(store, wanted, job):
        command = accept_version(item, sorted(item.versions)[0], reviewer)
        command.decision = decision
        commands.append(command)
    commands += [settle_category(item, item.versions[sorted(item.versions)[0]])
                 for item in category_items(store) if wanted(item) and item.agreed and not item.settled]
    if not commands:
        return None
    return Batch(commands, label.format(len(commands)), commands[0].doc_id)
