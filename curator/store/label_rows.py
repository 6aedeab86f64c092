"""Part of ``Store``: the project's label schema, and moving every span of a label at
once (a rename, a merge, a label deleted with its spans).

A write of spans checks the schema inside its own transaction (``refuse_labels_gone``,
after its rows are written), and a schema change locks the schema first
(``lock_schema``): a label removed while an import or an accepting suggester runs can
never be left with spans. On SQLite the write lock orders the two; on PostgreSQL the
project's settings row is locked (shared by writers, exclusively by a schema change)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from curator.domain.models import utc_now
from curator.domain.schema import LabelSchema
from curator.errors import CuratorError
from curator.store.events import SchemaChanged, SuggestionsChanged
from curator.store.rows import (
    _SPAN_COLUMNS,
    Columns,
    _chunks,
    documents_present,
    fitting_columns,
    going_with_label,
    insert_columns,
    kept_columns,
    read_columns,
)
from curator.store.tables import (
    annotations_table,
    entities_table,
    meta_table,
    relations_table,
    reviews_table,
    suggestions_table,
)
from curator.store.transactions import Transactional


def schema_labels(conn: sa.Connection, lock: str | None = None) -> set[str]:
    """The names of the project's labels as ``conn``'s transaction sees them. ``lock``:
    "share" (a write of spans) or "update" (a schema change) locks the row they are kept
    in until the transaction ends (PostgreSQL; SQLite's transactions are serial)."""
    query = sa.select(meta_table.c.value).where(meta_table.c.key == "project")
    if lock is not None:
        query = query.with_for_update(read=lock == "share")
    raw = conn.execute(query).scalar()
    if raw is None:
        return {label.name for label in LabelSchema().labels}
    return {label["name"] for label in json.loads(raw).get("label_schema", {}).get("labels", [])
            if isinstance(label, dict) and isinstance(label.get("name"), str)}


def refuse_labels_gone(conn: sa.Connection, labels: set[str]) -> None:
    """In a write's own transaction, after its spans (or suggestions) are written: a
    CuratorError, rolling the write back, if any of their ``labels`` is not in the
    project's schema now (removed while the write was prepared)."""
    gone = sorted(labels - schema_labels(conn, "share")) if labels else []
    if gone:
        raise CuratorError(f"the label(s) {', '.join(gone)} are not in the project's labels (removed while this "
                           "was prepared, or never added); nothing of this write was saved")


ROOMY_CACHE_KIB = 64 * 1024  # see ``LabelStore.roomy_cache``
_IDS = 5000  # ids a statement: well under SQLite's and PostgreSQL's limits on parameters
_SUGGESTION_COLUMNS = (*(column for column in suggestions_table.c if column.name != "value"),
                       sa.type_coerce(suggestions_table.c.value, sa.Text).label("value"))


class LabelMoved(NamedTuple):
    """What ``move_label`` did, to be undone: the ids of the spans and suggestions it
    relabelled, those it deleted as ``Columns``, and the ids of the entities it retyped."""

    moved: list[str]
    deleted: Columns
    entities: list[str]
    suggestions_moved: list[str]
    suggestions_deleted: Columns


def _take_out(conn: sa.Connection, table: sa.Table, columns: Sequence[sa.ColumnElement], source: str,
              target: str | None) -> tuple[list[str], Columns]:
    """Move the rows (spans or suggestions) of label ``source`` to ``target``, or delete
    them (``target`` None), deleting instead those that meet a ``target`` row of their
    annotator at their bounds: the ids of those moved, and the rows deleted."""
    c = table.c
    going = going_with_label(table, source, target)
    deleted = read_columns(conn.execute(sa.select(*columns).where(going)),  # (in no order: no sort)
                           times=("created", "updated"), documents=("value",))
    if target is None:  # all of the label's: no writer adds one meanwhile (they wait for the schema's lock)
        conn.execute(table.delete().where(going))
        return [], deleted
    for chunk in _chunks(deleted["id"], _IDS):  # the twins read, whatever becomes of theirs meanwhile
        conn.execute(table.delete().where(c.id.in_(chunk)))
    moved = list(conn.execute(sa.select(c.id).where(c.label == source)).scalars())
    values = {"label": target, **({"updated": utc_now()} if "updated" in c else {})}
    conn.execute(table.update().where(c.label == source).values(**values))
    return moved, deleted


def _counts(conn: sa.Connection, label: sa.ColumnElement, names: list[str]) -> dict[str, int]:
    """How many rows hold each of these ``names`` in the ``label`` column (those that hold none are left out)."""
    return dict(conn.execute(sa.select(label, sa.func.count()).where(label.in_(names)).group_by(label)).all())


class LabelStore(Transactional):
    """Part of ``Store``: labels."""

    engine: Engine

    @contextlib.contextmanager
    def roomy_cache(self) -> Iterator[None]:
        """Within the block (inside a transaction: its connection), SQLite keeps up to
        ``ROOMY_CACHE_KIB`` of the database's pages in memory, then as few as before. A
        label's 100,000 spans and suggestions deleted or put back touch every page of
        their tables' indexes, in no order: with the default 2 MiB each page was read
        again and again, and the step took a third longer."""
        with self._begin() as conn:
            if conn.dialect.name != "sqlite":
                yield
                return
            before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
            conn.exec_driver_sql(f"PRAGMA cache_size=-{ROOMY_CACHE_KIB}")
            try:
                yield
            finally:
                conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")

    def save_schema(self, schema: LabelSchema, relabelled: Sequence[str] = ()) -> None:
        """Make ``schema`` the project's labels and category sets. Refused if it drops a
        label that spans still have (an undo of an older edit, say, after spans were
        tagged with a label it added): their spans would have no label to be exported as."""
        with self.transaction() as conn:  # the check and the save in one transaction
            schema_labels(conn, "update")  # no span of a label it drops is written meanwhile
            project = self.project  # type: ignore[attr-defined]
            dropped = sorted(set(project.label_schema.names) - set(schema.names))
            if dropped:
                held = _counts(conn, annotations_table.c.label, dropped)
                if held:
                    raise CuratorError("spans still have the label(s) " + ", ".join(
                        f"{name} ({count:,} span{'s' if count != 1 else ''})" for name, count in sorted(held.items()))
                        + ": move or delete them first")
            gone = sorted({r.name for r in project.label_schema.relations} - {r.name for r in schema.relations})
            if gone:
                held = _counts(conn, relations_table.c.label, gone)
                if held:
                    raise CuratorError("relations still have the relation label(s) " + ", ".join(
                        f"{name} ({count:,})" for name, count in sorted(held.items())) + ": delete them first")
            self.save_project(project.model_copy(update={"label_schema": schema}))  # type: ignore[attr-defined]
        self._emit(SchemaChanged(tuple(relabelled)))

    def label_counts(self) -> dict[str, int]:
        """How many spans (every layer) each label has."""
        a = annotations_table.c
        with self._connect() as conn:
            return dict(conn.execute(sa.select(a.label, sa.func.count()).group_by(a.label)).all())

    def move_label(self, source: str, target: str | None) -> LabelMoved:
        """Give every span of ``source`` the label ``target`` (None: delete them), with its
        suggestions; a span (or suggestion) whose annotator already has a ``target`` one
        at the same bounds is deleted instead (the two became one). Entities of type
        ``source`` take type ``target``. Returns what ``restore_label`` needs to undo it:
        the ids of what was relabelled, and the rows of what was deleted as ``Columns``
        (a label of a hundred thousand spans is a few set-wise statements, no model a row)."""
        if source == target:  # every span would meet itself at its bounds, and be deleted
            raise CuratorError(f"cannot move the spans of label {source!r} onto itself")
        with self._begin() as conn:
            schema_labels(conn, "update")  # before the spans are read: none written meanwhile
            spans = _take_out(conn, annotations_table, _SPAN_COLUMNS, source, target)
            suggestions = _take_out(conn, suggestions_table, _SUGGESTION_COLUMNS, source, target)
            entities: list[str] = []
            if target is not None:
                e = entities_table.c
                entities = list(conn.execute(sa.select(e.id).where(e.type == source)).scalars())
                conn.execute(entities_table.update().where(e.type == source).values(type=target))
        return LabelMoved(spans[0], spans[1], entities, suggestions[0], suggestions[1])

    def restore_label(self, source: str, moved: Sequence[str], deleted: Columns, entities: Sequence[str]) -> None:
        """Undo ``move_label`` for the spans: the moved spans and retyped entities get
        ``source`` back and the deleted spans (``Columns``) come back, but for those on a
        document deleted since (the label's suggestions: ``restore_label_suggestions``)."""
        a, e = annotations_table.c, entities_table.c
        fitting_columns(annotations_table, deleted, "spans")
        with self._begin() as conn:
            documents = documents_present(conn, deleted.get("doc_id", ()))
            for chunk in _chunks(list(moved), _IDS):
                conn.execute(annotations_table.update().where(a.id.in_(chunk)).values(label=source,
                                                                                    updated=utc_now()))
            for chunk in _chunks(list(entities), _IDS):
                conn.execute(entities_table.update().where(e.id.in_(chunk)).values(type=source))
        rows = kept_columns(deleted, [doc_id in documents for doc_id in deleted.get("doc_id", ())])
        # Their label comes back with the schema saved in the same transaction (``RestoreLabel``).
        self.add_annotation_columns(rows)  # type: ignore[attr-defined]

    def restore_label_suggestions(self, source: str, moved: Sequence[str], deleted: Columns) -> None:
        """Undo ``move_label`` for the suggestions: those it relabelled get ``source`` back
        (their status as it is now), those it deleted come back as they were, their status
        kept (a rejected one is not proposed again); one whose place was taken since stays
        out, and one whose document was deleted since (it would have gone with it)."""
        s = suggestions_table.c
        fitting_columns(suggestions_table, deleted, "suggestions")
        with self._begin() as conn:
            for chunk in _chunks(list(moved), _IDS):
                conn.execute(suggestions_table.update().where(s.id.in_(chunk)).values(label=source))
            documents = documents_present(conn, deleted.get("doc_id", ()))
            rows = kept_columns(deleted, [doc_id in documents for doc_id in deleted.get("doc_id", ())])
            insert_columns(conn, suggestions_table, rows, skip_taken=True)
        for doc_id in sorted(set(rows.get("doc_id", ()))):
            self._emit(SuggestionsChanged(doc_id))

    def rekey_reviews(self, keys: dict[str, str]) -> None:
        """Give review decisions new keys (their items' versions were relabelled)."""
        r = reviews_table.c
        with self._begin() as conn:
            for old, new in keys.items():
                conn.execute(reviews_table.update().where(r.key == old).values(key=new))
