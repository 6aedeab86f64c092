"""What makes a relation valid, written once: the window, the command line, imports and
the export's validation all ask these rules."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from curator.domain.models import Annotation, Relation
from curator.domain.schema import LabelSchema


def same_link(a: Relation, b: Relation, directed: bool) -> bool:
    """Whether two relations of one label link the same two spans (either way round, for
    a label without direction)."""
    if a.label != b.label:
        return False
    if (a.source_id, a.target_id) == (b.source_id, b.target_id):
        return True
    return not directed and (a.source_id, a.target_id) == (b.target_id, b.source_id)


def ends_allowed(schema: LabelSchema, label: str, source: Annotation, target: Annotation) -> bool:
    """Whether spans of these labels may be linked by ``label`` (either way round for a
    label without direction)."""
    relation = schema.relation(label)
    if relation is None:
        return False
    forward = relation.allows("source", schema.get(source.label)) and relation.allows("target", schema.get(target.label))
    backward = relation.allows("source", schema.get(target.label)) and relation.allows("target", schema.get(source.label))
    return forward or (not relation.directed and backward)


def link_counts(relations: Iterable[Relation], schema: LabelSchema) -> Counter:
    """How many of ``relations`` make each link (ends and label; a label without direction
    counted either way round): what ``relation_problems`` takes to check many at once."""
    counts: Counter = Counter()
    for relation in relations:
        counts[link_key(relation, schema)] += 1
    return counts


def link_key(relation: Relation, schema: LabelSchema) -> tuple[str, str, str]:
    kind = schema.relation(relation.label)
    ends = (relation.source_id, relation.target_id)
    if kind is not None and not kind.directed:
        ends = tuple(sorted(ends))  # type: ignore[assignment]
    return ends[0], ends[1], relation.label


def relation_problems(relation: Relation, spans: dict[str, Annotation], schema: LabelSchema,
                      others: Iterable[Relation] = (), counts: Counter | None = None) -> list[str]:
    """Everything wrong with ``relation`` (empty: it is valid): its label is in the schema,
    both ends are spans of its annotator's layer of its document, the span labels at its
    ends are allowed, and no other relation among ``others`` is the same link (or, for
    many relations checked at once, ``counts`` of ``link_counts`` over them all, it among
    them, holds its link once)."""
    problems = []
    kind = schema.relation(relation.label)
    if kind is None:
        problems.append(f"relation label {relation.label!r} is not in the project's relation labels")
    ends = []
    for name, span_id in (("source", relation.source_id), ("target", relation.target_id)):
        span = spans.get(span_id)
        if span is None:
            problems.append(f"its {name} span {span_id} does not exist")
        elif span.doc_id != relation.doc_id or span.annotator != relation.annotator:
            problems.append(f"its {name} span {span_id} is not in {relation.annotator}'s layer of the same document")
        else:
            ends.append(span)
    if relation.source_id == relation.target_id:
        problems.append("it links a span to itself")
    if kind is not None and len(ends) == 2 and not ends_allowed(schema, relation.label, *ends):
        allowed = f"{'/'.join(kind.source) or 'any'} -> {'/'.join(kind.target) or 'any'}"
        problems.append(f"{relation.label} does not link {ends[0].label} to {ends[1].label} (it links {allowed})")
    directed = kind.directed if kind is not None else True
    if (counts[link_key(relation, schema)] > 1 if counts is not None
            else any(other.id != relation.id and same_link(relation, other, directed) for other in others)):
        problems.append(f"the two spans already have a {relation.label} relation")
    return problems
