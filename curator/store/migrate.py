"""Bringing a project's schema up to date with Alembic, on SQLite and PostgreSQL alike.

A new project is created whole from the current tables and stamped with the newest
revision; opening an older project applies the revisions it lacks, in one transaction.
Projects made before migrations existed count as the baseline revision. When several
programs open an older project at once, one migrates while the others wait for it (a
write lock taken first on SQLite, an advisory lock on PostgreSQL), then find it up to
date and open it.

While a migration runs it reports to a ``Job`` (see ``migration_progress``): each revision's
step (``summary`` in its script), and, where one copies rows, how many of all it has
copied. Opening an up-to-date project reports nothing and asks nothing more.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from curator.domain.jobs import Job
from curator.store.migration_progress import UPDATING, reported_to, step_status

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import Script

BASELINE = "0001"
HEAD = "0012"  # the newest revision; a test holds it to the scripts
_SCRIPTS = Path(__file__).resolve().parent / "migrations"

# Alembic is imported only when a project needs upgrading or stamping: opening an
# up-to-date project (every command, every export worker) reads the version row alone.


def _config(connection: sa.Connection, job: Job | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    config.attributes["connection"] = connection
    config.attributes["job"] = job or Job()
    return config


def migration_job() -> Job:
    """For a migration's script, while it runs: the job its upgrade reports to (a silent
    one when it is run another way)."""
    from alembic import op

    config = op.get_context().config
    job = config.attributes.get("job") if config is not None else None
    return job if isinstance(job, Job) else Job()


def _what_it_does(script: Script) -> str:
    """A revision's step in the user's words: its ``summary``, else its docstring's first clause."""
    summary = getattr(script.module, "summary", None)
    if isinstance(summary, str) and summary.strip():
        return summary.strip()
    first = " ".join((script.doc or "").split()).split(". ")[0].split(": ")[0].rstrip(".")
    return (first[:1].lower() + first[1:]) if first else f"applying revision {script.revision}"


def head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(_SCRIPTS)).get_current_head()


def current(connection: sa.Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


# Alembic's own version table, as ``alembic stamp`` creates it: a new project is stamped
# with HEAD without importing Alembic (a tenth of a second of every ``curator init``).
# A test holds the two equal.
_VERSION_TABLE = sa.Table("alembic_version", sa.MetaData(),
                          sa.Column("version_num", sa.String(32), nullable=False),
                          sa.PrimaryKeyConstraint("version_num", name="alembic_version_pkc"))


def stamp_head(connection: sa.Connection) -> None:
    """Mark a project just created from the current tables as being at the newest revision."""
    _VERSION_TABLE.create(connection)
    connection.execute(_VERSION_TABLE.insert().values(version_num=HEAD))


def stamp_head_with_alembic(connection: sa.Connection) -> None:
    """``stamp_head`` as Alembic does it; for the test that holds the two equal."""
    from alembic import command

    command.stamp(_config(connection), "head")


_LOCK_KEY = 0x43757261746F72  # PostgreSQL's advisory lock for migrations ("Curator")
_MIGRATION_WAIT_MS = 600_000  # how long a program waits for another's migration (SQLite)


def _migration_lock(connection: sa.Connection) -> None:
    """Take the lock that lets one program at a time migrate, for the transaction:
    SQLite's write lock, waiting for another program's migration up to ten minutes, or a
    PostgreSQL advisory lock, released at commit."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA busy_timeout={_MIGRATION_WAIT_MS}")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def upgrade(engine: sa.Engine, job: Job | None = None) -> list[str]:
    """Apply missing revisions; returns the revisions applied (empty when up to date, also
    when another program brought it up to date while this one waited). While they run,
    ``job`` (or the one ``migrations_shown`` asks for) is told each step and how far it is;
    it cannot be cancelled (it is one transaction). A database that
    refuses (a full disk, a read-only file, a lock held too long) is a ``CuratorError``
    saying so in the user's words: the migration's one transaction changed nothing."""
    try:
        return _upgrade(engine, job)
    except sa.exc.DBAPIError as exc:
        from curator.errors import CuratorError
        from curator.store.engine import database_problem

        if "locked" in str(exc.orig).lower():  # (it waited longer than an ordinary write does)
            ms = _MIGRATION_WAIT_MS
            waited = f"{ms // 60_000} min" if ms % 60_000 == 0 else f"{ms / 1000:g} s"
            raise CuratorError(f"the project is busy: another program held its lock for more than {waited} while "
                               "this one waited to bring it up to date. Nothing was changed; open it again when "
                               "the other is done") from exc
        raise CuratorError(database_problem(exc)) from exc


def _upgrade(engine: sa.Engine, job: Job | None) -> list[str]:
    with engine.connect() as connection:
        if current(connection) == HEAD:  # (every open but the first after an upgrade: no lock)
            return []
    with reported_to(job) as reported, engine.connect() as connection, _foreign_keys_off(connection):
        sqlite = connection.dialect.name == "sqlite"
        reported.set_status(f"{UPDATING}: waiting until no other program is writing to it")
        with connection.begin():
            _migration_lock(connection)
            try:
                applied = _upgrade_locked(connection, reported)
                if applied:  # (the commit writes every page the steps changed: long after a rebuild)
                    reported.set_status(f"{UPDATING}: saving the changes")
                    reported.set_progress(0, 0)
                return applied
            finally:
                if sqlite:
                    from curator.store.engine import BUSY_TIMEOUT_MS

                    with contextlib.suppress(Exception):  # (the connection's own error goes on)
                        connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def downgrade(engine: sa.Engine, revision: str) -> None:
    """Take a project's schema back to ``revision`` (tests; by hand), SQLite's foreign keys
    off for it as for an upgrade."""
    from alembic import command

    with engine.connect() as connection, _foreign_keys_off(connection), connection.begin():
        command.downgrade(_config(connection), revision)


@contextlib.contextmanager
def _foreign_keys_off(connection: sa.Connection) -> Iterator[None]:
    """SQLite's foreign keys off while a migration runs on ``connection`` (one that rebuilds
    a table must not cascade its drop; see 0012), then on again before the connection goes
    back to the pool as every other is, or it is not given back at all. Other databases:
    nothing to do."""
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # before the transaction, or it does nothing
    connection.commit()
    try:
        yield
    finally:
        try:
            connection.rollback()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
        except Exception:  # (the migration's own error goes on)
            connection.invalidate()


def _upgrade_locked(connection: sa.Connection, job: Job) -> list[str]:
    before = current(connection)
    if before == HEAD:
        return []
    from alembic import command
    from alembic.script import ScriptDirectory

    if before is None:
        command.stamp(_config(connection), BASELINE)
        before = BASELINE
    if before == head():
        return []
    script = ScriptDirectory(str(_SCRIPTS))
    if before not in {revision.revision for revision in script.walk_revisions()}:
        from curator.errors import CuratorError

        raise CuratorError(f"its schema is at revision {before!r}, which this Curator does not know: a newer "
                           "Curator made or upgraded it. Upgrade Curator; nothing was changed")
    pending = list(reversed([r.revision for r in script.iterate_revisions(head(), before)]))
    config = _config(connection, job)
    for number, revision in enumerate(pending, 1):  # one at a time: each step told before it runs
        job.set_status(step_status(_what_it_does(script.get_revision(revision)), number, len(pending)))
        job.set_progress(0, 0)
        command.upgrade(config, revision)
    return pending
