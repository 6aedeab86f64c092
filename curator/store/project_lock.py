"""A named lock on a project that one process holds at a time, across programs (two
windows, a window and ``curator learn``), and that the system lets go when its holder
ends, however it ends: a holder killed with SIGKILL blocks no one.

On SQLite it is an advisory lock (``flock``, ``msvcrt.locking`` on Windows) on a small
file beside the database (``curator.db.NAME.lock``), which also says who holds it
(process id and since when) for the message of whoever waits. The file stays after
use; it is the lock held on it, not the file, that counts, so a stale file is no lock.
On PostgreSQL it is a session advisory lock, held by a connection of its own: the
server lets it go when that connection closes or its process dies. A project with no
file (SQLite in memory) is locked within this program only.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Self

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from curator.errors import CuratorError

_TAG = 0x43757261  # "Cura": PostgreSQL's advisory keys of Curator's project locks start with it
_IN_MEMORY: dict[str, threading.Lock] = {}
_IN_MEMORY_GUARD = threading.Lock()


@dataclass(frozen=True)
class Holder:
    """Who holds a project lock, as far as it is known: the process and since when."""

    pid: int | None = None
    since: str = ""

    def __str__(self) -> str:
        parts = [f"process {self.pid}" if self.pid else "", f"since {self.since}" if self.since else ""]
        return ", ".join(p for p in parts if p) or "another program"


class ProjectLock:
    """The lock ``name`` on the project whose database ``engine`` opens. ``acquire``
    never waits (the caller decides how: with a job it can cancel); ``release`` lets it
    go. Use one object from one thread; two objects in one program exclude each other
    as two programs do."""

    def __init__(self, engine: Engine, name: str) -> None:
        self.name = name
        self._engine = engine
        self._file: IO[bytes] | None = None
        self._connection: sa.Connection | None = None
        self._memory: threading.Lock | None = None
        self.path = lock_path(engine, name)

    # -- taking and letting go --------------------------------------------------------------

    def acquire(self) -> bool:
        """Take the lock if nobody holds it; whether it was taken."""
        if self.held:
            return True
        if self._engine.dialect.name == "postgresql":
            return self._acquire_postgres()
        if self.path is None:
            return self._acquire_memory()
        return self._acquire_file(self.path)

    @property
    def held(self) -> bool:
        return self._file is not None or self._connection is not None or self._memory is not None

    def release(self) -> None:
        if self._file is not None:
            file, self._file = self._file, None
            with contextlib.suppress(OSError):
                _unlock(file)
            file.close()
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:
                connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
                connection.commit()
                connection.close()
            except sa.exc.SQLAlchemyError:  # the server is gone: so is the lock
                connection.invalidate()
        if self._memory is not None:
            memory, self._memory = self._memory, None
            memory.release()

    def holder(self) -> Holder | None:
        """Who holds the lock, if it is known (read from the lock file on SQLite)."""
        if self.path is None:
            return None
        try:
            said = json.loads(self.path.read_bytes() or b"{}")
        except (OSError, ValueError):
            return None
        if not isinstance(said, dict):
            return None
        pid = said.get("pid")
        return Holder(pid if isinstance(pid, int) else None, str(said.get("since", ""))[:40])

    def __enter__(self) -> Self:
        if not self.acquire():
            raise CuratorError(f"the project's {self.name} lock is held by {self.holder() or 'another program'}")
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()

    # -- each kind of project ------------------------------------------------------------------

    def _acquire_file(self, path: Path) -> bool:
        try:
            file = open(path, "a+b")  # noqa: SIM115 - held open as long as the lock is
        except OSError as exc:
            raise CuratorError(f"{path}: cannot make the {self.name} lock file ({exc.strerror or exc})") from exc
        try:
            _lock(file)
        except OSError:
            file.close()
            return False
        try:  # who holds it, for the message of whoever waits
            file.seek(0)
            file.truncate()
            file.write(json.dumps({"pid": os.getpid(), "since": datetime.now().strftime("%Y-%m-%d %H:%M:%S")})
                       .encode("utf-8"))
            file.flush()
        except OSError:
            pass  # a lock whose holder is not said is still a lock
        self._file = file
        return True

    @property
    def _key(self) -> int:
        return (_TAG << 32) | zlib.crc32(self.name.encode("utf-8"))

    def _acquire_postgres(self) -> bool:
        connection = self._engine.connect()
        try:
            taken = bool(connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}).scalar())
            connection.commit()
        except BaseException:
            connection.invalidate()
            raise
        if not taken:
            connection.close()
            return False
        self._connection = connection
        return True

    def _acquire_memory(self) -> bool:
        with _IN_MEMORY_GUARD:
            lock = _IN_MEMORY.setdefault(f"{id(self._engine)}:{self.name}", threading.Lock())
        if not lock.acquire(blocking=False):
            return False
        self._memory = lock
        return True


def lock_path(engine: Engine, name: str) -> Path | None:
    """The lock file of ``name`` beside a SQLite project's database; None for a database
    with no file (in memory) or on a server."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).with_name(f"{Path(database).name}.{name}.lock")


if os.name == "nt":  # pragma: no cover - Windows
    import msvcrt

    _FAR = 1 << 30  # the byte locked lies past what the file holds, so it stays readable

    def _lock(file: IO[bytes]) -> None:
        file.seek(_FAR)
        msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(file: IO[bytes]) -> None:
        file.seek(_FAR)
        msvcrt.locking(file.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(file: IO[bytes]) -> None:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(file: IO[bytes]) -> None:
        fcntl.flock(file.fileno(), fcntl.LOCK_UN)
