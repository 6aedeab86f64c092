"""The store's canonical entities, and the mentions linked to them (mixed into ``Store``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from curator.domain.models import Entity, utc_now
from curator.errors import CuratorError
from curator.store.events import EntitiesChanged, EventHub
from curator.store.tables import annotations_table, entities_table, suggestions_table
from curator.store.transactions import Transactional


class EntityStore(Transactional):
    """Part of ``Store``: canonical entities (people, organisations, places...) and the
    links from mentions (spans and suggestions) to them."""

    engine: Engine
    events: EventHub

    def add_entity(self, entity: Entity) -> Entity:
        with self._begin() as conn:
            conn.execute(entities_table.insert().values(**entity.model_dump()))
        self._emit(EntitiesChanged((entity.id,)))
        return entity

    def get_entity(self, entity_id: str) -> Entity:
        row = self._row(sa.select(entities_table).where(entities_table.c.id == entity_id),
                        f"no entity with id {entity_id}")
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
