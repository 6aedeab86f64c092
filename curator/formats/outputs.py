"""Where Curator may write its outputs, and writing them so that a crash leaves nothing half-done.

Every file Curator writes for the user (exports, schemas, layer files, other tools'
formats) goes through ``atomic_path``, every new project folder (``curator copy``,
``curator backup``) through ``atomic_folder``. Both check the target first, in one place:

- an output is a regular file or a folder, never a directory, device, FIFO or socket
  in its place (nor a symlink to one); a symlink to a regular file writes the file it
  points to;
- an output is never one of a project's own files: a SQLite project database or its
  ``-wal``, ``-shm`` or ``-journal`` file, judged by the resolved real path;
- the folder the output goes in exists: a mistyped path is refused, never created.

The output is built under a temporary name beside the target (``.NAME.TAG.part``, a
file or folder) and renamed into place only when whole. ``TAG`` names this machine and
process; a later write to the same target removes the parts that a killed writer left
(those of this machine whose process no longer runs), and nothing else. Operating
system errors (permission denied, a read-only folder, a full disk, a name too long)
become a ``CuratorError`` naming the target and the reason.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import socket
import stat
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from curator.errors import CuratorError
from curator.formats.boundary import file_kind as _kind

DB_FILENAME = "curator.db"  # the same name as curator.store's; kept here so that this module imports nothing heavy
_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
_PROJECT_FILES = (DB_FILENAME, *(DB_FILENAME + side for side in _SQLITE_SIDE_FILES))

# SQLite database files opened by this process (any project, also one opened by URL):
# they and their side files are never an output. Recorded by a pool listener on
# every new connection.
_OPEN_DATABASES: set[str] = set()


def _record_sqlite_database(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__.partition(".")[0] not in ("sqlite3", "pysqlite2"):
        return
    try:
        for _seq, _name, filename in dbapi_connection.execute("PRAGMA database_list").fetchall():
            if filename:
                _OPEN_DATABASES.add(os.path.realpath(filename))
    except Exception:  # a connection that cannot list its files still works; it is only not recorded
        return


sa.event.listen(sa.pool.Pool, "connect", _record_sqlite_database)


def _tag() -> str:
    """This machine and process, as written into temporary names."""
    host = hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]
    return f"{host}-{os.getpid()}"


_PART = re.compile(r"\.(?P<host>[0-9a-f]{6})-(?P<pid>\d+)-[0-9a-f]{8}\.parts?")
_NAME_IN_TEMP = 120  # characters of the target's name kept in a temporary name (names are limited to 255 bytes)


def _temp_prefix(name: str) -> str:
    return f".{name[:_NAME_IN_TEMP]}."


def _reason(exc: OSError) -> str:
    reasons = {errno.EACCES: "permission denied", errno.EPERM: "permission denied",
               errno.EROFS: "the file system is read-only", errno.ENOSPC: "no space left on the disk",
               errno.EDQUOT: "disk quota exceeded", errno.ENAMETOOLONG: "the name is too long",
               errno.ENOENT: "the folder does not exist", errno.ENOTDIR: "a part of the path is not a folder",
               errno.EISDIR: "it is a folder", errno.EEXIST: "it already exists"}
    return reasons.get(exc.errno, exc.strerror or str(exc))


def os_error(target: Path, exc: OSError) -> CuratorError:
    """An operating system error while writing ``target`` as a message the user can act on."""
    # The file the error names, unless it is the target or its temporary file beside it.
    named = Path(os.fsdecode(exc.filename)) if exc.filename else None
    beside = named is not None and (named.name == Path(target).name or named.name.startswith(f".{Path(target).name}"))
    where = f" ({named})" if named is not None and not beside else ""
    return CuratorError(f"{target}: cannot write: {_reason(exc)}{where}")


@contextmanager
def _reported(target: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise os_error(target, exc) from exc


def is_project_file(path: Path) -> bool:
    """True if ``path`` (resolved) is a project's database or one of its side files."""
    real = os.path.realpath(path)
    name = os.path.basename(real)
    if name in _PROJECT_FILES and os.path.exists(os.path.join(os.path.dirname(real), DB_FILENAME)):
        return True
    for database in _OPEN_DATABASES:
        if real == database or real in (database + side for side in _SQLITE_SIDE_FILES):
            return True
    return False


def _folder_for(target: Path, real: Path) -> Path:
    """The existing folder ``real`` goes in: a mistyped folder is refused, never created."""
    folder = real.parent
    with _reported(target):
        if folder.is_dir():
            return folder
        if folder.exists():
            raise CuratorError(f"{target}: cannot write: {folder} is not a folder")
        raise CuratorError(f"{target}: cannot write: the folder {folder} does not exist")


def check_file_target(target: str | Path) -> Path:
    """The real path an output file ``target`` may be written to; raises ``CuratorError`` if it may not."""
    target = Path(target)
    with _reported(target):
        real = Path(os.path.realpath(target))
        if is_project_file(real):
            raise CuratorError(f"{target}: refused: this is a project's own database file ({real.name}); "
                               "choose another output file")
        try:
            mode = real.stat().st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and not stat.S_ISREG(mode):
            raise CuratorError(f"{target}: refused: an output replaces only a regular file, and this is "
                               f"{_kind(mode)}")
    return real


def check_folder_target(target: str | Path) -> Path:
    """The real path a new project folder ``target`` may be made at; raises ``CuratorError`` if it may not."""
    target = Path(target)
    with _reported(target):
        real = Path(os.path.realpath(target))
        try:
            mode = real.stat().st_mode
        except FileNotFoundError:
            return real
        if not stat.S_ISDIR(mode):
            what = ("a project's own database file" if is_project_file(real) else
                    "a file" if stat.S_ISREG(mode) else _kind(mode))
            raise CuratorError(f"{target}: refused: a project goes in a folder, and this is {what}")
        if (real / DB_FILENAME).exists():
            raise CuratorError(f"{target}: a Curator project already exists here; choose a new folder")
    return real


def _pid_runs(pid: int) -> bool:
    if os.name == "nt":  # there os.kill(pid, 0) would stop the process; assume it runs, and keep its parts
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: it runs
        return True
    return True


def remove_stale_parts(folder: Path, name: str) -> None:
    """Remove the temporary parts of ``name`` that a killed writer on this machine left in ``folder``."""
    prefix = _temp_prefix(name)
    host = _tag().partition("-")[0]
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        match = _PART.fullmatch(entry.name[len(prefix) - 1 :])
        if match is None or match["host"] != host or _pid_runs(int(match["pid"])):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:  # gone already, or not ours to remove after all
            continue


def _temp_name(name: str, suffix: str) -> str:
    return f"{_temp_prefix(name)}{_tag()}-{uuid.uuid4().hex[:8]}{suffix}"


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """A temporary path beside ``target`` that replaces it only if the block succeeds.

    ``target`` is checked first (see the module's docstring): a refused target raises
    ``CuratorError`` before anything is written. An operating system error inside the
    block becomes a ``CuratorError`` naming the target."""
    target = Path(target)
    real = check_file_target(target)
    folder = _folder_for(target, real)
    remove_stale_parts(folder, real.name)
    temp = folder / _temp_name(real.name, ".part")
    with _reported(target):
        temp.open("xb").close()  # created with the user's umask, unlike mkstemp's 0600
    try:
        try:
            yield temp
            check_file_target(target)  # still allowed: it may have changed while the output was written
            os.replace(temp, real)
        except OSError as exc:
            raise os_error(target, exc) from exc
    finally:
        temp.unlink(missing_ok=True)
        parts = temp.with_suffix(".parts")
        if parts.is_dir():
            shutil.rmtree(parts, ignore_errors=True)


def parts_folder(temp: Path) -> Path:
    """A new folder beside the temporary file ``temp`` of ``atomic_path``, for pieces of it;
    removed with it, or by the next write if the writer is killed."""
    folder = temp.with_suffix(".parts")
    folder.mkdir()
    return folder


@contextmanager
def atomic_folder(target: str | Path) -> Iterator[Path]:
    """A temporary folder beside ``target`` whose files move into ``target`` only if the block succeeds.

    ``target`` must be new, or a folder without a project in it. The block must close
    what it opened there (a SQLite database leaves no ``-wal`` once closed)."""
    target = Path(target)
    real = check_folder_target(target)
    folder = _folder_for(target, real)
    remove_stale_parts(folder, real.name)
    temp = folder / _temp_name(real.name, ".part")
    with _reported(target):
        temp.mkdir()
    try:
        try:
            yield temp
            check_folder_target(target)
            if not real.exists():
                os.rename(temp, real)  # the whole folder appears at once
            else:
                for entry in sorted(temp.iterdir(), key=lambda p: p.name == DB_FILENAME):  # the database last
                    if (real / entry.name).exists():
                        raise CuratorError(f"{target}: {entry.name} appeared there meanwhile; nothing replaced")
                    os.rename(entry, real / entry.name)
        except OSError as exc:
            raise os_error(target, exc) from exc
    finally:
        if temp.is_dir():
            shutil.rmtree(temp, ignore_errors=True)
