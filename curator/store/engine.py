"""Where a project's database is and how it is opened: folders and URLs, SQLite's
settings, and what the database's errors mean for the user.

SQLAlchemy is imported by the functions that make its objects: creating a SQLite
project (``curator.store.create``) uses the rest without it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curator.errors import CuratorError

if TYPE_CHECKING:
    import sqlalchemy as sa

SCHEMA_VERSION = 1
DB_FILENAME = "curator.db"

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")
# The password of any URL in a text: ``scheme://user:PASSWORD@``, up to the last ``@`` of the
# word (a password may hold an unencoded ``@`` or ``/``).
_PASSWORD = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*):\S*@")


def hide_passwords(text: str) -> str:
    """``text`` with the password of every URL in it shown as ``***``: what reaches a
    terminal, a log or a window never holds one."""
    return _PASSWORD.sub(r"\1:***@", text) if "://" in text else text


def shown(target: object) -> str:
    """A project argument (folder or URL) as a message shows it: without a password."""
    return hide_passwords(str(target))


def is_url(target: str | Path) -> bool:
    """Only ``scheme://...`` is a database URL; anything else, whatever characters it
    holds (``#``, ``?``, ``%``), is a folder."""
    return isinstance(target, str) and _URL.match(target) is not None


def database_url(target: str | Path) -> str | sa.URL:
    """The SQLAlchemy URL for a project argument: a folder path or a database URL.

    A folder's URL is built as an object, never parsed from text, so a folder named
    ``p?mode=ro`` or ``proj#1`` is that folder's ``curator.db``."""
    import sqlalchemy as sa

    if isinstance(target, sa.URL):
        return target
    if is_url(target):
        return str(target)
    return sa.URL.create("sqlite", database=str(database_file(target)))


def database_file(folder: str | Path) -> Path:
    """The SQLite file of a project folder."""
    return Path(folder).expanduser().resolve() / DB_FILENAME


BUSY_TIMEOUT_MS = _BUSY_TIMEOUT_MS = 10_000


def database_problem(exc: BaseException, location: str = "") -> str:
    """What a database error means for the user, in their words: busy, full, read-only,
    damaged or unreachable, and that nothing already saved was lost."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    reason = hide_passwords(reason)
    lowered = reason.lower()
    where = f"{shown(location)}: " if location else ""
    if "locked" in lowered or "lock timeout" in lowered or "could not obtain lock" in lowered:
        return (f"{where}the project is busy: another program held its lock for more than "
                f"{_BUSY_TIMEOUT_MS // 1000} s. Nothing was changed; try again when it is done")
    if "disk is full" in lowered or "no space left" in lowered or "disk full" in lowered:
        return f"{where}the disk is full. Nothing was changed; what was saved before is kept"
    if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
        return f"{where}the project database cannot be written (read-only file or folder). Nothing was changed"
    if any(sign in lowered for sign in ("not a database", "malformed", "corrupt", "could not decode")):
        return (f"{where}the project database is damaged ({reason}). Restore it from a backup "
                "('curator backup' makes one); nothing was written to it")
    if "unable to open" in lowered:
        return f"{where}cannot open the project database ({reason})"
    return f"{where}database error: {reason}"


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers and one writer work at once; synchronous=FULL makes each
    # committed edit durable even if the machine loses power right after. Only a project's
    # database (or an empty one, about to become one) is switched: another program's
    # database that Curator refuses to open is left as it was.
    if _ours_or_empty(cursor):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # A write that meets another program's lock waits this long, then fails loudly.
    cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
    cursor.close()


def _ours_or_empty(cursor: Any) -> bool:
    """Whether a SQLite database holds a Curator project (its ``meta`` table with a schema
    version) or no table at all."""
    import sqlite3

    try:
        tables = {row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return True
        return "meta" in tables and cursor.execute(
            "SELECT 1 FROM meta WHERE \"key\" = 'schema_version'").fetchone() is not None
    except sqlite3.Error:  # damaged, or not a database at all: opening it reports that
        return False


def make_engine(target: str | Path) -> sa.Engine:
    """The SQLAlchemy engine for a project argument, SQLite configured on every connection."""
    import sqlalchemy as sa

    url = database_url(target)
    try:
        engine = sa.create_engine(url)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError, ValueError) as exc:
        raise CuratorError(hide_passwords(f"{target}: not a database URL Curator can open ({exc})")) from exc
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", lambda connection, record: _configure_sqlite(connection, record))
    return engine
