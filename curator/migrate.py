"""Bringing a project's schema up to date with Alembic, on SQLite and PostgreSQL alike.

A new project is created whole from the current tables and stamped with the newest
revision; opening an older project applies the revisions it lacks, in one transaction.
Projects made before migrations existed count as the baseline revision.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

BASELINE = "0001"
_SCRIPTS = Path(__file__).resolve().parent / "migrations"


def _config(connection: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    return ScriptDirectory(str(_SCRIPTS)).get_current_head()


def current(connection: sa.Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def stamp_head(connection: sa.Connection) -> None:
    command.stamp(_config(connection), "head")


def upgrade(engine: sa.Engine) -> list[str]:
    """Apply missing revisions; returns the revisions applied (empty when up to date)."""
    with engine.begin() as connection:
        before = current(connection)
        if before is None:
            command.stamp(_config(connection), BASELINE)
            before = BASELINE
        if before == head():
            return []
        script = ScriptDirectory(str(_SCRIPTS))
        pending = [r.revision for r in script.iterate_revisions(head(), before)]
        command.upgrade(_config(connection), "head")
        return list(reversed(pending))
