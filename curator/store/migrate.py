"""Bringing a project's schema up to date with Alembic, on SQLite and PostgreSQL alike.

A new project is created whole from the current tables and stamped with the newest
revision; opening an older project applies the revisions it lacks, in one transaction.
Projects made before migrations existed count as the baseline revision.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from alembic.config import Config

BASELINE = "0001"
HEAD = "0009"  # the newest revision; a test holds it to the scripts
_SCRIPTS = Path(__file__).resolve().parent / "migrations"

# Alembic is imported only when a project needs upgrading or stamping: opening an
# up-to-date project (every command, every export worker) reads the version row alone.


def _config(connection: sa.Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    config.attributes["connection"] = connection
    return config


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


def upgrade(engine: sa.Engine) -> list[str]:
    """Apply missing revisions; returns the revisions applied (empty when up to date)."""
    with engine.begin() as connection:
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
        pending = [r.revision for r in script.iterate_revisions(head(), before)]
        command.upgrade(_config(connection), "head")
        return list(reversed(pending))
