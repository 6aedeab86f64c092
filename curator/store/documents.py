"""Part of ``Store``: documents (their text and metadata, the list's filter and sort
orders) and each annotator's progress through them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from curator.domain.id_runs import Runs
from curator.domain.json_values import bad_value
from curator.domain.models import (
    Document,
    DocumentStatus,
    utc,
    utc_now,
)
from curator.domain.text import fold, like_pattern, nfc, search_key
from curator.errors import CuratorError
from curator.store.events import (
    DocumentChanged,
    DocumentsAdded,
)
from curator.store.row_swaps import swap_rows
from curator.store.rows import _chunks, _insert_many, _parse_time, _unique
from curator.store.tables import (
    SORT_COLUMNS,
    annotations_table,
    documents_table,
    progress_table,
)
from curator.store.transactions import Transactional

StatusRow = tuple[int, str, str | None, datetime | None]  # a document, an annotator, their status and when

PAGED_SORTS = ("title", "source", "published", "uid")  # each has an index: read a page at a time


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



def _ids(result: sa.CursorResult) -> list[int]:
    """A query's one integer column, as the driver gives it: SQLAlchemy's rows, which an
    integer does not need, took as long as the query itself (70 ms for 100,000 ids)."""
    with result:
        return [row[0] for row in result.cursor.fetchall()]


def _spellings(uids: Iterable[str]) -> Iterator[tuple[list[str], dict[str, list[str]]]]:
    """Ids to look up, 500 at a time, each as given and in NFC (ids are kept in NFC; a
    project made before may hold another spelling), with the ids given for each."""
    asked: dict[str, list[str]] = {}
    for uid in set(uids):
        for spelling in {uid, nfc(uid)}:
            asked.setdefault(spelling, []).append(uid)
    spellings = list(asked)
    for start in range(0, len(spellings), 500):
        yield spellings[start:start + 500], asked



def _by_uid(conn: sa.Connection, column: str, uids: list[str]) -> Iterable[tuple[str, Any]]:
    """(uid, ``column``) of the documents with these uids: on SQLite as plain SQL to the
    driver (compiling the statement for every 500 uids of an import took longer than the
    database's lookups), elsewhere through SQLAlchemy."""
    if conn.dialect.name == "sqlite":
        return conn.exec_driver_sql(f"SELECT uid, {column} FROM documents WHERE uid IN "
                                    f"({', '.join('?' * len(uids))})", tuple(uids)).all()
    return conn.execute(sa.select(documents_table.c.uid, documents_table.c[column])
                        .where(documents_table.c.uid.in_(uids))).all()


def _run_ends(conn: sa.Connection) -> Iterable[tuple[int, int | None, int | None]]:
    """(id, the id before it, the id after it) of each document whose neighbour in id order
    is not the next id: where the runs of ids start and end, in id order."""
    if conn.dialect.name == "sqlite":  # every id from the index of dates: a sliver of the table's pages
        sql = ("SELECT id, prev, next FROM (SELECT id, lag(id) OVER w AS prev, lead(id) OVER w AS next "
               "FROM documents {} WINDOW w AS (ORDER BY id)) "
               "WHERE prev IS NULL OR prev != id - 1 OR next IS NULL OR next != id + 1 ORDER BY id")
        try:
            return conn.exec_driver_sql(sql.format("INDEXED BY ix_documents_published")).all()
        except sa.exc.OperationalError as exc:  # (the index lost: the table's own pages, slower)
            if "no such index" not in str(exc.orig):
                raise
            return conn.exec_driver_sql(sql.format("")).all()
    d = documents_table.c
    inner = sa.select(d.id, sa.func.lag(d.id).over(order_by=d.id).label("prev"),
                      sa.func.lead(d.id).over(order_by=d.id).label("next")).subquery()
    return conn.execute(sa.select(inner.c.id, inner.c.prev, inner.c.next)
                        .where(sa.or_(inner.c.prev.is_(None), inner.c.prev != inner.c.id - 1,
                                      inner.c.next.is_(None), inner.c.next != inner.c.id + 1))
                        .order_by(inner.c.id)).all()


class DocumentStore(Transactional):
    """Part of ``Store``: documents and progress."""

    engine: Engine

    def add_documents(self, documents: Sequence[Document]) -> list[int]:
        """Insert documents in one transaction; all or none. Returns their ids."""
        return self.add_document_rows([
            {"uid": doc.uid, "title": doc.title, "source": doc.source, "url": doc.url, "published": doc.published,
             "text": doc.text, "origin": doc.origin, "extra": doc.extra}
            for doc in documents
        ])

    def add_document_rows(self, documents: Sequence[dict[str, Any]]) -> list[int]:
        """``add_documents`` for documents given as their fields (uid, title, source, url,
        published, text, origin, extra), already checked as the ``Document`` model checks
        them: an import's bulk path, without a model per document. Returns their ids."""
        if not documents:
            return []
        for doc in documents:  # (the readers checked theirs; a script's documents are checked here)
            reason = doc["extra"] and bad_value(doc["extra"])
            if reason:
                raise CuratorError(f"document {doc['uid']!r}: its extra metadata cannot be stored: {reason}")
        now = utc_now()
        rows = [{**doc, "uid": nfc(doc["uid"]), "created": now,
                 "search": search_key(doc["uid"], doc["title"], doc["source"])} for doc in documents]
        with self._begin() as conn, _unique(
                "another import added articles with the same ids at the same time; nothing of this batch "
                "was added. Run the import again: it skips the articles already there"):
            # One executemany, then the new ids by uid: several times faster than RETURNING
            # a row at a time, which is what SQLite gets for an ordered RETURNING.
            _insert_many(conn, documents_table, rows)
            id_of: dict[str, int] = {}
            for chunk in _chunks([row["uid"] for row in rows], 500):
                id_of.update(_by_uid(conn, "id", chunk))
            ids = [id_of[row["uid"]] for row in rows]
        self._emit(DocumentsAdded(tuple(ids)))
        return ids

    def existing_uids(self, uids: Iterable[str]) -> dict[str, str]:
        """Map each of ``uids`` already in the project (in any spelling: see
        ``_spellings``) to that document's text."""
        found: dict[str, str] = {}
        with self._connect() as conn:
            for chunk, asked in _spellings(uids):
                for uid, text in _by_uid(conn, "text", chunk):
                    for given in asked[uid]:
                        found[given] = text
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
        row = self._row(sa.select(documents_table).where(documents_table.c.id == doc_id),
                        f"no document with id {doc_id}")
        return self._document(row)

    def document_by_uid(self, uid: str) -> Document | None:
        """The document with this id, in any spelling (``_spellings``), or None."""
        return self.documents_by_uid([uid]).get(uid)

    def documents_by_uid(self, uids: Iterable[str]) -> dict[str, Document]:
        """The documents among ``uids`` that are in the project, by the uid as given (in any
        spelling: see ``_spellings``): one query per 500."""
        found: dict[str, Document] = {}
        with self._connect() as conn:
            for chunk, asked in _spellings(uids):
                for row in conn.execute(sa.select(documents_table).where(documents_table.c.uid.in_(chunk))):
                    document = self._document(row)
                    for given in asked[row.uid]:
                        found[given] = document
        return found

    def documents_by_text(self, texts: Iterable[str]) -> dict[str, list[Document]]:
        """The documents whose text is one of ``texts``, by text, in id order (a file's
        documents named by the tool's own ids are matched by it). No index holds the
        texts: each 2,000 asked read them all once."""
        asked = sorted(set(texts))
        d = documents_table.c
        ids: dict[str, list[int]] = {}
        with self._connect() as conn:
            for first in range(0, len(asked), 2000):  # (each reads every text once: as few as the driver takes)
                for doc_id, text in conn.execute(sa.select(d.id, d.text).where(d.text.in_(asked[first:first + 2000]))
                                                 .order_by(d.id)):
                    ids.setdefault(text, []).append(doc_id)
        return {text: [self.get_document(doc_id) for doc_id in found] for text, found in ids.items()}

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

    def iter_texts(self, batch: int = 500) -> Iterator[list[tuple[int, str]]]:
        """Every document's ``(id, text)`` in id order, ``batch`` at a time (no models built)."""
        d = documents_table.c
        for _conn, rows in self._document_batches(batch, (d.id, d.text)):
            yield [(row.id, row.text) for row in rows]

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
            # SQLite finds the folded text with instr, twice as fast as the same LIKE (a
            # million keys: 0.11 s against 0.22 s); a million keys are read either way.
            matches = (sa.func.instr(d.search, fold(search)) > 0 if self.engine.dialect.name == "sqlite"
                       else d.search.like(like_pattern(search), escape="\\"))
            query = query.where(d.id.in_(sa.select(d.id).where(matches)))
        ordering = column.desc() if descending else column.asc()
        # Descending is ascending reversed, but for the documents without a value: last
        # either way (by id, in the direction asked), as ``document_id_page`` reads them.
        query = query.order_by(ordering.nulls_last(),
                               documents_table.c.id.desc() if descending else documents_table.c.id)
        with self._connect() as conn:  # fetched at once: a row at a time took 0.2 s for 100,000
            if sort == "id" and not search and conn.dialect.name == "sqlite":
                # The list's first read when a window opens. Every index holds the ids: read
                # them from a small one, sorted, rather than walking the table, whose rows
                # carry the texts (a project's whole size from a cold disk: 0.29 s against
                # 0.09 s for 100,000 articles). A project made before the index had none.
                try:
                    return _ids(conn.exec_driver_sql("SELECT id FROM documents INDEXED BY ix_documents_published "
                                                     "ORDER BY id" + (" DESC" if descending else "")))
                except sa.exc.OperationalError:  # no such index
                    pass
            return _ids(conn.execute(query))

    def document_id_range(self) -> tuple[int, int | None, int | None]:
        """How many documents there are, and their lowest and highest id (None if none)."""
        d = documents_table.c
        with self._connect() as conn:  # each its own query: together, SQLite reads every row for them
            count = conn.execute(sa.select(sa.func.count()).select_from(documents_table)).scalar_one()
            low = conn.execute(sa.select(sa.func.min(d.id))).scalar_one()
            high = conn.execute(sa.select(sa.func.max(d.id))).scalar_one()
        return count, low, high

    def document_id_runs(self) -> Runs:
        """Every document's id, as the runs of consecutive ids (first, last) in order. Ids
        are never given twice and a gap is an import undone, so a million ids are a few
        runs; the database finds them (a second at a million, off the interpreter's lock),
        where reading every id and comparing them in Python held the window's thread."""
        runs: Runs = []
        start = None
        with self._connect() as conn:
            for doc_id, prev, following in _run_ends(conn):
                if prev is None or prev != doc_id - 1:
                    start = doc_id
                if following is None or following != doc_id + 1:
                    runs.append((start, doc_id))
        return runs

    def document_ids_from(self, first: int, limit: int, descending: bool = False) -> list[int]:
        """Up to ``limit`` ids in id order from ``first`` on (down from it if ``descending``)."""
        d = documents_table.c
        query = (sa.select(d.id).where(d.id <= first).order_by(d.id.desc()) if descending
                 else sa.select(d.id).where(d.id >= first).order_by(d.id))
        with self._connect() as conn:
            return _ids(conn.execute(query.limit(limit)))

    def _page_column(self, sort: str) -> sa.ColumnElement:
        if sort not in PAGED_SORTS:
            raise CuratorError(f"cannot read documents a page at a time by {sort!r}")
        return SORT_COLUMNS[sort]

    def document_id_page(self, sort: str, offset: int, limit: int, *, descending: bool = False,
                         missing: bool = False) -> list[int]:
        """``limit`` ids from ``offset`` on in the list's order by ``sort`` (a column with an
        index: ``PAGED_SORTS``), of the documents with a value (by it, then by id), or with
        ``missing`` of those without one (by id), which the list shows after them. The
        column's index is walked, not the table: a page 900,000 rows in takes some 20 ms."""
        column, d = self._page_column(sort), documents_table.c
        if missing:
            query = sa.select(d.id).where(column.is_(None)).order_by(d.id.desc() if descending else d.id)
        else:
            query = sa.select(d.id).where(column.is_not(None)).order_by(
                *((column.desc(), d.id.desc()) if descending else (column, d.id)))
        with self._connect() as conn:
            return _ids(conn.execute(query.limit(limit).offset(offset)))

    def documents_missing(self, sort: str) -> int:
        """How many documents have no value in the column ``sort`` (``PAGED_SORTS``)."""
        column = self._page_column(sort)
        with self._connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(documents_table)
                                .where(column.is_(None))).scalar_one()

    def document_position(self, doc_id: int, sort: str, descending: bool = False) -> tuple[int, bool] | None:
        """Where document ``doc_id`` is in the order of ``document_id_page``: how many come
        before it in its part, and whether its part is that of the documents without a
        value; None if there is no such document."""
        column, d = self._page_column(sort), documents_table.c
        with self._connect() as conn:
            found = conn.execute(sa.select(column).where(d.id == doc_id)).first()
            if found is None:
                return None
            value = found[0]
            before = d.id > doc_id if descending else d.id < doc_id
            if value is None:
                where = sa.and_(column.is_(None), before)
            else:
                beyond = column > value if descending else column < value
                where = sa.and_(column.is_not(None), sa.or_(beyond, sa.and_(column == value, before)))
            count = conn.execute(sa.select(sa.func.count()).select_from(documents_table).where(where)).scalar_one()
        return count, value is None

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
        """Change editable metadata fields (and the extra metadata, whole); returns their
        previous values."""
        allowed = {"title", "source", "url", "published", "extra"}
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
        found: dict[int, DocumentStatus] = {}
        with self._connect() as conn:
            for doc_id, status in conn.execute(_progress(sa.select(p.doc_id, p.status), annotator, first, last)):
                if found.get(doc_id) is not DocumentStatus.DONE:
                    found[doc_id] = DocumentStatus(status)
        return found

    def statuses_with_times(self, annotator: str) -> dict[int, tuple[DocumentStatus, datetime]]:
        """An annotator's status of each document that has one set (to-do again counts), and when."""
        p = progress_table.c
        with self._connect() as conn:
            return {doc_id: (DocumentStatus(status), _parse_time(updated)) for doc_id, status, updated in
                    conn.execute(sa.select(p.doc_id, p.status, p.updated).where(p.annotator == annotator))}

    def done_by(self, annotator: str | None = None, first: int | None = None,
                last: int | None = None) -> dict[int, list[str]]:
        """Who marked each document done (only ``annotator``, if given; of documents
        ``first``..``last`` if given), names sorted; documents nobody finished are left out."""
        p = progress_table.c
        query = _progress(sa.select(p.doc_id, p.annotator).where(p.status == DocumentStatus.DONE.value), annotator,
                          first, last)
        found: dict[int, list[str]] = {}
        with self._connect() as conn:
            for doc_id, name in conn.execute(query):
                found.setdefault(doc_id, []).append(name)
        return {doc_id: sorted(names) for doc_id, names in found.items()}

    def status(self, doc_id: int, annotator: str) -> DocumentStatus:
        with self._connect() as conn:
            value = conn.execute(
                sa.select(progress_table.c.status).where(
                    progress_table.c.doc_id == doc_id, progress_table.c.annotator == annotator
                )
            ).scalar()
        return DocumentStatus(value) if value else DocumentStatus.TODO

    def set_status(self, doc_id: int, annotator: str, status: DocumentStatus,
                   updated: datetime | None = None) -> DocumentStatus:
        """Set an annotator's status for a document (as set at ``updated``, if not now:
        a status brought from another copy keeps its time); returns the previous status."""
        with self._begin() as conn:
            where = (progress_table.c.doc_id == doc_id, progress_table.c.annotator == annotator)
            before = conn.execute(sa.select(progress_table.c.status).where(*where)).scalar()
            values = {"status": status.value, "updated": utc(updated) if updated else utc_now()}
            if before is None:
                conn.execute(progress_table.insert().values(doc_id=doc_id, annotator=annotator, **values))
            else:
                conn.execute(progress_table.update().where(*where).values(**values))
        self._emit(DocumentChanged(doc_id))
        return DocumentStatus(before) if before else DocumentStatus.TODO

    def set_statuses(self, rows: Sequence[StatusRow], kept_after: datetime | None = None) -> list[StatusRow]:
        """Set each ``(doc_id, annotator, status, updated)`` in one transaction (a status of
        None: none set, as before any); returns what each changed was before, given back
        it puts them back (``row_swaps.swap_rows``, which says what is left as it is)."""
        with self._begin() as conn:
            before = swap_rows(conn, progress_table, ("doc_id", "annotator"), "status", rows, None, kept_after)
        for doc_id in dict.fromkeys(row[0] for row in before):
            self._emit(DocumentChanged(doc_id))
        return before

    def document_texts(self, ids: Sequence[int]) -> list[tuple[int, str, str]]:
        """``(id, uid, text)`` of the given documents, in id order."""
        d = documents_table.c
        found: list[tuple[int, str, str]] = []
        with self._connect() as conn:
            for chunk in _chunks(sorted(ids), 500):
                found.extend(tuple(row) for row in conn.execute(
                    sa.select(d.id, d.uid, d.text).where(d.id.in_(chunk)).order_by(d.id)))
        return found

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


def _progress(query: sa.Select, annotator: str | None, first: int | None, last: int | None) -> sa.Select:
    """``query`` of the progress table for one annotator (if given), of documents ``first``..``last``."""
    p = progress_table.c
    if annotator is not None:
        query = query.where(p.annotator == annotator)
    if first is not None:
        query = query.where(p.doc_id >= first)
    if last is not None:
        query = query.where(p.doc_id <= last)
    return query
