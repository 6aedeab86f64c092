"""Disagreement review: where annotators' spans differ, and settling each into gold.

An *item* is a region of a document where spans of the annotators overlap
(spans chained by overlap form one region). Each annotator who worked on the
document has a *version* of the region: their spans in it, possibly none. If
every version is the same (bounds, label, value and entity link) the item is an
agreement, otherwise a disagreement. Settling an item writes the chosen spans
into the ``gold`` layer and records the decision; both are undone together.

A document only one annotator worked on has items too, each with that one version
(``single``): nothing to compare, but work that reaches gold only when a reviewer
accepts it, one by one or all at once, never by itself.

This module finds the items; what settling one means, as a command, is the
session's (``curator.session.review_decisions``).

An item's key includes a digest of its versions, so if an annotator later
changes a span in a settled region, the region comes back as a new open item.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from curator.domain.jobs import Job
from curator.domain.models import GOLD, Annotation, DocumentStatus
from curator.store import Store


@dataclass(frozen=True)
class ReviewItem:
    """One region of a document and each annotator's version of it."""

    doc_id: int
    doc_uid: str
    start: int
    end: int
    versions: dict[str, tuple[Annotation, ...]]
    key: str

    @property
    def agreed(self) -> bool:
        contents = {_content(spans) for spans in self.versions.values()}
        return len(contents) == 1

    @property
    def single(self) -> bool:
        """Only one annotator worked on the document: one version, nothing to compare."""
        return len(self.versions) == 1

    def kinds(self) -> list[str]:
        """Why the versions differ, in the reviewer's words."""
        if self.single:
            return []
        reasons = []
        versions = list(self.versions.values())
        if any(not spans for spans in versions):
            reasons.append("missed")
        spans = [s for version in versions for s in version]
        bounds = {(s.start, s.end) for s in spans}
        labels = {s.label for s in spans}
        if len(bounds) > 1:
            reasons.append("boundaries")
        if len(labels) > 1:
            reasons.append("label")
        if len(bounds) == 1 and len(labels) == 1:
            if len({json.dumps(s.value, sort_keys=True) for s in spans}) > 1:
                reasons.append("value")
            if len({s.entity_id for s in spans}) > 1:
                reasons.append("entity")
        return reasons


DIFFERENCES = ("bounds", "label", "value", "entity")  # the parts of a span that versions compare


def span_differences(item: ReviewItem) -> dict[str, tuple[str, ...]]:
    """What sets each span of the item apart from the other versions, by span id.

    ``"bounds"`` when some other version has no span at the same offsets; otherwise,
    against another version's span at the same offsets, ``"label"`` when none of them has
    this label, and ``"value"`` or ``"entity"`` when the one with this label has another
    value or entity link. A span that agrees with every other version has ``()``.
    """
    found: dict[str, tuple[str, ...]] = {}
    for name, spans in item.versions.items():
        for span in spans:
            parts: set[str] = set()
            for other, theirs in item.versions.items():
                if other == name:
                    continue
                same_words = [s for s in theirs if (s.start, s.end) == (span.start, span.end)]
                twin = next((s for s in same_words if s.label == span.label), None)
                if not same_words:
                    parts.add("bounds")
                elif twin is None:
                    parts.add("label")
                else:
                    if _value_key(twin.value) != _value_key(span.value):
                        parts.add("value")
                    if (twin.entity_id or None) != (span.entity_id or None):
                        parts.add("entity")
            found[span.id] = tuple(part for part in DIFFERENCES if part in parts)
    return found


def _value_key(value: dict | None) -> str:
    return json.dumps(value, sort_keys=True)


def _content(spans: tuple[Annotation, ...]) -> str:
    return json.dumps(sorted((s.start, s.end, s.label, json.dumps(s.value, sort_keys=True), s.entity_id or "")
                             for s in spans))


def _key(doc_uid: str, start: int, end: int, versions: dict[str, tuple[Annotation, ...]]) -> str:
    digest = hashlib.sha1(json.dumps({a: _content(v) for a, v in sorted(versions.items())}).encode()).hexdigest()
    return f"{doc_uid}:{start}-{end}:{digest[:12]}"


def items_for(doc_id: int, doc_uid: str, spans: list[Annotation], worked: list[str]) -> list[ReviewItem]:
    """The review items of one document, from its spans of the annotators who worked on it."""
    ordered = sorted((s for s in spans if s.annotator in worked), key=lambda s: (s.start, s.end))
    clusters: list[list[Annotation]] = []
    end = -1
    for span in ordered:
        if clusters and span.start < end:
            clusters[-1].append(span)
            end = max(end, span.end)
        else:
            clusters.append([span])
            end = span.end
    items = []
    for cluster in clusters:
        start, stop = min(s.start for s in cluster), max(s.end for s in cluster)
        versions = {name: tuple(s for s in cluster if s.annotator == name) for name in worked}
        items.append(ReviewItem(doc_id, doc_uid, start, stop, versions, _key(doc_uid, start, stop, versions)))
    return items


def _finished(store: Store, names: list[str]) -> dict[str, set[int]]:
    return {n: {d for d, st in store.statuses(n).items() if st is DocumentStatus.DONE} for n in names}


def annotators_and_finished(store: Store) -> tuple[list[str], dict[str, set[int]]]:
    """Every annotator but gold, and the documents each marked done."""
    names = sorted(set(store.annotators()) - {GOLD})
    return names, _finished(store, names)


def worked_on(doc_id: int, spans: list[Annotation], names: list[str], done: dict[str, set[int]]) -> list[str]:
    """The annotators who worked on a document: those with a span in it or who marked it done."""
    present = {s.annotator for s in spans}
    return [n for n in names if n in present or doc_id in done[n]]


def iter_items(store: Store, annotators: list[str] | None = None, job: Job | None = None) -> Iterator[ReviewItem]:
    """Every review item of the project, document by document, in text order."""
    job = job or Job()
    names = sorted(set(annotators) if annotators else set(store.annotators()) - {GOLD})
    done = _finished(store, names)
    total = store.document_count()
    for index, (document, spans) in enumerate(store.iter_documents_with_annotations()):
        if index % 200 == 0:
            job.check()
            job.set_progress(index, total)
        worked = worked_on(document.id, spans, names, done)
        if worked:
            yield from items_for(document.id, document.uid, spans, worked)


@dataclass(frozen=True)
class StoredItem:
    """A review item as stored: where it is, its key, and whether and why versions differ."""

    doc_id: int
    doc_uid: str
    start: int
    end: int
    key: str
    agreed: bool
    kinds: tuple[str, ...]
    annotators: tuple[str, ...]

    @property
    def single(self) -> bool:
        return len(self.annotators) == 1


# Stored items worked out by earlier rules are stale whatever their fingerprint says (the
# rules before this one made no items for documents only one annotator worked on).
RULES = "r2|"


def stored_items(store: Store, job: Job | None = None) -> list[StoredItem]:
    """Every review item of the project (every annotator but gold), read as stored.

    Items are kept per document with the fingerprint of the spans and statuses they came
    from; only documents that changed since (by any writer: the window, an import,
    another process) are worked out again here, and stored for the next reader."""
    job = job or Job()
    fingerprints = store.review_fingerprints([GOLD])
    stored = store.stored_review_items()
    fingerprints = {doc_id: RULES + fingerprint for doc_id, fingerprint in fingerprints.items()}
    stale = [doc_id for doc_id, fingerprint in fingerprints.items() if stored.get(doc_id, ("",))[0] != fingerprint]
    dropped = [doc_id for doc_id in stored if doc_id not in fingerprints]
    fresh: dict[int, tuple[str, dict]] = {}
    if stale:
        names, done = annotators_and_finished(store)
        for index, (document, spans) in enumerate(store.documents_with_annotations(stale)):
            if index % 200 == 0:
                job.check()
                job.set_progress(index, len(stale))
            worked = worked_on(document.id, spans, names, done)
            items = items_for(document.id, document.uid, spans, worked) if worked else []
            fresh[document.id] = (fingerprints[document.id], {"uid": document.uid, "items": [
                [i.start, i.end, i.key, i.agreed, i.kinds(), sorted(i.versions)] for i in items]})
        stored.update(fresh)
    if stale or dropped:
        store.store_review_items(fresh, dropped)
    return [StoredItem(doc_id, payload["uid"], start, end, key, agreed, tuple(kinds), tuple(annotators))
            for doc_id in sorted(fingerprints) if doc_id in stored
            for payload in (stored[doc_id][1],)
            for start, end, key, agreed, kinds, annotators in payload["items"]]


def open_items(store: Store, wanted: Callable[[StoredItem], bool],
               job: Job | None = None) -> list[ReviewItem]:
    """The open (not yet settled) review items ``wanted`` picks among the stored ones,
    built in full (with their versions); only the documents they are in are read."""
    settled = store.reviews()
    open_ones = [item for item in stored_items(store, job) if wanted(item) and item.key not in settled]
    keys = {item.key for item in open_ones}
    names, done = annotators_and_finished(store)
    chosen = []
    for document, spans in store.documents_with_annotations({item.doc_id for item in open_ones}):
        worked = worked_on(document.id, spans, names, done)
        chosen += [item for item in items_for(document.id, document.uid, spans, worked) if item.key in keys]
    return chosen


def open_work(store: Store, job: Job | None = None) -> dict[str, int]:
    """What the annotators did that is not in gold yet, by kind: open disagreements,
    open agreements and open single-annotator items (regions of text), and category sets
    of each kind, with the number of documents they are in (``documents``)."""
    settled = store.reviews()
    counts = {"disagreements": 0, "agreements": 0, "single": 0, "documents": 0}
    documents: set[int] = set()
    for item in stored_items(store, job):
        if item.key in settled:
            continue
        counts["single" if item.single else "agreements" if item.agreed else "disagreements"] += 1
        documents.add(item.doc_id)
    for category in category_items(store):
        if not category.settled:
            counts["single" if category.single else "agreements" if category.agreed else "disagreements"] += 1
            documents.add(category.doc_id)
    counts["documents"] = len(documents)
    return counts


# -- document categories ------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryItem:
    """One category set of one document that two or more annotators classified: each
    one's choices, and the gold choices once a reviewer settled it."""

    doc_id: int
    doc_uid: str
    set_name: str
    versions: dict[str, tuple[str, ...]]
    gold: tuple[str, ...] | None = None

    @property
    def agreed(self) -> bool:
        return len({tuple(sorted(choices)) for choices in self.versions.values()}) == 1

    @property
    def settled(self) -> bool:
        return self.gold is not None

    @property
    def single(self) -> bool:
        return len(self.versions) == 1


def category_items(store: Store) -> list[CategoryItem]:
    """Every (document, category set) that annotators (not gold) classified, in document
    order, for the project's current sets: chosen by two or more, or by one alone
    (``single``)."""
    sets = {category.name for category in store.label_schema.categories}
    chosen: dict[tuple[int, str], dict[str, tuple[str, ...]]] = {}
    for doc_id, who, set_name, choices in store.category_rows():
        if set_name in sets:
            chosen.setdefault((doc_id, set_name), {})[who] = tuple(choices)
    uid_of = store.uids() if chosen else {}
    items = []
    for (doc_id, set_name), versions in sorted(chosen.items()):
        gold = versions.pop(GOLD, None)
        if versions:
            items.append(CategoryItem(doc_id, uid_of[doc_id], set_name, versions, gold))
    return items
