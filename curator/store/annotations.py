"""Part of ``Store``: annotations (every annotator's spans), read one document at a
time for the window or in bulk for exports and agreement."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from curator.domain.models import (
    Annotation,
    Document,
    utc_now,
)
from curator.errors import ConflictError, CuratorError
from curator.store.events import (
    AnnotationAdded,
    AnnotationChanged,
    AnnotationRemoved,
)
from curator.store.label_rows import refuse_labels_gone
from curator.store.rows import (
    _ANNOTATIONS,
    _EXPORTED_DOCUMENT_COLUMNS,
    _SPAN_COLUMNS,
    SPAN_ROW_FIELDS,
    Columns,
    ExportedDocumentRow,
    _by_document,
    _chunks,
    _insert_many,
    _parse_time,
    _same_span,
    _stored_date,
    _stored_extra,
    _unique,
    column_rows,
    insert_columns,
    stored_json,
    utc_text,
)
from curator.store.tables import (
    annotations_table,
    documents_table,
    progress_table,
)
from curator.store.transactions import Transactional


class AnnotationStore(Transactional):
    """Part of ``Store``: annotations."""

    engine: Engine

    @staticmethod
    def _annotation_row(annotation: Annotation) -> dict[str, Any]:
        return annotation.model_dump()

    @staticmethod
    def _annotation(row: sa.Row) -> Annotation:
        return AnnotationStore._annotations([row])[0]

    @staticmethod
    def _annotations(rows: Sequence[sa.Row]) -> list[Annotation]:
        """Spans from rows of ``_SPAN_COLUMNS`` (times and value read as text), validated
        all at once: several times faster than building models one by one."""
        names = rows[0]._fields if rows else ()  # once: a row's own mapping builds its keys anew each time
        fields = [{**dict(zip(names, row)), "created": utc_text(row.created), "updated": utc_text(row.updated),
                   "value": stored_json(row.value)} for row in rows]
        try:
            return _ANNOTATIONS.validate_python(fields)
        except ValidationError:
            # A span damaged outside Curator (say, an end before its start) is still shown,
            # so that it can be seen and fixed; validation before export reports it.
            return [Annotation.model_construct(**{**f, "created": _parse_time(f["created"]),
                                                  "updated": _parse_time(f["updated"])}) for f in fields]

    def add_annotation(self, annotation: Annotation) -> Annotation:
        with self._begin() as conn, _unique(_same_span(annotation)):
            conn.execute(annotations_table.insert().values(**self._annotation_row(annotation)))
            refuse_labels_gone(conn, {annotation.label})
        self._emit(AnnotationAdded(annotation))
        return annotation

    def add_annotations(self, annotations: Sequence[Annotation], labels_checked: bool = True) -> None:
        """Insert many annotations in one transaction (imports); one event each. Refused if
        a label of theirs is not in the schema (``refuse_labels_gone``), unless the caller
        puts it back in the same transaction (``labels_checked=False``: an undo)."""
        if not annotations:
            return
        with self._begin() as conn, _unique(_same_span(annotations[0], several=True)):
            for chunk in _chunks(list(annotations), 5000):
                _insert_many(conn, annotations_table, [self._annotation_row(a) for a in chunk])
            if labels_checked:
                refuse_labels_gone(conn, {a.label for a in annotations})
        for annotation in annotations:
            self._emit(AnnotationAdded(annotation))

    def add_annotation_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert spans given as rows of every column (``Annotation``'s fields), already
        checked as the model checks them: an import's bulk path, without a model per span.
        One ``AnnotationAdded`` each, as ``add_annotations`` gives, built only if someone
        listens."""
        if not rows:
            return
        with self._begin() as conn, _unique(_same_span(Annotation.model_construct(**rows[0]), several=True)):
            for chunk in _chunks(list(rows), 5000):
                _insert_many(conn, annotations_table, chunk)
            refuse_labels_gone(conn, {row["label"] for row in rows})
        if self.events.listening():
            for row in rows:
                self._emit(AnnotationAdded(Annotation.model_construct(**row)))

    def add_annotation_columns(self, columns: Columns) -> None:
        """Put back spans kept as ``Columns`` (their times ISO text, as ``read_columns``
        gives them) by an undo that puts their label back in the same transaction. One
        ``AnnotationAdded`` each, as ``add_annotation_rows`` gives."""
        if not columns or not columns.get("id"):
            return
        columns = {**columns, **{name: [_parse_time(utc_text(stamp)) for stamp in columns[name]]
                                 for name in ("created", "updated") if name in columns}}
        first = Annotation.model_construct(**{name: values[0] for name, values in columns.items()})
        with self._begin() as conn, _unique(_same_span(first, several=True)):
            insert_columns(conn, annotations_table, columns)
        if self.events.listening():
            for row in column_rows(columns):
                self._emit(AnnotationAdded(Annotation.model_construct(**row)))

    def get_annotation(self, annotation_id: str) -> Annotation:
        row = self._row(sa.select(*_SPAN_COLUMNS).where(annotations_table.c.id == annotation_id),
                        f"no annotation with id {annotation_id}")
        return self._annotation(row)

    def annotations_by_id(self, ids: Iterable[str]) -> dict[str, Annotation]:
        found: dict[str, Annotation] = {}
        with self._connect() as conn:
            for chunk in _chunks(list(set(ids)), 500):
                rows = conn.execute(sa.select(*_SPAN_COLUMNS).where(annotations_table.c.id.in_(chunk))).all()
                found.update((span.id, span) for span in self._annotations(rows))
        return found

    def delete_annotation(self, annotation_id: str) -> Annotation:
        """Delete a span; returns it as it was, so that it can be restored."""
        with self._begin() as conn:
            row = conn.execute(sa.select(*_SPAN_COLUMNS).where(annotations_table.c.id == annotation_id)).first()
            if row is None:
                raise CuratorError(f"no annotation with id {annotation_id}")
            conn.execute(annotations_table.delete().where(annotations_table.c.id == annotation_id))
        removed = self._annotation(row)
        self._emit(AnnotationRemoved(removed))
        return removed

    def update_annotation(self, annotation_id: str, expected: datetime | None = None, **fields: Any) -> Annotation:
        """Change a span's label, bounds, value or entity link; returns the old span (see
        ``edit_annotation``)."""
        return self.edit_annotation(annotation_id, expected, **fields)[0]

    def edit_annotation(self, annotation_id: str, expected: datetime | None = None,
                        **fields: Any) -> tuple[Annotation, Annotation]:
        """Change a span's label, bounds, value or entity link; returns the span before and
        after (whose ``updated`` an undo expects to find).

        With ``expected`` (the ``updated`` time of the span as the caller read it) the
        change is made only if nobody changed the span since: the check and the write
        are one conditional UPDATE, so two users editing at once cannot both win.
        Otherwise ``ConflictError`` says who wins is the user's choice."""
        allowed = {"start", "end", "label", "value", "entity_id"}
        unknown = set(fields) - allowed
        if unknown:
            raise CuratorError(f"cannot edit annotation field(s): {', '.join(sorted(unknown))}")
        with self._begin() as conn, _unique("the annotator already has a span with these bounds and label "
                                                  "in this document; the span was not changed"):
            row = conn.execute(sa.select(*_SPAN_COLUMNS).where(annotations_table.c.id == annotation_id)).first()
            if row is None:
                raise CuratorError(f"no annotation with id {annotation_id}")
            before = self._annotation(row)
            after = Annotation.model_validate({**before.model_dump(), **fields, "updated": utc_now()})
            update = annotations_table.update().where(annotations_table.c.id == annotation_id)
            if expected is not None:
                update = update.where(annotations_table.c.updated == expected)
            result = conn.execute(update.values(**{name: getattr(after, name) for name in (*fields, "updated")}))
            if result.rowcount == 0:
                raise ConflictError(
                    f"this {before.label} span was changed by someone else at {before.updated:%H:%M:%S} "
                    "after you opened it", current=before)
            if "label" in fields:
                refuse_labels_gone(conn, {after.label})
        self._emit(AnnotationChanged(before, after))
        return before, after

    def annotations_for(self, doc_id: int, annotator: str | None = None) -> list[Annotation]:
        """A document's spans in text order, for one annotator or for everyone."""
        query = sa.select(*_SPAN_COLUMNS).where(annotations_table.c.doc_id == doc_id)
        if annotator is not None:
            query = query.where(annotations_table.c.annotator == annotator)
        query = query.order_by(annotations_table.c.start, annotations_table.c.end, annotations_table.c.id)
        with self._connect() as conn:
            return self._annotations(conn.execute(query).all())

    def _documents_with(self, columns: tuple, annotator: str | None, batch: int,
                        convert: Callable[[list[sa.Row]], list[Any]] | None, first: int | None = None,
                        last: int | None = None) -> Iterator[tuple[Document, list[Any]]]:
        """Documents in id order, each with its spans (``columns`` of them, each document's
        rows passed through ``convert``), fetched a batch of documents and their spans at a time.
        Without ``convert``, documents (their exported fields) and spans come as rows."""
        c = annotations_table.c
        names = [column.name for column in columns]
        document_columns = (documents_table,) if convert else _EXPORTED_DOCUMENT_COLUMNS
        for conn, rows in self._document_batches(batch, document_columns, first, last):
            query = sa.select(*columns).where(c.doc_id >= rows[0].id, c.doc_id <= rows[-1].id)
            if annotator is not None:
                query = query.where(c.annotator == annotator)
            spans = _by_document(conn.execute(query).all(), names)
            if convert:
                spans = {key: convert(group) for key, group in spans.items()}
            for row in rows:
                yield (self._document(row) if convert else row), spans.get(row.id, [])

    def documents_with_annotations(self, ids: Sequence[int], batch: int = 500
                                   ) -> Iterator[tuple[Document, list[Annotation]]]:
        """The documents ``ids`` (in id order) with their spans as ``Annotation`` models."""
        c = annotations_table.c
        for chunk in _chunks(sorted(ids), batch):
            with self._connect() as conn:
                documents = conn.execute(sa.select(documents_table).where(documents_table.c.id.in_(chunk))
                                         .order_by(documents_table.c.id)).all()
                spans = _by_document(conn.execute(sa.select(*_SPAN_COLUMNS).where(c.doc_id.in_(chunk))).all(),
                                     [column.name for column in _SPAN_COLUMNS])
            for row in documents:
                yield self._document(row), self._annotations(spans.get(row.id, []))

    def iter_documents_with_annotations(
        self, annotator: str | None = None, batch: int = 500
    ) -> Iterator[tuple[Document, list[Annotation]]]:
        """Documents in id order with their spans as ``Annotation`` models."""
        return self._documents_with(_SPAN_COLUMNS, annotator, batch, self._annotations)

    def iter_documents_with_span_rows(
        self, annotator: str | None = None, batch: int = 500, first: int | None = None, last: int | None = None
    ) -> Iterator[tuple[Any, list[Any]]]:
        """Documents (ids ``first``..``last`` if given) and their spans as database rows
        (the exported fields of ``Document``, those of ``Annotation`` with times and value
        as the driver gives them, in ``SPAN_ROW_FIELDS`` order): the fast path for exports,
        which validate and serialise them without models. On SQLite the rows are read
        through the driver (a third of the time): documents as ``ExportedDocumentRow``
        (the date as a ``date``, or the stored text if it is not one), spans as tuples."""
        if self.engine.dialect.name != "sqlite":
            yield from self._documents_with(_SPAN_COLUMNS, annotator, batch, None, first, last)
            return
        quote = self.engine.dialect.identifier_preparer.quote
        documents_sql = (f"SELECT {', '.join(map(quote, ExportedDocumentRow._fields))} FROM documents "
                         "WHERE id > ? AND id <= ? ORDER BY id LIMIT ?")
        spans_sql = (f"SELECT {', '.join(map(quote, SPAN_ROW_FIELDS))} FROM annotations "
                     "WHERE doc_id >= ? AND doc_id <= ?" + (" AND annotator = ?" if annotator is not None else ""))
        after, last = (first or 1) - 1, last if last is not None else 2 ** 62
        while True:
            with self._connect() as conn, contextlib.closing(conn.connection.cursor()) as cursor:
                documents = cursor.execute(documents_sql, (after, last, batch)).fetchall()
                if not documents:
                    return
                bounds = (documents[0][0], documents[-1][0])
                found = cursor.execute(spans_sql, bounds if annotator is None else (*bounds, annotator)).fetchall()
            spans = _by_document(found, SPAN_ROW_FIELDS)
            for row in documents:
                yield ExportedDocumentRow(*row[:5], _stored_date(row[5]), row[6], _stored_extra(row[7])), \
                    spans.get(row[0], [])
            after = documents[-1][0]

    def annotated(self, annotators: Sequence[str]) -> list[tuple[int, str]]:
        """Every (document id, annotator) pair where one of ``annotators`` has a span,
        read from the (doc_id, annotator) index alone."""
        c = annotations_table.c
        with self._connect() as conn:
            return [tuple(row) for row in conn.execute(
                sa.select(c.doc_id, c.annotator).where(c.annotator.in_(list(annotators))).distinct())]

    def span_columns(self, first: int, last: int, annotators: Sequence[str]) -> tuple[tuple, ...]:
        """Columns ``doc_id, start, end, label, annotator`` of every span of ``annotators``
        in documents ``first``..``last`` (ids), without building models: for agreement."""
        c = annotations_table.c
        query = sa.select(c.doc_id, c.start, c.end, c.label, c.annotator).where(
            c.doc_id >= first, c.doc_id <= last, c.annotator.in_(list(annotators)))
        with self._connect() as conn:
            rows = conn.execute(query).all()
        return tuple(zip(*rows)) if rows else ((), (), (), (), ())

    def annotation_count(self) -> int:
        with self._connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(annotations_table)).scalar_one()

    def spans_per_layer(self) -> dict[str, int]:
        """How many spans each annotator's layer (gold included) holds."""
        a = annotations_table.c
        with self._connect() as conn:
            return dict(conn.execute(sa.select(a.annotator, sa.func.count()).group_by(a.annotator)).all())

    def annotators(self) -> list[str]:
        with self._connect() as conn:
            names = set(conn.execute(sa.select(annotations_table.c.annotator).distinct()).scalars())
            names |= set(conn.execute(sa.select(progress_table.c.annotator).distinct()).scalars())
        return sorted(names)


