"""Stored rows as the store reads and writes them: times, JSON values, bulk inserts, and
the database's refusal of a second copy of something unique."""

from __future__ import annotations

import contextlib
import itertools
import json
import operator
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timezone
from typing import Any, NamedTuple

import sqlalchemy as sa
from pydantic import TypeAdapter

from curator.domain.model_base import DEFERRED
from curator.domain.models import (
    Annotation,
)
from curator.errors import DuplicateError, StepOutdated
from curator.store.tables import (
    annotations_table,
    documents_table,
)


class ExportedDocumentRow(NamedTuple):
    """A document's exported fields as read for an export."""

    id: int
    uid: str
    title: str | None
    source: str | None
    url: str | None
    published: date | str | None
    text: str
    extra: Any  # a dict; on SQLite's fast path, whatever the stored JSON text reads as (see _stored_extra)


def _stored_date(stored: str | None) -> date | str | None:
    """A date SQLite keeps as text, as a ``date``; text that is not one stays as it is
    (and fails validation where it is exported)."""
    try:
        return date.fromisoformat(stored) if stored else None
    except (TypeError, ValueError):
        return stored


def _stored_extra(stored: str | None) -> Any:
    """A document's extra metadata SQLite keeps as JSON text, as a dict; anything else
    comes back as read (and fails validation where it is exported). Read for every
    document an export writes, most of which hold none: not parsed then, a sixth of the
    export's reading. (Not orjson: it reads an integer wider than 64 bits as a float.)"""
    if stored == "{}":  # (a new dict for each document, as a parsed one would be)
        return {}
    try:
        return json.loads(stored)
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


_ANNOTATIONS = TypeAdapter(list[Annotation], config=DEFERRED)


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


def _insert_many(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]], skip_taken: bool = False) -> None:
    """Insert rows that all have the same keys (``skip_taken``: a row whose key or unique
    place another row has is left out, not refused). On SQLite the values go straight to
    the driver's executemany, converted by the columns' own types: SQLAlchemy's per-row
    parameter handling took longer than SQLite's insert."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        _insert_rows(conn, table, rows, skip_taken)
        return
    insert_columns(conn, table, {key: [row[key] for row in rows] for key in rows[0]}, skip_taken)


def _insert_rows(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]], skip_taken: bool) -> None:
    if skip_taken and conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert

        conn.execute(insert(table).on_conflict_do_nothing(), rows)
    else:
        conn.execute(table.insert(), rows)


def insert_columns(conn: sa.Connection, table: sa.Table, columns: Columns, skip_taken: bool = False) -> None:
    """``_insert_many`` for rows given as ``Columns`` (of equal length): on SQLite no row
    is ever a dict."""
    if not columns or not next(iter(columns.values())):
        return
    if conn.dialect.name != "sqlite":
        count = len(next(iter(columns.values())))
        for first in range(0, count, 5000):  # (a few thousand rows as dicts at a time)
            _insert_rows(conn, table, column_rows({name: values[first:first + 5000]
                                                   for name, values in columns.items()}), skip_taken)
        return
    keys = list(columns)
    quote = conn.dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, keys))}) "
           f"VALUES ({', '.join('?' * len(keys))}){' ON CONFLICT DO NOTHING' if skip_taken else ''}")
    converted = []
    for key in keys:
        convert = table.c[key].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        converted.append(columns[key] if convert is None else _converted(columns[key], convert))
    conn.exec_driver_sql(sql, list(zip(*converted)))


def _converted(values: list[Any], convert: Callable[[Any], Any]) -> list[Any]:
    """A column's values converted for the driver; converted once when every row holds the
    same value (a batch's one time of creation, a span's null value)."""
    first = values[0]
    if all(value is first for value in values):
        return [convert(first)] * len(values)
    return [convert(value) for value in values]


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



# A table's rows kept by the history, one JSON-ready list per column (a label's spans or
# suggestions, to put back on undo): a hundred thousand rows are a dozen lists, not a
# hundred thousand models or dicts, and encode and decode at C speed.
Columns = dict[str, list[Any]]
_REPEATED = frozenset({"label", "annotator", "source", "status"})  # few values, each kept once


def read_columns(result: sa.Result, times: Sequence[str] = (), documents: Sequence[str] = ()) -> Columns:
    """The rows of ``result`` as ``Columns``, read a batch at a time: ``times`` (read as
    text or datetimes) become ISO text, ``documents`` (JSON read as text or decoded) are
    decoded; the few values of a repeated column (a label, an annotator) are kept once."""
    names = list(result.keys())
    columns: Columns = {name: [] for name in names}
    for part in result.partitions(10_000):
        for name, values in zip(names, zip(*part)):
            if name in times:
                values = tuple(v.isoformat() if isinstance(v, datetime) else v for v in values)
            elif name in documents:
                values = tuple(map(stored_json, values))
            elif name in _REPEATED:
                values = tuple(sys.intern(v) if isinstance(v, str) else v for v in values)
            columns[name].extend(values)
    return columns


def going_with_label(table: sa.Table, source: str, target: str | None) -> sa.ColumnElement:
    """The rows (spans or suggestions) of label ``source`` that moving it to ``target``
    deletes: all of them (``target`` None: the label deleted), else those that meet a
    ``target`` row of their annotator at their bounds (the two become one)."""
    c = table.c
    going = c.label == source
    if target is None:
        return going
    twin = table.alias("twin")
    return going & sa.exists().where(twin.c.label == target, twin.c.doc_id == c.doc_id,
                                     twin.c.annotator == c.annotator, twin.c.start == c.start, twin.c.end == c.end)


def column_count(columns: Columns) -> int:
    return len(next(iter(columns.values()), []))


def fitting_columns(table: sa.Table, columns: Columns, what: str) -> Columns:
    """Kept ``columns`` checked against ``table`` as it is now: ``StepOutdated`` naming the
    column when the table lost one the rows have, or gained one they lack and must have."""
    unknown = sorted(set(columns) - set(table.c.keys()))
    needed = {column.name for column in table.columns
              if not column.nullable and column.default is None and column.server_default is None}
    missing = sorted(needed - set(columns)) if columns else []
    if unknown or missing:
        why = (f"column {', '.join(map(repr, unknown))}, which the table no longer has" if unknown else
               f"no {', '.join(map(repr, missing))}, which the table now needs")
        raise StepOutdated(f"the {what} it keeps have {why}")
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise StepOutdated(f"the {what} it keeps are damaged (columns of {', '.join(map(str, sorted(lengths)))} rows)")
    return columns


def column_rows(columns: Columns) -> list[dict[str, Any]]:
    """``Columns`` as rows (dicts)."""
    names = list(columns)
    return [dict(zip(names, values)) for values in zip(*columns.values())]


def kept_columns(columns: Columns, keep: Sequence[bool]) -> Columns:
    """The rows of ``columns`` that ``keep`` says, as ``Columns`` (the same when all are)."""
    if all(keep):
        return columns
    return {name: [value for value, kept in zip(values, keep) if kept] for name, values in columns.items()}


def documents_present(conn: sa.Connection, doc_ids: Iterator[int] | Sequence[int] | set[int]) -> set[int]:
    """Those of ``doc_ids`` whose document is still there: rows put back by an undo or a
    redo leave out those whose document was deleted since (its deletion would have taken
    them along), rather than fail on the foreign key."""
    present: set[int] = set()
    for chunk in _chunks(sorted(set(doc_ids)), 500):
        present.update(conn.execute(sa.select(documents_table.c.id).where(documents_table.c.id.in_(chunk))).scalars())
    return present
