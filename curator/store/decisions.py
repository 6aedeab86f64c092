"""The store's duplicate decisions: which near-duplicate article or entity variant a
curator kept, by the pair's key (mixed into ``Store``)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from curator.domain.models import Decision
from curator.store.events import DecisionsChanged, EventHub
from curator.store.tables import decisions_table
from curator.store.transactions import Transactional


class DecisionStore(Transactional):
    """Part of ``Store``: one decision per key (a pair of documents or of entities)."""

    engine: Engine
    events: EventHub

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
