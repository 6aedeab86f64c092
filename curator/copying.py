"""Copying a project between databases, and consistent backups of a running one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa

from curator.errors import CuratorError
from curator.jobs import Job
from curator.store import DB_FILENAME, Store, is_url
from curator.tables import metadata

_BATCH = 5000


def copy_project(source: str | Path, target: str | Path, job: Job | None = None) -> dict[str, int]:
    """Copy every table of a project to a new, empty project (any two SQLAlchemy URLs or
    folders: SQLite to PostgreSQL and back). Returns the row count copied per table."""
    job = job or Job()
    src = Store.open(source)
    dst = Store.create(target)
    counts: dict[str, int] = {}
    try:
        with src.engine.connect() as read, dst.engine.begin() as write:
            for table in metadata.sorted_tables:  # parents before children
                write.execute(table.delete())
                result = read.execution_options(stream_results=True).execute(sa.select(table))
                counts[table.name] = 0
                while rows := result.fetchmany(_BATCH):
                    job.check()
                    write.execute(table.insert(), [dict(row._mapping) for row in rows])
                    counts[table.name] += len(rows)
                job.set_status(f"Copied {table.name}")
            if write.dialect.name == "postgresql":
                # Inserting explicit ids does not move the sequence; new documents must not collide.
                write.exec_driver_sql("SELECT setval(pg_get_serial_sequence('documents', 'id'), "
                                      "COALESCE((SELECT MAX(id) FROM documents), 0) + 1, false)")
    finally:
        src.close()
        dst.close()
    return counts


def backup_project(source: str | Path, target: str | Path) -> Path:
    """A consistent copy of a SQLite project, safe while the application is writing to it
    (SQLite's online backup API). The target is a new project folder."""
    if is_url(source):
        raise CuratorError("backup works on a project folder; for a database server use its own tools "
                           "(pg_dump) or 'curator copy' to a folder")
    database = Path(source) / DB_FILENAME
    if not database.is_file():
        raise CuratorError(f"{source}: not a Curator project (no {DB_FILENAME})")
    folder = Path(target)
    if (folder / DB_FILENAME).exists():
        raise CuratorError(f"{folder}: already holds a project; choose a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as src, sqlite3.connect(folder / DB_FILENAME) as dst:
        src.backup(dst)
    with sqlite3.connect(folder / DB_FILENAME) as check:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise CuratorError(f"{folder}: the backup failed its integrity check")
    return folder
