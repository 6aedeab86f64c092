"""Project storage: one SQL database per project, through SQLAlchemy Core.

The embedded default is a SQLite file in the project folder (WAL mode, every edit
its own small transaction); the same code accepts any SQLAlchemy URL so that a
team can later point it at PostgreSQL.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

import sqlalchemy as sa
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.engine import Engine

from curator.errors import ConflictError, CuratorError, DuplicateError
from curator.migrate import stamp_head, upgrade
from curator.store_layers import EntityStore
from curator.events import (
    AnnotationAdded,
    AnnotationChanged,
    AnnotationRemoved,
    DocumentChanged,
    DocumentsAdded,
    EventHub,
)
from curator.models import (
    Annotation,
    Document,
    DocumentStatus,
    Project,
    utc_now,
)
from curator.schema import LabelSchema
from curator.text import like_pattern, search_key

from curator.tables import (
    SORT_COLUMNS,
    annotations_table,
    documents_table,
    meta_table,
    metadata,
    progress_table,
)

SCHEMA_VERSION = 1
DB_FILENAME = "curator.db"

@dataclass(frozen=True)
class DocumentRow:
    """What the document list shows for one document, without its text."""

    id: int
    uid: str
    title: str | None
    source: str | None
    published: date | None
    status: DocumentStatus
    spans: int


_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")


def is_url(target: str | Path) -> bool:
    """Only ``scheme://...`` is a database URL; anything else, whatever characters it
    holds (``#``, ``?``, ``%``), is a folder."""
    return isinstance(target, str) and _URL.match(target) is not None


def database_url(target: str | Path) -> str | sa.URL:
    """The SQLAlchemy URL for a project argument: a folder path or a database URL.

    A folder's URL is built as an object, never parsed from text, so a folder named
    ``p?mode=ro`` or ``proj#1`` is that folder's ``curator.db``."""
    if is_url(target):
        return str(target)
    return sa.URL.create("sqlite", database=str(Path(target).expanduser().resolve() / DB_FILENAME))


_BUSY_TIMEOUT_MS = 10_000


def database_problem(exc: BaseException, location: str = "") -> str:
    """What a database error means for the user, in their words: busy, full, read-only,
    damaged or unreachable, and that nothing already saved was lost."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    lowered = reason.lower()
    where = f"{location}: " if location else ""
    if "locked" in lowered or "lock timeout" in lowered or "could not obtain lock" in lowered:
        return (f"{where}the project is busy: another program held its lock for more than "
                f"{_BUSY_TIMEOUT_MS // 1000} s. Nothing was changed; try again when it is done")
    if "disk is full" in lowered or "no space left" in lowered or "disk full" in lowered:
        return f"{where}the disk is full. Nothing was changed; what was saved before is kept"
    if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
        return f"{where}the project database cannot be written (read-only file or folder). Nothing was changed"
    if any(sign in lowered for sign in ("not a database", "malformed", "corrupt", "could not decode")):
        return (f"{where}the project database is damaged ({reason}). Restore it from a backup "
                "('curator backup' makes one); nothing was written to it")
    if "unable to open" in lowered:
        return f"{where}cannot open the project database ({reason})"
    return f"{where}database error: {reason}"


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers and one writer work at once; synchronous=FULL makes each
    # committed edit durable even if the machine loses power right after.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # A write that meets another program's lock waits this long, then fails loudly.
    cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
    cursor.close()


class Store(EntityStore):
    """The project's data: documents, annotations, progress and settings.

    Every public write is one transaction and publishes an event on ``events``
    once it has committed. Safe to use from one thread at a time per call; the
    engine's pool hands each thread its own connection.
    """

    def __init__(self, engine: Engine, location: str) -> None:
        self.engine = engine
        self.location = location
        self.events = EventHub()
        self.migrations_applied: list[str] = []

    # -- opening ---------------------------------------------------------------

    @classmethod
    def _engine(cls, target: str | Path) -> Engine:
        url = database_url(target)
        try:
            engine = sa.create_engine(url)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError, ValueError) as exc:
            raise CuratorError(f"{target}: not a database URL Curator can open ({exc})") from exc
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _configure_sqlite)
        return engine

    @classmethod
    def create(cls, target: str | Path, project: Project | None = None) -> "Store":
        """Create a new, empty project at ``target`` (a folder or a database URL)."""
        if not is_url(target):
            folder = Path(target).expanduser()
            if (folder / DB_FILENAME).exists():
                raise CuratorError(f"{folder}: a Curator project already exists here")
            if folder.exists() and not folder.is_dir():
                raise CuratorError(f"{folder}: not a folder")
            folder.mkdir(parents=True, exist_ok=True)
        engine = cls._engine(target)
        with engine.begin() as conn:
            if sa.inspect(conn).has_table("meta"):
                raise CuratorError(f"{target}: a Curator project already exists in this database")
            metadata.create_all(conn)
            stamp_head(conn)
            project = project or Project()
            conn.execute(
                meta_table.insert(),
                [
                    {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                    {"key": "project", "value": project.model_dump_json()},
                ],
            )
        return cls(engine, str(target))

    @classmethod
    def open(cls, target: str | Path) -> "Store":
        """Open an existing project; a clear error if there is none or it is too new."""
        if not is_url(target):
            folder = Path(target).expanduser()
            if not (folder / DB_FILENAME).is_file():
                raise CuratorError(
                    f"{folder}: not a Curator project (no {DB_FILENAME}); create one with 'curator init'"
                )
        engine = cls._engine(target)
        try:
            with engine.connect() as conn:
                if not sa.inspect(conn).has_table("meta"):
                    raise CuratorError(f"{target}: not a Curator project (no meta table)")
                version = conn.execute(
                    sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")
                ).scalar()
        except sa.exc.DatabaseError as exc:
            engine.dispose()
            raise CuratorError(f"{target}: cannot read the project database ({exc.orig})") from exc
        except CuratorError:
            engine.dispose()
            raise
        if version is None or int(version) > SCHEMA_VERSION:
            engine.dispose()
            raise CuratorError(
                f"{target}: project schema version {version} is newer than this Curator supports "
                f"({SCHEMA_VERSION}); upgrade Curator"
            )
        store = cls(engine, str(target))
        try:
            store.migrations_applied = upgrade(engine)
        except Exception as exc:
            engine.dispose()
            raise CuratorError(f"{target}: could not bring the project's schema up to date ({exc})") from exc
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- project settings ------------------------------------------------------

    def _get_meta(self, conn: sa.Connection, key: str) -> str | None:
        return conn.execute(sa.select(meta_table.c.value).where(meta_table.c.key == key)).scalar()

    def _put_meta(self, conn: sa.Connection, key: str, value: str) -> None:
        updated = conn.execute(meta_table.update().where(meta_table.c.key == key).values(value=value))
        if updated.rowcount == 0:
            conn.execute(meta_table.insert().values(key=key, value=value))

    @property
    def project(self) -> Project:
        with self._connect() as conn:
            raw = self._get_meta(conn, "project")
        return Project.model_validate_json(raw) if raw else Project()

    @property
    def label_schema(self) -> LabelSchema:
        return self.project.label_schema

    def save_project(self, project: Project) -> None:
        with self._begin() as conn:
            self._put_meta(conn, "project", project.model_dump_json())

    def get_state(self, key: str, default: Any = None) -> Any:
        """A small remembered UI or workflow setting (e.g. the last open document)."""
        with self._connect() as conn:
            raw = self._get_meta(conn, f"state.{key}")
        return json.loads(raw) if raw is not None else default

    def set_state(self, key: str, value: Any) -> None:
        with self._begin() as conn:
            self._put_meta(conn, f"state.{key}", json.dumps(value))

    # -- documents -------------------------------------------------------------

    def add_documents(self, documents: Sequence[Document]) -> list[int]:
        """Insert documents in one transaction; all or none. Returns their ids."""
        if not documents:
            return []
        now = utc_now()
        rows = [
            {
                "uid": doc.uid,
                "title": doc.title,
                "source": doc.source,
                "url": doc.url,
                "published": doc.published,
                "text": doc.text,
                "origin": doc.origin,
                "extra": doc.extra,
                "created": now,
                "search": search_key(doc.uid, doc.title, doc.source),
            }
            for doc in documents
        ]
        with self._begin() as conn, _unique(
                "another import added articles with the same ids at the same time; nothing of this batch "
                "was added. Run the import again: it skips the articles already there"):
            # One executemany, then the new ids by uid: several times faster than RETURNING
            # a row at a time, which is what SQLite gets for an ordered RETURNING.
            _insert_many(conn, documents_table, rows)
            id_of: dict[str, int] = {}
            for chunk in _chunks([row["uid"] for row in rows], 500):
                id_of.update(conn.execute(sa.select(documents_table.c.uid, documents_table.c.id)
                                          .where(documents_table.c.uid.in_(chunk))).all())
            ids = [id_of[row["uid"]] for row in rows]
        self._emit(DocumentsAdded(tuple(ids)))
        return ids

    def existing_uids(self, uids: Iterable[str]) -> dict[str, str]:
        """Map each of ``uids`` already in the project to that document's text."""
        wanted = list(set(uids))
        found: dict[str, str] = {}
        with self._connect() as conn:
            for chunk in _chunks(wanted, 500):
                for uid, text in conn.execute(
                    sa.select(documents_table.c.uid, documents_table.c.text).where(documents_table.c.uid.in_(chunk))
                ):
                    found[uid] = text
        return found

    def document_count(self) -> int:
        with self._connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(documents_table)).scalar_one()

    @staticmethod
    def _document(row: sa.Row) -> Document:
        return Document(
            id=row.id,
            uid=row.uid,
            title=row.title,
            source=row.source,
            url=row.url,
            published=row.published,
            text=row.text,
            origin=row.origin,
            extra=row.extra or {},
        )

    def get_document(self, doc_id: int) -> Document:
        with self._connect() as conn:
            row = conn.execute(sa.select(documents_table).where(documents_table.c.id == doc_id)).first()
        if row is None:
            raise CuratorError(f"no document with id {doc_id}")
        return self._document(row)

    def document_by_uid(self, uid: str) -> Document | None:
        with self._connect() as conn:
            row = conn.execute(sa.select(documents_table).where(documents_table.c.uid == uid)).first()
        return self._document(row) if row else None

    def _document_batches(self, batch: int, columns: tuple = (documents_table,), first: int | None = None,
                          last: int | None = None) -> Iterator[tuple[sa.Connection, list[sa.Row]]]:
        """Documents in id order (ids ``first``..``last`` if given), ``batch`` rows at a
        time, each batch with its connection."""
        d = documents_table.c
        after = (first or 1) - 1
        while True:
            query = sa.select(*columns).where(d.id > after)
            if last is not None:
                query = query.where(d.id <= last)
            with self._connect() as conn:
                rows = conn.execute(query.order_by(d.id).limit(batch)).all()
                if not rows:
                    return
                after = rows[-1].id
                yield conn, rows

    def iter_documents(self, batch: int = 500) -> Iterator[Document]:
        """All documents in id order, fetched in batches so memory stays flat."""
        for _conn, rows in self._document_batches(batch):
            yield from (self._document(row) for row in rows)

    def _status_column(self, annotator: str) -> sa.ColumnElement:
        status = (
            sa.select(progress_table.c.status)
            .where(progress_table.c.doc_id == documents_table.c.id, progress_table.c.annotator == annotator)
            .scalar_subquery()
        )
        return sa.func.coalesce(status, DocumentStatus.TODO.value)

    def document_ids(
        self,
        *,
        annotator: str = "",
        sort: str = "id",
        descending: bool = False,
        search: str = "",
    ) -> list[int]:
        """Document ids in display order, optionally filtered by a search string.

        The search matches title, outlet and uid (case-insensitive substring);
        sorting by ``status`` uses the given annotator's progress.
        """
        column = self._status_column(annotator) if sort == "status" else SORT_COLUMNS.get(sort)
        if column is None:
            raise CuratorError(f"cannot sort documents by {sort!r}")
        query = sa.select(documents_table.c.id)
        if search:
            d = documents_table.c
            # The search key is folded when written (every script's case, not ASCII's alone,
            # as SQLite's LIKE would); the pattern is folded and its wildcards escaped. Matched
            # in a subquery, which reads the small index of the key (ix_documents_search)
            # rather than the table with every text.
            query = query.where(d.id.in_(sa.select(d.id).where(d.search.like(like_pattern(search), escape="\\"))))
        ordering = column.desc() if descending else column.asc()
        query = query.order_by(ordering.nulls_last(), documents_table.c.id)
        with self._connect() as conn:
            return list(conn.execute(query).scalars())

    def document_rows(self, ids: Sequence[int], annotator: str) -> dict[int, DocumentRow]:
        """The list rows for ``ids`` (status and span count are the annotator's)."""
        spans = (
            sa.select(sa.func.count())
            .select_from(annotations_table)
            .where(annotations_table.c.doc_id == documents_table.c.id, annotations_table.c.annotator == annotator)
            .scalar_subquery()
        )
        rows: dict[int, DocumentRow] = {}
        with self._connect() as conn:
            for chunk in _chunks(list(ids), 500):
                query = sa.select(
                    documents_table.c.id,
                    documents_table.c.uid,
                    documents_table.c.title,
                    documents_table.c.source,
                    documents_table.c.published,
                    self._status_column(annotator).label("status"),
                    spans.label("spans"),
                ).where(documents_table.c.id.in_(chunk))
                for row in conn.execute(query):
                    rows[row.id] = DocumentRow(
                        id=row.id,
                        uid=row.uid,
                        title=row.title,
                        source=row.source,
                        published=row.published,
                        status=DocumentStatus(row.status),
                        spans=row.spans,
                    )
        return rows

    def update_document(self, doc_id: int, **fields: Any) -> dict[str, Any]:
        """Change editable metadata fields; returns their previous values."""
        allowed = {"title", "source", "url", "published"}
        unknown = set(fields) - allowed
        if unknown:
            raise CuratorError(f"cannot edit document field(s): {', '.join(sorted(unknown))}")
        if isinstance(fields.get("published"), str):  # as a command kept in the history holds it
            fields["published"] = date.fromisoformat(fields["published"])
        with self._begin() as conn:
            row = conn.execute(
                sa.select(*(documents_table.c[name] for name in fields)).where(documents_table.c.id == doc_id)
            ).first()
            if row is None:
                raise CuratorError(f"no document with id {doc_id}")
            before = dict(row._mapping)
            conn.execute(documents_table.update().where(documents_table.c.id == doc_id).values(**fields))
            if {"title", "source"} & set(fields):
                d = documents_table.c
                uid, title, source = conn.execute(sa.select(d.uid, d.title, d.source).where(d.id == doc_id)).one()
                conn.execute(documents_table.update().where(d.id == doc_id)
                             .values(search=search_key(uid, title, source)))
        self._emit(DocumentChanged(doc_id))
        return before

    # -- progress --------------------------------------------------------------

    def statuses(self, annotator: str | None = None, first: int | None = None,
                 last: int | None = None) -> dict[int, DocumentStatus]:
        """Every document's status that differs from to-do (of documents ``first``..``last``
        if given); with no annotator, done by anyone."""
        p = progress_table.c
        query = sa.select(p.doc_id, p.status)
        if annotator is not None:
            query = query.where(p.annotator == annotator)
        if first is not None:
            query = query.where(p.doc_id >= first)
        if last is not None:
            query = query.where(p.doc_id <= last)
        found: dict[int, DocumentStatus] = {}
        with self._connect() as conn:
            for doc_id, status in conn.execute(query):
                if found.get(doc_id) is not DocumentStatus.DONE:
                    found[doc_id] = DocumentStatus(status)
        return found

    def status(self, doc_id: int, annotator: str) -> DocumentStatus:
        with self._connect() as conn:
            value = conn.execute(
                sa.select(progress_table.c.status).where(
                    progress_table.c.doc_id == doc_id, progress_table.c.annotator == annotator
                )
            ).scalar()
        return DocumentStatus(value) if value else DocumentStatus.TODO

    def set_status(self, doc_id: int, annotator: str, status: DocumentStatus) -> DocumentStatus:
        """Set an annotator's status for a document; returns the previous status."""
        with self._begin() as conn:
            where = (progress_table.c.doc_id == doc_id, progress_table.c.annotator == annotator)
            before = conn.execute(sa.select(progress_table.c.status).where(*where)).scalar()
            values = {"status": status.value, "updated": utc_now()}
            if before is None:
                conn.execute(progress_table.insert().values(doc_id=doc_id, annotator=annotator, **values))
            else:
                conn.execute(progress_table.update().where(*where).values(**values))
        self._emit(DocumentChanged(doc_id))
        return DocumentStatus(before) if before else DocumentStatus.TODO

    # -- annotations -----------------------------------------------------------

    @staticmethod
    def _annotation_row(annotation: Annotation) -> dict[str, Any]:
        return annotation.model_dump()

    @staticmethod
    def _annotation(row: sa.Row) -> Annotation:
        return Store._annotations([row])[0]

    @staticmethod
    def _annotations(rows: Sequence[sa.Row]) -> list[Annotation]:
        """Spans from rows of ``_SPAN_COLUMNS`` (times and value read as text), validated
        all at once: several times faster than building models one by one."""
        fields = [{**row._mapping, "created": utc_text(row.created), "updated": utc_text(row.updated),
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
        self._emit(AnnotationAdded(annotation))
        return annotation

    def add_annotations(self, annotations: Sequence[Annotation]) -> None:
        """Insert many annotations in one transaction (imports); one event each."""
        if not annotations:
            return
        with self._begin() as conn, _unique(_same_span(annotations[0], several=True)):
            for chunk in _chunks(list(annotations), 5000):
                _insert_many(conn, annotations_table, [self._annotation_row(a) for a in chunk])
        for annotation in annotations:
            self._emit(AnnotationAdded(annotation))

    def get_annotation(self, annotation_id: str) -> Annotation:
        with self._connect() as conn:
            row = conn.execute(sa.select(*_SPAN_COLUMNS).where(annotations_table.c.id == annotation_id)).first()
        if row is None:
            raise CuratorError(f"no annotation with id {annotation_id}")
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
        """Change a span's label, bounds, value or entity link; returns the old span.

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
        self._emit(AnnotationChanged(before, after))
        return before

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
                yield ExportedDocumentRow(*row[:5], _stored_date(row[5]), row[6]), spans.get(row[0], [])
            after = documents[-1][0]

    def annotated(self, annotators: Sequence[str]) -> list[tuple[int, str]]:
        """Every (document id, annotator) pair where one of ``annotators`` has a span,
        read from the (doc_id, annotator) index alone."""
        c = annotations_table.c
        with self._connect() as conn:
            return [tuple(row) for row in conn.execute(
                sa.select(c.doc_id, c.annotator).where(c.annotator.in_(list(annotators))).distinct())]

    def document_texts(self, ids: Sequence[int]) -> list[tuple[int, str, str]]:
        """``(id, uid, text)`` of the given documents, in id order."""
        d = documents_table.c
        found: list[tuple[int, str, str]] = []
        with self._connect() as conn:
            for chunk in _chunks(sorted(ids), 500):
                found.extend(tuple(row) for row in conn.execute(
                    sa.select(d.id, d.uid, d.text).where(d.id.in_(chunk)).order_by(d.id)))
        return found

    def span_columns(self, first: int, last: int, annotators: Sequence[str]) -> tuple[tuple, ...]:
        """Columns ``doc_id, start, end, label, annotator`` of every span of ``annotators``
        in documents ``first``..``last`` (ids), without building models: for agreement."""
        c = annotations_table.c
        query = sa.select(c.doc_id, c.start, c.end, c.label, c.annotator).where(
            c.doc_id >= first, c.doc_id <= last, c.annotator.in_(list(annotators)))
        with self._connect() as conn:
            rows = conn.execute(query).all()
        return tuple(zip(*rows)) if rows else ((), (), (), (), ())

    def uids(self) -> dict[int, str]:
        """Every document's id and uid (no text): for lists of document pairs."""
        with self._connect() as conn:
            return dict(conn.execute(sa.select(documents_table.c.id, documents_table.c.uid)).all())

    def revision(self, doc_id: int | None) -> tuple:
        """A cheap fingerprint of what others may change: the newest document id (documents
        are only ever added), and the open document's spans (count and latest edit), all
        read through indexes. Polled to show others' edits."""
        c = annotations_table.c
        with self._connect() as conn:
            documents = conn.execute(sa.select(sa.func.max(documents_table.c.id))).scalar()
            if doc_id is None:
                return (documents,)
            spans = conn.execute(sa.select(sa.func.count(), sa.func.max(sa.type_coerce(c.updated, sa.Text)))
                                 .where(c.doc_id == doc_id)).one()
        return documents, spans[0], str(spans[1])

    def annotation_count(self) -> int:
        with self._connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(annotations_table)).scalar_one()

    def annotators(self) -> list[str]:
        with self._connect() as conn:
            names = set(conn.execute(sa.select(annotations_table.c.annotator).distinct()).scalars())
            names |= set(conn.execute(sa.select(progress_table.c.annotator).distinct()).scalars())
        return sorted(names)


class ExportedDocumentRow(NamedTuple):
    """A document's exported fields as read for an export."""

    id: int
    uid: str
    title: str | None
    source: str | None
    url: str | None
    published: date | str | None
    text: str


def _stored_date(stored: str | None) -> date | str | None:
    """A date SQLite keeps as text, as a ``date``; text that is not one stays as it is
    (and fails validation where it is exported)."""
    try:
        return date.fromisoformat(stored) if stored else None
    except (TypeError, ValueError):
        return stored


_EXPORTED_DOCUMENT_COLUMNS = tuple(documents_table.c[name] for name in ExportedDocumentRow._fields)
_SPAN_COLUMNS = (
    *(column for column in annotations_table.c if column.name not in ("created", "updated", "value")),
    sa.type_coerce(annotations_table.c.created, sa.Text).label("created"),
    sa.type_coerce(annotations_table.c.updated, sa.Text).label("updated"),
    sa.type_coerce(annotations_table.c.value, sa.Text).label("value"),
)
SPAN_ROW_FIELDS = tuple(column.name for column in _SPAN_COLUMNS)


_ANNOTATIONS = TypeAdapter(list[Annotation])


def utc_text(stamp: Any) -> Any:
    """A stored time for validation: SQLite keeps UTC as text without its offset, which
    gets its ``Z``; anything else (PostgreSQL's aware datetimes) is left as it is."""
    if isinstance(stamp, str) and not (stamp.endswith("Z") or "+" in stamp[10:] or "-" in stamp[10:]):
        return stamp + "Z"
    return stamp


def _parse_time(text: str | datetime) -> datetime:
    stamp = text if isinstance(text, datetime) else datetime.fromisoformat(text)
    # SQLite keeps the UTC time without its offset.
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=timezone.utc)


def stored_json(raw: Any) -> Any:
    """A JSON column read as text (SQLite) or already decoded by the driver (PostgreSQL)."""
    if raw is None or raw == "null":
        return None
    return json.loads(raw) if isinstance(raw, str) else raw


def _by_document(rows: list, names: Sequence[str]) -> dict[int, list]:
    """Span rows (fields ``names``) by document id, each document's in text order: sorted
    here rather than by the database, which would sort through a temporary b-tree."""
    rows.sort(key=operator.itemgetter(*(names.index(name) for name in ("doc_id", "start", "end", "id"))))
    return {key: list(group) for key, group in itertools.groupby(rows, operator.itemgetter(names.index("doc_id")))}


def _insert_many(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows that all have the same keys. On SQLite the values go straight to the
    driver's executemany, converted by the columns' own types: SQLAlchemy's per-row
    parameter handling took longer than SQLite's insert."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), rows)
        return
    keys = list(rows[0])
    converters = [(key, table.c[key].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)) for key in keys]
    quote = conn.dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, keys))}) "
           f"VALUES ({', '.join('?' * len(keys))})")
    columns = [[row[key] for row in rows] if convert is None else [convert(row[key]) for row in rows]
               for key, convert in converters]
    conn.exec_driver_sql(sql, list(zip(*columns)))


@contextlib.contextmanager
def _unique(message: str) -> Iterator[None]:
    """Turn the database's refusal of a second copy of something unique into a
    DuplicateError the user can read (the transaction it broke is rolled back whole)."""
    try:
        yield
    except sa.exc.IntegrityError as exc:
        if "unique" not in str(exc.orig).lower() and "duplicate" not in str(exc.orig).lower():
            raise
        raise DuplicateError(message) from exc


def _same_span(annotation: Annotation, several: bool = False) -> str:
    if several:
        return ("some of these spans are already in the project (the same annotator, document, bounds and "
                "label, or twice among them); nothing was added")
    return (f"{annotation.annotator} already has this {annotation.label} span ({annotation.start}-"
            f"{annotation.end}) in this document; nothing was added")


def _chunks(items: list, size: int) -> Iterator[list]:
    for index in range(0, len(items), size):
        yield items[index : index + size]
