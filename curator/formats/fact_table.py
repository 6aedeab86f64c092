"""The dataset's facts table: each recorded fact with every supporting mention and where
it came from (document, outlet, date, text, amount), one row per mention. Read from the
stored decisions, never worked out again at export."""

from __future__ import annotations

from curator.domain.attribution import attribution_of, cited_outlet
from curator.domain.text import sentence_around
from curator.store import Store


def fact_rows(store: Store) -> list[dict]:
    """Every fact with each supporting mention and its source (one row per mention)."""
    facts = list(store.facts().values())
    names = {entity.id: entity.name for entity in store.entities()}
    found = store.annotations_by_id([m for fact in facts for m in fact.mentions])
    documents = {doc_id: store.get_document(doc_id) for doc_id in {a.doc_id for a in found.values()}}
    spans = {annotation_id: (documents[a.doc_id], a) for annotation_id, a in found.items()}
    related = store.attributions_by_relation() if found else {}
    rows = []
    for fact in facts:
        for mention_id in fact.mentions or [None]:
            document, span = spans.get(mention_id, (None, None)) if mention_id else (None, None)
            rows.append({
                "fact": fact.id, "subject": fact.subject,
                "subjects": "; ".join(names.get(e, e) for e in fact.subjects), "subject_ids": list(fact.subjects),
                "attribution": fact.attribution,
                "measure": fact.measure,
                "period_start": fact.period_start, "period_end": fact.period_end, "unit": fact.unit,
                "accepted_amount": fact.accepted_amount, "note": fact.note,
                "mention": mention_id, "document": document.uid if document else None,
                "source": document.source if document else None,
                "published": document.published if document else None,
                "text": document.text[span.start : span.end] if span else None,
                "amount": (span.value or {}).get("amount") if span else None,
                "annotator": span.annotator if span else None,
                "attributed_to": (_related_name(related, span) or attribution_of(sentence_around(document.text,
                                                                                                span.start))
                                  or cited_outlet(document.source)) if span else None,
            })
    return rows


def _related_name(related: dict, span) -> str | None:
    """Whom an ``attributed_to`` relation from the figure at ``span``'s place names."""
    linked = related.get((span.doc_id, span.start, span.end))
    return linked[0] if linked else None
