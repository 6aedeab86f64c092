"""Part of ``Store``: the project's label schema, and moving every span of a label at
once (a rename, a merge, a label deleted with its spans).

A write of spans checks the schema inside its own transaction (``refuse_labels_gone``,
after its rows are written), and a schema change locks the schema first
(``lock_schema``): a label removed while an import or an accepting suggester runs can
never be left with spans. On SQLite the write lock orders the two; on PostgreSQL the
project's settings row is locked (shared by writers, exclusively by a schema change)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from curator.domain.models import Annotation, utc_now
from curator.domain.schema import LabelSchema
from curator.errors import CuratorError
from curator.store.events import SchemaChanged
from curator.store.rows import _SPAN_COLUMNS, _chunks
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


def _counts(conn: sa.Connection, label: sa.ColumnElement, names: list[str]) -> dict[str, int]:
    """How many rows hold each of these ``names`` in the ``label`` column (those that hold none are left out)."""
    return dict(conn.execute(sa.select(label, sa.func.count()).where(label.in_(names)).group_by(label)).all())


class LabelStore(Transactional):
    """Part of ``Store``: labels."""

    engine: Engine

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

    def move_label(self, source: str, target: str | None) -> tuple[list[str], list[Annotation], list[str]]:
        """Give every span of ``source`` the label ``target`` (None: delete them), with its
        suggestions; a span whose annotator already has a ``target`` span at the same
        bounds is deleted instead (the two became one). Entities of type ``source``
        take type ``target``. Returns the ids of the spans moved, the spans deleted and
        the ids of the entities retyped: what ``restore_label`` needs to undo it."""
        if source == target:  # every span would meet itself at its bounds, and be deleted
            raise CuratorError(f"cannot move the spans of label {source!r} onto itself")
        a, s = annotations_table.c, suggestions_table.c
        with self._begin() as conn:
            schema_labels(conn, "update")  # before the spans are read: none written meanwhile
            rows = conn.execute(sa.select(*_SPAN_COLUMNS).where(a.label == source)).all()
            spans = self._annotations(rows)  # type: ignore[attr-defined]
            if target is None:
                doomed = spans
            else:
                taken = set(conn.execute(sa.select(a.doc_id, a.annotator, a.start, a.end)
                                         .where(a.label == target)).all()) if spans else set()
                doomed = [x for x in spans if (x.doc_id, x.annotator, x.start, x.end) in taken]
            gone = {x.id for x in doomed}
            moved = [x.id for x in spans if x.id not in gone]
            for chunk in _chunks(sorted(gone), 500):
                conn.execute(annotations_table.delete().where(a.id.in_(chunk)))
            for chunk in _chunks(moved, 500):
                conn.execute(annotations_table.update().where(a.id.in_(chunk)).values(label=target,
                                                                                    updated=utc_now()))
            if target is None:
                conn.execute(suggestions_table.delete().where(s.label == source))
                entities: list[str] = []
            else:
                taken_s = set(conn.execute(sa.select(s.doc_id, s.annotator, s.start, s.end)
                                           .where(s.label == target)).all())
                twins = [row.id for row in conn.execute(sa.select(s.id, s.doc_id, s.annotator, s.start, s.end)
                                                        .where(s.label == source))
                         if (row.doc_id, row.annotator, row.start, row.end) in taken_s]
                for chunk in _chunks(twins, 500):  # the suggestion is there under its new label already
                    conn.execute(suggestions_table.delete().where(s.id.in_(chunk)))
                conn.execute(suggestions_table.update().where(s.label == source).values(label=target))
                e = entities_table.c
                entities = list(conn.execute(sa.select(e.id).where(e.type == source)).scalars())
                conn.execute(entities_table.update().where(e.type == source).values(type=target))
        return moved, doomed, entities

    def restore_label(self, source: str, moved: Sequence[str], deleted: Sequence[Annotation],
                      entities: Sequence[str]) -> None:
        """Undo ``move_label``: the moved spans and retyped entities get ``source`` back
        and the deleted spans come back (the label's suggestions: ``restore_suggestions``)."""
        a, e = annotations_table.c, entities_table.c
        with self._begin() as conn:
            for chunk in _chunks(list(moved), 500):
                conn.execute(annotations_table.update().where(a.id.in_(chunk)).values(label=source,
                                                                                    updated=utc_now()))
            for chunk in _chunks(list(entities), 500):
                conn.execute(entities_table.update().where(e.id.in_(chunk)).values(type=source))
        # Their label comes back with the schema saved in the same transaction (``RestoreLabel``).
        self.add_annotations(list(deleted), labels_checked=False)  # type: ignore[call-arg]

    def rekey_reviews(self, keys: dict[str, str]) -> None:
        """Give review decisions new keys (their items' versions were relabelled)."""
        r = reviews_table.c
        with self._begin() as conn:
            for old, new in keys.items():
                conn.execute(reviews_table.update().where(r.key == old).values(key=new))
