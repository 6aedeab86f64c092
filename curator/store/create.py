"""Creating a project's database, stamped with the newest revision and holding the
project's settings.

A folder gets its SQLite file from Python's own driver, through the statements that
SQLAlchemy renders for the tables, rendered once into ``sqlite_schema``: creating a
project (all of ``curator init``) then imports no SQLAlchemy, a fifth of a second of
every new project. ``python -m curator.store.create`` renders them again after the
tables change; a test holds the file to the tables, and the database it makes to the one
SQLAlchemy creates. A database URL (PostgreSQL) is created through SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from curator.errors import CuratorError
from curator.store import engine as engines
from curator.store.engine import DB_FILENAME, SCHEMA_VERSION, database_file, is_url
from curator.store.sqlite_schema import REVISION, STATEMENTS


def create_database(target: str | Path, project_json: str) -> None:
    """Create a new, empty project at ``target`` (a folder or a database URL) whose
    settings are ``project_json`` (a ``Project``'s ``model_dump_json()``)."""
    if is_url(target):
        _create_through_sqlalchemy(str(target), project_json)
        return
    folder = Path(target).expanduser()
    if (folder / DB_FILENAME).exists():
        if not _holds_a_project(folder / DB_FILENAME):
            raise CuratorError(f"{folder}: {DB_FILENAME} here is not a Curator project (another program's "
                               "database?); nothing was created. Make the project in another folder")
        raise CuratorError(f"{folder}: a Curator project already exists here")
    if folder.exists() and not folder.is_dir():
        raise CuratorError(f"{folder}: not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(database_file(folder), isolation_level=None)) as connection:
        engines._configure_sqlite(connection, None)  # as every connection of the project's engine
        with connection:  # one transaction: the project whole, or nothing
            connection.execute("BEGIN IMMEDIATE")
            if connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone():
                raise CuratorError(f"{engines.shown(target)}: a Curator project already exists in this database")
            for statement in STATEMENTS:
                connection.execute(statement)
            connection.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (REVISION,))
            connection.executemany('INSERT INTO meta ("key", value) VALUES (?, ?)', _meta_rows(project_json))


def _holds_a_project(path: Path) -> bool:
    """Whether the SQLite file at ``path`` holds a Curator project (read only: nothing of it
    changes, its journal mode included)."""
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
            return engines._ours_or_empty(connection.cursor()) and bool(
                connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone())
    except sqlite3.Error:
        return False


def _meta_rows(project_json: str) -> list[tuple[str, str]]:
    return [("schema_version", str(SCHEMA_VERSION)), ("project", project_json)]


def _create_through_sqlalchemy(url: str, project_json: str) -> None:
    import sqlalchemy as sa

    from curator.store.migrate import _migration_lock, stamp_head
    from curator.store.tables import meta_table, metadata

    made = engines.make_engine(url)
    try:
        with made.begin() as conn:
            _migration_lock(conn)  # two programs creating one project at once: the second finds it made
            if sa.inspect(conn).has_table("meta"):
                raise CuratorError(f"{engines.shown(url)}: a Curator project already exists in this database")
            taken = sorted(set(sa.inspect(conn).get_table_names()) & {*metadata.tables, "alembic_version"})
            if taken:  # another program's: its tables would be taken for a project's, and fail later
                raise CuratorError(f"{engines.shown(url)}: the database holds another program's tables of the names a "
                                   f"project uses ({', '.join(taken)}); nothing was created. Make the project in an "
                                   "empty database (or a new file)")
            metadata.create_all(conn)
            stamp_head(conn)
            conn.execute(meta_table.insert(), [{"key": key, "value": value} for key, value in _meta_rows(project_json)])
    finally:
        made.dispose()


def render_sqlite_schema() -> str:
    """The source of ``sqlite_schema``: the statements that create the tables on SQLite, as
    SQLAlchemy renders them from ``tables.metadata`` and Alembic's version table
    (``migrate``), tables in their dependency order, each table's indexes by name."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    from curator.store.migrate import _VERSION_TABLE, HEAD
    from curator.store.tables import metadata

    dialect = sqlite.dialect()
    statements = []
    for table in [*metadata.sorted_tables, _VERSION_TABLE]:
        statements.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        statements += [str(CreateIndex(index).compile(dialect=dialect)).strip()
                       for index in sorted(table.indexes, key=lambda index: index.name)]
    lines = ['"""The statements that create a new project\'s tables on SQLite, as SQLAlchemy renders',
             "them from the tables (``tables.py``, and Alembic's version table), at revision REVISION.",
             "", "Written by ``python -m curator.store.create``, which writes it again after the tables",
             'change; a test holds it to them. Not to be edited by hand."""', "",
             f"REVISION = {HEAD!r}", "", "STATEMENTS = ("]
    for statement in statements:
        parts = statement.splitlines(keepends=True)
        lines.append(f"    {parts[0]!r}" if len(parts) == 1 else
                     "    (" + "\n     ".join(repr(part) for part in parts) + ")")
        lines[-1] += ","
    return "\n".join([*lines, ")", ""])


if __name__ == "__main__":
    (Path(__file__).resolve().parent / "sqlite_schema.py").write_text(render_sqlite_schema(), encoding="utf-8")
