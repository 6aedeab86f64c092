"""Taking what an import added out of a project, and putting it back: the store's half of
undoing and redoing an import.

What is taken out is kept, as JSON-ready rows, by the caller (the history's redo entry),
never by the store: the project holds no hidden copies of removed documents."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError

from curator.domain.models import Annotation, Relation
from curator.errors import StepOutdated
from curator.store.events import (
    AnnotationRemoved,
    DocumentsAdded,
    DocumentsRemoved,
    RelationsChanged,
)
from curator.store.rows import _chunks, _insert_many
from curator.store.tables import (
    annotations_table,
    categories_table,
    documents_table,
    progress_table,
    relation_suggestions_table,
    relations_table,
    review_items_table,
    reviews_table,
    suggestions_table,
)

# Every table of rows that belong to a document, the documents first (put back first), the
# relations after the spans they join.
DOCUMENT_TABLES: tuple[sa.Table, ...] = (documents_table, annotations_table, progress_table, suggestions_table,
                                         reviews_table, review_items_table, categories_table, relations_table,
                                         relation_suggestions_table)
Rows = dict[str, list[dict[str, Any]]]


def _to_json(table: sa.Table, row: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, (date, datetime)) else value for key, value in row.items()}


def _from_json(table: sa.Table, row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        kind = table.c[key].type
        if value is not None and isinstance(kind, sa.DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(kind, sa.Date):
            value = date.fromisoformat(value)
        out[key] = value
    return out


def _fitting(rows: Rows) -> dict[sa.Table, list[dict[str, Any]]]:
    """Rows kept to put back, read for the tables as they are now; ``StepOutdated`` naming
    the table, row and column when the tables changed since (a column renamed or dropped,
    one added that a row must have, a table gone): the history reads rows by column name."""
    known = {table.name: table for table in DOCUMENT_TABLES}
    gone = sorted(set(rows) - set(known))
    if gone:
        raise StepOutdated(f"it keeps rows of {', '.join(gone)}, a table the project no longer has")
    fitting = {}
    for table in DOCUMENT_TABLES:
        needed = {column.name for column in table.columns
                  if not column.nullable and column.default is None and column.server_default is None}
        fitting[table] = []
        for number, row in enumerate(rows.get(table.name, []), 1):
            unknown, missing = sorted(set(row) - set(table.c.keys())), sorted(needed - set(row))
            if unknown or missing:
                why = (f"column {', '.join(map(repr, unknown))}, which the table no longer has" if unknown else
                       f"no {', '.join(map(repr, missing))}, which the table now needs")
                raise StepOutdated(f"row {number:,} of {table.name} it keeps has {why}")
            try:
                fitting[table].append(_from_json(table, row))
            except (TypeError, ValueError) as exc:
                raise StepOutdated(f"row {number:,} of {table.name} it keeps cannot be read ({exc})") from exc
    return fitting


def outdated(what: str, exc: ValidationError) -> StepOutdated:
    """A kept row the domain's model no longer reads, as ``StepOutdated``."""
    problem = exc.errors()[0]
    where = ".".join(str(part) for part in problem.get("loc", ())) or "a field"
    return StepOutdated(f"{what} it keeps no longer fits ({where}: {problem.get('msg', exc)})")


def id_ranges(ids: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted ids as (first, last) runs: an import's ids are mostly one run, however many."""
    ranges: list[tuple[int, int]] = []
    for doc_id in sorted(set(ids)):
        if ranges and ranges[-1][1] == doc_id - 1:
            ranges[-1] = (ranges[-1][0], doc_id)
        else:
            ranges.append((doc_id, doc_id))
    return ranges


def _in_ranges(column: sa.ColumnElement, ranges: Sequence[tuple[int, int]]) -> sa.ColumnElement:
    return sa.or_(*(column.between(first, last) for first, last in ranges)) if ranges else sa.false()


def _range_chunks(ranges: Sequence[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Runs of ids a few hundred at a time: SQLite refuses an expression of a thousand
    ORs (its tree's depth), which an import interleaved with others' can have."""
    ranges = [tuple(pair) for pair in ranges]  # type: ignore[misc]
    return [ranges[i:i + 300] for i in range(0, len(ranges), 300)] or [[]]


class RemovalStore:
    """Part of ``Store``: whole documents, and single spans, taken out and put back."""

    def documents_in(self, ranges: Sequence[tuple[int, int]]) -> int:
        with self._connect() as conn:
            return sum(conn.execute(sa.select(sa.func.count()).select_from(documents_table)
                                    .where(_in_ranges(documents_table.c.id, chunk))).scalar_one()
                       for chunk in _range_chunks(ranges))

    def work_since(self, ranges: Sequence[tuple[int, int]], since: datetime) -> str | None:
        """What was done on the documents in ``ranges`` after ``since`` (spans, statuses,
        categories, review decisions), in a few words; None if nothing was."""
        checks = ((annotations_table, annotations_table.c.updated, "span"),
                  (progress_table, progress_table.c.updated, "status"),
                  (categories_table, categories_table.c.updated, "category choice"),
                  (reviews_table, reviews_table.c.created, "review decision"),
                  (relations_table, relations_table.c.created, "relation"))
        found = []
        with self._connect() as conn:
            for table, when, noun in checks:
                count = sum(conn.execute(sa.select(sa.func.count()).select_from(table).where(
                    _in_ranges(table.c.doc_id, chunk), when > since)).scalar_one() for chunk in _range_chunks(ranges))
                if count:
                    found.append(f"{count:,} {noun}{'s' if count != 1 else ''}")
        return ", ".join(found) or None

    def take_out_documents(self, ranges: Sequence[tuple[int, int]], keep: bool = True) -> Rows:
        """Delete the documents whose ids lie in ``ranges`` with every row that belongs to
        them; their rows, JSON-ready, to put back (none if not ``keep``)."""
        taken: Rows = {}
        chunks = _range_chunks(ranges)
        with self._begin() as conn:
            ids = [doc_id for chunk in chunks for doc_id in conn.execute(
                sa.select(documents_table.c.id).where(_in_ranges(documents_table.c.id, chunk))).scalars()]
            for table in reversed(DOCUMENT_TABLES):
                column = table.c.id if table is documents_table else table.c.doc_id
                for chunk in chunks:
                    if keep:
                        rows = conn.execute(sa.select(table).where(_in_ranges(column, chunk))).mappings()
                        taken.setdefault(table.name, []).extend(_to_json(table, dict(row)) for row in rows)
                    conn.execute(table.delete().where(_in_ranges(column, chunk)))
        if ids:
            self._emit(DocumentsRemoved(tuple(ids)))
        return taken

    def put_back_documents(self, rows: Rows) -> list[int]:
        """Insert rows that ``take_out_documents`` took (documents first); their ids."""
        ids: list[int] = []
        fitting = _fitting(rows)  # (before anything is written)
        with self._begin() as conn:
            for table in DOCUMENT_TABLES:
                taken = fitting[table]
                for chunk in _chunks(taken, 2000):
                    _insert_many(conn, table, chunk)
                if table is documents_table:
                    ids = [row["id"] for row in taken]
        if ids:
            self._emit(DocumentsAdded(tuple(ids)))
        return ids

    def take_out_relations(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """Delete relations by id (those still there); the relations, JSON-ready, to put back."""
        r = relations_table.c
        with self._begin() as conn:
            taken = []
            for chunk in _chunks(list(ids), 500):
                taken += [_to_json(relations_table, dict(row)) for row in
                          conn.execute(sa.select(relations_table).where(r.id.in_(chunk))).mappings()]
                conn.execute(relations_table.delete().where(r.id.in_(chunk)))
        for doc_id, annotator in sorted({(row["doc_id"], row["annotator"]) for row in taken}):
            self._emit(RelationsChanged(doc_id, annotator))
        return taken

    def put_back_relations(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert relations taken out; one whose end went since stays out, as the span's
        deletion would have taken it along had it been there."""
        try:
            relations = [Relation.model_validate(row) for row in rows]
        except ValidationError as exc:
            raise outdated("a relation", exc) from exc
        self.restore_relations(relations)  # type: ignore[attr-defined]

    def take_out_annotations(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """Delete spans by id (those still there); the spans, JSON-ready, to put back."""
        with self._begin() as conn:
            spans = list(self.annotations_by_id(ids).values())
            for chunk in _chunks([span.id for span in spans], 500):
                conn.execute(annotations_table.delete().where(annotations_table.c.id.in_(chunk)))
        for span in spans:
            self._emit(AnnotationRemoved(span))
        return [span.model_dump(mode="json") for span in spans]

    def put_back_annotations(self, rows: Sequence[dict[str, Any]]) -> None:
        try:
            spans = [Annotation.model_validate(row) for row in rows]
        except ValidationError as exc:
            raise outdated("a span", exc) from exc
        self.add_annotations(spans, labels_checked=False)  # type: ignore[attr-defined]
