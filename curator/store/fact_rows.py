"""The store's facts: the facts curators recorded, whom they attributed figures to, and
the measures facts are grouped by (mixed into ``Store``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from curator.domain.models import Fact
from curator.errors import CuratorError
from curator.store.events import (
    AttributionsChanged,
    DecisionsChanged,
    EventHub,
    MeasuresChanged,
)
from curator.store.tables import attributions_table, facts_table, measures_table
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
        with self._connect() as conn:
            return dict(conn.execute(sa.select(attributions_table.c.annotation_id, attributions_table.c.attribution)
                                     .order_by(attributions_table.c.annotation_id)).all())

    def set_attribution(self, annotation_id: str, attribution: str | None) -> str | None:
        """Attribute a figure to ``attribution`` (None: as its sentence says); returns the one before."""
        c = attributions_table.c
        with self.transaction() as conn:  # read and write as one
            before = conn.execute(sa.select(c.attribution).where(c.annotation_id == annotation_id)).scalar()
            conn.execute(attributions_table.delete().where(c.annotation_id == annotation_id))
            if attribution and attribution.strip():
                conn.execute(attributions_table.insert().values(annotation_id=annotation_id,
                                                                attribution=attribution.strip()[:200]))
        self._emit(AttributionsChanged((annotation_id,)))
        return before

    def measures(self) -> dict[str, list[str]] | None:
        """The measures facts are grouped by, each with the words that name it, as the
        project keeps them; None if it keeps none (the analysis has a list to start from)."""
        c = measures_table.c
        with self._connect() as conn:
            rows = conn.execute(sa.select(c.name, c.words).order_by(c.position)).all()
        if not rows:
            return None
        return {name: [str(word) for word in words] for name, words in rows if name != EMPTY_LIST}

    def set_measures(self, measures: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
        """Keep ``measures`` (None: forget them, back to the list to start from); returns those before."""
        if measures is not None:
            too_long = [name for name in measures if len(name) > 200 or name == EMPTY_LIST]
            if too_long:
                raise CuratorError(f"a measure's name is 1 to 200 characters: {too_long[0][:60]!r} is not")
        with self.transaction() as conn:  # read and write as one
            before = self.measures()
            conn.execute(measures_table.delete())
            if measures is not None:
                rows = [{"name": name, "position": position, "words": list(words)}
                        for position, (name, words) in enumerate(measures.items())]
                conn.execute(measures_table.insert(), rows or [{"name": EMPTY_LIST, "position": 0, "words": []}])
        self._emit(MeasuresChanged())
        return before

    def facts(self) -> dict[str, Fact]:
        with self._connect() as conn:
            rows = conn.execute(sa.select(facts_table).order_by(facts_table.c.created)).all()
        return {row.id: _fact(row._mapping) for row in rows}


EMPTY_LIST = ""  # the name of the one row of a project's own list of measures left empty (migration 0010)


def _fact(row: Any) -> Fact:
    """A stored fact; one damaged outside Curator (an accepted value that is not a
    number) is still shown, and validation before export reports it."""
    try:
        return Fact(**row)
    except ValidationError:
        return Fact.model_construct(**row)
