"""Relations found in another tool's file (``FoundRelation``: two spans by offsets and
label, a relation label, who drew it) written into the project, in the import's own
transaction once its spans are written. Each end is found among its annotator's spans
of the document; a relation whose label the project lacks, whose ends are missing or
not allowed, or that is there already, is reported and skipped."""

from __future__ import annotations

from curator.domain.models import Relation
from curator.domain.relation_rules import link_counts, link_key, relation_problems
from curator.formats.annotated import AnnotatedDocument, file_annotator
from curator.formats.reports import ImportReport
from curator.store import Store


def add_found_relations(store: Store, documents: list[AnnotatedDocument], doc_ids: dict[str, int],
                        report: ImportReport, where: str, new_documents: set[int] = frozenset(),
                        into_gold: bool = False) -> int:
    """Write the relations of ``documents`` (already written, their ids by uid in
    ``doc_ids``); returns how many were added. Those on documents the import did not add
    (not in ``new_documents``) are listed in the report, for the import's undo; those of
    the reviewed layer are written only ``into_gold``. Call inside the import's transaction."""
    schema = store.label_schema
    added: list[Relation] = []
    for document in documents:
        doc_id = doc_ids.get(document.uid)
        if not document.relations or doc_id is None:
            continue
        spans = store.annotations_for(doc_id)
        by_key = {(a.annotator, a.start, a.end, a.label): a for a in spans}
        by_id = {a.id: a for a in spans}
        counts = link_counts(store.relations_for(doc_id), schema)
        for found in document.relations:
            record = f"document {document.uid!r} relation {found.label[:40]!r}"
            annotator, odd = file_annotator(found.annotator, into_gold)
            if odd:
                report.skip(where, record, f"{odd}; relation skipped")
                continue
            if schema.relation(found.label) is None:
                report.missing_relation_labels[found.label] = report.missing_relation_labels.get(found.label, 0) + 1
                report.skip(where, record, f"unknown relation label {found.label[:40]!r}")
                continue
            ends = [by_key.get((annotator, *end)) for end in (found.source, found.target)]
            if None in ends:
                missing = found.source if ends[0] is None else found.target
                report.skip(where, record, f"{annotator} has no {missing[2]} span at {missing[0]}-{missing[1]} for it "
                                           "to link; skipped")
                continue
            relation = Relation(doc_id=doc_id, source_id=ends[0].id, target_id=ends[1].id, label=found.label,
                                annotator=annotator)
            counts[link_key(relation, schema)] += 1
            problems = relation_problems(relation, by_id, schema, counts=counts)
            if problems and problems[-1].startswith("the two spans already have"):
                counts[link_key(relation, schema)] -= 1
                report.relations_present += 1
                continue
            if problems:
                counts[link_key(relation, schema)] -= 1
                report.skip(where, record, "; ".join(problems) + "; skipped")
                continue
            added.append(relation)
    store.add_relations(added)
    report.relations_added += len(added)
    report.relations_on_known += [r.id for r in added if r.doc_id not in new_documents]
    return len(added)
