"""The store's facts: the facts curators recorded, whom they attributed figures to, and
the measures facts are grouped by (mixed into ``Store``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from curator.domain.models import Fact
from curator.errors import CuratorError
from curator.store.events import DecisionsChanged, EventHub
from curator.store.tables import facts_table, meta_table
from curator.store.transactions import Transactional


class FactStore(Transactional):
    """Part of ``Store``: recorded facts, attribution overrides and the project's measures."""

    engine: Engine
    events: EventHub

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


ATTRIBUTIONS_STATE = "facts.attributions"
MEASURES_STATE = "facts.measures"


def _fact(row: Any) -> Fact:
    """A stored fact; one damaged outside Curator (an accepted value that is not a
    number) is still shown, and validation before export reports it."""
    try:
        return Fact(**row)
    except ValidationError:
        return Fact.model_construct(**row)
