"""The learned recommender's suggestions, joined to the suggestion layer.

Each span the recommender finds at or above its label's threshold becomes a suggestion
of source ``learned`` with its confidence, unless it overlaps the annotator's own
spans, or a suggestion of the rules or of another source that is still open or was
accepted (those come first: they carry values and links). A mention whose text is a
known entity's name or alias (of the label's type) comes linked to it; an unknown one
can be accepted as a new entity (``curator.session.suggestion_decisions.accept_as_new_entity``). Suggesting again refreshes
the recommender's open suggestions; decided ones stay, and a rejected one is never
proposed again (``Store.refresh_suggestions``).

A document that cannot be read or suggested for is reported and the others go on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from curator.analysis.learning.learning_settings import LearningSettings
from curator.analysis.learning.recommender import PredictedSpan, Recommender
from curator.analysis.learning.training import (
    RECOMMENDER,
    load_recommender,
    settings_of,
)
from curator.analysis.learning.training_data import learnable_labels
from curator.domain.header import find_header
from curator.domain.jobs import Cancelled, Job
from curator.domain.models import Entity, Suggestion, SuggestionStatus
from curator.domain.schema import LabelKind, LabelSchema
from curator.domain.text import fold
from curator.errors import CuratorError
from curator.store import Store


class EntityIndex:
    """Known entities by type and name or alias, as written and folded (case and
    compatibility forms): how a recognised mention finds the entity it names."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self._exact: dict[tuple[str, str], str] = {}
        self._folded: dict[tuple[str, str], str] = {}
        for entity in entities:
            for name in entity.names:
                self._exact.setdefault((entity.type, name.strip()), entity.id)
                self._folded.setdefault((entity.type, fold(name.strip())), entity.id)

    def find(self, label: str, mention: str) -> str | None:
        mention = mention.strip()
        return self._exact.get((label, mention)) or self._folded.get((label, fold(mention)))


@dataclass
class SuggestReport:
    """What a run of suggestions did: documents looked at, suggestions added per label,
    and the documents that failed (uid, reason)."""

    documents: int = 0
    added: Counter[str] = field(default_factory=Counter)
    failed: list[tuple[str, str]] = field(default_factory=list)


def _clear(span: PredictedSpan, taken: Sequence[tuple[int, int]]) -> bool:
    return all(span.end <= start or span.start >= end for start, end in taken)


def learned_suggestions(recommender: Recommender, text: str, doc_id: int, annotator: str, schema: LabelSchema,
                        settings: LearningSettings, entities: EntityIndex,
                        taken: Sequence[tuple[int, int]] = (), unsure: dict[int, float] | None = None
                        ) -> list[Suggestion]:
    """The suggestions the recommender makes for one text (not yet filtered against the
    suggestions stored): spans of learnable labels, at or above their thresholds, clear
    of ``taken`` (the annotator's spans, other sources' suggestions), outside the header.
    ``unsure``, if given, gets how unsure the recommender is of the text."""
    header = find_header(text)
    body = header.end if header is not None else 0
    labels = set(learnable_labels(schema, settings))
    kinds = {label.name: label.kind for label in schema.labels}
    found = []
    prediction = recommender.predict(text, body)
    if unsure is not None:
        unsure[doc_id] = prediction.uncertainty
    for span in prediction.spans:
        if span.label not in labels or span.confidence < settings.threshold_for(span.label) or not _clear(span, taken):
            continue
        entity_id = entities.find(span.label, text[span.start:span.end]) if kinds[span.label] is LabelKind.ENTITY \
            else None
        found.append(Suggestion(doc_id=doc_id, start=span.start, end=span.end, label=span.label, annotator=annotator,
                                source=RECOMMENDER, confidence=round(min(1.0, max(0.0, span.confidence)), 4),
                                entity_id=entity_id))
    return found


def suggest_learned(store: Store, annotator: str, ids: Sequence[int] | None = None, job: Job | None = None,
                    recommender: Recommender | None = None, unsure: dict[int, float] | None = None
                    ) -> SuggestReport:
    """Suggest with the project's trained recommender for ``ids`` (every document if None),
    refreshing its open suggestions there; ``unsure``, if given, gets how unsure it is of
    each document. CuratorError if learning is off or nothing is trained yet."""
    job = job or Job()
    settings = settings_of(store)
    if not settings.enabled:
        raise CuratorError("learning is turned off for this project ('curator learn PROJECT --on' turns it on)")
    recommender = recommender or load_recommender(store)
    if recommender is None:
        raise CuratorError("no trained recommender yet: train one with 'curator learn PROJECT'")
    schema = store.label_schema
    entities = EntityIndex(store.entities())
    ids = list(store.document_ids()) if ids is None else list(ids)
    report = SuggestReport()
    for index, doc_id in enumerate(ids):
        if index % 10 == 0:
            job.check()
            job.set_progress(index, len(ids))
        try:
            report.added.update(s.label for s in suggest_one(store, doc_id, annotator, recommender, schema,
                                                             settings, entities, unsure))
        except Cancelled:
            raise
        except Exception as exc:  # noqa: BLE001 - a document that fails is reported; the others go on
            report.failed.append((_uid(store, doc_id), f"{type(exc).__name__}: {exc}"))
        report.documents += 1
    job.set_progress(len(ids), len(ids))
    return report


def suggest_one(store: Store, doc_id: int, annotator: str, recommender: Recommender, schema: LabelSchema,
                settings: LearningSettings, entities: EntityIndex, unsure: dict[int, float] | None = None
                ) -> list[Suggestion]:
    """Refresh the recommender's suggestions in one document; returns those added."""
    document = store.get_document(doc_id)
    taken = [(a.start, a.end) for a in store.annotations_for(doc_id, annotator)]
    taken += [(s.start, s.end) for s in store.suggestions_for(doc_id, annotator)
              if s.source != RECOMMENDER and s.status is not SuggestionStatus.REJECTED]
    proposed = learned_suggestions(recommender, document.text, doc_id, annotator, schema, settings, entities, taken,
                                   unsure)
    return store.refresh_suggestions(doc_id, annotator, RECOMMENDER, proposed)


def _uid(store: Store, doc_id: int) -> str:
    try:
        return store.uids().get(doc_id, str(doc_id))
    except Exception:  # noqa: BLE001 - the store itself failing: the id is all there is to say
        return str(doc_id)


# -- reading and deciding them -------------------------------------------------------------------


def by_confidence(suggestions: Iterable[Suggestion], minimum: float | None = None,
                  label: str | None = None) -> list[Suggestion]:
    """Suggestions (of ``label``, if given) whose confidence is at least ``minimum``, the
    surest first. The rules' suggestions have no confidence: they count as sure (1.0)."""
    def sure(s: Suggestion) -> float:
        return 1.0 if s.confidence is None else s.confidence

    return sorted((s for s in suggestions if (label is None or s.label == label)
                   and (minimum is None or sure(s) >= minimum)), key=lambda s: (-sure(s), s.start, s.end))


def new_entity_for(store: Store, suggestion: Suggestion) -> Entity | None:
    """The entity an unlinked suggestion of an entity label offers to create: named as its
    mention, of its label's type. None if it is linked, or its label is not an entity's."""
    schema = store.label_schema
    if suggestion.entity_id is not None or suggestion.label not in schema:
        return None
    if schema.get(suggestion.label).kind is not LabelKind.ENTITY:
        return None
    text = store.get_document(suggestion.doc_id).text
    return Entity(name=" ".join(text[suggestion.start:suggestion.end].split())[:300], type=suggestion.label)
