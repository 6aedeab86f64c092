"""The store's entity, review and suggestion tables (mixed into ``Store``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from curator.domain.models import (
    Decision,
    Entity,
    Fact,
    Review,
    Suggestion,
    SuggestionStatus,
    utc_now,
)
from curator.errors import CuratorError
from curator.store.events import (
    DecisionsChanged,
    EntitiesChanged,
    EventHub,
    ReviewsChanged,
    SuggestionsChanged,
)
from curator.store.labels import refuse_labels_gone
from curator.store.rows import _unique
from curator.store.tables import (
    annotations_table,
    decisions_table,
    entities_table,
    facts_table,
    meta_table,
    reviews_table,
    suggestions_table,
)
from curator.store.transactions import Transactional

_OVERLAPPING = (sa.select(reviews_table.c.key)
                .where(reviews_table.c.doc_id == sa.bindparam("doc"), reviews_table.c.start < sa.bindparam("stop"),
                       reviews_table.c.end > sa.bindparam("begin"))
                .order_by(reviews_table.c.key))

class EntityStore(Transactional):
    """Part of ``Store``: canonical entities, review decisions and the suggestion layer."""

    engine: Engine
    events: EventHub

    # -- entities ------------------------------------------------------------------

    def add_entity(self, entity: Entity) -> Entity:
        with self._begin() as conn:
            conn.execute(entities_table.insert().values(**entity.model_dump()))
        self._emit(EntitiesChanged((entity.id,)))
        return entity

    def get_entity(self, entity_id: str) -> Entity:
        with self._connect() as conn:
            row = conn.execute(sa.select(entities_table).where(entities_table.c.id == entity_id)).first()
        if row is None:
            raise CuratorError(f"no entity with id {entity_id}")
        return Entity(**row._mapping)

    def entities(self, type: str | None = None) -> list[Entity]:
        query = sa.select(entities_table).order_by(entities_table.c.name)
        if type is not None:
            query = query.where(entities_table.c.type == type)
        with self._connect() as conn:
            return [Entity(**row._mapping) for row in conn.execute(query)]

    def update_entity(self, entity_id: str, **fields: Any) -> Entity:
        """Rename, retype or change aliases; returns the entity as it was."""
        before = self.get_entity(entity_id)
        after = Entity.model_validate({**before.model_dump(), **fields})
        with self._begin() as conn:
            conn.execute(entities_table.update().where(entities_table.c.id == entity_id)
                         .values(**after.model_dump(exclude={"id"})))
        self._emit(EntitiesChanged((entity_id,)))
        return before

    def delete_entity(self, entity_id: str) -> Entity:
        """Delete an entity no mention links to; returns it."""
        before = self.get_entity(entity_id)
        with self._begin() as conn:
            linked = conn.execute(sa.select(sa.func.count()).select_from(annotations_table)
                                  .where(annotations_table.c.entity_id == entity_id)).scalar_one()
            if linked:
                raise CuratorError(f"entity {before.name!r} still has {linked} linked mention(s)")
            conn.execute(entities_table.delete().where(entities_table.c.id == entity_id))
        self._emit(EntitiesChanged((entity_id,)))
        return before

    # -- review decisions ----------------------------------------------------------------

    def add_review(self, review: Review) -> None:
        with self._begin() as conn, _unique("this item was settled by another reviewer a moment ago; nothing of "
                                            "this decision was saved (reopen it to decide again)"):
            conn.execute(reviews_table.insert().values(**review.model_dump()))
        self._emit(ReviewsChanged(review.doc_id))

    def delete_review(self, key: str) -> Review:
        with self._begin() as conn:
            row = conn.execute(sa.select(reviews_table).where(reviews_table.c.key == key)).first()
            if row is None:
                raise CuratorError(f"no review decision {key!r}")
            conn.execute(reviews_table.delete().where(reviews_table.c.key == key))
        review = Review(**row._mapping)
        self._emit(ReviewsChanged(review.doc_id))
        return review

    def reviews_overlapping(self, doc_id: int, start: int, end: int) -> list[str]:
        """The keys of a document's review decisions on text that overlaps ``start``..``end``."""
        with self._connect() as conn:  # (asked once per decision: the statement is built once)
            return list(conn.execute(_OVERLAPPING, {"doc": doc_id, "stop": end, "begin": start}).scalars())

    def reviews(self, doc_id: int | None = None) -> dict[str, Review]:
        query = sa.select(reviews_table)
        if doc_id is not None:
            query = query.where(reviews_table.c.doc_id == doc_id)
        with self._connect() as conn:
            return {row.key: Review(**row._mapping) for row in conn.execute(query)}

    # -- suggestions ---------------------------------------------------------------------

    def add_suggestions(self, suggestions: Sequence[Suggestion]) -> None:
        if not suggestions:
            return
        # A suggestion another process stored meanwhile (two 'suggest' runs at once) is
        # already there: it is kept, not doubled.
        if self.engine.dialect.name in ("sqlite", "postgresql"):
            from importlib import import_module

            insert = import_module(f"sqlalchemy.dialects.{self.engine.dialect.name}").insert
            statement = insert(suggestions_table).on_conflict_do_nothing()
        else:
            statement = suggestions_table.insert()
        with self._begin() as conn:
            conn.execute(statement, [s.model_dump() for s in suggestions])
            refuse_labels_gone(conn, {s.label for s in suggestions})
        for doc_id in sorted({s.doc_id for s in suggestions}):
            self._emit(SuggestionsChanged(doc_id))

    def suggestions_for(self, doc_id: int, annotator: str, status: SuggestionStatus | None = None) -> list[Suggestion]:
        query = sa.select(suggestions_table).where(
            suggestions_table.c.doc_id == doc_id, suggestions_table.c.annotator == annotator
        )
        if status is not None:
            query = query.where(suggestions_table.c.status == status.value)
        query = query.order_by(suggestions_table.c.start, suggestions_table.c.end, suggestions_table.c.label)
        with self._connect() as conn:
            return [Suggestion(**row._mapping) for row in conn.execute(query)]

    def document_suggestions(self, doc_id: int) -> list[Suggestion]:
        """Every annotator's suggestions for one document."""
        query = sa.select(suggestions_table).where(suggestions_table.c.doc_id == doc_id).order_by(
            suggestions_table.c.annotator, suggestions_table.c.start, suggestions_table.c.end, suggestions_table.c.label)
        with self._connect() as conn:
            return [Suggestion(**row._mapping) for row in conn.execute(query)]

    def set_suggestion_value(self, suggestion_id: str, value: dict[str, Any] | None) -> Suggestion:
        """Change a suggestion's normalized value; returns it as it was."""
        before = self.get_suggestion(suggestion_id)
        with self._begin() as conn:
            conn.execute(suggestions_table.update().where(suggestions_table.c.id == suggestion_id).values(value=value))
        self._emit(SuggestionsChanged(before.doc_id))
        return before

    def get_suggestion(self, suggestion_id: str) -> Suggestion:
        with self._connect() as conn:
            row = conn.execute(sa.select(suggestions_table).where(suggestions_table.c.id == suggestion_id)).first()
        if row is None:
            raise CuratorError(f"no suggestion with id {suggestion_id}")
        return Suggestion(**row._mapping)

    def set_suggestion_status(self, suggestion_id: str, status: SuggestionStatus,
                              annotation_id: str | None = None) -> Suggestion:
        """Change a suggestion's status (and accepted annotation); returns it as it was."""
        before = self.get_suggestion(suggestion_id)
        with self._begin() as conn:
            conn.execute(suggestions_table.update().where(suggestions_table.c.id == suggestion_id)
                         .values(status=status.value, annotation_id=annotation_id))
        self._emit(SuggestionsChanged(before.doc_id))
        return before

    # -- duplicate decisions and facts --------------------------------------------------

    def set_decision(self, decision: Decision | None, key: str) -> Decision | None:
        """Record (or, with None, clear) the decision for ``key``; returns the previous one."""
        before = self.decisions().get(key)
        with self._begin() as conn:
            conn.execute(decisions_table.delete().where(decisions_table.c.key == key))
            if decision is not None:
                conn.execute(decisions_table.insert().values(**decision.model_dump()))
        self._emit(DecisionsChanged(key))
        return before

    def decisions(self, kind: str | None = None) -> dict[str, Decision]:
        query = sa.select(decisions_table)
        if kind is not None:
            query = query.where(decisions_table.c.kind == kind)
        with self._connect() as conn:
            return {row.key: Decision(**row._mapping) for row in conn.execute(query)}

    def save_fact(self, fact: Fact) -> Fact | None:
        """Insert or replace a fact; returns the previous version, if any."""
        before = self.facts().get(fact.id)
        with self._begin() as conn:
            conn.execute(facts_table.delete().where(facts_table.c.id == fact.id))
            conn.execute(facts_table.insert().values(**fact.model_dump()))
        self._emit(DecisionsChanged(f"fact:{fact.id}"))
        return before

    def delete_fact(self, fact_id: str) -> Fact:
        before = self.facts().get(fact_id)
        if before is None:
            raise CuratorError(f"no fact with id {fact_id}")
        with self._begin() as conn:
            conn.execute(facts_table.delete().where(facts_table.c.id == fact_id))
        self._emit(DecisionsChanged(f"fact:{fact_id}"))
        return before

    def attributions(self) -> dict[str, str]:
        """Whom curators attributed figures to, by annotation id (overriding the text's rules)."""
        stored = self.get_state(ATTRIBUTIONS_STATE, {})  # type: ignore[attr-defined]
        return {str(k): str(v) for k, v in stored.items()} if isinstance(stored, dict) else {}

    def set_attribution(self, annotation_id: str, attribution: str | None) -> str | None:
        """Attribute a figure to ``attribution`` (None: as its sentence says); returns the one before."""
        with self.transaction():  # read and write as one
            overrides = self.attributions()
            before = overrides.pop(annotation_id, None)
            if attribution and attribution.strip():
                overrides[annotation_id] = attribution.strip()[:200]
            self.set_state(ATTRIBUTIONS_STATE, overrides)  # type: ignore[attr-defined]
        self._emit(DecisionsChanged(f"attribution:{annotation_id}"))
        return before

    def measures(self) -> dict[str, list[str]] | None:
        """The measures facts are grouped by, each with the words that name it, as the
        project keeps them; None if it keeps none (the analysis has a list to start from)."""
        stored = self.get_state(MEASURES_STATE)  # type: ignore[attr-defined]
        if not isinstance(stored, dict):
            return None
        return {str(name): [str(word) for word in words] for name, words in stored.items() if isinstance(words, list)}

    def set_measures(self, measures: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
        """Keep ``measures`` (None: forget them, back to the list to start from); returns those before."""
        with self.transaction():  # read and write as one
            before = self.measures()
            if measures is None:
                with self._begin() as conn:
                    conn.execute(meta_table.delete().where(meta_table.c.key == f"state.{MEASURES_STATE}"))
            else:
                self.set_state(MEASURES_STATE, measures)  # type: ignore[attr-defined]
        self._emit(DecisionsChanged("measures"))
        return before

    def facts(self) -> dict[str, Fact]:
        with self._connect() as conn:
            rows = conn.execute(sa.select(facts_table).order_by(facts_table.c.created)).all()
        return {row.id: _fact(row._mapping) for row in rows}

    def relink_mentions(self, from_ids: list[str], to_id: str | None) -> dict[str, str | None]:
        """Point every span and suggestion linked to ``from_ids`` at ``to_id``.

        Returns each changed annotation's previous entity id, so the change can be undone.
        """
        with self._begin() as conn:
            rows = conn.execute(sa.select(annotations_table.c.id, annotations_table.c.entity_id)
                                .where(annotations_table.c.entity_id.in_(from_ids))).all()
            conn.execute(annotations_table.update().where(annotations_table.c.entity_id.in_(from_ids))
                         .values(entity_id=to_id, updated=utc_now()))  # a changed span: stored review items see it
            conn.execute(suggestions_table.update().where(suggestions_table.c.entity_id.in_(from_ids))
                         .values(entity_id=to_id))
        self._emit(EntitiesChanged(tuple(from_ids)))
        return {row.id: row.entity_id for row in rows}

    def set_entity_links(self, links: dict[str, str | None]) -> None:
        """Set the entity link of each annotation id given (undoing ``relink_mentions``)."""
        with self._begin() as conn:
            for annotation_id, entity_id in links.items():
                conn.execute(annotations_table.update().where(annotations_table.c.id == annotation_id)
                             .values(entity_id=entity_id, updated=utc_now()))
        self._emit(EntitiesChanged(tuple(sorted({e for e in links.values() if e}))))


ATTRIBUTIONS_STATE = "facts.attributions"
MEASURES_STATE = "facts.measures"


def _fact(row: Any) -> Fact:
    """A stored fact; one damaged outside Curator (an accepted value that is not a
    number) is still shown, and validation before export reports it."""
    try:
        return Fact(**row)
    except ValidationError:
        return Fact.model_construct(**row)
