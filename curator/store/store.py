"""The project's store: one class over the database's tables, opened, created and closed
here, its reads and writes in the mixins it is made of (one module each)."""

from __future__ import annotations

import json
import sqlite3
import threading
import weakref
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from curator.domain.jobs import Job
from curator.domain.models import Project
from curator.domain.schema import LabelSchema
from curator.errors import CuratorError
from curator.store.annotations import AnnotationStore
from curator.store.categories import CategoryStore
from curator.store.create import create_database
from curator.store.decisions import DecisionStore
from curator.store.documents import DocumentStore
from curator.store.engine import (
    DB_FILENAME,
    SCHEMA_VERSION,
    hide_passwords,
    is_url,
    make_engine,
    shown,
)
from curator.store.entities import EntityStore
from curator.store.events import EventHub
from curator.store.fact_rows import FactStore
from curator.store.label_rows import LabelStore
from curator.store.migrate import upgrade
from curator.store.recommenders import RecommenderStore
from curator.store.relations import RelationStore
from curator.store.removals import RemovalStore
from curator.store.review_items import ReviewItemStore
from curator.store.reviews import ReviewStore
from curator.store.suggestions import SuggestionStore
from curator.store.tables import meta_table


class CommitCounter:
    """SQLite's count of the commits that other connections made to a database (``PRAGMA
    data_version``), read on a connection of its own that reads nothing else."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __call__(self) -> int:
        return self._connection.execute("PRAGMA data_version").fetchone()[0]

    def close(self) -> None:
        self._connection.close()


class Store(DocumentStore, AnnotationStore, EntityStore, ReviewStore, SuggestionStore, DecisionStore, FactStore,
            ReviewItemStore, LabelStore, CategoryStore, RecommenderStore, RelationStore, RemovalStore):
    """The project's data: documents, annotations, progress and settings.

    Every public write is one transaction and publishes an event on ``events``
    once it has committed. Safe to use from one thread at a time per call; the
    engine's pool hands each thread its own connection.
    """

    def __init__(self, engine: Engine, location: str) -> None:
        self.engine = engine
        self.location = location
        self.events = EventHub()
        self._current = threading.local()
        self.migrations_applied: list[str] = []
        self._counters: weakref.WeakSet[CommitCounter] = weakref.WeakSet()  # open ones, closed with the store

    # -- opening ---------------------------------------------------------------

    @classmethod
    def _engine(cls, target: str | Path) -> Engine:
        return make_engine(target)

    @classmethod
    def create(cls, target: str | Path, project: Project | None = None) -> "Store":
        """Create a new, empty project at ``target`` (a folder or a database URL)."""
        create_database(target, (project or Project()).model_dump_json())
        return cls(cls._engine(target), str(target))

    @classmethod
    def open(cls, target: str | Path, job: Job | None = None) -> "Store":
        """Open an existing project; a clear error if there is none or it is too new. If
        its schema is older, it is brought up to date first, telling ``job`` (see
        ``migration_progress``) each step and how far it is."""
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
                    raise CuratorError(f"{shown(target)}: not a Curator project (no meta table)")
                version = conn.execute(
                    sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")
                ).scalar()
        except sa.exc.DatabaseError as exc:
            engine.dispose()
            raise CuratorError(hide_passwords(f"{shown(target)}: cannot read the project database "
                                              f"({exc.orig})")) from exc
        except CuratorError:
            engine.dispose()
            raise
        if version is None or not str(version).isdigit():
            engine.dispose()
            raise CuratorError(f"{shown(target)}: not a Curator project (its meta table holds no schema version: "
                               "another program's database?)")
        if int(version) > SCHEMA_VERSION:
            engine.dispose()
            raise CuratorError(
                f"{shown(target)}: project schema version {version} is newer than this Curator supports "
                f"({SCHEMA_VERSION}); upgrade Curator"
            )
        store = cls(engine, str(target))
        try:
            store.migrations_applied = upgrade(engine, job)
        except Exception as exc:
            engine.dispose()
            raise CuratorError(hide_passwords(f"{shown(target)}: could not bring the project's schema up to date "
                                              f"({exc})")) from exc
        return store

    def close(self) -> None:
        for counter in list(self._counters):
            counter.close()
        self.engine.dispose()

    def change_counter(self) -> CommitCounter | None:
        """A count of the commits other connections made to the project, read on a
        connection of its own (closed with the store, or by its reader), opened as the
        engine opens its own. A look for changes made elsewhere skips its queries while it
        stays. None for a database that keeps no such count (PostgreSQL, SQLite in memory),
        or when the connection cannot be made: the look then runs every time."""
        if self.engine.dialect.name != "sqlite" or self.engine.url.database in (None, "", ":memory:"):
            return None
        args, options = self.engine.dialect.create_connect_args(self.engine.url)
        if not options.get("uri") and not Path(args[0]).is_file():
            return None  # (gone: the look says so, and no empty database is made in its place)
        try:
            connection = sqlite3.connect(*args, **{**options, "check_same_thread": False})
        except sqlite3.Error:
            return None
        counter = CommitCounter(connection)
        self._counters.add(counter)
        return counter

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

