"""Document ids (and history entries' numbers) never given twice on SQLite: the documents
and history tables rebuilt with AUTOINCREMENT, every row, index and foreign key kept.

Without it SQLite gives the largest id again once its row is gone: an undone import's
documents' ids went to the next import, and the first import's redo was refused. The
numbers are now never reused, also those that rows kept by the history still hold: the
counter starts above every document id the history keeps to put back.

PostgreSQL needs nothing: a serial column's sequence never gives a value twice (rows put
back with their ids take values it gave before).

The rebuild is SQLite's own recipe (a new table, the rows copied, the old one dropped,
the new one renamed), in the migration's one transaction, with foreign keys off for it
(``migrate.upgrade`` turns them off before the transaction begins): with them on,
dropping the old documents table would delete every row that belongs to a document.

Revision ID: 0012
Revises: 0011
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _documents(metadata: sa.MetaData, name: str, autoincrement: bool) -> sa.Table:
    """The documents table as revision 0011 left it (indexes named for ``name``)."""
    table = sa.Table(
        name, metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("uid", sa.String(200), nullable=False, unique=True),
        sa.Column("title", sa.Text),
        sa.Column("source", sa.String(300)),
        sa.Column("url", sa.Text),
        sa.Column("published", sa.Date),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("origin", sa.Text),
        sa.Column("extra", sa.JSON, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("search", sa.Text),
        sqlite_autoincrement=autoincrement,
    )
    return table


_DOCUMENT_INDEXES = (("ix_documents_title", ["title"]), ("ix_documents_source", ["source"]),
                     ("ix_documents_published", ["published"]), ("ix_documents_search", ["search"]))


def _history(metadata: sa.MetaData, name: str, autoincrement: bool) -> sa.Table:
    return sa.Table(
        name, metadata,
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("annotator", sa.String(100), nullable=False),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("doc_id", sa.Integer, nullable=False),
        sa.Column("undo", sa.JSON, nullable=False),
        sa.Column("redo", sa.JSON, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sqlite_autoincrement=autoincrement,
    )


_HISTORY_INDEXES = (("ix_history_annotator_seq", ["annotator", "done", "seq"]),)


def _foreign_key_problems(connection: sa.Connection) -> int:
    return len(connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall())


def _rebuild(connection: sa.Connection, make: Any, name: str, indexes: tuple, autoincrement: bool) -> None:
    """Rebuild table ``name`` as ``make`` defines it, rows and indexes kept."""
    new = make(sa.MetaData(), f"_new_{name}", autoincrement)
    new.create(connection)
    columns = ", ".join(f'"{column.name}"' for column in new.columns)
    connection.exec_driver_sql(f'INSERT INTO "{new.name}" ({columns}) SELECT {columns} FROM "{name}"')
    connection.exec_driver_sql(f'DROP TABLE "{name}"')  # (its indexes go with it)
    connection.exec_driver_sql(f'ALTER TABLE "{new.name}" RENAME TO "{name}"')
    table = make(sa.MetaData(), name, autoincrement)
    for index_name, index_columns in indexes:
        sa.Index(index_name, *(table.c[column] for column in index_columns)).create(connection)


def _document_ids_kept(value: Any, under_documents: bool = False) -> list[int]:
    """Every document id in a history entry's JSON: ``doc_id`` of any row, and ``id`` of
    the rows of documents it keeps to put back."""
    found: list[int] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, int) and not isinstance(item, bool) and (
                    key == "doc_id" or (key == "id" and under_documents)):
                found.append(item)
            else:
                found += _document_ids_kept(item, key == "documents")
    elif isinstance(value, list):
        for item in value:
            found += _document_ids_kept(item, under_documents)
    return found


def _largest_document_id(connection: sa.Connection) -> int:
    largest = connection.exec_driver_sql("SELECT max(id) FROM documents").scalar() or 0
    for undo, redo in connection.exec_driver_sql("SELECT undo, redo FROM history"):
        for data in (undo, redo):
            try:
                kept = _document_ids_kept(json.loads(data) if isinstance(data, str) else data)
            except ValueError:  # (an entry that cannot be read is refused when undone, as before)
                continue
            largest = max([largest, *kept])
    return largest


def _sqlite(autoincrement: bool) -> None:
    connection = op.get_bind()
    if connection.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("migration 0012 rebuilds the documents table: it must run with SQLite's foreign keys "
                           "off (as Curator's upgrade runs it), or every row that belongs to a document would go")
    problems = _foreign_key_problems(connection)
    counts = {name: connection.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar()
              for name in ("documents", "history")}
    _rebuild(connection, _documents, "documents", _DOCUMENT_INDEXES, autoincrement)
    _rebuild(connection, _history, "history", _HISTORY_INDEXES, autoincrement)
    for name, count in counts.items():
        if connection.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar() != count:
            raise RuntimeError(f"migration 0012 lost rows of {name}; nothing was changed")
    if _foreign_key_problems(connection) > problems:
        raise RuntimeError("migration 0012 left rows without their document; nothing was changed")
    if autoincrement:  # the counters start above every id in use or kept to put back
        connection.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name IN ('documents', 'history')")
        history = connection.exec_driver_sql("SELECT max(seq) FROM history").scalar() or 0
        connection.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES ('documents', ?), ('history', ?)",
                                   (_largest_document_id(connection), history))


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite(autoincrement=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite(autoincrement=False)
