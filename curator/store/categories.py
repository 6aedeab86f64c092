"""Part of ``Store``: document categories, each annotator's choices per category set."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from curator.domain.models import utc, utc_now
from curator.store.events import CategoriesChanged
from curator.store.row_swaps import swap_rows
from curator.store.rows import _chunks, _parse_time, stored_json
from curator.store.tables import categories_table
from curator.store.transactions import Transactional

CategoryRow = tuple[int, str, str, list[str], datetime | None]  # a document, an annotator, a set, the choices, when


class CategoryStore(Transactional):
    """Part of ``Store``: categories."""

    engine: Engine

    def categories_for(self, doc_id: int, annotator: str | None = None) -> dict[str, dict[str, list[str]]]:
        """A document's categories: annotator → set → the choices made (only sets with some)."""
        c = categories_table.c
        query = sa.select(c.annotator, c.set_name, c.choices).where(c.doc_id == doc_id)
        if annotator is not None:
            query = query.where(c.annotator == annotator)
        found: dict[str, dict[str, list[str]]] = {}
        with self._connect() as conn:
            for row in conn.execute(query.order_by(c.annotator, c.set_name)):
                found.setdefault(row.annotator, {})[row.set_name] = list(stored_json(row.choices))
        return found

    def set_categories(self, doc_id: int, annotator: str, set_name: str, choices: Sequence[str],
                       updated: datetime | None = None) -> list[str]:
        """Make ``choices`` the annotator's choices in ``set_name`` (none: clear it), made at
        ``updated`` if not now (choices brought from another copy keep their time); returns
        the choices before."""
        c = categories_table.c
        where = (c.doc_id == doc_id) & (c.annotator == annotator) & (c.set_name == set_name)
        with self._begin() as conn:
            before = conn.execute(sa.select(c.choices).where(where)).scalar()
            conn.execute(categories_table.delete().where(where))
            if choices:
                conn.execute(categories_table.insert().values(doc_id=doc_id, annotator=annotator, set_name=set_name,
                                                              choices=list(choices),
                                                              updated=utc(updated) if updated else utc_now()))
        self._emit(CategoriesChanged(doc_id, annotator))
        return list(stored_json(before)) if before is not None else []

    def set_category_rows(self, rows: Sequence[CategoryRow], kept_after: datetime | None = None) -> list[CategoryRow]:
        """Make each ``(doc_id, annotator, set_name, choices, updated)`` so in one transaction
        (no choices: none made); returns what each changed was before, given back it puts
        them back (``row_swaps.swap_rows``, which says what is left as it is)."""
        with self._begin() as conn:
            before = swap_rows(conn, categories_table, ("doc_id", "annotator", "set_name"), "choices",
                               [(*key, list(choices), updated) for *key, choices, updated in rows], [], kept_after,
                               read=lambda stored: list(stored_json(stored)))
        for doc_id, annotator in dict.fromkeys((row[0], row[1]) for row in before):
            self._emit(CategoriesChanged(doc_id, annotator))
        return before

    def categories_with_times(self, annotator: str) -> dict[int, dict[str, tuple[list[str], datetime]]]:
        """An annotator's choices: document id → set → (choices, when they were made)."""
        c = categories_table.c
        query = sa.select(c.doc_id, c.set_name, c.choices, c.updated).where(c.annotator == annotator)
        found: dict[int, dict[str, tuple[list[str], datetime]]] = {}
        with self._connect() as conn:
            for row in conn.execute(query.order_by(c.doc_id, c.set_name)):
                found.setdefault(row.doc_id, {})[row.set_name] = (list(stored_json(row.choices)),
                                                                  _parse_time(row.updated))
        return found

    def category_rows(self, annotators: Iterable[str] | None = None, doc_ids: Iterable[int] | None = None
                      ) -> list[tuple[int, str, str, list[str]]]:
        """Every (document id, annotator, set, choices), for agreement and exports."""
        c = categories_table.c
        query = sa.select(c.doc_id, c.annotator, c.set_name, c.choices)
        if annotators is not None:
            query = query.where(c.annotator.in_(list(annotators)))
        rows: list[tuple[int, str, str, list[str]]] = []
        with self._connect() as conn:
            if doc_ids is None:
                chunks: Iterable = [None]
            else:
                chunks = _chunks(sorted(set(doc_ids)), 500)
            for chunk in chunks:
                scoped = query if chunk is None else query.where(c.doc_id.in_(chunk))
                rows.extend((r.doc_id, r.annotator, r.set_name, list(stored_json(r.choices)))
                            for r in conn.execute(scoped.order_by(c.doc_id, c.annotator, c.set_name)))
        return rows
