"""Document ids (and history entries' numbers) never given twice on SQLite: the documents
and history tables rebuilt with AUTOINCREMENT, every row, index and foreign key kept.

Without it SQLite gives the largest id again once its row is gone: an undone import's
documents' ids went to the next import, and the first import's redo was refused. The
numbers are now never reused, also those that rows kept by the history still hold: the
counter starts above every document id the history keeps to put back.

On PostgreSQL a serial column's sequence never gives a value twice (rows put back with
their ids take values it gave before); only a project an older Curator copied there has
its sequences behind (the history's at 1): they are set above every id in use or kept.

The rebuild is SQLite's own recipe (a new table, the rows copied, the old one dropped,
the new one renamed), in the migration's one transaction, with foreign keys off for it
(``migrate.upgrade`` turns them off before the transaction begins): with them on,
dropping the old documents table would delete every row that belongs to a document.
Both tables' rows are copied first, a batch at a time, and the rows copied of rows in
all reported after each batch: at a million articles the copy takes minutes.

Revision ID: 0012
Revises: 0011
"""

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

from curator.store import migration_progress
from curator.store.migrate import migration_job
from curator.store.migration_progress import UPDATING

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None
summary = "rebuilding the documents and history tables"  # the step as the user reads it while it runs


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


def _new_table(connection: sa.Connection, make: Any, name: str, autoincrement: bool) -> sa.Table:
    """Table ``name`` as ``make`` defines it, made empty beside the old one as ``_new_<name>``."""
    new = make(sa.MetaData(), f"_new_{name}", autoincrement)
    unknown = sorted({row[1] for row in connection.exec_driver_sql(f'PRAGMA table_info("{name}")')}
                     - {column.name for column in new.columns})
    if unknown:  # (added by hand, or by another program): the rebuild would drop what they hold
        raise RuntimeError(f"migration 0012 rebuilds the {name} table, which has column(s) Curator does not know: "
                           f"{', '.join(unknown)}. Rebuilt, their values would be lost, so nothing was changed: "
                           "keep what they hold elsewhere and drop them, then open the project again")
    new.create(connection)
    return new


def _copy_rows(connection: sa.Connection, new: sa.Table, name: str, copied: Callable[[int], None]) -> None:
    """Every row of ``name`` into ``new``, in order of their key, a batch at a time,
    telling ``copied`` how many each batch copied."""
    key = f'"{next(iter(new.primary_key)).name}"'
    columns = ", ".join(f'"{column.name}"' for column in new.columns)
    last, at_once = None, int(migration_progress.ROWS_AT_ONCE)
    while True:
        after = "" if last is None else f"WHERE {key} > {int(last)} "
        count = connection.exec_driver_sql(f'INSERT INTO "{new.name}" ({columns}) SELECT {columns} FROM "{name}" '
                                           f"{after}ORDER BY {key} LIMIT {at_once}").rowcount
        if count <= 0:
            return
        copied(count)
        last = connection.exec_driver_sql(f'SELECT max({key}) FROM "{new.name}"').scalar()


def _replace(connection: sa.Connection, tables: dict[str, tuple[Any, tuple]], autoincrement: bool) -> None:
    """Each old table dropped and its copy renamed to it (long: every page of the old one is
    freed), then their indexes made again, each step told to the migration's job."""
    job = migration_job()
    job.set_status(f"{UPDATING}: removing the old tables")
    job.set_progress(0, 0)
    for name in tables:
        connection.exec_driver_sql(f'DROP TABLE "{name}"')  # (its indexes go with it)
        connection.exec_driver_sql(f'ALTER TABLE "_new_{name}" RENAME TO "{name}"')
    indexes = [(make(sa.MetaData(), name, autoincrement), index) for name, (make, made) in tables.items()
               for index in made]
    job.set_status(f"{UPDATING}: indexing the rebuilt tables")
    for number, (table, (index_name, index_columns)) in enumerate(indexes):
        job.set_progress(number, len(indexes))
        sa.Index(index_name, *(table.c[column] for column in index_columns)).create(connection)
    job.set_progress(len(indexes), len(indexes))


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
    job = migration_job()
    problems = _foreign_key_problems(connection)
    tables = {"documents": (_documents, _DOCUMENT_INDEXES), "history": (_history, _HISTORY_INDEXES)}
    counts = {name: connection.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar() for name in tables}
    news = {name: _new_table(connection, make, name, autoincrement) for name, (make, _indexes) in tables.items()}
    done, total = 0, sum(counts.values())

    def copied(rows: int) -> None:
        nonlocal done
        done += rows
        job.set_progress(done, total)

    job.set_progress(0, total)
    for name, new in news.items():
        _copy_rows(connection, new, name, copied)
    _replace(connection, tables, autoincrement)
    job.set_status(f"{UPDATING}: checking that every row was kept")
    job.set_progress(0, 0)
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


def _postgresql() -> None:
    """A project copied to PostgreSQL by an older Curator: the history's sequence left at 1
    and the documents' at the largest id copied. Each is set above every id in use or kept
    to put back, never lowered (a sequence never gives a value twice)."""
    connection = op.get_bind()
    history = connection.exec_driver_sql("SELECT max(seq) FROM history").scalar() or 0
    for table, column, largest in (("documents", "id", _largest_document_id(connection)), ("history", "seq", history)):
        sequence = f"pg_get_serial_sequence('{table}', '{column}')"
        given = connection.exec_driver_sql(f"SELECT pg_sequence_last_value({sequence}::regclass)").scalar() or 0
        if largest > given:
            connection.exec_driver_sql(f"SELECT setval({sequence}, {int(largest)})")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite(autoincrement=True)
    elif op.get_bind().dialect.name == "postgresql":
        _postgresql()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite(autoincrement=False)
