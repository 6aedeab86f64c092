"""Relations as comparable *links*, the unit that agreement and review compare across
annotators: two relations are the same link when their ends are spans at the same
offsets with the same labels and their relation labels match (either way round, for a
relation label without direction). Span ids differ between layers; links do not."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from curator.domain.models import GOLD, Annotation, Relation
from curator.domain.schema import LabelSchema
from curator.store import Store

End = tuple[int, int, str]  # a span by (start, end, label)
Link = tuple[End, End, str]  # (source end, target end, relation label)


def end_of(span: Annotation) -> End:
    return span.start, span.end, span.label


def link_of(relation: Relation, spans: dict[str, Annotation], schema: LabelSchema) -> Link | None:
    """The link a relation makes, or None if an end is missing."""
    source, target = spans.get(relation.source_id), spans.get(relation.target_id)
    if source is None or target is None:
        return None
    ends = (end_of(source), end_of(target))
    kind = schema.relation(relation.label)
    if kind is not None and not kind.directed:
        ends = tuple(sorted(ends))  # type: ignore[assignment]
    return ends[0], ends[1], relation.label


@dataclass(frozen=True)
class DocumentLinks:
    """One document's links and span ends, by annotator (gold among them)."""

    doc_id: int
    uid: str
    text: str
    links: dict[str, set[Link]]
    ends: dict[str, set[End]]
    relations: dict[str, dict[Link, Relation]]  # the relation that makes each link, by annotator

    def worked(self, annotators: list[str]) -> list[str]:
        """The annotators (of ``annotators``) with a span in this document."""
        return [name for name in annotators if self.ends.get(name)]


def document_links(store: Store, annotators: list[str] | None = None) -> list[DocumentLinks]:
    """Every document that has a relation, with each annotator's links and span ends
    (of ``annotators`` and gold, if given; else everyone's)."""
    schema = store.label_schema
    wanted = None if annotators is None else [*annotators, GOLD]
    by_document: dict[int, list[Relation]] = defaultdict(list)
    for relation in store.relation_rows(wanted):
        by_document[relation.doc_id].append(relation)
    found = []
    for document, spans in store.documents_with_annotations(sorted(by_document)):
        by_id = {span.id: span for span in spans if wanted is None or span.annotator in wanted}
        ends: dict[str, set[End]] = defaultdict(set)
        for span in by_id.values():
            ends[span.annotator].add(end_of(span))
        links: dict[str, set[Link]] = defaultdict(set)
        made: dict[str, dict[Link, Relation]] = defaultdict(dict)
        for relation in by_document[document.id]:
            link = link_of(relation, by_id, schema)
            if link is not None:
                links[relation.annotator].add(link)
                made[relation.annotator][link] = relation
        found.append(DocumentLinks(document.id, document.uid, document.text, dict(links), dict(ends), dict(made)))
    return found
