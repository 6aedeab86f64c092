"""The store's learned recommenders and their suggestions (mixed into ``Store``).

A recommender's model is one blob in the project's database, so a copy or a backup of
the project carries it, written in one transaction: a training killed half-way leaves
the model before it. A recommender's open suggestions are refreshed whole when it
suggests again; the ones the curator decided (accepted or rejected) are never touched,
so a rejected suggestion is never made again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from curator.domain.models import Suggestion, SuggestionStatus, utc_now
from curator.store.events import EventHub, RecommenderChanged, SuggestionsChanged
from curator.store.tables import recommenders_table, suggestions_table
from curator.store.transactions import Transactional


@dataclass(frozen=True)
class StoredRecommender:
    """A recommender as the project keeps it: its name, when it was trained, what it says
    about itself (``info``) and its model (``None`` when only the description was read)."""

    name: str
    created: datetime
    info: dict[str, Any]
    model: bytes | None = None


class RecommenderStore(Transactional):
    """Part of ``Store``: learned recommenders' models, and the refresh of their suggestions."""

    engine: Engine
    events: EventHub

    def save_recommender(self, name: str, model: bytes, info: dict[str, Any]) -> None:
        """Keep ``model`` as the recommender ``name``, replacing the one before, in one transaction."""
        with self._begin() as conn:
            conn.execute(recommenders_table.delete().where(recommenders_table.c.name == name))
            conn.execute(recommenders_table.insert().values(name=name, created=utc_now(), info=info, model=model))
        self._emit(RecommenderChanged(name))

    def recommender(self, name: str, with_model: bool = True) -> StoredRecommender | None:
        r = recommenders_table.c
        columns = [r.name, r.created, r.info, *([r.model] if with_model else [])]
        with self._connect() as conn:
            row = conn.execute(sa.select(*columns).where(r.name == name)).first()
        if row is None:
            return None
        return StoredRecommender(row.name, row.created, dict(row.info or {}), bytes(row.model) if with_model else None)

    def delete_recommender(self, name: str) -> bool:
        with self._begin() as conn:
            gone = conn.execute(recommenders_table.delete().where(recommenders_table.c.name == name)).rowcount
        if gone:
            self._emit(RecommenderChanged(name))
        return bool(gone)

    def refresh_suggestions(self, doc_id: int, annotator: str, source: str,
                            proposed: Sequence[Suggestion]) -> list[Suggestion]:
        """Make ``source``'s open suggestions for one document and annotator those ``proposed``,
        in one transaction: open ones no longer proposed go, those proposed again take
        their new confidence, and new ones are added unless a suggestion of that span
        and label exists in any status (a rejected one is never proposed again).
        Returns those added."""
        s = suggestions_table.c
        mine = (s.doc_id == doc_id) & (s.annotator == annotator)
        with self._begin() as conn:
            existing = {(row.start, row.end, row.label): row for row in
                        conn.execute(sa.select(s.id, s.start, s.end, s.label, s.source, s.status).where(mine))}
            wanted = {(p.start, p.end, p.label): p for p in proposed}
            stale = [row.id for key, row in existing.items() if row.source == source
                     and row.status == SuggestionStatus.OPEN.value and key not in wanted]
            if stale:
                conn.execute(suggestions_table.delete().where(s.id.in_(stale)))
            for key, suggestion in wanted.items():
                row = existing.get(key)
                if row is not None and row.source == source and row.status == SuggestionStatus.OPEN.value:
                    conn.execute(suggestions_table.update().where(s.id == row.id)
                                 .values(confidence=suggestion.confidence, entity_id=suggestion.entity_id))
            added = [p for key, p in wanted.items() if key not in existing]
            if added:
                conn.execute(suggestions_table.insert(), [p.model_dump() for p in added])
        self._emit(SuggestionsChanged(doc_id))
        return added
