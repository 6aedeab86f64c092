"""Part of ``Store``: the review items analysis worked out per document, kept with the
fingerprint of what they came from (each document's spans and finished statuses), so
that they are worked out again only for documents that changed since.

The store does not read the items; it only says which documents' fingerprints moved."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from curator.domain.models import DocumentStatus
from curator.store.rows import _chunks, _insert_many, stored_json
from curator.store.tables import annotations_table, progress_table, review_items_table
from curator.store.transactions import Transactional


class ReviewItemStore(Transactional):
    """Part of ``Store``: stored review items."""

    engine: Engine

    def review_fingerprints(self, layers_left_out: Iterable[str]) -> dict[int, str]:
        """A fingerprint of each document's spans and finished statuses, outside
        ``layers_left_out``: documents with neither have none. Any added, removed or
        changed span (its ``updated`` moves, entity links included) or status moves it."""
        left_out = list(layers_left_out)
        a, p = annotations_table.c, progress_table.c
        spans = (sa.select(a.doc_id, sa.func.count(), sa.func.max(sa.type_coerce(a.updated, sa.Text)),
                           sa.func.sum(a.start), sa.func.sum(a.end))
                 .where(a.annotator.not_in(left_out)).group_by(a.doc_id))
        done = (sa.select(p.doc_id, p.annotator)
                .where(p.status == DocumentStatus.DONE.value, p.annotator.not_in(left_out)))
        with self._connect() as conn:
            found = {row[0]: "|".join(map(str, row[1:])) for row in conn.execute(spans)}
            finished: dict[int, list[str]] = defaultdict(list)
            for doc_id, annotator in conn.execute(done):
                finished[doc_id].append(annotator)
        for doc_id, names in finished.items():
            found[doc_id] = f"{found.get(doc_id, '')}|{','.join(sorted(names))}"
        return found

    def stored_review_items(self) -> dict[int, tuple[str, Any]]:
        """Each document's stored items, with the fingerprint they were worked out from."""
        r = review_items_table.c
        with self._connect() as conn:
            return {row.doc_id: (row.fingerprint, stored_json(row.items))
                    for row in conn.execute(sa.select(r.doc_id, r.fingerprint, r["items"]))}

    def store_review_items(self, items: dict[int, tuple[str, Any]], dropped: Iterable[int] = ()) -> None:
        """Replace the stored items of the documents in ``items`` and forget those of ``dropped``."""
        r = review_items_table.c
        with self._begin() as conn:
            for chunk in _chunks([*items, *dropped], 500):
                conn.execute(review_items_table.delete().where(r.doc_id.in_(chunk)))
            _insert_many(conn, review_items_table, [{"doc_id": doc_id, "fingerprint": fingerprint, "items": payload}
                                                    for doc_id, (fingerprint, payload) in items.items()])
