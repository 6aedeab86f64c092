"""What deciding suggestions means, as commands: accepting or rejecting every suggestion
shown at once (of one label, if given), and accepting a learned suggestion as a new
entity. Which suggestions there are, and which are shown, is the analysis's
(``curator.analysis.suggest``, ``curator.analysis.learning``); each decision here is one
command, undone as one step."""

from __future__ import annotations

from collections.abc import Collection

from curator.analysis.learning.learned_suggestions import new_entity_for
from curator.analysis.suggest import visible
from curator.domain.models import Suggestion, SuggestionStatus
from curator.errors import CuratorError
from curator.session.commands import (
    AcceptSuggestion,
    Batch,
    CreateEntity,
    SetSuggestionStatus,
)
from curator.store import Store


def bulk_accept(store: Store, doc_id: int, annotator: str, label: str | None = None,
                only: Collection[str] | None = None) -> Batch | None:
    """One command accepting every visible suggestion (of one label, if given; of the ids
    ``only``, if given: those a window shows), or None.

    Suggestions that overlap one accepted earlier in the same batch are left open.
    """
    chosen: list[Suggestion] = []
    for suggestion in visible(store.suggestions_for(doc_id, annotator), store.annotations_for(doc_id, annotator),
                              label):
        if only is not None and suggestion.id not in only:
            continue
        if all(not suggestion.overlaps(c.start, c.end) for c in chosen):
            chosen.append(suggestion)
    if not chosen:
        return None
    what = f"{label} suggestions" if label else "suggestions"
    return Batch([AcceptSuggestion(s.id, doc_id) for s in chosen], f"Accept {len(chosen)} {what}", doc_id)


def bulk_reject(store: Store, doc_id: int, annotator: str, label: str | None = None,
                only: Collection[str] | None = None) -> Batch | None:
    """One command rejecting every visible suggestion (of one label, if given; of the ids
    ``only``, if given), or None."""
    chosen = [s for s in visible(store.suggestions_for(doc_id, annotator), store.annotations_for(doc_id, annotator),
                                 label) if only is None or s.id in only]
    if not chosen:
        return None
    return Batch([SetSuggestionStatus(s.id, doc_id, SuggestionStatus.REJECTED) for s in chosen],
                 f"Reject {len(chosen)} suggestions", doc_id)


def accept_as_new_entity(store: Store, suggestion_id: str) -> Batch:
    """One command: create the entity the suggestion offers and accept it linked to it."""
    suggestion = store.get_suggestion(suggestion_id)
    entity = new_entity_for(store, suggestion)
    if entity is None:
        raise CuratorError("this suggestion is linked to a known entity already, or its label is not an entity's")
    return Batch([CreateEntity(entity, suggestion.doc_id),
                  AcceptSuggestion(suggestion.id, suggestion.doc_id, entity_id=entity.id)],
                 f"Accept {entity.name} as a new entity", suggestion.doc_id)
