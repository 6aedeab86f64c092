"""The store's review decisions: the regions a reviewer settled into gold (mixed into ``Store``)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from curator.domain.models import Review
from curator.errors import CuratorError
from curator.store.events import EventHub, ReviewsChanged
from curator.store.rows import _unique
from curator.store.tables import reviews_table
from curator.store.transactions import Transactional

_OVERLAPPING = (sa.select(reviews_table.c.key)
                .where(reviews_table.c.doc_id == sa.bindparam("doc"), reviews_table.c.start < sa.bindparam("stop"),
                       reviews_table.c.end > sa.bindparam("begin"))
                .order_by(reviews_table.c.key))


class ReviewStore(Transactional):
    """Part of ``Store``: one decision per settled review item, by its key."""

    engine: Engine
    events: EventHub

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
