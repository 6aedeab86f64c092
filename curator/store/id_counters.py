"""The counters that give new documents their ids and history entries their numbers,
set above every id in use and every document id the history keeps to put back: a
project copied (to another backend, or another file) never gives an id twice either,
as its own database never does (migration 0012 on SQLite, sequences on PostgreSQL)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from curator.store.tables import documents_table, history_table


def document_ids_kept(value: Any, under_documents: bool = False) -> list[int]:
    """Every document id in a history entry's JSON: the ``doc_id`` of any row it keeps,
    and the ``id`` of the rows of documents it keeps to put back."""
    found: list[int] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, int) and not isinstance(item, bool) and (
                    key == "doc_id" or (key == "id" and under_documents)):
                found.append(item)
            else:
                found += document_ids_kept(item, key == "documents")
    elif isinstance(value, list):
        for item in value:
            found += document_ids_kept(item, under_documents)
    return found


def largest_document_id(conn: sa.Connection) -> int:
    """The largest document id in use or kept by the history to put back (0: none)."""
    largest = conn.execute(sa.select(sa.func.max(documents_table.c.id))).scalar() or 0
    h = history_table.c
    for undo, redo in conn.execute(sa.select(h.undo, h.redo)):
        largest = max([largest, *document_ids_kept(undo), *document_ids_kept(redo)])
    return largest


def set_id_counters(conn: sa.Connection) -> None:
    """Make the next document id and history number larger than any in use or kept."""
    documents = largest_document_id(conn)
    history = conn.execute(sa.select(sa.func.max(history_table.c.seq))).scalar() or 0
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name IN ('documents', 'history')")
        conn.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES ('documents', ?), ('history', ?)",
                             (documents, history))
    elif conn.dialect.name == "postgresql":
        for table, column, largest in (("documents", "id", documents), ("history", "seq", history)):
            conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), :next, false)"),
                         {"next": largest + 1})
