"""Relation suggestions: links the text makes plain between spans an annotator already
marked, proposed to them to accept or reject like span suggestions.

- ``attributed_to``, from each figure of a sentence to the person or organisation the
  sentence quotes: "according to X", "citing X", "data from X", "X said" (says, told,
  reported, stated, announced, noted), "said X";
- ``deal_between``, between the two parties of "between A and B".

A pattern proposes only relation labels the project has, between spans its label
allows, and never a link the annotator drew already or was proposed before (a rejected
proposal is not made again). Accepting and rejecting them are commands
(``curator.session.relation_decisions``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from curator.domain.attribution import ATTRIBUTED_TO
from curator.domain.jobs import Job
from curator.domain.models import Annotation, RelationSuggestion, SuggestionStatus
from curator.domain.relation_rules import ends_allowed
from curator.domain.schema import LabelSchema
from curator.domain.text import sentence_bounds
from curator.store import Store

SOURCE = "relations"  # what proposed them, as a suggestion's source
BETWEEN = "deal_between"

_QUOTED_BEFORE = re.compile(r"\b(?:according\s+to|citing|cited\s+by|(?:data|figures|statistics)\s+(?:from|of)|said|says)"
                            r"\s+(?:the\s+)?$", re.IGNORECASE)
_QUOTED_AFTER = re.compile(r"^,?\s+(?:said|says|told|reported|reports|stated|announced|noted|estimated)\b")
_BETWEEN_BEFORE = re.compile(r"\bbetween\s+(?:the\s+)?$", re.IGNORECASE)
_AND = re.compile(r"^\s+and\s+(?:the\s+)?$")


def propose_relations(text: str, spans: list[Annotation], schema: LabelSchema) -> list[tuple[Annotation, Annotation, str]]:
    """The (source span, target span, relation label) links the text makes plain among
    ``spans`` (one annotator's spans of one document), in text order."""
    found: list[tuple[Annotation, Annotation, str]] = []
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    if schema.relation(ATTRIBUTED_TO) is not None:
        by_sentence: dict[tuple[int, int], list[Annotation]] = {}
        for span in ordered:
            by_sentence.setdefault(sentence_bounds(text, span.start), []).append(span)
        kind = schema.relation(ATTRIBUTED_TO)
        for (lo, _hi), members in by_sentence.items():
            quoted = next((s for s in members if kind.allows("target", schema.get(s.label))
                           and (_QUOTED_BEFORE.search(text[lo:s.start]) or _QUOTED_AFTER.match(text[s.end:s.end + 40]))),
                          None)
            if quoted is None:
                continue
            found += [(figure, quoted, ATTRIBUTED_TO) for figure in members
                      if figure is not quoted and ends_allowed(schema, ATTRIBUTED_TO, figure, quoted)]
    if schema.relation(BETWEEN) is not None:
        for first, second in zip(ordered, ordered[1:]):
            if (_BETWEEN_BEFORE.search(text[max(0, first.start - 40):first.start])
                    and _AND.match(text[first.end:second.start]) and ends_allowed(schema, BETWEEN, first, second)):
                found.append((first, second, BETWEEN))
    return found


def suggest_relations(store: Store, doc_id: int, annotator: str) -> int:
    """Propose to ``annotator`` the links their spans of a document make plain; returns how
    many proposals are new."""
    document = store.get_document(doc_id)
    spans = store.annotations_for(doc_id, annotator)
    schema = store.label_schema
    drawn = {(r.source_id, r.target_id, r.label) for r in store.relations_for(doc_id, annotator)}
    drawn |= {(target, source, label) for source, target, label in drawn}  # either way round: drawn
    proposals = [RelationSuggestion(doc_id=doc_id, source_id=source.id, target_id=target.id, label=label,
                                    annotator=annotator, source=SOURCE)
                 for source, target, label in propose_relations(document.text, spans, schema)
                 if (source.id, target.id, label) not in drawn]
    return store.add_relation_suggestions(proposals) if proposals else 0


def suggest_relations_everywhere(store: Store, annotator: str, job: Job | None = None,
                                 ids: Iterable[int] | None = None) -> int:
    """``suggest_relations`` for every document the annotator has spans in (or ``ids``)."""
    job = job or Job()
    wanted = sorted({doc_id for doc_id, who in store.annotated([annotator])} if ids is None else set(ids))
    added = 0
    for index, doc_id in enumerate(wanted):
        if index % 100 == 0:
            job.check()
            job.set_progress(index, len(wanted))
        added += suggest_relations(store, doc_id, annotator)
    job.set_progress(len(wanted), len(wanted))
    return added


def open_relation_suggestions(store: Store, doc_id: int, annotator: str) -> list[RelationSuggestion]:
    return store.relation_suggestions_for(doc_id, annotator, SuggestionStatus.OPEN)
