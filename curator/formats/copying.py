"""Copying a project between databases, and consistent backups of a running one.

Both build their result where no one sees it until it is whole: a new project folder
is built in a hidden folder beside the target and moved into place at the end
(``curator.formats.outputs.atomic_folder``); a project copied into a database server is
created, tables and rows, in one transaction. A copy or backup killed at any point
leaves the target as it was, and running it again completes it.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa

from curator.domain.jobs import Job
from curator.errors import CuratorError
from curator.formats.outputs import atomic_folder, check_folder_target
from curator.store import DB_FILENAME, Store, is_url
from curator.store.engine import make_engine, shown
from curator.store.id_counters import set_id_counters
from curator.store.migrate import stamp_head
from curator.store.tables import metadata

_BATCH = 5000


def copy_project(source: str | Path, target: str | Path, job: Job | None = None) -> dict[str, int]:
    """Copy every table of a project to a new, empty project (any two SQLAlchemy URLs or
    folders: SQLite to PostgreSQL and back). Returns the row count copied per table."""
    job = job or Job()
    if not is_url(target):
        check_folder_target(target)  # refused before the source is opened (and upgraded)
    src = Store.open(source)
    try:
        if is_url(target):
            return _copy_into(src, target, job)
        with atomic_folder(target) as building:
            return _copy_into(src, sa.engine.URL.create("sqlite", database=str(building / DB_FILENAME)), job)
    finally:
        src.close()


def _copy_into(src: Store, target: str | sa.engine.URL, job: Job) -> dict[str, int]:
    """Create the project's tables at ``target`` and copy every row, in one transaction."""
    engine = _transactional_engine(target)
    counts: dict[str, int] = {}
    try:
        try:  # the target's own errors name the target, not the project copied
            with engine.connect() as probe:
                taken = set(sa.inspect(probe).get_table_names()) & set(metadata.tables)
        except sa.exc.SQLAlchemyError as exc:
            raise CuratorError(f"{shown(target)}: not a database a project can be copied into "
                               f"({getattr(exc, 'orig', None) or exc})") from exc
        if "meta" in taken:
            raise CuratorError(f"{shown(target)}: a Curator project already exists in this database")
        if taken:
            raise CuratorError(f"{shown(target)}: the database already has tables a project uses "
                               f"({', '.join(sorted(taken))}); copy into an empty database")
        with src.engine.connect() as read, engine.begin() as write:
            if sa.inspect(write).has_table("meta"):
                raise CuratorError(f"{shown(target)}: a Curator project already exists in this database")
            metadata.create_all(write)
            stamp_head(write)
            for table in metadata.sorted_tables:  # parents before children
                result = read.execution_options(stream_results=True).execute(sa.select(table))
                counts[table.name] = 0
                while rows := result.fetchmany(_BATCH):
                    job.check()
                    write.execute(table.insert(), [dict(row._mapping) for row in rows])
                    counts[table.name] += len(rows)
                job.set_status(f"Copied {table.name}")
            # Inserting explicit ids does not move PostgreSQL's sequences, and SQLite's counter
            # only to the largest id copied: new documents and history entries must not take
            # an id in use or one the history keeps to put back.
            set_id_counters(write)
    finally:
        engine.dispose()
    return counts


def _transactional_engine(url: str | sa.engine.URL) -> sa.Engine:
    """The project's engine, on SQLite with the driver's own transaction handling off:
    it would commit each CREATE TABLE at once, and a killed copy would leave empty tables.
    (A folder's database is named by a ``URL`` object: in a URL string, a folder named
    with '?' or '#' would be cut short.)"""
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        def no_driver_transactions(dbapi_connection, _record) -> None:
            dbapi_connection.isolation_level = None

        def begin(connection: sa.Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        sa.event.listen(engine, "connect", no_driver_transactions)
        sa.event.listen(engine, "begin", begin)
    return engine


def backup_project(source: str | Path, target: str | Path) -> Path:
    """A consistent copy of a SQLite project, safe while the application is writing to it
    (SQLite's online backup API). The target is a new project folder."""
    if is_url(source):
        raise CuratorError("backup works on a project folder; for a database server use its own tools "
                           "(pg_dump) or 'curator copy' to a folder")
    database = Path(source).expanduser().resolve() / DB_FILENAME
    if not database.is_file():
        raise CuratorError(f"{source}: not a Curator project (no {DB_FILENAME})")
    if not str(target).strip():  # Path("") is the current folder
        raise CuratorError("backup needs a new folder to write the copy to")
    folder = Path(target)
    if (folder / DB_FILENAME).exists():
        raise CuratorError(f"{folder}: already holds a project; choose a new folder")
    # A file URI built by hand breaks on folders named with '#', '?' or '%'.
    read_only = f"{database.as_uri()}?mode=ro"
    with atomic_folder(folder) as building:
        copy = building / DB_FILENAME
        with closing(sqlite3.connect(read_only, uri=True)) as src, closing(sqlite3.connect(copy)) as dst:
            src.backup(dst)
        with closing(sqlite3.connect(copy)) as check:
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise CuratorError(f"{folder}: the backup failed its integrity check; nothing was written")
    return folder
