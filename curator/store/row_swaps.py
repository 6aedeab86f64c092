"""Rows of a document's per-annotator state (a status, a set's category choices) set as an
import brings them, and put back as they were when it is undone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from curator.domain.models import utc, utc_now
from curator.store.rows import _chunks, _parse_time
from curator.store.tables import documents_table


def swap_rows(conn: sa.Connection, table: sa.Table, keys: Sequence[str], value: str, rows: Sequence[tuple],
              none: Any, kept_after: datetime | None = None,
              read: Callable[[Any], Any] = lambda stored: stored) -> list[tuple]:
    """Make each of ``rows``, ``(*key, value, updated)``, so in ``table`` (a value equal to
    ``none``: no row; ``updated`` None: now). Left as they are: a row there written after
    ``kept_after`` (later work), a row of a document no longer in the project, and a row
    that would not change. Returns each changed row as it was before, in the same form,
    the last first: given back, they put every row back even where one was set twice."""
    c = table.c
    present: set[int] = set()
    for chunk in _chunks(sorted({row[0] for row in rows}), 500):
        present.update(conn.execute(sa.select(documents_table.c.id).where(documents_table.c.id.in_(chunk))).scalars())
    before: list[tuple] = []
    for *key, new, updated in rows:
        if key[0] not in present:
            continue
        where = sa.and_(*(c[name] == part for name, part in zip(keys, key)))
        found = conn.execute(sa.select(c[value], c.updated).where(where)).first()
        was = (read(found[0]), _parse_time(found[1])) if found else (none, None)
        if kept_after is not None and was[1] is not None and was[1] > kept_after:
            continue
        if was[0] == new and (updated is None or was[1] == utc(updated)):
            continue
        before.append((*key, *was))
        conn.execute(table.delete().where(where))
        if new != none:
            conn.execute(table.insert().values(**dict(zip(keys, key)), **{value: new},
                                               updated=utc(updated) if updated else utc_now()))
    return before[::-1]
